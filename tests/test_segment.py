"""segment: issue info, bilingual TOC and the split into documents, on real text.

Most tests build the Text straight from the file (one paragraph per line, as the clean stage
hands it over) so they exercise this stage alone; a few run the whole pipeline.
"""

from __future__ import annotations


import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

import gazette_parser
from gazette_parser import chars
from gazette_parser.issue import grammar as doc_grammar
from gazette_parser.model import PageStart, SourceInfo, SourceMap, Text
from gazette_parser.resources import grammar_path
from gazette_parser.issue.lexicon import doc_type_of, find_doc_numbers, parse_date, parse_doc_number
from gazette_parser.issue.outline import outline
from gazette_parser.issue.segment import segment

from .conftest import CQ_TXT, DATA

STANDALONE = [
    "gwy_guofa_2019_3.txt",
    "gwy_guoling_707.txt",
    "gwy_guofa_2004_18.txt",
    "bj_jingzhengfa_2023_14.txt",
    "gz_suiweihan_2023_1930.txt",
    "gz_zhengfuling_179.txt",
    "hn_anhua_anzhengbanfa_2022_20.txt",
]


def as_text(raw: str) -> Text:
    """The text as the clean stage shapes it: one stripped paragraph per line, no blank lines."""
    s = "".join(line.strip() + "\n" for line in raw.splitlines() if line.strip())
    return Text(text=s, source_map=SourceMap((PageStart(offset=0, index=1, printed=None),)),
                info=SourceInfo(None, "txt", "", len(s), 1))


def read(name: str) -> str:
    path = CQ_TXT if name == "cq" else DATA / name
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def cq():
    text = as_text(read("cq"))
    return text, segment(text)


# ----------------------------------------------------------------------------------------------
# the sample issue


def test_issue_info_from_cover_masthead_and_colophon(cq):
    _, seg = cq
    info = seg.info
    assert info.gazette_zh == "重庆市人民政府公报"
    assert info.gazette_en == "GAZETTE OF CHONGQING MUNICIPAL PEOPLE'S GOVERNMENT"
    assert (info.year, info.number, info.total_number) == (2022, 14, 920)
    assert info.publish_date == "2022-07-31"
    assert info.publisher_zh == "重庆市人民政府办公厅"
    assert info.publisher_en == "General Office of Chongqing Municipal People's Government"
    assert info.supervisor == "重庆市人民政府"
    assert info.serial_cn == "CN50-1147/D"
    # the other 版权页 fields, keyed without the letter-spacing (地 址 → 地址)
    assert info.colophon["邮政编码"] == "400015"
    assert info.colophon["发行范围"] == "国内公开发行"
    assert info.colophon["网址"] == "www.cq.gov.cn"
    assert "地址" in info.colophon and "印刷单位" in info.colophon
    assert "主管单位" not in info.colophon and "全国统一刊号" not in info.colophon


def test_toc_is_bilingual_aligned_and_cleaned(cq):
    text, seg = cq
    assert len(seg.toc) == 2
    a, b = seg.toc
    assert a.title_zh == "重庆市人民政府关于印发重庆市城市更新提升“十四五”行动计划的通知"
    assert b.title_zh == "重庆市人民政府办公厅关于加强财政金融联动支持实体经济发展的通知"
    assert (a.page, b.page) == (1, 26)
    assert (a.category_zh, b.category_zh) == ("市政府文件", "市政府办公厅文件")
    assert a.category_en == "Documents of the Municipal Government"
    assert b.category_en == "Documents of the General Office of Chongqing Municipal People's Government"
    assert a.title_en.startswith("Notice of the Chongqing Municipal People's Government on Issuing")
    assert a.title_en.endswith("in the 14th Five-year Period")
    assert b.title_en.endswith("to Support the Development of Real Economy")
    for e in seg.toc:
        for t in (e.title_zh, e.title_en):
            assert "…" not in t and ".." not in t and "(" not in t and "People' s" not in t
        # the span quotes the Chinese entry as printed
        assert text.text[e.span[0]:e.span[1]].startswith(e.title_zh[:10])


