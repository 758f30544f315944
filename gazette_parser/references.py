"""references: cross-references in a document's clauses → Clause.refs, driven by grammars/references.toml.

How it works, clause by clause over the text each clause owns (its span minus its children's, so a
reference is recorded once, on the innermost clause that prints it — for an article of several
paragraphs that is the 款 node):

1. Another act by its title: "《中华人民共和国行政许可法》" (optionally followed by 第十二条…) is an external
   ref with the title as ``act``; a number run straight after an act's short name ("刑法第二百二十五条")
   is external too (``act`` = the short name: the longest known one the text before ends with —
   the grammar's list, the document's own 《》 titles without 中华人民共和国, its "以下简称X").
2. A provision of this document: an optional scope (本办法), an optional relative word (前款, 本条,
   前条 …) and the numbered parts 第X条(之Y) 第X款 第（X）项 第X目, at least one of the two printed.
3. Resolution, within the clause's own body: 第X条 is the article numbered X (and 之Y); the parts
   below it go down its tree — a 款 of an article that has 款 nodes, else 第一款 is the article
   itself; 项 are its （一） children; 目 their 1. children. Without an article number the reference
   is relative to where it stands: 本条 / 本款 the clause's own article / paragraph, 前条 the
   article before, 前款 the paragraph before, a bare 第二款 or 第（三）项 inside the own article /
   paragraph. A reference that names several provisions at once (前两款) or points at nothing
   that exists stays unresolved (path None).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Optional

import regex

from .clauses import ordinal
from .model import Clause, Document, Ref, Text, evolve
from .resources import compiled

GRAMMAR = "references.toml"


class _Grammar:
    def __init__(self, raw: dict):
        nums = raw.get("numerals", {})

        def sub(p: str) -> str:
            for k, v in nums.items():
                p = p.replace("{" + k + "}", v)
            return p

        r = raw["reference"]
        parts = f"(?:{sub(r['article'])})?(?:{sub(r['paragraph'])})?(?:{sub(r['item'])})?(?:{sub(r['subitem'])})?"
        # Every part is optional, so the pattern alone matches the empty string at every position and
        # finditer would stop at each character of a clause. A non-empty match starts with one of the
        # parts, which the lookahead demands: finditer then skips straight to the candidates (in C),
        # and the matches it returns are the same (the empty ones were discarded anyway).
        starts = "|".join(f"(?:{x})" for x in (r["scope"], r["relative"], sub(r["article"]), sub(r["paragraph"]),
                                              sub(r["item"]), sub(r["subitem"])))
        starts = regex.sub(r"\(\?P<\w+>", "(?:", starts)  # a lookahead may not repeat the group names
        self.internal = regex.compile(
            f"(?={starts})(?P<scope>{r['scope']})?(?P<relative>{r['relative']})?{parts}")
        self.act = regex.compile(sub(r["act"]) + parts)
        self.short_act = regex.compile(r["short_act"])
        self.short_stop = sorted(r.get("short_stop", []), key=len, reverse=True)
        self.short_names = list(r.get("short_names", []))
        self.short_alias = regex.compile(r["short_alias"])
        self.joiner = regex.compile(r["joiner"])


def grammar() -> _Grammar:
    return compiled(GRAMMAR, _Grammar)


_PARTS = ("article", "article_suffix", "paragraph", "item", "subitem")
_LEVELS = ("article", "paragraph", "item", "subitem")


def _nums(m) -> dict:
    out = {}
    for k in _PARTS:
        v = m.groupdict().get(k)
        out[k] = ordinal(v) if v else None
    return out


def _owned(c: Clause) -> list[tuple[int, int]]:
    """The stretches of the text the clause itself prints: its span minus its children's extents."""
    def extent(x: Clause) -> tuple[int, int]:
        lo, hi = x.span
        for ch in x.children:
            a, b = extent(ch)
            lo, hi = min(lo, a), max(hi, b)
        return lo, hi

    out, pos = [], c.span[0] + len(c.label)  # the label (第五条) is not a reference
    for ch in c.children:
        a, b = extent(ch)
        if a > pos:
            out.append((pos, min(a, c.span[1])))
        pos = max(pos, b)
    if pos < c.span[1]:
        out.append((pos, c.span[1]))
    return [(a, b) for a, b in out if b > a]


