"""orders: a 令 and the texts it promulgates, on real 令 (广州市人民政府令第179号, 国务院令第706/707号, the
北京市人民政府令第307号 规章) and on a 重庆市人民政府令 that publishes a 修改决定 and re-publishes both
amended regulations (tests/data/cq_zhengfuling_361.*, annotated by hand in cq_zhengfuling_361.gold.json
before the parser ran on it)."""

from __future__ import annotations

import json
from collections import Counter

import pytest

import gazette_parser
from gazette_parser.index import index_paths, open_index
from gazette_parser.model import walk
from gazette_parser.issue.orders import number_key, order_parts

from .conftest import DATA

GOLD = json.loads((DATA / "cq_zhengfuling_361.gold.json").read_text(encoding="utf-8"))
CQ_361 = ("cq_zhengfuling_361.txt", "cq_zhengfuling_361.html", "cq_gazette_2023_5_ling361.txt")


@pytest.fixture(scope="module", params=CQ_361)
def cq361(request):
    return request.param, gazette_parser.parse(DATA / request.param)


@pytest.mark.parametrize("name,title,ptype,serial,date,adopted,effective", [
    ("gz_zhengfuling_179.txt", "广州市老年人优待办法", "办法", 179, "2021-01-29", "2021-01-08", "2021-05-01"),
    ("gwy_guoling_707.txt", "中华人民共和国个人所得税法实施条例", "条例", 707, "2018-12-18", None, "2019-01-01"),
    ("gwy_guoling_707.html", "中华人民共和国个人所得税法实施条例", "条例", 707, "2018-12-18", None, "2019-01-01"),
    ("gwy_guoling_706.html", "专利代理条例", "条例", 706, "2018-11-06", "2018-09-06", "2019-03-01"),
])
def test_order_is_one_document_titled_by_the_text_it_promulgates(name, title, ptype, serial, date, adopted,
                                                               effective):
    issue = gazette_parser.parse(DATA / name)
    (d,) = issue.documents
    assert d.title == title and not d.title.endswith("令")
    assert (d.doc_type, d.promulgated_type, d.date) == ("令", ptype, date)
    assert d.doc_number_parts["serial"] == serial and d.doc_number_parts["kind"] == "令"
    # the promulgation text, quoted exactly, with the meeting's date and the commencement
    p = d.promulgation
    assert issue.text.text[p.span[0]:p.span[1]] == p.text and "公布" in p.text
    assert (p.adopted, p.effective) == (adopted, effective)
    # the regulation is the document's own text, not an attachment
    assert not any(a.title == title for a in d.attachments)
    assert d.clauses[0].label.startswith("第一")


def test_regulation_printed_without_its_order_keeps_its_type_and_is_promulgated_by_it():
    for name in ("bj_guizhang_307_dizhen_yujing-excerpt.txt", "bj_guizhang_307_dizhen_yujing.pdf"):
        (d,) = gazette_parser.parse(DATA / name).documents
        assert (d.title, d.doc_type, d.promulgation) == ("北京市地震预警管理办法", "办法", None)
        assert d.promulgated_by == d.doc_number == "北京市人民政府令第307号"
        assert (d.doc_number_parts["issuer"], d.doc_number_parts["kind"], d.doc_number_parts["serial"]) \
            == ("北京市人民政府", "令", 307)


@pytest.mark.parametrize("a,b", [
    ("重庆市人民政府令第361号", "渝府令〔2023〕361号"),
    ("国务院令第707号", "国令第707号"),
    ("中华人民共和国国务院令第707号", "国令第707号"),
    ("北京市人民政府令第307号", "北京市人民政府令 第 307 号"),
])
def test_printed_forms_of_one_order_share_its_key(a, b):
    assert order_parts(a)["kind"] == "令"
    assert number_key(order_parts(a)) == number_key(order_parts(b))


