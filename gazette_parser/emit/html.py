"""HTML writer: one self-contained page per issue, to read an issue in a browser.

    >>> from gazette_parser.emit.html import dumps
    >>> page = dumps(issue)                       # or render_dict(json.loads(json_output))

The page is built from the issue's JSON form (so a JSON output renders the same as a parse) and
needs nothing outside itself: the style sheet and the small script are inline, there are no
fonts, images or links off the page, and a Content-Security-Policy forbids any fetch. It shows

  * the issue: gazette name (Chinese and English), year, number, date, publisher, colophon;
  * the bilingual contents, each entry linking to its document;
  * each document: its fields (文号, 文种, issuers, date, addressees, attachments, pages), the
    amendments and citations it makes (links to the cited document when it is in this issue),
    then its clause tree as nested ``<details>`` (open; click a summary to collapse a level) with
    label, heading and text; lead and responsible units by role under each clause; the printed
    page in the left margin; the clause's targets highlighted in its text;
  * a table of the document's targets (click a column heading to sort it);
  * every warning where it occurs: in the clause (or document) whose span holds it, else at the top.

Element ids are stable: ``doc-<n>`` for the n-th document (0-based) and ``c-<n>-<k>`` for its k-th
clause in document order (depth first), so a test or a link can address any clause. The output
is deterministic (the same issue gives the same bytes).
"""

from __future__ import annotations

import json
from decimal import Decimal
from html import escape

CSS = """
body{font-family:"Noto Serif CJK SC","Songti SC",serif;margin:0 auto;max-width:60em;padding:1em 1em 4em 5em;
line-height:1.6;color:#222}
h1{font-size:1.6em;margin-bottom:0}h1 small{display:block;font-size:.55em;color:#555}
h2{border-top:2px solid #b00;padding-top:.4em;margin-top:2em}h2 small{display:block;font-size:.6em;color:#555}
dl.fields{display:grid;grid-template-columns:max-content auto;gap:.1em 1em}dl.fields dt{color:#555}
dl.fields dd{margin:0}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.2em .4em;vertical-align:top}
th{background:#f3f3f3}table.targets th{cursor:pointer}table.targets th[aria-sort]::after{content:" ↕"}
details.clause{margin:.2em 0 .2em 1.2em;position:relative}details.clause>summary{cursor:pointer}
.label{font-weight:bold;margin-right:.3em}.heading{font-weight:bold}
.page{position:absolute;left:-5.5em;width:4em;text-align:right;color:#999;font-size:.8em}
.text{white-space:pre-wrap;margin:.2em 0}
.units{font-size:.9em;margin:.1em 0}.role{display:inline-block;padding:0 .3em;border-radius:.2em;margin-right:.3em}
.role.lead{background:#fde2c8}.role.responsible{background:#d8e8fb}.unit.unknown{border-bottom:1px dotted #b00}
.unit.inherited{font-style:italic}
mark.target{background:#fff3a8}a.citation{color:#0645ad}span.citation{border-bottom:1px dashed #888}
.warning{background:#fff0f0;border-left:3px solid #c00;padding:.1em .5em;margin:.2em 0;font-size:.9em}
nav.tools button{margin-right:.5em}
"""

SCRIPT = """
(function(){
  function cellValue(td){var v=td.getAttribute('data-value');return v===null?td.textContent:v;}
  document.querySelectorAll('table.targets').forEach(function(table){
    table.querySelectorAll('th').forEach(function(th,col){
      th.setAttribute('aria-sort','none');
      th.addEventListener('click',function(){
        var asc=th.getAttribute('aria-sort')!=='ascending';
        table.querySelectorAll('th').forEach(function(h){h.setAttribute('aria-sort','none');});
        th.setAttribute('aria-sort',asc?'ascending':'descending');
        var body=table.tBodies[0];var rows=Array.prototype.slice.call(body.rows);
        var numeric=th.getAttribute('data-type')==='number';
        rows.sort(function(a,b){
          var x=cellValue(a.cells[col]),y=cellValue(b.cells[col]);
          var r=numeric?((parseFloat(x)||0)-(parseFloat(y)||0)):x.localeCompare(y,'zh');
          return asc?r:-r;});
        rows.forEach(function(r){body.appendChild(r);});
      });
    });
  });
  function setAll(open){document.querySelectorAll('details.clause').forEach(function(d){d.open=open;});}
  var e=document.getElementById('expand-all');if(e){e.addEventListener('click',function(){setAll(true);});}
  var c=document.getElementById('collapse-all');if(c){c.addEventListener('click',function(){setAll(false);});}
})();
"""

CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"


def _walk(clauses, depth=0):
    for c in clauses or []:
        if isinstance(c, dict):
            yield c
            yield from _walk(c.get("children"), depth + 1)


