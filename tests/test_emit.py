"""emit: JSON, our XML and Akoma Ntoso from the same model; exact values, round trips, AKN shape."""

from __future__ import annotations

import gazette_parser

import dataclasses
import json
import re
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from gazette_parser.emit import render
from gazette_parser.emit import akn as AKN
from gazette_parser.emit import json as J
from gazette_parser.emit import xml as X
from gazette_parser.model import walk
from gazette_parser.validate import validate

from .emit_fixtures import TEXT, rich_issue

A = {"a": AKN.AKN_NS, "g": X.NS}


@pytest.fixture(scope="module")
def rich():
    issue = rich_issue()
    return issue, render(issue, "all")


@pytest.fixture(scope="module")
def cq(cq_issue):
    return cq_issue, render(cq_issue, "all", include_text=True)


def _akn(text: str) -> etree._Element:
    return etree.fromstring(text.encode("utf-8"))


# ----------------------------------------------------------------------------------------------
# every format validates


@pytest.mark.parametrize("kind", ["json", "xml", "akn"])
def test_rich_issue_validates(rich, kind):
    ok, errors = validate(rich[1][kind], kind=kind)
    assert ok, errors[:10]


@pytest.mark.parametrize("kind", ["json", "xml", "akn"])
def test_sample_issue_validates(cq, kind):
    """The real parse of the sample issue: shows drift as soon as a stage writes something new."""
    ok, errors = validate(cq[1][kind], kind=kind)
    assert ok, errors[:10]


def test_render_kinds_and_errors(rich):
    issue, out = rich
    assert list(out) == ["json", "xml", "akn"]
    assert render(issue, "xml") == {"xml": out["xml"]}
    assert render(issue, "json")["json"] == gazette_parser.to_json(issue)
    with pytest.raises(ValueError):
        render(issue, "yaml")


def test_output_is_byte_identical_across_runs(rich):
    again = render(rich_issue(), "all")
    assert again == rich[1]


# ----------------------------------------------------------------------------------------------
# exact values


def test_decimals_are_exact_in_every_format(rich):
    issue, out = rich
    data = json.loads(out["json"], parse_float=Decimal)
    targets = [t for d in data["documents"] for c in _walk_dicts(d["clauses"]) for t in c["targets"]]
    values = [t["value"] for t in targets]
    assert Decimal("100000000") in values and Decimal("0.025") in values
    assert '"value": 100000000,' in out["json"] and '"value": 0.025,' in out["json"]
    xml_values = [e.get("value") for e in etree.fromstring(out["xml"].encode()).iter("{%s}target" % X.NS)]
    assert "100000000" in xml_values and "0.025" in xml_values
    normalized = [q.get("normalized") for q in _akn(out["akn"]).iter("{%s}quantity" % AKN.AKN_NS)]
    assert "100000000" in normalized and "0.025" in normalized
    assert not any("e" in v.lower() for v in normalized)


@pytest.mark.parametrize("which", ["rich", "cq"])
def test_json_writer_equals_the_stdlib_encoder_byte_for_byte(which, rich, cq):
    """The fast writer gives exactly what json.dumps(indent=2) with exact decimals gives."""
    issue = (rich if which == "rich" else cq)[0]
    for include_text in (False, True):
        d = J.issue_to_dict(issue, include_text)
        reference = json.dumps(d, ensure_ascii=False, indent=2, cls=J._Encoder) + "\n"
        assert J.dumps(issue, include_text=include_text) == reference


def _walk_dicts(clauses):
    for c in clauses:
        yield c
        yield from _walk_dicts(c["children"])


# ----------------------------------------------------------------------------------------------
# round trips


def test_xml_round_trip_rich(rich):
    issue, out = rich
    back = X.loads(out["xml"])
    assert J.dumps(back) == out["json"]
    assert back.documents[0].clauses[0].children[0].targets[1].value == Decimal("100000000")
    assert isinstance(back.documents[0].span, tuple)


def test_xml_round_trip_sample_with_text(cq):
    issue, out = cq
    back = X.loads(out["xml"])
    assert J.dumps(back, include_text=True) == out["json"]


def test_json_round_trip(rich, cq):
    for issue, out in (rich, cq):
        text = out["json"]
        back = J.loads(text)
        assert J.dumps(back, include_text=back.text is not None) == text


