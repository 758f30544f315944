"""issue.attachments: what a document issues or attaches, and where each is printed.

Titles come from three places: 《》 titles the body says it issues (现将《X》印发给你们), the 附件说明
list after the body (附件：1. … 2. …), and the document's own title (关于印发X的通知) when neither
names one. ``locate_heading`` finds where such a title is printed as a heading of its own —
wrapped over up to three lines, letter-spaced, or under an 附件N label — which is where that
attachment's text begins.
"""

from __future__ import annotations

from typing import Optional

import regex

from ..chars import fold, squeeze
from ..model import Attachment, Span
from .grammar import grammar
from .lexicon import body_like, is_date_line, is_title_line
from .lines import Ln, trim_span

def named_attachments(s: str, span: Optional[Span]) -> list[str]:
    """Titles in 《》 that the body says it issues (现将《X》印发给你们, 现公布…《X》)."""
    if span is None:
        return []
    g = grammar()
    found: list[tuple[int, str]] = []
    chunk = s[span[0]:span[1]]
    for pat in g.att_named:
        for m in pat.finditer(chunk):
            found.append((m.start("title"), squeeze(m.group("title"))))
    out: list[str] = []
    for _, t in sorted(found):
        if t not in out:
            out.append(t)
    return out


def attachment_list(lines: list[Ln], lo: int, hi: int) -> tuple[list[str], Optional[tuple[int, int]]]:
    """A 附件说明 ("附件：1. … / 2. …") within lines[lo:hi]: titles and (first, last) line."""
    g = grammar()
    for i in range(lo, hi):
        m = g.att_list_head.match(lines[i].text)
        if not m:
            continue
        titles = []
        rest = m.group("rest").strip()
        if rest:
            it = g.att_list_item.match(rest)
            titles.append(squeeze(it.group("title") if it else rest))
        last = i
        k = i + 1
        while k < hi:
            t = lines[k].text
            it = g.att_list_item.match(t)
            if it and len(lines[k].stripped) <= 80:
                titles.append(squeeze(it.group("title")))
            elif titles and _list_continuation(lines, k, hi):
                titles[-1] += squeeze(t)  # an item wrapped over two lines
            else:
                break
            last = k
            k += 1
        return [t.rstrip("。；;") for t in titles], (i, last)
    return [], None


def _list_continuation(lines: list[Ln], k: int, hi: int) -> bool:
    """Is line k the wrapped tail of the 附件说明 item above it (not a label, not a signature)?"""
    g = grammar()
    t = lines[k].text
    if g.att_label.match(t) or not is_title_line(t) or len(t.strip()) > 30:
        return False
    return not any(is_date_line(lines[j].text) for j in range(k + 1, min(hi, k + 3)))


def locate_heading(lines: list[Ln], title: str, lo: int, hi: int) -> Optional[tuple[int, int]]:
    """Lines (first, last) in lo..hi where ``title`` is printed as a heading of its own (possibly
    wrapped over up to 3 lines, letter-spaced, or after an 附件N label)."""
    key = fold(title).strip("《》")
    if not key:
        return None
    g = grammar()
    for i in range(lo, hi):
        acc = ""
        for k in range(i, min(hi, i + 3)):
            acc += fold(lines[k].text)
            if acc == key:
                first = i - 1 if i - 1 >= lo and g.att_label.match(lines[i - 1].text) else i
                return first, k
            if not key.startswith(acc):
                break
    # under an 附件N label the heading may differ in a trailing bracket: 指标体系（2023年）
    # printed as …（2023年版）, 信息情况表 as 信息情况表（年月日）
    def stem(x: str) -> str:
        return regex.sub(r"\([^()]{0,20}\)$", "", x)

    if len(stem(key)) >= 6:
        for i in range(lo + 1, hi):
            if g.att_label.match(lines[i - 1].text) and stem(fold(lines[i].text)) == stem(key):
                return i - 1, i
    return None



