"""issue.head: what opens a document — its title lines, its 文号 line, or a numbered 令 header.

Two questions are answered here. Inside an issue: where do documents begin? ``find_anchors`` walks
the body for 文号 lines and numbered headers (…令 / 第N号) and reads the title around each
(above it, or below it in the red-header layout), and finds documents without a 文号 that start
right after another's signature block; one 文号 printed several times counts once. Inside one
document: which lines are its head? ``document_head`` takes a law's title straight followed by its
history (…会议通过), else the 文号 or numbered header in the first lines and the title around it,
else the first run of title lines.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Optional

import regex

from ..chars import fold, squeeze
from .grammar import grammar
from .history import is_history_line
from .lexicon import (addressee_like, body_like, doc_type_of, is_sig_end, is_skip, is_strong_title, is_title_line,
                      order_serial)
from .lines import Ln, s_of

@dataclass(frozen=True)
class Head:
    """What opens a document: its title lines, 文号 line or numbered header."""

    start: int  # index of the first line of the document
    end: int  # index of the last head line (title / 文号 / number)
    title_lines: list[int]
    number_line: Optional[int] = None  # line with the 文号
    order: Optional[tuple[int, int, str, str, int]] = None  # numbered header
    strong: bool = False  # the title has the shape of one


def numbered_header(lines: list[Ln], i: int) -> Optional[tuple[int, int, str, str, int]]:
    """A numbered header (…令 + 第N号) at line i: (first line, last line, issuer, kind, serial)."""
    g = grammar()
    t = lines[i].stripped
    m = g.order_one_line.match(t)
    if m:
        return i, i, squeeze(m.group("issuer")), m.group("kind"), order_serial(m.group("serial"))
    m = g.order_header.match(t)
    if m and i + 1 < len(lines):
        n = g.order_number.match(lines[i + 1].stripped)
        if n:
            return i, i + 1, squeeze(m.group("issuer")), m.group("kind"), order_serial(n.group("serial"))
    return None


def title_back(lines: list[Ln], k: int, lo: int) -> list[int]:
    """Title lines just above line k (not below lo)."""
    g = grammar()
    got: list[int] = []
    j = k - 1
    skipped = 0
    while j >= lo and len(got) < g.title_max_lines:
        if is_skip(lines[j].text) and skipped < g.max_skip:
            skipped += 1
            j -= 1
            continue
        if not is_title_line(lines[j].text):
            break
        t = squeeze(lines[j].text)
        if g.red_header.match(t):
            break
        got.insert(0, j)
        if "关于" in t and not t.startswith("关于"):
            break
        if t.startswith("关于"):
            if j - 1 >= lo and is_title_line(lines[j - 1].text) and not g.red_header.match(
                    lines[j - 1].text) and doc_type_of(lines[j - 1].text) is None \
                    and len(squeeze(lines[j - 1].text)) <= 40:
                got.insert(0, j - 1)
            break
        j -= 1
    return got


def _title_forward(lines: list[Ln], k: int, hi: int) -> list[int]:
    """Title lines just below line k (before hi), skipping a red header."""
    g = grammar()
    got: list[int] = []
    j = k + 1
    while j < hi and is_skip(lines[j].text) and j - k <= g.max_skip:
        j += 1
    while j < hi and len(got) < g.title_max_lines and is_title_line(lines[j].text):
        if not (not got and g.red_header.match(lines[j].text)):
            got.append(j)
        if doc_type_of(lines[j].text) is not None:
            break
        j += 1
    return got


def head_at_anchor(lines: list[Ln], k: int, lo: int, hi: int) -> Optional[Head]:
    """The head of a document whose 文号 is line k, or None when k is not a document's 文号.
    A red header (发文机关标志 "…文件") just above belongs to the document."""
    h = _head_at_anchor(lines, k, lo, hi)
    if h is not None and h.start - 1 >= lo and grammar().red_header.match(lines[h.start - 1].text):
        h = replace(h, start=h.start - 1)
    return h


def _head_at_anchor(lines: list[Ln], k: int, lo: int, hi: int) -> Optional[Head]:
    back = title_back(lines, k, lo)
    fwd = _title_forward(lines, k, hi)
    tb = squeeze("".join(lines[i].text for i in back))
    tf = squeeze("".join(lines[i].text for i in fwd))
    if fwd and is_strong_title(tf):
        # 文号 above the title (red-header layout); a title above the 文号 too is a page heading
        start = back[0] if back and is_strong_title(tb) else k
        return Head(start, fwd[-1], fwd, number_line=k, strong=True)
    if back and is_strong_title(tb):
        return Head(back[0], k, back, number_line=k, strong=True)
    if back:
        return Head(back[0], k, back, number_line=k)
    if k + 1 < hi and (addressee_like(lines[k + 1].text) or body_like(lines[k + 1].text)):
        return Head(k, k, [], number_line=k)
    return None


def _title_after_signature(lines: list[Ln], i: int, lo: int, hi: int) -> Optional[Head]:
    """A document without 文号 that starts right after another one's signature block."""
    g = grammar()
    if i - 1 < lo or not is_sig_end(lines[i - 1].text) or not is_title_line(lines[i].text):
        return None
    got = _title_forward(lines, i - 1, hi)
    if not got or got[0] != i:
        return None
    title = squeeze("".join(lines[k].text for k in got))
    dt = doc_type_of(title)
    if dt not in g.standalone_types or ("关于" not in title and dt not in ("公告", "通告", "令", "命令")):
        return None
    nxt = got[-1] + 1
    if nxt >= hi or not (addressee_like(lines[nxt].text) or body_like(lines[nxt].text)
                         or g.doc_number_line.match(lines[nxt].text)):
        return None
    # what the document before issues is printed under its own title: not a new document
    before = fold(s_of(lines, max(lo, i - 60), i))
    if "《" + fold(title) + "》" in before:
        return None
    return Head(i, got[-1], got, strong=True)


