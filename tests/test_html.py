"""The HTML view (emit/html.py): a self-contained page per issue, checked in a real browser.

The browser tests drive Chromium from the OS packages (/usr/bin/chromium; .ci/run installs it)
through playwright's Python API; playwright's own browser download is never used. Expectations
come from the sample issue's JSON form, parsed at test time.
"""

from __future__ import annotations

import json
import re
import shutil
from decimal import Decimal

import pytest

import gazette_parser
from gazette_parser.emit import render
from gazette_parser.emit.html import render_dict

from .conftest import CQ_PDF, DATA, walk_json

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    issue = gazette_parser.parse(CQ_PDF)
    page = render(issue, "html")["html"]
    path = tmp_path_factory.mktemp("html") / "cq.html"
    path.write_text(page, encoding="utf-8")
    return path, page, json.loads(gazette_parser.to_json(issue), parse_float=Decimal), issue


def test_page_is_self_contained_and_deterministic(sample):
    path, page, data, issue = sample
    assert render(issue, "html")["html"] == page
    assert not re.search(r"""(?:src|href)\s*=\s*(?:"(?!#)|'(?!#)|(?!["'#]))""", page), "no link off the page"
    assert not re.search(r"<link\b|@import|url\(", page)
    assert "default-src 'none'" in page
    for n, doc in enumerate(data["documents"]):
        for k, c in enumerate(walk_json(doc["clauses"])):
            assert f'id="c-{n}-{k}"' in page


def test_warnings_are_shown_where_they_occur():
    data = json.loads((DATA / "index" / "small_issue.json").read_text(encoding="utf-8"), parse_float=Decimal)
    clause = data["documents"][0]["clauses"][0]
    data["warnings"] = [
        {"code": "in-clause", "message": "inside the first clause", "page": 1,
         "span": [clause["span"][0] + 1, clause["span"][0] + 2]},
        {"code": "nowhere", "message": "outside every document", "span": [999999, 999999]},
    ]
    page = render_dict(data)
    first = page.index('id="c-0-0"')
    assert first < page.index("in-clause") < page.index('id="c-0-1"')
    assert page.index("nowhere") < page.index('id="doc-0"')


def test_citations_link_to_documents_of_the_same_issue():
    data = json.loads((DATA / "index" / "small_issue.json").read_text(encoding="utf-8"), parse_float=Decimal)
    other = data["documents"][1]["doc_number"]
    data["documents"][0]["clauses"][0]["text"] += f"根据{other}和国发〔2022〕12号。"
    page = render_dict(data)
    assert f'<a class="citation" href="#doc-1" data-key="{other}">{other}</a>' in page
    assert '<span class="citation" data-key="国发〔2022〕12号" title="not in this issue">' in page


# ----------------------------------------------------------------------------------------------
# in the browser


@pytest.fixture(scope="module")
def browser():
    from playwright import sync_api  # the test extra; its browser download is never used

    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: .ci/run installs it (apt-get install chromium)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser, sample):
    path = sample[0]
    pg = browser.new_page(viewport={"width": 1280, "height": 1000})
    pg.messages = []
    pg.on("console", lambda m: pg.messages.append((m.type, m.text)))
    pg.on("pageerror", lambda e: pg.messages.append(("pageerror", str(e))))
    pg.on("request", lambda r: pg.messages.append(("request", r.url)) if not r.url.startswith("file:") else None)
    pg.goto(path.as_uri())
    yield pg
    pg.close()


def test_every_clause_and_target_is_visible(page, sample):
    _, _, data, _ = sample
    clauses = [(n, k, c) for n, d in enumerate(data["documents"]) for k, c in enumerate(walk_json(d["clauses"]))]
    assert len(clauses) > 100
    shown = page.evaluate("""() => Array.from(document.querySelectorAll('details.clause')).map(d => {
        const s = d.querySelector(':scope > summary'); const r = s.getBoundingClientRect();
        return [d.id, r.width > 0 && r.height > 0, s.querySelector('.label').textContent,
                s.querySelector('.heading').textContent]; })""")
    assert [i for i, *_ in shown] == [f"c-{n}-{k}" for n, k, _ in clauses]
    assert all(visible for _, visible, *_ in shown)
    assert [(lab, head) for _, _, lab, head in shown] == [(c["label"], c["heading"] or "") for *_, c in clauses]
    targets = [(n, k, j, t) for n, k, c in clauses for j, t in enumerate(c["targets"])]
    assert len(targets) > 50
    rows = page.evaluate("""() => Array.from(document.querySelectorAll('table.targets tbody tr')).map(tr => {
        const r = tr.getBoundingClientRect(); return [tr.id, r.height > 0, tr.cells[9].textContent]; })""")
    assert sorted(map(tuple, rows)) == sorted((f"t-{n}-{k}-{j}", True, t["text"]) for n, k, j, t in targets)
    # every target phrase is marked in its clause's text too
    for n, k, j, t in targets[:40]:
        assert page.locator(f"#c-{n}-{k} > .text mark.target", has_text=t["text"]).count() >= 1
    assert page.messages == []


def test_collapsing_a_level_hides_its_children(page, sample):
    _, _, data, _ = sample
    doc = data["documents"][0]
    top = doc["clauses"][0]
    assert top["children"], "the first clause of the sample has sub-clauses"
    child = "#c-0-1"
    assert page.is_visible(child)
    page.click("#c-0-0 > summary")
    assert page.evaluate("document.getElementById('c-0-0').open") is False
    assert not page.is_visible(child)
    assert page.is_visible("#c-0-0 > summary")
    page.click("#c-0-0 > summary")
    assert page.is_visible(child)
    page.click("#collapse-all")
    assert not page.is_visible(child) and page.is_visible("#c-0-0 > summary")
    page.click("#expand-all")
    assert page.is_visible(child)
    assert page.messages == []


def test_targets_table_sorts_by_value(page):
    table = "#targets-0"
    page.click(f"{table} th:nth-child(4)")
    values = page.evaluate(f"""() => Array.from(document.querySelectorAll('{table} tbody tr'))
        .map(tr => parseFloat(tr.cells[3].getAttribute('data-value')))""")
    assert values == sorted(values) and len(values) > 10
    page.click(f"{table} th:nth-child(4)")
    values = page.evaluate(f"""() => Array.from(document.querySelectorAll('{table} tbody tr'))
        .map(tr => parseFloat(tr.cells[3].getAttribute('data-value')))""")
    assert values == sorted(values, reverse=True)
    assert page.messages == []


def test_page_numbers_in_the_margin_and_contents_links(page, sample):
    _, _, data, _ = sample
    c = data["documents"][0]["clauses"][0]
    assert c["page"] is not None
    assert page.text_content("#c-0-0 > summary .page") == f"p. {c['page']}"
    box = page.locator("#c-0-0 > summary .page").bounding_box()
    label = page.locator("#c-0-0 > summary .label").bounding_box()
    assert box["x"] + box["width"] <= label["x"], "the page number sits in the margin, left of the label"
    hrefs = page.evaluate("() => Array.from(document.querySelectorAll('#contents a')).map(a => a.hash)")
    assert hrefs == [f"#doc-{n}" for n in range(len(data["documents"]))]
    assert page.messages == []
