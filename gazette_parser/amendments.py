"""amendments: the items of a 修改决定 or 修正案 → structured amendments, driven by grammars/amendments.toml.

A document amends acts when its title says so (关于修改《X》的决定, …修正案, and a 令 promulgating
such a 决定). Each of its clauses is one amending item (一、将第二条修改为：“…” / （三）删去第六条第二款。),
searched for the operations of the grammar in order; every match that does not overlap an earlier
one is an ``Amendment``:

- ``act``: the title the item cites (将《X》第二条…), else the act its group heading names
  (一、重庆市城市道路桥梁管理办法 over （一）…（七）), else the act the title names;
- ``location``: the place, parsed into 编/章/节/条(之X)/款/项/目 (第二条第一款第三项 → article 2,
  paragraph 1, item 3); a second change in one item with no place of its own (…修改为“B”，“C”修改为
  “D”) is at the same place;
- ``operation`` 修改 / 删去 / 增加 / 调整顺序 (/ 废止 a whole act) and ``element`` (text, heading, article,
  paragraph …);
  ``position`` the new place (作为第八条; 作为第二款 under 第十一条 → article 11, paragraph 2);
- ``old_text`` / ``new_text`` exactly as quoted, with their spans. A new text that runs over several
  paragraphs (each opened by “) ends at the first ” that closes a line.

An amending item is an instruction, so its clause has no heading (the clause builder would take
its first sentence, "将第五条修改为：“…。”", as one).

``link_targets`` then points each amendment at the document of the issue that re-publishes the act
(same title), so a reader can go from "删去第六条第二款" to the text as amended.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Optional

import regex

from .clauses import ordinal
from .model import Amendment, Clause, Document, Location, Span, Text, map_clauses
from .resources import compiled
from .chars import fold, squeeze

GRAMMAR_FILE = "amendments.toml"
_LEVELS = ("part", "chapter", "section", "article", "suffix", "paragraph", "item", "subitem")
_ELEMENT = {"part": "part", "chapter": "chapter", "section": "section", "article": "article",
            "suffix": "article", "paragraph": "paragraph", "item": "item", "subitem": "subitem"}
_WHAT = {"条": "article", "款": "paragraph", "项": "item", "章": "chapter", "节": "section", "目": "subitem"}


@dataclass(frozen=True)
class _Op:
    name: str
    op: str
    element: str
    regex: "regex.Pattern[str]"
    tail: bool


@dataclass(frozen=True)
class _Grammar:
    title: "regex.Pattern[str]"
    title_act: tuple
    group_act: tuple
    item_act: "regex.Pattern[str]"
    location: "regex.Pattern[str]"
    operations: tuple


def _compile(raw: dict) -> _Grammar:
    n = raw["location"]["numeral"]
    loc = raw["location"]["pattern"].replace("{n}", n)
    plain = "(?=第)" + regex.sub(r"\(\?P<\w+>", "(?:", loc)
    q = r"[^“”\n]*"
    act = r"(?:《[^《》]{2,80}》|" + raw["location"].get("bare_act", "(?!)") + ")?"
    ops = []
    for o in raw["operation"]:
        pat = o["pattern"].replace("{loc}", plain).replace("{q}", q).replace("{n}", n).replace("{act}", act)
        ops.append(_Op(o["name"], o["op"], o["element"], regex.compile(pat), o.get("new") == "tail"))
    d = raw["document"]
    return _Grammar(title=regex.compile(d["title"]), title_act=tuple(regex.compile(p) for p in d["title_act"]),
                    group_act=tuple(regex.compile(p) for p in d["group_act"]),
                    item_act=regex.compile(d["item_act"]), location=regex.compile("(?=第)" + loc),
                    operations=tuple(ops))


def grammar() -> _Grammar:
    return compiled(GRAMMAR_FILE, _compile)


def parse_location(s: str, offset: int = 0) -> Optional[Location]:
    """第二条第一款第三项 → Location(article=2, paragraph=1, item=3); None when s names no place."""
    m = grammar().location.match(s)
    if not m or m.end() == 0:
        return None
    vals = {k: (ordinal(m.group(k)) if m.group(k) else None) for k in _LEVELS}
    return Location(text=m.group(0), span=(offset, offset + m.end()), **vals)


def _smallest(loc: Optional[Location]) -> Optional[str]:
    if loc is None:
        return None
    for k in reversed(_LEVELS):
        if getattr(loc, k) is not None:
            return _ELEMENT[k]
    return None


def _inherit(pos: Location, loc: Optional[Location]) -> Location:
    """A new place printed short (作为第二款) completed from the place it is added to."""
    if loc is None:
        return pos
    top = next((i for i, k in enumerate(_LEVELS) if getattr(pos, k) is not None), len(_LEVELS))
    if _LEVELS[top:top + 1] == ("suffix",):
        top -= 1
    fill = {k: getattr(loc, k) for k in _LEVELS[:top] if getattr(pos, k) is None}
    return replace(pos, **fill)


def _tail_quote(s: str, start: int, end: int) -> Optional[tuple[str, Span]]:
    """The quote opening at or after ``start`` (before ``end``), up to the first ” closing a line."""
    a = s.find("“", start, end)
    if a < 0:
        return None
    close = regex.compile(r"”[。；;，,]?[ \t\u3000]*(?:\n|$)")
    m = close.search(s, a + 1, end)
    if m is None:
        b = s.rfind("”", a + 1, end)
        if b < 0:
            return None
    else:
        b = m.start()
    return s[a + 1:b], (a + 1, b)


def _title_rx(raw: dict) -> "regex.Pattern[str]":
    return regex.compile(raw["document"]["title"])


def amends(doc: Document) -> bool:
    """Does the document amend acts (by its title, or the 决定 its 令 promulgates)?

    Every document is asked, few are: the title pattern alone is compiled for the question, the
    rest of the grammar (dozens of operation patterns, most of a process's compile time) when a
    document does amend."""
    return bool(doc.title) and compiled(GRAMMAR_FILE, _title_rx).search(squeeze(doc.title)) is not None


def _title_act(doc: Document) -> Optional[str]:
    for p in grammar().title_act:
        m = p.search(squeeze(doc.title))
        if m:
            return m.group("act")
    return None


def _group_act(c: Clause, s: str) -> Optional[str]:
    own = s[c.span[0]:c.span[1]]
    first = own.split("\n", 1)[0]
    first = first[len(c.label):] if first.lstrip().startswith(c.label.strip()) else first
    for p in grammar().group_act:
        m = p.search(squeeze(first))
        if m:
            return m.group("act")
    return None


def _item(g: _Grammar, text: Text, c: Clause, act: Optional[str]) -> list[Amendment]:
    s = text.text
    lo, hi = c.span
    out: list[Amendment] = []
    taken: list[Span] = []
    last_loc: Optional[Location] = None
    # an act the item names itself, before anything it quotes: 将《X》第二条修改为…
    q0 = s.find("“", lo, hi)
    m_act = g.item_act.search(s, lo, q0 if q0 >= 0 else hi)
    for op in g.operations:
        for m in op.regex.finditer(s, lo, hi):
            if any(m.start() < b and a < m.end() for a, b in taken):
                continue
            if op.tail:
                tq = _tail_quote(s, m.end() - 1, hi)
                if tq is None:
                    continue
                new, new_span = tq
                span = (m.start(), new_span[1] + 1)
            else:
                new = m.groupdict().get("new")
                new_span = m.span("new") if new is not None else None
                span = m.span()
                if s[span[1] - 1] in "。；;，,":  # the instruction, not the punctuation after it
                    span = (span[0], span[1] - 1)
            locs: list[Location] = []
            for key in ("loc", "loc2"):
                if m.groupdict().get(key):
                    loc = parse_location(m.group(key), m.start(key))
                    if loc is not None:
                        locs.append(loc)
            for a, b in (m.spans("more") if "more" in m.groupdict() else []):
                loc = parse_location(s[a:b], a)
                if loc is not None:
                    locs.append(loc)
            if not locs and last_loc is not None:
                locs = [last_loc]
            old_key = next((k for k in ("old", "old2", "old3") if m.groupdict().get(k) is not None), None)
            old = m.group(old_key) if old_key else None
            old_span = m.span(old_key) if old_key else None
            pos = None
            if m.groupdict().get("pos"):
                pos = parse_location(m.group("pos"), m.start("pos"))
            if m.groupdict().get("act"):
                this_act = m.group("act")
            else:
                this_act = m_act.group("act") if m_act and m_act.start() < m.end() else act
            for loc in locs or [None]:
                element = op.element
                if element == "loc":
                    element = _smallest(loc)
                elif element == "what":
                    element = _WHAT.get(m.group("what"))
                out.append(Amendment(
                    operation=op.op, element=element, span=span, act=this_act, label=c.label,
                    location=loc, position=_inherit(pos, loc) if pos is not None else None,
                    old_text=old, old_span=old_span, new_text=new, new_span=new_span,
                    page=text.page(span[0])))
            if locs:
                last_loc = locs[0]
            taken.append(span)
    out.sort(key=lambda a: a.span)
    return out


def attach_amendments(text: Text, doc: Document) -> Document:
    """The document with ``amendments`` filled when it is a 修改决定 or 修正案."""
    if not amends(doc):
        return doc
    g = grammar()
    s = text.text
    default = _title_act(doc)
    if default is None:  # the preamble: 国务院决定对《X》作如下修改：
        for lo, hi in doc.body_spans[:2]:
            m = next((m for p in g.group_act if (m := p.search(s, lo, hi)) and "《" in m.group(0)), None)
            if m:
                default = m.group("act")
                break
    found: list[Amendment] = []

    def visit(cs: list[Clause], act: Optional[str]) -> None:
        for c in cs:
            here = _group_act(c, s) if c.children else None
            items = _item(g, text, c, here or act)
            found.extend(items)
            visit(c.children, here or act)

    visit(doc.clauses, default)
    if not found:
        return doc
    # an amending item is an instruction, not a heading and its text: the clause builder's
    # first-sentence heading ("将第五条修改为：“…。”") is dropped
    starts = {a.span[0] for a in found}
    clauses = map_clauses(doc.clauses, lambda c: replace(c, heading=None)
                          if c.heading and any(c.span[0] <= x < c.span[1] for x in starts) else c)
    return replace(doc, amendments=found, clauses=clauses)


def link_targets(docs: list[Document]) -> list[Document]:
    """Each amendment pointed at the document (its index) that re-publishes the act it amends."""
    by_title: dict[str, list[int]] = {}
    for i, d in enumerate(docs):
        by_title.setdefault(fold(d.title), []).append(i)
    out = []
    for i, d in enumerate(docs):
        if not d.amendments:
            out.append(d)
            continue
        linked = []
        for a in d.amendments:
            cands = [j for j in by_title.get(fold(a.act or ""), []) if j != i]
            pref = [j for j in cands if d.doc_number and docs[j].promulgated_by == d.doc_number]
            j = (pref or cands or [None])[0]
            linked.append(replace(a, target=j) if j is not None else a)
        out.append(replace(d, amendments=linked))
    return out
