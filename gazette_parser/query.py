"""query: filters over an index database → rows (one per clause, or per target with year_target).

    >>> from gazette_parser.query import Query, run_query
    >>> rows = run_query("gazettes.db", Query(lead="市城市管理局", text="垃圾分类"))

Filters combine with AND. ``text`` is searched in clause headings and text: every
whitespace-separated term must occur. A term jieba's dictionary knows as a word (就业, 住房,
市住房城乡建委; the index's dictionary, see words.py) is looked up in the word table
``clauses_words`` and matches clauses that contain it as a word; other terms of three or more
characters use the FTS5 trigram index (any substring); both rank by bm25 (summed). Shorter
non-words fall back to a substring scan (instr, unranked: document order), since a trigram index
cannot look up fewer than three characters. ``substring=True`` (``--substring``) reads every term
as a substring. An index made before the word table (or opened read-only before it was
back-filled) is searched by substring as before. Unit filters match the canonical name and every
alias the unit registry knows (stored in the database at index time, plus the installed registry).
"""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import unicodedata
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, Optional

from . import ranking
from .errors import UsageError
from .chars import unit_key
from .index import IndexFailure, doc_key, load_unit_registry, open_index

# every column a row can have, in display order
CLAUSE_COLUMNS = (
    "doc_number", "title", "issuer", "date", "gazette", "issue_year", "issue_number", "path", "labels",
    "label", "heading", "page", "lead", "responsible", "snippet", "source_path", "clause_id",
)
TARGET_COLUMNS = ("target", "indicator", "comparator", "value", "value_max", "unit", "year", "kind")
ALL_COLUMNS = CLAUSE_COLUMNS + TARGET_COLUMNS
HEADERS = {"doc_number": "文号", "path": "path", "heading": "heading", "page": "page"}
FORMATS = ("table", "json", "csv")


class QueryError(UsageError):
    """A bad query (malformed date, unknown column, …): ``str(e)`` is one line for the user."""


@dataclass
class Query:
    text: Optional[str] = None
    lead: Optional[str] = None
    responsible: Optional[str] = None
    unit: Optional[str] = None
    doc_number: Optional[str] = None
    issuer: Optional[str] = None
    year_target: Optional[int] = None
    date_from: Optional[str] = None
    date_to: Optional[str] = None
    limit: Optional[int] = None
    columns: list[str] = field(default_factory=list)
    substring: bool = False  # match --text terms as substrings, never as words


# ----------------------------------------------------------------------------------------------
# argument checks


_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


def parse_date(value: str, end: bool) -> str:
    """YYYY, YYYY-MM or YYYY-MM-DD → an ISO bound (start or end of that period)."""
    v = unicodedata.normalize("NFKC", value.strip()).replace("/", "-").replace(".", "-")
    m = _DATE.match(v)
    if not m:
        raise QueryError(f"malformed date {value!r}: use YYYY, YYYY-MM or YYYY-MM-DD")
    y, mo, d = int(m.group(1)), m.group(2), m.group(3)
    import calendar
    import datetime

    try:
        if mo is None:
            return f"{y:04d}-12-31" if end else f"{y:04d}-01-01"
        mo_i = int(mo)
        if d is None:
            last = calendar.monthrange(y, mo_i)[1]
            return f"{y:04d}-{mo_i:02d}-{last if end else 1:02d}"
        return datetime.date(y, mo_i, int(d)).isoformat()
    except (ValueError, calendar.IllegalMonthError):
        raise QueryError(f"malformed date {value!r}: not a calendar date") from None


def check_columns(columns: list[str], with_targets: bool) -> list[str]:
    allowed = ALL_COLUMNS if with_targets else CLAUSE_COLUMNS
    out = []
    for c in columns:
        c = c.strip()
        if not c:
            continue
        if c not in allowed:
            extra = "" if with_targets or c not in TARGET_COLUMNS else " (target columns need --year-target)"
            raise QueryError(f"unknown column {c!r}{extra}; choose from: {', '.join(allowed)}")
        out.append(c)
    return out


