"""document: the GB/T 9704 fields of each document, on the sample issue and on real standalone
documents from other governments (tests/data/*.txt: body text of the published web pages)."""

from __future__ import annotations

import dataclasses

import pytest

import gazette_parser
from gazette_parser.chars import fold, squeeze
from gazette_parser.issue.document import build_document
from gazette_parser.issue.lexicon import is_date_line
from gazette_parser.issue.segment import segment

from .conftest import CQ_TXT
from .test_segment import STANDALONE, as_text, read


def build(raw: str):
    text = as_text(raw)
    seg = segment(text)
    return text, [build_document(text, d, seg) for d in seg.documents]


@pytest.fixture(scope="module")
def cq():
    return build(read("cq"))


@pytest.fixture(scope="module", params=STANDALONE)
def standalone(request):
    text, docs = build(read(request.param))
    assert len(docs) == 1
    return request.param, text, docs[0]


def quote(text, span):
    return text.text[span[0]:span[1]]


# ----------------------------------------------------------------------------------------------
# the sample issue


def test_action_plan_notice(cq):
    text, (d, _) = cq
    assert d.title == "重庆市人民政府关于印发重庆市城市更新提升“十四五”行动计划的通知"
    assert d.doc_number == "渝府发〔2022〕31号"
    assert d.doc_number_parts == {"prefix": "渝府发", "year": 2022, "serial": 31}
    assert d.doc_type == "通知"
    assert d.issuers == ["重庆市人民政府"] and d.issuer == "重庆市人民政府"
    assert d.date == "2022-06-25"
    assert d.addressees == ["各区县（自治县）人民政府", "市政府各部门", "有关单位"]
    assert d.title_en.startswith("Notice of the Chongqing Municipal People's Government")
    assert (d.category_zh, d.category_en) == ("市政府文件", "Documents of the Municipal Government")
    assert (d.page_start, d.page_end) == (1, 25)  # from the contents: the next document is on 26
    assert d.cited_doc_numbers == []
    assert not d.warnings
    # what it issues: the action plan, printed after the signature, with its own body
    (a,) = d.attachments
    assert a.title == "重庆市城市更新提升“十四五”行动计划"
    assert quote(text, a.span) == a.title
    assert quote(text, a.body_span).startswith("为深入贯彻习近平总书记关于城市工作的重要论述")
    assert "十一、保障措施" in quote(text, a.body_span)
    # clauses live in the notice body and, separately, the action plan's body
    notice, plan = d.body_spans
    assert quote(text, notice) == "现将《重庆市城市更新提升“十四五”行动计划》印发给你们，请认真贯彻执行。"
    assert plan == a.body_span


def test_fiscal_notice_without_attachment(cq):
    text, (_, d) = cq
    assert d.title == "重庆市人民政府办公厅关于加强财政金融联动支持实体经济发展的通知"
    assert d.doc_number_parts == {"prefix": "渝府办发", "year": 2022, "serial": 81}
    assert d.issuers == ["重庆市人民政府办公厅"] and d.date == "2022-07-16"
    assert d.cited_doc_numbers == ["国发〔2022〕12号", "银发〔2021〕312号"]
    assert d.attachments == []  # it cites a notice that 印发s something; it issues nothing itself
    assert d.page_start == 26 and d.page_end is None  # last document: the contents cannot say
    (body,) = d.body_spans
    b = quote(text, body)
    assert b.startswith("为贯彻落实《国务院关于印发扎实稳住经济一揽子政策措施的通知》")
    assert b.endswith("扎实抓好有关政策措施落地落实工作。")
    assert "（二十七）" in b or "(二十七)" in b


def test_sample_through_the_public_api():
    issue = gazette_parser.parse(CQ_TXT)
    assert [d.doc_number for d in issue.documents] == ["渝府发〔2022〕31号", "渝府办发〔2022〕81号"]
    assert [d.date for d in issue.documents] == ["2022-06-25", "2022-07-16"]
    assert [d.title_en is not None for d in issue.documents] == [True, True]
    assert len(issue.toc) == 2 and issue.info.total_number == 920


