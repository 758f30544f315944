"""OCR throughput (pages/s) and accuracy on the real garbled and scanned PDFs (issue 11).

    python benchmarks/bench_ocr.py                  # jobs 1 and 2, best of 1 run
    python benchmarks/bench_ocr.py --jobs 1 2 4 --repeat 3
    python benchmarks/bench_ocr.py my_scan.pdf      # your own PDFs (no accuracy column)

Rows: for each PDF and --jobs value, the wall time of ``ocr.ocr_pages`` over all its pages (render
at 300 dpi + Tesseract + line retries + repairs), pages/s, the mean Tesseract confidence, and, for
the two shipped PDFs, the character accuracy against their true text: the HTML twin for the
Beijing gazette (ArticleTitle + #mainText), the hand-checked transcript for the Baoding scan. The
accuracy is 1 - Levenshtein / len(reference) over CJK ideographs and ASCII digits, whitespace
removed (as tests/test_ocr.py measures it). A "render" row gives pypdfium2 rendering alone.

Time is the best of --repeat runs (the machine is shared). Tesseract runs single-threaded per page
(OMP_THREAD_LIMIT=1); --jobs runs pages in parallel. Writes benchmarks/results/bench_ocr.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from gazette_parser import ocr  # noqa: E402

DATA = ROOT / "tests" / "data"
DEFAULT = [
    DATA / "bj_gazette_2023_gjj_taoshu_garbled.pdf",
    DATA / "hb_baoding_fangjinwei_2022_2_scanned.pdf",
]


def reference_for(pdf: Path):
    from test_ocr import BJ_HTML, cjk_digits, html_reference

    if pdf.name == "bj_gazette_2023_gjj_taoshu_garbled.pdf":
        return cjk_digits(html_reference(BJ_HTML))
    transcript = pdf.with_suffix(".transcript.txt")
    if transcript.is_file():
        return cjk_digits(transcript.read_text(encoding="utf-8"))
    return None


def page_count(data: bytes) -> int:
    import pypdfium2 as pdfium

    return len(pdfium.PdfDocument(data))


def tesseract_version() -> str:
    try:
        out = subprocess.run(["tesseract", "--version"], capture_output=True, text=True).stdout
        return out.splitlines()[0] if out else "?"
    except OSError:
        return "not installed"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pdfs", nargs="*", type=Path)
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--dpi", type=int, default=300)
    args = ap.parse_args()
    if not ocr.available():
        sys.exit("tesseract with chi_sim is not installed: " + ocr.INSTALL_HINT)
    from test_ocr import char_accuracy, cjk_digits

    pdfs = args.pdfs or DEFAULT
    rows = []
    for pdf in pdfs:
        data = pdf.read_bytes()
        n = page_count(data)
        ref = reference_for(pdf)
        best = None
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            for i in range(1, n + 1):
                ocr._render(data, i, args.dpi)
            dt = time.perf_counter() - t0
            best = dt if best is None else min(best, dt)
        rows.append({"file": pdf.name, "pages": n, "jobs": "-", "what": "render only",
                     "seconds": round(best, 2), "pages_per_s": round(n / best, 2)})
        for jobs in args.jobs:
            best, result = None, None
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                result = ocr.ocr_pages(data, range(1, n + 1), jobs=jobs, dpi=args.dpi)
                dt = time.perf_counter() - t0
                best = dt if best is None else min(best, dt)
            text = "\n".join(ocr.text_of(lines) for lines, _ in result)
            conf = sum(c for _, c in result) / len(result)
            acc = round(char_accuracy(ref, cjk_digits(text)), 4) if ref else None
            rows.append({"file": pdf.name, "pages": n, "jobs": jobs, "what": "ocr_pages",
                         "seconds": round(best, 2), "pages_per_s": round(n / best, 2),
                         "mean_confidence": round(conf, 1), "char_accuracy": acc})
    print(f"OCR at {args.dpi} dpi, {tesseract_version()}, {os.cpu_count()} cores (shared), "
          f"Python {platform.python_version()}, best of {args.repeat}\n")
    print("| file | pages | --jobs | what | seconds | pages/s | mean conf | char accuracy |")
    print("|---|---:|---:|---|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['file']} | {r['pages']} | {r['jobs']} | {r['what']} | {r['seconds']} | "
              f"{r['pages_per_s']} | {r.get('mean_confidence', '')} | {r.get('char_accuracy') or ''} |")
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench_ocr.json").write_text(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
