"""clauses: a Document's body spans → its clause tree, driven by grammars/numbering.toml.

How it works, line by line over each body span (the cleaned text has one paragraph per line):

1. A line opening with a marker of the numbering grammar (一、 （一） 1. （1） ① 第X章 第X条 …) is a
   *candidate*. Contents lines, "——" bullets and lines opening with a cross-reference
   ("第十条规定的…") never are.
2. Levels come from what the body uses, with a stack of open clauses: a style already open closes
   everything below it and becomes a sibling; a new style opens one level deeper — unless the
   grammar ranks it outside a style that is open (then that style is closed first).
3. A candidate whose number is not the one expected (1, the previous sibling + 1, or the running
   number of that style across parents) is a continuation line when the line before it is a broken
   paragraph (no closing punctuation): "1000 万元。" after a page break, "2. …" under "附件：1. …".
   Otherwise it is a clause, with a sequence warning (skipped / repeated / out of order).
4. A table row (a line inside one of ``Text.tables``: the readers found the table) is never a
   candidate, whatever it opens with ("1.重点人群签约服务覆盖率", "24", "（一）"): it belongs to the
   open clause like any other line — its text and span take the table in, one row per line of
   Clause.text — and a table before any clause (an attachment that is a table) belongs to none. A
   row counts as a finished paragraph for the line after it. A row can still close the run (a
   signature set in a table, its date a row of its own).
5. Every other line belongs to the open clause. A signature date, a 文号 line or an attachment
   heading closes the run (the numbering restarts after it), so one body span holding several
   documents, or a notice and the plan it issues, still gives sensible trees.

Clause.text is the clause's own text after its label (heading included, children excluded), with
paragraph breaks as "\\n" and page-break splits ("…生态优先绿" / "色发展示范区…") joined.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Optional

import regex

from .chars import CJK, is_han
from .model import Clause, Document, Issue, ListItem, Text, Warning, evolve, map_clauses, walk
from .resources import compiled

GRAMMAR_FILE = "numbering.toml"

# ----------------------------------------------------------------------------------------------
# numerals

_ZH_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_ZH_UNITS = {"十": 10, "百": 100, "千": 1000}


def zh_to_int(s: str) -> int:
    """A Chinese numeral as printed in clause numbers: 一 → 1, 十 → 10, 二十七 → 27, 一百零三 → 103."""
    total, digit = 0, None
    for ch in s:
        if ch in _ZH_DIGITS:
            digit = _ZH_DIGITS[ch]
        elif ch in _ZH_UNITS:
            total += (1 if digit is None else digit) * _ZH_UNITS[ch]
            digit = None
        else:
            raise ValueError(f"not a Chinese numeral: {s!r}")
    return total + (digit or 0)


def _circled_to_int(ch: str) -> int:
    o = ord(ch)
    if 0x2460 <= o <= 0x2473:
        return o - 0x2460 + 1
    if 0x3251 <= o <= 0x325F:
        return o - 0x3251 + 21
    if 0x32B1 <= o <= 0x32BF:
        return o - 0x32B1 + 36
    raise ValueError(f"not a circled number: {ch!r}")


def ordinal(num: str) -> int:
    """The integer of a printed ordinal: Arabic (also full-width), Chinese, or circled."""
    num = num.strip()
    if num.isdecimal():
        return int(num)
    if len(num) == 1 and not (is_han(num) or num in _ZH_DIGITS):
        return _circled_to_int(num)
    return zh_to_int(num)


# ----------------------------------------------------------------------------------------------
# the grammar


@dataclass(frozen=True)
class Level:
    name: str
    rank: int  # canonical order, 0 = outermost
    regex: "regex.Pattern"
    heading: str  # "line" | "sentence" | "bracket"
    weak: Optional["regex.Pattern"] = None  # a looser form, held to the expected number


@dataclass(frozen=True)
class Grammar:
    levels: tuple[Level, ...]
    list_markers: tuple[str, ...]
    date: "regex.Pattern"
    doc_number: "regex.Pattern"
    attachment: "regex.Pattern"
    closing: "regex.Pattern"
    colophon: Optional["regex.Pattern"]
    closing_paragraph: Optional["regex.Pattern"]
    heading_note: Optional["regex.Pattern"]
    colon_heading_max: int
    attachment_list: "regex.Pattern"
    toc_line: "regex.Pattern"
    contents_run: Optional["regex.Pattern"]
    terminal: "regex.Pattern"
    heading_line_max: int
    may_open_anywhere: tuple[str, ...]


def _compile(raw: dict) -> Grammar:
    nums = raw.get("numerals", {})
    levels = []
    for rank, lv in enumerate(raw["level"]):
        pat = lv["pattern"]
        for key, val in nums.items():
            pat = pat.replace("{" + key + "}", val)
        weak = lv.get("weak_pattern")
        for key, val in nums.items():
            weak = weak.replace("{" + key + "}", val) if weak else weak
        levels.append(Level(name=lv["name"], rank=rank, regex=regex.compile(r"[ \t\u3000]*(?:" + pat + ")"),
                            heading=lv.get("heading", "sentence"),
                            weak=regex.compile(r"[ \t\u3000]*(?:" + weak + ")") if weak else None))
    b = raw["boundaries"]
    markers = sorted(raw.get("list_items", {}).get("markers", ["——"]), key=len, reverse=True)
    return Grammar(
        levels=tuple(levels),
        list_markers=tuple(markers),
        date=regex.compile(b["date"]),
        doc_number=regex.compile(b["doc_number"]),
        attachment=regex.compile(b["attachment"]),
        closing=regex.compile(b["closing"]),
        colophon=regex.compile(b["colophon"]) if b.get("colophon") else None,
        closing_paragraph=regex.compile(b["closing_paragraph"]) if b.get("closing_paragraph") else None,
        heading_note=regex.compile(raw["text"]["heading_note"]) if raw["text"].get("heading_note") else None,
        colon_heading_max=int(raw["text"].get("colon_heading_max", 16)),
        attachment_list=regex.compile(b["attachment_list"]),
        toc_line=regex.compile(b["toc_line"]),
        contents_run=regex.compile(b["contents_run"]) if b.get("contents_run") else None,
        terminal=regex.compile(raw["text"]["terminal"]),
        heading_line_max=int(raw["text"].get("heading_line_max", 60)),
        may_open_anywhere=tuple(raw.get("sequence", {}).get("may_open_anywhere", ())),
    )


def grammar() -> Grammar:
    """The compiled numbering grammar (recompiled when --grammar-dir swaps the file)."""
    return compiled(GRAMMAR_FILE, _compile)


# ----------------------------------------------------------------------------------------------
# lines and markers


@dataclass
class _Line:
    start: int  # offset of the first character (after leading blanks) in text.text
    end: int  # offset just past the last character (before the newline)
    s: str  # text.text[start:end]
    table: bool = False  # a row of a table (in Text.tables)


@dataclass
class _Marker:
    level: Level
    label: str
    num: int
    body_start: int  # offset where the text after the label (and blanks) begins
    weak: bool = False  # matched by the level's weak pattern only
    suffix: Optional[int] = None  # 第五条之一 → 1


def _lines(full: str, start: int, end: int, tables: tuple = ()) -> list[_Line]:
    out = []
    spans = [t for t in tables if t[1] > start and t[0] < end]
    pos = start
    while pos < end:
        nl = full.find("\n", pos, end)
        stop = end if nl < 0 else nl
        a, b = pos, stop
        while a < b and full[a] in " \t\u3000\r":
            a += 1
        while b > a and full[b - 1] in " \t\u3000\r":
            b -= 1
        if b > a:
            out.append(_Line(a, b, full[a:b], any(t0 <= a < t1 for t0, t1 in spans)))
        pos = stop + 1
    return out


def _marker(g: Grammar, line: _Line) -> Optional[_Marker]:
    s = line.s
    if g.toc_line.search(s) or (g.contents_run is not None and g.contents_run.match(s)):
        return None
    for lv in g.levels:
        weak = False
        m = lv.regex.match(s)
        if not m and lv.weak is not None:
            m, weak = lv.weak.match(s), True
        if not m:
            continue
        try:
            num = ordinal(m.group("num"))
        except ValueError:
            continue
        if num <= 0:
            continue
        rest = m.end()
        # a marker with nothing after it on the line is not a clause
        tail = s[rest:].lstrip(" \t\u3000")
        if not tail:
            continue
        lead = len(s) - len(s.lstrip(" \t\u3000"))
        label = s[lead:m.end()].rstrip(" \t\u3000")
        suffix = m.groupdict().get("suffix")
        return _Marker(lv, label, num, line.start + len(s) - len(tail), weak,
                       suffix=ordinal(suffix) if suffix else None)
    return None


def _ends_paragraph(g: Grammar, s: str) -> bool:
    return bool(g.terminal.search(s))


_NOT_HEADING_END = re.compile(r"[；;，,、]\s*$")
_ARTICLE_LEVELS = ("part", "subpart", "chapter", "section", "article")
_COLON_END = re.compile(r"[：:]\s*$")
_LIST_PUNCT = re.compile(r"[，,、；;]")
_SEMICOLON_END = re.compile(r"[；;]\s*$")


def _is_heading_line(g: Grammar, s: str) -> bool:
    """A first line that is a title on its own ("总体要求", "基本原则。"), not the start of a
    sentence broken by a page or an item of a list ("…合理使用房屋；")."""
    body = s.rstrip("。 \u3000")
    if "。" in body or len(body) > g.heading_line_max or _NOT_HEADING_END.search(body):
        return False
    if _COLON_END.search(body):
        lead_in = body.rstrip("：: \u3000")
        return len(lead_in) < g.colon_heading_max and not _LIST_PUNCT.search(lead_in)
    return True


def _list_marker(g: Grammar, s: str) -> Optional[str]:
    for mk in g.list_markers:
        if s.startswith(mk):
            return mk
    return None


# ----------------------------------------------------------------------------------------------
# building


@dataclass
class _Node:
    marker: Optional[_Marker]  # None for the root
    line: Optional[_Line]
    lines: list[_Line] = field(default_factory=list)  # own lines (the marker line first)
    children: list["_Node"] = field(default_factory=list)
    child_last: dict[str, int] = field(default_factory=dict)  # style → last ordinal among children
    path: list[int] = field(default_factory=list)


_CJK = f"[{CJK}]"
_CJK_SPACE = re.compile(rf"(?<={_CJK})[ \t\u3000]+(?={_CJK})")


def _squeeze(s: str) -> str:
    """Spaces between CJK characters go (letter-spaced "总   则" → "总则"); others stay."""
    return _CJK_SPACE.sub("", s).strip()


def _join(g: Grammar, parts: list[tuple[str, bool]], rows: Optional[list[bool]] = None) -> str:
    """Join (line text, is_heading_line) pairs: a newline after a finished paragraph or a heading
    line, nothing after a line broken mid-paragraph (a page or column break). ``rows`` marks table
    rows: a newline on either side of each."""
    out = []
    for i, (s, is_heading) in enumerate(parts):
        out.append(s)
        if i + 1 < len(parts):
            row = bool(rows) and (rows[i] or rows[i + 1])
            out.append("\n" if is_heading or row or _ends_paragraph(g, s) else "")
    return "".join(out)


class _Section:
    """One run of clauses: a body span, or the part of one between boundaries."""

    def __init__(self, g: Grammar, text: Text, warnings: list[Warning]):
        self.g = g
        self.text = text
        self.warnings = warnings
        self.root = _Node(None, None)
        self.stack: list[_Node] = [self.root]
        self.run_last: dict[str, int] = {}  # style → last ordinal anywhere in this section
        self.prev_line: Optional[_Line] = None
        self.prev_was_marker = False

    def _prev_ended(self) -> bool:
        """The line before closes a paragraph (a table row always does)."""
        return self.prev_line is not None and (self.prev_line.table or _ends_paragraph(self.g, self.prev_line.s))

    # -- placement -----------------------------------------------------------------------------
    def _place(self, lv: Level) -> int:
        """Index in the stack of the node the new clause would hang under."""
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].marker.level.name == lv.name:
                return i - 1
        # a style not open: it goes under the innermost open style the grammar ranks outside it
        i = len(self.stack) - 1
        while i > 0 and self.stack[i].marker.level.rank > lv.rank:
            i -= 1
        return i

    def _expected(self, parent: _Node, lv: Level, suffix: Optional[int] = None) -> tuple[int, ...]:
        last = parent.child_last.get(lv.name)
        if suffix is not None:
            # 第五条之一 follows 第五条 (or 第五条之一 before 之二): the number stays
            return (last,) if last is not None else (self.run_last.get(lv.name),)
        if last is not None:
            return (last + 1,)
        run = self.run_last.get(lv.name)
        return (1,) if run is None else (1, run + 1)

    def _new_paragraph_of_items(self, mk: _Marker) -> None:
        """Items that start again at 1 inside an article after a lead-in ending in "：" that was
        taken as the last item's text ("（二）…。/ 有下列情形之一的，减征资源税：/ （一）…"): the lead-in
        is the article's next 款 and the new items are its own."""
        art = self._open_article()
        top = self.stack[-1]
        if art is None or top is art or mk.num != 1 or mk.level.name in _ARTICLE_LEVELS \
                or art.child_last.get(mk.level.name) is None or len(top.lines) < 2 \
                or not _COLON_END.search(top.lines[-1].s):
            return
        k = len(top.lines) - 1  # the lead-in paragraph: back to the line after one that ends
        while k > 1 and not _ends_paragraph(self.g, top.lines[k - 1].s):
            k -= 1
        if not _ends_paragraph(self.g, top.lines[k - 1].s):
            return
        moved, top.lines = top.lines[k:], top.lines[:k]
        del self.stack[self.stack.index(art) + 1:]
        art.lines.extend(moved)
        art.child_last.pop(mk.level.name, None)

    def feed(self, line: _Line, mk: Optional[_Marker]) -> None:
        if mk is not None:
            self._new_paragraph_of_items(mk)
            pi = self._place(mk.level)
            parent = self.stack[pi]
            expected = self._expected(parent, mk.level, mk.suffix)
            if mk.weak and (mk.num not in expected or self.prev_line is None or not (
                    self.prev_was_marker or self._prev_ended())):
                mk = None  # "1.5万元…": a decimal, not item 1
            elif mk.num not in expected:
                broken = (self.prev_line is not None and not self.prev_was_marker
                          and not self._prev_ended())
                # a run of clauses opens with 一、/第一章/… or with number 1; a stray "2." before
                # any clause (a table cell, a list fragment) is not the start of the tree
                stray = (not self.root.children and mk.level.name not in self.g.may_open_anywhere)
                if broken or stray:
                    mk = None  # a continuation line that happens to open with a number
                else:
                    self._sequence_warning(mk, parent, expected, line)
        if mk is not None:
            pi = self._place(mk.level)
            parent = self.stack[pi]
            node = _Node(mk, line, lines=[line])
            node.path = parent.path + [mk.num]
            parent.children.append(node)
            parent.child_last[mk.level.name] = mk.num
            self.run_last[mk.level.name] = mk.num
            del self.stack[pi + 1:]
            self.stack.append(node)
            self.prev_was_marker = True
        else:
            art = self._open_article()
            if art is not None and self.stack[-1] is not art and not line.table and self._prev_ended() \
                    and not _list_marker(self.g, line.s) and not _COLON_END.search(line.s):
                # a paragraph after an article's items is the article's next 款, not the last item's
                # (one ending in "：" leads into sub-items of that item: "（二）第二类资助对象。/
                # 符合以下条件之一的…：/ 1.80周岁及以上的；")
                del self.stack[self.stack.index(art) + 1:]
            if self.stack[-1] is not self.root:
                self.stack[-1].lines.append(line)
            self.prev_was_marker = False
        self.prev_line = line

    def _open_article(self) -> Optional[_Node]:
        for nd in reversed(self.stack[1:]):
            if nd.marker.level.name == "article":
                return nd
        return None

    def skip(self, line: _Line) -> None:
        """A line that belongs to no clause; the open article's paragraphs go on after it."""
        self.prev_line = line
        self.prev_was_marker = True

    def _sequence_warning(self, mk: _Marker, parent: _Node, expected: tuple[int, ...], line: _Line):
        last = parent.child_last.get(mk.level.name)
        where = "/".join(str(n) for n in parent.path) or "top"
        if last is not None and mk.num == last:
            code, msg = "clause-repeated", f"{mk.label} repeats number {mk.num} (under {where})"
        elif last is not None and mk.num < last:
            code, msg = "clause-out-of-order", f"{mk.label} ({mk.num}) comes after {last} (under {where})"
        else:
            want = expected[-1]
            code = "clause-skipped"
            msg = f"{mk.label} ({mk.num}) where {want} was expected (under {where})"
        span = (line.start + line.s.find(mk.label), line.start + line.s.find(mk.label) + len(mk.label))
        self.warnings.append(Warning(code, msg, page=self.text.page(span[0]), span=span,
                                     page_index=self.text.page_index(span[0])))

    def cut_closing(self) -> None:
        """Closing paragraphs after the last clause ("各地区、各有关部门要…", "上述…") leave it."""
        g = self.g
        if g.closing_paragraph is None or len(self.stack) < 2:
            return
        last = self.stack[-1]
        if any(nd.marker.level.name in _ARTICLE_LEVELS for nd in self.stack[1:]):
            return  # an article's unnumbered paragraphs are its 款
        mk = last.marker
        head_s = self.text.text[mk.body_start:last.line.end]
        if mk.level.heading == "line" or (mk.level.heading == "sentence" and _is_heading_line(g, head_s)):
            return  # "八、组织领导": the paragraphs after a heading line are its text
        for ln in last.lines[1:]:
            if not ln.table and g.closing_paragraph.match(ln.s):
                self.close_before(ln.start)
                return

    def close_before(self, cut: int) -> None:
        """Drop trailing lines (signature, next title) starting at or after ``cut`` from open clauses."""
        for node in self.stack[1:]:
            node.lines = [ln for ln in node.lines if ln.start < cut or ln is node.line]

    # -- output ---------------------------------------------------------------------------------
    def clauses(self) -> list[Clause]:
        return self._children(self.root, 1)

    def _children(self, parent: _Node, level: int) -> list[Clause]:
        # items of a list whose entries end in "；" ("（一）有独立的经营场所；" … "（四）…资金。"):
        # the one-sentence entries, the last one included, have no heading
        semi = {c.marker.level.name for c in parent.children
                if _SEMICOLON_END.search(self.text.text[c.marker.body_start:c.line.end])}
        return [self._clause(c, level, c.marker.level.name in semi) for c in parent.children]

    def _paragraphs(self, n: _Node) -> list[list[_Line]]:
        """An article's own lines cut into its paragraphs (款): a line after one that ends a
        paragraph starts the next; a table row stays in the paragraph it is printed in."""
        out: list[list[_Line]] = [[n.lines[0]]]
        for prev, ln in zip(n.lines, n.lines[1:]):
            if not ln.table and (prev.table or _ends_paragraph(self.g, prev.s)) \
                    and not _list_marker(self.g, ln.s):
                out.append([ln])
            else:
                out[-1].append(ln)
        return out

    def _with_paragraphs(self, n: _Node, level: int) -> Optional[list[Clause]]:
        """The 款 nodes of an article of two or more paragraphs (None for one paragraph): 款 N is
        path article + [N], and the items printed in it hang under it (第五条第二款第三项 = [5, 2, 3])."""
        pars = self._paragraphs(n)
        if len(pars) < 2:
            return None
        text, mk = self.text, n.marker
        out = []
        for k, par in enumerate(pars):
            lo = par[0].start
            hi = pars[k + 1][0].start if k + 1 < len(pars) else None
            kids = [c for c in n.children if c.line.start >= lo and (hi is None or c.line.start < hi)]
            path = n.path + [k + 1]
            for c in kids:
                _rebase(c, len(n.path), k + 1)
            start = mk.body_start if k == 0 else lo
            first_s = text.text[start:par[0].end]
            body = _join(self.g, [(first_s, False)] + [(ln.s, False) for ln in par[1:]],
                         [False] + [ln.table for ln in par[1:]])
            page_start = text.source_map.page_at(start)
            semi = {c.marker.level.name for c in kids
                    if _SEMICOLON_END.search(text.text[c.marker.body_start:c.line.end])}
            out.append(Clause(
                label="", level=level, path=path, heading=None, text=body, span=(start, par[-1].end),
                page=text.page(start), page_index=text.page_index(start), numbering="paragraph",
                children=[self._clause(c, level + 1, c.marker.level.name in semi) for c in kids],
                source=page_start.source if page_start else "text",
                confidence=page_start.confidence if page_start else None))
        return out

    def _clause(self, n: _Node, level: int, in_semicolon_list: bool = False) -> Clause:
        g, text = self.g, self.text
        mk = n.marker
        first = n.line
        label_start = first.start + first.s.find(mk.label)
        own = n.lines
        # the first line: text after the label
        head_s = text.text[mk.body_start:first.end]
        if mk.level.heading == "line":
            heading_line = True  # 第一章 总则: the line is the heading
        elif mk.level.heading == "bracket":
            heading_line = False  # 第九条 …: the text runs on, even across a page break
        else:
            heading_line = _is_heading_line(g, head_s)
        parts: list[tuple[str, bool]] = [(head_s, heading_line)]
        rows = [False] + [ln.table for ln in own[1:]]
        items: list[ListItem] = []
        cur_item: Optional[list] = None  # [marker, start, end, [line texts]]
        for ln in own[1:]:
            parts.append((ln.s, False))
            lm = None if ln.table else _list_marker(g, ln.s)
            if ln.table:
                if cur_item:
                    items.append(self._item(cur_item))
                cur_item = None
                continue
            if lm:
                if cur_item:
                    items.append(self._item(cur_item))
                cur_item = [lm, ln.start, ln.end, [ln.s[len(lm):].lstrip(" \u3000")]]
            elif cur_item is not None and not _ends_paragraph(g, cur_item[3][-1]):
                cur_item[2] = ln.end  # the bullet's paragraph goes on past a page break
                cur_item[3].append(ln.s)
            else:
                if cur_item:
                    items.append(self._item(cur_item))
                cur_item = None
        if cur_item:
            items.append(self._item(cur_item))
        body = _join(g, parts, rows)
        heading = self._heading(mk, head_s, body, heading_line)
        if in_semicolon_list and mk.level.heading == "sentence" \
                and head_s.rstrip().endswith("。") and head_s.count("。") == 1:
            heading = None  # the last entry of a "；" list: one sentence, no title of its own
        end = own[-1].end
        page_start = text.source_map.page_at(label_start)
        children = (self._with_paragraphs(n, level + 1) if mk.level.name == "article" else None) \
            or self._children(n, level + 1)
        return Clause(
            label=mk.label,
            level=level,
            path=list(n.path),
            heading=heading,
            text=body,
            span=(label_start, end),
            page=text.page(label_start),
            page_index=text.page_index(label_start),
            numbering=mk.level.name,
            suffix=mk.suffix,
            children=children,
            list_items=items,
            source=page_start.source if page_start else "text",
            confidence=page_start.confidence if page_start else None,
        )

    def _item(self, cur: list) -> ListItem:
        parts = [(s, False) for s in cur[3]]
        return ListItem(marker=cur[0], text=_join(self.g, parts), span=(cur[1], cur[2]),
                        page=self.text.page(cur[1]))

    def _heading(self, mk: _Marker, head_s: str, body: str, heading_line: bool) -> Optional[str]:
        kind = mk.level.heading
        if kind == "bracket":
            m = re.match(r"\s*[【〔\[（(]([^】〕\]）)]{1,20})[】〕\]）)]", head_s)
            return _squeeze(m.group(1)) if m else None
        if kind == "line" or heading_line:
            h = _squeeze(head_s).rstrip("。：: \u3000")
            return self._strip_note(h) or None
        first_par = body.split("\n", 1)[0]
        i = first_par.find("。")
        if i >= 0:
            return self._strip_note(_squeeze(first_par[:i])) or None
        return None

    def _strip_note(self, h: str) -> str:
        """"扩大有效投资政策（由市发改委牵头实施）" → "扩大有效投资政策": the note is not the heading."""
        if self.g.heading_note is None:
            return h
        m = self.g.heading_note.search(h)
        if m and m.start() > 0:
            return h[:m.start()].rstrip("。，,；; \u3000")
        return h


