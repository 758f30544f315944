"""laws: 120 real laws and regulations (tests/data/laws, see its README) against their truth files.

Each text is parsed end to end (``gazette_parser.parse``) and its structure — parts (编/分编),
chapters, sections and articles (with 之一 suffixes), each with the numbers of the part / chapter /
section it sits in — is compared, as a sequence, with the structure the source's Markdown marks
(truth/<id>.json, made independently of the parser). The score is the number of elements matched
in order (difflib over the two sequences) over the larger of the two counts, summed over all laws,
so a missed article and an invented one (a table row, a 目录 line) both cost. Titles are compared
exactly. Run ``python -m tests.test_laws`` for the per-law report.
"""

from __future__ import annotations

import difflib
import json
from functools import lru_cache

import pytest

import gazette_parser
from gazette_parser.model import walk

from .conftest import DATA

LAWS = DATA / "laws"
IDS = sorted(p.stem for p in (LAWS / "truth").glob("*.json"))

STRUCTURE_RATE = 0.999
TITLE_RATE = 0.99
_KINDS = ("part", "chapter", "section", "article")


def _truth(law: str) -> dict:
    return json.loads((LAWS / "truth" / f"{law}.json").read_text(encoding="utf-8"))


def truth_structure(t: dict) -> list[tuple]:
    """(kind, num, suffix, part, chapter, section) in print order, parents by their numbers."""
    parts, chapters, sections = t["parts"], t["chapters"], t["sections"]

    def num(seq, i):
        return None if i is None else seq[i]["num"]

    out = []
    for p in parts:
        out.append((p["line"], ("part", p["num"], None, None, None, None)))
    for c in chapters:
        out.append((c["line"], ("chapter", c["num"], None, num(parts, c.get("part")), None, None)))
    for s in sections:
        out.append((s["line"], ("section", s["num"], None, num(parts, s.get("part")),
                                num(chapters, s.get("chapter")), None)))
    for a in t["articles"]:
        out.append((a["line"], ("article", a["num"], a.get("suffix"), num(parts, a.get("part")),
                                num(chapters, a.get("chapter")), num(sections, a.get("section")))))
    return [e for _, e in sorted(out, key=lambda x: x[0])]


def parsed_structure(doc) -> list[tuple]:
    out = []

    def visit(clauses, anc):
        for c in clauses:
            kind = c.numbering
            if kind in _KINDS:
                num = c.path[-1]
                out.append((kind, num, c.suffix, anc.get("part"), anc.get("chapter"),
                            anc.get("section")))
                visit(c.children, {**anc, kind: num})
            else:
                visit(c.children, anc)

    visit(doc.clauses, {})
    return out


@lru_cache(maxsize=None)
def _parsed(law: str):
    try:
        return gazette_parser.parse(LAWS / "text" / f"{law}.txt").documents
    except gazette_parser.GazetteError:
        return []


def score(law: str) -> tuple[int, int, bool, str, str, list[str]]:
    """(matched, out of, title exact, title found, title due, differences) for one law."""
    t = _truth(law)
    docs = _parsed(law)
    got = [e for d in docs for e in parsed_structure(d)]
    want = truth_structure(t)
    sm = difflib.SequenceMatcher(a=want, b=got, autojunk=False)
    matched = sum(b.size for b in sm.get_matching_blocks())
    diffs = []
    for op, a0, a1, b0, b1 in sm.get_opcodes():
        if op != "equal":
            diffs.append(f"{op}: want {want[a0:a1][:3]} got {got[b0:b1][:3]}")
    title = docs[0].title if docs else ""
    return matched, max(len(want), len(got)), title == t["title"], title, t["title"], diffs


@pytest.fixture(scope="module")
def scores():
    return {law: score(law) for law in IDS}


def test_laws_structure_rate(scores):
    matched = sum(s[0] for s in scores.values())
    total = sum(s[1] for s in scores.values())
    bad = {law: s[5][:3] for law, s in scores.items() if s[0] != s[1]}
    rate = matched / total
    print(f"\nlaws structure: {matched}/{total} = {rate:.4%}; laws with differences: {len(bad)}")
    for law, d in bad.items():
        print(" ", law, d)
    assert rate >= STRUCTURE_RATE, bad


def test_laws_title_rate(scores):
    exact = sum(1 for s in scores.values() if s[2])
    rate = exact / len(scores)
    bad = {law: (s[3], s[4]) for law, s in scores.items() if not s[2]}
    print(f"\nlaws titles exact: {exact}/{len(scores)} = {rate:.2%}")
    for law, (got, want) in bad.items():
        print(f"  {law}: got {got!r} want {want!r}")
    assert rate >= TITLE_RATE, bad


def test_laws_every_text_is_one_document():
    """A law is one document, also a short excerpt and one without a single 第X条."""
    assert [law for law in IDS if len(_parsed(law)) != 1] == []


def test_law_article_count_matches_truth_exactly_for_letter_spaced_chapters():
    law = "001_law_d7de7add"  # "第一章　总 则": letter-spaced chapter heading
    doc = _parsed(law)[0]
    arts = [c for c in walk(doc.clauses) if c.numbering == "article"]
    assert len(arts) == len(_truth(law)["articles"])
    assert doc.clauses[0].heading == "总则"


if __name__ == "__main__":
    tot = [0, 0, 0]
    for law in IDS:
        m, n, ok, got, want, diffs = score(law)
        tot[0] += m
        tot[1] += n
        tot[2] += ok
        if m != n or not ok:
            print(law, f"{m}/{n}", "" if ok else f"title {got!r} != {want!r}")
            for d in diffs[:4]:
                print("   ", d)
    print(f"structure {tot[0]}/{tot[1]} = {tot[0] / max(tot[1], 1):.4%}; "
          f"titles {tot[2]}/{len(IDS)} = {tot[2] / len(IDS):.2%}")
