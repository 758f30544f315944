"""issue.segment: Text → Segmentation (issue info, bilingual TOC, one DocumentText per document).

How an issue is cut up:

1. The front matter (cover, masthead) and the colophon (版权页, a run of "key：value" lines) give
   ``IssueInfo`` (issue.colophon).
2. The contents (目录) give the Chinese and English entries (issue.toc).
3. Each TOC title is looked up in the body (compared without spaces, NFKC-folded); documents the
   TOC does not list are found by their anchors (issue.head): a 文号 alone on its line, or a
   numbered header (…令 / 第N号). A text with neither TOC nor anchors is one document when it has a
   title ending in a 文种 or a numbered body; otherwise it holds no document and ``documents`` is
   empty.

Every pattern comes from grammars/document.toml.
"""

from __future__ import annotations

import bisect
from typing import Optional

from ..chars import count_han, fold, folded_with_map, has_han, squeeze
from ..model import DocumentText, IssueInfo, Segmentation, Text, TocEntry, Warning
from .colophon import find_colophon, issue_info
from .grammar import grammar
from .head import find_anchors
from .history import is_history_line
from .lexicon import addressee_like, doc_type_of, is_strong_title, is_title_line, parse_doc_number
from .lines import Ln, lines_index_before, lines_of
from .toc import build_toc, parse_toc, toc_key

def _find_title(lines: list[Ln], s: str, title: str, lo: int, hi: int,
                folded: Optional[tuple] = None) -> Optional[int]:
    """Index of the line (in lo..hi) where a document titled ``title`` begins; the title may be
    wrapped over several lines and printed with spaces. ``folded`` is ``folded_with_map`` of all
    of ``s`` when the caller looks up many titles (it is then searched between the range's bounds,
    not folded again for each)."""
    if lo >= hi:
        return None
    key = fold(title)
    if not key:
        return None
    if folded is None:
        folded = folded_with_map(s, lines[lo].start, lines[hi - 1].end)
    hay, where = folded
    first, last = bisect.bisect_left(where, lines[lo].start), bisect.bisect_left(where, lines[hi - 1].end)
    starts = {ln.start: idx for idx, ln in enumerate(lines[lo:hi], lo)}
    g = grammar()
    bare = g.toc_number_suffix.sub("", key) if g.toc_number_suffix is not None else key
    for cand in (key, key.split("关于", 1)[1] if "关于" in key[1:] else None, bare if bare != key else None):
        if not cand or len(cand) < 4:
            continue
        pos = hay.find(cand, first, last)
        while pos != -1:
            off = where[pos]
            # the match must start a line, or (for the part after 关于) follow an issuer line
            ln_idx = starts.get(off)
            if ln_idx is None:
                # inside a line: accept when everything before it on the line is an issuer
                line_idx = next((i for i in range(lo, hi) if lines[i].start <= off < lines[i].end + 1), None)
                if line_idx is not None and cand is not key:
                    ln_idx = line_idx
            if ln_idx is not None:
                if cand is not key and ln_idx > lo and is_title_line(lines[ln_idx - 1].text) \
                        and doc_type_of(lines[ln_idx - 1].text) is None:
                    ln_idx -= 1
                return ln_idx
            pos = hay.find(cand, pos + 1, last)
    return None


def _fallback_single(lines: list[Ln], lo: int, hi: int) -> Optional[int]:
    """A text with neither TOC nor anchor: where its one document begins, or None."""
    g = grammar()
    for i in range(lo, min(hi, lo + 40)):
        t = lines[i].stripped
        # a title straight followed by its history (…会议通过) is a law's, whatever its last word
        law = i + 1 < hi and is_history_line(lines[i + 1].text) and not is_history_line(t)
        if is_title_line(t, g.law_title_max_line if law else None) and (is_strong_title(t) or law) \
                and not g.gazette.match(t):
            # a title alone is not a document: some body must follow it
            body = sum(count_han(lines[k].text) for k in range(i + 1, min(hi, i + 30)))
            if body >= 30:
                # a text that opens with its 主送机关 (the title printed elsewhere, as on many
                # web pages) starts there: the title found further down is what it issues
                first = next((k for k in range(lo, i) if addressee_like(lines[k].text)), None)
                return first if first is not None else i
    hits = [i for i in range(lo, hi) if g.numbered_body.match(lines[i].text)]
    han = sum(count_han(lines[i].text) for i in range(lo, hi))
    # an excerpt of numbered clauses is still (part of) a document
    if hits and han >= 100:
        for i in range(lo, hi):
            if has_han(lines[i].text):
                return i
    return None


def _law_start(lines: list[Ln], lo: int, hi: int) -> Optional[int]:
    """Line lo when lines lo..hi are a title line, its history lines (…会议通过), and nothing but
    title lines after them; else None."""
    if lo + 1 >= hi or not is_title_line(lines[lo].text, grammar().law_title_max_line) \
            or is_history_line(lines[lo].text) \
            or not is_history_line(lines[lo + 1].text):
        return None
    k = lo + 1
    while k < hi and is_history_line(lines[k].text):
        k += 1
    return lo if all(is_title_line(lines[j].text) for j in range(k, hi)) else None


def _contents(lines: list[Ln], text: Text, warnings: list[Warning]) -> tuple[list[TocEntry], int]:
    """The contents (目录) in the first 200 lines: (entries, index of its last line; -1 when none).
    A contents table's cells are told apart by the 文号 the body prints."""
    g = grammar()
    heading = next((i for i, ln in enumerate(lines[:200]) if g.toc_heading.match(ln.text)), None)
    if heading is None:
        return [], -1
    known: list[dict] = []
    if heading + 1 < len(lines) and g.toc_table_header.match(lines[heading + 1].text):
        for h in find_anchors(lines, heading + 1, len(lines)):
            if h.number_line is not None:
                m = g.doc_number_line.match(lines[h.number_line].stripped)
                parts = parse_doc_number(m.group("num")) if m else None
                if parts and parts not in known:
                    known.append(parts)
    zh, en, toc_last = parse_toc(lines, heading, known)
    if not zh:
        return [], heading
    return build_toc(zh, en, warnings, text), toc_last