def _rebase(n: _Node, at: int, par: int) -> None:
    """Insert the 款 number ``par`` into the paths of a node and its descendants at index ``at``."""
    n.path = n.path[:at] + [par] + n.path[at:]
    for c in n.children:
        _rebase(c, at, par)


def _run_goes_on(g: Grammar, lines: list[_Line], i: int, sec: "_Section") -> bool:
    """A closing formula is the document's close only when the run of clauses does not go on after
    it: "本方案自2023年起分三个阶段实施：" inside 三、实施步骤 is followed by more （一）/四、 clauses."""
    for ln in lines[i + 1:]:
        if ln.table:
            continue
        if g.date.match(ln.s) or g.doc_number.match(ln.s) or g.attachment.match(ln.s) \
                or g.attachment_list.match(ln.s) or (g.colophon is not None and g.colophon.match(ln.s)):
            return False
        mk = _marker(g, ln)
        if mk is not None and mk.level.name in sec.run_last:
            return True
    return False


_HEADING_LEVELS = ("part", "subpart", "chapter", "section")


def _contents_lines(marks: list[Optional[_Marker]]) -> set[int]:
    """A printed 目录: a run of two or more 编/章/节 lines with nothing between them whose first
    heading is printed again further on (the body's own 第一章). Those lines are not clauses."""
    out: set[int] = set()
    i, n = 0, len(marks)
    while i < n:
        mk = marks[i]
        if mk is None or mk.level.name not in _HEADING_LEVELS:
            i += 1
            continue
        key = (mk.level.name, mk.num)
        j = i + 1
        while j < n and marks[j] is not None and marks[j].level.name in _HEADING_LEVELS \
                and (marks[j].level.name, marks[j].num) != key:
            j += 1
        repeated = any(m is not None and (m.level.name, m.num) == key for m in marks[j:])
        if j - i >= 2 and repeated:
            out.update(range(i, j))
        i = j
    return out


