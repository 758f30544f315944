"""江建〔2026〕55号 (PDF, joint notice): the notice is signed, then its 版记 (公开方式, "…办公室
2026年4月24日印发") closes the first page, and only then is the 方案 it 印发s printed, followed by
four attachments under 附件N labels. The body spans once left out the issued 方案 itself (8 clauses
instead of 40); the third attachment's heading carries a form's blank date "（ 年 月 日）"."""

from __future__ import annotations

import gazette_parser

from ..conftest import DATA


def _count(clauses):
    return sum(1 + _count(c.children) for c in clauses)


def test_plan_printed_after_the_banji_is_body():
    issue = gazette_parser.parse(DATA / "gd_jiangmen_jiangjian_2026_55.pdf", ocr="never")
    (doc,) = issue.documents
    s = issue.text.text
    plan = doc.attachments[0]
    assert plan.title == "江门市2026年度“人才房票”试行工作方案"
    assert plan.body_span in doc.body_spans
    body = s[plan.body_span[0]:plan.body_span[1]]
    assert body.startswith("为助力“百万英才汇南粤”行动计划")
    assert "附则" in body and "公开方式" not in body and "\n附件1\n" not in body and "附件：1." not in body
    # every body span lies inside the document and none overlaps another
    spans = doc.body_spans
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))
    covered = sum(b - a for a, b in spans) / (doc.span[1] - doc.span[0])
    assert covered > 0.85
    assert _count(doc.clauses) >= 35
    in_plan = [c.label for c in doc.clauses if plan.body_span[0] <= c.span[0] < plan.body_span[1]]
    assert in_plan == ["一、", "二、", "三、", "四、", "五、", "六、", "七、"]


def test_form_blank_date_is_not_part_of_an_attachment_title():
    issue = gazette_parser.parse(DATA / "gd_jiangmen_jiangjian_2026_55.pdf", ocr="never")
    (doc,) = issue.documents
    s = issue.text.text
    titles = [a.title for a in doc.attachments]
    assert "江门市“人才房票”房源库信息情况表" in titles
    for a in doc.attachments:
        assert s[a.span[0]:a.span[1]].replace(" ", "") == a.title.replace(" ", "")
        assert not a.title.endswith("）") or "年月日" not in a.title