def test_sample_splits_into_its_two_documents(cq):
    text, seg = cq
    assert len(seg.documents) == 2
    assert not seg.warnings
    d1, d2 = seg.documents
    assert (d1.toc_index, d2.toc_index) == (0, 1)
    assert (d1.category_zh, d2.category_zh) == ("市政府文件", "市政府办公厅文件")
    s = text.text
    assert s[d1.span[0]:].startswith("重庆市人民政府 关于印发") or s[d1.span[0]:].startswith("重庆市人民政府关于印发")
    assert "渝府办发〔2022〕81号" not in s[d1.span[0]:d1.span[1]]
    assert s[d2.span[0]:d2.span[1]].split("\n")[1] == "渝府办发〔2022〕81号"
    # the first document runs through its action plan; the second stops before the colophon
    assert "十一、保障措施" in s[d1.span[0]:d1.span[1]]
    assert s[d2.span[0]:d2.span[1]].endswith("2022年7月16日")
    assert "主管单位" not in s[d2.span[0]:d2.span[1]]


def test_pdf_text_layer_wraps_are_handled():
    """The PDF's own text layer: wrapped TOC entries (Chinese and English), a title over three
    lines, running heads and "— N —" footers left in."""
    text = as_text(read("cq-gazette-2022-14-pdf-excerpt.txt"))
    seg = segment(text)
    assert [e.page for e in seg.toc] == [1, 26]
    assert seg.toc[0].title_zh == "重庆市人民政府关于印发重庆市城市更新提升“十四五”行动计划的通知"
    assert seg.toc[0].title_en.endswith("Upgrading in the 14th Five-year Period")
    assert seg.toc[1].title_en.startswith("Notice of the General Office of Chongqing Municipal People's")
    assert seg.info.gazette_en == "GAZETTE OF CHONGQING MUNICIPAL PEOPLE'S GOVERNMENT"
    assert seg.info.serial_cn == "CN50-1147/D"
    assert len(seg.documents) == 2
    first = text.text[seg.documents[0].span[0]:].split("\n", 3)
    assert first[:3] == ["重庆市人民政府", "关于印发重庆市城市更新提升", "“十四五”行动计划的通知"]


def test_toc_entry_without_document_is_a_warning():
    raw = read("cq")
    cut = raw.index("重庆市人民政府办公厅关于 加强财政金融联动")
    end = raw.index("主管单位")
    text = as_text(raw[:cut] + raw[end:])
    seg = segment(text)
    assert len(seg.documents) == 1
    w = [w for w in seg.warnings if w.code == "toc-unmatched"]
    assert len(w) == 1 and "page 26" in w[0].message
    assert "加强财政金融联动" in text.text[w[0].span[0]:w[0].span[1]]


def test_document_missing_from_toc_is_found_and_flagged():
    raw = read("cq")
    end = raw.index("主管单位")
    text = as_text(raw[:end] + read("gwy_guofa_2019_3.txt") + raw[end:])
    seg = segment(text)
    assert len(seg.documents) == 3
    assert seg.documents[2].toc_index is None
    assert "国发〔2019〕3号" in text.text[seg.documents[2].span[0]:seg.documents[2].span[1]]
    assert [w.code for w in seg.warnings] == ["doc-not-in-toc"]


# ----------------------------------------------------------------------------------------------
# standalone documents and texts without a TOC


@pytest.mark.parametrize("name", STANDALONE)
def test_standalone_document_is_an_issue_of_one(name):
    text = as_text(read(name))
    seg = segment(text)
    assert seg.toc == []
    assert len(seg.documents) == 1
    d = seg.documents[0]
    # it starts at the head (title, 文号 or 令 header) and keeps the signature and what it issues
    first = text.text[d.span[0]:d.span[1]].split("\n", 1)[0]
    assert ("关于" in first or first.endswith("令") or "〔" in first)
    assert d.span[1] == len(text.text.rstrip("\n"))


