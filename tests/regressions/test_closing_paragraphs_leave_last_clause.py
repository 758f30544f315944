"""The document's closing paragraphs and its 版记 ran into the last clause.

After the last numbered clause a document closes with an effective-date formula ("本文件自2025年5月
1日起施行…", "本政策措施自2022年6月1日起实行…"), an instruction to the implementers ("各地要切实履行
主体责任…", "各地区、各有关部门要充分认识…") or a summary of all sections ("上述8个领域政策市级财政
2024年预算安排资金…"). Only "本通知|意见|办法…自…施行|执行" was recognised, so in
sc_chuanbangui_2025_6.pdf, hn_anhua_anzhengbanfa_2022_20.html, gwy_guobanfa_2018_121.html and
hz_hangzhenghan_2024_16.pdf these paragraphs were the text of （十五）/十三、/（十九）/（七十六） —
with their targets ("支持总额为…亿元" became a target of “弱有众扶”) — and in the hz PDF the 抄送 block
of the 版记 ("抄送：市委各部门…" / "市人大常委会办公厅，…" / "市各民主党派。") was too.

They now belong to no clause (the document's text still has them). A clause whose marker line is a
heading line keeps the paragraphs under it ("八、组织领导" / "各区、各有关单位要…" in
bj_jingzhengfa_2025_18.html is that section's text), and an article keeps its 款.
"""

import gazette_parser
from gazette_parser.model import walk

from ..conftest import DATA


def _last(doc):
    return max(walk(doc.clauses), key=lambda c: c.span[1])


def _check(name, label, gone, ocr="auto"):
    issue = gazette_parser.parse(DATA / name, ocr=ocr)
    doc = issue.documents[0]
    last = _last(doc)
    assert last.label == label, (name, last.label)
    body = issue.text.text[doc.span[0]:doc.span[1]]
    for s in gone:
        assert s in body, (name, s)  # still the document's text …
        assert s not in last.text, (name, s)  # … but not the last clause's
        assert not any(s in c.text for c in walk(doc.clauses)), (name, s)
    return doc, last


def test_closing_formula_and_instructions():
    _check("sc_chuanbangui_2025_6.pdf", "(十五)", ["各地要切实履行主体责任", "本文件自2025年5月1日起施行"], ocr="never")
    _check("hn_anhua_anzhengbanfa_2022_20.html", "十三、", ["本政策措施自2022年6月1日起实行"])
    _check("gwy_guobanfa_2018_121.html", "（十九）", ["各地区、各有关部门要充分认识发展体育竞赛表演产业"])


def test_summary_and_banji_are_not_in_the_last_clause():
    doc, last = _check("hz_hangzhenghan_2024_16.pdf", "（七十六）",
                       ["上述8个领域政策", "市各民主党派"], ocr="never")
    assert sum(1 for _ in walk(doc.clauses)) == 84
    assert not [t for t in last.targets if "支持总额" in t.text]


def test_a_heading_line_keeps_the_paragraphs_under_it():
    doc = gazette_parser.parse(DATA / "bj_jingzhengfa_2025_18.html").documents[0]
    last = _last(doc)
    assert (last.label, last.heading) == ("八、", "组织领导")
    assert "各区、各有关单位要按职责分工切实履行责任" in last.text
