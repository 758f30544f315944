"""index: parsed issues → an SQLite database (tables + FTS5 full-text search over clauses).

    >>> from gazette_parser.index import open_index, index_paths
    >>> db = open_index("gazettes.db")            # creates the schema when the file is new
    >>> index_paths(db, ["out/"])                # JSON outputs (or .pdf/.txt/.html, parsed here)

The schema (``SCHEMA`` below; documented in the README) has one table per model level:
issues → documents → clauses → units / targets, with foreign keys (ON DELETE CASCADE) and
indexes on everything the query command filters by. An issue is identified by the sha256 of its
source file, so indexing the same source again replaces it (never duplicates).

Full-text search is an external-content FTS5 table ``clauses_fts`` over ``clauses(heading, text)``
with the ``trigram`` tokenizer (SQLite ≥ 3.34), which finds any Chinese substring of three or more
characters without word segmentation. The loader writes a clause's row into it (see FtsRows:
a batch's rows go in just before its commit, so FTS5 builds few, large segments); triggers
remove or rewrite the row when a clause is deleted or updated. It is declared with
``content="clauses"`` so Datasette detects it and shows a search box on the clauses table.

Loading (``load_issues``) is batched: one write transaction per BATCH_SECONDS / BATCH_FILES,
the FTS5 tables with a 32 MiB buffer of pending terms; a file that fails part-way rolls its
batch back and the batch's other files are loaded again, so a bad file leaves nothing.
``index_paths`` reads, checks and segments JSON files in reader processes (``read_checked``)
when there are enough of them, ahead of the one process that writes, in the files' order.
Target values are stored as TEXT holding the exact decimal, never as floating point.

Research tables (``RESEARCH_SCHEMA``, issue 17), created with the schema and added to an older
index when it is next opened for writing (``ensure_research``, which back-fills them):
  * ``clauses_words``: FTS5 over jieba's search-mode tokens of each clause's heading and text,
    space-joined, with the ``unicode61`` tokenizer (rowid = clause id); word search for words of
    any length (words.py). Written by ``insert_research``, emptied by a trigger on clause delete.
  * ``citations`` and ``document_keys``: the citation and amendment graph (graph.py); every
    citation printed in a clause becomes an edge, ``resolve_citations`` points it at the cited
    document once that is indexed too.
"""

from __future__ import annotations

import functools
import json
import os
import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Optional, Union

from . import ranking
from .chars import unit_key
from .errors import UsageError
from .formats import INPUT_SUFFIXES
from .fsutil import display_path, sqlite_uri

APPLICATION = "gazette-parser index"
SCHEMA_VERSION = "3"
#: Versions this code opens: 2 differs by the trigger that filled clauses_fts on every clause
#: insert and by two indexes of units (see ``upgrade``, run when a 2 is opened for writing).
READABLE_VERSIONS = ("2", "3")

