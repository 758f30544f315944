"""hz_hangzhenghan_2024_16.pdf sets its text with a 278-322 pt font scaled by 0.05 in the text matrix;
FPDFText_GetFontSize alone said 322, every line "reached the right edge", and the 抄送 block of the
版记 was joined into the last paragraph of the body."""

from gazette_parser.clean import clean
from gazette_parser.read import read_source

from ..conftest import DATA


def test_font_size_includes_the_text_matrix():
    src = read_source(DATA / "hz_hangzhenghan_2024_16.pdf", backend="pdfium")
    sizes = {round(l.size) for p in src.pages[:3] for l in p.lines}
    assert sizes <= {14, 16, 22, 44}, sizes
    ps = clean(src).text.splitlines()
    assert "抄送：市委各部门，市纪委，杭州警备区，市各群众团体。" in ps
    assert ps[-1] == "杭州市人民政府办公厅 2024年2月18日印发"  # printed with a wide gap