def _group_level(g: Grammar) -> Level:
    """一、受案范围 between the articles of a 司法解释: a heading over the articles that follow."""
    art = next(lv for lv in g.levels if lv.name == "article")
    return Level(name="group", rank=art.rank - 0.5, regex=art.regex, heading="line")  # type: ignore[arg-type]


def _article_groups(g: Grammar, lines: list[_Line], marks: list[Optional[_Marker]]) -> tuple[dict, set]:
    """Headings between articles: numbered group headings (一、管辖 right before a 第X条: the line
    index → its marker re-levelled as "group") and unnumbered ones (附则 standing alone before a
    第X条, after an article: neither a clause nor a paragraph of the article before)."""
    groups: dict[int, _Marker] = {}
    bare: set[int] = set()
    seen_article = False
    glevel = None
    for i, mk in enumerate(marks):
        nxt = marks[i + 1] if i + 1 < len(marks) else None
        before_article = nxt is not None and nxt.level.name == "article"
        if mk is not None and mk.level.name == "article":
            seen_article = True
            continue
        if not before_article or lines[i].table:
            continue
        s = lines[i].s
        if mk is not None and mk.level.name == "zh_comma":
            head = s[mk.body_start - lines[i].start:]
            if "。" not in head and len(head) <= 30 and not _NOT_HEADING_END.search(head) \
                    and not _COLON_END.search(head):
                glevel = glevel or _group_level(g)
                groups[i] = replace(mk, level=glevel)
        elif mk is None and seen_article and len(s) <= 12 and not _ends_paragraph(g, s) \
                and not re.search(r"[，,、；;：:]", s):
            bare.add(i)
    return groups, bare


