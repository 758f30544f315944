"""graph: the citation and amendment graph — citations found in documents, resolved in the index.

    >>> from gazette_parser.graph import find_citations, export
    >>> [(c.kind, c.key) for c in find_citations("根据《国务院关于…的通知》（国发〔2022〕12号）")]
    [('title', '国务院关于…的通知'), ('doc_number', '国发〔2022〕12号')]
    >>> print(export(con, "json"))              # con: an index database (index.open_index)

When an issue is indexed (index.insert_research), every citation in a clause's text becomes a row
of the ``citations`` table: the citing document and clause, the citation as printed, its kind
(``doc_number`` 文号, ``order`` 令 number, ``title`` 《title》), its normalised key (``key_of``), the
relation (``cites`` or ``amends``), the span in the clause text, and — once resolved — the cited
document. A 文号 the document lists in ``cited_doc_numbers`` but no clause prints (a preamble, the
head) becomes a row without clause. Every indexed document registers the keys it answers to in
``document_keys`` (its 文号 or 令 number, its title with and without the issuer before 关于, the titles
of the documents it issues), and ``resolve`` points each citation at the document with its key.

Amendments are edges of the same table with relation ``amends``, from three sources:
  * a document's own ``amendments`` list when the JSON carries one (added by the document stage
    in a later version; absent fields are simply skipped). Expected shape, each item a dict:
    ``{"act": "《…》 or a 文号 as printed", "article": "第十条" | null, "span": [a, b] | null,
    "clause": <index of the clause in document order> | null, "republished": "<title>" | null}``
    (``target``/``title``/``doc_number`` are accepted for ``act``); ``republished`` adds an edge
    ``republishes`` to the re-published text;
  * a document whose title reads 关于修改《…》的决定 (grammars/citations.toml [amendment] title):
    it amends each act its title names in 《》;
  * a clause that reads 将《…》第N条修改为 … (``[amendment] clause``): it amends that act's article.
The patterns and the key rules are data: grammars/citations.toml.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Optional
from xml.sax.saxutils import escape, quoteattr

import regex

from .chars import fold
from .resources import compiled

KINDS = ("doc_number", "order", "title")
RELATIONS = ("cites", "amends", "republishes")
GRAPH_FORMATS = ("json", "graphml")


@dataclass(frozen=True)
class Citation:
    kind: str  # doc_number | order | title
    printed: str  # as printed (spaces removed for 文号 / 令 numbers)
    key: str  # normalised: what document_keys holds
    span: tuple[int, int]  # in the text searched
    relation: str = "cites"
    article: Optional[str] = None  # for amendments: the article changed


def _compile(g: dict) -> dict:
    return {
        "title": regex.compile(g["title"]["pattern"]),
        "title_tail": regex.compile(g["title"]["drop_tail"]),
        "order_drop": tuple(g["order"]["issuer_drop"]),
        "amend_title": regex.compile(g["amendment"]["title"]),
        "amend_clause": regex.compile(g["amendment"]["clause"]),
    }


def grammar():
    return compiled("citations.toml", _compile)


_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‟": '"', "〝": '"', "〞": '"', "＂": '"',
                         "‘": "'", "’": "'", "＇": "'", "<": "〈", ">": "〉"})


def title_key(title: str) -> str:
    """《重庆市城市更新提升“十四五”行动计划（试行）》 → 重庆市城市更新提升"十四五"行动计划."""
    t = fold(title).translate(_QUOTES).strip("《》")
    t = grammar()["title_tail"].sub("", t)
    return t


def number_key(printed: str) -> Optional[tuple[str, str]]:
    """(kind, key) of a 文号 or 令 number as printed, or None when it is neither."""
    from .issue.lexicon import parse_doc_number

    parts = parse_doc_number(fold(printed))
    if not parts:
        return None
    if parts.get("year") is None:  # a 令 / numbered 公告: issuer + kind + serial
        issuer = parts["prefix"]
        for drop in grammar()["order_drop"]:
            if issuer.startswith(drop) and len(issuer) > len(drop) + 1:
                issuer = issuer[len(drop):]
        return "order", f"{issuer}第{parts['serial']}号"
    return "doc_number", f"{parts['prefix']}〔{parts['year']}〕{parts['serial']}号"


def key_of(printed: str) -> tuple[str, str]:
    """(kind, key) of anything a user or a document may cite: a 文号, a 令 number or a title."""
    hit = number_key(printed)
    if hit:
        return hit
    return "title", title_key(printed)


def find_citations(text: Optional[str]) -> list[Citation]:
    """Every 文号, 令 number and 《title》 in ``text`` (spans into it), plus amendment edges."""
    if not text:
        return []
    from .issue.lexicon import find_doc_numbers

    out: list[Citation] = []
    for printed, span in find_doc_numbers(text):
        hit = number_key(printed)
        if hit:
            out.append(Citation(hit[0], printed, hit[1], span))
    g = grammar()
    for m in g["title"].finditer(text):
        key = title_key(m.group("title"))
        if key:
            out.append(Citation("title", m.group(0), key, (m.start(), m.end())))
    for m in g["amend_clause"].finditer(text):
        act = m.group("act")
        out.append(Citation("title", f"《{act}》", title_key(act), (m.start(), m.end()), "amends",
                            m.group("article")))
    out.sort(key=lambda c: (c.span, c.relation))
    return out


def title_amendments(title: Optional[str]) -> list[Citation]:
    """关于修改《A》和《B》的决定 → amends A, amends B (spans into the title)."""
    if not title:
        return []
    g = grammar()
    m = g["amend_title"].search(title)
    if not m:
        return []
    return [Citation("title", t.group(0), title_key(t.group("title")), (t.start(), t.end()), "amends")
            for t in g["title"].finditer(title, m.start("what"), m.end("what"))]


def declared_amendments(doc: dict, documents: Optional[list] = None) -> list[tuple[Optional[int], Citation]]:
    """The document's ``amendments`` field, when present: (clause index or None, Citation).

    The document stage writes each item as ``{act, location: {text, article, …}, span, target, …}``
    (README, Amendments): ``act`` is the title as cited, ``location.text`` the article as printed
    (第二条第一款), and ``target`` the index in ``documents`` of the act re-published in the same
    issue, which adds a ``republishes`` edge to it. The clause is found from ``span`` by the caller
    when ``clause`` is not given.
    """
    items = doc.get("amendments")
    if not isinstance(items, list):
        return []
    out = []
    for item in items:
        if not isinstance(item, dict):
            continue
        printed = next((item[k] for k in ("act", "target", "title", "doc_number", "printed")
                        if isinstance(item.get(k), str) and item[k].strip()), None)
        if printed is None:
            continue
        span = item.get("span")
        span = (int(span[0]), int(span[1])) if isinstance(span, list) and len(span) == 2 and \
            all(isinstance(x, int) for x in span) else (None, None)
        clause = item.get("clause") if isinstance(item.get("clause"), int) else None
        kind, key = key_of(printed)
        article = item.get("article") if isinstance(item.get("article"), str) else None
        location = item.get("location")
        if article is None and isinstance(location, dict) and isinstance(location.get("text"), str):
            article = location["text"] or None
        out.append((clause, Citation(kind, printed, key, span, "amends", article)))
        rep = item.get("republished")
        target = item.get("target")
        if not isinstance(rep, str) and isinstance(target, int) and not isinstance(target, bool) \
                and documents and 0 <= target < len(documents) and isinstance(documents[target], dict):
            rep = documents[target].get("title")
        if isinstance(rep, str) and rep.strip():
            rk, rkey = key_of(rep)
            out.append((clause, Citation(rk, rep, rkey, span, "republishes")))
    return out


def document_keys(doc: dict) -> list[tuple[str, str]]:
    """(kind, key) pairs a document answers to: its number, its titles, what it issues."""
    keys: list[tuple[str, str]] = []
    num = doc.get("doc_number")
    if isinstance(num, str) and num:
        hit = number_key(num)
        if hit:
            keys.append(hit)
    titles = [doc.get("title")] + [a.get("title") for a in doc.get("attachments") or [] if isinstance(a, dict)]
    for t in titles:
        if not isinstance(t, str) or not t.strip():
            continue
        k = title_key(t)
        keys.append(("title", k))
        head, sep, rest = k.partition("关于")
        if sep and head and len(head) <= 30 and rest:  # 国务院关于…的通知 is cited as 关于…的通知 too
            keys.append(("title", sep + rest))
    seen, out = set(), []
    for k in keys:
        if k[1] and k not in seen:
            seen.add(k)
            out.append(k)
    return out


# ----------------------------------------------------------------------------------------------
# queries over the index


CITATION_COLUMNS = ("from_doc_number", "from_title", "labels", "page", "relation", "kind", "printed",
                    "key", "article", "to_doc_number", "to_title", "resolved", "citation_id")

_ROWS_SQL = """
SELECT d.doc_number AS from_doc_number, d.title AS from_title, c.labels, coalesce(c.page, d.page_start) AS page,
       x.relation, x.kind, x.printed, x.key, x.article, t.doc_number AS to_doc_number, t.title AS to_title,
       x.target_document_id IS NOT NULL AS resolved, x.id AS citation_id