def test_order_key_names_issuer_kind_and_serial():
    assert {k: v for k, v in order_parts("渝府令〔2023〕361号").items() if k != "prefix"} == {
        "issuer": "重庆市人民政府", "kind": "令", "serial": 361, "year": 2023}
    assert order_parts("国令第707号")["issuer"] == "国务院"
    assert order_parts("渝府发〔2022〕31号") is None  # a 文号 is no 令 number
    assert number_key(order_parts("国令第706号")) != number_key(order_parts("国令第707号"))


def test_order_with_amendment_decision_and_republished_acts_matches_the_annotation(cq361):
    name, issue = cq361
    docs = [d for d in issue.documents if "文物" not in d.title]  # the issue variant adds a notice
    assert len(docs) == len(GOLD["documents"])
    order = docs[0]
    for d, want in zip(docs, GOLD["documents"]):
        assert d.title == want["title"], name
        assert d.doc_type == want["doc_type"]
        articles = [c.path[-1] for c in walk(d.clauses) if c.numbering == "article"]
        chapters = [c for c in walk(d.clauses) if c.numbering == "chapter"]
        assert (articles, len(chapters)) == (want["articles"], want["chapters"]), (name, d.title)
        if want["promulgated_by"] is None:
            assert d.promulgated_by is None
        else:
            # each re-published act is promulgated by the 令: printed as the copy prints the 令's number
            assert number_key(order_parts(d.promulgated_by)) == number_key(order_parts(order.doc_number))
            assert d.doc_number is None and d.date == order.date and d.issuers == order.issuers
    want = GOLD["documents"][0]
    assert {k: order.doc_number_parts[k] for k in want["key"]} == want["key"]
    assert (order.date, order.promulgation.text) == (want["date"], want["promulgation"])
    assert [c.label for c in order.clauses] == want["top_labels"]
    assert order.attachments == []
    # the documents follow print order and do not overlap
    spans = [d.span for d in docs]
    assert spans == sorted(spans) and all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))


@pytest.mark.parametrize("entry", [
    None,  # as printed in the fixture: the decision's title, then （重庆市人民政府令第361号）
    "重庆市人民政府令（第361号）",  # the 令's header and number only
])
def test_contents_entries_map_onto_the_order_and_the_republished_acts(entry):
    raw = (DATA / "cq_gazette_2023_5_ling361.txt").read_text(encoding="utf-8")
    first = raw.split("\n【市政府令】\n\n", 1)[1].split("……", 1)[0]
    if entry is not None:
        raw = raw.replace(first + "……", entry + "……", 1)
    issue = gazette_parser.parse(text=raw)
    codes = {w.code for w in issue.warnings}
    assert not codes & {"toc-unmatched", "doc-not-in-toc"}
    assert len(issue.toc) == len(issue.documents) == 4
    titles = [d.title for d in issue.documents]
    # every other entry is its document's title
    assert [t.title_zh for t in issue.toc[1:]] == titles[1:]
    assert issue.documents[0].doc_type == "令"
    assert [d.category_zh for d in issue.documents] == [t.category_zh for t in issue.toc]


def test_no_body_holds_two_texts_clauses(cq361):
    """The symptom of issue 14: the decision's 一、 and the regulations' clauses in one body."""
    _name, issue = cq361
    for d in issue.documents:
        pairs = Counter((c.body, tuple(c.path)) for c in walk(d.clauses))
        assert all(n == 1 for n in pairs.values()), d.title
        assert len({c.numbering for c in d.clauses}) <= 1, d.title  # one text: one top-level style


def test_pdf_and_web_copies_of_an_order_meet_in_the_index(tmp_path):
    db = tmp_path / "i.db"
    con = open_index(db)
    index_paths(con, [str(DATA / "cq_zhengfuling_361.txt"), str(DATA / "cq_zhengfuling_361.html")])
    con.commit()
    rows = con.execute("SELECT doc_number, doc_key FROM documents WHERE doc_number IS NOT NULL").fetchall()
    assert sorted(r[0] for r in rows) == ["渝府令〔2023〕361号", "重庆市人民政府令第361号"]
    assert {r[1] for r in rows} == {"重庆市人民政府|令|361"}
    by = con.execute("SELECT count(*) FROM documents WHERE promulgated_key = '重庆市人民政府|令|361'").fetchone()
    assert by[0] == 4  # two re-published acts in each copy
    from gazette_parser.query import Query, run_query

    for asked in ("渝府令〔2023〕361号", "重庆市人民政府令第361号"):
        got = {r["doc_number"] for r in run_query(db, Query(doc_number=asked))}
        assert got == {"渝府令〔2023〕361号", "重庆市人民政府令第361号"}, asked


