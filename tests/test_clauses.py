"""clauses: numbered clause trees on real text (the sample issue and real documents from elsewhere).

Fixtures tests/data/clauses_*.txt are the bodies of the real web pages in the shared samples
(one paragraph per line, as the clean stage gives them). Each test builds a Document over the
text itself, so it does not depend on how segment/document split an issue; one test goes through
``gazette_parser.parse`` end to end.
"""

from __future__ import annotations

import re

import pytest

import gazette_parser
from gazette_parser import clauses as cl
from gazette_parser.clean import clean
from gazette_parser.model import Document, Issue, walk
from gazette_parser.read import read_source

from .conftest import CQ_TXT, DATA


def _text(raw: str):
    return clean(read_source(raw.encode("utf-8"), name="snippet.txt"))


def _build(raw: str, spans=None):
    text = _text(raw)
    span = (0, len(text.text))
    doc = Document(title="t", span=span, body_spans=list(spans) if spans else [span])
    return text, cl.build_clauses(text, doc)


def _fixture(name: str) -> str:
    return (DATA / f"clauses_{name}.txt").read_text(encoding="utf-8")


def _by_path(doc):
    return {tuple(c.path): c for c in walk(doc.clauses)}


def _doc_spans(text):
    """The sample's two documents: each starts at the title line just above its 文号 line."""
    t = text.text
    starts = []
    for m in re.finditer(r"(?m)^\S+〔\d{4}〕\d+号$", t):
        starts.append(t.rfind("\n", 0, m.start() - 1) + 1)
    return list(zip(starts, starts[1:] + [len(t)]))


@pytest.fixture(scope="module")
def cq():
    raw = CQ_TXT.read_text(encoding="utf-8")
    text = _text(raw)
    docs = [cl.build_clauses(text, Document(title="", span=s, body_spans=[s])) for s in _doc_spans(text)]
    return text, docs


# ----------------------------------------------------------------------------------------------
# the sample issue (170 hand-counted clauses: 138 + 32)


def test_sample_clause_count_per_document(cq):
    text, docs = cq
    assert [sum(1 for _ in walk(d.clauses)) for d in docs] == [138, 32]
    # cross-check with a plain count of marker lines in the raw sample (a different method)
    marker = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(]\s*[一二三四五六七八九十]+\s*[)）]|\d{1,2}\.(?!\d))")
    raw_lines = CQ_TXT.read_text(encoding="utf-8").splitlines()
    assert sum(1 for line in raw_lines if marker.match(line)) == 170
    assert not [w for d in docs for w in d.warnings if w.code.startswith("clause-")]


def test_sample_through_parse_whatever_the_segmentation():
    issue = gazette_parser.parse(CQ_TXT)
    assert sum(1 for d in issue.documents for _ in walk(d.clauses)) == 170


def test_sample_paths_and_headings(cq):
    _, (plan, notice) = cq
    p = _by_path(plan)
    assert (p[(1,)].label, p[(1,)].heading, p[(1,)].numbering) == ("一、", "总体要求", "zh_comma")
    assert p[(1, 1)].heading == "指导思想"
    assert p[(1, 2)].heading == "基本原则"  # "（二）基本原则。" on a line of its own
    assert p[(2, 2, 2)].heading == "构建“一区两群”协调发展格局"
    assert (p[(2, 4)].label, p[(2, 4)].heading) == ("(四)", "加强规划管理")  # half-width, space after
    assert p[(11, 6)].heading == "注重宣传引导"
    assert [c.label for c in plan.clauses][-1] == "十一、"
    assert (p[(2, 2, 1)].level, p[(2, 2, 1)].numbering) == (3, "arabic_dot")
    # 渝府办发〔2022〕81号 numbers （一）…（二十七） straight through 一、…五、
    n = _by_path(notice)
    assert [c.label for c in notice.clauses] == ["一、", "二、", "三、", "四、", "五、"]
    assert n[(2, 7)].heading == "实施乡村振兴青年贷"
    assert n[(5, 27)].heading == "鼓励金融机构服务地方经济发展"
    assert [c.path[-1] for c in walk(notice.clauses) if c.level == 2] == list(range(1, 28))
    for doc in (plan, notice):
        paths = [tuple(c.path) for c in walk(doc.clauses)]
        assert len(paths) == len(set(paths))
        assert all(c.heading for c in walk(doc.clauses))


