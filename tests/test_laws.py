"""laws: 120 real laws and regulations (tests/data/laws, see its README) against their truth files.

Each text is parsed end to end (``gazette_parser.parse``) and its structure — parts (编/分编),
chapters, sections and articles (with 之一 suffixes), each with the numbers of the part / chapter /
section it sits in — is compared, as a sequence, with the structure the source's Markdown marks
(truth/<id>.json, made independently of the parser). The score is the number of elements matched
in order (difflib over the two sequences) over the larger of the two counts, summed over all laws,
so a missed article and an invented one (a table row, a 目录 line) both cost. Titles are compared
exactly. Run ``python -m tests.test_laws`` for the per-law report.
"""

from __future__ import annotations

import difflib
import json
from functools import lru_cache

import pytest

import gazette_parser
from gazette_parser.model import walk

from .conftest import DATA

LAWS = DATA / "laws"
IDS = sorted(p.stem for p in (LAWS / "truth").glob("*.json"))

STRUCTURE_RATE = 0.999
TITLE_RATE = 0.99
_KINDS = ("part", "chapter", "section", "article")


def _truth(law: str) -> dict:
    return json.loads((LAWS / "truth" / f"{law}.json").read_text(encoding="utf-8"))


def truth_structure(t: dict) -> list[tuple]:
    """(kind, num, suffix, part, chapter, section) in print order, parents by their numbers."""
    parts, chapters, sections = t["parts"], t["chapters"], t["sections"]

    def num(seq, i):
        return None if i is None else seq[i]["num"]

    out = []
    for p in parts:
        out.append((p["line"], ("part", p["num"], None, None, None, None)))
    for c in chapters:
        out.append((c["line"], ("chapter", c["num"], None, num(parts, c.get("part")), None, None)))
    for s in sections:
        out.append((s["line"], ("section", s["num"], None, num(parts, s.get("part")),
                                num(chapters, s.get("chapter")), None)))
    for a in t["articles"]:
        out.append((a["line"], ("article", a["num"], a.get("suffix"), num(parts, a.get("part")),
                                num(chapters, a.get("chapter")), num(sections, a.get("section")))))
    return [e for _, e in sorted(out, key=lambda x: x[0])]


def parsed_structure(doc) -> list[tuple]:
    out = []

    def visit(clauses, anc):
        for c in clauses:
            kind = c.numbering
            if kind in _KINDS:
                num = c.path[-1]
                out.append((kind, num, c.suffix, anc.get("part"), anc.get("chapter"),
                            anc.get("section")))
                visit(c.children, {**anc, kind: num})
            else:
                visit(c.children, anc)

    visit(doc.clauses, {})
    return out


@lru_cache(maxsize=None)
def _parsed(law: str):
    try:
        return gazette_parser.parse(LAWS / "text" / f"{law}.txt").documents
    except gazette_parser.GazetteError:
        return []


def score(law: str) -> tuple[int, int, bool, str, str, list[str]]:
    """(matched, out of, title exact, title found, title due, differences) for one law."""
    t = _truth(law)
    docs = _parsed(law)
    got = [e for d in docs for e in parsed_structure(d)]
    want = truth_structure(t)
    sm = difflib.SequenceMatcher(a=want, b=got, autojunk=False)
    matched = sum(b.size for b in sm.get_matching_blocks())
    diffs = []
    for op, a0, a1, b0, b1 in sm.get_opcodes():
        if op != "equal":
            diffs.append(f"{op}: want {want[a0:a1][:3]} got {got[b0:b1][:3]}")
    title = docs[0].title if docs else ""
    return matched, max(len(want), len(got)), title == t["title"], title, t["title"], diffs


@pytest.fixture(scope="module")
def scores():
    return {law: score(law) for law in IDS}


def test_laws_structure_rate(scores):
    matched = sum(s[0] for s in scores.values())
    total = sum(s[1] for s in scores.values())
    bad = {law: s[5][:3] for law, s in scores.items() if s[0] != s[1]}
    rate = matched / total
    print(f"\nlaws structure: {matched}/{total} = {rate:.4%}; laws with differences: {len(bad)}")
    for law, d in bad.items():
        print(" ", law, d)
    assert rate >= STRUCTURE_RATE, bad


def test_laws_title_rate(scores):
    exact = sum(1 for s in scores.values() if s[2])
    rate = exact / len(scores)
    bad = {law: (s[3], s[4]) for law, s in scores.items() if not s[2]}
    print(f"\nlaws titles exact: {exact}/{len(scores)} = {rate:.2%}")
    for law, (got, want) in bad.items():
        print(f"  {law}: got {got!r} want {want!r}")
    assert rate >= TITLE_RATE, bad


