"""references: Clause.refs on real text (the 个人所得税法实施条例 of 国务院令第707号, a 司法解释 from the
laws set) and on short snippets written from the patterns a regulation prints."""

from __future__ import annotations

import gazette_parser
from gazette_parser.model import walk

from .conftest import DATA


def _clauses(path):
    (doc,) = gazette_parser.parse(path).documents
    return {tuple(c.path): c for c in walk(doc.clauses)}


def _refs(c):
    return [(r.text, r.kind, r.path and tuple(r.path)) for r in c.refs]


def test_relative_references_resolve_to_the_paragraph_they_name():
    by = _clauses(DATA / "gwy_guoling_707.txt")
    assert _refs(by[(16, 2)]) == [("前款", "internal", (16, 1))]  # 其他财产，参照前款规定的方法…
    assert _refs(by[(16, 3)]) == [("本条第一款", "internal", (16, 1))]
    assert _refs(by[(21, 3)]) == [("前款", "internal", (21, 2))]


def test_another_acts_articles_are_external_and_never_resolved_here():
    by = _clauses(DATA / "gwy_guoling_707.txt")
    (r,) = by[(16, 1)].refs
    assert (r.kind, r.act, r.article, r.paragraph, r.item, r.path) == ("external", "个人所得税法", 6, 1, 5, None)
    first = by[(1,)].refs[0]
    assert (first.text, first.act) == ("《中华人民共和国个人所得税法》", "中华人民共和国个人所得税法")
    # "第六条第一款第二项、第四项、第六项": the later members of the list are of the same act
    assert [(r.kind, r.act, r.article, r.item) for r in by[(14,)].refs] == [
        ("external", "个人所得税法", 6, 2), ("external", "个人所得税法", 6, 4), ("external", "个人所得税法", 6, 6)]


def test_a_reference_is_recorded_once_on_the_clause_that_prints_it():
    (doc,) = gazette_parser.parse(DATA / "gwy_guoling_707.txt").documents
    spans = [r.span for c in walk(doc.clauses) for r in c.refs]
    assert len(spans) == len(set(spans))
    text = gazette_parser.parse(DATA / "gwy_guoling_707.txt").text.text
    assert all(text[r.span[0]:r.span[1]] == r.text for c in walk(doc.clauses) for r in c.refs)


def test_this_documents_article_item_and_a_list_of_items_of_the_paragraph_before():
    law = DATA / "laws" / "text" / "329_judint_339b3c23.txt"
    by = _clauses(law)
    assert [(r.text, r.path) for r in by[(18, 381, 2)].refs] == [
        ("前款第一项", [18, 381, 1, 1]), ("第二项", [18, 381, 1, 2])]
    (r,) = [r for r in by[(4, 117, 2)].refs if r.text.startswith("本解释")]
    assert (r.article, r.paragraph, r.path) == (96, 1, [4, 96, 1])  # 本解释第九十六条第一款
    # "民法典第二十七条、第二十八条": another act's, by its short name
    assert {(r.act, r.article) for r in by[(3, 83)].refs} == {("民法典", 27), ("民法典", 28), ("民法典", 32)}


SNIPPET = """某市城市绿化管理办法
第一条　为了加强城市绿化管理，制定本办法。
第二条　有下列情形之一的，由主管部门责令改正：
（一）擅自砍伐树木的；
（二）损坏绿地的。
有前款第（二）项行为的，依照本办法第五条处理。
第三条　违反本办法第二条第一款第一项规定的，处以罚款。前条规定的情形除外。
第四条　本条第二款规定的单位，应当报告。
第五条　依照《中华人民共和国行政处罚法》第二十八条执行。
"""


def test_references_on_a_regulation_written_from_the_patterns():
    by = {tuple(c.path): c for d in gazette_parser.parse(text=SNIPPET).documents for c in walk(d.clauses)}
    assert [(r.text, r.relative, r.item, r.path) for r in by[(2, 2)].refs] == [
        ("前款第（二）项", "前款", 2, [2, 1, 2]), ("本办法第五条", None, None, [5])]
    assert [(r.text, r.path) for r in by[(3,)].refs] == [("本办法第二条第一款第一项", [2, 1, 1]),
                                                          ("前条", [2])]
    # 第四条 has one paragraph: its 第二款 does not exist
    assert [(r.text, r.paragraph, r.path) for r in by[(4,)].refs] == [("本条第二款", 2, None)]
    (r,) = by[(5,)].refs
    assert (r.kind, r.act, r.article, r.path) == ("external", "中华人民共和国行政处罚法", 28, None)