def test_sample_page_break_join_and_continuation_number(cq):
    text, (plan, notice) = cq
    c = _by_path(plan)[(2, 2, 2)]
    assert "建设成为生态优先绿色发展示范区" in c.text
    assert "（牵头单位：市发展改革委" in c.text
    n = _by_path(notice)
    # "…上限从300万元提高到" / "1000 万元。" — a continuation line, not a clause
    assert re.search(r"提高到1000\s?万元。", n[(3, 14)].text)
    assert not [c for c in walk(notice.clauses) if c.numbering == "arabic_dot"]
    # the closing paragraph and the signature are not part of the last clause
    assert "本通知自印发之日起执行" not in n[(5, 27)].text
    assert "重庆市人民政府" not in _by_path(plan)[(11, 6)].text


def test_sample_same_result_when_clean_joins_the_page_break():
    raw = CQ_TXT.read_text(encoding="utf-8")
    assert "生态优先绿\n\n色发展示范区" in raw
    joined = raw.replace("生态优先绿\n\n色发展示范区", "生态优先绿色发展示范区")
    _, a = _build(raw)
    _, b = _build(joined)
    ca, cb = _by_path(a)[(2, 2, 2)], _by_path(b)[(2, 2, 2)]
    assert ca.text == cb.text and ca.heading == cb.heading
    assert sum(1 for _ in walk(a.clauses)) == sum(1 for _ in walk(b.clauses)) == 170


def test_sample_bullets_are_list_items_not_clauses(cq):
    text, (plan, _) = cq
    basic = _by_path(plan)[(1, 2)]
    assert basic.children == []
    assert [li.marker for li in basic.list_items] == ["——"] * 5
    assert basic.list_items[0].text.startswith("规划引领，建管并重。")
    for li in basic.list_items:
        quoted = text.text[li.span[0]:li.span[1]]
        assert quoted.startswith("——") and quoted.endswith("。")
    # a bullet broken by a page break ("…补链成群，" / "数字经济…") stays one item
    goals = _by_path(plan)[(1, 3)]
    smart = [li for li in goals.list_items if li.text.startswith("智慧城市特征日益明显")][0]
    assert "补链成群，数字经济核心产业" in smart.text


def test_sample_spans_pages_and_provenance(cq):
    text, docs = cq
    for doc in docs:
        for c in walk(doc.clauses):
            assert text.text[c.span[0]:c.span[1]].startswith(c.label)
            assert c.page == text.page(c.span[0]) and c.page_index == text.page_index(c.span[0])
            assert c.source == "text"
            if c.children:  # own text ends before the first child
                assert c.span[1] <= c.children[0].span[0]


def test_body_spans_limit_where_clauses_are_found(cq):
    text, _ = cq
    spans = _doc_spans(text)
    doc = cl.build_clauses(text, Document(title="", span=(0, len(text.text)), body_spans=[spans[1]]))
    assert sum(1 for _ in walk(doc.clauses)) == 32
    assert all(spans[1][0] <= c.span[0] and c.span[1] <= spans[1][1] for c in walk(doc.clauses))


def test_outline_prints_every_clause(cq):
    text, docs = cq
    issue = Issue(info=None, toc=[], documents=docs, warnings=[], source=text.info, text=text)
    out = cl.outline(issue)
    assert "— 138 clauses" in out and "— 32 clauses" in out
    assert "\n  一、 总体要求  [1]" in out
    assert "\n      1. 共建成渝地区双城经济圈  [2.2.1]" in out
    assert len(out.splitlines()) == 2 + 170


# ----------------------------------------------------------------------------------------------
# each numbering form on real documents from elsewhere


def test_running_paren_numbers_across_parents_gwy_guofa_2019_4():
    _, doc = _build(_fixture("gwy_guofa_2019_4"))
    assert [c.label for c in doc.clauses] == ["一、", "二、", "三、", "四、", "五、", "六、", "七、"]
    second = [c for c in walk(doc.clauses) if c.level == 2]
    assert [c.path[-1] for c in second] == list(range(1, 21))
    p = _by_path(doc)
    assert p[(2, 5)].label == "（五）" and p[(7, 20)].label == "（二十）"
    assert p[(1, 1)].heading == "健全国家职业教育制度框架"
    # a clause of two paragraphs keeps both, as paragraphs
    assert "\n鼓励中等职业学校联合中小学开展劳动和职业启蒙教育" in p[(1, 2)].text
    # the preamble paragraphs ("总体要求与目标：…") are not clauses
    assert not any(c.text.startswith("总体要求与目标") for c in walk(doc.clauses))
    assert not doc.warnings


