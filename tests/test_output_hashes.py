"""Every sample and every input in tests/data, byte for byte: the SHA-256 of its JSON (with the
cleaned text), XML and Akoma Ntoso output, or the error it gives.

The goldens (test_golden.py) show a readable diff for the sample issue; this pins everything else,
so a change meant to leave output alone — a refactor, a speed-up — proves it on all 221 inputs
(laws, fixtures, web pages, PDFs, the inputs that hold no document). When a change is meant to
alter output, regenerate and say in the commit which inputs changed and why:

    python tests/test_output_hashes.py --regenerate
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
if __name__ == "__main__":  # run as a script: make the package importable
    sys.path.insert(0, str(HERE.parent))

import gazette_parser  # noqa: E402
from gazette_parser.emit import akn, xml  # noqa: E402

ROOT = HERE.parent
HASHES = HERE / "output_hashes.json"
SUFFIXES = (".txt", ".html", ".htm", ".pdf")


def inputs() -> list[str]:
    """Every input under samples/ and tests/data/, as a path relative to the checkout."""
    found = [p for d in ("samples", "tests/data") for p in (ROOT / d).rglob("*")
             if p.is_file() and p.suffix in SUFFIXES]
    return sorted(str(p.relative_to(ROOT)) for p in found)


def fingerprint(rel: str) -> str:
    """The outputs' hashes (or the error) of one input, parsed from the checkout's root (source.path
    is the relative path, the same on every machine)."""
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        issue = gazette_parser.parse(path=rel)
    except gazette_parser.GazetteError as e:
        return f"error {type(e).__name__}: {e}"
    finally:
        os.chdir(cwd)
    outputs = (("json", gazette_parser.to_json(issue, include_text=True)), ("xml", xml.dumps(issue)),
               ("akn", akn.dumps(issue)))
    return " ".join(f"{kind}:{hashlib.sha256(text.encode('utf-8')).hexdigest()[:16]}" for kind, text in outputs)


EXPECTED: dict[str, str] = json.loads(HASHES.read_text(encoding="utf-8")) if HASHES.exists() else {}


def test_every_input_is_pinned():
    assert sorted(EXPECTED) == inputs()


@pytest.mark.parametrize("rel", sorted(EXPECTED))
def test_output_is_unchanged(rel):
    assert fingerprint(rel) == EXPECTED[rel]


if __name__ == "__main__" and sys.argv[1:] == ["--regenerate"]:
    table = {rel: fingerprint(rel) for rel in inputs()}
    HASHES.write_text(json.dumps(table, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{len(table)} inputs written to {HASHES.relative_to(ROOT)}")