def test_json_reader_keeps_model_types(rich):
    back = J.loads(rich[1]["json"])
    one = back.documents[0].clauses[1].children[0].children[0]
    assert one.lead_units[0].name == "市发展改革委" and one.responsible_units[1].known is False
    assert one.confidence == 87.5 and one.source == "ocr"
    assert back.documents[1].doc_number_parts == {"prefix": "国令", "serial": 706}  # None dropped
    assert all(isinstance(t.value, Decimal) for d in back.documents for c in walk(d.clauses) for t in c.targets)


_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=_text, heading=_text, marker=_text, message=_text, key=_text, value=_text)
def test_xml_round_trip_any_text(title, heading, marker, message, key, value):
    """Any text survives XML → model → JSON, except characters XML 1.0 cannot carry (removed)."""
    issue = rich_issue()
    doc = dataclasses.replace(issue.documents[0], title=title)
    doc.clauses[0] = dataclasses.replace(doc.clauses[0], heading=heading)
    doc.clauses[0].children[0].list_items[0] = dataclasses.replace(doc.clauses[0].children[0].list_items[0],
                                                                   marker=marker)
    issue = dataclasses.replace(issue, documents=[doc, issue.documents[1]],
                                info=dataclasses.replace(issue.info, colophon={key: value, "印刷": "x"}),
                                warnings=issue.warnings + [dataclasses.replace(issue.warnings[0], message=message)])
    xml = X.dumps(issue)
    assert validate(xml, kind="xml")[0]
    back = X.loads(xml)
    strip = X.ILLEGAL_XML.sub
    assert back.documents[0].title == strip("", title)
    assert back.documents[0].clauses[0].heading == strip("", heading)
    assert back.documents[0].clauses[0].children[0].list_items[0].marker == strip("", marker)
    assert back.warnings[2].message == strip("", message)
    assert back.info.colophon.get(strip("", key)) == (strip("", value) if strip("", key) != "印刷" else "x")
    if not any(X.ILLEGAL_XML.search(s) for s in (title, heading, marker, message, key, value)):
        assert J.dumps(back) == J.dumps(issue)


# ----------------------------------------------------------------------------------------------
# escaping and illegal characters


def test_markup_characters_are_escaped():
    issue = rich_issue()
    issue.documents[0] = dataclasses.replace(issue.documents[0], title='a <b> & "c" ]]> \'d\'')
    for kind, out in render(issue, "all").items():
        assert validate(out, kind=kind)[0], kind
    assert X.loads(render(issue, "xml")["xml"]).documents[0].title == issue.documents[0].title
    titles = [e.text for e in _akn(render(issue, "akn")["akn"]).iter("{%s}docTitle" % AKN.AKN_NS)]
    assert issue.documents[0].title in titles


def test_illegal_xml_characters_removed_and_warned():
    issue = rich_issue()
    c = issue.documents[1].clauses[0].children[0]
    issue.documents[1].clauses[0].children[0] = dataclasses.replace(c, text=c.text.replace("为了", "为\x0b了\x00"))
    out = render(issue, "all")
    for kind in ("xml", "akn"):
        assert "\x0b" not in out[kind] and "\x00" not in out[kind]
        assert validate(out[kind], kind=kind)[0]
    back = X.loads(out["xml"])
    warned = [w for w in back.warnings if w.code == "xml-illegal-char"]
    assert len(warned) == 1
    assert "U+000B" in warned[0].message and "U+0000" in warned[0].message
    assert "documents[1].clauses[0].children[0].text" in warned[0].message
    assert warned[0].span == c.span and warned[0].page == c.page  # located on the clause
    assert "为了规范" in back.documents[1].clauses[0].children[0].text
    # the AKN carries the same warning in meta/proprietary
    akn_warnings = _akn(out["akn"]).findall(".//a:proprietary/g:warnings/g:warning", A)
    assert [w.get("code") for w in akn_warnings].count("xml-illegal-char") == 1
    # the JSON is untouched (JSON can carry them)
    assert "\\u000b" in out["json"]


# ----------------------------------------------------------------------------------------------
# Akoma Ntoso shape


def test_akn_is_an_official_gazette_of_the_documents(rich):
    issue, out = rich
    root = _akn(out["akn"])
    og = root.find("a:officialGazette", A)
    assert og is not None and og.get("name") == "officialGazette"
    comps = og.findall("a:collectionBody/a:component", A)
    assert len(comps) == len(issue.documents)
    assert [c.find("a:doc", A).get("name") for c in comps] == ["notice", "order"]


