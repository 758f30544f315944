"""Benchmark: the pipeline against raw pypdfium2 text extraction, and memory on a long PDF.

    python benchmarks/bench.py              # 41 and 410 pages, in-process and whole process, 4,000-page RSS
    python benchmarks/bench.py --repeat 5   # best of 5 timings (default 3)
    python benchmarks/bench.py --no-big     # leave out the 4,000-page run

Inputs: samples/cq-gazette-2022-14.pdf (41 pages) and, made here with pypdf, the same pages 10x
over (410 pages) and 98x over (4,018 pages) in one file.

- (a) raw: pypdfium2 opens the PDF and extracts every page's text (``get_text_range``) — the floor.
- (b) pipeline: ``gazette_parser.parse(pdf)`` with the default settings, then the JSON written to a
  string (what ``gazette-parse FILE`` does).
- in-process: each in a fresh subprocess, imports done and one warm-up run first, best of
  ``--repeat`` (the machine is shared: the minimum is the least noisy).
- whole process: the wall time of ``python -c <raw extraction> FILE`` against
  ``python -m gazette_parser FILE -o OUT.json``, best of ``--repeat``; bytecode is cached as in an
  installed package (the first run writes it and is not counted).
- peak RSS: ``python -m gazette_parser`` on the 4,018-page file, the child's maximum resident set
  as the kernel reports it (``wait4``), with its wall time.

The budget: the ratio (b)/(a) ≤ 2.0 in both settings; the 4,000-page PDF under 300 MB peak RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "cq-gazette-2022-14.pdf"

RAW_SCRIPT = """
import sys, pypdfium2 as pdfium
pdf = pdfium.PdfDocument(sys.argv[1])
n = 0
for i in range(len(pdf)):
    page = pdf[i]
    tp = page.get_textpage()
    n += len(tp.get_text_range())
    tp.close()
    page.close()
pdf.close()
"""


# ---------------------------------------------------------------------------------------------
# worker: one case in this process, prints JSON


def _raw(path: Path) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    n = len(pdf)
    for i in range(n):
        page = pdf[i]
        tp = page.get_textpage()
        tp.get_text_range()
        tp.close()
        page.close()
    pdf.close()
    return n


def _pipeline(path: Path) -> int:
    import gazette_parser
    from gazette_parser.emit.json import dumps

    issue = gazette_parser.parse(path)
    dumps(issue)
    return issue.source.pages


def worker(case: str, path: Path, repeat: int) -> None:
    import gazette_parser.emit.json  # noqa: F401  (imports are not what is measured here)
    import gazette_parser.pipeline  # noqa: F401
    import pypdfium2  # noqa: F401

    run = _raw if case == "raw" else _pipeline
    run(path)  # warm-up: grammars, lazy imports
    best = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        pages = run(path)
        dt = time.perf_counter() - t0
        best = dt if best is None else min(best, dt)
    print(json.dumps({"pages": pages, "seconds": best}))


# ---------------------------------------------------------------------------------------------
# driver


def _env() -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed package has its bytecode cached
    return env


def _in_process(case: str, path: Path, repeat: int) -> dict:
    cmd = [sys.executable, __file__, "--worker", case, "--repeat", str(repeat), str(path)]
    out = subprocess.run(cmd, capture_output=True, text=True, env=_env(), cwd=ROOT)
    if out.returncode != 0:
        raise SystemExit(f"{case} on {path.name} failed: {(out.stderr.strip().splitlines() or ['?'])[-1]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _timed(cmd: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one child process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=_env(), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    dt = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:4])} … failed: {err.strip().splitlines()[-1:]}")
    return dt, usage.ru_maxrss


def _whole(case: str, path: Path, out: Path, repeat: int) -> float:
    if case == "raw":
        cmd = [sys.executable, "-c", RAW_SCRIPT, str(path)]
    else:
        cmd = [sys.executable, "-m", "gazette_parser", str(path), "-o", str(out)]
    _timed(cmd)  # warm-up: writes the bytecode, fills the page cache
    return min(_timed(cmd)[0] for _ in range(repeat))


def _repeated_pdf(src: Path, times: int, dest: Path) -> Path:
    """The sample's pages ``times`` over in one file, sharing fonts and streams as a real long issue does."""
    import pypdf

    reader = pypdf.PdfReader(str(src))
    writer = pypdf.PdfWriter()
    for _ in range(times):
        for page in reader.pages:
            writer.add_page(page)
    writer.write(str(dest))
    return dest


def _versions() -> str:
    import pypdfium2

    try:
        import pdfplumber

        plumber = pdfplumber.__version__
    except Exception:  # pragma: no cover - the careful reader is optional for this benchmark
        plumber = "-"
    return f"Python {platform.python_version()}, pypdfium2 {pypdfium2.version.PYPDFIUM_INFO}, pdfplumber {plumber}"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-big", action="store_true", help="leave out the 4,000-page memory run")
    ap.add_argument("--worker")
    ap.add_argument("pdf", nargs="?", type=Path)
    args = ap.parse_args(argv)
    if args.worker:
        return worker(args.worker, args.pdf, args.repeat)

    print(f"benchmarks/bench.py --repeat {args.repeat}{' --no-big' if args.no_big else ''} — "
          f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {platform.machine()}, {os.cpu_count()} cores "
          f"(shared), {_versions()}\n")
    print("| PDF | pages | raw pypdfium2 s | pipeline s | pipeline pages/s | ratio | setting |")
    print("|---|---:|---:|---:|---:|---:|---|")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        x10 = _repeated_pdf(SAMPLE, 10, tmp / "x10.pdf")
        for label, path in (("sample", SAMPLE), ("sample x10", x10)):
            raw, pipe = _in_process("raw", path, args.repeat), _in_process("pipeline", path, args.repeat)
            pages = pipe["pages"]
            print(f"| {label} | {pages} | {raw['seconds']:.3f} | {pipe['seconds']:.3f} | "
                  f"{pages / pipe['seconds']:.0f} | {pipe['seconds'] / raw['seconds']:.2f} | in-process |", flush=True)
            raw_w = _whole("raw", path, tmp / "out.json", args.repeat)
            pipe_w = _whole("pipeline", path, tmp / "out.json", args.repeat)
            print(f"| {label} | {pages} | {raw_w:.3f} | {pipe_w:.3f} | {pages / pipe_w:.0f} | {pipe_w / raw_w:.2f} | "
                  f"whole process |", flush=True)
        if not args.no_big:
            big = _repeated_pdf(SAMPLE, 98, tmp / "x98.pdf")
            (tmp / "x10.pdf").unlink()
            secs, rss = _timed([sys.executable, "-m", "gazette_parser", str(big), "-o", str(tmp / "big.json")])
            print(f"\nsample x98: 4018 pages parsed by `gazette-parse` in {secs:.1f} s "
                  f"({4018 / secs:.0f} pages/s), peak RSS {rss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
