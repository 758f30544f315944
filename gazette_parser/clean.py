"""clean: Source (pages of lines) → Text (one string, one paragraph per line, plus a SourceMap).

What it does, in order (patterns in grammars/clean.toml):

1. Code points: full-width digits and letters → ASCII, Kangxi radicals / compatibility ideographs →
   the ordinary ideograph, and — on pages whose font maps punctuation to GB2312-shifted code points
   (U+A3AC for ，, U+A3AE for 。, « » for 《 》) — those repaired.
2. Page furniture: page numbers ("— 3 —", "- 3 -", "3", "第3页") in the top/bottom band give the
   page's printed number and are dropped; running heads are found by position and repetition (a
   short line in the band whose text, digits masked, recurs on a share of the pages) and dropped;
   document codes printed above a red header (ZJAC00-2024-0001) are dropped.
3. Paragraphs: lines broken by the page width, a column or a page break are joined. With geometry
   (PDF) a line continues the previous one when the previous reaches the right edge of its column and
   this one is not indented (centred title lines in a large size are joined too); without geometry
   (text) when the previous line is a body line with no sentence end and this one does not open a
   numbered item. Joins insert nothing between CJK characters and a space between Latin words.
   A table row the reader found (``Line.table``) is a paragraph of its own, never joined; the rows
   of each table give one span of ``Text.tables`` (a table going on over a page break stays one).
4. Spaces: a space next to a CJK character is dropped (加 大 创 业 → 加大创业, 重   庆   市 →
   重庆市, 占 GDP 比重 → 占GDP比重), except a wide gap between two multi-character words (two issuers
   signed side by side).

The SourceMap is exact: every offset of ``Text.text`` maps to the page its character came from; a
paragraph joined across a page break changes page in mid-line.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Optional

import regex

from .chars import HAN, is_cjk, is_han
from .model import Page, PageStart, Source, SourceMap, Text, Warning
from .resources import compiled

# ---------------------------------------------------------------------------------------------
# characters

# GB2312 row-1 punctuation leaked as U+A1xx/U+A3xx (Yi syllables) by fonts whose cmap is the raw
# GB code: the README of the samples names U+A3AC for ， and U+A3AE for 。.
_GB_ROW1 = "\u3000、。·ˉˇ¨〃々—～‖…‘’“”〔〕〈〉《》「」『』〖〗【】"
_GB_SHIFT = {0xA1A1 + i: c for i, c in enumerate(_GB_ROW1)}
_GB_SHIFT.update({0xA3A1 + i: chr(0xFF01 + i) for i in range(0x5E)})
_GB_SHIFT[0xA3AE] = "。"  # the full stop of these fonts is 。, not ．
_GB_SHIFT[0xA3A0] = "\u3000"
_GB_EXTRA = {ord("«"): "《", ord("»"): "》"}


# Bidirectional overrides/isolates/marks and the invisible operators: they change how a value
# reads on screen (U+202E turns 〔2022〕81号 around) without being text. Removed, with a warning.
_BIDI_CONTROLS = (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2060, 0x2065),
                  *range(0x2066, 0x2070))
_BIDI_RX = re.compile("[" + "".join(chr(o) for o in _BIDI_CONTROLS) + "]")


def _basic_map() -> dict[int, str]:
    m: dict[int, str] = {}
    for i in range(10):
        m[0xFF10 + i] = str(i)
    for i in range(26):
        m[0xFF21 + i] = chr(0x41 + i)
        m[0xFF41 + i] = chr(0x61 + i)
    m[0xFF05] = "%"
    for o in list(range(0x00, 0x20)) + [0x7F] + list(range(0x80, 0xA0)):  # control characters
        m[o] = " " if o == 0x09 else ""
    for o in range(0xD800, 0xE000):  # lone surrogates (from bad decoding) cannot be written out
        m[o] = ""
    m[0x00A0] = " "
    for o in _BIDI_CONTROLS:  # bidirectional and invisible format controls (counted, with a warning)
        m[o] = ""
    m[0xFEFF] = ""
    m[0x200B] = ""
    m[0x00AD] = ""
    for o in range(0x2E80, 0x2FE0):  # CJK radicals supplement + Kangxi radicals → ideographs
        n = unicodedata.normalize("NFKC", chr(o))
        if n != chr(o):
            m[o] = n
    for o in range(0xF900, 0xFB00):  # compatibility ideographs
        n = unicodedata.normalize("NFKC", chr(o))
        if n != chr(o) and len(n) == 1:
            m[o] = n
    return m


_BASIC = _basic_map()


def _class_of(codes) -> "re.Pattern":
    """A regex character class of the given code points (as ranges), to find whether a table applies."""
    codes = sorted(codes)
    parts, i = [], 0
    while i < len(codes):
        j = i
        while j + 1 < len(codes) and codes[j + 1] == codes[j] + 1:
            j += 1
        a, b = re.escape(chr(codes[i])), re.escape(chr(codes[j]))
        parts.append(a if i == j else f"{a}-{b}")
        i = j + 1
    return re.compile("[" + "".join(parts) + "]")


# str.translate looks every character of a non-ASCII line up in the table; most lines hold nothing
# it maps, and a regex scan (in C) tells so several times faster.
_BASIC_RX = _class_of(_BASIC)
_DIGIT_DOT = re.compile(r"(?<=\d)．(?=\d)")
_PUA_DIGITS = re.compile(r"(?<=\d)[\ue000-\uf8ff\U000f0000-\U0010ffff] ?(?=\d)")


_YI = re.compile("[\ua000-\ua4cf]")


def _gb_shifted(text: str) -> bool:
    """Whether a page's text uses GB-shifted punctuation (not genuine Yi script)."""
    yi = _YI.findall(text)
    if len(yi) < 2:
        return False
    hits = sum(1 for c in yi if ord(c) in _GB_SHIFT)
    return hits >= 0.8 * len(yi)


