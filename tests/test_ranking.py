"""The stored ranking of frequent words (ranking.py, issue 17): a one-word query answered from it
returns exactly the rows, bm25 values, order and count of the plain FTS5 query, in every state the
index goes through (bulk load, incremental load, replaced issues, deletions, pending changes).

The index holds real documents (the sample issue and the law and web pages of tests/data); the
thresholds are lowered so that many words are stored, with a depth close to TOP so that a few
deleted rows make a word be computed again.
"""

from __future__ import annotations

import json
import random
import shutil
import sqlite3

import pytest

import gazette_parser
from gazette_parser import index as index_mod
from gazette_parser import query as query_mod
from gazette_parser import ranking
from gazette_parser.index import index_paths, open_index, trigram_supported
from gazette_parser.query import Query, build_sql, count_rows, run_query

from .conftest import CQ_TXT, DATA

pytestmark = pytest.mark.skipif(not trigram_supported(), reason="SQLite without the FTS5 trigram tokenizer")

HTML = ["bj_jingzhengbanfa_2025_12.html", "gwy_guobanfa_2018_117.html", "gz_suifubangui_2024_13.html",
        "gz_suiweihan_2023_1930.html"]
SETTINGS = {"MIN_HITS": 12, "TOP": 5, "DEPTH": 8}


def _lowered(m) -> None:
    for k, v in SETTINGS.items():
        m.setattr(ranking, k, v)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("ranking")
    cq = tmp / "cq.json"
    cq.write_text(gazette_parser.to_json(gazette_parser.parse(CQ_TXT)), encoding="utf-8")
    return [cq, *sorted((DATA / "graph").glob("*.txt")), *(DATA / f for f in HTML)]


@pytest.fixture(scope="module")
def built(corpus, tmp_path_factory):
    path = tmp_path_factory.mktemp("ranking_db") / "g.db"
    with pytest.MonkeyPatch.context() as m:
        _lowered(m)
        con = open_index(path)
        assert index_paths(con, [str(f) for f in corpus]) == (len(corpus), 0)
        con.close()
    return path


@pytest.fixture()
def db(built, corpus, tmp_path, monkeypatch):
    """A copy of the built index per test; later loads in the test use the lowered settings too."""
    _lowered(monkeypatch)
    shutil.copy(built, tmp_path / "g.db")
    shutil.copy(corpus[0], tmp_path / "cq.json")
    return tmp_path / "g.db"


def _plain_top(con: sqlite3.Connection, word: str, n: int) -> list[tuple[int, float]]:
    return [tuple(r) for r in con.execute(
        "SELECT rowid, bm25(clauses_words) FROM clauses_words WHERE clauses_words MATCH ? ORDER BY rank, rowid"
        " LIMIT ?", ('"' + word.replace('"', '""') + '"', n))]


def _stored_words(db) -> dict[str, int]:
    con = sqlite3.connect(db)
    try:
        return dict(con.execute("SELECT word, depth FROM words_ranked"))
    finally:
        con.close()


def _uses_stored(db, q: Query) -> bool:
    con = open_index(db, create=False, readonly=True)
    try:
        return "VALUES" in build_sql(con, q)[0]
    finally:
        con.close()


def _plain_rows(db, q: Query, monkeypatch) -> list[dict]:
    with monkeypatch.context() as m:
        m.setattr(ranking, "top", lambda con, word, limit: None)
        assert not _uses_stored(db, q)
        return run_query(db, q)


