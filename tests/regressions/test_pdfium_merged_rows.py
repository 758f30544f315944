"""gd_jiangmen_jiangjian_2026_55.pdf page 2: pdfium returned the footer "- 2 -" and "公开方式：主动公开"
(80 pt apart) as one text line, so the page number was neither found nor dropped."""

from gazette_parser.clean import clean
from gazette_parser.read import read_source

from ..conftest import DATA


def test_rows_run_together_by_pdfium_are_split():
    t = clean(read_source(DATA / "gd_jiangmen_jiangjian_2026_55.pdf", backend="pdfium"))
    ps = t.text.splitlines()
    assert "公开方式：主动公开" in ps
    assert not any(p.startswith("- 2 -") for p in ps)
    assert t.source_map.starts[1].printed == 2
