"""ranking: the best rows of a one-word search without scoring every clause that has the word.

    >>> from gazette_parser import ranking
    >>> ranking.refresh(con)                # after a load (index.load_issues calls it)
    >>> ranking.top(con, "住房", 20)         # [(clause_id, bm25), …] as FTS5 ranks them
    [(137269, -0.4838411502911978), (14189, -0.4833515975009697), …]

FTS5 computes bm25 for every row a word matches before ``ORDER BY rank LIMIT n`` keeps the best
n, so the top 20 of a word in 75,000 clauses takes ~100 ms on 1,000 issues. For a phrase of one
token, FTS5's bm25 (fts5_aux.c: k1 = 1.2, b = 0.75, every column weight 1) is

    rank = -(idf * ((f * (k1 + 1)) / (f + k1 * (1 - b + b * D / avgdl))))

with f the word's occurrences in the row (heading and text), D the row's length in tokens, and
idf and avgdl the same for every row of one query. Whatever idf and avgdl are, the rank gets
better as f grows and as D shrinks. So a row *beaten* by another on both counts (f' ≥ f and
D' ≤ D; when both are equal, the lower clause id wins, as the query breaks ties) ranks below it
in every state of the index, and a row beaten by n rows or more is never among the first n.
Which rows beat which depends on f and D alone, not on idf and avgdl (which change with every
insert), so a word's stored rows are kept with the changed rows alone. For a word, the index
stores (``words_candidates``, with each row's f and D) a set S holding every row beaten by fewer
than ``depth`` rows (DEPTH when computed):

  * a row outside S is beaten by ``depth`` rows of S. (Take the first ``depth`` of its beaters in
    an order where every row comes after the rows that beat it: each is beaten only by rows
    before it, so by fewer than ``depth``, so it is in S.)
  * inserted rows: S becomes the rows of (S + the new rows that have the word) beaten by fewer
    than ``depth`` rows of that set. A row not kept is beaten by ``depth`` rows; a row outside S
    still is (beaters are never removed by an insert).
  * deleted rows: they leave S and ``depth`` falls by the number that were in S (a row outside S
    keeps at least that many beaters); below TOP, the word is computed again from the index.

As long as ``depth`` ≥ n, S holds the first n rows, and ranking S alone gives them exactly.
Words in MIN_HITS clauses or more (fts5vocab) have stored rows; below that the plain query's top
20 takes ~25 ms or less on 1,000 issues. A query (``top``) ranks the word's stored rows exactly as
FTS5 does: the same formula, in the same order of floating-point operations, with N and the
token total from the table's averages record and the word's row count from the table itself; the
tests compare every value with FTS5's own. Triggers on ``clauses`` log every inserted, updated
and deleted clause id in ``words_changes`` in the same transaction; ``refresh`` (run after each
``index`` load) brings the stored rows up to date and empties the log. While the log is not empty
(another writer between its load and its refresh), or before the first refresh, ``top`` answers
None and the query takes the plain path: stored rows never rank other contents.

Cost (benchmarks/bench_word_search.py, 1,000 issues): a refresh reads the changed rows only
(1–2 s for one issue), except when a run changes more than BULK_SHARE of the rows, or on the
first refresh, when every frequent word is computed from the index (``rebuild``: about 1 µs per
occurrence of those words; 9 s, 15 s of CPU shared among worker processes).
"""

from __future__ import annotations

import bisect
import heapq
import math
import sqlite3
from array import array
from collections import Counter, defaultdict
from operator import itemgetter
from typing import Iterable, Optional, Sequence

#: a word in this many clauses or more has stored candidates
MIN_HITS = 15_000
#: the most rows a stored ranking answers (a query with a larger --limit takes the plain path):
#: at least the table output's default limit (query.TABLE_LIMIT; a test checks it)
TOP = 50
#: a word's rows are computed as those beaten by fewer than DEPTH rows; each stored row deleted
#: later lowers that depth by one, and the word is computed again when it falls below TOP
DEPTH = 3 * TOP
#: a run that changes more than this share of the rows recomputes every word from the index
BULK_SHARE = 0.25
#: meta key set once the candidates describe the whole index
BUILT_KEY = "words_ranking"

#: bm25's constants in fts5_aux.c
K1 = 1.2
B = 0.75

