"""Headings carried a unit note; list entries got headings only when they ended in 。.

hz_hangzhenghan_2024_16.pdf: every 一、… section heading line ends with its lead-unit note
("一、扩大有效投资政策（由市发改委牵头实施）") and the heading was the whole line, note included — a
researcher grouping sections by heading got "扩大有效投资政策（由市发改委牵头实施）". The note is not
the heading (units.py reads it as the section's lead unit); the heading is "扩大有效投资政策".

ah_suzhou_shishixize_2022.html and gwy_guoling_707.html: in a list whose entries end in "；"
("1.借款人及配偶应当按时…以上；" … "5.借款人家庭没有未结清的住房公积金贷款。") the entries had no
heading except the last, which got its whole sentence as one; and a short lead-in ending in "："
("（一）职工申请住房公积金贷款应具备条件：", 16 characters) had no heading while "（二）办理程序：" had
one. Now every one-sentence entry of a "；" list has none, and a lead-in line of up to 23 characters
without ，、； is a heading ("（五）经营所得，是指：" is a sentence, not a title: none).
"""

import gazette_parser
from gazette_parser.model import walk

from ..conftest import DATA


def _paths(doc):
    return {tuple(c.path): c for c in walk(doc.clauses)}


def test_lead_unit_note_is_not_part_of_the_heading():
    issue = gazette_parser.parse(DATA / "hz_hangzhenghan_2024_16.pdf", ocr="never")
    doc = issue.documents[0]
    tops = doc.clauses
    assert len(tops) == 8 and sum(1 for _ in walk(tops)) == 84
    assert tops[0].heading == "扩大有效投资政策"
    assert tops[5].heading == "扩大内需和对外开放政策"  # two units in the note
    for c in tops:
        assert "牵头实施" not in c.heading, c.heading
        # the note stays in the clause's text, where the units stage reads it
        assert "牵头实施）" in c.text.split("\n", 1)[0]
    # the note still gives the section its lead unit
    assert [u.name for u in tops[0].lead_units] == ["市发改委"]


def test_list_entries_and_lead_ins():
    doc = gazette_parser.parse(DATA / "ah_suzhou_shishixize_2022.html").documents[0]
    p = _paths(doc)
    cond = p[(6, 1)]
    assert cond.heading == "职工申请住房公积金贷款应具备条件"  # "（一）…应具备条件："
    assert [c.heading for c in cond.children] == [None] * 5  # "1.…；" … "5.…。"
    assert [c.heading for c in p[(6, 3)].children] == [None] * 7
    # entries with a title sentence and text after it keep their heading
    assert p[(3, 2)].heading == "办理程序" and p[(3, 2, 1)].heading == "申报"
    assert p[(11, 3, 3)].heading == "限时办结"  # "3.限时办结。一般监管资金…"

    law = gazette_parser.parse(DATA / "gwy_guoling_707.html").documents[0]
    q = _paths(law)
    # 第六条 has two paragraphs (款): its items are under the first, [6, 1, n]
    assert q[(6, 1, 5)].label == "（五）" and q[(6, 1, 5)].heading is None  # "（五）经营所得，是指："
    assert [c.heading for c in q[(25, 1)].children] == [None] * 4  # "（四）纳税人申请退税。" too