def test_continuous_arabic_under_paren_gwy_guofa_2019_3():
    _, doc = _build(_fixture("gwy_guofa_2019_3"))
    arabic = [c for c in walk(doc.clauses) if c.numbering == "arabic_dot"]
    assert [c.path[-1] for c in arabic] == list(range(1, 22))
    p = _by_path(doc)
    assert p[(4, 5, 21)].level == 3 and p[(4, 2, 6)].heading == "促进研发创新"
    assert "国务院" not in p[(5,)].text.splitlines()[-1:]  # the signature is cut
    assert not doc.warnings


def test_zh_comma_followed_directly_by_arabic_bj_jingzhengfa_2025_18():
    _, doc = _build(_fixture("bj_jingzhengfa_2025_18"))
    assert len(doc.clauses) == 8
    two = _by_path(doc)[(2,)]
    assert [c.label for c in two.children] == ["1.", "2.", "3.", "4."]
    assert {c.level for c in two.children} == {2}
    assert two.children[0].heading == "促进工资性收入合理增长"
    assert [c.path[-1] for c in walk(doc.clauses) if c.level == 2] == list(range(1, 25))


def test_chapters_articles_items_gz_suifubangui_2024_13():
    _, doc = _build(_fixture("gz_suifubangui_2024_13"))
    chapters = doc.clauses
    assert [c.numbering for c in chapters] == ["chapter"] * 8
    assert chapters[0].heading == "总则"
    articles = [c for c in walk(doc.clauses) if c.numbering == "article"]
    assert [c.path[-1] for c in articles] == list(range(1, 55))
    assert articles[-1].label == "第五十四条" and articles[-1].text.startswith("本办法自印发之日起施行")
    assert articles[0].heading is None
    art22 = [c for c in articles if c.path[-1] == 22][0]
    assert [c.label for c in art22.children] == ["（一）", "（二）", "（三）", "（四）"]
    sub = art22.children[0].children
    assert [c.label for c in sub] == ["1．", "2．"]  # full-width dot
    assert sub[0].level == 4 and sub[0].numbering == "arabic_dot"
    # items that are list entries ("…；") have no heading
    assert _by_path(doc)[(2, 18, 1)].heading is None


def test_article_without_space_ln_shenyang():
    _, doc = _build(_fixture("ln_shenyang_fangwu_anquan_banfa_2025"))
    articles = [c for c in walk(doc.clauses) if c.numbering == "article"]
    assert [c.path[-1] for c in articles] == list(range(1, 36))
    fourth = articles[3]
    assert fourth.label == "第四条" and fourth.path == [1, 4]
    assert fourth.text.startswith("房屋使用安全管理遵循")
    assert len(doc.clauses) == 6


def test_half_width_arabic_parens_ah_suzhou():
    text, doc = _build(_fixture("ah_suzhou_shishixize_2022"))
    p = _by_path(doc)
    item = p[(12, 3, 1, 1)]
    assert item.label == "(1 )" and item.numbering == "paren_arabic" and item.level == 4
    assert text.text[item.span[0]:item.span[1]].startswith("(1 )开发企业首次申请")
    assert [c.label for c in p[(12, 3, 2)].children] == ["(1)", "(2)", "(3)"]
    assert p[(12, 3, 1)].label == "1 ."
    # "（三） 责任单位及承办科室：…。" is a sub-item with its own heading
    assert (p[(1, 3)].label, p[(1, 3)].heading) == ("（三）", "责任单位及承办科室：市自然资源局，储备中心")
    assert p[(3, 2)].heading == "办理程序"  # "（二） 办理程序：" — a short heading line ending in a colon
    assert p[(4,)].text.startswith("推动项目平稳交付\n在建房地产开发项目")
    assert sum(1 for _ in walk(doc.clauses)) == 134 and not doc.warnings


