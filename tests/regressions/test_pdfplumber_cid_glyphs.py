"""bj_gazette_2023_gjj_taoshu_garbled.pdf: pdfminer gives unmapped glyphs as "(cid:N)" strings; the
line builder called ord() on them and the reader died with "ord() expected a character". The page
must instead be reported as a garbled text layer needing OCR."""

import pytest

from gazette_parser.errors import NeedsOCR
from gazette_parser.read import read_source

from ..conftest import DATA


def test_cid_glyphs_are_reported_not_crashed_on():
    with pytest.raises(NeedsOCR) as e:
        read_source(DATA / "bj_gazette_2023_gjj_taoshu_garbled.pdf", backend="pdfplumber", ocr="never")
    assert e.value.pages == (1, 2)
    assert "garbled text layer" in str(e.value)
