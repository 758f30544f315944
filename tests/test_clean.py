"""clean: paragraphs, joins, page furniture, code points, spaces and an exact SourceMap."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from gazette_parser.clean import clean, normalize_chars, page_number_of, squeeze_spaces
from gazette_parser.model import Line, Page, Source, SourceInfo
from gazette_parser.read import read_source

from .conftest import CQ_TXT

INFO = SourceInfo(path=None, format="pdf", sha256="0", size=0, pages=0)


def _cq():
    return clean(read_source(CQ_TXT))


def test_text_sample_joins_page_breaks_only():
    t = _cq()
    ps = t.text.splitlines()
    # page breaks shown as a blank-line split mid-sentence are joined
    assert any("建设成为生态优先绿色发展示范区、高品质生活宜居区" in p for p in ps)
    assert any(p.endswith("授信额度上限从300万元提高到1000万元。") for p in ps)
    assert any("市级财政给予不超过1%的阶段性贴息支持。" in p for p in ps)
    assert any("智能产业补链成群，数字经济核心产业增加值占GDP比重超过10%" in p for p in ps)
    # …but headings, TOC, cover, signature and date lines stay whole lines
    for whole in ("二、提升城市规划水平，科学引领城市发展", "一、总体要求", "十一、保障措施",
                  "重庆市人民政府关于印发重庆市城市更新提升“十四五”行动计划的通知……………(1)",
                  "【市政府文件】", "重庆市人民政府公报", "2022年第14期", "重庆市人民政府办公厅主办",
                  "渝府发〔2022〕31号", "各区县（自治县）人民政府，市政府各部门，有关单位：",
                  "重庆市人民政府", "2022年6月25日", "重庆市人民政府办公厅", "2022年7月16日",
                  "GAZETTE OF CHONGQING MUNICIPAL PEOPLE'S GOVERNMENT", "全国统一刊号：CN50-1147/D"):
        assert whole in ps, whole
    # the body line after a heading is its own paragraph
    i = ps.index("二、提升城市规划水平，科学引领城市发展")
    assert ps[i + 1].startswith("全面贯彻落实习近平总书记关于“城市规划")
    # no empty paragraphs, no paragraph starting with a continuation comma
    assert all(p and p[0] not in "，。、" for p in ps)


def test_one_paragraph_per_line_and_spans_quote_the_text():
    t = _cq()
    assert t.text.endswith("\n") and "\n\n" not in t.text
    assert t.source_map.starts[0].offset == 0
    assert t.page_index(0) == 1 and t.page_index(len(t.text) - 1) == 1
    assert t.page(0) is None  # a text file without page breaks has no printed page


def test_form_feed_pages_heads_and_numbers():
    body = ["一、总则", "（一）为了规范地震预警活动，有效发挥地震预警作用，防御和减轻地震灾害，服务保障首都功能，保护人民生命",
            "和财产安全，制定本办法。", "（二）本办法适用于本市行政区域。"]
    pages = [
        "北京市人民政府公报 2023年第5期\n" + body[0] + "\n" + body[1] + "\n— 7 —",
        "北京市人民政府公报 2023年第5期\n" + body[2] + "\n" + body[3] + "\n— 8 —",
        "北京市人民政府公报 2023年第5期\n第三条 本条例自公布之日起施行。\n— 9 —",
    ]
    t = clean(read_source("\f".join(pages).encode("utf-8"), name="x.txt"))
    ps = t.text.splitlines()
    assert "北京市人民政府公报2023年第5期" not in ps and not any("—" in p for p in ps)
    assert ps[1] == "（一）为了规范地震预警活动，有效发挥地震预警作用，防御和减轻地震灾害，服务保障首都功能，保护人民生命和财产安全，制定本办法。"
    i = t.text.index("和财产安全")
    assert (t.page(i - 1), t.page(i)) == (7, 8)
    assert [s.printed for s in t.source_map.starts] == [7, 8, 9]


def test_page_numbers():
    assert page_number_of("— 3 —") == 3
    assert page_number_of("- 12 -") == 12
    assert page_number_of("—２—") == 2  # full-width digits count too
    assert page_number_of(normalize_chars("— ２ —")) == 2
    assert page_number_of("第 3 页") == 3
    assert page_number_of("2022年") is None and page_number_of("一、总则") is None


def test_code_points():
    assert normalize_chars("川办规〔２０２５〕６号") == "川办规〔2025〕6号"
    assert normalize_chars("人民政府ꎬ省政府ꎮ", gb_shifted=True) == "人民政府，省政府。"
    assert normalize_chars("«若干政策措施»", gb_shifted=True) == "《若干政策措施》"
    assert normalize_chars("⽣态") == "生态"  # Kangxi radical from a PDF font
    assert normalize_chars("１．５") == "1.5"


def test_spaces():
    assert squeeze_spaces("加 大 创 业 担 保") == "加大创业担保"
    assert squeeze_spaces("重   庆   市   人   民   政   府") == "重庆市人民政府"
    assert squeeze_spaces("第一章   总   则") == "第一章总则"
    assert squeeze_spaces("江门市住房和城乡建设局    江门市财政局") == "江门市住房和城乡建设局 江门市财政局"
    assert squeeze_spaces("占 GDP 比重超过 10%") == "占GDP比重超过10%"
    assert squeeze_spaces("Published on July 31,  2022 No.14") == "Published on July 31, 2022 No.14"
    # table cells (wide gaps) stay apart; a space inside a cell next to CJK goes
    assert squeeze_spaces("行动计划的通知  渝府发〔2022〕31 号  1") == "行动计划的通知 渝府发〔2022〕31号 1"


def _geo_page(index, lines, printed_footer=True):
    out = []
    top = 100.0
    for text, x0, x1 in lines:
        out.append(Line(text, x0, x1, top, top + 12, 12.0))
        top += 22
    if printed_footer:
        out.append(Line(f"— {index + 2} —", 282, 313, 795, 806, 10.5))
    return Page(index=index, lines=tuple(out), width=595, height=842)


def test_geometry_joins_and_indents():
    body = [("一、总体要求", 98, 170),  # indented short heading
            ("（一）指导思想。以习近平新时代中国特色社会主义思想为指导，全面贯彻党的", 98, 520.7),
            ("十九大和十九届历次全会精神，深学笃用习近平生态文明思想，认真落实市第六", 73.8, 520.8),
            ("次党代会精神。", 73.8, 180),
            ("（二）基本原则。坚持人与自然和谐共生，把保护城市生态环境摆在更加突出的", 98, 521),
            ("位置，尊重自然、顺应自然、保护自然，提升生态系统质量和稳定性。落实碳达", 73.8, 521)]
    page2 = [("峰碳中和目标任务。", 73.8, 200), ("（三）总体目标。到2025年，城市更新提升体制机制更加完善。", 98, 460)]
    src = Source(info=INFO, pages=(_geo_page(1, body), _geo_page(2, page2)))
    t = clean(src)
    assert t.text.splitlines() == [
        "一、总体要求",
        "（一）指导思想。以习近平新时代中国特色社会主义思想为指导，全面贯彻党的十九大和十九届历次全会精神，深学笃用习近平生态文明思想，认真落实市第六次党代会精神。",
        "（二）基本原则。坚持人与自然和谐共生，把保护城市生态环境摆在更加突出的位置，尊重自然、顺应自然、保护自然，提升生态系统质量和稳定性。落实碳达峰碳中和目标任务。",
        "（三）总体目标。到2025年，城市更新提升体制机制更加完善。",
    ]
    i = t.text.index("峰碳中和")
    assert (t.page_index(i - 1), t.page_index(i)) == (1, 2)
    assert (t.page(i - 1), t.page(i)) == (3, 4)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.text(alphabet="城市更新提升行动计划，。", min_size=1, max_size=30), max_size=6),
                min_size=1, max_size=5))
def test_source_map_is_exact(pages_text):
    """Every character of the cleaned text maps to the page it came from."""
    pages = []
    for i, lines in enumerate(pages_text, 1):
        # mark every character with its page by using a distinct alphabet per page
        shift = 0x4E00 + 0x400 * i
        ls = tuple(Line("".join(chr(shift + (ord(c) % 0x3FF)) if c not in "，。" else c for c in l))
                   for l in lines)
        pages.append(Page(index=i, lines=ls))
    t = clean(Source(info=INFO, pages=tuple(pages)))
    for off, ch in enumerate(t.text):
        if ch in "\n，。 ":
            continue
        page = (ord(ch) - 0x4E00) // 0x400
        assert t.page_index(off) == page


def test_attachment_headings_at_the_same_height_are_not_running_heads():
    pages = []
    for i in range(1, 5):
        lines = (Line("某某市人民政府公报", 74, 200, 38, 47, 9.0),
                 Line(f"附件{i}", 74, 120, 100, 116, 16.0),
                 Line(f"第{i}项内容的说明文字。", 98, 300, 140, 156, 16.0),
                 Line(f"— {i} —", 282, 313, 795, 806, 10.5))
        pages.append(Page(index=i, lines=lines, width=595, height=842))
    ps = clean(Source(info=INFO, pages=tuple(pages))).text.splitlines()
    assert ps == ["附件1", "第1项内容的说明文字。", "附件2", "第2项内容的说明文字。",
                  "附件3", "第3项内容的说明文字。", "附件4", "第4项内容的说明文字。"]


def test_page_number_inside_a_running_head():
    pages = []
    for i in range(1, 4):
        head = f"某某市人民政府公报    2023年第5期    · {i + 10} ·"
        lines = (Line(head, 74, 520, 38, 47, 9.0),
                 Line(f"第{i}条 本条内容的说明文字。", 98, 300, 140, 156, 16.0))
        pages.append(Page(index=i, lines=lines, width=595, height=842))
    t = clean(Source(info=INFO, pages=tuple(pages)))
    assert t.text.splitlines() == ["第1条本条内容的说明文字。", "第2条本条内容的说明文字。", "第3条本条内容的说明文字。"]
    assert [s.printed for s in t.source_map.starts] == [11, 12, 13]
