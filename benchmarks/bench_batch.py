"""Batch throughput with the default settings, and what it means for a shelf of 10,000 issues.

    python benchmarks/bench_batch.py [--files 200] [--txt] [--jobs N …]

Inputs are distinct copies of the sample issue's PDF (samples/cq-gazette-2022-14.pdf, 41 pages;
with --txt its text), each converted from scratch into a fresh OUTDIR by ``run_batch`` with the
default options (backend, OCR, format; ``--jobs`` default: one worker per core). Prints a markdown
table with the projection for 10,000 such issues (the measured time per file × 10,000) and
writes benchmarks/results/bench_batch_pdf.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gazette_parser.batch import BatchOptions, run_batch  # noqa: E402


def make_inputs(d: Path, n: int, pdf: bool) -> None:
    src = ROOT / "samples" / ("cq-gazette-2022-14.pdf" if pdf else "cq-gazette-2022-14.txt")
    data = src.read_bytes()
    for i in range(n):
        # distinct content, same document: a text gets trailing newlines, a PDF trailing comment bytes
        extra = (b"\n%% copy " if pdf else b"\n") + str(i).encode() + b"\n"
        (d / f"issue-{i:03d}{src.suffix}").write_bytes(data + extra)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=200)
    ap.add_argument("--txt", action="store_true", help="use the sample's text instead of its PDF")
    ap.add_argument("--jobs", type=int, nargs="+", default=[os.cpu_count() or 1])
    args = ap.parse_args()
    args.pdf = not args.txt

    results = []
    with tempfile.TemporaryDirectory() as tmp:
        inputs = Path(tmp) / "in"
        inputs.mkdir()
        make_inputs(inputs, args.files, args.pdf)
        opts = dict(progress=False)  # everything else as `gazette-parse batch` defaults it
        for jobs in args.jobs:
            out = Path(tmp) / f"out-{jobs}"
            t0 = time.perf_counter()
            s = run_batch([str(inputs)], out, BatchOptions(jobs=jobs, **opts))
            wall = time.perf_counter() - t0
            t1 = time.perf_counter()
            again = run_batch([str(inputs)], out, BatchOptions(jobs=jobs, **opts))
            resume = time.perf_counter() - t1
            assert s.converted == args.files and again.skipped == args.files, (s, again)
            results.append({"jobs": jobs, "files": args.files, "seconds": round(wall, 2),
                            "files_per_s": round(args.files / wall, 2),
                            "pages_per_s": round(args.files * (41 if args.pdf else 0) / wall),
                            "projected_10000_min": round(wall / args.files * 10000 / 60, 1),
                            "rerun_all_skipped_s": round(resume, 2)})
            shutil.rmtree(out)
    kind = "pdf" if args.pdf else "txt"
    print(f"benchmarks/bench_batch.py --files {args.files}{' --txt' if args.txt else ''}: "
          f"{args.files} × cq-gazette-2022-14.{kind}, default settings, {os.cpu_count()} cores (shared), "
          f"Python {platform.python_version()}\n")
    print("| --jobs | files | seconds | files/s | pages/s | 10,000 issues (projected) | rerun (all skipped) s |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(f"| {r['jobs']} | {r['files']} | {r['seconds']} | {r['files_per_s']} | {r['pages_per_s'] or '-'} | "
              f"{r['projected_10000_min']} min | {r['rerun_all_skipped_s']} |")
    res = ROOT / "benchmarks" / "results"
    res.mkdir(parents=True, exist_ok=True)
    (res / f"bench_batch_{kind}.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
