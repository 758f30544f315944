"""cq-gazette-2022-14.pdf: the masthead "重庆市人民政府公报" (page 2) shares its text with a part of the
running head "重庆市人民政府公报  2022 年第 14 期"; once heads were split at wide gaps the masthead
was dropped too. Running heads are keyed by text *and* height on the page now."""

from gazette_parser.clean import clean
from gazette_parser.read import read_source

from ..conftest import CQ_PDF


def test_masthead_survives_running_head_removal():
    ps = clean(read_source(CQ_PDF, backend="pdfium")).text.splitlines()
    assert ps[:5] == ["重庆市人民政府公报", "2022", "第14期（总第920期）", "重庆市人民政府公报", "2022年第14期"]
    assert "重庆市人民政府公报2022年第14期" not in ps
