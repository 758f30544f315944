"""issue.toc: the issue's table of contents (目录), in Chinese and in English.

The Chinese entries are 【category】 lines and titles with dot leaders and "(N)" page markers,
possibly wrapped over lines, or the rows of a contents table (title, 文号, page), whose cells a
PDF interleaves: the 文号 found in the body tell the cells apart. The English contents follow as
Han-free lines, cut into entries at their page markers and paired with the Chinese ones by order
when the counts and pages agree, else by page number (a ``toc-en-mismatch`` warning).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import regex

from ..chars import fold, has_han, squeeze
from ..model import Span, Text, TocEntry, Warning
from .grammar import DocumentGrammar, grammar
from .lines import Ln

@dataclass
class ZhEntry:
    category: Optional[str]
    title: str
    page: Optional[int]
    span: Span
    first_in_category: bool


def _strip_page(g: DocumentGrammar, t: str) -> tuple[str, Optional[int]]:
    m = g.toc_page.search(t) or g.toc_page_bare.search(t)
    if not m:
        return t, None
    return t[: m.start()], int(m.group("page"))


def _strip_leaders(t: str) -> str:
    return regex.sub(r"[…\.·．⋯\s]+$", "", t)


def _number_regex(parts: dict):
    """A pattern for one known 文号 as a table cell prints it (号 and page may follow)."""
    sp = r"\s*"
    prefix = sp.join(regex.escape(ch) for ch in parts["prefix"])
    return regex.compile(prefix + sp + r"[〔\[【（(［]" + sp + str(parts["year"]) + sp
                         + r"[〕\]】）)］]" + sp + str(parts["serial"])
                         + r"(?P<hao>\s*号)?\s*(?P<page>\d{1,4})?\s*$")


def _parse_toc_table(lines: list[Ln], first: int, known: list[dict]) -> tuple[list[ZhEntry], int]:
    """Rows of a contents table from line ``first`` on: (entries, index of the last row line)."""
    g = grammar()
    pats = [_number_regex(p) for p in known]
    zh: list[ZhEntry] = []
    cat: Optional[str] = None
    fresh = False
    rows: list[list] = []  # [category, fresh, [line indices], title part, page, hao]
    last = first - 1
    i = first
    while i < len(lines):
        t = lines[i].stripped
        m = g.toc_category.match(t)
        if m:
            cat, fresh, last = squeeze(m.group("name")), True, i
            i += 1
            continue
        if not has_han(t) or g.body_chars.search(t):
            break
        hit = next((mm for mm in (p.search(t) for p in pats) if mm), None)
        if hit is not None:
            rows.append([cat, fresh, [i], t[:hit.start()], hit.group("page"), bool(hit.group("hao"))])
            fresh = False
        else:
            mp = g.toc_table_row_page.match(t)
            if mp and not (rows and len(rows[-1][2]) == 1 and rows[-1][4] is None):
                rows.append([cat, fresh, [i], mp.group("title"), mp.group("page"), True])
                fresh = False
            elif rows and len(rows[-1][2]) < 3:
                rows[-1][2].append(i)
            else:
                break
        last = i
        i += 1
    for cat_, fresh_, idx, part, page, hao in rows:
        rest = "".join(lines[k].stripped for k in idx[1:])
        if not hao and rest.endswith("号"):
            rest = rest[:-1]
        zh.append(ZhEntry(cat_, squeeze(_strip_leaders(part + rest)),
                           int(page) if page else None,
                           (lines[idx[0]].start, lines[idx[-1]].end), fresh_))
    return zh, last


def parse_toc(lines: list[Ln], heading: int, known: Optional[list[dict]] = None
              ) -> tuple[list[ZhEntry], list[tuple[Optional[str], str, Optional[int]]], int]:
    """The Chinese entries, the English groups (category?, title, page) and the index of the last
    TOC line, starting after the 目录 heading at line ``heading``. ``known`` are the parts of the
    文号 found in the body (they let a table's interleaved cells be told apart)."""
    g = grammar()
    zh: list[ZhEntry] = []
    cat: Optional[str] = None
    cat_fresh = False
    buf: list[int] = []
    last = heading
    i = heading + 1
    n = len(lines)
    if i < n and g.toc_table_header.match(lines[i].text):
        zh, last = _parse_toc_table(lines, i + 1, known or [])
        i = n  # skip the dotted-leader reading
    while i < n:
        t = lines[i].stripped
        if not buf:
            m = g.toc_category.match(t)
            if m:
                cat, cat_fresh, last = squeeze(m.group("name")), True, i
                i += 1
                continue
            if not has_han(t):
                break
        title_part, page = _strip_page(g, t)
        if page is not None:
            buf.append(i)
            joined = "".join(lines[j].stripped for j in buf)
            title, _ = _strip_page(g, joined)
            zh.append(ZhEntry(cat, squeeze(_strip_leaders(title)), page,
                               (lines[buf[0]].start, lines[i].end), cat_fresh))
            cat_fresh = False
            buf = []
            last = i
            i += 1
            continue
        if len(buf) >= 3 or g.body_chars.search(t) or len(t) > 120:
            break
        buf.append(i)
        i += 1
    # English contents: Han-free lines after the Chinese entries
    en: list[tuple[Optional[str], str, Optional[int]]] = []
    groups: list[list[int]] = []
    buf = []
    j = last + 1
    while j < n and not has_han(lines[j].text):
        t = lines[j].stripped
        _, page = _strip_page(g, t)
        if not buf and page is None and any(p.search(t) for p in g.toc_en_skip):
            j += 1
            continue
        buf.append(j)
        if page is not None:
            groups.append(buf)
            buf = []
            last = j
        j += 1
    if groups:
        for gi, grp in enumerate(groups):
            zh_e = zh[gi] if gi < len(zh) else None
            texts = [lines[x].stripped for x in grp]
            category = None
            if zh_e is not None and zh_e.first_in_category and len(texts) >= 2:
                category = repair_english(g, texts[0])
                texts = texts[1:]
            title, page = _strip_page(g, " ".join(texts))
            en.append((category, repair_english(g, _strip_leaders(title)), page))
    return zh, en, last


def repair_english(g: DocumentGrammar, t: str) -> str:
    for pat, rep in g.toc_repairs:
        t = pat.sub(rep, t)
    return t.strip()


def build_toc(zh: list[ZhEntry], en: list, warnings: list[Warning], text: Text) -> list[TocEntry]:
    """Pair the Chinese and English entries: by order when the counts and pages agree, else by
    page number in order."""
    pairs: list[Optional[tuple]] = [None] * len(zh)
    if len(en) == len(zh) and all(e[2] == z.page for e, z in zip(en, zh)):
        pairs = list(en)
    else:
        k = 0
        for i, z in enumerate(zh):
            for j in range(k, len(en)):
                if en[j][2] == z.page:
                    pairs[i] = en[j]
                    k = j + 1
                    break
        if en:
            warnings.append(Warning("toc-en-mismatch",
                                    f"English contents has {len(en)} entries for {len(zh)} Chinese "
                                    "ones; aligned by page number",
                                    page=text.page(zh[0].span[0]) if zh else None,
                                    span=zh[0].span if zh else None,
                                    page_index=text.page_index(zh[0].span[0]) if zh else None))
    # categories: the English category holds for the following entries too
    out = []
    cat_en = None
    cat_zh = None
    for z, e in zip(zh, pairs):
        if z.category != cat_zh:
            cat_zh, cat_en = z.category, None
        if e is not None and e[0]:
            cat_en = e[0]
        out.append(TocEntry(category_zh=z.category, category_en=cat_en if z.category else None,
                            title_zh=z.title, title_en=e[1] if e else None, page=z.page,
                            span=z.span))
    return out


def toc_key(title: str) -> str:
    """A contents title folded, without a trailing （…令第361号） that the heading does not print."""
    g = grammar()
    key = fold(title)
    return g.toc_number_suffix.sub("", key) if g.toc_number_suffix is not None else key