def test_akn_frbr_identification(rich):
    issue, out = rich
    root = _akn(out["akn"])
    doc = root.find(".//a:component/a:doc", A)
    work = doc.find("a:meta/a:identification/a:FRBRWork", A)
    uri = work.find("a:FRBRuri", A).get("value")
    assert uri == "/akn/cn/doc/notice/2022-06-25/yufufa-2022-31"
    assert uri.isascii() and " " not in uri
    aliases = {a.get("name"): a.get("value") for a in work.findall("a:FRBRalias", A)}
    assert aliases["docNumber"] == "渝府发〔2022〕31号"
    assert aliases["title"] == issue.documents[0].title
    assert aliases["alternativeTitle"] == issue.documents[0].title_en
    assert work.find("a:FRBRdate", A).get("date") == "2022-06-25"
    expr = doc.find("a:meta/a:identification/a:FRBRExpression/a:FRBRuri", A).get("value")
    assert expr.startswith(uri + "/zho@")
    # the order has no date: its dates fall back to the issue's publication date, never today's
    order = root.findall(".//a:component/a:doc", A)[1]
    date = order.find("a:meta/a:identification/a:FRBRWork/a:FRBRdate", A)
    assert (date.get("date"), date.get("name")) == ("2022-07-31", "publication")
    assert order.find("a:meta/a:identification/a:FRBRWork/a:FRBRuri", A).get("value").endswith("/guoling-706")
    gazette = root.find("a:officialGazette/a:meta/a:identification/a:FRBRWork", A)
    assert gazette.find("a:FRBRuri", A).get("value") == "/akn/cn/officialGazette/2022-07-31/2022-14"


def test_akn_without_any_date_uses_fixed_fallback():
    issue = rich_issue()
    issue = dataclasses.replace(issue, info=dataclasses.replace(issue.info, publish_date=None))
    issue.documents[0] = dataclasses.replace(issue.documents[0], date=None)
    out = render(issue, "akn")["akn"]
    dates = {e.get("date") for e in _akn(out).iter("{%s}FRBRdate" % AKN.AKN_NS)}
    assert dates == {AKN.NULL_DATE}
    assert validate(out, kind="akn")[0]


def test_akn_eids_unique_and_ascii_across_gazette(rich):
    issue = rich_issue()
    # two documents with the same clause numbering must not clash
    issue = dataclasses.replace(issue, documents=[issue.documents[0], dataclasses.replace(
        issue.documents[0], doc_number="渝府发〔2022〕32号")])
    out = render(issue, "akn")["akn"]
    eids = [e.get("eId") for e in _akn(out).iter() if isinstance(e.tag, str) and e.get("eId")]
    assert len(eids) == len(set(eids))
    assert all(re.fullmatch(r"[A-Za-z0-9_.-]+", e) for e in eids)
    assert validate(out, kind="akn")[0]


def test_akn_hierarchy_num_and_heading(rich):
    root = _akn(rich[1]["akn"])
    notice, order = root.findall(".//a:component/a:doc/a:mainBody", A)
    assert [e.tag.split("}")[1] for e in notice] == ["section", "section"]
    sec = notice[0]
    assert sec.find("a:num", A).text == "一、" and sec.find("a:heading", A).text == "总体要求"
    assert sec.find("a:subsection/a:num", A).text == "（三）"
    assert notice.find("a:section[2]/a:subsection/a:paragraph/a:num", A).text == "1."
    # 章/条 by their printed form; （一） under an article is a paragraph
    assert [e.tag.split("}")[1] for e in order] == ["chapter", "chapter"]
    chapter = order[0]
    assert chapter.find("a:heading", A).text == "总则"
    assert chapter.find("a:intro", A) is None  # the letter-spaced heading is not repeated as text
    art8 = order.find("a:chapter[2]/a:article", A)
    assert art8.find("a:num", A).text == "第八条"
    assert art8.find("a:intro/a:p", A).text.startswith("合伙企业")
    assert [p.find("a:num", A).text for p in art8.findall("a:paragraph", A)] == ["（一）", "（二）"]


def test_akn_units_are_references_and_inline_marks(rich):
    issue, out = rich
    root = _akn(out["akn"])
    refs = {r.get("eId"): r.get("showAs") for r in root.findall(
        "a:officialGazette/a:meta/a:references/a:TLCOrganization", A)}
    clause = issue.documents[0].clauses[1].children[0].children[0]
    for u in clause.lead_units + clause.responsible_units:
        assert u.canonical in refs.values()
    orgs = root.findall(".//a:paragraph//a:organization", A)
    assert [(o.text, o.get("{%s}role" % X.NS)) for o in orgs] == [
        ("市发展改革委", "lead"), ("市规划自然资源局", "responsible"), ("各区县政府", "responsible")]
    for o in orgs:
        assert o.get("refersTo")[1:] in refs
    assert refs[orgs[2].get("refersTo")[1:]] == "各区县（自治县）政府"
    # the mark sits where the unit is printed: inside the note, not earlier in the text
    p = orgs[0].getparent()
    assert (p.text or "").endswith("（牵头单位：")