def short_names(s: str, lo: int, hi: int) -> list[str]:
    """The short names of acts a document's text [lo, hi) may cite by: the grammar's, the titles it
    cites in 《》 (中华人民共和国 left out) and its "以下简称X" — longest first."""
    g = grammar()
    names = set(g.short_names)
    for m in g.act.finditer(s, lo, hi):
        t = m.group("act")
        names.add(t)
        if t.startswith("中华人民共和国") and len(t) > 9:
            names.add(t[len("中华人民共和国"):])
    for m in g.short_alias.finditer(s, lo, hi):
        names.add(m.group("alias"))
    return sorted(names, key=len, reverse=True)


def find_refs(s: str, lo: int, hi: int, known: tuple[str, ...] = ()) -> list[tuple[int, int, dict]]:
    """(start, end, fields) of every reference in s[lo:hi], in order; ``known`` are the short names
    of acts (see short_names)."""
    g = grammar()
    found: list[tuple[int, int, dict]] = []
    taken: list[tuple[int, int]] = []
    for m in g.act.finditer(s, lo, hi):
        found.append((m.start(), m.end(), {"kind": "external", "act": m.group("act"), **_nums(m)}))
        taken.append((m.start(), m.end()))
    for m in g.internal.finditer(s, lo, hi):
        if m.end() == m.start():
            continue
        f = _nums(m)
        if f["article"] is None and f["paragraph"] is None and f["item"] is None and f["subitem"] is None \
                and not m.group("relative"):
            continue
        if any(a <= m.start() < b for a, b in taken):
            continue
        rel = m.group("relative")
        if m.group("scope") is None and rel is None and f["article"] is not None:
            short = g.short_act.search(s, max(lo, m.start() - 12), m.start())
            if short:
                name, at = short.group("short"), short.start("short")
                before = s[max(lo, m.start() - 40):m.start()]
                hit = next((k for k in known if before.endswith(k)), None)
                if hit is not None:
                    name, at = hit, m.start() - len(hit)
                else:
                    cut = max((name.rfind(w) + len(w) for w in g.short_stop if w in name[:-1]), default=0)
                    name, at = name[cut:], at + cut
                if len(name) >= 2:
                    found.append((at, m.end(), {"kind": "external", "act": name, **f}))
                    continue
        found.append((m.start(), m.end(), {"kind": "internal", "act": None, "relative": rel, **f}))
    found.sort(key=lambda x: x[0])
    # the later members of a list share what the first names: its act, or its upper parts
    for k in range(1, len(found)):
        (_, pend, pf), (st, en, f) = found[k - 1], found[k]
        if f["kind"] != "internal" or f.get("relative") or not g.joiner.match(s[pend:st]):
            continue
        top = next((i for i, name in enumerate(_LEVELS) if f[name] is not None), None)
        if top is None:
            continue
        if pf["kind"] == "external" and f["article"] is not None:
            found[k] = (st, en, {**f, "kind": "external", "act": pf["act"]})
        elif top > 0:
            up = {name: pf[name] for name in _LEVELS[:top]}
            up["article_suffix"] = pf["article_suffix"] if top > 0 else None
            found[k] = (st, en, {**f, **up, "kind": pf["kind"], "act": pf.get("act"),
                                 "relative": pf.get("relative")})
    return found


