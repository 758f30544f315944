"""Shared fixtures: paths to the real samples shipped in samples/ and tests/data/."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
DATA = Path(__file__).resolve().parent / "data"
CQ_TXT = SAMPLES / "cq-gazette-2022-14.txt"
CQ_PDF = SAMPLES / "cq-gazette-2022-14.pdf"


@pytest.fixture(scope="session")
def cq_issue():
    """The sample issue parsed once from its text (most stage tests read this)."""
    import gazette_parser

    return gazette_parser.parse(CQ_TXT)
