"""Make docs/cq-gazette-2022-14-html.png: the sample issue's HTML view in Chromium (for the README).

    python docs/screenshot.py          # needs playwright (test extra), /usr/bin/chromium and a CJK
                                       # font (e.g. apt-get install fonts-wqy-microhei)
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import gazette_parser  # noqa: E402
from gazette_parser.emit import render  # noqa: E402


def main() -> None:
    from playwright.sync_api import sync_playwright

    page_html = render(gazette_parser.parse(ROOT / "samples" / "cq-gazette-2022-14.pdf"), "html")["html"]
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "cq.html"
        path.write_text(page_html, encoding="utf-8")
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"])
            pg = b.new_page(viewport={"width": 1100, "height": 1300})
            pg.goto(path.as_uri())
            pg.click("#c-0-6 > summary")  # fold one level, to show the collapsing
            pg.evaluate("window.scrollTo(0, document.getElementById('doc-0').offsetTop - 420)")
            pg.screenshot(path=str(ROOT / "docs" / "cq-gazette-2022-14-html.png"))
            b.close()


if __name__ == "__main__":
    main()