def normalize_chars(text: str, gb_shifted: bool = False) -> str:
    """Code point repairs that keep a line's meaning (full-width digits → ASCII and so on)."""
    if gb_shifted:
        text = text.translate(_GB_SHIFT).translate(_GB_EXTRA)
    if _BASIC_RX.search(text):
        text = text.translate(_BASIC)
    if _PUA_DIGITS.search(text):  # a decimal point in a font without a Unicode map: 5 .5%
        text = _PUA_DIGITS.sub(".", text)
    if "．" in text:
        text = _DIGIT_DOT.sub(".", text)
    return text


_SPACES = re.compile(r"[ \t\u3000\u00a0\u2002\u2003\u2009]+")


def _single_han_token(s: str, i: int, j: int) -> bool:
    """Whether a lone Han character stands just before position i or just after position j, set
    off on its other side by a wide gap or the line's edge: letter spacing (重   庆   市)."""

    def gap(a: int, b: int) -> bool:
        return a >= 0 and b <= len(s) and b - a == 2 and s[a:b].strip(" \t\u3000") == ""

    k = i - 1
    before = k >= 0 and is_han(s[k]) and (k == 0 or gap(k - 2, k))
    k = j
    after = k < len(s) and is_han(s[k]) and (k == len(s) - 1 or gap(k + 1, k + 3))
    return before or after


def squeeze_spaces(s: str) -> str:
    """Drop spaces next to CJK characters; collapse other runs to one space; strip the ends.

    A wide gap (two or more spaces, which the PDF readers emit for 1.5 em or more) is kept as one
    space unless a word beside it is a single Han character (letter spacing, 重   庆   市): it
    separates things printed side by side (joint issuers, table cells).
    """
    if not _SPACES.search(s):
        return s.strip()  # most CJK lines: nothing to squeeze
    out = []
    pos = 0
    for m in _SPACES.finditer(s):
        i, j = m.start(), m.end()
        out.append(s[pos:i])
        pos = j
        if i == 0 or j == len(s):
            continue
        a, b = s[i - 1], s[j]
        if is_cjk(a) or is_cjk(b):
            if (j - i) >= 2 and not _single_han_token(s, i, j):
                out.append(" ")  # a wide gap between words or cells, not letter spacing
            continue
        out.append(" ")
    out.append(s[pos:])
    return "".join(out).strip()


# ---------------------------------------------------------------------------------------------
# grammar


@dataclass(frozen=True)
class _Rules:
    page_number: tuple[regex.Pattern, ...]
    band: float
    repeat_share: float
    document_code: regex.Pattern
    starts: tuple[regex.Pattern, ...]
    docno: regex.Pattern
    terminal: str
    closing: str
    body_marks: str
    min_body_chars: int
    no_line_start: str
    no_line_end: str
    split_numbers: tuple[tuple[regex.Pattern, regex.Pattern], ...]
    alone_any: Callable[[str], bool]  # whether one of paragraph.alone matches (see _any_match)
    marker_only_any: Callable[[str], bool]  # … of paragraph.marker_only


