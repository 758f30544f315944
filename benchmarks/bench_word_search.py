"""Word search at scale: 2-character word queries on an index of 1,000 generated issues (issue 17).

    python benchmarks/bench_word_search.py [--issues 1000] [--db PATH [--reuse]] [--repeat 7]

The issues are bench_index.py's (the sample issue, each copy with its own numbers, dates and
reshuffled sentences). For each word it reports the median time of a ranked query for the top 20
(what a search page shows) and of the whole result, and checks recall and precision exactly: the
clauses that contain the word *as a word* are found by segmenting, with jieba, every clause that
contains its characters at all (a substring scan), and must be exactly the clauses returned; the
top 20 must be FTS5's own first 20 (``ORDER BY rank, rowid``), in that order. The index is built
by ``load_issues`` as ``gazette-parse index`` builds it, so its time includes the stored ranking of
frequent words (ranking.py), and the table says which words a query answered from it. Then, on a
copy of the index, it times the stored ranking's upkeep: computed from the whole index, and brought
up to date after adding one issue and after replacing one (``--no-upkeep`` skips it), checking
after each that every stored word's top 20 is FTS5's own.
Writes benchmarks/results/bench_word_search.json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import gazette_parser  # noqa: E402
from bench_index import generate  # noqa: E402
from gazette_parser import ranking  # noqa: E402
from gazette_parser.index import load_issues, open_index, stats  # noqa: E402
from gazette_parser.query import Query, run_query  # noqa: E402
from gazette_parser.words import segment  # noqa: E402

WORDS = ["就业", "住房", "养老", "消费", "融资", "公园", "绿化"]
LIMIT_MS = 50.0


def _timed(db, q: Query, repeat: int):
    times, rows = [], []
    for _ in range(repeat):
        t = time.perf_counter()
        rows = run_query(db, q)
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), max(times), rows


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the rebuild's worker processes)."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _exact(con) -> bool:
    """Every stored word's top 20 from its stored ranking is FTS5's own (ids and bm25 values);
    there must be such words (an index of 100 issues or more has some)."""
    words = [w for (w,) in con.execute("SELECT word FROM words_ranked")]
    return bool(words) and all(
        ranking.top(con, w, 20) == [tuple(r) for r in con.execute(
            "SELECT rowid, bm25(clauses_words) FROM clauses_words WHERE clauses_words MATCH ?"
            " ORDER BY rank, rowid LIMIT 20", (f'"{w}"',))]
        for w in words)


def _upkeep(db: Path, work: Path, template: str, n_issues: int) -> list[tuple[str, float, float, bool]]:
    """The stored ranking's upkeep, timed on a copy of the index: computing it from the whole
    index (a first run, or a run that changes more than a quarter of the rows), and bringing it up
    to date after adding one issue and after replacing one. Each is checked exact afterwards."""
    shutil.copy(db, work)
    con = open_index(work)
    con.row_factory = None
    out = []
    t, c = time.perf_counter(), _cpu()
    with con:
        ranking.rebuild(con)
    out.append(("computed from the whole index", time.perf_counter() - t, _cpu() - c, _exact(con)))
    issues = list(generate(template, n_issues + 1))
    for label, data in (("after adding one issue", issues[-1]), ("after replacing one issue", issues[n_issues // 2])):
        timed: list[float] = []
        refresh = ranking.refresh

        def measured(con, refresh=refresh, timed=timed):
            t, c = time.perf_counter(), _cpu()
            refresh(con)
            timed += [time.perf_counter() - t, _cpu() - c]
        ranking.refresh = measured  # load_issues calls it after its load
        try:
            assert load_issues(con, [(data["source"]["path"], lambda d=data: d)]) == (1, 0)
        finally:
            ranking.refresh = refresh
        out.append((label, timed[0], timed[1], _exact(con)))
    con.close()
    work.unlink()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--issues", type=int, default=1000)
    ap.add_argument("--db", help="keep the database here (default: a temporary file)")
    ap.add_argument("--reuse", action="store_true", help="use an existing --db instead of rebuilding it")
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--no-upkeep", action="store_true", help="skip timing the stored ranking's upkeep")
    args = ap.parse_args()

    tmp = tempfile.TemporaryDirectory()
    db = Path(args.db) if args.db else Path(tmp.name) / "bench.db"
    build = None
    template = gazette_parser.to_json(gazette_parser.parse(ROOT / "samples" / "cq-gazette-2022-14.txt"))
    if not (args.reuse and db.exists()):
        if db.exists():
            db.unlink()
        con = open_index(db)
        t0 = time.perf_counter()
        ok, failed = load_issues(con, ((d["source"]["path"], lambda d=d: d)
                                       for d in generate(template, args.issues)))
        assert (ok, failed) == (args.issues, 0)
        build = time.perf_counter() - t0
        con.close()
    con = open_index(db, create=False, readonly=True)
    counts = stats(con)
    run_query(db, Query(text="就业", limit=1))  # load jieba once, as a long-running process would

    results, ok = [], True
    for w in WORDS:
        top_med, top_max, top = _timed(db, Query(text=w, limit=20), args.repeat)
        all_med, all_max, rows = _timed(db, Query(text=w), max(3, args.repeat // 2))
        got = {r["clause_id"] for r in rows}
        expected = {cid for cid, h, t in con.execute(
            "SELECT id, heading, text FROM clauses WHERE instr(coalesce(heading, ''), ?) > 0 "
            "OR instr(coalesce(text, ''), ?) > 0", (w, w))
            if w in segment(h).split() or w in segment(t).split()}
        ranks = dict(con.execute("SELECT rowid, bm25(clauses_words) FROM clauses_words WHERE clauses_words "
                                 "MATCH ?", (f'"{w}"',)))
        # the first 20 must be FTS5's own first 20 (bm25, ties by clause id), whichever way the
        # query got them (its stored ranking, ranking.py, or the plain FTS5 join)
        best = [rid for (rid,) in con.execute("SELECT rowid FROM clauses_words WHERE clauses_words MATCH ?"
                                              " ORDER BY rank, rowid LIMIT 20", (f'"{w}"',))]
        ranked = [r["clause_id"] for r in top] == best and \
            [ranks[r["clause_id"]] for r in top] == sorted(ranks[r["clause_id"]] for r in top)
        stored = ranking.top(con, w, 20) is not None
        exact = got == expected
        ok = ok and exact and ranked and top_med < LIMIT_MS
        results.append({"word": w, "hits": len(rows), "expected": len(expected), "exact": exact,
                        "ranked": ranked, "stored": stored, "top20_median_ms": round(top_med, 1),
                        "top20_max_ms": round(top_max, 1),
                        "all_median_ms": round(all_med, 1), "all_max_ms": round(all_max, 1)})
    con.close()
    size_mb = db.stat().st_size / 2**20
    upkeep = [] if args.no_upkeep else _upkeep(db, db.with_name(db.name + ".upkeep"), template, counts["issues"])
    ok = ok and all(exact for *_, exact in upkeep)

    print(f"index: {counts['issues']} issues, {counts['clauses']} clauses; "
          + (f"built in {build:.0f} s; " if build is not None else "reused; ")
          + f"{size_mb:.0f} MB; {os.cpu_count()} cores\n")
    print("| word | hits | = words by segmentation | FTS5's first 20, in order | from stored ranking "
          "| top 20 median / max ms | all rows median / max ms |")
    print("|---|---:|---|---|---|---:|---:|")
    for r in results:
        print(f"| {r['word']} | {r['hits']} | {'yes' if r['exact'] else 'NO (%d)' % r['expected']} | "
              f"{'yes' if r['ranked'] else 'NO'} | {'yes' if r['stored'] else 'no'} | "
              f"{r['top20_median_ms']} / {r['top20_max_ms']} | "
              f"{r['all_median_ms']} / {r['all_max_ms']} |")
    if upkeep:
        print(f"\nthe stored ranking's upkeep ({counts['issues']} issues; on a copy of the index):\n")
        print("| stored ranking | wall s | CPU s | every stored word's top 20 = FTS5's |")
        print("|---|---:|---:|---|")
        for label, wall, cpu, exact in upkeep:
            print(f"| {label} | {wall:.2f} | {cpu:.2f} | {'yes' if exact else 'NO'} |")
    print(f"\n{'PASS' if ok else 'FAIL'}: every word exact, ranked, top 20 in < {LIMIT_MS:.0f} ms"
          + (", stored rankings exact" if upkeep else ""))
    res = ROOT / "benchmarks" / "results"
    res.mkdir(parents=True, exist_ok=True)
    (res / "bench_word_search.json").write_text(json.dumps(
        {"issues": counts["issues"], "clauses": counts["clauses"], "build_s": build and round(build, 1),
         "size_mb": round(size_mb, 1), "words": results,
         "upkeep": [{"what": label, "wall_s": round(w, 2), "cpu_s": round(c, 2), "exact": e}
                    for label, w, c, e in upkeep], "pass": ok}, ensure_ascii=False, indent=2) + "\n")
    tmp.cleanup()
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