SCHEMA = """
CREATE TABLE IF NOT EXISTS words_ranked (
    word  TEXT PRIMARY KEY,               -- a clauses_words term with candidates
    depth INTEGER NOT NULL                -- every row beaten by fewer rows than this is stored
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS words_candidates (
    word      TEXT NOT NULL,
    clause_id INTEGER NOT NULL,
    f         INTEGER NOT NULL,           -- occurrences of the word in the clause (heading + text)
    dl        INTEGER NOT NULL,           -- the clause's length in clauses_words tokens
    PRIMARY KEY (word, clause_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS words_changes (
    id   INTEGER PRIMARY KEY,             -- a clause id inserted, updated or deleted since the last refresh
    gone INTEGER NOT NULL DEFAULT 0       -- 1: its earlier contents were deleted or replaced
);
CREATE TRIGGER IF NOT EXISTS words_changes_ai AFTER INSERT ON clauses BEGIN
    INSERT OR IGNORE INTO words_changes (id) VALUES (new.id);
END;
CREATE TRIGGER IF NOT EXISTS words_changes_au AFTER UPDATE ON clauses BEGIN
    INSERT OR REPLACE INTO words_changes (id, gone) VALUES (old.id, 1);
    INSERT OR IGNORE INTO words_changes (id) VALUES (new.id);
END;
CREATE TRIGGER IF NOT EXISTS words_changes_ad AFTER DELETE ON clauses BEGIN
    INSERT OR REPLACE INTO words_changes (id, gone) VALUES (old.id, 1);
END;
"""


def installed(con: sqlite3.Connection) -> bool:
    return con.execute("SELECT 1 FROM sqlite_master WHERE name = 'words_candidates'").fetchone() is not None


def _varints(blob: bytes) -> list[int]:
    """FTS5's varints (SQLite's format: 7 bits a byte, high bit set on all but the last; values
    here never need the 9-byte form)."""
    out, v = [], 0
    for byte in blob:
        v = (v << 7) | (byte & 0x7F)
        if not byte & 0x80:
            out.append(v)
            v = 0
    return out


def _lengths(con: sqlite3.Connection, ids: Iterable[int]) -> dict[int, int]:
    """The length in tokens (all columns) of each row of ``ids`` that exists, from clauses_words'
    docsize table: what FTS5's xColumnSize(-1) gives bm25."""
    out: dict[int, int] = {}
    ids = list(ids)
    for k in range(0, len(ids), 500):
        chunk = ids[k:k + 500]
        marks = ",".join("?" * len(chunk))
        out.update((i, sum(_varints(sz))) for i, sz in
                   con.execute(f"SELECT id, sz FROM clauses_words_docsize WHERE id IN ({marks})", chunk))
    return out


def _all_lengths(con: sqlite3.Connection) -> Sequence[int]:
    """Every row's length, indexed by rowid (clause ids are dense): an array of 4 bytes a row
    instead of a dict of ~100, which forked workers share without copying."""
    cur = con.cursor()
    cur.row_factory = None
    top_id = cur.execute("SELECT max(id) FROM clauses_words_docsize").fetchone()[0] or 0
    lengths = array("I", bytes(array("I").itemsize * (top_id + 1)))  # zeros; "I" is 4 bytes here
    for i, sz in cur.execute("SELECT id, sz FROM clauses_words_docsize"):
        lengths[i] = sum(_varints(sz))
    return lengths


def _totals(con: sqlite3.Connection) -> tuple[int, int]:
    """(rows, tokens in all columns) of clauses_words: its averages record (%_data id 1)."""
    row = con.execute("SELECT block FROM clauses_words_data WHERE id = 1").fetchone()
    values = _varints(row[0]) if row and row[0] else [0]
    return values[0], sum(values[1:])


def prune(rows: Iterable[tuple[int, int, int]], top: int = TOP) -> list[tuple[int, int, int]]:
    """The rows of ``(f, dl, clause_id)`` beaten by fewer than ``top`` of the others (see the
    module docstring), in the order (f descending, dl, id).

    In that order, the rows before a row that beat it are exactly those with dl' ≤ its dl (a
    higher f with a dl no longer; the same f with a shorter dl or the same dl and a lower id).
    """
    kept: list[tuple[int, int, int]] = []
    seen: list[int] = []
    for f, dl, cid in sorted(rows, key=lambda r: (-r[0], r[1], r[2])):
        if bisect.bisect_right(seen, dl) < top:
            kept.append((f, dl, cid))
        bisect.insort(seen, dl)
    return kept