def test_zh_comma_running_across_chapters_gwy_guofa_2004_18():
    _, doc = _build(_fixture("gwy_guofa_2004_18"))
    assert [c.numbering for c in doc.clauses] == ["chapter"] * 10
    items = [c for c in walk(doc.clauses) if c.numbering == "zh_comma"]
    assert [c.path[-1] for c in items] == list(range(1, 55))
    assert items[-1].path == [10, 54] and items[4].path == [2, 5]
    assert [c.label for c in _by_path(doc)[(8, 36)].children] == ["（一）", "（二）", "（三）"]
    assert not doc.warnings


# ----------------------------------------------------------------------------------------------
# what is not a clause; sequence checks


def test_cross_reference_at_a_page_break_is_not_an_article():
    raw = _fixture("gwy_guoling_707")
    _, whole = _build(raw)
    # a page break inside 第九条 right before its cross-reference "第四条第一款第二项"
    broken = raw.replace("第九条 个人所得税法第四条第一款第二项", "第九条 个人所得税法\n第四条第一款第二项", 1)
    assert broken != raw
    _, doc = _build(broken)
    articles = [c for c in walk(doc.clauses) if c.numbering == "article"]
    assert [c.path[-1] for c in articles] == list(range(1, 37))
    ninth = articles[8]
    assert ninth.text.startswith("个人所得税法第四条第一款第二项所称国债利息")
    assert ninth.text == [c for c in walk(whole.clauses) if c.path == [9]][0].text
    assert not doc.warnings


def test_attachment_list_is_not_clauses():
    raw = _fixture("gwy_guofa_2019_3").replace(
        "（此件公开发布）", "（此件公开发布）\n附件：1.综合保税区名单\n2.任务分工表")
    _, doc = _build(raw)
    assert not [c for c in walk(doc.clauses) if c.text.startswith(("综合保税区名单", "任务分工表"))]


def _drop_line(raw: str, prefix: str) -> str:
    lines = raw.splitlines(keepends=True)
    return "".join(line for line in lines if not line.startswith(prefix))


def test_skipped_number_warns_and_tree_stays_sensible():
    raw = _drop_line(_fixture("gwy_guofa_2019_4"), "（五）")
    text, doc = _build(raw)
    skipped = [w for w in doc.warnings if w.code == "clause-skipped"]
    assert len(skipped) == 1
    w = skipped[0]
    assert text.text[w.span[0]:w.span[1]] == "（六）" and w.page == text.page(w.span[0])
    p = _by_path(doc)
    assert p[(2, 6)].heading == "启动1+X证书制度试点工作" and (2, 5) not in p


def test_repeated_and_out_of_order_numbers_warn():
    raw = _fixture("gwy_guofa_2019_4")
    lines = raw.splitlines(keepends=True)
    i7 = next(i for i, s in enumerate(lines) if s.startswith("（七）"))
    i8 = next(i for i, s in enumerate(lines) if s.startswith("（八）"))
    repeated = lines[: i7 + 2] + lines[i7: i7 + 2] + lines[i7 + 2:]
    _, doc = _build("".join(repeated))
    assert [w.code for w in doc.warnings] == ["clause-repeated"]
    swapped = lines[:i7] + lines[i8: i8 + 2] + lines[i7: i7 + 2] + lines[i8 + 2:]
    _, doc = _build("".join(swapped))
    assert "clause-out-of-order" in [w.code for w in doc.warnings]
    assert [c.path[-1] for c in _by_path(doc)[(2,)].children] == [5, 6, 8, 7]


def test_ordinals():
    assert [cl.zh_to_int(s) for s in ("一", "十", "十一", "二十七", "五十四", "九十九", "一百零三")] == [
        1, 10, 11, 27, 54, 99, 103]
    assert [cl.ordinal(s) for s in ("①", "⑳", "㉑", "１２", "7")] == [1, 20, 21, 12, 7]


def test_deterministic(cq):
    raw = _fixture("gz_suifubangui_2024_13")
    assert _build(raw)[1] == _build(raw)[1]


def test_item_that_reads_like_a_decimal_gz_suifubangui_2022_13():
    _, doc = _build(_fixture("gz_suifubangui_2022_13"))
    assert [c.heading for c in doc.clauses][0] == "总则"  # letter-spaced "第一章 总 则"
    assert [c.numbering for c in doc.clauses] == ["chapter"] * 7
    art24 = [c for c in walk(doc.clauses) if c.numbering == "article" and c.path[-1] == 24][0]
    assert [c.label for c in art24.children] == ["（一）", "（二）"]
    second = art24.children[1]
    assert second.heading == "第二类资助对象"
    # "1.80周岁及以上的；" is item 1 (80 years and older), not the decimal 1.80
    assert [c.label for c in second.children] == ["1.", "2."]
    assert second.children[0].text.startswith("80周岁及以上的")
    assert not doc.warnings