def _starts_from_contents(lines: list[Ln], text: Text, toc: list[TocEntry], lo: int, hi: int,
                          warnings: list[Warning]) -> dict[int, Optional[int]]:
    """{first line of a document: its contents entry}, each entry looked up after the one before
    (then anywhere in the body); an entry not found is a ``toc-unmatched`` warning."""
    s = text.text
    starts: dict[int, Optional[int]] = {}
    cursor = lo
    folded = folded_with_map(s, 0, len(s)) if toc else None  # once, for every entry
    for ti, entry in enumerate(toc):
        idx = _find_title(lines, s, entry.title_zh, cursor, hi, folded)
        if idx is None:
            idx = _find_title(lines, s, entry.title_zh, lo, hi, folded)
        if idx is None or idx in starts:
            warnings.append(Warning("toc-unmatched",
                                    f"contents entry (page {entry.page}) not found in the text: "
                                    f"{entry.title_zh}",
                                    page=text.page(entry.span[0]) if entry.span else None,
                                    span=entry.span,
                                    page_index=text.page_index(entry.span[0]) if entry.span else None))
            continue
        starts[idx] = ti
        cursor = idx + 1
    return starts


def _add_anchored_starts(starts: dict[int, Optional[int]], lines: list[Ln], text: Text, toc: list[TocEntry],
                         lo: int, hi: int, warnings: list[Warning]) -> None:
    """Add the documents found by their anchors (issue.head) that no contents entry covers; with
    contents, each is a ``doc-not-in-toc`` warning."""
    g = grammar()
    s = text.text
    # (a title quoted inside the 《》 of another prints its own 《》 as 〈〉)
    inner = str.maketrans("〈〉", "《》")
    for h in find_anchors(lines, lo, hi):
        # near a contents entry's title: the same document. Only TOC starts count here — two
        # anchors are different documents however close (short notices one after another);
        # find_anchors already merged the heads that overlap.
        near = [st for st in starts if starts[st] is not None
                and (st - 1 <= h.start <= st + g.title_max_lines + 1 or h.start <= st <= h.end)]
        if near:
            continue
        # a 令 (or notice) whose contents entry names what it issues: the TOC title is printed
        # below the header, after "现公布《…》" — the document starts at the header
        issued = [st for st in starts if h.end < st <= h.end + 12 and starts[st] is not None
                  and "《" + toc_key(toc[starts[st]].title_zh) + "》"
                  in fold(s[lines[h.start].start:lines[st].start]).translate(inner)]
        if issued:
            starts[h.start] = starts.pop(issued[0])
            continue
        if toc:
            warnings.append(Warning("doc-not-in-toc",
                                    "document not listed in the contents: "
                                    + squeeze("".join(lines[i].text for i in h.title_lines))[:60],
                                    page=text.page(lines[h.start].start),
                                    span=(lines[h.start].start, lines[h.end].end),
                                    page_index=text.page_index(lines[h.start].start)))
        starts[h.start] = None


def _documents(lines: list[Ln], starts: dict[int, Optional[int]], toc: list[TocEntry],
               hi: int) -> list[DocumentText]:
    """One DocumentText from each start to the next (the last one to line ``hi``)."""
    order = sorted(starts)
    docs: list[DocumentText] = []
    for n, st in enumerate(order):
        stop = order[n + 1] if n + 1 < len(order) else hi
        if stop <= st:
            continue
        ti = starts[st]
        entry = toc[ti] if ti is not None else None
        docs.append(DocumentText(span=(lines[st].start, lines[stop - 1].end),
                                 category_zh=entry.category_zh if entry else None,
                                 category_en=entry.category_en if entry else None,
                                 toc_index=ti))
    return docs


def segment(text: Text) -> Segmentation:
    """Cut the cleaned text into issue info, TOC and documents (see the module docstring)."""
    s = text.text
    lines = lines_of(s)
    warnings: list[Warning] = []
    if not lines or not has_han(s):
        return Segmentation(info=IssueInfo(), toc=[], documents=[], warnings=warnings)

    toc, toc_last = _contents(lines, text, warnings)
    body_lo = toc_last + 1
    # the colophon closes the body; one printed before the body (on the cover's back) does not
    colophon = find_colophon(lines, body_lo)
    body_hi = colophon[0] if colophon is not None and colophon[0] >= body_lo else len(lines)

    starts = _starts_from_contents(lines, text, toc, body_lo, body_hi, warnings)
    _add_anchored_starts(starts, lines, text, toc, body_lo, body_hi, warnings)
    if not starts:
        first = _fallback_single(lines, body_lo, body_hi)
        if first is not None:
            starts[first] = None
    # a text without contents that opens with a law's title and history (…会议通过) starts there,
    # even when the title is printed again further down above a 文号 (法释〔2024〕3号)
    if starts and not toc:
        first = min(starts)
        law = _law_start(lines, body_lo, first)
        if law is not None and law < first:
            starts[law] = starts.pop(first)
    docs = _documents(lines, starts, toc, body_hi)

    front_end = lines_index_before(lines, docs[0].span[0]) if docs else len(lines)
    return Segmentation(info=issue_info(lines, front_end, colophon), toc=toc, documents=docs, warnings=warnings)