def _check_all(db, monkeypatch, at_least: int) -> int:
    """Every stored word: ranking.top is FTS5's own first n (ids and bm25 values, bit for bit),
    and a query answered from it returns the plain query's rows and count."""
    words = _stored_words(db)
    assert len(words) >= at_least, words
    con = sqlite3.connect(db)
    try:
        assert con.execute("SELECT count(*) FROM words_changes").fetchone()[0] == 0
        for w, depth in words.items():
            assert depth >= ranking.TOP, w
            for n in (1, 2, ranking.TOP):
                assert ranking.top(con, w, n) == _plain_top(con, w, n), (w, n)
            assert ranking.top(con, w, ranking.TOP + 1) is None
    finally:
        con.close()
    queried = [w for w in words if query_mod._is_dictionary_word(w)]
    assert len(queried) >= at_least // 2, queried
    # through the query command's path: a spread of them (every word above is checked already)
    for w in sorted(queried, key=lambda w: (w != "住房", len(w), w))[::max(1, len(queried) // 8)]:
        total = len(run_query(db, Query(text=w)))
        for n in (1, ranking.TOP, ranking.TOP + 1, None):
            q = Query(text=w, limit=n)
            assert _uses_stored(db, q) == (n is not None and n <= ranking.TOP), (w, n)
            got = run_query(db, q)
            assert got == _plain_rows(db, q, monkeypatch), (w, n)
            assert len(got) == min(n or total, total), (w, n)
        # (a word whose hits fell below MIN_HITS after deletions keeps its stored rows: still exact)
        assert count_rows(db, Query(text=w, limit=1)) == total
    return len(words)


def _brute_force(rows: list[tuple[int, int, int]], k: int) -> list[tuple[int, int, int]]:
    def beats(a, b):
        return a[0] >= b[0] and a[1] <= b[1] and (a[0] > b[0] or a[1] < b[1] or a[2] < b[2])
    return sorted(r for r in rows if sum(beats(o, r) for o in rows) < k)


def test_prune_keeps_exactly_the_rows_beaten_by_fewer_than_k():
    rng = random.Random(7)
    for trial in range(200):
        rows = [(rng.randint(1, 4), rng.randint(1, 30), i) for i in range(rng.randint(1, 60))]
        k = rng.randint(1, 8)
        assert sorted(ranking.prune(rows, k)) == _brute_force(rows, k), trial


def test_the_first_n_rows_are_among_the_kept_ones_whatever_the_statistics():
    # the reason the stored rows may be kept across inserts: idf and avgdl do not choose them
    rng = random.Random(11)
    for trial in range(100):
        rows = [(rng.randint(1, 5), rng.randint(1, 80), i) for i in range(rng.randint(1, 120))]
        n = rng.randint(1, 6)
        kept = ranking.prune(rows, n)
        for n_rows, n_tokens, n_hit in ((200, 3000, len(rows)), (10_000, 40_000, 9_000), (150, 150 * 90, 3)):
            score = ranking.scorer(max(n_rows, len(rows)), n_tokens, n_hit)
            first = [sorted((score(f, dl), cid) for f, dl, cid in rs)[:n] for rs in (kept, rows)]
            assert first[0] == first[1], (trial, n_rows)


def test_stored_rankings_are_ftss_own_rankings(db, monkeypatch):
    _check_all(db, monkeypatch, at_least=20)
    w = next(iter(_stored_words(db)))
    for q in (Query(text=f"{w} {w}", limit=3), Query(text=w, limit=3, date_from="2000"),
              Query(text=w, limit=3, substring=True)):
        assert not _uses_stored(db, q)


def test_the_table_default_limit_is_answered_from_the_stored_ranking():
    assert ranking.TOP >= query_mod.TABLE_LIMIT


def test_an_incremental_load_updates_the_stored_rows_from_the_new_rows_alone(db, tmp_path, monkeypatch):
    """A new issue (the sample with every clause changed, under another source path): the update
    reads only its rows, and the result is what a rebuild from the whole index gives."""
    monkeypatch.setattr(ranking, "BULK_SHARE", 10.0)  # never the bulk path here
    rebuilt = []
    monkeypatch.setattr(ranking, "rebuild", lambda *a, **k: rebuilt.append(1))
    data = json.loads((tmp_path / "cq.json").read_text(encoding="utf-8"))
    data["source"]["path"] = "another-issue.txt"
    data["source"]["sha256"] = "0" * 64
    for d in data["documents"]:
        for c in d["clauses"]:
            c["text"] = "住房 住房 就业。" + (c.get("text") or "")
    new = tmp_path / "new.json"
    new.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    before = _stored_words(db)
    con = open_index(db)
    assert index_paths(con, [str(new)]) == (1, 0)
    con.close()
    assert not rebuilt
    after = _stored_words(db)
    assert set(after) >= set(before)
    _check_all(db, monkeypatch, at_least=20)
    monkeypatch.undo()
    _lowered(monkeypatch)
    # the stored rows hold every row a rebuild would keep
    con = sqlite3.connect(db)
    try:
        incremental = set(con.execute("SELECT word, clause_id FROM words_candidates"))
        with con:
            ranking.rebuild(con)
        full = set(con.execute("SELECT word, clause_id FROM words_candidates"))
    finally:
        con.close()
    assert full <= incremental


def test_replacing_and_deleting_issues_never_leaves_a_stale_ranking(db, tmp_path, monkeypatch):
    monkeypatch.setattr(ranking, "BULK_SHARE", 10.0)
    # replacement: the sample again, its clauses changed (same source, so the issue is replaced)
    data = json.loads((tmp_path / "cq.json").read_text(encoding="utf-8"))
    for d in data["documents"]:
        for c in d["clauses"]:
            c["text"] = "住房 住房 就业。" + (c.get("text") or "")
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    before = {w: run_query(db, Query(text=w, limit=ranking.TOP)) for w in ("住房", "就业")}
    depth_before = _stored_words(db)
    con = open_index(db)
    assert index_paths(con, [str(changed)]) == (1, 0)
    con.close()
    assert {w: run_query(db, Query(text=w, limit=ranking.TOP)) for w in ("住房", "就业")} != before
    depth_after = _stored_words(db)
    # some words lost stored rows (lower depth) and some were computed again (depth back to DEPTH)
    assert any(depth_after[w] < depth_before[w] for w in depth_before if w in depth_after)
    _check_all(db, monkeypatch, at_least=20)

    # a delete by hand (cascading to the clauses), then the next load refreshes
    con = open_index(db)
    with con:
        con.execute("DELETE FROM issues WHERE id = (SELECT min(id) FROM issues)")
    con.close()
    q = Query(text="住房", limit=3)
    assert not _uses_stored(db, q)  # changes pending: the plain path
    assert len(run_query(db, q)) == 3
    con = open_index(db)
    assert index_paths(con, [str(changed)]) == (1, 0)
    con.close()
    _check_all(db, monkeypatch, at_least=15)


@pytest.mark.parametrize("change", [
    "UPDATE clauses SET heading = coalesce(heading, '') || '住房' WHERE id = (SELECT max(id) FROM clauses)",
    "DELETE FROM clauses WHERE id = (SELECT max(id) FROM clauses)",
    "INSERT INTO clauses (document_id, seq, level, path, text) SELECT document_id, 999, 1, '999', '住房'"
    " FROM clauses WHERE id = (SELECT max(id) FROM clauses)",
])
def test_a_change_not_yet_refreshed_is_never_ranked_from_stored_rows(db, change, monkeypatch):
    con = sqlite3.connect(db)
    con.execute("PRAGMA foreign_keys=ON")
    with con:
        con.execute(change)
    assert con.execute("SELECT count(*) FROM words_changes").fetchone()[0] >= 1
    con.close()
    q = Query(text="住房", limit=3)
    assert not _uses_stored(db, q)
    assert len(run_query(db, q)) == 3


def test_an_index_made_before_the_ranking_is_searched_plain_then_upgraded(db, monkeypatch):
    con = sqlite3.connect(db)
    con.executescript("DROP TRIGGER words_changes_ai; DROP TRIGGER words_changes_au; DROP TRIGGER words_changes_ad;"
                      " DROP TABLE words_changes; DROP TABLE words_candidates; DROP TABLE words_ranked;"
                      " DELETE FROM meta WHERE key = 'words_ranking';")
    con.close()
    q = Query(text="住房", limit=3)
    assert not _uses_stored(db, q)
    assert len(run_query(db, q)) == 3
    con = open_index(db)  # a writable open adds the tables and triggers; the next refresh fills them
    assert ranking.installed(con)
    con.close()
    assert _stored_words(db) == {}
    assert not _uses_stored(db, q)
    con = open_index(db)
    assert index_paths(con, []) == (0, 0)
    con.close()
    _check_all(db, monkeypatch, at_least=20)


def test_other_settings_rebuild_the_stored_rows(db, monkeypatch):
    monkeypatch.setattr(ranking, "MIN_HITS", 30)
    con = open_index(db)
    ranking.refresh(con)
    con.close()
    words = _stored_words(db)
    con = sqlite3.connect(db)
    try:
        hits = {w: con.execute("SELECT count(*) FROM clauses_words WHERE clauses_words MATCH ?",
                               (f'"{w}"',)).fetchone()[0] for w in words}
    finally:
        con.close()
    assert words and min(hits.values()) >= 30
    _check_all(db, monkeypatch, at_least=3)


def test_index_module_creates_the_ranking_with_the_schema(tmp_path):
    con = open_index(tmp_path / "new.db")
    try:
        assert ranking.installed(con) and index_mod.has_words(con)
    finally:
        con.close()


def test_a_rebuild_in_worker_processes_stores_what_one_process_does(db, monkeypatch):
    def stored():
        con = sqlite3.connect(db)
        try:
            with con:
                n = ranking.rebuild(con)
            return n, sorted(con.execute("SELECT * FROM words_candidates"))
        finally:
            con.close()
    monkeypatch.setattr(ranking, "PARALLEL_MIN_WORDS", 1)
    in_workers = stored()
    monkeypatch.setattr(ranking, "PARALLEL_MIN_WORDS", 10**9)
    assert stored() == in_workers and in_workers[0] >= 20