SCHEMA = """
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE issues (
    id            INTEGER PRIMARY KEY,
    sha256        TEXT NOT NULL UNIQUE,   -- of the source file: re-indexing it replaces the issue
    source_path   TEXT,
    source_format TEXT,
    pages         INTEGER,
    gazette_zh    TEXT,
    gazette_en    TEXT,
    year          INTEGER,
    number        INTEGER,
    total_number  INTEGER,
    publish_date  TEXT,                   -- ISO 8601
    publisher_zh  TEXT,
    schema_version TEXT,                  -- of the JSON it was loaded from
    loaded_from   TEXT,                   -- the JSON (or source) file given to `index`
    warnings      INTEGER
);
CREATE TABLE documents (
    id          INTEGER PRIMARY KEY,
    issue_id    INTEGER NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,         -- 0-based order in the issue
    doc_number  TEXT,                     -- 文号 as printed, e.g. 渝府发〔2022〕31号
    doc_prefix  TEXT,                     -- 渝府发
    doc_year    INTEGER,                  -- 2022
    doc_serial  INTEGER,                  -- 31
    doc_key     TEXT,                     -- normalised number every printed form shares:
                                          -- 重庆市人民政府|令|361 (重庆市人民政府令第361号 = 渝府令〔2023〕361号)
    promulgated_by  TEXT,                 -- a text a 令 publishes: the 令's number as printed
    promulgated_key TEXT,                 -- … and its normalised key
    title       TEXT,
    title_en    TEXT,
    doc_type    TEXT,                     -- 文种: 通知, 意见, 办法 …
    category_zh TEXT,
    category_en TEXT,
    issuer      TEXT,                     -- issuers joined with 、
    date        TEXT,                     -- 成文日期, ISO 8601
    page_start  INTEGER,
    page_end    INTEGER,
    UNIQUE (issue_id, seq)
);
CREATE TABLE issuers (
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    name        TEXT NOT NULL,
    PRIMARY KEY (document_id, seq)
);
CREATE TABLE clauses (
    id          INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    parent_id   INTEGER REFERENCES clauses(id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,         -- 0-based, document order (depth first)
    label       TEXT,                     -- marker as printed: 一、 （一） 1. 第三条
    level       INTEGER,
    path        TEXT,                     -- printed ordinals from the top, e.g. 2.3.1
    labels      TEXT,                     -- the labels from the top, e.g. 二、（三）1.
    heading     TEXT,
    text        TEXT,
    page        INTEGER,                  -- printed page where the clause starts
    page_index  INTEGER,                  -- physical page in the source file
    span_start  INTEGER,
    span_end    INTEGER,
    lead        TEXT,                     -- canonical lead units joined with 、 (convenience)
    responsible TEXT                      -- canonical responsible units joined with 、
);
CREATE TABLE units (
    id        INTEGER PRIMARY KEY,
    clause_id INTEGER NOT NULL REFERENCES clauses(id) ON DELETE CASCADE,
    role      TEXT NOT NULL CHECK (role IN ('lead', 'responsible')),
    seq       INTEGER NOT NULL,
    name      TEXT NOT NULL,              -- as printed
    canonical TEXT NOT NULL,              -- registry name (= name when unknown)
    inherited INTEGER NOT NULL DEFAULT 0, -- 1: from a heading note / 下同 rule
    known     INTEGER NOT NULL DEFAULT 1, -- 1: found in the unit registry
    page      INTEGER
);
CREATE TABLE targets (
    id         INTEGER PRIMARY KEY,
    clause_id  INTEGER NOT NULL REFERENCES clauses(id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    text       TEXT,                      -- the phrase as printed
    indicator  TEXT,
    comparator TEXT,                      -- >= > = <= < range
    value      TEXT,                      -- exact decimal as text (never float)
    value_max  TEXT,
    unit       TEXT,
    year       INTEGER,
    kind       TEXT,                      -- target | parameter
    page       INTEGER
);
CREATE TABLE unit_aliases (
    alias     TEXT PRIMARY KEY,           -- a spelling (spaces removed, full-width brackets)
    canonical TEXT NOT NULL
);
CREATE INDEX documents_issue ON documents (issue_id);
CREATE INDEX documents_number ON documents (doc_number);
CREATE INDEX documents_key ON documents (doc_key);
CREATE INDEX documents_promulgated ON documents (promulgated_key);
CREATE INDEX documents_prefix ON documents (doc_prefix, doc_year);
CREATE INDEX documents_date ON documents (date);
CREATE INDEX issuers_name ON issuers (name);
CREATE INDEX clauses_document ON clauses (document_id, seq);
CREATE INDEX clauses_parent ON clauses (parent_id);
CREATE INDEX units_clause ON units (clause_id);
CREATE INDEX units_canonical ON units (canonical, role, clause_id);  -- covers the unit filters
CREATE INDEX units_name_canonical ON units (name, canonical);  -- covers query.unit_names
CREATE INDEX targets_clause ON targets (clause_id);
CREATE INDEX targets_year ON targets (year);
CREATE VIRTUAL TABLE clauses_fts USING fts5(
    heading, text, content="clauses", content_rowid="id", tokenize="trigram"
);
CREATE TRIGGER clauses_ad AFTER DELETE ON clauses BEGIN
    INSERT INTO clauses_fts (clauses_fts, rowid, heading, text)
    VALUES ('delete', old.id, old.heading, old.text);
END;
CREATE TRIGGER clauses_au AFTER UPDATE ON clauses BEGIN
    INSERT INTO clauses_fts (clauses_fts, rowid, heading, text)
    VALUES ('delete', old.id, old.heading, old.text);
    INSERT INTO clauses_fts (rowid, heading, text) VALUES (new.id, new.heading, new.text);
END;
"""

RESEARCH_SCHEMA = """
CREATE VIRTUAL TABLE IF NOT EXISTS clauses_words USING fts5(
    heading, text, tokenize="unicode61 remove_diacritics 0"
);
CREATE TRIGGER IF NOT EXISTS clauses_words_ad AFTER DELETE ON clauses BEGIN
    DELETE FROM clauses_words WHERE rowid = old.id;
END;
CREATE TABLE IF NOT EXISTS citations (
    id          INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,  -- the citing document
    clause_id   INTEGER REFERENCES clauses(id) ON DELETE CASCADE,  -- NULL: outside the clauses
    relation    TEXT NOT NULL DEFAULT 'cites',  -- cites | amends | republishes
    kind        TEXT NOT NULL,            -- doc_number | order | title
    printed     TEXT NOT NULL,            -- as printed: 国发〔2022〕12号, 《…》
    key         TEXT NOT NULL,            -- normalised (graph.key_of): what document_keys holds
    article     TEXT,                     -- amendments: the article changed (第十条)
    target_document_id INTEGER REFERENCES documents(id) ON DELETE SET NULL,  -- when indexed
    span_start  INTEGER,                  -- in the clause's text (the title's, for title edges)
    span_end    INTEGER
);
CREATE TABLE IF NOT EXISTS document_keys (
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,            -- doc_number | order | title
    key         TEXT NOT NULL,
    PRIMARY KEY (key, document_id)
);
CREATE INDEX IF NOT EXISTS citations_document ON citations (document_id);
CREATE INDEX IF NOT EXISTS citations_key ON citations (key);
CREATE INDEX IF NOT EXISTS citations_target ON citations (target_document_id);
CREATE INDEX IF NOT EXISTS document_keys_document ON document_keys (document_id);
"""

TABLES = ("meta", "issues", "documents", "issuers", "clauses", "units", "targets", "unit_aliases",
          "citations", "document_keys")


class IndexFailure(UsageError):
    """A database or input the index cannot use; ``str(e)`` is one line for the user."""


def trigram_supported() -> bool:
    try:
        con = sqlite3.connect(":memory:")
        con.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='trigram')")
        con.close()
        return True
    except sqlite3.OperationalError:
        return False


BUSY_TIMEOUT = 120.0  # seconds a connection waits for another writer (concurrent index runs)