class _Index:
    """The clauses of one body, with where each stands (its article, its 款)."""

    def __init__(self, clauses: list[Clause]):
        self.articles: list[Clause] = []
        self.context: dict[int, tuple[Optional[Clause], Optional[Clause]]] = {}

        def visit(cs: list[Clause], art: Optional[Clause], par: Optional[Clause]):
            for c in cs:
                a, p = art, par
                if c.numbering == "article":
                    self.articles.append(c)
                    a, p = c, None
                elif c.numbering == "paragraph":
                    p = c
                self.context[id(c)] = (a, p)
                visit(c.children, a, p)

        visit(clauses, None, None)

    def article(self, num: int, suffix: Optional[int]) -> Optional[Clause]:
        for a in self.articles:
            if a.path[-1] == num and (a.suffix or None) == suffix:
                return a
        return None

    def before(self, art: Clause) -> Optional[Clause]:
        i = next((k for k, a in enumerate(self.articles) if a is art), None)
        return self.articles[i - 1] if i else None


def _paragraph(art: Clause, n: int) -> Optional[Clause]:
    pars = [c for c in art.children if c.numbering == "paragraph"]
    if not pars:
        return art if n == 1 else None
    return pars[n - 1] if 0 < n <= len(pars) else None


def _child(c: Optional[Clause], n: int, styles: tuple[str, ...]) -> Optional[Clause]:
    if c is None:
        return None
    for ch in c.children:
        if ch.path[-1] == n and ch.numbering in styles:
            return ch
    return None


_ITEM_STYLES = ("paren_zh", "zh_comma")
_SUBITEM_STYLES = ("arabic_dot", "paren_arabic", "arabic_paren", "circled")


def _resolve(f: dict, here: Clause, idx: _Index) -> Optional[list[int]]:
    art, par = idx.context.get(id(here), (None, None))
    rel = f.get("relative")
    target: Optional[Clause]
    if f["article"] is not None:
        target = idx.article(f["article"], f["article_suffix"])
        if target is not None and f["paragraph"] is not None:
            target = _paragraph(target, f["paragraph"])
        elif target is not None and f["item"] is not None:
            target = _paragraph(target, 1) if not any(
                c.numbering == "paragraph" for c in target.children) else None
    elif rel in ("本条",):
        target = art
        if target is not None and f["paragraph"] is not None:
            target = _paragraph(target, f["paragraph"])
    elif rel in ("前条", "上一条"):
        target = idx.before(art) if art is not None else None
        if target is not None and f["paragraph"] is not None:
            target = _paragraph(target, f["paragraph"])
    elif rel in ("本款",):
        target = par if par is not None else art
    elif rel in ("前款", "上一款"):
        if art is None or par is None:
            return None
        target = _paragraph(art, par.path[-1] - 1) if par.path[-1] > 1 else None
    elif rel is not None:
        return None  # 前两款, 前项, 本项 …: several provisions, or not a place in the tree
    elif f["paragraph"] is not None:
        target = _paragraph(art, f["paragraph"]) if art is not None else None
    else:
        target = par if par is not None else art
    if target is None:
        return None
    if f["item"] is not None:
        target = _child(target, f["item"], _ITEM_STYLES)
        if target is not None and f["subitem"] is not None:
            target = _child(target, f["subitem"], _SUBITEM_STYLES)
    return list(target.path) if target is not None else None


def attach_refs(text: Text, document: Document) -> Document:
    """The document with ``refs`` filled on every clause."""
    s = text.text
    known = tuple(short_names(s, *document.span))
    bodies: dict[int, _Index] = {}
    for body in sorted({c.body for c in document.clauses}):
        bodies[body] = _Index([c for c in document.clauses if c.body == body])

    def fill(c: Clause, idx: _Index) -> Clause:
        kids = [fill(ch, idx) for ch in c.children]
        refs = []
        for a, b in _owned(c):
            for start, end, f in find_refs(s, a, b, known):
                path = _resolve(f, c, idx) if f["kind"] == "internal" else None
                refs.append(Ref(text=s[start:end], span=(start, end), kind=f["kind"], act=f.get("act"),
                                article=f["article"], article_suffix=f["article_suffix"],
                                paragraph=f["paragraph"], item=f["item"], subitem=f["subitem"],
                                relative=f.get("relative"), path=path))
        return evolve(c, children=kids, refs=refs)

    return replace(document, clauses=[fill(c, bodies[c.body]) for c in document.clauses])
