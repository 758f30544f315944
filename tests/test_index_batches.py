"""index: files load in batched transactions (several files per commit), the FTS rows of a batch
written just before its commit; a file that fails part-way leaves nothing, the others all load;
an index of schema 2 (whose trigger filled the trigram table) is upgraded when opened for writing.

Consistency is checked with FTS5's own ``integrity-check`` (with rank 1 it also compares the
external-content trigram index with the clauses table) and with searches for the real text.
"""

from __future__ import annotations

import json
import sqlite3

import pytest

from gazette_parser.index import (IndexFailure, SCHEMA_VERSION, index_paths, load_issues, open_index,
                                  trigram_supported)
from gazette_parser.query import Query, run_query

from .conftest import DATA

SMALL = DATA / "index" / "small_issue.json"

pytestmark = pytest.mark.skipif(not trigram_supported(), reason="SQLite without the FTS5 trigram tokenizer")


def _issue(k: int, bad: bool = False) -> dict:
    """The hand-made issue under its own source hash; ``bad``: a page number SQLite cannot hold,
    found by the loader after the issue's first rows are written."""
    data = json.loads(SMALL.read_text(encoding="utf-8"))
    data["source"]["sha256"] = f"{k:064x}"
    if bad:
        data["documents"][1]["clauses"][0]["page"] = 10 ** 30
    return data


def _consistent(db) -> None:
    con = sqlite3.connect(db)
    try:
        con.execute("INSERT INTO clauses_fts (clauses_fts, rank) VALUES ('integrity-check', 1)")
        con.execute("INSERT INTO clauses_words (clauses_words, rank) VALUES ('integrity-check', 1)")
        words = con.execute("SELECT count(*) FROM clauses_words").fetchone()[0]
        assert words == con.execute("SELECT count(*) FROM clauses").fetchone()[0]
    finally:
        con.close()


@pytest.fixture(scope="module")
def one_db(tmp_path_factory):
    """The hand-made issue indexed alone: the reference for one issue's rows."""
    db = tmp_path_factory.mktemp("ref") / "one.db"
    con = open_index(db)
    assert index_paths(con, [str(SMALL)]) == (1, 0)
    con.close()
    return db


def _counts(db) -> tuple[int, int]:
    con = sqlite3.connect(db)
    try:
        return tuple(con.execute("SELECT (SELECT count(*) FROM issues), (SELECT count(*) FROM clauses)").fetchone())
    finally:
        con.close()


@pytest.mark.parametrize("bad_at", [0, 2, 4])
def test_a_file_failing_mid_batch_leaves_nothing_and_the_rest_load(tmp_path, one_db, bad_at):
    db = tmp_path / "g.db"
    con = open_index(db)
    items = [(f"issue-{k}.json", (lambda k=k: _issue(k, bad=k == bad_at))) for k in range(5)]
    errors: list[str] = []
    assert load_issues(con, items, on_error=errors.append) == (4, 1)
    con.close()
    assert len(errors) == 1 and errors[0].startswith(f"issue-{bad_at}.json: ") and "\n" not in errors[0]
    assert _counts(db) == (4, 4 * _counts(one_db)[1])
    _consistent(db)
    # the trigram and the word table find the text of every issue that loaded, once each
    assert len(run_query(db, Query(text="老旧小区"))) == 4 * len(run_query(one_db, Query(text="老旧小区")))
    assert len(run_query(db, Query(text="垃圾分类"))) == 4 * len(run_query(one_db, Query(text="垃圾分类")))


def test_a_file_that_fails_when_its_batch_is_loaded_again_is_reported(tmp_path):
    """The batch is rolled back for a bad file and its earlier files loaded again: one that cannot
    be read the second time is reported too, and the others still go in."""
    db = tmp_path / "g.db"
    con = open_index(db)
    calls = {"n": 0}

    def flaky():
        calls["n"] += 1
        if calls["n"] > 1:
            raise IndexFailure("issue-0.json: changed while indexing")
        return _issue(0)

    items = [("issue-0.json", flaky), ("issue-1.json", lambda: _issue(1)),
             ("issue-2.json", lambda: _issue(2, bad=True)), ("issue-3.json", lambda: _issue(3))]
    errors: list[str] = []
    assert load_issues(con, items, on_error=errors.append) == (2, 2)
    con.close()
    assert [e.split(":")[0] for e in errors] == ["issue-2.json", "issue-0.json"]
    assert _counts(db)[0] == 2
    con = sqlite3.connect(db)
    assert sorted(r[0] for r in con.execute("SELECT sha256 FROM issues")) == [f"{1:064x}", f"{3:064x}"]
    con.close()
    _consistent(db)


