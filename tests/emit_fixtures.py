"""A rich Issue built by hand from real text, for the emit and validate tests.

The text is real: lines of 重庆市人民政府公报 2022年第14期 (samples/cq-gazette-2022-14.txt: the
notice 渝府发〔2022〕31号 and its action plan) and of 国务院令第706号 (专利代理条例, gov.cn).
Every span is found in that text, so text[span] quotes exactly what each node came from; the
values are Decimals as the targets stage makes them (1亿 → 100000000, 0.025 exactly).
"""

from __future__ import annotations

import dataclasses

import hashlib
from decimal import Decimal

from gazette_parser.model import (Attachment, Clause, Document, Issue, IssueInfo, ListItem, PageStart,
                                  SourceInfo, SourceMap, Target, Text, TocEntry, UnitRef, Warning)

LINES = [
    "重庆市人民政府公报",
    "2022 年第 14 期",
    "重庆市人民政府关于印发重庆市城市更新提升“十四五”行动计划的通知…………… (1)",
    "Notice of the Chongqing Municipal People' s Government on Issuing the Action Plan of Chongqing "
    "Municipality for Urban Renewal and Upgrading in the 14th Five-year Period..... (1)",
    "重庆市人民政府关于印发重庆市城市更新提升“十四五”行动计划的通知",
    "渝府发〔2022〕31号",
    "各区县（自治县）人民政府，市政府各部门，有关单位：",
    "现将《重庆市城市更新提升“十四五”行动计划》印发给你们，请认真贯彻执行。",
    "重庆市人民政府",
    "2022年6月25日",
    "一、总体要求",
    "（三）总体目标。",
    "——生态宜居水平显著提升。区域开发强度、组团规模、人口密度、环境质量符合国土空间总体规划要求，建成区绿化覆盖率不低于43%，"
    "人均公园绿地面积达到12平方米，城镇老旧小区改造达到1亿平方米，新建居住区配套建设养老服务设施达标率实现100%，"
    "城市住房供应和公共服务供给更加优质均衡。",
    "——安全韧性能力稳步增强。安全风险防控体系和应急管理体制更加健全，城市防洪排涝、消防、人防、基础设施等方面韧性不断增强，"
    "城市内涝积水点基本消除，十万人拥有消防救援站达到0.56个，新建防空地下室6级以上人员掩蔽工程占比不低于70%，"
    "亿元地区生产总值安全事故死亡率低于0.025。",
    "二、提升城市规划水平，科学引领城市发展",
    "（二）优化空间发展格局。主动服务国家重大战略，牢固树立“一盘棋”思想，深入推动成渝地区双城经济圈建设，促进“一区两群”协调发展，"
    "持续释放区域空间布局优化效应。",
    "1. 共建成渝地区双城经济圈。坚持一体化发展理念，按照成渝地区“一轴两带、双核三区”空间发展格局，以区域协同发展为导向，"
    "突出双城引领，强化双圈互动，优化国土空间布局，加强交通基础设施建设，加快现代产业体系建设，增强协同创新发展能力，"
    "加强生态环境保护，推进体制机制创新，强化公共服务共建共享。统筹大中小城市和小城镇协调发展，形成特色鲜明、布局合理、"
    "集约高效的城市群发展格局。促进毗邻地区协同发展，推动川渝高竹新区、遂潼一体化发展先行区、泸永江融合发展示范区和"
    "万达开川渝统筹发展示范区建设。（牵头单位：市发展改革委；责任单位：市规划自然资源局等部门，各区县政府）",
    "中华人民共和国国务院令",
    "第706号",
    "专利代理条例",
    "第一章　总　　则",
    "第一条",
    "为了规范专利代理行为，保障委托人、专利代理机构和专利代理师的合法权益，维护专利代理活动的正常秩序，促进专利代理行业健康发展，"
    "根据《中华人民共和国专利法》，制定本条例。",
    "第二章　专利代理机构和专利代理师",
    "第八条",
    "合伙企业、有限责任公司形式的专利代理机构从事专利代理业务应当具备下列条件：",
    "（一）有符合法律、行政法规规定的专利代理机构名称；",
    "（二）有书面合伙协议或者公司章程；",
    "第九条",
    "从事专利代理业务，应当向国务院专利行政部门提出申请，提交有关材料，取得专利代理机构执业许可证。"
    "国务院专利行政部门应当自受理申请之日起20日内作出是否颁发专利代理机构执业许可证的决定。",
]
TEXT = "\n".join(LINES) + "\n"


def at(s: str, after: int = 0) -> tuple[int, int]:
    i = TEXT.index(s, after)
    return (i, i + len(s))


def line(s: str) -> str:
    return next(x for x in LINES if x.startswith(s))


def target(text, indicator, comparator, value, unit, kind="target", year=2025, value_max=None, after=0):
    return Target(text=text, indicator=indicator, comparator=comparator, value=Decimal(value),
                  value_max=None if value_max is None else Decimal(value_max), unit=unit, year=year,
                  kind=kind, span=at(text, after), page=1)


def unit(printed, canonical=None, inherited=False, known=True, after=0):
    return UnitRef(name=printed, canonical=canonical or printed, span=at(printed, after), inherited=inherited,
                   known=known, page=3)


def clause(label, level, path, heading, text, **kw):
    return Clause(label=label, level=level, path=path, heading=heading, text=text, span=at(text),
                  page=kw.pop("page", 2), page_index=kw.pop("page_index", 2), **kw)


