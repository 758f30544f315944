"""bj_guizhang_307_dizhen_yujing.pdf prints "- N -" at 85% of the page height (above a "北京市人民政府发布"
foot line); with a 12% band the page numbers stayed in the text and glued article 2's last word
"为。" to "- 1 -"."""

from gazette_parser.clean import clean
from gazette_parser.read import read_source

from ..conftest import DATA


def test_page_numbers_above_a_foot_line():
    t = clean(read_source(DATA / "bj_guizhang_307_dizhen_yujing.pdf", backend="pdfium"))
    assert [s.printed for s in t.source_map.starts] == [1, 2, 3, 4, 5, 6, 7]
    assert "- 1 -" not in t.text and "北京市人民政府发布" not in t.text
    i = t.text.index("警报的行为。")
    assert t.page(i) == 1 and t.page(i + len("警报的行")) == 2