def _num(v) -> str:
    if isinstance(v, Decimal):
        return format(v.normalize(), "f") if v != v.to_integral_value() else str(v.quantize(Decimal(1)))
    return "" if v is None else str(v)


def _e(v) -> str:
    return escape("" if v is None else str(v))


class _Page:
    def __init__(self, data: dict):
        self.data = data
        self.docs = [d for d in data.get("documents") or [] if isinstance(d, dict)]
        self.out: list[str] = []
        self.warnings = [w for w in data.get("warnings") or [] if isinstance(w, dict)]
        self.placed: set[int] = set()
        self._keys = self._document_keys()

    # -- lookups ---------------------------------------------------------------------------
    def _document_keys(self) -> dict[str, int]:
        from ..graph import document_keys

        keys: dict[str, int] = {}
        for n, doc in enumerate(self.docs):
            for _, k in document_keys(doc):
                keys.setdefault(k, n)
        return keys

    def _warnings_in(self, span, exclude: tuple = ()) -> list[dict]:
        if not isinstance(span, list) or len(span) != 2:
            return []
        out = []
        for i, w in enumerate(self.warnings):
            ws = w.get("span")
            if i in self.placed or not (isinstance(ws, list) and len(ws) == 2):
                continue
            if span[0] <= ws[0] < span[1] or (ws[0] == ws[1] == span[1]):
                if not any(a <= ws[0] < b for a, b in exclude):
                    out.append((i, w))
        for i, _ in out:
            self.placed.add(i)
        return [w for _, w in out]

    def _warning_html(self, w: dict) -> str:
        page = f" (p. {_e(w.get('page'))})" if w.get("page") is not None else ""
        return (f'<p class="warning" data-code="{_e(w.get("code"))}">⚠ <code>{_e(w.get("code"))}</code> '
                f"{_e(w.get('message'))}{page}</p>")

    def _cite_html(self, printed: str, key: str, own: int) -> str:
        n = self._keys.get(key)
        if n is not None and n != own:
            return f'<a class="citation" href="#doc-{n}" data-key="{_e(key)}">{_e(printed)}</a>'
        return f'<span class="citation" data-key="{_e(key)}" title="not in this issue">{_e(printed)}</span>'

    # -- text with marks ---------------------------------------------------------------------
    def _marked(self, text: str, clause: dict, own: int) -> str:
        from ..graph import find_citations

        marks: list[tuple[int, int, str]] = []
        for c in find_citations(text):
            if c.relation == "cites":
                marks.append((c.span[0], c.span[1], self._cite_html(text[c.span[0]:c.span[1]], c.key, own)))
        for t in clause.get("targets") or []:
            if not isinstance(t, dict) or not t.get("text"):
                continue
            at = text.find(t["text"])
            if at >= 0:
                marks.append((at, at + len(t["text"]),
                              f'<mark class="target">{_e(t["text"])}</mark>'))
        marks.sort(key=lambda m: (m[0], -(m[1] - m[0])))
        out, pos = [], 0
        for a, b, html in marks:
            if a < pos:  # overlaps an earlier mark: keep the earlier one
                continue
            out.append(_e(text[pos:a]))
            out.append(html)
            pos = b
        out.append(_e(text[pos:]))
        return "".join(out)

    # -- parts -----------------------------------------------------------------------------
    def header(self) -> None:
        info = self.data.get("issue") or {}
        src = self.data.get("source") or {}
        title = info.get("gazette_zh") or src.get("path") or "gazette"
        issue = " ".join(x for x in (f"{info['year']}年" if info.get("year") else "",
                                    f"第{info['number']}期" if info.get("number") else "",
                                    f"（总第{info['total_number']}期）" if info.get("total_number") else "") if x)
        self.title = f"{title} {issue}".strip()
        self.out.append(f'<header><h1 id="issue">{_e(title)} {_e(issue)}'
                        f'<small lang="en">{_e(info.get("gazette_en"))}</small></h1>')
        rows = [("出版日期 date", info.get("publish_date")), ("主办 publisher", info.get("publisher_zh")),
                ("publisher (en)", info.get("publisher_en")), ("主管 supervisor", info.get("supervisor")),
                ("刊号", info.get("serial_cn")), ("source", src.get("path")), ("format", src.get("format")),
                ("pages", src.get("pages")), ("sha256", src.get("sha256"))]
        rows += [(k, v) for k, v in sorted((info.get("colophon") or {}).items())]
        self.out.append('<dl class="fields issue">' + "".join(
            f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in rows if v not in (None, "")) + "</dl>")
        self.out.append('<nav class="tools"><button type="button" id="expand-all">展开全部 expand all</button>'
                        '<button type="button" id="collapse-all">折叠全部 collapse all</button></nav></header>')

    def contents(self) -> None:
        toc = [t for t in self.data.get("toc") or [] if isinstance(t, dict)]
        if not toc and not self.docs:
            return
        self.out.append('<section id="contents"><h2>目录 <small>Contents</small></h2><table class="contents">'
                        "<thead><tr><th>类别 Category</th><th>标题 Title</th><th>页 Page</th></tr></thead><tbody>")
        entries = toc or [{"title_zh": d.get("title"), "title_en": d.get("title_en"),
                           "category_zh": d.get("category_zh"), "category_en": d.get("category_en"),
                           "page": d.get("page_start")} for d in self.docs]
        for t in entries:
            n = next((i for i, d in enumerate(self.docs) if d.get("title") == t.get("title_zh")), None)
            title = _e(t.get("title_zh"))
            if n is not None:
                title = f'<a href="#doc-{n}">{title}</a>'
            self.out.append(
                f'<tr><td>{_e(t.get("category_zh"))}<br><span lang="en">{_e(t.get("category_en"))}</span></td>'
                f'<td>{title}<br><span lang="en">{_e(t.get("title_en"))}</span></td><td>{_e(t.get("page"))}</td></tr>')
        self.out.append("</tbody></table></section>")

    def document(self, n: int, doc: dict) -> None:
        from ..graph import declared_amendments, title_amendments

        self.out.append(f'<section class="document" id="doc-{n}">')
        self.out.append(f'<h2>{_e(doc.get("title"))}<small lang="en">{_e(doc.get("title_en"))}</small></h2>')
        pages = ""
        if doc.get("page_start") is not None:
            pages = f"{doc['page_start']}–{doc.get('page_end')}" if doc.get("page_end") not in (
                None, doc["page_start"]) else str(doc["page_start"])
        attach = "；".join(a.get("title", "") for a in doc.get("attachments") or [] if isinstance(a, dict))
        fields = [("文号", _e(doc.get("doc_number"))), ("文种", _e(doc.get("doc_type"))),
                  ("类别", _e(" / ".join(x for x in (doc.get("category_zh"), doc.get("category_en")) if x))),
                  ("发文机关", _e("、".join(doc.get("issuers") or []))), ("成文日期", _e(doc.get("date"))),
                  ("主送机关", _e("，".join(doc.get("addressees") or []))), ("附件", _e(attach)),
                  ("页码", _e(pages))]
        cited = [c for c in doc.get("cited_doc_numbers") or [] if isinstance(c, str)]
        if cited:
            from ..graph import number_key

            links = []
            for c in cited:
                hit = number_key(c)
                links.append(self._cite_html(c, hit[1] if hit else c, n))
            fields.append(("引用文号", "、".join(links)))
        amend = [c for _, c in declared_amendments(doc)] + title_amendments(doc.get("title"))
        if amend:
            fields.append(("修改", "、".join(
                f'<span class="amendment" data-relation="{_e(c.relation)}">{_e(c.relation)} '
                f'{self._cite_html(c.printed, c.key, n)}{_e(" " + c.article if c.article else "")}</span>'
                for c in amend)))
        self.out.append('<dl class="fields document">' + "".join(
            f"<dt>{k}</dt><dd>{v}</dd>" for k, v in fields if v) + "</dl>")
        clauses = list(_walk(doc.get("clauses")))
        ids = {id(c): k for k, c in enumerate(clauses)}
        spans = [tuple(c["span"]) for c in clauses if isinstance(c.get("span"), list) and len(c["span"]) == 2]
        own_warnings = self._warnings_in(doc.get("span"), exclude=tuple(spans))
        self.out += [self._warning_html(w) for w in own_warnings]
        self.out.append('<div class="clauses">')
        for c in doc.get("clauses") or []:
            if isinstance(c, dict):
                self.clause(n, c, ids)
        self.out.append("</div>")
        self.targets(n, clauses, ids)
        self.out.append("</section>")

    def clause(self, n: int, c: dict, ids: dict) -> None:
        k = ids[id(c)]
        page = c.get("page")
        margin = f"p. {page}" if page is not None else (f"[{c['page_index']}]" if c.get("page_index") else "")
        heading = c.get("heading") or ""
        path = ".".join(str(p) for p in c.get("path") or [])
        self.out.append(
            f'<details class="clause level-{_e(c.get("level"))}" id="c-{n}-{k}" data-path="{_e(path)}" open>'
            f'<summary><span class="page" title="printed page">{_e(margin)}</span>'
            f'<span class="label">{_e(c.get("label"))}</span><span class="heading">{_e(heading)}</span></summary>')
        text = c.get("text") or ""
        if text and text != heading:
            self.out.append(f'<div class="text">{self._marked(text, c, n)}</div>')
        for role, key, name in (("lead", "lead_units", "牵头单位"), ("responsible", "responsible_units", "责任单位")):
            units = [u for u in c.get(key) or [] if isinstance(u, dict)]
            if units:
                self.out.append(f'<p class="units {role}"><span class="role {role}">{name}</span>' + "、".join(
                    f'<span class="unit{" unknown" if u.get("known") is False else ""}'
                    f'{" inherited" if u.get("inherited") else ""}" title="{_e(u.get("name"))}">'
                    f'{_e(u.get("canonical") or u.get("name"))}</span>' for u in units) + "</p>")
        flags = [f for f in c.get("unit_flags") or [] if isinstance(f, str)]
        if flags:
            self.out.append(f'<p class="units flags">{_e("、".join(flags))}</p>')
        child_spans = tuple(tuple(ch["span"]) for ch in _walk(c.get("children"))
                            if isinstance(ch.get("span"), list) and len(ch["span"]) == 2)
        self.out += [self._warning_html(w) for w in self._warnings_in(c.get("span"), child_spans)]
        for ch in c.get("children") or []:
            if isinstance(ch, dict):
                self.clause(n, ch, ids)
        self.out.append("</details>")

    def targets(self, n: int, clauses: list, ids: dict) -> None:
        rows = []
        for c in clauses:
            for j, t in enumerate(c.get("targets") or []):
                if isinstance(t, dict):
                    rows.append((ids[id(c)], j, c, t))
        if not rows:
            return
        cols = [("条款 clause", "text"), ("指标 indicator", "text"), ("比较 comparator", "text"),
                ("数值 value", "number"), ("上限 max", "number"), ("单位 unit", "text"), ("年份 year", "number"),
                ("类型 kind", "text"), ("页 page", "number"), ("原文 as printed", "text")]
        self.out.append(f'<table class="targets" id="targets-{n}"><caption>指标 Targets ({len(rows)})</caption>'
                        "<thead><tr>" + "".join(f'<th data-type="{t}">{_e(h)}</th>' for h, t in cols)
                        + "</tr></thead><tbody>")
        for k, j, c, t in rows:
            labels = "".join(x.get("label") or "" for x in self._ancestry(c, clauses))
            self.out.append(
                f'<tr id="t-{n}-{k}-{j}"><td data-value="{k:05d}"><a href="#c-{n}-{k}">{_e(labels)}</a></td>'
                f"<td>{_e(t.get('indicator'))}</td><td>{_e(t.get('comparator'))}</td>"
                f'<td data-value="{_e(_num(t.get("value")))}">{_e(_num(t.get("value")))}</td>'
                f'<td data-value="{_e(_num(t.get("value_max")))}">{_e(_num(t.get("value_max")))}</td>'
                f"<td>{_e(t.get('unit'))}</td><td>{_e(t.get('year'))}</td><td>{_e(t.get('kind'))}</td>"
                f"<td>{_e(t.get('page'))}</td><td>{_e(t.get('text'))}</td></tr>")
        self.out.append("</tbody></table>")

    def _ancestry(self, c: dict, clauses: list) -> list:
        chain = []

        def find(cs, trail):
            for x in cs or []:
                if x is c:
                    chain.extend(trail + [x])
                    return True
                if find(x.get("children"), trail + [x]):
                    return True
            return False

        for doc in self.docs:
            if find(doc.get("clauses"), []):
                break
        return chain

    def render(self) -> str:
        self.header()
        head_at = len(self.out)
        self.contents()
        for n, doc in enumerate(self.docs):
            self.document(n, doc)
        rest = [w for i, w in enumerate(self.warnings) if i not in self.placed]
        if rest:  # warnings outside every document: shown at the top
            self.out[head_at:head_at] = ['<section id="warnings">'] + [self._warning_html(w) for w in rest] + \
                ["</section>"]
        return ("<!DOCTYPE html>\n<html lang=\"zh-Hans\">\n<head>\n<meta charset=\"utf-8\">\n"
                f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
                '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
                '<meta name="generator" content="gazette-parser">\n'
                f"<title>{_e(self.title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
                + "\n".join(self.out) + f"\n<script>{SCRIPT}</script>\n</body>\n</html>\n")


def render_dict(data: dict) -> str:
    """The page for an issue's JSON form (``json.loads`` of a JSON output)."""
    return _Page(data).render()


def dumps(issue, include_text: bool = False) -> str:
    """The page for a parsed Issue."""
    from .json import dumps as json_dumps

    return render_dict(json.loads(json_dumps(issue), parse_float=Decimal))


__all__ = ["dumps", "render_dict"]