def rich_issue(**changes) -> Issue:
    eco, safe = line("——生态"), line("——安全")
    goal = clause("（三）", 2, [1, 3], "总体目标", "（三）总体目标。\n" + eco + "\n" + safe,
                  numbering="paren_zh",
                  list_items=[ListItem("——", eco[2:], at(eco[2:]), 2), ListItem("——", safe[2:], at(safe[2:]), 2)],
                  targets=[
                      target("建成区绿化覆盖率不低于43%", "建成区绿化覆盖率", ">=", "43", "%"),
                      target("城镇老旧小区改造达到1亿平方米", "城镇老旧小区改造", ">=", "100000000", "平方米"),
                      target("新建居住区配套建设养老服务设施达标率实现100%", "新建居住区配套建设养老服务设施达标率", "=",
                             "100", "%"),
                      target("亿元地区生产总值安全事故死亡率低于0.025", "亿元地区生产总值安全事故死亡率", "<", "0.025",
                             None),
                  ])
    item1 = line("1. 共建")
    one = clause("1.", 3, [2, 2, 1], "共建成渝地区双城经济圈", item1, numbering="arabic_dot",
                 lead_units=[unit("市发展改革委", after=TEXT.index("（牵头单位"))],
                 responsible_units=[unit("市规划自然资源局", after=TEXT.index("（牵头单位")),
                                    unit("各区县政府", "各区县（自治县）政府", known=False,
                                         after=TEXT.index("（牵头单位"))],
                 unit_flags=["等部门"], source="ocr", confidence=87.5)
    two = clause("（二）", 2, [2, 2], "优化空间发展格局", line("（二）优化"), numbering="paren_zh", children=[one])
    plan = [
        clause("一、", 1, [1], "总体要求", "一、总体要求", numbering="zh_comma", children=[goal]),
        clause("二、", 1, [2], "提升城市规划水平，科学引领城市发展", "二、提升城市规划水平，科学引领城市发展",
               numbering="zh_comma", children=[two]),
    ]
    notice = Document(
        title="重庆市人民政府关于印发重庆市城市更新提升“十四五”行动计划的通知",
        span=(at(LINES[4])[0], at(item1)[1]),
        doc_number="渝府发〔2022〕31号",
        doc_number_parts={"prefix": "渝府发", "year": 2022, "serial": 31},
        title_en=("Notice of the Chongqing Municipal People' s Government on Issuing the Action Plan of Chongqing "
                  "Municipality for Urban Renewal and Upgrading in the 14th Five-year Period"),
        doc_type="通知", category_zh="市政府文件", category_en="Documents of the Municipal Government",
        issuers=["重庆市人民政府"], date="2022-06-25", addressees=["各区县（自治县）人民政府", "市政府各部门", "有关单位"],
        attachments=[Attachment("重庆市城市更新提升“十四五”行动计划", None, None)],
        cited_doc_numbers=[], page_start=1, page_end=25,
        body_spans=[(at("一、总体要求")[0], at(item1)[1])], clauses=plan,
    )
    art1_text = line("为了规范")
    art8 = clause("第八条", 2, [1, 8], None, "第八条\n" + line("合伙企业"), numbering="article", page=27, children=[
        clause("（一）", 3, [1, 8, 1], None, line("（一）有符合"), numbering="paren_zh", page=27),
        clause("（二）", 3, [1, 8, 2], None, line("（二）有书面"), numbering="paren_zh", page=27),
    ])
    art9 = clause("第九条", 2, [2, 9], None, "第九条\n" + line("从事专利"), numbering="article", page=27,
                  targets=[target("20日内", None, "<=", "20", "日", kind="parameter", year=None,
                                  after=TEXT.index("第九条"))])
    order = Document(
        title="专利代理条例", span=(at("中华人民共和国国务院令")[0], len(TEXT) - 1), doc_number="国令第706号",
        doc_number_parts={"prefix": "国令", "year": None, "serial": 706}, doc_type="令",
        issuers=["国务院"], date=None, page_start=26, page_end=27,
        body_spans=[(at("第一章")[0], len(TEXT) - 1)],
        clauses=[
            clause("第一章", 1, [1], "总则", "第一章　总　　则", numbering="chapter", page=26, children=[
                clause("第一条", 2, [1, 1], None, "第一条\n" + art1_text, numbering="article", page=26)]),
            clause("第二章", 1, [2], "专利代理机构和专利代理师", "第二章　专利代理机构和专利代理师", numbering="chapter",
                   page=27, children=[art8, art9]),
        ],
        warnings=[Warning("date-missing", "no 成文日期 found", 26, None, 26)],
    )
    info = SourceInfo(path="cq-gazette-2022-14.txt", format="txt",
                      sha256=hashlib.sha256(TEXT.encode()).hexdigest(), size=len(TEXT.encode()), pages=1)
    text = Text(TEXT, SourceMap((PageStart(0, 1, 1),)), info)
    issue = Issue(
        info=IssueInfo(gazette_zh="重庆市人民政府公报", gazette_en="GAZETTE OF CHONGQING MUNICIPAL PEOPLE'S GOVERNMENT",
                       year=2022, number=14, total_number=920, publish_date="2022-07-31",
                       publisher_zh="重庆市人民政府办公厅",
                       publisher_en="Published by the General Office of Chongqing Municipal People's Government",
                       serial_cn="CN50-1147/D", colophon={"编辑出版": "重庆市人民政府办公厅", "印刷": "重庆日报印务"}),
        toc=[TocEntry("市政府文件", "Documents of the Municipal Government", notice.title, notice.title_en, 1,
                      at(LINES[2]))],
        documents=[notice, order],
        warnings=[Warning("toc-unmatched", "a contents entry (p. 26) has no document", 1, at(LINES[2]), 1)]
        + order.warnings,
        source=info, text=text,
    )
    issue = dataclasses.replace(issue, **changes)
    return issue