def _connect(path: Union[str, os.PathLike], readonly: bool) -> sqlite3.Connection:
    # Opened by path: the readonly URI is built by sqlite_uri, never pasted together from the text.
    con = sqlite3.connect(sqlite_uri(path, "ro" if readonly else "rw"), uri=True, timeout=BUSY_TIMEOUT)
    con.row_factory = sqlite3.Row
    con.execute("PRAGMA foreign_keys=ON")
    return con


def check_ours(con: sqlite3.Connection, path) -> None:
    """Raise IndexFailure unless ``con`` is a gazette-parser index of this schema version."""
    try:
        row = con.execute("SELECT value FROM meta WHERE key='application'").fetchone()
    except sqlite3.DatabaseError as e:
        msg = str(e)
        if "no such table" in msg:
            raise IndexFailure(f"{path} is not a gazette-parser index (no meta table)") from None
        raise IndexFailure(f"{path}: {msg}") from None
    if row is None or row[0] != APPLICATION:
        raise IndexFailure(f"{path} is not a gazette-parser index")
    ver = con.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
    if ver is None or ver[0] not in READABLE_VERSIONS:
        raise IndexFailure(f"{path}: index schema version {ver[0] if ver else '?'} is not "
                           f"{SCHEMA_VERSION}; rebuild it with `gazette-parse index`")


def open_index(path: Union[str, os.PathLike], create: bool = True, readonly: bool = False) -> sqlite3.Connection:
    """Open (or create) an index database; raises IndexFailure for a file that is not one."""
    p = Path(path)
    if not p.exists():
        if not create:
            raise IndexFailure(f"{p}: no such database")
        if not p.parent.is_dir():
            raise IndexFailure(f"{p}: directory {p.parent} does not exist")
        if not trigram_supported():
            raise IndexFailure(f"SQLite {sqlite3.sqlite_version} has no FTS5 trigram tokenizer "
                               "(needs 3.34 or later)")
    elif p.is_dir():
        raise IndexFailure(f"{p} is a directory, not a database")
    try:
        if not readonly and not p.exists():
            sqlite3.connect(sqlite_uri(p, "rwc"), uri=True, timeout=BUSY_TIMEOUT).close()
        con = _connect(p, readonly)
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError as e:
        raise IndexFailure(f"{p} is not a gazette-parser index ({e})") from None
    if not tables and not readonly:
        meta = "".join(f"INSERT INTO meta VALUES ('{k}', '{v}');\n" for k, v in (
            ("application", APPLICATION), ("schema_version", SCHEMA_VERSION),
            ("sqlite_version", sqlite3.sqlite_version)))
        try:  # one transaction: a killed run leaves no half-made schema
            con.isolation_level = None
            con.execute("BEGIN IMMEDIATE")  # waits for another run creating it at the same time
            if con.execute("SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()[0]:
                con.execute("COMMIT")  # the other run made it meanwhile
                con.isolation_level = ""
                check_ours(con, p)
                return con
            # one statement at a time: executescript would commit first
            for statement in _statements(SCHEMA + RESEARCH_SCHEMA + ranking.SCHEMA + meta):
                con.execute(statement)
            con.execute("COMMIT")
            con.isolation_level = ""
        except sqlite3.OperationalError as e:
            raise IndexFailure(f"{p}: cannot create the index: {e}") from None
        _load_aliases(con, None)
    else:
        check_ours(con, p)
        if not readonly:
            upgrade(con)
            ensure_research(con)
            ensure_ranking(con)
    return con


def upgrade(con: sqlite3.Connection) -> None:
    """Schema 2 → 3: drop the trigger that wrote each inserted clause into clauses_fts (the loader
    writes those rows itself now, a batch at a time; see ``load_issues``) and index units by
    (name, canonical) instead of name (a unit filter reads the canonical names a printed name
    stands for from the index alone), and add clause_id to the (canonical, role) index (a unit
    filter's clauses, and their count, come from the index alone)."""
    ver = con.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0]
    if ver == SCHEMA_VERSION:
        return
    try:
        with con:
            con.execute("DROP TRIGGER IF EXISTS clauses_ai")
            con.execute("CREATE INDEX IF NOT EXISTS units_name_canonical ON units (name, canonical)")
            con.execute("DROP INDEX IF EXISTS units_name")
            con.execute("DROP INDEX IF EXISTS units_canonical")
            con.execute("CREATE INDEX units_canonical ON units (canonical, role, clause_id)")
            con.execute("UPDATE meta SET value=? WHERE key='schema_version'", (SCHEMA_VERSION,))
    except sqlite3.OperationalError as e:
        raise IndexFailure(f"cannot upgrade the index to schema {SCHEMA_VERSION}: {e}") from None


def _statements(script: str) -> Iterator[str]:
    buf = ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            yield buf.strip()
            buf = ""
    if buf.strip():
        yield buf.strip()


# ----------------------------------------------------------------------------------------------
# unit aliases


def load_unit_registry(units_file: Optional[str] = None):
    """The unit registry (gazette_parser.units.load_registry), or None while there is none."""
    try:
        from . import units
    except ImportError:
        return None
    loader = getattr(units, "load_registry", None)
    if loader is None:
        return None
    try:
        return loader(units_file) if units_file else loader()
    except Exception:  # a registry that cannot load must not stop indexing or querying
        if units_file:
            raise
        return None


def _load_aliases(con: sqlite3.Connection, units_file: Optional[str]) -> int:
    reg = load_unit_registry(units_file)
    aliases = getattr(reg, "aliases", None)
    if not isinstance(aliases, dict):
        return 0
    with con:
        con.executemany("INSERT OR REPLACE INTO unit_aliases VALUES (?, ?)",
                        sorted((unit_key(a), c) for a, c in aliases.items()))
    return len(aliases)


