"""units on documents outside 重庆, scored against a hand annotation (tests/data/units_unseen_gold.tsv).

The gold was written by reading the snippets (tests/data/units_<doc>.txt) before the parser was run
on them. A unit matches when (clause path, role, canonical) agree; the gold's canonical goes through
the document's registry first, so a spelling convention (应急部 / 应急管理部) is not an error, but a
unit mapped to the wrong office or left unmapped is. Only the clauses the gold lists are scored.
"""

from __future__ import annotations

import collections
import re

from gazette_parser import model, units
from gazette_parser.chars import unit_key

from .conftest import DATA
from .test_units import build, load

_NUMBER = re.compile(r"^# (\S+?〔[^〕]+〕\S*?号)")


def _gold():
    rows = collections.defaultdict(set)
    for line in (DATA / "units_unseen_gold.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            doc, path, role, canonical = line.split("\t")
            rows[doc].add((path, role, canonical))
    return rows


def _parse(doc: str):
    path = DATA / f"units_{doc}.txt"
    first = path.read_text(encoding="utf-8").split("\n", 1)[0]
    m = _NUMBER.match(first)
    text = load(path.name)
    d = model.Document(title="t", span=(0, len(text.text)), clauses=build(text),
                       doc_number=m.group(1) if m else None)
    reg = units.load_registry().for_document(d)
    return units.attach_units(text, d, reg), reg


def _found(document: model.Document) -> set:
    out = set()

    def visit(cs, prefix):
        for c in cs:
            path = prefix + [c.label]
            key = unit_key("/".join(path))
            out.update((key, "lead", unit_key(u.canonical)) for u in c.lead_units)
            out.update((key, "resp", unit_key(u.canonical)) for u in c.responsible_units)
            visit(c.children, path)

    visit(document.clauses, [])
    return out


def score() -> dict:
    tp = fp = fn = 0
    missed, extra = [], []
    gold = _gold()
    for doc, rows in sorted(gold.items()):
        document, reg = _parse(doc)
        want = {(unit_key(p), r, unit_key(reg.lookup(c) or c)) for p, r, c in rows}
        paths = {p for p, _, _ in want}
        got = {x for x in _found(document) if x[0] in paths}
        tp += len(want & got)
        fp += len(got - want)
        fn += len(want - got)
        missed += [(doc, *x) for x in sorted(want - got)]
        extra += [(doc, *x) for x in sorted(got - want)]
    return {"docs": len(gold), "gold": tp + fn, "precision": tp / (tp + fp) if tp + fp else 1.0,
            "recall": tp / (tp + fn) if tp + fn else 1.0, "missed": missed, "extra": extra}


def test_units_of_twelve_documents_outside_chongqing_match_the_hand_annotation():
    s = score()
    assert s["docs"] >= 12
    assert s["precision"] >= 0.97 and s["recall"] >= 0.97, s


if __name__ == "__main__":  # python -m tests.test_units_unseen: the figures for the README
    s = score()
    print({k: v for k, v in s.items() if k not in ("missed", "extra")})
    for x in s["missed"]:
        print("missed", *x)
    for x in s["extra"]:
        print("extra ", *x)
