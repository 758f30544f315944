"""gwy_guobanfa_2018_117.html is a gov.cn article fragment that starts with a comment and a <meta>;
lxml put the whole fragment into <head>, which the reader dropped: "no text in the HTML page"."""

from gazette_parser.clean import clean
from gazette_parser.read import read_source

from ..conftest import DATA


def test_fragment_with_meta_keeps_its_body():
    ps = clean(read_source(DATA / "gwy_guobanfa_2018_117.html")).text.splitlines()
    assert len(ps) > 20
    assert ps[1] == "国办发〔2018〕117号"
    assert ps[2] == "各省、自治区、直辖市人民政府，国务院各部委、各直属机构："
