"""Golden outputs of the samples, compared after canonicalisation.

A change in what the parser finds shows here as a readable diff. When the change is intended,
regenerate and review the diff before committing:

    python tests/test_golden.py --regenerate
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
if __name__ == "__main__":  # run as a script: make the package and `tests` importable
    sys.path.insert(0, str(HERE.parent))

import gazette_parser  # noqa: E402

ROOT = HERE.parent
GOLDEN = HERE / "golden"
CASES = {
    "cq-gazette-2022-14.txt": ROOT / "samples" / "cq-gazette-2022-14.txt",
    "cq-gazette-2022-14.pdf": ROOT / "samples" / "cq-gazette-2022-14.pdf",
}


def canonical(result: dict) -> dict:
    """What may legitimately differ between machines is removed: the path as given."""
    result = json.loads(json.dumps(result))
    result["source"].pop("path", None)
    return result


def render(path: Path) -> dict:
    return canonical(json.loads(gazette_parser.to_json(gazette_parser.parse(path, ocr="never"))))


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden(name):
    expected = json.loads((GOLDEN / f"{name}.json").read_text(encoding="utf-8"))
    assert render(CASES[name]) == expected


def test_pdf_and_text_agree_on_everything_but_pages():
    """The same issue from its PDF and its text: the same documents, clauses, units and targets."""

    def essence(result):
        def clause(c):
            return (c["label"], c["path"], c["heading"],
                    [(u["name"], u["canonical"]) for u in c["lead_units"]],
                    [(u["name"], u["canonical"]) for u in c["responsible_units"]],
                    [(t["value"], t["unit"], t["comparator"], t["year"]) for t in c["targets"]],
                    [clause(k) for k in c["children"]])
        return [(d["doc_number"], d["title"], d["date"], [clause(c) for c in d["clauses"]])
                for d in result["documents"]]

    txt = json.loads((GOLDEN / "cq-gazette-2022-14.txt.json").read_text(encoding="utf-8"))
    pdf = json.loads((GOLDEN / "cq-gazette-2022-14.pdf.json").read_text(encoding="utf-8"))
    assert essence(txt) == essence(pdf)


if __name__ == "__main__":
    if "--regenerate" not in sys.argv:
        sys.exit(__doc__)
    GOLDEN.mkdir(exist_ok=True)
    for name, path in sorted(CASES.items()):
        out = GOLDEN / f"{name}.json"
        out.write_text(json.dumps(render(path), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print("wrote", out.relative_to(ROOT))