FROM citations x JOIN documents d ON d.id = x.document_id
LEFT JOIN clauses c ON c.id = x.clause_id LEFT JOIN documents t ON t.id = x.target_document_id
"""


def has_graph(con: sqlite3.Connection) -> bool:
    return con.execute("SELECT 1 FROM sqlite_master WHERE name='citations'").fetchone() is not None


def citation_rows(con: sqlite3.Connection, cites: Optional[str] = None, cited_by: Optional[str] = None,
                  amends: bool = False, limit: Optional[int] = None) -> list[dict]:
    """Citation rows: those citing ``cites`` (a 文号, 令 number or title), those made by the document
    ``cited_by`` names, amendment edges only with ``amends``; filters combine with AND."""
    if not has_graph(con):
        return []
    where, args = [], []
    if cites is not None:
        kind, key = key_of(cites)
        where.append("(x.key = ? OR x.target_document_id IN (SELECT document_id FROM document_keys WHERE key = ?))")
        args += [key, key]
    if cited_by is not None:
        kind, key = key_of(cited_by)
        where.append("x.document_id IN (SELECT document_id FROM document_keys WHERE key = ?)")
        args.append(key)
    if amends:
        where.append("x.relation IN ('amends', 'republishes')")
    sql = _ROWS_SQL + (" WHERE " + " AND ".join(where) if where else "") + \
        " ORDER BY d.issue_id, d.seq, c.seq, x.span_start, x.id"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    cur = con.execute(sql, args)
    names = [c[0] for c in cur.description]
    return [dict(zip(names, r)) for r in cur]


def unresolved(con: sqlite3.Connection) -> list[dict]:
    """Citations whose target is not in the index, by key: key, kind, printed (first seen), count."""
    if not has_graph(con):
        return []
    return [dict(key=r[0], kind=r[1], printed=r[2], count=r[3]) for r in con.execute(
        "SELECT key, kind, min(printed), count(*) FROM citations WHERE target_document_id IS NULL "
        "GROUP BY key, kind ORDER BY count(*) DESC, key")]


def graph_data(con: sqlite3.Connection) -> dict:
    """Nodes (every document, plus one node per unresolved key) and edges (one per citation)."""
    nodes, edges = [], []
    for r in con.execute("SELECT d.id, d.doc_number, d.title, d.doc_type, i.year, i.number, i.gazette_zh "
                         "FROM documents d JOIN issues i ON i.id = d.issue_id ORDER BY d.id"):
        nodes.append({"id": f"d{r[0]}", "type": "document", "label": r[1] or r[2] or f"document {r[0]}",
                      "doc_number": r[1], "title": r[2], "doc_type": r[3],
                      "issue": f"{r[6] or ''} {r[4] or ''}年第{r[5] or '?'}期".strip()})
    externals: dict[str, dict] = {}
    if has_graph(con):
        for r in con.execute("SELECT x.id, x.document_id, x.target_document_id, x.key, x.kind, x.printed, "
                             "x.relation, x.article, c.labels FROM citations x LEFT JOIN clauses c ON "
                             "c.id = x.clause_id ORDER BY x.id"):
            if r[2] is None:
                ext = externals.setdefault(r[3], {"id": "k:" + r[3], "type": "unresolved", "label": r[3],
                                                  "kind": r[4], "count": 0})
                ext["count"] += 1
                target = ext["id"]
            else:
                target = f"d{r[2]}"
            edges.append({"id": f"c{r[0]}", "source": f"d{r[1]}", "target": target, "relation": r[6],
                          "kind": r[4], "printed": r[5], "cited_key": r[3], "article": r[7], "clause": r[8]})
    nodes += [externals[k] for k in sorted(externals)]
    return {"nodes": nodes, "edges": edges, "unresolved": unresolved(con)}


def _graphml(data: dict) -> str:
    node_attrs = ("type", "label", "doc_number", "title", "doc_type", "issue", "kind", "count")
    edge_attrs = ("relation", "kind", "printed", "cited_key", "article", "clause")
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">']
    for a in node_attrs:
        typ = "int" if a == "count" else "string"
        out.append(f'  <key id="n_{a}" for="node" attr.name="{a}" attr.type="{typ}"/>')
    for a in edge_attrs:
        out.append(f'  <key id="e_{a}" for="edge" attr.name="{a}" attr.type="string"/>')
    out.append('  <graph id="citations" edgedefault="directed">')
    for n in data["nodes"]:
        out.append(f"    <node id={quoteattr(n['id'])}>")
        out += [f'      <data key="n_{a}">{escape(str(n[a]))}</data>' for a in node_attrs if n.get(a) is not None]
        out.append("    </node>")
    for e in data["edges"]:
        out.append(f"    <edge id={quoteattr(e['id'])} source={quoteattr(e['source'])} "
                   f"target={quoteattr(e['target'])}>")
        out += [f'      <data key="e_{a}">{escape(str(e[a]))}</data>' for a in edge_attrs if e.get(a) is not None]
        out.append("    </edge>")
    out += ["  </graph>", "</graphml>", ""]
    return "\n".join(out)


def export(con: sqlite3.Connection, fmt: str = "json") -> str:
    """The whole graph as JSON ({nodes, edges, unresolved}) or GraphML (Gephi, networkx)."""
    data = graph_data(con)
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if fmt == "graphml":
        return _graphml(data)
    raise ValueError(f"unknown graph format {fmt!r} (choose {', '.join(GRAPH_FORMATS)})")


__all__ = ["Citation", "find_citations", "title_amendments", "declared_amendments", "document_keys",
           "key_of", "title_key", "number_key", "citation_rows", "unresolved", "graph_data", "export",
           "CITATION_COLUMNS", "GRAPH_FORMATS"]