def _compile(g: dict) -> _Rules:
    p, c, par = g["page"], g["codes"], g["paragraph"]
    return _Rules(
        page_number=tuple(regex.compile(x) for x in p["page_number"]),
        band=float(p.get("band", 0.15)),
        repeat_share=float(p.get("repeat_share", 0.25)),
        document_code=regex.compile(c["document_code"]),
        starts=tuple(regex.compile(x) for x in par["starts"]),
        docno=regex.compile(c["docno"]),
        terminal=par["terminal"],
        closing=par["closing"],
        body_marks=par["body_marks"],
        min_body_chars=int(par["min_body_chars"]),
        no_line_start=par.get("no_line_start", ""),
        no_line_end=par.get("no_line_end", ""),
        split_numbers=tuple((regex.compile(a), regex.compile(b)) for a, b in par.get("split_numbers", [])),
        alone_any=_any_match(par.get("alone", [])),
        marker_only_any=_any_match(par.get("marker_only", [])),
    )


def _any_match(patterns: list[str]) -> Callable[[str], bool]:
    """``lambda s: any(re.match(p, s) for p in patterns)`` as one alternation, tried once per line
    (these run for every pair of lines). Patterns an alternation could change the meaning of (back
    references, which count groups; inline flags, which must open a pattern) keep the loop."""
    rxs = tuple(regex.compile(x) for x in patterns)
    if not rxs:
        return lambda s: False
    if not any(re.search(r"\\[1-9]|\(\?P=|\(\?[aiLmsux]", x) for x in patterns):
        try:
            one = regex.compile("|".join(f"(?:{x})" for x in patterns))
        except regex.error:
            pass
        else:
            return lambda s: one.match(s) is not None
    return lambda s: any(rx.match(s) for rx in rxs)


def _rules() -> _Rules:
    return compiled("clean.toml", _compile)


def page_number_of(text: str) -> Optional[int]:
    """The printed page number when the whole line is one ("— 3 —", "- 3 -", "第3页"), else None."""
    t = text.strip()
    if not t or len(t) > 16:
        return None
    for rx in _rules().page_number:
        m = rx.match(t)
        if m:
            n = int(m.group("num"))
            return n if 0 < n < 10000 else None
    return None