def _body_clauses(g: Grammar, text: Text, span: tuple[int, int], warnings: list[Warning]) -> list[Clause]:
    start, end = max(0, span[0]), min(len(text.text), span[1])
    lines = _lines(text.text, start, end, text.tables)
    marks = [None if ln.table else _marker(g, ln) for ln in lines]
    contents = _contents_lines(marks)
    groups, bare = _article_groups(g, lines, marks)
    out: list[Clause] = []
    sec = _Section(g, text, warnings)
    in_list = False  # inside a "附件：1. … 2. …" list
    for i, ln in enumerate(lines):
        if ln.table:
            in_list = False
        if in_list:
            mk = _marker(g, ln)
            if mk is not None and mk.level.name in ("arabic_dot", "paren_arabic", "arabic_paren", "circled"):
                continue
            in_list = False
        boundary = None
        if g.date.match(ln.s) or g.doc_number.match(ln.s):
            boundary = i
            # short unpunctuated lines just above (issuer names, the next document's title) go too
            j = i - 1
            while j >= 0 and i - j <= 3 and len(lines[j].s) <= 40 and not _ends_paragraph(g, lines[j].s) \
                    and (lines[j].table or _marker(g, lines[j]) is None):
                boundary = j
                j -= 1
        elif g.attachment_list.match(ln.s):
            boundary, in_list = i, True
        elif g.attachment.match(ln.s) or (g.colophon is not None and g.colophon.match(ln.s)):
            boundary = i
        elif g.closing.match(ln.s) and _marker(g, ln) is None and not _run_goes_on(g, lines, i, sec):
            boundary = i
        if boundary is not None:
            sec.close_before(lines[boundary].start)
            sec.cut_closing()
            out.extend(sec.clauses())
            sec = _Section(g, text, warnings)
            continue
        if ln.table or _list_marker(g, ln.s):
            sec.feed(ln, None)  # a table row or a bullet: part of the open clause, never one
            continue
        if i in contents or i in bare:
            sec.skip(ln)  # a 目录 line, an unnumbered heading between articles
            continue
        sec.feed(ln, groups.get(i, marks[i]))
    sec.cut_closing()
    out.extend(sec.clauses())
    return out


