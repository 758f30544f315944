"""Index and query at scale: a generated index of 1,000 issues, queried (issue 9).

    python benchmarks/bench_index.py [--issues 1000] [--db PATH] [--repeat 5]

The issues are generated from the sample issue's parsed JSON (samples/cq-gazette-2022-14.txt):
each copy gets its own sha256, issue number, date and 文号, and its clauses are reshuffled with
other clauses' sentences, so the text (real Chinese) and the units differ from issue to issue.
Prints the indexing rate, the database size and the median time of each query (with its hit
count), and writes benchmarks/results/bench_index.json.
"""

from __future__ import annotations

import argparse
import copy
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
from gazette_parser.index import load_issues, open_index, stats  # noqa: E402
from gazette_parser.query import Query, run_query  # noqa: E402

PREFIXES = ["渝府发", "渝府办发", "渝府办", "渝府令", "渝府函", "京政发", "京政办发", "穗府办规"]


def _walk(cs):
    for c in cs:
        yield c
        yield from _walk(c.get("children") or [])


def generate(template: dict, n: int, seed: int = 9):
    rng = random.Random(seed)
    pool = [c["text"] for d in template["documents"] for c in _walk(d["clauses"]) if c.get("text")]
    sentences = [s + "。" for t in pool for s in t.split("。") if len(s) > 6]
    units = sorted({u["canonical"] for d in template["documents"] for c in _walk(d["clauses"])
                    for u in c["lead_units"] + c["responsible_units"]}) or ["市城市管理局"]
    for k in range(n):
        data = copy.deepcopy(template)
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
                    t["value"] = Decimal(rng.randint(1, 9999)) / 100
        yield data


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--issues", type=int, default=1000)
    ap.add_argument("--db", help="keep the database here (default: a temporary file)")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()

    template = json.loads(gazette_parser.parse(ROOT / "samples" / "cq-gazette-2022-14.txt").to_json(),
                          parse_float=Decimal)
    tmp = tempfile.TemporaryDirectory()
    db = Path(args.db) if args.db else Path(tmp.name) / "bench.db"
    if db.exists():
        db.unlink()
    con = open_index(db)
    t0 = time.perf_counter()
    ok, failed = load_issues(con, ((d["source"]["path"], lambda d=d: d) for d in generate(template, args.issues)))
    assert (ok, failed) == (args.issues, 0)
    build = time.perf_counter() - t0
    counts = stats(con)
    con.close()
    size_mb = db.stat().st_size / 2**20

    queries = {
        "--lead 市城市管理局": Query(lead="市城市管理局"),
        "--text 老旧小区": Query(text="老旧小区"),
        "--text 垃圾分类 --limit 20": Query(text="垃圾分类", limit=20),
        "--text 绿化 (2 chars, scan)": Query(text="绿化"),
        "--year-target 2025": Query(year_target=2025),
        "--doc-number 渝府办发 --from 2022 --to 2022": Query(doc_number="渝府办发", date_from="2022", date_to="2022"),
        "--lead 市城市管理局 --text 垃圾 --year-target 2025": Query(lead="市城市管理局", text="垃圾", year_target=2025),
        "--responsible 市公安局 --from 2020-01 --to 2021-06": Query(responsible="市公安局", date_from="2020-01",
                                                                     date_to="2021-06"),
    }
    timings = []
    for label, q in queries.items():
        times, n = [], 0
        for _ in range(args.repeat):
            t = time.perf_counter()
            n = len(run_query(db, q))
            times.append(time.perf_counter() - t)
        timings.append({"query": label, "rows": n, "median_s": round(statistics.median(times), 4),
                        "max_s": round(max(times), 4)})

    print(f"index: {args.issues} generated issues, {counts['documents']} documents, {counts['clauses']} clauses, "
          f"{counts['units']} units, {counts['targets']} targets; built in {build:.1f} s "
          f"({args.issues / build:.1f} issues/s); {size_mb:.0f} MB; {os.cpu_count()} cores\n")
    print("| query | rows | median s | max s |")
    print("|---|---:|---:|---:|")
    for r in timings:
        print(f"| `{r['query']}` | {r['rows']} | {r['median_s']} | {r['max_s']} |")
    res = ROOT / "benchmarks" / "results"
    res.mkdir(parents=True, exist_ok=True)
    (res / "bench_index.json").write_text(json.dumps({"issues": args.issues, "counts": counts,
                                                      "build_s": round(build, 1), "size_mb": round(size_mb, 1),
                                                      "queries": timings}, ensure_ascii=False, indent=2) + "\n")
    tmp.cleanup()


if __name__ == "__main__":
    main()