def test_documents_without_toc_are_split_at_their_heads():
    names = ["gwy_guofa_2019_3.txt", "gwy_guoling_707.txt", "hn_anhua_anzhengbanfa_2022_20.txt",
             "gz_zhengfuling_179.txt"]
    text = as_text("".join(read(n) for n in names))
    seg = segment(text)
    heads = [text.text[d.span[0]:d.span[1]].split("\n", 1)[0] for d in seg.documents]
    assert heads == ["国务院关于促进综合保税区", "中华人民共和国国务院令", "安政办发〔2022〕20号",
                     "广州市人民政府令"]
    # the spans tile the text: each document ends where the next begins
    for a, b in zip(seg.documents, seg.documents[1:]):
        assert text.text[a.span[1]:b.span[0]].strip() == ""


@pytest.mark.parametrize("raw", [
    "",
    "   \n\n",
    "hello world\nthis is not a gazette\n",
    "今天天气很好，我们去公园散步。\n公园里有很多人。\n",
    "关于加强管理的通知\n",  # a title with nothing after it
    "这是一段没有任何公文结构的中文文字，" * 30,
    "\x00\x01\x02garbage\ufffd\ufffd",
])
def test_text_without_a_document_gives_none(raw):
    assert segment(as_text(raw)).documents == []


@pytest.mark.parametrize("data", [
    b"",
    bytes(range(256)) * 8,
    "今天天气很好，我们去公园散步。\n".encode("utf-8"),
])
def test_pipeline_raises_clean_parse_error(data):
    with pytest.raises(gazette_parser.GazetteError) as e:
        gazette_parser.parse(data, name="bad.txt")
    assert "bad.txt" in str(e.value) and "\n" not in str(e.value)


# ----------------------------------------------------------------------------------------------
# helpers


@pytest.mark.parametrize("s,iso", [
    ("2022年6月25日", "2022-06-25"),
    ("2022 年 7 月 31 日出版", "2022-07-31"),
    ("二〇二二年六月二十五日", "2022-06-25"),
    ("二〇〇四年六月二十六日", "2004-06-26"),
    ("（二○○四年六月十六日国务院", "2004-06-16"),
    ("2022年13月1日", None),
    ("无日期", None),
])
def test_parse_date(s, iso):
    assert parse_date(s) == iso


def test_parse_doc_number_and_type():
    assert parse_doc_number("渝府发〔2022〕31号") == {"prefix": "渝府发", "year": 2022, "serial": 31}
    assert parse_doc_number("川办规〔２０２５〕６号") == {"prefix": "川办规", "year": 2025, "serial": 6}
    assert parse_doc_number("中华人民共和国国务院令第707号") == {
        "prefix": "中华人民共和国国务院令", "year": None, "serial": 707}
    assert parse_doc_number("没有文号") is None
    assert doc_type_of("国务院关于促进综合保税区高水平开放高质量发展的若干意见") == "意见"
    assert doc_type_of("北京市人民政府关于印发《…实施方案（2023-2025年）》的通知") == "通知"
    assert doc_type_of("重庆市城市房屋安全管理办法（试行）") == "办法"
    assert doc_type_of("关于某事项的复函") == "函"
    assert doc_type_of("国家职业教育改革") is None


def test_cited_numbers_in_prose_lose_their_lead_in_words():
    s = "为贯彻落实《国务院关于印发扎实稳住经济一揽子政策措施的通知》（国发〔2022〕12号）和" \
        "按照国办发〔2016〕82号要求，根据1994年1月28日中华人民共和国国务院令第142号发布"
    got = [n for n, _ in find_doc_numbers(s)]
    assert got == ["国发〔2022〕12号", "国办发〔2016〕82号", "中华人民共和国国务院令第142号"]
    for n, (a, b) in find_doc_numbers(s):
        assert s[a:b] == n


def test_outline_for_the_cli(cq):
    text, seg = cq
    rows = outline(text, seg)
    assert [r["doc_number"] for r in rows] == ["渝府发〔2022〕31号", "渝府办发〔2022〕81号"]
    assert [r["date"] for r in rows] == ["2022-06-25", "2022-07-16"]
    assert rows[0]["title"].startswith("重庆市人民政府关于印发") and rows[0]["warnings"] == []


def test_segment_is_deterministic(cq):
    text, seg = cq
    assert segment(text) == seg


def test_grammar_file_documents_itself():
    head = grammar_path(doc_grammar.GRAMMAR).read_text(encoding="utf-8").splitlines()[:15]
    assert head[0].startswith("# document.toml")
    assert any("Example" in line for line in head)