def test_laws_every_text_is_one_document():
    """A law is one document, also a short excerpt and one without a single 第X条."""
    assert [law for law in IDS if len(_parsed(law)) != 1] == []


def test_law_article_count_matches_truth_exactly_for_letter_spaced_chapters():
    law = "001_law_d7de7add"  # "第一章　总 则": letter-spaced chapter heading
    doc = _parsed(law)[0]
    arts = [c for c in walk(doc.clauses) if c.numbering == "article"]
    assert len(arts) == len(_truth(law)["articles"])
    assert doc.clauses[0].heading == "总则"


def test_article_whose_text_opens_like_a_cross_reference_is_an_article():
    """"第五条　规定本市特别重大事项…" (the blank is gone in the cleaned text): the article due next."""
    doc = _parsed("208_local_087d3454")[0]
    art5 = [c for c in walk(doc.clauses) if c.numbering == "article" and c.path[-1] == 5]
    assert [c.text[:6] for c in art5] == ["规定本市特别"]


def test_printed_contents_are_not_the_chapters():
    # a 目录 of 第一章 … 第六章 with their 节, then the body's own 第一章
    doc = _parsed("183_local_9a94e46b")[0]
    assert [c.path[-1] for c in doc.clauses] == [1, 2, 3, 4, 5, 6]
    assert doc.clauses[0].children[0].label == "第一条"
    # the contents run together on one line
    doc = _parsed("260_local_d66de4e7")[0]
    assert [c.path[-1] for c in doc.clauses] == [1, 2, 3, 4, 5, 6]


def test_group_headings_of_a_judicial_interpretation_are_over_the_articles_that_follow():
    doc = _parsed("329_judint_339b3c23")[0]
    groups = doc.clauses
    assert [(g.label, g.heading, g.numbering) for g in groups[:2]] == [("一、", "管辖", "group"),
                                                                       ("二、", "回避", "group")]
    assert [c.label for c in groups[1].children[:1]] == ["第四十三条"]
    assert all(c.numbering == "article" for g in groups for c in g.children)


def test_table_rows_that_open_with_an_article_number_are_not_articles():
    doc = _parsed("389_judint_b9fe0456")[0]  # 刑法条文 | 罪名: "第一百三十三条之一 （…）	危险驾驶罪"
    assert [c for c in walk(doc.clauses) if c.numbering == "article"] == []


def test_paragraphs_of_an_article_are_numbered_nodes_and_items_hang_under_theirs():
    doc = _parsed("260_local_d66de4e7")[0]
    by = {tuple(c.path): c for c in walk(doc.clauses)}
    art6, art7 = by[(2, 6)], by[(2, 7)]
    # 第六条: one paragraph → no 款 node, its items are [6, n]
    assert [c.path for c in art6.children][:2] == [[2, 6, 1], [2, 6, 2]]
    assert {c.numbering for c in art6.children} == {"paren_zh"}
    # 第七条: a lead-in with three items, then a second paragraph → two 款 nodes
    assert [(c.numbering, c.path) for c in art7.children] == [("paragraph", [2, 7, 1]),
                                                                ("paragraph", [2, 7, 2])]
    assert [c.path for c in art7.children[0].children] == [[2, 7, 1, 1], [2, 7, 1, 2], [2, 7, 1, 3]]
    assert art7.children[1].text.startswith("经本级人大常委会决定任免的行政机关的人员")
    assert art7.children[0].children[2].text.endswith("主任。")  # the 款 after it is not in 项（三）


def test_items_that_start_again_after_a_lead_in_belong_to_the_next_paragraph():
    # 第六条: "…免征资源税：（一）（二）" then "有下列情形之一的，减征资源税：（一）…（四）" then a 款
    doc = _parsed("014_law_a7b9a685")[0]
    art6 = [c for c in walk(doc.clauses) if c.label == "第六条"][0]
    assert [(c.path, len(c.children)) for c in art6.children] == [([6, 1], 2), ([6, 2], 4), ([6, 3], 0)]
    assert art6.children[1].text == "有下列情形之一的，减征资源税："
    assert not [w for w in doc.warnings if w.code.startswith("clause-")]


