"""read: format sniffing, PDF (pdfplumber and pdfium), HTML bodies, bad input — on the real files."""

from __future__ import annotations

import difflib
import functools
import re

import pytest

from gazette_parser.clean import clean, squeeze_spaces, normalize_chars
from gazette_parser.errors import GazetteError, NeedsOCR, ReadError
from gazette_parser.read import read_source, sniff_format
from gazette_parser.read.pdf import text_quality

from .conftest import CQ_PDF, CQ_TXT, DATA, SAMPLES

CQ_2COL = SAMPLES / "cq-gazette-2022-14-2col.pdf"
HZ = DATA / "hz_hangzhenghan_2024_16.pdf"
SC = DATA / "sc_chuanbangui_2025_6.pdf"
BJ = DATA / "bj_guizhang_307_dizhen_yujing.pdf"
GD = DATA / "gd_jiangmen_jiangjian_2026_55.pdf"
GARBLED = DATA / "bj_gazette_2023_gjj_taoshu_garbled.pdf"
SCANNED = DATA / "hb_baoding_fangjinwei_2022_2_scanned.pdf"


@functools.lru_cache(maxsize=None)
def cleaned(path, backend="pdfplumber"):
    return clean(read_source(path, backend=backend, ocr="never"))


def paragraphs(text):
    return text.text.splitlines()


# ---------------------------------------------------------------------------------------------
# sniffing and bad input


def test_sniff_format_by_content():
    assert sniff_format(CQ_PDF.read_bytes(), "x.txt") == "pdf"
    assert sniff_format((DATA / "bj_jingzhengbanfa_2025_12.html").read_bytes(), "x.txt") == "html"
    # a gov.cn fragment: a comment, a meta, then a table — no <html>
    assert sniff_format((DATA / "gwy_guobanfa_2018_117.html").read_bytes(), None) == "html"
    assert sniff_format(CQ_TXT.read_bytes(), "x.html") == "txt"
    assert sniff_format("第一条 a<b 的情形".encode(), None) == "txt"


@pytest.mark.parametrize("backend", ["pdfplumber", "pdfium"])
def test_named_pdf_that_is_not_a_pdf(tmp_path, backend):
    p = tmp_path / "fake.pdf"
    p.write_bytes(CQ_TXT.read_bytes()[:2000])
    with pytest.raises(ReadError) as e:
        read_source(p, backend=backend)
    assert "not a PDF" in str(e.value) and "\n" not in str(e.value)


@pytest.mark.parametrize("backend", ["pdfplumber", "pdfium"])
@pytest.mark.parametrize("cut", [0.5, 0.02])
def test_truncated_pdf_is_a_one_line_error(tmp_path, backend, cut):
    data = SC.read_bytes()
    p = tmp_path / "cut.pdf"
    p.write_bytes(data[: int(len(data) * cut)])
    try:
        src = read_source(p, backend=backend, ocr="never")
    except GazetteError as e:  # ReadError or NeedsOCR, one line, never a traceback
        assert "\n" not in str(e) and str(p) in str(e)
    else:  # a reader may recover the pages that survive; then they must be real text
        assert any("四川" in l.text for page in src.pages for l in page.lines)


def test_corrupt_pdf_bytes(tmp_path):
    p = tmp_path / "junk.pdf"
    p.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
    for backend in ("pdfplumber", "pdfium"):
        with pytest.raises(GazetteError) as e:
            read_source(p, backend=backend, ocr="never")
        assert "\n" not in str(e.value)


def test_unknown_backend():
    with pytest.raises(ReadError, match="backend"):
        read_source(CQ_PDF, backend="poppler")


# ---------------------------------------------------------------------------------------------
# the sample issue: PDF = text


@pytest.mark.parametrize("backend", ["pdfplumber", "pdfium"])
def test_cq_pdf_reads_as_the_text_does(backend):
    t_pdf = cleaned(CQ_PDF, backend)
    t_txt = clean(read_source(CQ_TXT))
    a, b = paragraphs(t_txt), paragraphs(t_pdf)
    sm = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    assert sm.ratio() >= 0.99, [x for x in difflib.unified_diff(a, b, lineterm="")][:20]
    # the page breaks the text shows mid-sentence are joined in the PDF too
    assert "建设成为生态优先绿色发展示范区" in t_pdf.text
    assert "商业价值信用贷款授信额度上限从300万元提高到1000万元。" in t_pdf.text