def test_document_without_number_after_a_signature_starts_a_new_document():
    """No contents, no 文号: the notice is found by its title right after the previous
    document's signature block (its number printed only after its date)."""
    raw = read("cq")
    notice = raw[raw.index("重庆市人民政府办公厅关于 加强财政金融联动"):raw.index("主管单位")]
    notice = notice.replace("渝府办发〔2022〕81号\n", "", 1)
    text = as_text(read("gwy_guofa_2019_3.txt") + notice + read("gwy_guoling_707.txt"))
    seg = segment(text)
    heads = [text.text[d.span[0]:d.span[1]].split("\n", 1)[0] for d in seg.documents]
    assert heads == ["国务院关于促进综合保税区", "重庆市人民政府办公厅关于 加强财政金融联动支持实体经济发展的通知",
                     "中华人民共和国国务院令"]


def test_attachment_title_after_signature_is_not_a_new_document():
    # 关于推进…实施方案 follows the date but the notice names it in 《》: it is the attachment
    text = as_text(read("gz_suiweihan_2023_1930.txt"))
    assert len(segment(text).documents) == 1


def test_contents_printed_as_a_table():
    """The two-column edition prints its contents as a ruled table (文件名称 | 文号 | 页码) whose
    wrapped cells interleave in the text layer; rows are read with the body's 文号."""
    raw = read("cq")
    body = raw[raw.index("重庆市人民政府 关于印发"):]
    text = as_text(read("cq-gazette-2022-14-2col-contents.txt") + body)
    seg = segment(text)
    assert [(e.title_zh, e.page) for e in seg.toc] == [
        ("重庆市人民政府关于印发重庆市城市更新提升“十四五”行动计划的通知", 1),
        ("重庆市人民政府办公厅关于加强财政金融联动支持实体经济发展的通知", 26)]
    assert [e.category_zh for e in seg.toc] == ["市政府文件", "市政府办公厅文件"]
    assert all(e.title_en for e in seg.toc)
    assert [d.toc_index for d in seg.documents] == [0, 1] and not seg.warnings


def test_any_text_segments_without_error():
    """Property: shuffled real lines (heads, signatures, contents entries, body) never make the
    stages raise, and every span stays inside the text and in order."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from gazette_parser.issue.document import build_document

    pool = [ln for ln in (read("cq")[:4000] + read("gwy_guoling_707.txt")[:3000]
                          + read("gz_suiweihan_2023_1930.txt")[:3000]).splitlines() if ln.strip()]
    pool += ["", "目 录", "【市政府文件】", "…… (3)", "第12号", "附件：1.", "2022年2月30日", "（",
             "主管单位：某", "〔2022〕", "令"]

    @settings(max_examples=60, deadline=None, derandomize=True)
    @given(st.lists(st.sampled_from(pool), max_size=40))
    def check(chosen):
        text = as_text("\n".join(chosen))
        seg = segment(text)
        n = len(text.text)
        prev = 0
        for d in seg.documents:
            assert prev <= d.span[0] < d.span[1] <= n
            prev = d.span[1]
            doc = build_document(text, d, seg)
            for a, b in doc.body_spans + [doc.span]:
                assert 0 <= a < b <= n

    check()


_FOLD_ALPHABET = "ab1 \t\n\u3000\xa0〔〕（）１２㈠ﬁ^]\\-中文"


def _fold_one_by_one(s, start, end):
    out, where = [], []
    for i in range(start, end):
        for f in unicodedata.normalize("NFKC", s[i]):
            if not f.isspace() and not s[i].isspace():
                out.append(f)
                where.append(i)
    return "".join(out), where


@given(st.text(alphabet=_FOLD_ALPHABET, max_size=40), st.data())
def test_fold_in_runs_is_the_fold_of_each_character(s, data):
    """folded_with_map copies runs; it must equal folding character by character."""
    start = data.draw(st.integers(0, len(s)))
    end = data.draw(st.integers(start, len(s)))
    hay, where = chars.folded_with_map(s, start, end)
    assert (hay, list(where)) == _fold_one_by_one(s, start, end)