def build_clauses(text: Text, document: Document) -> Document:
    """The document with its clause tree filled from its body spans (sequence warnings appended)."""
    g = grammar()
    spans = list(document.body_spans) or [document.span]
    warnings: list[Warning] = []
    clauses: list[Clause] = []
    for body, span in enumerate(spans):
        found = _body_clauses(g, text, span, warnings)
        clauses.extend(map_clauses(found, lambda c, body=body: replace(c, body=body)) if body else found)
    return replace(document, clauses=clauses, warnings=list(document.warnings) + warnings)


# ----------------------------------------------------------------------------------------------
# outline


def _short(s: Optional[str], n: int = 40) -> str:
    if not s:
        return ""
    s = s.replace("\n", " ")
    return s if len(s) <= n else s[: n - 1] + "…"


def _body_name(doc: Document, body: int) -> str:
    """What a body span is: the attachment whose text it is, else the document's own body."""
    span = doc.body_spans[body] if body < len(doc.body_spans) else None
    for a in doc.attachments:
        if span is not None and a.body_span is not None and a.body_span[0] <= span[0] < a.body_span[1]:
            return _short(a.title, 50)
    return "the document's own text"


def outline(issue: Issue) -> str:
    """An indented outline of every document's clause tree, for a person to eyeball."""
    out = []
    for i, doc in enumerate(issue.documents, 1):
        count = sum(1 for _ in walk(doc.clauses))
        head = f"[{i}] {_short(doc.title, 60)}"
        if doc.doc_number:
            head += f" ({doc.doc_number})"
        out.append(f"{head} — {count} clauses")

        def emit(cs: list[Clause], depth: int) -> None:
            for c in cs:
                path = ".".join(str(n) for n in c.path)
                what = c.heading if c.heading else _short(c.text)
                page = f"  p.{c.page}" if c.page is not None else ""
                out.append(f"{'  ' * depth}{c.label} {_short(what, 50)}  [{path}]{page}")
                emit(c.children, depth + 1)

        bodies = sorted({c.body for c in doc.clauses})
        for body in bodies:
            if len(bodies) > 1:
                out.append(f"  — body {body}: {_body_name(doc, body)}")
            emit([c for c in doc.clauses if c.body == body], 1)
        for w in doc.warnings:
            if w.code.startswith("clause-"):
                out.append(f"  ! {w.code} p.{w.page}: {w.message}")
    return "\n".join(out) + ("\n" if out else "")