def _issued_titles(s: str, lines: list[Ln], title: str, doc_type: Optional[str], body_first: int,
                   notice_span: Optional[Span]) -> tuple[list[str], list[str], Optional[tuple[int, int]], list[str]]:
    """(titles the notice says it issues in 《》, titles of its 附件说明 list, that list's (first, last)
    line, the title the document's own title names when neither names one)."""
    g = grammar()
    issues_something = not title or doc_type == "令" or any(v in title for v in g.issuing_verbs)
    named = named_attachments(s, notice_span) if issues_something else []
    listed, list_lines = attachment_list(lines, body_first, len(lines))
    # the title may name what it issues when the body does not (关于印发X的通知 / 现将X印发给你们)
    derived: list[str] = []
    if issues_something and not named and not listed:
        m = g.att_from_title.search(title)
        if m:
            derived = [squeeze(m.group("title"))]
    return named, listed, list_lines, derived


def _where_printed(lines: list[Ln], titles: list[str], issued_in_body: list[str], after: int, body_first: int,
                   body_end_line: int) -> list[tuple[int, int, str]]:
    """(first line, last title line, title) of each attachment printed as a heading, in line order;
    a title under an 附件N label that no one names is added to ``titles``."""
    g = grammar()
    printed: list[tuple[int, int, str]] = []
    for t in titles:
        where = locate_heading(lines, t, after, len(lines))
        if where is None and t in issued_in_body and body_first + 1 < body_end_line:
            # the issued text printed straight after the sentence that issues it, before the
            # signature (or with no signature at all): 现将《X》印发给你们… / X / 一、…
            where = locate_heading(lines, t, body_first + 1, body_end_line)
        if where is not None and not any(p[0] == where[0] for p in printed):
            printed.append((where[0], where[1], t))
    # an attachment printed under an 附件N label whose title the body does not name
    for i in range(after, len(lines) - 1):
        if g.att_label.match(lines[i].text) and not any(p[0] == i for p in printed) \
                and is_title_line(lines[i + 1].text):
            t = squeeze(lines[i + 1].text)
            if fold(t) not in [fold(x) for x in titles]:
                titles.append(t)
                printed.append((i, i + 1, t))
    return sorted(printed)


def _printed_attachment(s: str, lines: list[Ln], first: int, last: int, stop_line: int) -> Attachment:
    """The attachment whose heading is lines first..last (after an 附件N label, if any) and whose
    text runs to ``stop_line``; a blank to fill in printed after the title is not part of it."""
    g = grammar()
    end = lines[-1].end
    tspan = (lines[first].start if not g.att_label.match(lines[first].text)
             else lines[first + 1].start, lines[last].end)
    bspan = trim_span(s, lines[last].end, lines[stop_line].start if stop_line < len(lines) else end) \
        if last + 1 < stop_line else None
    blank = g.att_title_blank.search(s, tspan[0], tspan[1])
    if blank and blank.end() == tspan[1] and blank.start() > tspan[0]:
        tspan = (tspan[0], blank.start())
    return Attachment(title=squeeze(s[tspan[0]:tspan[1]]), span=tspan, body_span=bspan)


def _notice_spans(s: str, lines: list[Ln], notice_lo: int, notice_hi: int, body_first: int,
                  notice_end_line: int, list_lines: Optional[tuple[int, int]]) -> list[Span]:
    """The notice's own text, without its 附件说明 list (what follows the list is body again)."""
    end = lines[-1].end
    hi_line = notice_end_line
    if list_lines and body_first <= list_lines[0] < notice_end_line:
        hi_line = list_lines[0]
    sp = trim_span(s, notice_lo, lines[hi_line].start if hi_line < len(lines) else end)
    if not sp:
        return []
    spans = [sp]
    if list_lines and list_lines[1] + 1 < notice_end_line and hi_line == list_lines[0]:
        tail = trim_span(s, lines[list_lines[1] + 1].start, notice_hi)
        if tail:
            spans.append(tail)
    return spans


