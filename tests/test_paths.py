"""The path invariant: in one body of a document no two clauses share a path — over every sample and
fixture the tests ship and over the golden outputs; an input that repeats a number gets distinct paths
and a warning."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

import gazette_parser
from gazette_parser.model import walk

from .conftest import DATA, NOT_DOCUMENTS, ROOT, SAMPLES

INPUTS = sorted(p for p in list(DATA.glob("*.txt")) + list(DATA.glob("*.html")) + list(DATA.glob("*.pdf"))
                + list(SAMPLES.glob("*.txt")) if p.name not in NOT_DOCUMENTS)
GOLDENS = sorted((ROOT / "tests" / "golden").glob("*.json"))


def addresses(clauses, get=getattr, chain=()):
    """(body, path, suffixes) of every clause: its path and the 之N suffix of each level, so
    第五条之一 ([5], suffix 1) and its items are told from 第五条 and its items."""
    for c in clauses:
        mine = chain + (get(c, "suffix"),)
        yield (get(c, "body") or 0, tuple(get(c, "path")), mine)
        yield from addresses(get(c, "children"), get, mine)


def _repeated(clauses: list, get=getattr) -> list:
    pairs = Counter(addresses(clauses, get))
    return [k for k, n in pairs.items() if n > 1]


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: p.name)
def test_no_two_clauses_of_a_body_share_a_path(path: Path):
    issue = gazette_parser.parse(path, ocr="never")
    assert issue.documents
    for d in issue.documents:
        assert _repeated(d.clauses) == [], (path.name, d.title)


@pytest.mark.parametrize("path", GOLDENS, ids=lambda p: p.name)
def test_no_two_clauses_of_a_body_share_a_path_in_the_goldens(path: Path):
    data = json.loads(path.read_text(encoding="utf-8"))

    for d in data["documents"]:
        assert d["clauses"]
        assert _repeated(d["clauses"], get=lambda c, k: c.get(k)) == [], d["title"]


LAWS = sorted((DATA / "laws" / "text").glob("*.txt"))


@pytest.mark.parametrize("path", LAWS, ids=lambda p: p.stem)
def test_no_two_clauses_of_a_law_share_an_address(path: Path):
    for d in gazette_parser.parse(path, ocr="never").documents:
        assert _repeated(d.clauses) == [], (path.name, d.title)


def test_a_repeated_number_keeps_its_label_gets_a_free_path_and_a_warning():
    text = ("某某市人民政府关于做好某项工作的通知\n各区县人民政府：\n一、总体要求\n做好工作。\n二、主要任务\n"
            "（一）第一项。\n（二）第二项。\n二、保障措施\n（一）加强领导。\n三、其他\n好。\n某某市人民政府\n2023年1月1日\n")
    (d,) = gazette_parser.parse(text=text).documents
    got = [(c.label, c.path) for c in walk(d.clauses)]
    # 三、 keeps the path a citation of it uses; the repeated 二、 and its children move together
    assert got == [("一、", [1]), ("二、", [2]), ("（一）", [2, 1]), ("（二）", [2, 2]),
                   ("二、", [4]), ("（一）", [4, 1]), ("三、", [3])]
    moved = [w for w in d.warnings if w.code == "clause-path-moved"]
    assert len(moved) == 1 and "二、" in moved[0].message and "4" in moved[0].message
    assert "clause-repeated" in {w.code for w in d.warnings}  # the sequence warning says it too