_BRACKETS = str.maketrans({"[": "〔", "［": "〔", "【": "〔", "(": "〔", "（": "〔", "﹝": "〔",
                           "]": "〕", "］": "〕", "】": "〕", ")": "〕", "）": "〕", "﹞": "〕"})


def norm_doc_number(value: str) -> str:
    """渝府发[2022]31号 / 渝府发（２０２２）３１号 → 渝府发〔2022〕31号 (how documents print it)."""
    v = "".join(ch for ch in value if not ch.isspace())
    v = "".join(chr(ord(ch) - 0xFEE0) if "０" <= ch <= "９" else ch for ch in v)
    return v.translate(_BRACKETS)


def unit_names(con: sqlite3.Connection, name: str) -> list[str]:
    """Every canonical name ``name`` may stand for: itself, registry aliases, names seen in the data."""
    key = unit_key(name)
    names = [name, key]
    for row in con.execute("SELECT canonical FROM unit_aliases WHERE alias=?", (key,)):
        names.append(row[0])
    reg = load_unit_registry()
    lookup = getattr(reg, "lookup", None)
    if lookup is not None:
        try:
            hit = lookup(name)
        except Exception:
            hit = None
        if hit:
            names.append(hit)
    for row in con.execute("SELECT DISTINCT canonical FROM units WHERE name IN (?, ?)", (name, key)):
        names.append(row[0])
    return sorted(set(names))


def fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


# ----------------------------------------------------------------------------------------------
# the query


def text_terms(text: str) -> list[str]:
    terms = [t for t in re.split(r"\s+", text.strip()) if t]
    if not terms:
        raise QueryError("--text is empty")
    return terms


def plan_terms(con: sqlite3.Connection, terms: list[str], substring: bool = False) -> dict[str, list[str]]:
    """How each term is looked up: ``words`` (a dictionary word, in the jieba word table),
    ``trigram`` (a substring of ≥3 characters) or ``scan`` (a shorter non-word: LIKE)."""
    from .index import has_words

    plan: dict[str, list[str]] = {"words": [], "trigram": [], "scan": []}
    use_words = not substring and has_words(con) and _words_filled(con)
    for t in terms:
        if use_words and _is_dictionary_word(t):
            plan["words"].append(t)
        elif len(t) >= 3:
            plan["trigram"].append(t)
        else:
            plan["scan"].append(t)
    return plan


def _words_filled(con: sqlite3.Connection) -> bool:
    """The word table covers the clauses (it is filled after it is made, for an older index): the
    first and the last clause have their words (two rowid look-ups, not a count)."""
    return con.execute("SELECT NOT EXISTS (SELECT 1 FROM clauses c WHERE c.id IN ((SELECT min(id) FROM clauses),"
                       " (SELECT max(id) FROM clauses)) AND NOT EXISTS (SELECT 1 FROM clauses_words w"
                       " WHERE w.rowid = c.id))").fetchone()[0] == 1


def _is_dictionary_word(term: str) -> bool:
    from .words import tokenizer

    tk = tokenizer()
    return bool(tk.FREQ.get(term)) and any(ch.isalnum() for ch in term)


def text_filter(con: sqlite3.Connection, text: str, substring: bool = False):
    """SQL pieces for --text: (joins, where, join args, where args, rank expression).

    Dictionary words are matched in the word table (clauses_words: jieba tokens), other terms of
    three or more characters in the trigram table; both rank by bm25, summed when both are used.
    Shorter non-words fall back to a substring scan, which cannot rank: a query of only such
    terms comes back in document order.
    """
    terms = text_terms(text)
    plan = plan_terms(con, terms, substring)
    joins, where, args_join, args, ranks = [], [], [], [], []
    if plan["words"]:
        joins.append("JOIN (SELECT rowid AS wid, bm25(clauses_words) AS wrank FROM clauses_words "
                     "WHERE clauses_words MATCH ?{top}) fw ON fw.wid = c.id")
        args_join.append(" AND ".join(fts_phrase(t) for t in plan["words"]))
        ranks.append("fw.wrank")
    if plan["trigram"]:
        joins.append("JOIN (SELECT rowid AS fid, bm25(clauses_fts) AS rank FROM clauses_fts "
                     "WHERE clauses_fts MATCH ?{top}) f ON f.fid = c.id")
        args_join.append(" AND ".join(fts_phrase(t) for t in plan["trigram"]))
        ranks.append("f.rank")
    for t in plan["scan"]:
        where.append("(instr(coalesce(c.heading, ''), ?) > 0 OR instr(coalesce(c.text, ''), ?) > 0)")
        args += [t, t]
    return joins, where, args_join, args, " + ".join(ranks)


