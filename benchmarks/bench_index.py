"""Index and query at scale: 1,000 issues indexed, then queried with the default output.

    python benchmarks/bench_index.py [--issues 1000] [--db PATH] [--repeat 20] [--no-word-cache] [--no-readers]

The issues are generated from the sample issue's parsed JSON (samples/cq-gazette-2022-14.txt):
each copy gets its own sha256, issue number, date and 文号, and its clauses are reshuffled with
other clauses' sentences, so the text (real Chinese) and the units differ from issue to issue.
They are written as JSON files first (not timed); the timed part is `gazette-parse index DIR`'s
work, ``index_paths``: reading each JSON and inserting it (reading, checking and segmenting run in
worker processes when there are 20 files or more: the CPU time printed includes theirs). Each query then runs ``--repeat`` times
as `gazette-parse query` prints it by default — the table's first 50 rows and, when there are
more, the count of the rest — and the p50 and p95 of its wall and CPU time (SQLite runs in this
process, so CPU time is the query's own work, whatever else the machine runs) are printed with its
row count.
Every copy's clauses are made of the sample's own sentences, so jieba's per-sentence cache
(words.segment) hits far more often than on a real archive: ``--no-word-cache`` measures indexing
with every sentence segmented afresh, the bound for an archive that never repeats a sentence.
Also writes benchmarks/results/bench_index.json.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import gazette_parser  # noqa: E402
from gazette_parser.emit.json import ExactFloat, _write  # noqa: E402
from gazette_parser.index import index_paths, open_index, stats  # noqa: E402
from gazette_parser.query import (TABLE_LIMIT, Query, count_rows, default_columns, iter_rows,  # noqa: E402
                                  table_lines)

PREFIXES = ["渝府发", "渝府办发", "渝府办", "渝府令", "渝府函", "京政发", "京政办发", "穗府办规"]


def _walk(cs):
    for c in cs:
        yield c
        yield from _walk(c.get("children") or [])


def generate(template: str, n: int, seed: int = 9):
    rng = random.Random(seed)
    text = template
    template = json.loads(text)
    pool = [c["text"] for d in template["documents"] for c in _walk(d["clauses"]) if c.get("text")]
    sentences = [s + "。" for t in pool for s in t.split("。") if len(s) > 6]
    units = sorted({u["canonical"] for d in template["documents"] for c in _walk(d["clauses"])
                    for u in c["lead_units"] + c["responsible_units"]}) or ["市城市管理局"]
    for k in range(n):
        data = json.loads(text)
        year = 2010 + k % 16
        data["source"]["sha256"] = f"{k:064x}"
        data["source"]["path"] = f"generated/issue-{k:04d}.pdf"
        data["issue"].update(year=year, number=k % 24 + 1, total_number=k + 1,
                             publish_date=f"{year}-{k % 12 + 1:02d}-15")
        for j, doc in enumerate(data["documents"]):
            prefix = rng.choice(PREFIXES)
            doc["doc_number"] = f"{prefix}〔{year}〕{k % 200 + j + 1}号"
            doc["doc_number_parts"] = {"prefix": prefix, "year": year, "serial": k % 200 + j + 1}
            doc["date"] = f"{year}-{k % 12 + 1:02d}-{j + 1:02d}"
            for c in _walk(doc["clauses"]):
                c["text"] = (c["text"] or "") + "".join(rng.sample(sentences, k=min(2, len(sentences))))
                for u in c["lead_units"] + c["responsible_units"]:
                    name = rng.choice(units)
                    u["canonical"] = u["name"] = name
                for t in c["targets"]:
                    t["year"] = rng.choice([2023, 2025, 2027, 2030])
                    t["value"] = ExactFloat(Decimal(rng.randint(1, 9999)) / 100)
        yield data


def write_issues(template: str, n: int, d: Path) -> None:
    for k, data in enumerate(generate(template, n)):
        out: list[str] = []
        _write(data, out, "\n")
        (d / f"issue-{k:04d}.json").write_text("".join(out) + "\n", encoding="utf-8")


def default_output(db: Path, q: Query) -> int:
    """What `gazette-parse query` does by default: the first rows as a table, and the count of the rest."""
    q = Query(**{**q.__dict__, "limit": TABLE_LIMIT})
    total = [0]

    def more(n: int) -> int:  # as the command: counted once, only when the limit was reached
        left = count_rows(db, q) - n if n >= TABLE_LIMIT else 0
        total[0] = n + left
        return left

    list(table_lines(iter_rows(db, q), default_columns(q), more))
    return total[0]


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (index_paths's reader processes,
    which it ends and waits for before it returns)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p * (len(xs) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--issues", type=int, default=1000)
    ap.add_argument("--db", help="keep the database here (default: a temporary file)")
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--no-word-cache", action="store_true",
                    help="segment every sentence afresh (the generated issues reuse one issue's sentences, "
                         "so the per-sentence cache hits far more often than on a real archive)")
    ap.add_argument("--no-readers", action="store_true",
                    help="read, check and segment every file in this process (no reader processes)")
    args = ap.parse_args()
    from gazette_parser import index, words

    if args.no_readers:
        index.POOL_MIN_FILES = 2**62

    if args.no_word_cache:
        words._segment_piece = functools.lru_cache(maxsize=0)(words._segment_piece.__wrapped__)

    template = gazette_parser.to_json(gazette_parser.parse(ROOT / "samples" / "cq-gazette-2022-14.txt"))
    tmp = tempfile.TemporaryDirectory()
    inputs = Path(tmp.name) / "json"
    inputs.mkdir()
    write_issues(template, args.issues, inputs)
    db = Path(args.db) if args.db else Path(tmp.name) / "bench.db"
    if db.exists():
        db.unlink()
    con = open_index(db)
    t0, c0 = time.perf_counter(), _cpu()
    ok, failed = index_paths(con, [str(inputs)])
    build, build_cpu = time.perf_counter() - t0, _cpu() - c0
    assert (ok, failed) == (args.issues, 0)
    counts = stats(con)
    con.close()
    size_mb = db.stat().st_size / 2**20

    queries = {
        "--text 老旧小区 (phrase)": Query(text="老旧小区"),
        "--text 绿化 (2 characters)": Query(text="绿化"),
        "--lead 市城市管理局": Query(lead="市城市管理局"),
        "--year-target 2025": Query(year_target=2025),
        "--from 2020-01 --to 2021-06": Query(date_from="2020-01", date_to="2021-06"),
        "--lead 市城市管理局 --text 垃圾 --year-target 2025": Query(lead="市城市管理局", text="垃圾", year_target=2025),
        "--doc-number 渝府办发 --from 2022 --to 2022": Query(doc_number="渝府办发", date_from="2022", date_to="2022"),
        "--responsible 市公安局 --from 2020-01 --to 2021-06": Query(responsible="市公安局", date_from="2020-01",
                                                                     date_to="2021-06"),
    }
    timings = []
    for label, q in queries.items():
        default_output(db, q)  # warm: the page cache, the unit registry
        times, cpu, n = [], [], 0
        for _ in range(args.repeat):
            t, c = time.perf_counter(), time.process_time()
            n = default_output(db, q)
            times.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
        timings.append({"query": label, "rows": n, "p50_s": round(_pct(times, 0.5), 4),
                        "p95_s": round(_pct(times, 0.95), 4), "cpu_p50_s": round(_pct(cpu, 0.5), 4),
                        "cpu_p95_s": round(_pct(cpu, 0.95), 4)})

    cache = words._segment_piece.cache_info()
    where = (f"{cache.hits} hits, {cache.misses} misses" if cache.hits + cache.misses
             else "in the reader processes, not counted")
    print(f"benchmarks/bench_index.py --issues {args.issues} --repeat {args.repeat}"
          f"{' --no-readers' if args.no_readers else ''}: "
          f"{counts['documents']} documents, {counts['clauses']} clauses, "
          f"{counts['units']} units, {counts['targets']} targets; indexed in {build:.1f} s wall, {build_cpu:.1f} s CPU "
          f"({args.issues / build:.0f} issues/s); {size_mb:.0f} MB; {os.cpu_count()} cores; "
          f"jieba sentence cache {'off' if args.no_word_cache else 'on'} ({where})\n")
    print(f"| query (default output: table of the first {TABLE_LIMIT} rows + count) | rows | p50 s | p95 s "
          "| CPU p50 s | CPU p95 s |")
    print("|---|---:|---:|---:|---:|---:|")
    for r in timings:
        print(f"| `{r['query']}` | {r['rows']} | {r['p50_s']} | {r['p95_s']} | {r['cpu_p50_s']} | {r['cpu_p95_s']} |")
    res = ROOT / "benchmarks" / "results"
    res.mkdir(parents=True, exist_ok=True)
    (res / "bench_index.json").write_text(json.dumps({"issues": args.issues, "counts": counts,
                                                      "build_s": round(build, 1), "size_mb": round(size_mb, 1),
                                                      "queries": timings}, ensure_ascii=False, indent=2) + "\n")
    tmp.cleanup()


if __name__ == "__main__":
    main()
