"""The default reader gives what the careful reader (pdfplumber) gave, on every sample PDF.

The fixtures in tests/golden/pdfplumber/ were written with ``--backend pdfplumber`` before pdfium
became the default (pdfplumber only on the pages that need it). Each holds the whole output but the
path, plus the text of every table the reader found; the test parses each PDF with the default
settings and compares everything but ``source.backend``. A PDF that cannot be parsed without OCR
records its error instead. When a change of the text stages changes what the parser finds,
regenerate from the careful reader and review the diff:

    python tests/test_backend_golden.py --regenerate
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
if __name__ == "__main__":  # run as a script: make the package importable
    sys.path.insert(0, str(HERE.parent))

import gazette_parser  # noqa: E402
from gazette_parser.errors import GazetteError  # noqa: E402

ROOT = HERE.parent
FIXTURES = HERE / "golden" / "pdfplumber"
PDFS = sorted([*(ROOT / "samples").glob("*.pdf"), *(ROOT / "tests" / "data").glob("*.pdf")])


def essence(path: Path, **kwargs) -> dict:
    """Everything the parser finds in ``path`` (ocr off), as plain data; the backend left out."""
    try:
        issue = gazette_parser.parse(path, ocr="never", **kwargs)
    except GazetteError as e:
        return {"error": type(e).__name__, "message": str(e).replace(str(path), path.name)}
    out = json.loads(gazette_parser.to_json(issue))
    out["source"].pop("path", None)
    out["source"].pop("backend", None)
    text = issue.text.text
    out["tables"] = [text[a:b] for a, b in issue.text.tables]
    return out


@pytest.mark.parametrize("pdf", PDFS, ids=[p.name for p in PDFS])
def test_default_reader_matches_the_careful_reader(pdf):
    expected = json.loads((FIXTURES / f"{pdf.name}.json").read_text(encoding="utf-8"))
    assert essence(pdf) == expected


def test_every_sample_pdf_has_a_fixture():
    assert sorted(p.name[: -len(".json")] for p in FIXTURES.glob("*.json")) == sorted(p.name for p in PDFS)


if __name__ == "__main__":
    if "--regenerate" not in sys.argv:
        sys.exit(__doc__)
    FIXTURES.mkdir(parents=True, exist_ok=True)
    for pdf in PDFS:
        out = FIXTURES / f"{pdf.name}.json"
        out.write_text(json.dumps(essence(pdf, backend="pdfplumber"), ensure_ascii=False, indent=1) + "\n",
                       encoding="utf-8")
        print("wrote", out.relative_to(ROOT))