def test_title_is_the_printed_title_and_the_history_lines_are_events():
    doc = _parsed("011_law_4ea59337")[0]
    assert doc.title == "中华人民共和国农业技术推广法" and doc.doc_type == "法"
    assert [(e.date, e.kind) for e in doc.history] == [
        ("1993-07-02", "通过"), ("2012-08-31", "修正"), ("2024-04-26", "修正")]
    assert doc.history[0].body == "第八届全国人民代表大会常务委员会第二次会议"
    assert doc.history[1].act == "关于修改〈中华人民共和国农业技术推广法〉的决定"
    # 第一次修订 by a 国务院 decision that itself says 修改: still a 修订
    doc = _parsed("109_admreg_25947c05")[0]
    assert [e.kind for e in doc.history][:3] == ["公布", "修订", "修订"]


def test_joint_issuers_keep_their_comma_and_the_reprinted_title_below_is_not_the_title():
    # title, history, then the title again over three lines and a 文号 (法释〔2024〕3号)
    doc = _parsed("352_judint_79e72f4a")[0]
    assert doc.title == "最高人民法院、最高人民检察院关于执行《中华人民共和国刑法》确定罪名的补充规定（八）"
    assert [e.kind for e in doc.history] == ["通过", "通过"]


def test_a_title_printed_again_broken_over_two_lines_counts_once():
    doc = _parsed("042_law_6cee49d7")[0]
    assert doc.title == "中华人民共和国地方各级人民代表大会和地方各级人民政府组织法"
    assert [e.kind for e in doc.history][:3] == ["通过", "公布", "施行"]


CODE = """某某法典
（2020年5月28日第十三届全国人民代表大会第三次会议通过）
第一编　总　则
第一章　基本规定
第一条　为了保护民事主体的合法权益，制定本法。
第二条　本法调整平等主体之间的人身关系。
第二条之一　民事主体从事民事活动，应当遵循诚信原则。
第二条之二　民事主体从事民事活动，不得违反法律。
第三条　民事主体的人身权利受法律保护。
第二编　物　权
第一分编　通　则
第一章　一般规定
第一节　适用范围
第四条　因物的归属和利用产生的民事关系，适用本编。
附　则
第五条　本法自2021年1月1日起施行。
"""


def test_parts_subparts_and_inserted_articles_written_from_the_patterns():
    (doc,) = gazette_parser.parse(text=CODE).documents
    got = [(c.numbering, c.path, c.suffix) for c in walk(doc.clauses)]
    assert got == [
        ("part", [1], None), ("chapter", [1, 1], None),
        ("article", [1, 1, 1], None), ("article", [1, 1, 2], None),
        ("article", [1, 1, 2], 1), ("article", [1, 1, 2], 2), ("article", [1, 1, 3], None),
        ("part", [2], None), ("subpart", [2, 1], None), ("chapter", [2, 1, 1], None),
        ("section", [2, 1, 1, 1], None), ("article", [2, 1, 1, 1, 4], None),
        ("article", [2, 1, 1, 1, 5], None)]
    assert not [w for w in doc.warnings if w.code.startswith("clause-")]
    art4 = [c for c in walk(doc.clauses) if c.label == "第四条"][0]
    assert "附则" not in art4.text.replace("　", "")  # an unnumbered heading is no paragraph of it
    assert doc.title == "某某法典" and [e.kind for e in doc.history] == ["通过"]


def test_a_long_title_of_eight_joint_issuers_on_one_line_is_found():
    issuers = "最高人民法院、最高人民检察院、公安部、国家安全部、司法部、国家监察委员会、海关总署、中国海警局"
    title = issuers + "关于办理走私、非法出入境及妨害国（边）境管理等刑事案件适用法律若干问题的联合规定和配套意见的解释"
    assert len(title) > 90  # longer than any title line of a notice
    text = title + "\n（2024年6月1日起施行）\n第一条　为了依法惩治犯罪，制定本规定。\n第二条　本规定自发布之日起施行。\n"
    (doc,) = gazette_parser.parse(text=text).documents
    assert doc.title == title
    assert [c.label for c in doc.clauses] == ["第一条", "第二条"]


if __name__ == "__main__":
    tot = [0, 0, 0]
    for law in IDS:
        m, n, ok, got, want, diffs = score(law)
        tot[0] += m
        tot[1] += n
        tot[2] += ok
        if m != n or not ok:
            print(law, f"{m}/{n}", "" if ok else f"title {got!r} != {want!r}")
            for d in diffs[:4]:
                print("   ", d)
    print(f"structure {tot[0]}/{tot[1]} = {tot[0] / max(tot[1], 1):.4%}; "
          f"titles {tot[2]}/{len(IDS)} = {tot[2] / len(IDS):.2%}")