# ----------------------------------------------------------------------------------------------
# real standalone documents


EXPECTED = {
    # name: (title, doc_number, doc_type, issuers, date, attachments)
    "gwy_guofa_2019_3.txt": (
        "国务院关于促进综合保税区高水平开放高质量发展的若干意见", "国发〔2019〕3号", "意见",
        ["国务院"], "2019-01-12", []),
    "gwy_guoling_707.txt": (
        "中华人民共和国国务院令", "中华人民共和国国务院令第707号", "令",
        ["中华人民共和国国务院"], "2018-12-18", ["中华人民共和国个人所得税法实施条例"]),
    "gwy_guofa_2004_18.txt": (
        "国务院关于印发《国务院工作规则》的通知", "国发〔2004〕18号", "通知",
        ["国务院"], "2004-06-26", ["国务院工作规则"]),
    "bj_jingzhengfa_2023_14.txt": (
        "北京市人民政府关于印发《北京市加快建设具有全球影响力的人工智能创新策源地实施方案"
        "（2023-2025年）》的通知", "京政发〔2023〕14号", "通知", ["北京市人民政府"], "2023-05-21",
        ["北京市加快建设具有全球影响力的人工智能创新策源地实施方案（2023-2025年）"]),
    "gz_suiweihan_2023_1930.txt": (
        "广州市卫生健康委等4部门关于印发推进广州市家庭医生签约服务高质量发展实施方案的通知",
        "穗卫函〔2023〕1930号", "通知",
        ["广州市卫生健康委员会", "广州市财政局", "广州市人力资源和社会保障局", "广州市医疗保障局"],
        "2023-10-19",
        ["关于推进广州市家庭医生签约服务高质量发展实施方案",
         "广州市家庭医生签约服务质量监测指标体系（2023年版）",
         "关于推进广州市家庭医生签约服务高质量发展工作的任务分工表"]),
    "gz_zhengfuling_179.txt": (
        "广州市人民政府令", "广州市人民政府令第179号", "令", ["广州市人民政府"], "2021-01-29",
        ["广州市老年人优待办法"]),
    "hn_anhua_anzhengbanfa_2022_20.txt": (
        "安化县人民政府办公室印发《关于促进安化县房地产市场平稳健康发展的若干政策措施》的通知",
        "安政办发〔2022〕20号", "通知", ["安化县人民政府办公室"], "2022-09-27",
        ["关于促进安化县房地产市场平稳健康发展的若干政策措施"]),
}


def test_standalone_fields(standalone):
    name, text, d = standalone
    title, number, doc_type, issuers, date, attachments = EXPECTED[name]
    assert d.title == title
    assert d.doc_number == number
    assert d.doc_type == doc_type
    assert d.issuers == issuers
    assert d.date == date
    assert [a.title for a in d.attachments] == attachments
    assert not d.warnings
    assert (d.page_start, d.page_end) == (None, None)  # a text file has no page numbers


def test_spans_quote_the_text(standalone):
    name, text, d = standalone
    s = text.text
    assert quote(text, d.span).startswith(s[d.span[0]:d.span[0] + 2])
    for a in d.attachments:
        if a.span:
            assert squeeze(quote(text, a.span)) == a.title
        if a.body_span:
            assert a.body_span in d.body_spans
    prev_end = -1
    for b in d.body_spans:
        assert d.span[0] <= b[0] < b[1] <= d.span[1]
        assert b[0] >= prev_end  # in order, not overlapping
        prev_end = b[1]
        body = quote(text, b)
        assert body == body.strip()
        # no head, 主送 or signature inside a body span: the head comes before the first one,
        # and no line of a body is a signature date or the 主送 line
        for line in body.split("\n"):
            assert not is_date_line(line)
            assert not (d.addressees and fold(line) == fold("，".join(d.addressees) + "："))
    head = squeeze(text.text[d.span[0]:d.body_spans[0][0]])
    assert d.title in head
    if d.doc_number:
        assert fold(d.doc_number).split("令")[-1] in fold(head)