def _candidates_from_index(con: sqlite3.Connection, word: str, lengths: Sequence[int],
                           top: int) -> list[tuple[int, int, int]]:
    """The rows that have the word and are beaten by fewer than ``top`` of them, from every row
    that has it (fts5vocab 'instance')."""
    cur = con.cursor()
    cur.row_factory = None  # plain tuples: a word can have millions of occurrences
    f = Counter(map(itemgetter(0), cur.execute("SELECT doc FROM temp.words_instances WHERE term = ?", (word,))))
    # A row is beaten by every row at least as short (the lower id first) that has the word at
    # least as often. So a row with f = 1 is a candidate only among the `top` shortest rows of
    # all; and within one f, only the `top` shortest can be: most rows (f = 1) are looked at once.
    shortest = heapq.nsmallest(top, f, key=lambda doc: (lengths[doc], doc))
    by_f: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for doc, n in f.items():
        if n > 1:
            by_f[n].append((lengths[doc], doc))
    rows = [(f[doc], lengths[doc], doc) for doc in shortest]
    rows += [(n, dl, doc) for n, group in by_f.items() for dl, doc in heapq.nsmallest(top, group)]
    return prune(set(rows), top)


#: a rebuild of this many words or more is shared among worker processes (one per CPU, at most
#: PARALLEL_MAX): they read the index while the writer holds its write lock but has written
#: nothing yet, so they see exactly the state it will store the candidates of
PARALLEL_MIN_WORDS = 16
PARALLEL_MAX = 4
_shared: Optional[tuple[str, Sequence[int]]] = None  # (database path, row lengths) for forked workers


def _candidates_in_worker(words: list[str], top: int) -> list[tuple[str, list[tuple[int, int, int]]]]:
    assert _shared is not None
    path, lengths = _shared
    con = sqlite3.connect(path, uri=True)
    try:
        _vocab(con)
        return [(w, _candidates_from_index(con, w, lengths, top)) for w in words]
    finally:
        con.close()


def _all_candidates(con: sqlite3.Connection, words: list[tuple[str, int]],
                    top: int) -> dict[str, list[tuple[int, int, int]]]:
    """Each of ``words`` ((word, hits)) with its candidates; in worker processes when there are
    many words, more than one CPU, fork, and a database file."""
    global _shared
    import os

    from .fsutil import sqlite_uri
    from .workers import can_fork, pool

    lengths = _all_lengths(con)
    path = next((r[2] for r in con.execute("PRAGMA database_list") if r[1] == "main"), "")
    n = min(os.cpu_count() or 1, PARALLEL_MAX)
    if n < 2 or len(words) < PARALLEL_MIN_WORDS or not path or not can_fork():
        return {w: _candidates_from_index(con, w, lengths, top) for w, _ in words}

    # the most frequent words first, dealt round: each worker gets a like share of occurrences
    ranked = [w for w, _ in sorted(words, key=lambda x: (-x[1], x[0]))]
    _shared = (sqlite_uri(path, "ro"), lengths)  # inherited by the forked workers, not pickled
    try:
        with pool(n) as workers:  # forked (can_fork above): they inherit _shared
            parts = workers.starmap(_candidates_in_worker, [(ranked[i::n], top) for i in range(n)])
    finally:
        _shared = None
    return {w: cands for part in parts for w, cands in part}


def _vocab(con: sqlite3.Connection) -> None:
    con.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.words_rows USING fts5vocab(main, clauses_words, 'row')")
    con.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.words_instances "
                "USING fts5vocab(main, clauses_words, 'instance')")


def _store(con: sqlite3.Connection, word: str, cands: list[tuple[int, int, int]]) -> None:
    con.execute("DELETE FROM words_candidates WHERE word = ?", (word,))
    con.executemany("INSERT INTO words_candidates VALUES (?,?,?,?)", [(word, cid, f, dl) for f, dl, cid in cands])