def _mask(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


# ---------------------------------------------------------------------------------------------
# lines with layout facts


@dataclass
class _L:
    text: str  # characters normalised, spaces not yet squeezed
    page_pos: int  # position of the page in source.pages
    x0: Optional[float] = None
    x1: Optional[float] = None
    top: Optional[float] = None
    size: Optional[float] = None
    block: int = 0  # 0 full width, 1 left column, 2 right column
    left: Optional[float] = None  # block's left edge
    right: Optional[float] = None  # block's right edge
    noisy: bool = False  # geometry estimated by OCR: sizes vary from line to line
    table: Optional[int] = None  # a table row (Line.table): a paragraph of its own, never joined

    @property
    def geo(self) -> bool:
        return self.x0 is not None and self.x1 is not None and self.top is not None


def _mode_bucket(values: list[float], step: float = 2.0) -> Optional[float]:
    if not values:
        return None
    c = Counter(round(v / step) for v in values)
    best = max(c.items(), key=lambda kv: (kv[1], -kv[0]))[0]
    return best * step


def _edges(lines: list[_L]) -> tuple[Optional[float], Optional[float]]:
    """The left and right edge of a block of body lines (the justified margins)."""
    long = [l for l in lines if len(l.text) >= 8]
    if not long:
        long = lines
    if not long:
        return None, None
    x1s = [l.x1 for l in long]
    right = _mode_bucket(x1s)
    c = Counter(round(l.x0 / 2.0) for l in long)
    shared = sorted(k for k, n in c.items() if n >= 2)
    left = shared[0] * 2.0 if shared else min(l.x0 for l in long)
    return left, right


def _assign_blocks(lines: list[_L], width: Optional[float]) -> None:
    """Mark lines of a two-column page as left/right column (the reader already ordered them)."""
    if not lines:
        return
    w = width or max(l.x1 for l in lines)
    mid = w / 2
    tol = 0.02 * w
    left = [l for l in lines if l.x1 <= mid + tol and len(l.text) >= 4]
    right = [l for l in lines if l.x0 >= mid - tol and len(l.text) >= 4]
    if len(left) >= 5 and len(right) >= 5 and (len(left) + len(right)) >= 0.5 * len(lines):
        for l in lines:
            if l.x1 <= mid + tol:
                l.block = 1
            elif l.x0 >= mid - tol:
                l.block = 2


def _body_size(lines: list[_L]) -> Optional[float]:
    c: Counter = Counter()
    for l in lines:
        if l.size:
            c[round(l.size * 2) / 2] += len(l.text)
    return c.most_common(1)[0][0] if c else None


# ---------------------------------------------------------------------------------------------
# paragraph decisions


def _last_meaningful(s: str) -> str:
    s = s.rstrip()
    t = s.rstrip("”’\"'")
    return t[-1] if t else (s[-1] if s else "")


def _ends_sentence(s: str, rules: _Rules, closing: bool = True) -> bool:
    ch = _last_meaningful(s)
    return bool(ch) and (ch in rules.terminal or (closing and ch in rules.closing))


def _starts_item(s: str, rules: _Rules) -> bool:
    t = s.lstrip()
    return any(rx.match(t) for rx in rules.starts)


_WIDE_GAP = re.compile(r"\w {2,}\w")  # between words (not a fill-in blank "姓名：      ，")


def _alone(s: str, rules: _Rules) -> bool:
    t = s.strip()
    return rules.alone_any(t)


def _spread(l: "_L") -> bool:
    """A PDF line with a gap of 1.5 em or more (table row, signatures side by side, 第一章   总   则):
    a paragraph of its own."""
    # (a wide gap needs two spaces in a row: "in" tells most lines apart before the regex runs)
    return l.geo and "  " in l.text and bool(_WIDE_GAP.search(l.text))


def _toc_like(s: str) -> bool:
    return "……" in s or "…" * 2 in s or "...." in s or "·····" in s


_SIDE_BY_SIDE = re.compile(f"[{HAN}] [{HAN}]")


def _continues_text(prev: str, cur: str, rules: _Rules) -> bool:
    """Text-only sources: is ``cur`` the rest of ``prev``'s paragraph?"""
    p, c = prev.strip(), cur.strip()
    if not p or not c:
        return False
    if _ends_sentence(p, rules) or _starts_item(c, rules) or _toc_like(p):
        return False
    if not any(m in p for m in rules.body_marks):
        return False
    if len(p) < rules.min_body_chars and p[-1] not in "，、,":
        return False
    if page_number_of(c) is not None:
        return False
    if _SIDE_BY_SIDE.search(squeeze_spaces(c)):
        return False  # names set side by side (a joint signature, a table row) start a block of their own
    return True


def _bound(prev: str, cur: str, rules: _Rules) -> bool:
    """``cur`` cannot start a line or ``prev`` cannot end one (避头/避尾), or ``prev`` is a bare
    enumeration marker: the two are one line whatever the layout says (see clean.toml)."""
    p, c = prev.strip(), cur.strip()
    if not p or not c:
        return False
    return c[0] in rules.no_line_start or p[-1] in rules.no_line_end or rules.marker_only_any(p)


def _rejoin_split_numbers(paras: list[list[tuple[int, str]]], para_table: list, rules: _Rules) -> None:
    """Join, in place, the pieces of a 文号 that layout left in paragraphs of their own (see
    split_numbers in clean.toml). Table rows are left alone."""
    if not rules.split_numbers:
        return
    k = 1
    while k < len(paras):
        if para_table[k] is None and para_table[k - 1] is None:
            prev = "".join(x for _, x in paras[k - 1])
            cur = "".join(x for _, x in paras[k])
            if any(a.search(prev) and b.match(cur) for a, b in rules.split_numbers):
                paras[k - 1].extend(paras.pop(k))
                para_table.pop(k)
                continue
        k += 1


def _centered(l: _L) -> bool:
    if l.left is None or l.right is None or not l.size:
        return False
    mid = (l.left + l.right) / 2
    return abs((l.x0 + l.x1) / 2 - mid) <= 1.5 * l.size


def _reaches_right(l: _L) -> bool:
    if l.right is None or not l.size:
        return False
    # a CJK line broken by the width ends within about a character of the edge (one more when the
    # typesetter pulled a character down to keep punctuation off the next line's start)
    return l.x1 >= l.right - 1.5 * l.size


def _indented(l: _L) -> bool:
    return l.left is not None and l.size is not None and l.x0 > l.left + 0.6 * l.size


def _continues_geo(prev: _L, cur: _L, rules: _Rules, body: Optional[float]) -> bool:
    """PDF lines: is ``cur`` the rest of ``prev``'s paragraph?"""
    ps, cs = prev.size or 0.0, cur.size or 0.0
    size = max(ps, cs) or 12.0
    if abs(ps - cs) > (0.35 if (prev.noisy or cur.noisy) else 0.15) * size:
        return False
    if body and (ps >= 1.25 * body) != (cs >= 1.25 * body):
        return False  # a title (large) and body text (normal size) are never one paragraph
    same_flow = prev.page_pos == cur.page_pos and prev.block == cur.block
    if same_flow:
        pitch = cur.top - prev.top
        if pitch <= 0 or pitch > 2.6 * size:
            return False
        # a title set in a large size over several centred lines
        if (body and min(ps, cs) >= 1.25 * body and _centered(prev) and _centered(cur)
                and pitch <= 2.2 * size and not _ends_sentence(prev.text, rules)
                and not rules.docno.search(prev.text) and not rules.docno.search(cur.text)):
            return True
    if not _reaches_right(prev):
        return False
    if _toc_like(prev.text) and re.search(r"[(（]?\d+[)）]?\s*$", prev.text):
        return False
    if cur.x0 > prev.x0 + 0.6 * size and same_flow:
        return False
    if _indented(cur) and not _indented(prev):
        return False
    if _ends_sentence(prev.text, rules) and (_starts_item(cur.text, rules) or _indented(cur)):
        return False
    if not same_flow and _indented(cur):
        return False
    return True


def _joiner(a: str, b: str) -> str:
    if not a or not b:
        return ""
    x, y = a[-1], b[0]
    if is_cjk(x) or is_cjk(y) or x == "-":
        return ""
    if x.isascii() and y.isascii() and (y.isalnum() or y in "(\"'") and not (x.isdigit() and y.isdigit()):
        return " "
    return ""


# ---------------------------------------------------------------------------------------------
# the stage


def _page_lines(page: Page, pos: int, gb: bool) -> list[_L]:
    out = []
    for ln in page.lines:
        t = normalize_chars(ln.text, gb)
        if not t.strip():
            continue
        out.append(_L(text=t.strip(), page_pos=pos, x0=ln.x0, x1=ln.x1, top=ln.top, size=ln.size,
                      noisy=page.source == "ocr", table=ln.table))
    return out


def _in_band(l: _L, page: Page, k: int, n: int, band: float) -> bool:
    if l.geo and page.height:
        return l.top < band * page.height or l.top > (1 - band) * page.height
    return k < 2 or k >= n - 2


def _normalised_pages(pages, warnings: list[Warning]) -> list[list[_L]]:
    """Each page's lines, code points repaired (GB-shifted punctuation, PUA digits …); bidirectional
    and invisible controls removed with a ``control-characters`` warning."""
    per_page: list[list[_L]] = []
    for pos, page in enumerate(pages):
        joined = "".join(l.text for l in page.lines)
        gb = _gb_shifted(joined)
        per_page.append(_page_lines(page, pos, gb))
        hidden = len(_BIDI_RX.findall(joined))
        if hidden:
            warnings.append(Warning(code="control-characters", page=page.printed, page_index=page.index,
                                    message=f"removed {hidden} bidirectional or invisible control "
                                    "character(s) (U+202E and the like) from the text"))

    return per_page


def _margins(pages, per_page: list[list[_L]], rules) -> tuple[list[Optional[int]], list[set[int]]]:
    """(printed page number of each page, indices of the lines to drop on each page): page numbers,
    running heads (a short line in the top or bottom band that recurs on ``repeat_share`` of the
    pages, at the same height) and document codes near the top of a page."""
    printed: list[Optional[int]] = [p.printed for p in pages]
    drop: list[set[int]] = [set() for _ in pages]
    multi = sum(1 for ls in per_page if ls) >= 2
    seen: Counter = Counter()
    band_keys: list[list[tuple[int, str]]] = []
    for pos, (page, ls) in enumerate(zip(pages, per_page)):
        keys = []
        n = len(ls)
        for k, l in enumerate(ls):
            if not (multi or l.geo):
                continue
            if not _in_band(l, page, k, n, rules.band):
                continue
            num = page_number_of(l.text)
            if num is not None and ((k > 0 and _bound(ls[k - 1].text, l.text, rules))
                                    or (k + 1 < n and _bound(l.text, ls[k + 1].text, rules))):
                num = None  # "〔" / "2023" / "〕": part of its neighbours' line, not a page number
            if num is not None:
                if printed[pos] is None:
                    printed[pos] = num
                drop[pos].add(k)
                continue
            if len(l.text) <= 40 and not _alone(l.text, rules) and not _starts_item(l.text, rules):
                # position is part of the key: a running head recurs at the same height
                where = f"@{round(l.top / 8)}" if l.geo else ""
                parts = [p for p in re.split(r"\s{2,}", l.text.strip()) if p]
                if printed[pos] is None and len(parts) > 1:  # "刊名  2022年第14期  · 3 ·"
                    nums = [page_number_of(p) for p in (parts[0], parts[-1])]
                    nums = [n for n in nums if n is not None and not 1900 <= n <= 2100]  # not a year
                    if nums:
                        printed[pos] = nums[-1]
                keys.append((k, tuple(dict.fromkeys([_mask(l.text) + where] + [_mask(p) + where for p in parts]))))
        band_keys.append(keys)
        for key in {kk for _, ks in keys for kk in ks}:
            seen[key] += 1
        # document codes near the top of a page
        for k, l in enumerate(ls):
            near_top = (l.top < 0.2 * page.height) if (l.geo and page.height) else k < 4
            if near_top and rules.document_code.match(l.text.strip()):
                drop[pos].add(k)
    with_text = sum(1 for ls in per_page if ls)
    need = max(2, int(rules.repeat_share * with_text + 0.999))
    for pos, keys in enumerate(band_keys):
        for k, ks in keys:
            # the whole line recurs, or each of its parts does (mirrored heads: "期号  刊名")
            if seen[ks[0]] >= need or (len(ks) > 1 and all(seen[x] >= need for x in ks[1:])):
                drop[pos].add(k)
    _fill_printed(printed, pages)

    return printed, drop


def _layout(pages, per_page: list[list[_L]], drop: list[set[int]]) -> tuple[list[list[_L]], Optional[float]]:
    """(the kept lines of each page, the body font size). Lines with geometry get their block
    (full width or one of two columns) and the left and right edges of its text, the document's own
    where a page's short lines would mislead."""
    body_lines: list[list[_L]] = []
    for pos, ls in enumerate(per_page):
        kept = [l for k, l in enumerate(ls) if k not in drop[pos]]
        body_lines.append(kept)
    flat = [l for ls in body_lines for l in ls]
    body = _body_size([l for l in flat if l.geo])
    doc_edges: dict[int, tuple] = {}
    geo_pages = [ls for ls in body_lines if ls and all(l.geo for l in ls)]
    for ls, page in zip(body_lines, pages):
        if ls and all(l.geo for l in ls):
            _assign_blocks(ls, page.width)
    for b in (0, 1, 2):
        doc_edges[b] = _edges([l for ls in geo_pages for l in ls
                               if l.block == b and (not body or abs((l.size or 0) - body) <= 0.5)])
    l1, r2 = doc_edges[1][0], doc_edges[2][1]
    if l1 is not None and r2 is not None:  # a two-column document: full width spans both columns
        doc_edges[0] = (l1, r2)
    for ls in geo_pages:
        for b in (0, 1, 2):
            blk = [l for l in ls if l.block == b]
            if not blk:
                continue
            bodyish = [l for l in blk if not body or abs((l.size or 0) - body) <= 0.5]
            dl, dr = doc_edges[b]
            left, right = _edges(bodyish) if len(bodyish) >= 8 else (dl, dr)
            if dl is not None and dr is not None and left is not None and right is not None:
                em = body or 12.0
                if abs(left - dl) > 3 * em or abs(right - dr) > 3 * em:
                    left, right = dl, dr  # a page of short lines (colophon, table): the document's margins
            if left is None or right is None:
                left, right = _edges(blk)
            for l in blk:
                l.left, l.right = left, right

    return body_lines, body


def _paragraphs(body_lines: list[list[_L]], rules, body: Optional[float]
                ) -> tuple[list[list[tuple[int, str]]], list[Optional[tuple[int, int]]]]:
    """(paragraphs as lists of (page position, piece), the (page position, table number) of each
    paragraph that is a table row): lines joined by the 避头/避尾 rules, by layout where the reader
    gave geometry, else by how the text reads."""
    paras: list[list[tuple[int, str]]] = []
    para_table: list[Optional[tuple[int, int]]] = []  # (page_pos, table number) of a table row
    prev: Optional[_L] = None
    para_text = ""  # "".join of the last paragraph's pieces, kept as they are added
    for ls in body_lines:
        for l in ls:
            piece = squeeze_spaces(l.text)
            if not piece:
                continue
            if prev is not None and paras:
                if prev.table is not None or l.table is not None:
                    cont = False  # a table row is one line: nothing joins it
                elif _bound(para_text, l.text, rules):
                    cont = True
                elif _alone(prev.text, rules) or _alone(l.text, rules) or _spread(prev) or _spread(l):
                    cont = False
                elif prev.geo and l.geo:
                    cont = _continues_geo(prev, l, rules, body)
                else:
                    cont = _continues_text(prev.text, l.text, rules)
            else:
                cont = False
            if cont:
                paras[-1].append((l.page_pos, piece))
                para_text += piece
            else:
                paras.append([(l.page_pos, piece)])
                para_text = piece
                para_table.append(None if l.table is None else (l.page_pos, l.table))
            prev = l

    _rejoin_split_numbers(paras, para_table, rules)

    return paras, para_table


def _emit(paras: list[list[tuple[int, str]]], para_table: list[Optional[tuple[int, int]]], pages,
          printed: list[Optional[int]]) -> tuple[str, list[PageStart], list[list[int]]]:
    """(the cleaned text, where each page starts in it, [start, end] of each table): one paragraph
    per line; a page with no text starts where the next one does."""
    npages = len(pages)
    out: list[str] = []
    offset = 0
    first_offset: list[Optional[int]] = [None] * npages
    tables: list[list[int]] = []  # [start, end] of each table
    prev_key: Optional[tuple[int, int]] = None
    for para, key in zip(paras, para_table):
        para_start = offset
        last = ""
        for pos, piece in para:
            j = _joiner(last, piece)
            if j:
                out.append(j)
                offset += len(j)
            if first_offset[pos] is None:
                first_offset[pos] = offset
            out.append(piece)
            offset += len(piece)
            last = piece
        if key is not None:
            # consecutive rows are one table, unless a new table starts on the same page (a table
            # going on over a page break stays one)
            if prev_key is not None and not (key[0] == prev_key[0] and key[1] != prev_key[1]):
                tables[-1][1] = offset
            else:
                tables.append([para_start, offset])
        prev_key = key
        out.append("\n")
        offset += 1
    text = "".join(out)
    starts = []
    nxt = len(text)
    offs: list[int] = [0] * npages
    for pos in range(npages - 1, -1, -1):  # a page with no text starts where the next one does
        if first_offset[pos] is not None:
            nxt = first_offset[pos]
        offs[pos] = nxt
    running = 0
    for pos, page in enumerate(pages):
        o = max(offs[pos], running)
        running = o
        starts.append(PageStart(offset=o, index=page.index, printed=printed[pos],
                                source=page.source, confidence=page.confidence))
    return text, starts, tables


def clean(source: Source) -> Text:
    rules = _rules()
    pages = source.pages
    warnings: list[Warning] = []
    per_page = _normalised_pages(pages, warnings)
    printed, drop = _margins(pages, per_page, rules)
    body_lines, body = _layout(pages, per_page, drop)
    paras, para_table = _paragraphs(body_lines, rules, body)
    text, starts, tables = _emit(paras, para_table, pages, printed)
    if pages and not text.strip() and any(p.needs_ocr for p in pages):
        warnings.append(Warning(code="no-text", message="no usable text on any page"))
    return Text(text=text, source_map=SourceMap(tuple(starts)), info=source.info,
                warnings=tuple(warnings), tables=tuple((a, b) for a, b in tables))


def _fill_printed(printed: list[Optional[int]], pages) -> None:
    """Fill unnumbered pages lying between numbered pages that agree on the numbering offset."""
    known = [(i, p) for i, p in enumerate(printed) if p is not None]
    if len(known) < 2:
        return
    for (i, a), (j, b) in zip(known, known[1:]):
        if j - i > 1 and b - a == j - i:
            for k in range(i + 1, j):
                printed[k] = a + (k - i)
