"""Numbers inside tables became phantom clauses.

gz_suiweihan_2023_1930.html (an indicator table whose cells read "1.重点人群签约服务覆盖率", a task
table with bare "24" and "/" cells) and gz_suifubangui_2025_8.html (a 积分 table whose cells hold
"1. … 2. …" lists): every cell came out as a line of the cleaned text, and the clause builder took
the "1." cells for clauses — 65 clauses and 9 sequence warnings instead of 31, 52 and 13 warnings
instead of 19. The reader now says where tables are (``Line.table``), clean keeps each row one line
and records the tables (``Text.tables``), and no clause starts inside one; a table printed inside a
clause stays in that clause's text and span.
"""

import lxml.html

import gazette_parser
from gazette_parser.model import walk

from ..conftest import DATA

PAGES = ("gz_suiweihan_2023_1930.html", "gz_suifubangui_2025_8.html")


def _siblings(clauses):
    yield clauses
    for c in clauses:
        yield from _siblings(c.children)


def test_numbered_table_cells_are_neither_lines_nor_clauses():
    for name in PAGES:
        issue = gazette_parser.parse(DATA / name)
        text = issue.text
        assert text.tables, name
        assert not [w for w in issue.warnings if w.code.startswith("clause-")], name
        for doc in issue.documents:
            for c in walk(doc.clauses):
                assert not text.in_table(c.span[0]), (name, c.label, c.text[:30])
            for sibs in _siblings(doc.clauses):  # each level numbered 1, 2, 3 … without a gap
                assert [c.path[-1] for c in sibs] == list(range(1, len(sibs) + 1)), name
        # a row is one line: the numbered cell shares it with the cells beside it
        for a, b in text.tables:
            rows = text.text[a:b].split("\n")
            assert all(r.strip() for r in rows), name
            assert not any(r.strip() in ("24", "/", "1.", "2.") for r in rows), name
    issue = gazette_parser.parse(DATA / "gz_suiweihan_2023_1930.html")
    row = next(ln for ln in issue.text.text.splitlines() if ln.startswith("签约数量指标"))
    assert "1.重点人群签约服务覆盖率" in row and "较上一年增加" in row
    assert issue.text.in_table(issue.text.text.index(row))
    # the heading rows over a table ("附件1" and its title) stay running text
    titles = [a.title for d in issue.documents for a in d.attachments]
    assert "广州市家庭医生签约服务质量监测指标体系（2023年版）" in titles


def test_a_table_inside_a_clause_stays_in_that_clause():
    """The indicator table (less its "附件1" title row) moved under "（一）加强组织领导": its rows
    ("2.签约服务覆盖率 …") become part of that clause's text, one row per line, and "（二）强化监管评价"
    still follows it as the next sibling."""
    root = lxml.html.parse(str(DATA / "gz_suiweihan_2023_1930.html")).getroot()
    table = next(t for t in root.iter("table") if "重点人群签约服务覆盖率" in t.text_content())
    anchor = next(p for p in root.iter("p") if p.text_content().strip().startswith("（一）加强组织领导"))
    title_row = table.xpath(".//tr")[0]  # "附件1" and the attachment's title: not a clause's table
    assert "附件1" in title_row.text_content()
    title_row.drop_tree()
    anchor.addnext(table)  # lxml moves the element
    issue = gazette_parser.parse(lxml.html.tostring(root, encoding="utf-8"), name="moved.html")
    assert not [w for w in issue.warnings if w.code.startswith("clause-")]
    top = issue.documents[0].clauses
    assert [c.label for c in top] == ["一、", "二、", "三、"]
    lead, supervise = top[2].children[:2]
    assert lead.heading == "加强组织领导" and supervise.heading == "强化监管评价"
    a, b = next(t for t in issue.text.tables if lead.span[0] < t[0])
    assert lead.span[0] < a and b <= lead.span[1] < supervise.span[0]
    lines = lead.text.split("\n")
    assert any(ln.startswith("2.签约服务覆盖率") and "2035年达到75%" in ln for ln in lines)
    assert issue.text.text[a:b] in lead.text


def test_ruled_pdf_tables_are_recorded_row_by_row():
    """pdfplumber's ruled tables (the attachment forms of gd_jiangmen_jiangjian_2026_55.pdf) give
    ``Text.tables`` too: one line per row, starting at the header row, no clause inside."""
    issue = gazette_parser.parse(DATA / "gd_jiangmen_jiangjian_2026_55.pdf")
    text = issue.text
    assert len(text.tables) >= 2
    for a, b in text.tables:
        assert text.text[a - 1] == "\n" and text.text[b] == "\n"
        assert text.text[a:b].startswith("序号 ")
    for doc in issue.documents:
        assert not [c.label for c in walk(doc.clauses) if text.in_table(c.span[0])]