def _unclaimed(s: str, lines: list[Ln], after: int, first_claimed: int) -> tuple[Optional[Attachment], Optional[Span]]:
    """Text after the signature that no attachment heading claims is still body: an attachment
    whose title the notice does not name (a title line over running text), or (in an excerpt)
    clauses after a misplaced date. (attachment, None) or (None, body span)."""
    end = lines[-1].end
    stop = lines[first_claimed].start if first_claimed < len(lines) else end
    if is_title_line(lines[after].text) and not is_date_line(lines[after].text) \
            and after + 1 < first_claimed and body_like(lines[after + 1].text):
        return Attachment(title=squeeze(lines[after].text), span=(lines[after].start, lines[after].end),
                          body_span=trim_span(s, lines[after].end, stop)), None
    return None, trim_span(s, lines[after].start, stop)


def attachments_and_body(s: str, lines: list[Ln], title: str, doc_type: Optional[str], body_first: int,
                         body_end_line: int, sig_last: Optional[int]) -> tuple[list[Attachment], list[Span], bool]:
    """A document's attachments and the spans of its body: (attachments in the order they are
    named, body spans, whether there is any body: notice text before the signature or an
    attachment printed). ``lines`` are the document's lines without its 版记; the notice runs from
    line ``body_first`` to ``body_end_line`` (the signature's first line); the signature ends at
    line ``sig_last`` (None: there is no signature)."""
    end = lines[-1].end
    notice_lo = lines[body_first].start if body_first < len(lines) else end
    notice_hi = lines[body_end_line].start if body_end_line < len(lines) else end
    notice_span = trim_span(s, notice_lo, notice_hi) if notice_hi > notice_lo else None
    named, listed, list_lines, derived = _issued_titles(s, lines, title, doc_type, body_first, notice_span)
    titles: list[str] = []
    for t in named + listed + derived:
        if fold(t) not in [fold(x) for x in titles]:
            titles.append(t)
    after = (sig_last + 1) if sig_last is not None else body_first
    printed = _where_printed(lines, titles, named + derived, after, body_first, body_end_line)

    # the notice body ends where an issued text printed inside it begins
    inner = [p[0] for p in printed if body_first <= p[0] < body_end_line]
    notice_end_line = min(inner) if inner else body_end_line
    if inner:
        notice_hi = lines[notice_end_line].start
        # titles in 《》 quoted by the issued text itself are not what the notice issues
        head_named = named_attachments(s, trim_span(s, notice_lo, notice_hi))
        titles = [t for t in titles if t in head_named or t in listed
                  or any(p[2] == t for p in printed)]
    # a title taken from the document's title counts only where it is printed
    titles = [t for t in titles if t not in derived or any(p[2] == t for p in printed)]

    body_spans: list[Span] = []
    if notice_span is not None:
        body_spans += _notice_spans(s, lines, notice_lo, notice_hi, body_first, notice_end_line, list_lines)
    stops = sorted({p[0] for p in printed} | ({list_lines[0]} if list_lines else set())
                   | ({body_end_line} if inner and body_end_line < len(lines) else set()))
    by_title = {}
    for first, last, t in printed:
        stop_line = next((x for x in stops if x > last), len(lines))
        att = by_title[t] = _printed_attachment(s, lines, first, last, stop_line)
        if att.body_span is not None:
            body_spans.append(att.body_span)
    attachments = [by_title.get(t, Attachment(title=t)) for t in titles]
    if sig_last is not None:
        first_claimed = min([p[0] for p in printed if p[0] >= after], default=len(lines))
        if list_lines and after <= list_lines[0] < first_claimed:
            first_claimed = list_lines[0]
        if after < first_claimed:
            extra, span = _unclaimed(s, lines, after, first_claimed)
            if extra is not None:
                attachments.insert(0, extra)
                span = extra.body_span
            if span:
                body_spans.append(span)
    return attachments, body_spans, bool(printed) or notice_span is not None