# ----------------------------------------------------------------------------------------------
# loading


def _is_ours(data) -> bool:
    return (isinstance(data, dict) and isinstance(data.get("documents"), list)
            and isinstance(data.get("source"), dict) and "schema_version" in data)


def load_json_file(path: Union[str, os.PathLike]) -> dict:
    """A JSON output, with numbers read exactly (Decimal); IndexFailure when it is not ours."""
    try:
        with open(path, "rb") as f:
            data = json.loads(f.read().decode("utf-8"), parse_float=Decimal)
    except UnicodeDecodeError:
        raise IndexFailure(f"{path}: not UTF-8 JSON") from None
    except json.JSONDecodeError as e:
        raise IndexFailure(f"{path}: not valid JSON (line {e.lineno}: {e.msg})") from None
    except (RecursionError, MemoryError):
        raise IndexFailure(f"{path}: JSON nests too deeply or is too large") from None
    except ValueError as e:  # e.g. an integer of more digits than Python converts
        raise IndexFailure(f"{path}: not valid JSON ({e})") from None
    except OSError as e:
        raise IndexFailure(f"{path}: cannot read: {e.strerror or e}") from None
    if not _is_ours(data):
        raise IndexFailure(f"{path}: not a gazette-parser JSON output (no schema_version/source/documents)")
    check_schema(data, path)
    return data


def check_schema(data: dict, path) -> None:
    """IndexFailure (naming the first error) unless ``data`` is valid against the output schema:
    checked before anything in the database is replaced by it."""
    from .validate import validate_json

    try:
        errors = validate_json(data)
    except RecursionError:
        raise IndexFailure(f"{path}: JSON nests too deeply") from None
    if errors:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise IndexFailure(f"{path}: does not match the output schema: {errors[0][:300]}{more}")


def parse_to_dict(path: Union[str, os.PathLike], **parse_kw) -> dict:
    """Parse a source file (pdf/txt/html) and give its JSON form, as the index loads it."""
    from .emit.json import dumps
    from .errors import GazetteError
    from .limits import budget
    from .pipeline import parse

    parse_kw = dict(parse_kw)
    timeout = parse_kw.pop("timeout", None)
    max_memory = parse_kw.pop("max_memory", None)
    try:
        with budget(timeout, max_memory, display_path(path)):
            issue = parse(path=path, **parse_kw)
    except GazetteError as e:
        raise IndexFailure(str(e)) from None
    return json.loads(dumps(issue), parse_float=Decimal)


def _text(v) -> Optional[str]:
    if v is None:
        return None
    if isinstance(v, Decimal):
        return format(v, "f")
    return str(v)


def _int(v) -> Optional[int]:
    if v is None or isinstance(v, bool):
        return None
    try:
        i = int(v)
    except (TypeError, ValueError, ArithmeticError):
        return None
    if not -(2**63) <= i < 2**63:  # SQLite's INTEGER range
        raise IndexFailure(f"integer {str(i)[:20]}… is out of the index's range")
    return i


def _walk(clauses: list, parent=None, labels=""):
    for c in clauses or []:
        if not isinstance(c, dict):
            continue
        here = labels + (c.get("label") or "")
        yield c, parent, here
        yield from _walk(c.get("children") or [], c, here)


def doc_key(number: Optional[str], parts: Optional[dict]) -> Optional[str]:
    """The normalised key of a document number (see orders.number_key): the parts the output
    carries, else the parts parsed from the printed number (an output written before the key)."""
    from .issue.orders import number_key, order_parts
    from .issue.lexicon import parse_doc_number

    if not isinstance(number, str) or not number:
        return number_key(parts) if isinstance(parts, dict) else None
    if isinstance(parts, dict) and parts.get("kind"):
        return number_key(parts)
    return number_key(order_parts(number, parts if isinstance(parts, dict) and parts else None)
                      or (parts if isinstance(parts, dict) and parts else parse_doc_number(number)))


def issue_key(data: dict, loaded_from: str) -> str:
    sha = (data.get("source") or {}).get("sha256")
    return sha if sha else "path:" + os.path.abspath(loaded_from)


class FtsRows:
    """Rows for the two FTS5 tables, held back until the batch is committed (``write``).

    FTS5 (3.40) flushes its pending terms into a new segment whenever a savepoint or statement
    journal opens while it has pending terms: a trigger, a cascading delete or an insert with
    foreign-key checks between two FTS inserts does. Written last, in two executemany calls right
    before the commit, a batch's terms go out as one or two large segments.
    """

    def __init__(self) -> None:
        self.trigram: list[tuple] = []
        self.words: list[tuple] = []

    def write(self, con: sqlite3.Connection) -> None:
        if self.trigram:
            con.executemany("INSERT INTO clauses_fts (rowid, heading, text) VALUES (?,?,?)", self.trigram)
        if self.words:
            con.executemany("INSERT INTO clauses_words (rowid, heading, text) VALUES (?,?,?)", self.words)
        self.trigram, self.words = [], []