def test_addressees_split_on_commas_not_on_enumeration():
    _, (d,) = build(read("gwy_guofa_2019_3.txt"))
    assert d.addressees == ["各省、自治区、直辖市人民政府", "国务院各部委、各直属机构"]
    _, (d,) = build(read("bj_jingzhengfa_2023_14.txt"))
    assert d.addressees == ["各区人民政府", "市政府各委、办、局", "各市属机构"]
    _, (d,) = build(read("gwy_guoling_707.txt"))
    assert d.addressees == []


def test_order_notice_body_and_regulation_body():
    text, (d,) = build(read("gwy_guoling_707.txt"))
    assert d.doc_number_parts == {"prefix": "中华人民共和国国务院令", "year": None, "serial": 707}
    notice, regulation = d.body_spans
    assert quote(text, notice).startswith("现公布修订后的《中华人民共和国个人所得税法实施条例》")
    r = quote(text, regulation)
    assert r.startswith("（1994年1月28日中华人民共和国国务院令第142号发布")
    assert "第一条" in r and r.endswith("本条例自2019年1月1日起施行。")
    # it cites the 令 that first issued the regulation, not itself
    assert d.cited_doc_numbers == ["中华人民共和国国务院令第142号"]


def test_title_printed_below_its_number():
    text, (d,) = build(read("hn_anhua_anzhengbanfa_2022_20.txt"))
    assert d.addressees == ["各乡镇人民政府", "县人民政府有关局办、直属机构", "有关垂直管理单位"]
    (a,) = d.attachments
    # the attachment's title is printed over two lines
    assert quote(text, a.span) == "关于促进安化县房地产市场平稳健康发展\n的若干政策措施"
    assert quote(text, a.body_span).startswith("为全面落实“三高四新”战略定位")


def test_joint_notice_with_attachment_list():
    text, (d,) = build(read("gz_suiweihan_2023_1930.txt"))
    assert d.addressees == ["各区卫生健康局、财政局、人力资源社会保障局", "市医保中心"]
    assert "穗府办函〔2020〕16号" in d.cited_doc_numbers
    plan, indicators, tasks = d.attachments
    assert all(a.body_span for a in d.attachments)
    # the 附件说明 list ("附件：1. … 2. …") is not part of any body
    for b in d.body_spans:
        assert "附件：1." not in quote(text, b)
    assert quote(text, indicators.span).startswith("广州市家庭医生签约服务质量监测指标体系")
    assert len(d.body_spans) == 4


def test_chinese_numeral_date_and_letter_spaced_attachment_title():
    text, (d,) = build(read("gwy_guofa_2004_18.txt"))
    assert d.date == "2004-06-26"
    (a,) = d.attachments
    assert quote(text, a.span) == "国 务 院 工 作 规 则"
    assert "第一章" in quote(text, a.body_span)


def test_document_without_date_or_signature_warns():
    raw = read("gwy_guofa_2019_3.txt")
    raw = raw[: raw.index("国务院\n2019年1月12日")]
    text, (d,) = build(raw)
    assert d.date is None
    codes = [w.code for w in d.warnings]
    assert "doc-no-date" in codes
    w = next(w for w in d.warnings if w.code == "doc-no-date")
    assert w.span is not None and d.span[0] <= w.span[0] <= d.span[1]
    # the issuer still comes from the title (国务院关于…), flagged as such
    assert d.issuers == ["国务院"] and "doc-issuer-from-title" in codes
    # the body now runs to the end of the text
    assert quote(text, d.body_spans[-1]).endswith("促进综合保税区高水平开放高质量发展。")