def _stored_top(con: sqlite3.Connection, q: Query, joins: list[str], args_join: list) -> tuple[list[str], list]:
    """A ranked one-word search with a limit and no other filter, answered from the word's stored
    candidates (ranking.py) when it has them: the same rows, bm25 values and order as the FTS5
    join it replaces, without scoring every clause of the word. Otherwise the join unchanged."""
    terms = text_terms(q.text or "")
    rows = ranking.top(con, terms[0], int(q.limit or 0)) if len(terms) == 1 else None
    if not rows:  # (never empty when given: top answers None for a word without stored rows)
        return joins, args_join
    values = ",".join("(?,?)" for _ in rows)
    return ([f"JOIN (SELECT column1 AS wid, column2 AS wrank FROM (VALUES {values})) fw ON fw.wid = c.id"],
            [v for row in rows for v in row])


def build_sql(con: sqlite3.Connection, q: Query, count: bool = False) -> tuple[str, list]:
    """The SELECT for ``q`` and its arguments; with ``count``, the SELECT count(*) of its rows
    (no ranking, order or limit)."""
    where: list[str] = []
    args: list = []
    joins: list[str] = []
    order = "i.publish_date, i.id, d.seq, c.seq"
    with_targets = q.year_target is not None

    if q.text is not None:
        j, w, aj, a, rank = text_filter(con, q.text, q.substring)
        joins += j
        where += w
        args_join = aj
        args += a
        if rank and not count:  # ranked: ties in index order (so --limit N gives the first N of the full list)
            order = rank + ", c.id"
    else:
        args_join = []

    for role, value in (("lead", q.lead), ("responsible", q.responsible), ("any", q.unit)):
        if value is None:
            continue
        if not value.strip():
            raise QueryError(f"--{role if role != 'any' else 'unit'} is empty")
        names = unit_names(con, value.strip())
        marks = ",".join("?" for _ in names)
        role_sql = "" if role == "any" else " AND u.role = ?"
        where.append(f"c.id IN (SELECT u.clause_id FROM units u WHERE u.canonical IN ({marks}){role_sql})")
        args += names + ([] if role == "any" else [role])

    if q.doc_number is not None:
        v = norm_doc_number(q.doc_number)
        if not v:
            raise QueryError("--doc-number is empty")
        key = doc_key(v, None)
        # document filters are subqueries over documents (a few thousand rows), so SQLite looks
        # the matching documents up first and their clauses by index, not every clause's document
        where.append("d.id IN (SELECT id FROM documents WHERE doc_number = ? OR doc_prefix = ?"
                     " OR substr(doc_number, 1, ?) = ? OR doc_key = ?)")
        args += [v, v, len(v), v, key]

    if q.issuer is not None:
        v = q.issuer.strip()
        if not v:
            raise QueryError("--issuer is empty")
        where.append("d.id IN (SELECT document_id FROM issuers WHERE name = ?"
                     " UNION SELECT id FROM documents WHERE instr(coalesce(issuer, ''), ?) > 0)")
        args += [v, v]

    lo = parse_date(q.date_from, end=False) if q.date_from is not None else None
    hi = parse_date(q.date_to, end=True) if q.date_to is not None else None
    if lo is not None and hi is not None and lo > hi:
        raise QueryError(f"--from {q.date_from} is after --to {q.date_to}")
    if lo is not None or hi is not None:
        # coalesce(d.date, i.publish_date) in range, as two subqueries the indexes answer: the
        # documents dated in range (documents_date) and the undated ones of issues published in it
        lo, hi = lo or "", hi or "\uffff"
        where.append("d.id IN (SELECT id FROM documents WHERE date BETWEEN ? AND ? UNION ALL"
                     " SELECT x.id FROM documents x JOIN issues y ON y.id = x.issue_id"
                     " WHERE x.date IS NULL AND y.publish_date BETWEEN ? AND ?)")
        args += [lo, hi, lo, hi]

    target_cols = ""
    if with_targets:
        joins.append("JOIN targets t ON t.clause_id = c.id")
        where.append("t.year = ?")
        if not -(2**63) <= int(q.year_target) < 2**63:
            raise QueryError(f"--year-target {q.year_target} is not a year")
        args.append(int(q.year_target))
        target_cols = (", t.text AS target, t.indicator, t.comparator, t.value, t.value_max, t.unit,"
                       " t.year, t.kind")
        order += ", t.seq"

    # A ranked search with --limit and no other filter: FTS5 keeps the best `limit` rows itself
    # (ORDER BY rank LIMIT n inside the table), so the rest are never joined or sorted.
    top = ""
    if not count and q.text is not None and q.limit is not None and q.limit >= 1 and len(joins) == 1 \
            and not where:
        top = f" ORDER BY rank, rowid LIMIT {int(q.limit)}"
    joins = [j.replace("{top}", top) for j in joins]
    if top and "clauses_words" in joins[0]:
        joins, args_join = _stored_top(con, q, joins, args_join)
    tables = (" FROM clauses c JOIN documents d ON d.id = c.document_id JOIN issues i ON i.id = d.issue_id "
              + " ".join(joins) + (" WHERE " + " AND ".join(where) if where else ""))
    if count:
        if q.text is not None and len(joins) == 1 and not where:
            # text alone: every FTS row is one clause (rowid = clause id, written with it and
            # removed with it) and every clause has its document and issue (foreign keys, ON
            # DELETE CASCADE), so the FTS table alone counts the rows
            table = "clauses_words" if "clauses_words" in joins[0] else "clauses_fts"
            return f"SELECT count(*) FROM {table} WHERE {table} MATCH ?", args_join
        if with_targets and q.text is None and where == ["t.year = ?"]:
            # a target year alone: every target has its clause, document and issue (as above)
            return "SELECT count(*) FROM targets WHERE year = ?", args
        return "SELECT count(*)" + tables, args_join + args
    sql = (
        "SELECT d.doc_number, d.title, d.issuer, coalesce(d.date, i.publish_date) AS date,"
        " i.gazette_zh AS gazette, i.year AS issue_year, i.number AS issue_number, c.path, c.labels,"
        " c.label, c.heading, c.page, c.lead, c.responsible, "
        + ("c.text" if q.text else "substr(c.text, 1, 64)") + " AS _text,"
        " i.source_path, c.id AS clause_id" + target_cols + tables + f" ORDER BY {order}"
    )
    if q.limit is not None:
        if q.limit < 0:
            raise QueryError("--limit must be 0 (all rows) or more")
        if q.limit >= 2**63:
            raise QueryError("--limit is larger than SQLite's largest integer")
        if q.limit > 0:
            sql += f" LIMIT {int(q.limit)}"
    return sql, args_join + args