@pytest.mark.parametrize("sentence", [
    "上述规章根据本决定作相应修改和调整后，重新公布。",
    "《重庆市城市道路桥梁管理办法》等2件规章根据本决定作相应修改和调整后，重新公布。",
])
def test_republished_acts_are_found_when_the_sentence_does_not_name_them_all(sentence):
    raw = (DATA / "cq_zhengfuling_361.txt").read_text(encoding="utf-8")
    named = "《重庆市城市道路桥梁管理办法》《重庆市公共租赁住房管理实施细则》根据本决定作相应修改和调整后，重新公布。"
    assert named in raw
    issue = gazette_parser.parse(text=raw.replace(named, sentence))
    assert [(d.title, d.promulgated_by) for d in issue.documents[1:]] == [
        ("重庆市城市道路桥梁管理办法", "重庆市人民政府令第361号"),
        ("重庆市公共租赁住房管理实施细则", "重庆市人民政府令第361号")]


def test_presidential_order_with_chinese_numeral_and_the_xiuzhengan_it_promulgates():
    """主席令第六十六号 (excerpt): the number in Chinese numerals, 已由…会议于…通过, the signer 中华人民共和国主席."""
    (d,) = gazette_parser.parse(DATA / "zhuxiling_66_xiuzhengan_excerpt.txt").documents
    assert (d.title, d.doc_type, d.promulgated_type) == ("中华人民共和国刑法修正案（十一）", "令", "修正案")
    assert d.doc_number == "中华人民共和国主席令第六十六号"
    assert (d.doc_number_parts["issuer"], d.doc_number_parts["serial"]) == ("中华人民共和国主席", 66)
    assert number_key(order_parts("中华人民共和国主席令第66号")) == number_key(d.doc_number_parts)
    assert (d.issuers, d.date, d.promulgation.adopted, d.promulgation.effective) == (
        ["中华人民共和国主席"], "2020-12-26", "2020-12-26", "2021-03-01")
    assert d.promulgation.meeting == "中华人民共和国第十三届全国人民代表大会常务委员会第二十四次会议"
    assert [(a.operation, a.act) for a in d.amendments] == [("修改", "中华人民共和国刑法"),
                                                           ("删去", "中华人民共和国刑法")]


def test_acts_the_contents_split_off_are_promulgated_by_the_order_whose_decision_republishes_them():
    """With a contents page the re-published acts are documents before the 令 is split; their 题注 may
    cite the decision by title instead of by the 令's number."""
    raw = (DATA / "cq_gazette_2023_5_ling361.txt").read_text(encoding="utf-8")
    by_number = "根据2023年2月10日重庆市人民政府令第361号修正"
    assert raw.count(by_number) == 2
    by_title = ("根据2023年2月10日《重庆市人民政府关于修改〈重庆市城市道路桥梁管理办法〉和〈重庆市公共租赁住房"
                "管理实施细则〉的决定》修正")
    issue = gazette_parser.parse(text=raw.replace(by_number, by_title))
    got = [(d.title, d.doc_number, d.promulgated_by, d.date) for d in issue.documents[1:3]]
    assert got == [("重庆市城市道路桥梁管理办法", None, "重庆市人民政府令第361号", "2023-02-10"),
                   ("重庆市公共租赁住房管理实施细则", None, "重庆市人民政府令第361号", "2023-02-10")]
    assert issue.documents[3].promulgated_by is None  # the notice after them is not