@pytest.mark.parametrize("backend", ["pdfplumber", "pdfium"])
def test_cq_pdf_pages_are_exact(backend):
    """Every page start points at text that really is on that page (checked against pdfium)."""
    import pypdfium2 as pdfium

    t = cleaned(CQ_PDF, backend)
    pdf = pdfium.PdfDocument(str(CQ_PDF))
    raw = {}
    for i in range(len(pdf)):
        tp = pdf[i].get_textpage()
        raw[i + 1] = re.sub(r"\s+", "", normalize_chars(tp.get_text_range()))
    checked = 0
    for ps in t.source_map.starts:
        nxt = [s.offset for s in t.source_map.starts if s.offset > ps.offset]
        end = min(nxt) if nxt else len(t.text)
        if end - ps.offset < 12:
            continue
        piece = re.sub(r"\s+", "", t.text[ps.offset:ps.offset + 10])
        assert piece in raw[ps.index], (ps, piece)
        assert t.page_index(ps.offset) == ps.index
        checked += 1
    assert checked >= 35
    # printed numbers come from the "— N —" footers: the body starts on printed page 1 = 4th page
    first = t.text.index("现将《重庆市城市更新提升")
    assert (t.page(first), t.page_index(first)) == (1, 4)
    # a paragraph running over a page break changes page in mid-line
    i = t.text.index("色发展示范区、高品质生活宜居区")
    assert t.page_index(i - 1) + 1 == t.page_index(i) or t.page_index(i - 1) == t.page_index(i)


def test_two_column_pdf_is_not_interleaved():
    t2 = cleaned(CQ_2COL)
    tt = clean(read_source(CQ_TXT))
    body = paragraphs(tt)
    start = body.index("重庆市城市更新提升“十四五”行动计划")
    end = body.index("重庆市人民政府办公厅", start)
    got = set(paragraphs(t2))
    same = sum(1 for p in body[start:end + 1] if p in got)
    assert same >= 0.97 * (end + 1 - start)
    # mirrored odd/even running heads are gone
    assert not any(re.fullmatch(r"(2022年第14期)?重庆市人民政府公报(2022年第14期)?", p)
                   for p in paragraphs(t2)[5:])


def test_pdfium_and_pdfplumber_agree_on_real_pdfs():
    for f in (HZ, SC, BJ):
        a = paragraphs(cleaned(f, "pdfplumber"))
        b = paragraphs(cleaned(f, "pdfium"))
        assert difflib.SequenceMatcher(a=a, b=b, autojunk=False).ratio() >= 0.98, f.name


# ---------------------------------------------------------------------------------------------
# real PDFs from other provinces


def test_hangzhou_code_above_red_header_and_footers():
    t = cleaned(HZ)
    ps = paragraphs(t)
    assert "ZJAC00-2024-0001" not in t.text
    assert ps[:3] == ["杭州市人民政府文件", "杭政函〔2024〕16号", "杭州市人民政府印发关于进一步推动经济高质量发展若干政策的通知"]
    assert not any(re.fullmatch(r"[—-]\s*\d+\s*[—-]", p) for p in ps)
    assert [s.printed for s in t.source_map.starts] == list(range(1, 35))
    assert "（责任单位：市发改委）" in t.text


@pytest.mark.parametrize("backend", ["pdfplumber", "pdfium"])
def test_sichuan_code_points_and_shifted_digits(backend):
    t = cleaned(SC, backend)
    assert "\ua3ac" not in t.text and "\ua3ae" not in t.text
    assert "川办规〔2025〕6号" in t.text
    assert "关于印发《支持创业带动就业的若干政策措施》的通知" in t.text
    assert "个人申请额度由30万元提高至50万元、小微企业申请额度由400万元提高至600万元，" in t.text
    assert "减少水平低于5.5%的企业" in t.text
    assert "2025年4月30日" in paragraphs(t)
    assert [s.printed for s in t.source_map.starts] == list(range(1, 9))


def test_beijing_regulation_heads_and_letter_spacing():
    t = cleaned(BJ)
    ps = paragraphs(t)
    assert "北京市人民政府规章" not in ps and "北京市人民政府发布" not in ps
    assert "第一章总则" in ps
    assert not any(re.fullmatch(r"-\s*\d+\s*-", p) for p in ps)
    assert not any(p == "X" for p in ps)  # a mark outside the page's box
    # article 2 runs from page 1 onto page 2 ("…发出警报的行" / "为。"): one paragraph
    assert any(p.startswith("本办法所称地震预警") and p.endswith("发出警报的行为。") for p in ps)


def test_jiangmen_joint_issuers_keep_their_gap():
    ps = paragraphs(cleaned(GD))
    assert "江门市住房和城乡建设局 江门市财政局" in ps
    assert "江建〔2026〕55号" in ps
    assert "2026年4月24日" in ps