def snippet(text: Optional[str], terms: list[str], width: int = 24) -> str:
    if not text:
        return ""
    pos = min((text.find(t) for t in terms if t and text.find(t) >= 0), default=-1)
    if pos < 0:
        return text[: 2 * width] + ("…" if len(text) > 2 * width else "")
    a, b = max(0, pos - width), min(len(text), pos + width + max(len(t) for t in terms))
    return ("…" if a else "") + text[a:b].replace("\n", " ") + ("…" if b < len(text) else "")


def iter_rows(db, q: Query) -> Iterator[dict]:
    """The rows of ``run_query`` one at a time, as SQLite gives them (the database stays open until
    the last is taken or the iterator is closed). Errors in the query raise on the first ``next``."""
    con = open_index(db, create=False, readonly=True)
    try:
        sql, args = build_sql(con, q)
        try:
            cur = con.execute(sql, args)
        except sqlite3.OperationalError as e:
            raise QueryError(f"query failed: {e}") from None
        terms = re.split(r"\s+", q.text.strip()) if q.text else []
        names = [d[0] for d in cur.description]
        at = names.index("_text")
        keys = [k for k in ALL_COLUMNS if k in names or k == "snippet"]
        for r in cur:
            d = dict(zip(names, r))
            d["snippet"] = snippet(r[at], terms) if terms else snippet(r[at], [], 30)
            yield {k: d[k] for k in keys}
    finally:
        con.close()