def rebuild(con: sqlite3.Connection, min_hits: Optional[int] = None) -> int:
    """Every frequent word's candidates from the whole index, inside the caller's transaction.
    Returns the number of words."""
    min_hits = MIN_HITS if min_hits is None else min_hits  # read at call time (tests lower it)
    _vocab(con)
    words = [(t, n) for t, n in con.execute(
        "SELECT term, doc FROM temp.words_rows WHERE doc >= ? ORDER BY term", (min_hits,))]
    computed = _all_candidates(con, words, DEPTH) if words else {}  # before any write (see above)
    con.execute("DELETE FROM words_candidates")
    con.execute("DELETE FROM words_ranked")
    for w, _ in words:
        _store(con, w, computed[w])
    con.executemany("INSERT INTO words_ranked VALUES (?,?)", [(w, DEPTH) for w, _ in words])
    con.execute("DELETE FROM words_changes")
    con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (BUILT_KEY, _setting(min_hits)))
    return len(words)


def _update(con: sqlite3.Connection, changes: list[tuple[int, int]], min_hits: int) -> None:
    """Bring the candidates up to date with the logged changes (the module docstring's rules)."""
    _vocab(con)
    gone = sorted(i for i, g in changes if g)
    fresh = _lengths(con, [i for i, _ in changes])  # the changed rows that exist now, with their lengths
    depth = dict(con.execute("SELECT word, depth FROM words_ranked"))
    # deleted rows: each stored row of a word that went lowers the word's depth by one
    lost: Counter = Counter()
    for k in range(0, len(gone), 500):
        chunk = gone[k:k + 500]
        marks = ",".join("?" * len(chunk))
        lost.update(w for (w,) in con.execute(f"SELECT word FROM words_candidates WHERE clause_id IN ({marks})", chunk))
        con.execute(f"DELETE FROM words_candidates WHERE clause_id IN ({marks})", chunk)
    for w, n in lost.items():
        depth[w] -= n
    terms: list[str] = []
    if fresh:
        # the new rows alone in a temporary FTS5 table with the same tokenizer: its instances are
        # the words' occurrences in them, counted as clauses_words counts them
        con.execute("DROP TABLE IF EXISTS temp.words_fresh")
        con.execute("CREATE VIRTUAL TABLE temp.words_fresh USING fts5(heading, text, "
                    "tokenize=\"unicode61 remove_diacritics 0\")")
        con.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.words_fresh_instances "
                    "USING fts5vocab(temp, words_fresh, 'instance')")
        con.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.words_fresh_rows "
                    "USING fts5vocab(temp, words_fresh, 'row')")
        ids = sorted(fresh)
        for k in range(0, len(ids), 500):
            chunk = ids[k:k + 500]
            con.execute("INSERT INTO temp.words_fresh (rowid, heading, text) SELECT rowid, heading, text "
                        f"FROM clauses_words WHERE rowid IN ({','.join('?' * len(chunk))})", chunk)
        terms = [t for (t,) in con.execute("SELECT term FROM temp.words_fresh_rows")]
    # from the index again: a word whose depth fell below TOP, and a word of the new rows that now
    # has enough hits (a word with stored rows stays while it has them: it costs nothing)
    hits = {t: _hits(con, t) for t in terms if t not in depth}
    hits.update((w, _hits(con, w)) for w, d in depth.items() if d < TOP)
    recompute = sorted(w for w, n in hits.items() if n >= min_hits or w in depth)
    if recompute:
        lengths = _all_lengths(con)
        for w in recompute:
            if hits[w] < min_hits:
                con.execute("DELETE FROM words_candidates WHERE word = ?", (w,))
                con.execute("DELETE FROM words_ranked WHERE word = ?", (w,))
                depth.pop(w, None)
                continue
            _store(con, w, _candidates_from_index(con, w, lengths, DEPTH))
            depth[w] = DEPTH
    if fresh:
        for w in sorted(set(depth) - set(recompute)):
            f = Counter(doc for (doc,) in con.execute(
                "SELECT doc FROM temp.words_fresh_instances WHERE term = ?", (w,)))
            if not f:
                continue
            old = [(n, dl, cid) for cid, n, dl in con.execute(
                "SELECT clause_id, f, dl FROM words_candidates WHERE word = ?", (w,))]
            kept = set(prune(old + [(n, fresh[doc], doc) for doc, n in f.items()], depth[w]))
            # write the difference only: an issue changes few of a word's ~600 rows
            con.executemany("DELETE FROM words_candidates WHERE word = ? AND clause_id = ?",
                            [(w, cid) for _, _, cid in set(old) - kept])
            con.executemany("INSERT INTO words_candidates VALUES (?,?,?,?)",
                            [(w, cid, n, dl) for n, dl, cid in sorted(kept - set(old))])
        con.execute("DROP TABLE temp.words_fresh")
    con.execute("DELETE FROM words_ranked")
    con.executemany("INSERT INTO words_ranked VALUES (?,?)", sorted(depth.items()))
    con.execute("DELETE FROM words_changes")