# ---------------------------------------------------------------------------------------------
# no text layer / garbage text layer


@pytest.mark.parametrize("backend", ["pdfplumber", "pdfium"])
def test_scanned_and_garbled_need_ocr_page_by_page(backend):
    with pytest.raises(NeedsOCR) as e:
        read_source(SCANNED, backend=backend, ocr="never")
    assert e.value.pages == (1, 2, 3) and "no text layer" in str(e.value)
    with pytest.raises(NeedsOCR) as e:
        read_source(GARBLED, backend=backend, ocr="never")
    assert e.value.pages == (1, 2) and "garbled" in str(e.value)
    assert e.value.exit_code == 3


def test_ocr_unavailable_gives_needs_ocr(monkeypatch):
    import gazette_parser.read.pdf as pdfmod

    monkeypatch.setattr(pdfmod, "_ocr_module", lambda: None)
    with pytest.raises(NeedsOCR, match="tesseract"):
        read_source(SCANNED, backend="pdfium", ocr="auto")


def test_ocr_contract(monkeypatch):
    """Pages needing OCR go to ocr.ocr_pages(pdf_bytes, pages, jobs) and come back marked as OCR."""
    import types

    import gazette_parser.read.pdf as pdfmod
    from gazette_parser.model import Line

    calls = []

    def ocr_pages(data, pages, jobs=1, return_exceptions=False):
        calls.append((list(pages), jobs))
        return [([Line(f"第{n}页识别文字。", 10, 200, 100, 112, 12)], 88.5) for n in pages]

    fake = types.SimpleNamespace(available=lambda: True, ocr_pages=ocr_pages)
    monkeypatch.setattr(pdfmod, "_ocr_module", lambda: fake)
    src = read_source(GARBLED, backend="pdfium", ocr="auto", ocr_jobs=2)
    assert calls == [([1, 2], 2)]  # all flagged pages in one call, within the job budget
    assert [(p.source, p.confidence, p.needs_ocr) for p in src.pages] == [
        ("ocr", 88.5, "garbled text layer"), ("ocr", 88.5, "garbled text layer")]
    t = clean(src)
    assert t.source_map.starts[1].source == "ocr"


def test_text_quality():
    assert text_quality("!\"#$%&'()*+,-./#$%&'01#$23*#$456789:;<(!)\"#$%*+,-./012#345+") == "garbled text layer"
    assert text_quality("Notice of the General Office of Chongqing Municipal People's Government") is None
    assert text_quality("各区县（自治县）人民政府，市政府各部门，有关单位：现将《计划》印发给你们。") is None


# ---------------------------------------------------------------------------------------------
# HTML


def test_html_body_not_navigation():
    t = clean(read_source(DATA / "bj_jingzhengbanfa_2025_12.html"))
    ps = paragraphs(t)
    assert ps[0] == "北京市人民政府办公厅关于以冰雪运动高质量发展激发冰雪经济活力的实施意见"
    assert ps[1] == "京政办发〔2025〕12号"
    assert ps[-3:] == ["北京市人民政府办公厅", "2025年6月11日", "（此件公开发布）"]
    for nav in ("首都之窗", "政策文件汇编", "公报PDF", "分享", "相关解读", "[发文机构]"):
        assert not any(nav in p for p in ps), nav


def test_html_gbk_page():
    t = clean(read_source(DATA / "hn_anhua_anzhengbanfa_2022_20.html"))
    assert t.info.format == "html"
    assert "安政办发〔2022〕20号" in paragraphs(t)
    assert "安化县人民政府办公室印发《关于促进安化县房地产市场平稳健康发展的若干政策措施》的通知" in paragraphs(t)
    assert "\ufffd" not in t.text


def test_html_fragment_title_over_two_lines():
    ps = paragraphs(clean(read_source(DATA / "gwy_guobanfa_2018_117.html")))
    assert ps[:2] == ["国务院办公厅关于对真抓实干成效明显地方进一步加大激励支持力度的通知", "国办发〔2018〕117号"]
    assert ps[-2:] == ["2018年12月6日", "（此件公开发布）"]


def test_html_title_not_duplicated_and_page_furniture_dropped():
    ps = paragraphs(clean(read_source(DATA / "gz_suifubangui_2024_13.html")))
    assert sum("广州市公共租赁住房管理办法的通知" in p for p in ps[:4]) == 1
    ps = paragraphs(clean(read_source(DATA / "bj_gjj_taoshu_rending_2023.html")))
    assert ps[1] == "京房公积金发〔2023〕31号"
    assert not any("PDF格式下载" in p or p.startswith("字号") for p in ps)