def test_an_interrupted_run_keeps_the_files_before_it_whole(tmp_path):
    db = tmp_path / "g.db"
    con = open_index(db)

    def interrupted():
        raise KeyboardInterrupt

    items = [("issue-0.json", lambda: _issue(0)), ("issue-1.json", lambda: _issue(1)),
             ("issue-2.json", interrupted), ("issue-3.json", lambda: _issue(3))]
    with pytest.raises(KeyboardInterrupt):
        load_issues(con, items)
    con.close()
    assert _counts(db)[0] == 2
    _consistent(db)


def test_schema_2_index_is_read_and_upgraded_when_written(tmp_path):
    db = tmp_path / "g.db"
    con = open_index(db)
    assert index_paths(con, [str(SMALL)]) == (1, 0)
    # what schema 2 was: a trigger wrote every inserted clause into the trigram table
    con.executescript("""
        CREATE TRIGGER clauses_ai AFTER INSERT ON clauses BEGIN
            INSERT INTO clauses_fts (rowid, heading, text) VALUES (new.id, new.heading, new.text);
        END;
        UPDATE meta SET value = '2' WHERE key = 'schema_version';
    """)
    con.close()
    before = run_query(db, Query(text="老旧小区"))  # read-only: no upgrade needed to query
    assert before
    con = sqlite3.connect(db)
    assert con.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() == ("2",)
    con.close()

    con = open_index(db)
    assert tuple(con.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()) == (SCHEMA_VERSION,)
    assert con.execute("SELECT count(*) FROM sqlite_master WHERE name='clauses_ai'").fetchone()[0] == 0
    assert load_issues(con, [("issue-7.json", lambda: _issue(7))]) == (1, 0)
    con.close()
    _consistent(db)
    assert len(run_query(db, Query(text="老旧小区"))) == 2 * len(before)


def test_an_index_of_an_unknown_schema_is_a_one_line_error(tmp_path):
    db = tmp_path / "g.db"
    open_index(db).close()
    con = sqlite3.connect(db)
    con.execute("UPDATE meta SET value = '9' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    for readonly in (False, True):
        with pytest.raises(IndexFailure) as e:
            open_index(db, create=False, readonly=readonly)
        assert str(e.value) == f"{db}: index schema version 9 is not {SCHEMA_VERSION}; rebuild it with `gazette-parse index`"


def _dump(db) -> dict:
    con = sqlite3.connect(db)
    try:
        return {t: con.execute(f"SELECT rowid, * FROM {t} ORDER BY rowid").fetchall()
                for t in ("issues", "documents", "issuers", "clauses", "units", "targets", "citations",
                          "document_keys", "clauses_words")}
    finally:
        con.close()


def test_reader_processes_give_what_a_serial_run_gives(tmp_path, monkeypatch):
    """JSON files read, checked and segmented by worker processes: the same rows, ids and errors
    as reading them here, in the files' order."""
    import gazette_parser.index as index

    d = tmp_path / "in"
    d.mkdir()
    sample = DATA / "index" / "small_issue.json"
    for k in range(6):
        data = _issue(k)
        data["documents"][0]["clauses"][0]["text"] += f"第{k}次补充：住房保障和就业服务同步推进。"
        (d / f"issue-{k}.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    (d / "issue-3b.json").write_text("{not json", encoding="utf-8")
    (d / "issue-4b.json").write_text(json.dumps({**_issue(40), "documents": "none"}), encoding="utf-8")
    runs = {}
    for name, min_files in (("serial", 10 ** 6), ("readers", 1)):
        monkeypatch.setattr(index, "POOL_MIN_FILES", min_files)
        monkeypatch.setattr(index, "_readers", lambda: 2)
        db = tmp_path / f"{name}.db"
        con = open_index(db)
        errors: list[str] = []
        assert index_paths(con, [str(d), str(sample)], on_error=errors.append) == (7, 2)
        con.close()
        _consistent(db)  # small_issue.json has issue-1's source hash: replaced within its batch
        runs[name] = (_dump(db), errors)
    assert runs["readers"] == runs["serial"]
    assert len(runs["serial"][1]) == 2 and all("\n" not in e for e in runs["serial"][1])
    assert any("住房" in row[2].split() for row in runs["serial"][0]["clauses_words"])