# ----------------------------------------------------------------------------------------------
# the path invariant


def distinct_paths(text: Text, document: Document) -> Document:
    """The document with no two clauses of one body sharing a path.

    Paths are printed ordinals, so only an input that repeats a number (二、 … 二、) can give two
    clauses one path. The second keeps its label but moves to the smallest ordinal above its
    predecessor that no sibling prints (一 二 二 三 → paths 1 2 4 3, so 三、 keeps the path
    citations use); its children move with it, and a ``clause-path-moved`` warning says so.
    第X条之一 shares 第X条's last number and is told apart by its ``suffix``, so a clause's place
    among its siblings is (body, number, suffix).
    """
    warnings: list[Warning] = []

    def move(c: Clause, depth: int, n: int) -> Clause:
        kids = [move(k, depth, n) for k in c.children]
        path = list(c.path)
        if len(path) > depth:
            path[depth] = n
        return evolve(c, path=path, children=kids)

    def fix(siblings: list[Clause]) -> list[Clause]:
        out: list[Clause] = []
        seen: set[tuple] = set()
        printed = {(c.body, c.path[-1], None) for c in siblings if c.path}
        prev: dict[int, int] = {}
        for c in siblings:
            if c.path and (c.body, c.path[-1], c.suffix) in seen:
                n = prev.get(c.body, c.path[-1]) + 1
                while (c.body, n, None) in printed or (c.body, n, None) in seen:
                    n += 1
                warnings.append(Warning(
                    "clause-path-moved", f"{c.label} repeats number {c.path[-1]}: its path uses {n}",
                    page=text.page(c.span[0]), span=c.span, page_index=text.page_index(c.span[0])))
                c = move(c, len(c.path) - 1, n)
            if c.path:
                seen.add((c.body, c.path[-1], c.suffix))
                prev[c.body] = c.path[-1]
            out.append(evolve(c, children=fix(c.children)))
        return out

    clauses = fix(document.clauses)
    if not warnings:
        return document
    return replace(document, clauses=clauses, warnings=list(document.warnings) + warnings)