def test_build_document_is_deterministic():
    a = build(read("gz_suiweihan_2023_1930.txt"))[1]
    b = build(read("gz_suiweihan_2023_1930.txt"))[1]
    assert [dataclasses.asdict(x) for x in a] == [dataclasses.asdict(x) for x in b]


def test_number_printed_only_after_the_date():
    raw = read("cq")
    notice = raw[raw.index("重庆市人民政府办公厅关于 加强财政金融联动"):raw.index("主管单位")]
    notice = notice.replace("渝府办发〔2022〕81号\n", "", 1).replace(
        "2022年7月16日", "2022年7月16日\n（渝府办发〔2022〕81号）")
    text, (d,) = build(notice)
    assert d.doc_number == "渝府办发〔2022〕81号"
    assert d.doc_number_parts == {"prefix": "渝府办发", "year": 2022, "serial": 81}
    assert d.date == "2022-07-16" and not d.warnings
    assert "渝府办发〔2022〕81号" not in quote(text, d.body_spans[-1])


def test_regulation_with_headnote_and_no_signature():
    """A 规章 printed without its 令: title, then a 题注 giving date, issuer and 令 number."""
    text, (d,) = build(read("bj_guizhang_307_dizhen_yujing-excerpt.txt"))
    assert d.title == "北京市地震预警管理办法" and d.doc_type == "办法"
    assert d.doc_number == "北京市人民政府令第307号"
    assert d.doc_number_parts == {"prefix": "北京市人民政府令", "year": None, "serial": 307}
    assert d.issuers == ["北京市人民政府"] and d.date == "2022-12-23"
    assert not d.warnings
    assert quote(text, d.body_spans[0]).startswith("第一章 总 则")


def test_joint_pdf_notice_with_banji_and_wrapped_lists():
    """江建〔2026〕55号 as its PDF text layer gives it: red header whose names do not extract,
    主送 wrapped over three lines, two issuers on one line, a 版记 after the date, an 附件说明
    whose last item wraps, attachments under 附件 N labels."""
    text, (d,) = build(read("gd_jiangmen_jiangjian_2026_55-excerpt.txt"))
    assert d.doc_number == "江建〔2026〕55号"
    assert d.title == "江门市住房和城乡建设局江门市财政局关于印发《江门市2026年度“人才房票”试行工作方案》的通知"
    assert d.issuers == ["江门市住房和城乡建设局", "江门市财政局"]
    assert d.date == "2026-04-24"
    assert d.addressees[0] == "各县（市、区）人民政府"
    assert d.addressees[1].endswith("各房地产开发企业")
    titles = [a.title for a in d.attachments]
    assert titles[0] == "江门市2026年度“人才房票”试行工作方案"
    assert "2026年江门市给予政府补贴“人才房票”结算名单信息表" in titles
    for b in d.body_spans:
        body = quote(text, b)
        assert "公开方式" not in body and "2026年4月24日印发" not in body and "附件：1." not in body
    plan = d.attachments[0]
    assert quote(text, plan.body_span).startswith("为助力“百万英才汇南粤”行动计划")


def test_joint_issuers_split_only_between_organs():
    from gazette_parser.issue.signature import split_issuers

    assert split_issuers("广州市卫生健康委员会            广州市财政局") == ["广州市卫生健康委员会", "广州市财政局"]
    assert split_issuers("江门市住房和城乡建设局江门市财政局") == ["江门市住房和城乡建设局", "江门市财政局"]
    assert split_issuers("中共重庆市委办公厅重庆市人民政府办公厅") == ["中共重庆市委办公厅", "重庆市人民政府办公厅"]
    for one in ("重庆市人民政府办公厅", "国 务 院", "国家税务总局重庆市税务局", "广州市人力资源和社会保障局"):
        assert split_issuers(one) == [one.replace(" ", "")]


