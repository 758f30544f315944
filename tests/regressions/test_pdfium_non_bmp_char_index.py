"""pdfium counts a character beyond the BMP (a private-use decimal point in sc_chuanbangui_2025_6.pdf,
"5􀆰5%") as two indices; reading geometry by Python string index shifted every later line of the
page, so paragraphs (六)/(七) fell apart into one paragraph per line."""

from gazette_parser.clean import clean
from gazette_parser.read import read_source

from ..conftest import DATA


def test_lines_after_a_non_bmp_character_keep_their_geometry():
    src = read_source(DATA / "sc_chuanbangui_2025_6.pdf", backend="pdfium")
    page4 = src.pages[3]
    body = [l for l in page4.lines if l.size and l.size > 14]
    assert all(l.x0 < 120 or l.text.startswith(("(", "三")) for l in body), [(l.x0, l.text[:8]) for l in body]
    ps = clean(src).text.splitlines()
    assert any(p.startswith("(六)发放稳岗扩岗专项贷款。") and "减少水平低于5.5%的企业，在授信额度" in p
               and p.endswith("人力资源社会保障厅)") for p in ps)