def insert_issue(con: sqlite3.Connection, data: dict, loaded_from: str, fts: Optional[FtsRows] = None) -> int:
    """Insert one parsed issue (its JSON form), replacing any issue with the same source.

    Runs in the caller's transaction. Its full-text rows go to ``fts``, for the caller to write
    before it commits; without one they are written here. Returns the new issue id.
    """
    own = fts is None
    rows = FtsRows() if fts is None else fts
    src = data.get("source") or {}
    info = data.get("issue") or {}
    key = issue_key(data, loaded_from)
    if con.execute("SELECT 1 FROM issues WHERE sha256=?", (key,)).fetchone():
        # the delete triggers take the replaced clauses out of the FTS tables, which must hold
        # them by then: the batch's pending rows (perhaps this very issue's) go in first
        rows.write(con)
        con.execute("DELETE FROM issues WHERE sha256=?", (key,))
    cur = con.execute(
        "INSERT INTO issues (sha256, source_path, source_format, pages, gazette_zh, gazette_en, year,"
        " number, total_number, publish_date, publisher_zh, schema_version, loaded_from, warnings)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (key, src.get("path"), src.get("format"), _int(src.get("pages")), info.get("gazette_zh"),
         info.get("gazette_en"), _int(info.get("year")), _int(info.get("number")),
         _int(info.get("total_number")), info.get("publish_date"), info.get("publisher_zh"),
         _text(data.get("schema_version")), str(loaded_from), len(data.get("warnings") or [])))
    issue_id = cur.lastrowid
    for dseq, doc in enumerate(data.get("documents") or []):
        if not isinstance(doc, dict):
            continue
        parts = doc.get("doc_number_parts") or {}
        issuers = [i for i in (doc.get("issuers") or []) if isinstance(i, str)]
        issuer = doc.get("issuer") or ("、".join(issuers) if issuers else None)
        by = _text(doc.get("promulgated_by"))
        doc_id = con.execute(
            "INSERT INTO documents (issue_id, seq, doc_number, doc_prefix, doc_year, doc_serial, doc_key,"
            " promulgated_by, promulgated_key, title, title_en, doc_type, category_zh, category_en, issuer,"
            " date, page_start, page_end)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (issue_id, dseq, doc.get("doc_number"), parts.get("prefix"), _int(parts.get("year")),
             _int(parts.get("serial")), doc_key(doc.get("doc_number"), parts), by,
             doc_key(by, None) if by else None, doc.get("title"), doc.get("title_en"), doc.get("doc_type"),
             doc.get("category_zh"), doc.get("category_en"), issuer, doc.get("date"),
             _int(doc.get("page_start")), _int(doc.get("page_end")))).lastrowid
        con.executemany("INSERT INTO issuers VALUES (?,?,?)",
                        [(doc_id, i, name) for i, name in enumerate(issuers)])
        # clause ids are given here (one past the largest), so the clauses go in with one executemany
        next_id = con.execute("SELECT coalesce(max(id), 0) + 1 FROM clauses").fetchone()[0]
        ids: dict[int, int] = {}
        clause_rows, unit_rows, target_rows = [], [], []
        for cseq, (c, parent, labels) in enumerate(_walk(doc.get("clauses") or [])):
            path = c.get("path") or []
            span = c.get("span") or [None, None]
            lead = [u for u in (c.get("lead_units") or []) if isinstance(u, dict)]
            resp = [u for u in (c.get("responsible_units") or []) if isinstance(u, dict)]
            cid = next_id + cseq
            clause_rows.append(
                (cid, doc_id, ids.get(id(parent)) if parent is not None else None, cseq, c.get("label"),
                 _int(c.get("level")), ".".join(str(p) for p in path), labels, c.get("heading"),
                 c.get("text"), _int(c.get("page")), _int(c.get("page_index")), _int(span[0]),
                 _int(span[1] if len(span) > 1 else None),
                 _joined(lead), _joined(resp)))
            ids[id(c)] = cid
            for role, refs in (("lead", lead), ("responsible", resp)):
                for useq, u in enumerate(refs):
                    name = u.get("name") or u.get("canonical")
                    if not name:
                        continue
                    unit_rows.append((cid, role, useq, name, u.get("canonical") or name,
                                      1 if u.get("inherited") else 0,
                                      0 if u.get("known") is False else 1, _int(u.get("page"))))
            for tseq, t in enumerate(c.get("targets") or []):
                if not isinstance(t, dict):
                    continue
                target_rows.append((cid, tseq, t.get("text"), t.get("indicator"), t.get("comparator"),
                                    _text(t.get("value")), _text(t.get("value_max")), t.get("unit"),
                                    _int(t.get("year")), t.get("kind"), _int(t.get("page"))))
        con.executemany("INSERT INTO clauses (id, document_id, parent_id, seq, label, level, path, labels,"
                        " heading, text, page, page_index, span_start, span_end, lead, responsible)"
                        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", clause_rows)
        rows.trigram.extend((r[0], r[8], r[9]) for r in clause_rows)
        con.executemany("INSERT INTO units (clause_id, role, seq, name, canonical, inherited, known, page)"
                        " VALUES (?,?,?,?,?,?,?,?)", unit_rows)
        con.executemany("INSERT INTO targets (clause_id, seq, text, indicator, comparator, value,"
                        " value_max, unit, year, kind, page) VALUES (?,?,?,?,?,?,?,?,?,?,?)", target_rows)
    insert_research(con, issue_id, data, rows)
    if own:
        rows.write(con)
    return issue_id


def _joined(refs: list) -> Optional[str]:
    names: list[str] = []
    for u in refs:
        n = u.get("canonical") or u.get("name")
        if n and n not in names:
            names.append(n)
    return "、".join(names) if names else None


def expand_paths(paths: Iterable[str]) -> list[Path]:
    """Files as given; directories searched recursively for *.json (hidden files skipped)."""
    out: list[Path] = []
    for arg in paths:
        p = Path(arg)
        if p.is_dir():
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                out.extend(Path(root) / f for f in sorted(files)
                           if f.endswith(".json") and not f.startswith("."))
        elif p.is_file():
            out.append(p)
        else:
            raise IndexFailure(f"no such file or directory: {arg}")
    return out


#: A write transaction takes several files and is committed once it has lasted BATCH_SECONDS or
#: holds BATCH_FILES files. One transaction per file cost ~13 ms of commit (journal + fsync) per
#: file and, worse, made FTS5 write each file's terms as small segments that automerge then
#: merged again and again (see FtsRows): on the benchmark's issues the trigram table took 65 ms
#: of CPU per issue that way and 20 ms batched. The time bound keeps another writer's wait short.
BATCH_SECONDS = 2.0
BATCH_FILES = 50
#: FTS5's in-memory buffer of pending terms (its ``hashsize`` option; default 1 MiB) per FTS
#: table: a batch's trigrams overflow 1 MiB many times over, and each overflow is a segment.
FTS5_HASH_BYTES = 32 << 20
_INSERT_ERRORS = (IndexFailure, sqlite3.DatabaseError, TypeError, ValueError, AttributeError, KeyError,
                  OverflowError, RecursionError)


def load_issues(con: sqlite3.Connection, items: Iterable[tuple[str, Callable[[], dict]]], *,
                on_error: Optional[Callable[[str], None]] = None, commit_every: int = 100,
                slow: Callable[[str], bool] = lambda label: False) -> tuple[int, int]:
    """Insert each ``(label, load)``: ``load()`` gives an issue's JSON form or raises IndexFailure.

    Each file is read and checked (``load()``) before anything of it is written. Files go in
    batches, one write transaction (``BEGIN IMMEDIATE``, which waits up to ``BUSY_TIMEOUT`` for
    another writer) per batch, committed after ``BATCH_SECONDS`` or ``BATCH_FILES`` files and at
    the end; a ``slow(label)`` item (a source to parse) is a transaction of its own, so the write
    lock is never held while a PDF is parsed. Concurrent index runs on one database take turns
    per batch and all succeed. A file whose insert fails is reported through ``on_error`` and
    leaves nothing behind: the batch is rolled back and its earlier files are loaded again
    (``load()`` once more; a savepoint per file would cost what batching saves, see FtsRows).
    A run that is killed loses its uncommitted batch (at most ``BATCH_SECONDS`` of work):
    indexing the same files again completes it, since an issue replaces any issue of the same
    source. ``commit_every`` is kept for old callers and no longer used. Returns (indexed, failed).
    """
    import time

    ok = failed = 0
    saved = con.isolation_level
    con.commit()
    con.execute("PRAGMA cache_size=-65536")  # 64 MiB of pages: the FTS and index b-trees stay in memory
    con.execute("PRAGMA cache_spill=OFF")  # dirty pages wait for the commit
    con.isolation_level = None  # explicit transactions below
    batch: list[tuple[str, Callable[[], dict]]] = []  # the files of the open transaction
    fts = FtsRows()
    started = 0.0

    def report(label, e: BaseException) -> None:
        nonlocal failed
        failed += 1
        if not on_error:
            return
        if isinstance(e, IndexFailure):
            msg = str(e)
            on_error(display_path(msg if msg.startswith(str(label)) else f"{label}: {msg}"))
        elif isinstance(e, sqlite3.DatabaseError):
            on_error(f"{display_path(label)}: database error: {e}")
        else:  # a shape the schema allows but the loader did not expect: a bug, reported
            on_error(f"{display_path(label)}: cannot load: {type(e).__name__}: {e}")

    def begin() -> None:
        nonlocal started
        con.execute("BEGIN IMMEDIATE")
        started = time.monotonic()
        _tune_fts(con)

    def commit() -> None:
        if con.in_transaction:
            fts.write(con)
            con.execute("COMMIT")
        batch.clear()

    def rollback() -> None:
        nonlocal fts
        fts = FtsRows()
        if con.in_transaction:
            con.execute("ROLLBACK")

    def replay() -> None:
        """After a rollback: the batch's earlier files again (one that fails now is reported)."""
        nonlocal ok
        todo = list(batch)
        batch.clear()
        while todo:
            begin()
            for i, (label, load) in enumerate(todo):
                try:
                    insert_issue(con, load(), label, fts)
                except _INSERT_ERRORS as e:
                    rollback()
                    ok -= 1
                    report(label, e)
                    del todo[i]
                    break
            else:
                batch.extend(todo)
                return

    try:
        for label, load in items:
            if batch and (slow(label) or len(batch) >= BATCH_FILES
                          or time.monotonic() - started >= BATCH_SECONDS):
                commit()
            try:
                data = load()
            except _INSERT_ERRORS as e:  # nothing written yet: the batch goes on
                report(label, e)
                continue
            if not con.in_transaction:
                begin()
            try:
                insert_issue(con, data, label, fts)
            except BaseException as e:
                rollback()
                if not isinstance(e, _INSERT_ERRORS):
                    batch.clear()  # interrupted: the batch is lost, nothing half-written stays
                    raise
                report(label, e)
                if batch:
                    replay()
                continue
            batch.append((label, load))
            ok += 1
            if slow(label):
                commit()
        commit()
        if ok > 50:  # merge the FTS b-trees after a large load: faster searches
            with _suppress_busy():
                con.execute("INSERT INTO clauses_fts (clauses_fts) VALUES ('optimize')")
                if has_words(con):
                    con.execute("INSERT INTO clauses_words (clauses_words) VALUES ('optimize')")
        # the frequent words' stored rankings (ranking.py; none in an index without word search)
        with _suppress_busy():  # another writer holds the lock: its own refresh brings them up to date
            ranking.refresh(con)
    finally:
        if con.in_transaction:  # between two files (e.g. interrupted while reading one): consistent
            commit()
        con.isolation_level = saved
    return ok, failed


def _tune_fts(con: sqlite3.Connection) -> None:
    """Give each FTS table a pending-terms buffer of FTS5_HASH_BYTES: a setting FTS5 keeps in the
    table's ``_config`` (written once per index), used by writers only."""
    for table in ("clauses_fts", "clauses_words"):
        if table == "clauses_fts" or has_words(con):
            have = con.execute(f"SELECT v FROM {table}_config WHERE k = 'hashsize'").fetchone()
            if have is None or have[0] != FTS5_HASH_BYTES:
                con.execute(f"INSERT INTO {table} ({table}, rank) VALUES ('hashsize', ?)", (FTS5_HASH_BYTES,))


def _suppress_busy():
    import contextlib

    return contextlib.suppress(sqlite3.OperationalError)


def index_paths(con: sqlite3.Connection, paths: Iterable[str], *, units_file: Optional[str] = None,
                on_error: Optional[Callable[[str], None]] = None,
                parse_kw: Optional[dict] = None) -> tuple[int, int]:
    """Load every path (JSON outputs; sources are parsed first). Returns (indexed, failed).

    A bad file is reported through ``on_error`` and skipped; the others still load.
    """
    files = expand_paths(paths)
    if units_file is not None:
        _load_aliases(con, units_file)
    readers = _reader_pool(sum(1 for f in files if f.suffix.lower() not in INPUT_SUFFIXES))
    try:
        result = load_issues(con, _loaders(files, readers, parse_kw or {}), on_error=on_error,
                             slow=lambda label: Path(label).suffix.lower() in INPUT_SUFFIXES)
    finally:
        if readers is not None:
            readers.terminate()
            readers.join()
    with con:
        resolve_citations(con)
    return result


#: JSON files are read, checked against the schema and their clauses segmented into words by
#: worker processes (``read_checked``) while this process writes the database, when a run has at
#: least POOL_MIN_FILES of them and the machine more than one CPU: reading, checking and jieba
#: take about as much CPU per issue as the database writes. At most READ_AHEAD files per worker
#: are read ahead of the writer, so memory stays bounded on any archive.
POOL_MIN_FILES = 20
READ_AHEAD = 4
_WORDS_KEY = "\0words"  # read_checked's segmented words, popped by insert_research (not a JSON key)


def _readers() -> int:
    return min((os.cpu_count() or 1) - 1, 4)


def _reader_pool(n_json: int):
    if n_json < POOL_MIN_FILES or _readers() < 1:
        return None
    from .workers import pool

    return pool(_readers())  # the workers never touch the database connection they inherit


def read_checked(path: str) -> dict:
    """A worker's part: ``load_json_file`` and the words of every clause (see _segmented)."""
    data = load_json_file(path)
    data[_WORDS_KEY] = _segmented(data)
    return data


def _segmented(data: dict) -> list[list[tuple[str, str]]]:
    """Per document, per clause in document order: the word tokens of its heading and text."""
    from . import words

    return [[(words.segment(c.get("heading")), words.segment(c.get("text"))) for c, _, _ in
             _walk(doc.get("clauses") or [])] if isinstance(doc, dict) else []
            for doc in data.get("documents") or []]


def _loaders(files: list[Path], readers, parse_kw: dict) -> Iterator[tuple[str, Callable[[], dict]]]:
    """(label, load) per file, in the files' order (so ids are what a serial run gives)."""
    ahead: dict[int, Any] = {}  # index → AsyncResult
    window = READ_AHEAD * max(_readers(), 1)
    for i, f in enumerate(files):
        if f.suffix.lower() in INPUT_SUFFIXES:
            yield str(f), functools.partial(parse_to_dict, f, **parse_kw)
            continue
        if readers is None:
            yield str(f), functools.partial(load_json_file, f)
            continue
        for j in range(i, min(i + window, len(files))):
            if j not in ahead and files[j].suffix.lower() not in INPUT_SUFFIXES:
                ahead[j] = readers.apply_async(read_checked, (str(files[j]),))
        result = ahead.pop(i)
        yield str(f), result.get  # a worker's IndexFailure (or other error) is raised here


def stats(con: sqlite3.Connection) -> dict[str, int]:
    return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("issues", "documents", "clauses", "units", "targets")}



