"""Shared fixtures: paths to the real samples shipped in samples/ and tests/data/."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
DATA = Path(__file__).resolve().parent / "data"

# inputs that are not a document the parser can read without OCR, each with its reason
NOT_DOCUMENTS = {
    "cq-gazette-2022-14-2col-contents.txt": "the contents page of an issue only",
    "targets_unseen_bj_guizhang_307_dizhen_yujing.txt": "a 题注 and one article, cut from a regulation",
    "bj_gazette_2023_gjj_taoshu_garbled.pdf": "garbled text layer: needs OCR (its true text is the .html)",
    "hb_baoding_fangjinwei_2022_2_scanned.pdf": "a scan: needs OCR (its transcript is the .txt)",
    **{f"targets_kinds_{name}.txt": "target phrases, one a line, for find_targets: no document"
       for name in ("bj_gjj_taoshu_rending_2023", "fj_fuzhou_rongzhengban_2016_180", "issue_15",
                    "sc_chuanbangui_2025_6", "gz_suifubangui_2025_8")},
}


def pdf_from_objects(objs: list[bytes]) -> bytes:
    """A PDF file of the numbered objects ``objs`` (object 1 the catalog), with its xref table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def walk_json(clauses):
    """Every clause of a JSON output's clause list, parents before children."""
    for c in clauses or []:
        yield c
        yield from walk_json(c.get("children"))


CQ_TXT = SAMPLES / "cq-gazette-2022-14.txt"
CQ_PDF = SAMPLES / "cq-gazette-2022-14.pdf"


@pytest.fixture(scope="session")
def cq_issue():
    """The sample issue parsed once from its text (most stage tests read this)."""
    import gazette_parser

    return gazette_parser.parse(CQ_TXT)