def _setting(min_hits: int) -> str:
    """What the stored rows were computed for: other settings mean a rebuild."""
    return f"{min_hits} {DEPTH}"


def _hits(con: sqlite3.Connection, word: str) -> int:
    row = con.execute("SELECT doc FROM temp.words_rows WHERE term = ?", (word,)).fetchone()
    return row[0] if row else 0


def refresh(con: sqlite3.Connection) -> None:
    """Bring the stored candidates up to date with the index, in one write transaction of its
    own (``BEGIN IMMEDIATE``: against one state of the contents)."""
    if not installed(con):
        return
    saved = con.isolation_level
    con.commit()
    con.isolation_level = None
    try:
        con.execute("BEGIN IMMEDIATE")
        try:
            built = con.execute("SELECT value FROM meta WHERE key = ?", (BUILT_KEY,)).fetchone()
            changes = con.execute("SELECT id, gone FROM words_changes").fetchall()
            rows, _ = _totals(con)
            if built is None or built[0] != _setting(MIN_HITS) or len(changes) > BULK_SHARE * max(rows, 1):
                rebuild(con)
            elif changes:
                _update(con, changes, MIN_HITS)
            con.execute("COMMIT")
        except BaseException:
            if con.in_transaction:
                con.execute("ROLLBACK")
            raise
    finally:
        con.isolation_level = saved


def top(con: sqlite3.Connection, word: str, limit: int) -> Optional[list[tuple[int, float]]]:
    """The first ``limit`` rows of ``MATCH '"word"' ORDER BY rank, rowid`` on clauses_words, as
    (clause id, bm25), from the word's candidates; None when they cannot answer (no candidates
    for the word, a larger limit, changes not yet refreshed, an index without the tables)."""
    if limit < 1 or limit > TOP or not installed(con):
        return None
    own = not con.in_transaction  # one read transaction: every read below sees one state
    if own:
        con.execute("BEGIN")
    try:
        return _top(con, word, limit)
    finally:
        if own:
            con.execute("COMMIT")


def _top(con: sqlite3.Connection, word: str, limit: int) -> Optional[list[tuple[int, float]]]:
    if con.execute("SELECT 1 FROM meta WHERE key = ?", (BUILT_KEY,)).fetchone() is None:
        return None
    if con.execute("SELECT 1 FROM words_changes LIMIT 1").fetchone() is not None:
        return None
    depth = con.execute("SELECT depth FROM words_ranked WHERE word = ?", (word,)).fetchone()
    if depth is None or depth[0] < limit:
        return None
    cands = con.execute("SELECT clause_id, f, dl FROM words_candidates WHERE word = ?", (word,)).fetchall()
    if not cands:  # (a word with stored rows has some; the plain path answers otherwise)
        return None
    _vocab(con)
    n_rows, n_tokens = _totals(con)
    score = scorer(n_rows, n_tokens, _hits(con, word))
    return heapq.nsmallest(limit, ((cid, score(f, dl)) for cid, f, dl in cands), key=lambda r: (r[1], r[0]))


def scorer(n_rows: int, n_tokens: int, n_hit: int):
    """FTS5's bm25 of a one-token phrase as a function of (f, D), for a table of ``n_rows`` rows
    and ``n_tokens`` tokens where the phrase is in ``n_hit`` rows: operation for operation what
    fts5Bm25GetData and fts5Bm25Function compute (one phrase, column weights 1.0)."""
    avgdl = float(n_tokens) / float(n_rows)
    idf = math.log((n_rows - n_hit + 0.5) / (n_hit + 0.5))
    if idf <= 0.0:
        idf = 1e-6

    def bm25(f: int, dl: int) -> float:
        freq = 0.0 + f  # aFreq: the sum of a weight of 1.0 per occurrence
        score = 0.0 + idf * ((freq * (K1 + 1.0)) / (freq + K1 * (1 - B + B * float(dl) / avgdl)))
        return -1.0 * score

    return bm25


__all__ = ["refresh", "rebuild", "top", "scorer", "prune", "installed", "SCHEMA", "MIN_HITS", "TOP"]