def test_akn_targets_are_quantity_marks(rich):
    issue, out = rich
    qs = list(_akn(out["akn"]).iter("{%s}quantity" % AKN.AKN_NS))
    targets = [t for d in issue.documents for c in walk(d.clauses) for t in c.targets]
    assert [q.text for q in qs] == [t.text for t in targets]
    for q, t in zip(qs, targets):
        assert q.get("refersTo") == "#" + t.kind
        assert Decimal(q.get("normalized")) == t.value
        assert q.get("{%s}comparator" % X.NS) == t.comparator
    # text around the marks is kept whole: the paragraph reads as the source line
    p = qs[0].getparent()
    assert "".join(p.itertext()) == TEXT.splitlines()[12]


def test_akn_document_without_clauses_keeps_its_text(rich):
    issue = rich_issue()
    issue.documents[1] = dataclasses.replace(issue.documents[1], clauses=[])
    out = render(issue, "akn")["akn"]
    assert validate(out, kind="akn")[0]
    body = _akn(out).findall(".//a:component/a:doc/a:mainBody", A)[1]
    assert "第九条" in "".join(body.itertext())


@pytest.mark.parametrize("printed, slug", [
    ("渝府发〔2022〕31号", "yufufa-2022-31"),
    ("国令第707号", "guoling-707"),
    ("川办规〔２０２５〕６号", "chuanbangui-2025-6"),
    ("京政办发〔2025〕12号", "jingzhengbanfa-2025-12"),
    ("穗卫函〔2023〕1930号", "suiweihan-2023-1930"),
    ("鹏府〔2020〕1号", "u9e4ffu-2020-1"),  # a character not in the table stays unique as its code point
])
def test_slug(printed, slug):
    assert AKN.slug(printed) == slug


def test_akn_empty_issue_validates(rich):
    issue = rich_issue(documents=[], toc=[])
    out = render(issue, "all")
    for kind, text in out.items():
        assert validate(text, kind=kind)[0], kind


def test_akn_contents_link_to_components(rich):
    issue, out = rich
    items = _akn(out["akn"]).findall("a:officialGazette/a:preface/a:toc/a:tocItem", A)
    assert [(i.text, i.get("href")) for i in items] == [(issue.toc[0].title_zh, "#cmp_1")]
    assert items[0].get("{%s}title_en" % X.NS) == issue.toc[0].title_en


def test_akn_publication_names_the_issue(rich):
    pubs = _akn(rich[1]["akn"]).findall(".//a:meta/a:publication", A)
    assert len(pubs) == 3  # the gazette and each of its two documents
    assert {(p.get("date"), p.get("showAs"), p.get("number")) for p in pubs} == {
        ("2022-07-31", "重庆市人民政府公报 2022年第14期", "14")}


def test_akn_preface_dates_read_as_printed(rich):
    dates = [(d.get("date"), d.text) for d in _akn(rich[1]["akn"]).iter("{%s}docDate" % AKN.AKN_NS)]
    assert dates == [("2022-07-31", "2022年7月31日"), ("2022-06-25", "2022年6月25日")]


def test_a_law_with_paragraphs_history_and_references_round_trips_and_links_in_akn():
    """国务院令第707号's regulation: 款 nodes, internal refs (前款 → its 款's eId), external refs."""
    import gazette_parser

    from .conftest import DATA

    issue = gazette_parser.parse(DATA / "gwy_guoling_707.txt")
    js = J.dumps(issue)
    assert J.dumps(X.loads(X.dumps(issue))) == js
    assert J.dumps(J.loads(js)) == js
    text = render(issue, "akn")["akn"]
    akn = _akn(text)
    ns = {"a": akn.nsmap[None]}
    eids = set(akn.xpath("//@eId"))
    art16 = akn.xpath("//a:article[a:num='第十六条']", namespaces=ns)[0]
    assert art16.find("a:intro", ns) is None  # its paragraphs are the 款 nodes' content, once
    refs = {r.text: r.get("href") for r in art16.iter("{%s}ref" % ns["a"])}
    assert refs["前款"] == refs["本条第一款"] == "#" + art16.get("eId") + "__para_1"
    assert refs["前款"][1:] in eids
    assert refs["个人所得税法第六条第一款第五项"].startswith("/akn/cn/act/")
    ok, errors = validate(text, kind="akn")
    assert ok, errors