def find_anchors(lines: list[Ln], lo: int, hi: int) -> list[Head]:
    """Document heads found by their 文号 line or numbered header, in text order.

    One 文号 printed several times (web pages repeat it in their metadata) counts once: the
    occurrence with a strong title wins, then the last."""
    g = grammar()
    heads: list[Head] = []
    i = lo
    while i < hi:
        t = lines[i].stripped
        m = g.doc_number_line.match(t)
        if m:
            h = head_at_anchor(lines, i, lo, hi)
            if h is not None:
                heads.append(h)
            i += 1
            continue
        o = numbered_header(lines, i)
        if o is not None:
            a, b = o[0], o[1]
            back = title_back(lines, a, lo) if o[3] != "令" else []
            title_lines = list(range(a, b + 1))
            heads.append(Head(back[0] if back else a, b, back + title_lines, order=o, strong=True))
            i = b + 1
            continue
        h = _title_after_signature(lines, i, lo, hi)
        if h is not None:
            heads.append(h)
            i = h.end + 1
            continue
        i += 1
    # one 文号 printed several times: keep the best occurrence
    best: dict[str, Head] = {}
    order: list[str] = []
    for h in heads:
        key = fold(lines[h.number_line].text) if h.number_line is not None else f"#{h.start}"
        if key not in best:
            order.append(key)
            best[key] = h
        elif h.strong or not best[key].strong:
            best[key] = h
    out = sorted(best.values(), key=lambda h: (h.start, h.number_line is None and h.order is None))
    # heads overlapping an earlier head (a 令 number below a 文号 title…) are the same document
    merged: list[Head] = []
    for h in out:
        if merged and h.start <= merged[-1].end:
            continue
        merged.append(h)
    return merged


def _law_head(lines: list[Ln]) -> Optional[Head]:
    """A law's head: title lines straight followed by its history (…会议通过, …第一次修正). A title
    printed once on a line and again broken over two counts once."""
    g = grammar()
    i, n = 0, len(lines)
    while i < n and g.red_header.match(lines[i].text):
        i += 1
    got: list[int] = []
    while i < n and len(got) < g.title_max_lines and not is_history_line(lines[i].text) \
            and is_title_line(lines[i].text, g.law_title_max_line):
        got.append(i)
        i += 1
    if not got or i >= n or not is_history_line(lines[i].text):
        return None
    end = got[-1]
    if len(got) >= 2 and fold("".join(lines[j].text for j in got[1:])) == fold(lines[got[0]].text):
        got = got[:1]
    return Head(got[0], end, got, strong=True)


def history_end(lines: list[Ln], k: int) -> int:
    """The first line at or after k that is not part of the history under the title: dated lines,
    and a bracketed history run over several lines until its closing bracket."""
    n = len(lines)
    while k < n and is_history_line(lines[k].text):
        t = lines[k].stripped
        k += 1
        if t[:1] in "（(" and not regex.search(r"[）)]\s*$", t):
            j = k
            while j < n and j - k < 6 and not regex.search(r"[）)]\s*$", lines[j].stripped):
                j += 1
            if j < n and regex.search(r"[）)]\s*$", lines[j].stripped) and "。" not in "".join(
                    lines[x].stripped for x in range(k, j + 1)):
                k = j + 1
    return k


def document_head(lines: list[Ln]) -> Head:
    """The head of a document whose text is ``lines``."""
    g = grammar()
    n = len(lines)
    law = _law_head(lines)
    if law is not None:
        return law
    window = min(n, grammar().title_max_lines + 4)
    for i in range(window):
        t = lines[i].stripped
        if g.doc_number_line.match(t):
            h = head_at_anchor(lines, i, 0, n)
            return h if h is not None else Head(i, i, [], number_line=i)
        o = numbered_header(lines, i)
        if o is not None:
            back = title_back(lines, o[0], 0) if o[3] != "令" else []
            return Head(back[0] if back else o[0], o[1], back + list(range(o[0], o[1] + 1)),
                        order=o, strong=True)
    # no 文号: the title is the first run of title lines (after a red header)
    i = 0
    while i < n and g.red_header.match(lines[i].text):
        i += 1
    got: list[int] = []
    while i < n and len(got) < g.title_max_lines and is_title_line(lines[i].text):
        got.append(i)
        if doc_type_of(lines[i].text) is not None:
            break
        i += 1
    if got:
        return Head(0, got[-1], got, strong=is_strong_title("".join(lines[j].text for j in got)))
    return Head(0, -1, [])

