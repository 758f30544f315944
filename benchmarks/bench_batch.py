"""Batch throughput: files/s with --jobs 1 and --jobs 2 (issue 8).

    python benchmarks/bench_batch.py [--files 24] [--pdf] [--jobs 1 2]

Inputs are distinct copies of the sample issue (samples/cq-gazette-2022-14.txt; with --pdf the
typeset PDF samples/cq-gazette-2022-14.pdf), each converted from scratch into a fresh OUTDIR.
Prints a markdown table and writes benchmarks/results/bench_batch.json.
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

from gazette_parser import resources  # noqa: E402
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
    ap.add_argument("--files", type=int, default=24)
    ap.add_argument("--pdf", action="store_true", help="use the typeset PDF instead of the text")
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    args = ap.parse_args()

    results = []
    with tempfile.TemporaryDirectory() as tmp:
        inputs = Path(tmp) / "in"
        inputs.mkdir()
        make_inputs(inputs, args.files, args.pdf)
        # a snapshot of the grammars, so that the rerun measures resumption even if they are edited
        grammars = Path(tmp) / "grammars"
        shutil.copytree(resources.data_dir("grammars"), grammars)
        opts = dict(progress=False, ocr="never", grammar_dir=str(grammars))
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
                            "rerun_all_skipped_s": round(resume, 2)})
            shutil.rmtree(out)
    kind = "pdf" if args.pdf else "txt"
    print(f"batch, {args.files} × cq-gazette-2022-14.{kind}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}\n")
    print("| --jobs | files | seconds | files/s | rerun (all skipped) s |")
    print("|---:|---:|---:|---:|---:|")
    for r in results:
        print(f"| {r['jobs']} | {r['files']} | {r['seconds']} | {r['files_per_s']} | {r['rerun_all_skipped_s']} |")
    res = ROOT / "benchmarks" / "results"
    res.mkdir(parents=True, exist_ok=True)
    (res / f"bench_batch_{kind}.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