def test_spaces_in_pdf_lines():
    assert squeeze_spaces("书 量 1.05 册 ， 公 共 数 字 文 化") == "书量1.05册，公共数字文化"


# ---------------------------------------------------------------------------------------------
# acceptance: the issue as PDF parses to what the text gives, with page numbers


def _structure(issue):
    from gazette_parser.model import walk

    out = []
    for d in issue.documents:
        out.append(("doc", d.title, d.doc_number, d.date))
        for c in walk(d.clauses):
            out.append(("clause", c.label, c.level, c.heading, c.text))
            out.extend(("unit", u.canonical) for u in c.lead_units + c.responsible_units)
            out.extend(("target", t.text, str(t.value), t.unit) for t in c.targets)
    return out


def test_pdf_parses_to_the_same_documents_clauses_units_targets():
    import gazette_parser
    from gazette_parser.model import walk

    from_txt = gazette_parser.parse(CQ_TXT)
    from_pdf = gazette_parser.parse(CQ_PDF, backend="pdfium", ocr="never")
    assert _structure(from_pdf) == _structure(from_txt)
    assert from_pdf.documents and any(d.clauses for d in from_pdf.documents)
    # …and the PDF knows its pages: printed numbers from the footers, physical ones from the file
    pages = [(c.page, c.page_index) for d in from_pdf.documents for c in walk(d.clauses)]
    assert all(p is not None and 1 <= p <= 38 and i == p + 3 for p, i in pages), pages[:5]
    assert pages == sorted(pages)
    assert len({p for p, _ in pages}) >= 20


@pytest.mark.parametrize("backend", ["pdfplumber", "pdfium"])
def test_encrypted_pdf(backend):
    pypdf = pytest.importorskip("pypdf")
    import io

    reader = pypdf.PdfReader(str(SC))
    for user_password, readable in (("secret", False), ("", True)):
        w = pypdf.PdfWriter()
        for p in reader.pages[:2]:
            w.add_page(p)
        w.encrypt(user_password=user_password, owner_password="owner", algorithm="AES-128")
        buf = io.BytesIO()
        w.write(buf)
        if readable:  # an owner password only: readable like any PDF
            src = read_source(buf.getvalue(), name="enc.pdf", backend=backend, ocr="never")
            assert src.pages[0].lines[0].text == "四川省人民政府办公厅"
        else:
            with pytest.raises(ReadError, match="encrypted PDF") as e:
                read_source(buf.getvalue(), name="enc.pdf", backend=backend, ocr="never")
            assert str(e.value).startswith("enc.pdf: ") and "\n" not in str(e.value)


def test_html_title_put_back_above_the_body():
    """The title sits above the body container; a signature line that is part of it must not hide it."""
    ps = paragraphs(clean(read_source(DATA / "bj_jingzhengbanfa_2025_12.html")))
    assert ps[0].startswith("北京市人民政府办公厅关于")
    html = (DATA / "bj_jingzhengbanfa_2025_12.html").read_text(encoding="utf-8")
    # move the signature up into the first lines of the body: the title must still come back
    body_start = html.index("京政办发〔2025〕12号")
    html2 = html[:body_start] + "北京市人民政府办公厅</p><p>" + html[body_start:]
    ps2 = paragraphs(clean(read_source(html2.encode("utf-8"), name="x.html")))
    assert ps2[0] == ps[0]


def test_ruled_contents_table_reads_row_by_row():
    """The 2-column issue prints its contents as a ruled table: one line per row, cells apart."""
    ps = paragraphs(cleaned(CQ_2COL))
    assert "重庆市人民政府关于印发重庆市城市更新提升“十四五”行动计划的通知 渝府发〔2022〕31号 1" in ps
    assert "重庆市人民政府办公厅关于加强财政金融联动支持实体经济发展的通知 渝府办发〔2022〕81号 26" in ps
    assert "主管单位： 重庆市人民政府" in ps or "主管单位：重庆市人民政府" in ps


def test_default_reader_sends_only_pages_with_rules_to_pdfplumber():
    """pdfium reads the pages; the two ruled tables of the 2-column issue (pages 2 and 29) go to pdfplumber."""
    two_col = CQ_2COL
    src = read_source(two_col, ocr="never")
    assert src.info.backend == "pdfium+pdfplumber:2 pages"
    assert [p.index for p in src.pages if any(l.table is not None for l in p.lines)] == [2, 29]
    assert read_source(CQ_PDF, ocr="never").info.backend == "pdfium"  # no rules: pdfium alone
    assert read_source(two_col, backend="pdfium", ocr="never").info.backend == "pdfium"
    assert read_source(two_col, backend="pdfplumber", ocr="never").info.backend == "pdfplumber"
