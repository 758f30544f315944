"""Benchmark: PDF extraction and the full pipeline, in one run, on the same PDFs.

    python benchmarks/bench.py                 # the default PDFs, prints a markdown table
    python benchmarks/bench.py a.pdf b.pdf     # your own PDFs
    python benchmarks/bench.py --repeat 5      # best of 5 timings (default 3)

Rows (each measured in a fresh subprocess, so imports and caches of one do not help another):

  (a) raw pypdfium2 text extraction (open, get_text_range per page) — the floor;
  (b) the full pipeline, ``parse(pdf, backend="pdfium")``;
  (b0) read + clean alone with pdfium (what the PDF stages cost);
  (c) the full pipeline, ``parse(pdf, backend="pdfplumber")`` (the default backend);
  (d) the text stages alone, ``parse(txt)`` on the sample issue as text (its PDF has 41 pages:
      pages/s counts those);
  (m) memory scaling: read + clean of the sample and of its pages repeated 5x in one PDF (the
      result — lines and text of every page — is kept, so it grows; the working set does not).

Time is the best of ``--repeat`` runs (the machine is shared; the minimum is the least noisy).
Memory is measured in a separate run: the peak of the Python heap (tracemalloc) and the growth of
the process's peak RSS over its size after imports. pdfium's own C allocations show in RSS only.
The budget: (b) within 3x of (a); peak memory bounded by a page — pages are streamed and released,
so what grows with the file is only the extracted text (the Source/Text the pipeline returns).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PDFS = [
    ROOT / "samples" / "cq-gazette-2022-14.pdf",
    ROOT / "samples" / "cq-gazette-2022-14-2col.pdf",
    ROOT / "tests" / "data" / "hz_hangzhenghan_2024_16.pdf",
    ROOT / "tests" / "data" / "sc_chuanbangui_2025_6.pdf",
    ROOT / "tests" / "data" / "bj_guizhang_307_dizhen_yujing.pdf",
]
TXT = ROOT / "samples" / "cq-gazette-2022-14.txt"
TXT_PAGES = 41  # pages of the same issue as PDF


# ---------------------------------------------------------------------------------------------
# worker: runs one case in this process and prints JSON


def _raw(files):
    import pypdfium2 as pdfium

    pages = 0
    for f in files:
        pdf = pdfium.PdfDocument(str(f))
        for i in range(len(pdf)):
            page = pdf[i]
            tp = page.get_textpage()
            tp.get_text_range()
            tp.close()
            page.close()
            pages += 1
        pdf.close()
    return pages


def _parse(files, backend):
    import gazette_parser
    from gazette_parser.errors import GazetteError

    pages = errors = 0
    for f in files:
        try:
            issue = gazette_parser.parse(f, backend=backend, ocr="never")
            pages += issue.source.pages
        except GazetteError:
            errors += 1
    return pages, errors


def _read_clean(files, backend):
    from gazette_parser.clean import clean
    from gazette_parser.read import read_source

    pages = 0
    for f in files:
        src = read_source(f, backend=backend, ocr="never")
        clean(src)
        pages += len(src.pages)
    return pages


def _run_case(case, files):
    errors = 0
    if case == "raw":
        pages = _raw(files)
    elif case == "pdfium":
        pages, errors = _parse(files, "pdfium")
    elif case == "pdfplumber":
        pages, errors = _parse(files, "pdfplumber")
    elif case == "readclean-pdfium":
        pages = _read_clean(files, "pdfium")
    elif case == "readclean-pdfplumber":
        pages = _read_clean(files, "pdfplumber")
    elif case == "text":
        _, errors = _parse([TXT], "pdfplumber")
        pages = TXT_PAGES
    else:
        raise SystemExit(f"unknown case {case}")
    return pages, errors


def worker(case, files, repeat, memory):
    # import what the case needs before measuring, so imports count in neither time nor memory
    import gazette_parser  # noqa: F401
    import gazette_parser.clean  # noqa: F401
    import pdfplumber  # noqa: F401
    import pypdfium2  # noqa: F401

    if memory:
        import tracemalloc

        base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        tracemalloc.start()
        pages, errors = _run_case(case, files)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(json.dumps({"pages": pages, "errors": errors, "peak_py": peak, "rss_growth_kb": rss - base_rss}))
        return
    _run_case(case, files)  # warm-up: grammars, schemas, lazy imports
    best = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        pages, errors = _run_case(case, files)
        dt = time.perf_counter() - t0
        best = dt if best is None else min(best, dt)
    print(json.dumps({"pages": pages, "errors": errors, "seconds": best}))


# ---------------------------------------------------------------------------------------------
# driver


def _sub(case, files, repeat, memory):
    cmd = [sys.executable, __file__, "--worker", case, "--repeat", str(repeat)]
    if memory:
        cmd.append("--memory")
    cmd += [str(f) for f in files]
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT)
    if out.returncode != 0:
        return {"error": (out.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def _repeated_pdf(src: Path, times: int, dest: Path) -> Path:
    """The sample's pages ``times`` over in one file, sharing fonts and streams as a real long issue does."""
    try:
        import pypdf
    except ImportError:
        pypdf = None
    if pypdf is not None:
        reader = pypdf.PdfReader(str(src))
        writer = pypdf.PdfWriter()
        for _ in range(times):
            for page in reader.pages:
                writer.add_page(page)
        writer.write(str(dest))
        return dest
    import pypdfium2 as pdfium  # copies fonts per import: memory then also grows with the copies

    out = pdfium.PdfDocument.new()
    for _ in range(times):
        pdf = pdfium.PdfDocument(str(src))
        out.import_pages(pdf)
        pdf.close()
    out.save(str(dest))
    out.close()
    return dest