def test_decimal_after_a_page_break_is_not_an_item():
    raw = CQ_TXT.read_text(encoding="utf-8")
    assert "人均藏书量 1.05 册" in raw
    _, doc = _build(raw.replace("人均藏书量 1.05 册", "人均藏书量\n\n1.05 册"))
    assert sum(1 for _ in walk(doc.clauses)) == 170
    assert not [w for w in doc.warnings if w.code.startswith("clause-")]
    goals = [c for c in walk(doc.clauses) if c.path == [1, 3]][0]  # the plan's （三）总体目标
    assert re.search(r"人均藏书量\s?1\.05\s?册", goals.text)


def test_effective_date_sentence_inside_the_body_does_not_end_the_run():
    """A closing formula ends the run of clauses only when no clause of the run follows it."""
    raw = CQ_TXT.read_text(encoding="utf-8")
    head = "二、提升城市规划水平，科学引领城市发展"
    assert raw.count(head) == 1
    moved = raw.replace(head, "本行动计划自印发之日起实施，分三个阶段推进。\n\n" + head)
    text = _text(moved)
    plan, notice = [cl.build_clauses(text, Document(title="", span=s, body_spans=[s])) for s in _doc_spans(text)]
    assert [sum(1 for _ in walk(d.clauses)) for d in (plan, notice)] == [138, 32]
    assert not [w for d in (plan, notice) for w in d.warnings if w.code.startswith("clause-")]
    # it stays in the clause it follows (（三）总体目标)
    assert "本行动计划自印发之日起实施" in _by_path(plan)[(1, 3)].text
    # at the end of the run it is the document's close, in no clause
    assert not [c for c in walk(notice.clauses) if "本通知自印发之日起执行" in c.text]


def test_half_parenthesis_items():
    """"1）" items (a right parenthesis only) are clauses under the item that holds them."""
    raw = ("（二）办理程序：\n"
           "1）申报。房地产开发企业填写申请书，向行政审批服务窗口提出申请。\n"
           "2）受理。行政审批服务窗口进行初审，符合条件的，在0.5个工作日内转交审查。\n"
           "（三）办理时限：1.5个工作日。\n")
    _, doc = _build(raw)
    p = _by_path(doc)
    assert [c.label for c in p[(2,)].children] == ["1）", "2）"]
    assert p[(2, 1)].numbering == "arabic_paren" and p[(2, 1)].heading == "申报"
    assert p[(3,)].heading == "办理时限：1.5个工作日"


def test_attachment_list_after_a_bare_colon_line():
    """"附件：" alone on its line, the list below it: the numbered names are not clauses."""
    raw = ("三、组织实施\n"
           "（一）加强组织领导。各区、各部门要高度重视。\n"
           "附件：\n"
           "1.广州市家庭医生签约服务质量监测指标体系（2023年）\n"
           "2.关于推进广州市家庭医生签约服务高质量发展工作的任务分工表\n")
    _, doc = _build(raw)
    assert [tuple(c.path) for c in walk(doc.clauses)] == [(3,), (3, 1)]
    assert "任务分工表" not in doc.clauses[0].children[0].text


def test_each_printed_attachment_is_its_own_body_so_paths_do_not_clash():
    """江建〔2026〕55号 prints its 方案 (一、…七、) and a 承诺书 (1.–3.): two trees in one document.
    `body` tells them apart, so (body, path) addresses every clause once."""
    import gazette_parser
    from gazette_parser.model import walk

    from .conftest import DATA

    doc = gazette_parser.parse(DATA / "gd_jiangmen_jiangjian_2026_55.pdf", ocr="never").documents[0]
    clauses = list(walk(doc.clauses))
    assert len({c.body for c in doc.clauses}) >= 2
    keys = [(c.body, tuple(c.path)) for c in clauses]
    assert len(keys) == len(set(keys))
    for c in clauses:
        start, end = doc.body_spans[c.body]
        assert start <= c.span[0] < end