def run_query(db, q: Query) -> list[dict]:
    """Rows (dicts, keys in ALL_COLUMNS order) for the query; raises QueryError / IndexFailure."""
    return list(iter_rows(db, q))


def count_rows(db, q: Query) -> int:
    """How many rows ``q`` has without its limit (one count(*), no rows built)."""
    con = open_index(db, create=False, readonly=True)
    try:
        sql, args = build_sql(con, q, count=True)
        try:
            return con.execute(sql, args).fetchone()[0]
        except sqlite3.OperationalError as e:
            raise QueryError(f"query failed: {e}") from None
    finally:
        con.close()


# ----------------------------------------------------------------------------------------------
# output


def default_columns(q: Query) -> list[str]:
    cols = ["doc_number", "path", "labels", "heading", "page"]
    if q.lead or q.responsible or q.unit:
        cols += ["lead", "responsible"]
    if q.year_target is not None:
        cols += ["target", "value", "unit", "year"]
    if q.text:
        cols.append("snippet")
    return cols


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _cut(s: str, limit: int) -> str:
    out, w = [], 0
    for ch in s:
        cw = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if w + cw > limit - 1:
            out.append("…")
            return "".join(out)
        out.append(ch)
        w += cw
    return "".join(out)


TABLE_LIMIT = 50  # rows the table shows unless --limit says otherwise (--limit 0: all)
_BLOCK = 100  # rows the table's column widths are measured on before it starts printing
_CELL_LIMITS = {"heading": 40, "snippet": 60, "title": 40, "target": 40, "lead": 30, "responsible": 30}


def _cells(r: dict, columns: list[str]) -> list[str]:
    return [_cut("" if r.get(c) is None else str(r.get(c)).replace("\n", " "), _CELL_LIMITS.get(c, 60))
            for c in columns]


def table_lines(rows: Iterable[dict], columns: list[str],
                more: Optional[Callable[[int], int]] = None) -> Iterator[str]:
    """The table, line by line, as the rows arrive: column widths are measured on the first
    ``_BLOCK`` rows (later cells are cut to them), so any number of rows streams in constant memory.
    ``more(shown)`` says how many rows a limit left out; the last line says so."""
    head = [HEADERS.get(c, c) for c in columns]
    it = iter(rows)
    block = []
    for r in it:
        block.append(_cells(r, columns))
        if len(block) >= _BLOCK:
            break
    widths = [max(_width(row[i]) for row in [head] + block) for i in range(len(columns))]

    def line(row):
        return "  ".join(cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(row)).rstrip()

    yield line(head)
    yield "  ".join("-" * w for w in widths)
    n = 0
    for row in block:
        yield line(row)
        n += 1
    for r in it:
        yield line([_cut(cell, widths[i]) if _width(cell) > widths[i] else cell
                    for i, cell in enumerate(_cells(r, columns))])
        n += 1
    rows_word = f"{n} row{'s' if n != 1 else ''}"
    left = more(n) if more is not None else 0
    if left > 0:
        yield f"({rows_word} shown, {left} more: --limit N shows N, --limit 0 all)"
    else:
        yield f"({rows_word})"


def format_rows(rows: list[dict], columns: list[str], fmt: str) -> str:
    if fmt == "json":
        return json.dumps([{c: r.get(c) for c in columns} for r in rows], ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(columns)
        for r in rows:
            w.writerow(["" if r.get(c) is None else r.get(c) for c in columns])
        return buf.getvalue()
    # table: CJK-aware widths, long cells cut
    return "\n".join(table_lines(rows, columns)) + "\n"


__all__ = ["Query", "QueryError", "IndexFailure", "run_query", "iter_rows", "count_rows", "table_lines",
           "TABLE_LIMIT", "format_rows", "default_columns",
           "check_columns", "parse_date", "ALL_COLUMNS", "FORMATS"]