def _mb(n):
    return f"{n / 1e6:.1f} MB"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pdfs", nargs="*", type=Path)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--worker")
    ap.add_argument("--memory", action="store_true")
    args = ap.parse_args(argv)
    files = args.pdfs or DEFAULT_PDFS
    if args.worker:
        return worker(args.worker, files, args.repeat, args.memory)

    npages = None
    rows = []
    cases = [
        ("(a) raw pypdfium2 text extraction", "raw", files),
        ("(b) full pipeline, --backend pdfium", "pdfium", files),
        ("(b0) read + clean only, pdfium", "readclean-pdfium", files),
        ("(c) full pipeline, pdfplumber (default)", "pdfplumber", files),
        ("(c0) read + clean only, pdfplumber", "readclean-pdfplumber", files),
        ("(d) text stages alone on the .txt", "text", files),
    ]
    raw_s = None
    for label, case, fs in cases:
        t = _sub(case, fs, args.repeat, False)
        m = _sub(case, fs, 1, True)
        if "error" in t:
            rows.append((label, "-", "error: " + t["error"], "", "", "", ""))
            continue
        secs, pages = t["seconds"], t["pages"]
        if case == "raw":
            raw_s, npages = secs, pages
        ratio = f"{secs / raw_s:.1f}x" if raw_s and case in ("pdfium", "readclean-pdfium", "pdfplumber",
                                                            "readclean-pdfplumber") else ""
        note = f" ({t['errors']} file(s) failed)" if t.get("errors") else ""
        rows.append((label + note, str(pages), f"{secs:.3f}", f"{pages / secs:.0f}", ratio,
                     _mb(m.get("peak_py", 0)), f"{m.get('rss_growth_kb', 0) / 1024:.1f} MB"))

    with tempfile.TemporaryDirectory() as tmp:
        one = DEFAULT_PDFS[0]
        five = _repeated_pdf(one, 5, Path(tmp) / "x5.pdf")
        for backend in ("pdfplumber", "pdfium"):
            for label, f in ((f"(m) read + clean, {backend}, sample x1", one),
                             (f"(m) read + clean, {backend}, sample x5", five)):
                m = _sub(f"readclean-{backend}", [f], 1, True)
                rows.append((label, str(m.get("pages", "-")), "", "", "", _mb(m.get("peak_py", 0)),
                             f"{m.get('rss_growth_kb', 0) / 1024:.1f} MB"))

    names = ", ".join(f.name for f in files)
    print(f"PDFs: {names} ({npages} pages); text: {TXT.name}; best of {args.repeat}; Python {sys.version.split()[0]}\n")
    print("| case | pages | seconds | pages/s | vs (a) | peak Python heap | peak RSS growth |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print("| " + " | ".join(r) + " |")


if __name__ == "__main__":
    main()