@pytest.mark.parametrize("name,number,date", [
    ("gwy_guoling_707.html", "中华人民共和国国务院令第707号", "2018-12-18"),
    ("bj_jingzhengfa_2023_14.html", "京政发〔2023〕14号", "2023-05-21"),
])
def test_real_web_pages_through_the_public_api(name, number, date):
    """The published web pages themselves (read by the HTML reader): one document each."""
    from .conftest import DATA

    issue = gazette_parser.parse(DATA / name)
    assert len(issue.documents) == 1
    d = issue.documents[0]
    assert (d.doc_number, d.date) == (number, date)
    assert d.issuers and d.title
    # a notice issues its plan as an attachment; a 令 and the regulation it promulgates are one
    # document (issue 14), titled by the regulation, with the promulgation text as a field
    assert d.attachments or (d.doc_type == "令" and d.promulgation and not d.title.endswith("令"))


def _plan_before_signature(raw: str) -> str:
    """京政发〔2023〕14号 laid out as some web pages print it: the plan straight after the sentence
    that 印发s it, the signature and date after the plan."""
    lines = [ln for ln in raw.splitlines() if ln.strip()]
    k = next(i for i, ln in enumerate(lines) if is_date_line(ln))
    sig = lines[k - 1:k + 2]  # 北京市人民政府 / 2023年5月21日 / （此件公开发布）
    return "\n".join(lines[:k - 1] + lines[k + 2:] + sig) + "\n"


@pytest.mark.parametrize("layout", ["signature after the plan", "no signature", "title names it without 《》"])
def test_plan_printed_straight_after_the_yinfa_sentence(layout):
    raw = read("bj_jingzhengfa_2023_14.txt")
    ref_text, (ref,) = build(raw)
    moved = _plan_before_signature(raw)
    if layout == "no signature":
        moved = "\n".join(moved.splitlines()[:-3]) + "\n"
    if layout == "title names it without 《》":
        moved = moved.replace("《", "").replace("》", "")
    text, (d,) = build(moved)
    (plan,) = d.attachments
    assert plan.title == "北京市加快建设具有全球影响力的人工智能创新策源地实施方案（2023-2025年）"
    assert quote(text, plan.span) == plan.title
    notice = quote(text, d.body_spans[0])
    assert notice.startswith("现将") and notice.endswith("请认真贯彻落实。")
    body = quote(text, plan.body_span)
    assert body.startswith("为贯彻落实国家发展新一代人工智能的决策部署")
    assert "北京市人民政府\n2023年5月21日" not in body and "（此件公开发布）" not in body
    assert d.body_spans == [d.body_spans[0], plan.body_span]
    assert body == quote(ref_text, ref.attachments[0].body_span)  # the same plan as where it follows the signature
    if layout != "no signature":
        assert (d.issuers, d.date) == (["北京市人民政府"], "2023-05-21")


@pytest.mark.parametrize("name,regulation", [
    ("gwy_guoling_707.txt", "中华人民共和国个人所得税法实施条例"),  # 现公布修订后的《X》
    ("gz_zhengfuling_179.txt", "广州市老年人优待办法"),            # 《X》已经…通过，现予公布
])
def test_order_keeps_its_header_as_title_and_issues_the_regulation(name, regulation):
    """GB/T 9704-2012 10.1: a 令 has 发文机关标志 + 令号 + 正文 and no 标题 of its own, so at the document
    stage the title is the header and what it 公布s is its attachment, with the regulation's title line
    and body (orders.split_order then titles the 令 by that regulation: tests/test_orders.py)."""
    text, (d,) = build(read(name))
    assert d.doc_type == "令" and d.title.endswith("令")
    (reg,) = d.attachments
    assert reg.title == regulation and quote(text, reg.span) == regulation
    assert reg.body_span == d.body_spans[-1]
    assert "第一条" in quote(text, reg.body_span)
    assert d.body_spans[0][1] <= reg.span[0]
