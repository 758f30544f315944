"""query: the filters are written for speed (document filters as subqueries over documents, counts
from one table where the foreign keys allow it); these tests check them against the plain
predicates the README documents, on an index of real documents: the same rows, in the same order,
and the same count.

The corpus is the sample issue, real documents of tests/data, and the hand-made issue once more
with its documents undated (so --from/--to fall back to the issue's publish date).
"""

from __future__ import annotations

import json

import pytest

import gazette_parser
from gazette_parser.index import doc_key, index_paths, open_index, trigram_supported
from gazette_parser.query import Query, count_rows, norm_doc_number, parse_date, run_query, unit_names

from .conftest import CQ_TXT, DATA

pytestmark = pytest.mark.skipif(not trigram_supported(), reason="SQLite without the FTS5 trigram tokenizer")

ORDER = " ORDER BY i.publish_date, i.id, d.seq, c.seq"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    d = tmp_path_factory.mktemp("plans")
    outs = d / "outs"
    outs.mkdir()
    for src in (CQ_TXT, DATA / "bj_jingzhengbanfa_2025_12.html", DATA / "gwy_guobanfa_2018_117.html",
                DATA / "cq_zhengfuling_361.txt"):
        (outs / (src.name + ".json")).write_text(gazette_parser.to_json(gazette_parser.parse(src, ocr="never")), encoding="utf-8")
    undated = json.loads((DATA / "index" / "small_issue.json").read_text(encoding="utf-8"))
    undated["source"]["sha256"] = "f" * 64
    undated["issue"]["publish_date"] = "2022-06-15"
    for doc in undated["documents"]:
        doc["date"] = None
    (outs / "undated.json").write_text(json.dumps(undated, ensure_ascii=False), encoding="utf-8")
    db = d / "g.db"
    con = open_index(db)
    assert index_paths(con, [str(outs)]) == (5, 0)
    return db, con


def _reference(con, where: str, args: list, join: str = "") -> list[int]:
    sql = ("SELECT c.id FROM clauses c JOIN documents d ON d.id = c.document_id JOIN issues i ON i.id = d.issue_id "
           + join + (" WHERE " + where if where else "") + ORDER + (", t.seq" if join else ""))
    return [r[0] for r in con.execute(sql, args)]


def _check(db, q: Query, expected: list[int]) -> None:
    assert expected, "a filter that matches nothing proves nothing"
    assert [r["clause_id"] for r in run_query(db, q)] == expected
    assert count_rows(db, q) == len(expected)


def _date_where(lo, hi):
    where, args = [], []
    if lo:
        where.append("coalesce(d.date, i.publish_date) >= ?")
        args.append(parse_date(lo, end=False))
    if hi:
        where.append("coalesce(d.date, i.publish_date) <= ?")
        args.append(parse_date(hi, end=True))
    return " AND ".join(where), args


def test_date_ranges_match_the_documents_date_else_the_issues(corpus):
    db, con = corpus
    dates = sorted({r[0][:7] for r in con.execute("SELECT coalesce(d.date, i.publish_date) FROM documents d"
                                                   " JOIN issues i ON i.id = d.issue_id")})
    assert "2022-06" in dates  # the undated documents, by their issue
    for lo, hi in [(dates[0], dates[-1]), ("2022-06", "2022-06"), (dates[1], None), (None, dates[-2]),
                   ("2022", "2022")]:
        where, args = _date_where(lo, hi)
        _check(db, Query(date_from=lo, date_to=hi), _reference(con, where, args))


def test_doc_number_and_issuer_filters(corpus):
    db, con = corpus
    numbers = [r[0] for r in con.execute("SELECT doc_number FROM documents WHERE doc_number IS NOT NULL")]
    prefixes = [r[0] for r in con.execute("SELECT DISTINCT doc_prefix FROM documents WHERE doc_prefix IS NOT NULL")]
    for v in numbers + prefixes + [n[: n.index("〕") + 1] for n in numbers if "〕" in n]:
        v = norm_doc_number(v)
        where = ("(d.doc_number = ? OR d.doc_prefix = ? OR substr(d.doc_number, 1, ?) = ? OR d.doc_key = ?)")
        _check(db, Query(doc_number=v), _reference(con, where, [v, v, len(v), v, doc_key(v, None)]))
    names = [r[0] for r in con.execute("SELECT DISTINCT name FROM issuers")]
    for v in names + [n[-3:] for n in names]:
        where = ("(EXISTS (SELECT 1 FROM issuers s WHERE s.document_id = d.id AND s.name = ?)"
                 " OR instr(coalesce(d.issuer, ''), ?) > 0)")
        _check(db, Query(issuer=v), _reference(con, where, [v, v]))


def test_unit_filters_and_combinations(corpus):
    db, con = corpus
    units = [r[0] for r in con.execute("SELECT canonical FROM units GROUP BY canonical ORDER BY count(*) DESC LIMIT 6")]
    dates = sorted(r[0] for r in con.execute("SELECT DISTINCT coalesce(d.date, i.publish_date) FROM documents d"
                                             " JOIN issues i ON i.id = d.issue_id"))
    for unit in units:
        names = unit_names(con, unit)
        marks = ",".join("?" for _ in names)
        for role in ("lead", "responsible"):
            where = f"c.id IN (SELECT u.clause_id FROM units u WHERE u.canonical IN ({marks}) AND u.role = ?)"
            expected = _reference(con, where, names + [role])
            if not expected:
                continue
            _check(db, Query(**{role: unit}), expected)
            dw, da = _date_where(dates[0][:4], dates[-1][:4])
            _check(db, Query(**{role: unit}, date_from=dates[0][:4], date_to=dates[-1][:4]),
                   _reference(con, where + " AND " + dw, names + [role] + da))


def test_target_years_alone_and_with_a_date(corpus):
    db, con = corpus
    years = [r[0] for r in con.execute("SELECT DISTINCT year FROM targets WHERE year IS NOT NULL")]
    assert years
    join = "JOIN targets t ON t.clause_id = c.id"
    for y in years:
        _check(db, Query(year_target=y), _reference(con, "t.year = ?", [y], join))
    y = max(years, key=lambda y: con.execute("SELECT count(*) FROM targets WHERE year = ?", (y,)).fetchone()[0])
    dw, da = _date_where("2022", "2022")
    expected = _reference(con, "t.year = ? AND " + dw, [y] + da, join)
    if expected:
        _check(db, Query(year_target=y, date_from="2022", date_to="2022"), expected)