# ----------------------------------------------------------------------------------------------
# research tables: word search and the citation graph (issue 17)


def has_words(con: sqlite3.Connection) -> bool:
    return con.execute("SELECT 1 FROM sqlite_master WHERE name='clauses_words'").fetchone() is not None


def ensure_research(con: sqlite3.Connection) -> None:
    """Add the research tables to an index made before them, filling them from what it holds."""
    have = {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
    if {"clauses_words", "citations", "document_keys"} <= have:
        return
    try:
        with con:
            con.executescript("BEGIN;\n" + RESEARCH_SCHEMA + "COMMIT;\n")
    except sqlite3.OperationalError as e:
        raise IndexFailure(f"cannot add the word and citation tables: {e}") from None
    backfill_research(con)


def ensure_ranking(con: sqlite3.Connection) -> None:
    """Add the stored candidates of frequent words (ranking.py) to an index made before them; the
    next refresh (after this run's load) computes them. The schema version stays 3: an index
    without them is searched the plain way."""
    if ranking.installed(con) or not has_words(con):
        return
    try:
        with con:
            for statement in _statements(ranking.SCHEMA):
                con.execute(statement)
            con.execute("DELETE FROM meta WHERE key = ?", (ranking.BUILT_KEY,))  # not computed yet
    except sqlite3.OperationalError as e:
        raise IndexFailure(f"cannot add the word ranking tables: {e}") from None


def backfill_research(con: sqlite3.Connection) -> None:
    """Words and citations of every clause already in the index (no JSON needed)."""
    from . import graph, words

    with con:
        rows = con.execute("SELECT id, document_id, heading, text FROM clauses ORDER BY id").fetchall()
        con.executemany("INSERT INTO clauses_words (rowid, heading, text) VALUES (?,?,?)",
                        [(r[0], words.segment(r[2]), words.segment(r[3])) for r in rows])
        for r in rows:
            _insert_citations(con, r[1], r[0], graph.find_citations(r[3]))
        for d in con.execute("SELECT id, doc_number, title FROM documents").fetchall():
            doc = {"doc_number": d[1], "title": d[2]}
            con.executemany("INSERT OR IGNORE INTO document_keys VALUES (?,?,?)",
                            [(d[0], k, key) for k, key in graph.document_keys(doc)])
            _insert_citations(con, d[0], None, graph.title_amendments(d[2]))
        resolve_citations(con)


def _insert_citations(con: sqlite3.Connection, doc_id: int, clause_id: Optional[int], cits) -> None:
    con.executemany(
        "INSERT INTO citations (document_id, clause_id, relation, kind, printed, key, article, span_start,"
        " span_end) VALUES (?,?,?,?,?,?,?,?,?)",
        [(doc_id, clause_id, c.relation, c.kind, c.printed, c.key, c.article, c.span[0], c.span[1])
         for c in cits])


def insert_research(con: sqlite3.Connection, issue_id: int, data: dict, fts: FtsRows) -> None:
    """Word tokens (into ``fts.words``), citations and document keys of one just-inserted issue
    (its JSON form).

    Clause ids are read back in document order (clauses.seq), so this needs nothing from
    ``insert_issue`` but the issue id. Citations stay unresolved until ``resolve_citations``.
    """
    segmented = data.pop(_WORDS_KEY, None)  # segmented by a reader process (read_checked)
    if not has_words(con):
        return
    from . import graph

    docs = con.execute("SELECT id, seq FROM documents WHERE issue_id=? ORDER BY seq", (issue_id,)).fetchall()
    by_seq = {r[1]: r[0] for r in docs}
    for dseq, doc in enumerate(data.get("documents") or []):
        if not isinstance(doc, dict) or dseq not in by_seq:
            continue
        doc_id = by_seq[dseq]
        cids = [r[0] for r in con.execute("SELECT id FROM clauses WHERE document_id=? ORDER BY seq", (doc_id,))]
        clauses = [c for c, _, _ in _walk(doc.get("clauses") or [])]
        segs = segmented[dseq] if segmented is not None else _segmented({"documents": [doc]})[0]
        fts.words.extend((cid, h, t) for cid, (h, t) in zip(cids, segs))
        con.executemany("INSERT OR IGNORE INTO document_keys VALUES (?,?,?)",
                        [(doc_id, k, key) for k, key in graph.document_keys(doc)])
        in_clauses: set[str] = set()
        for cid, c in zip(cids, clauses):
            cits = graph.find_citations(c.get("text"))
            in_clauses.update(x.key for x in cits)
            _insert_citations(con, doc_id, cid, cits)
        rest = []
        for num in doc.get("cited_doc_numbers") or []:
            hit = graph.number_key(num) if isinstance(num, str) else None
            if hit and hit[1] not in in_clauses:
                in_clauses.add(hit[1])
                rest.append(graph.Citation(hit[0], num, hit[1], (None, None)))
        _insert_citations(con, doc_id, None, rest + graph.title_amendments(doc.get("title")))
        for at, cit in graph.declared_amendments(doc, data.get("documents")):
            if at is None and cit.span[0] is not None:
                at = _clause_at(clauses, cit.span[0])
            cid = cids[at] if at is not None and 0 <= at < len(cids) else None
            _insert_citations(con, doc_id, cid, [cit])


def _clause_at(clauses: list, offset: int) -> Optional[int]:
    """Index of the innermost clause (in document order) whose span holds ``offset``."""
    found = None
    for i, c in enumerate(clauses):
        span = c.get("span") if isinstance(c, dict) else None
        if isinstance(span, list) and len(span) == 2 and all(isinstance(x, int) for x in span) \
                and span[0] <= offset < span[1]:
            found = i  # document order is pre-order: a later hit lies inside an earlier one
    return found


def resolve_citations(con: sqlite3.Connection) -> int:
    """Point every unresolved citation at the indexed document with its key (not the citing one:
    a notice naming the plan it issues is no edge). Returns how many citations are resolved."""
    if not has_words(con):
        return 0
    con.execute(
        "UPDATE citations SET target_document_id = (SELECT min(k.document_id) FROM document_keys k"
        " WHERE k.key = citations.key AND k.document_id != citations.document_id)"
        " WHERE target_document_id IS NULL")
    con.execute("DELETE FROM citations WHERE relation = 'cites' AND target_document_id IS NULL AND"
                " EXISTS (SELECT 1 FROM document_keys k WHERE k.key = citations.key"
                " AND k.document_id = citations.document_id)")
    return con.execute("SELECT count(*) FROM citations WHERE target_document_id IS NOT NULL").fetchone()[0]
