"""bj_jingzhengbanfa_2025_13.html: the title sits above the body container, and the body's 4th line is
the signature "北京市人民政府办公厅" — a substring of the title — so the reader thought the title was
already there and did not put it back: the document came out with no title."""

from gazette_parser.clean import clean
from gazette_parser.read import read_source

from ..conftest import DATA


def test_title_is_put_back_even_when_a_short_line_is_part_of_it():
    ps = clean(read_source(DATA / "bj_jingzhengbanfa_2025_13.html")).text.splitlines()
    assert ps[0] == "北京市人民政府办公厅关于印发《北京市关于完善生育支持政策体系推动建设生育友好型社会的工作措施》的通知"
    assert ps[1] == "京政办发〔2025〕13号"
