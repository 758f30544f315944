"""document: a DocumentText → Document with its GB/T 9704 fields and body spans.

A document's text reads, in order: a head (red header, title lines, 文号 — or a numbered header
…令 / 第N号), the 主送机关 line, the body, the signature block (issuer names or "总理 李克强",
then the date, then "（此件公开发布）"), and after it whatever the document issues (the action
plan a notice 印发s, the regulation a 令 公布s), each under its own title, possibly after an
"附件1" label. Patterns come from grammars/document.toml (see segment.grammar()).

``body_spans`` are where the clause builder should look: the notice body (after 主送机关, before
the signature, without a 附件说明 list) and, separately, each printed attachment's body.
"""

from __future__ import annotations

from typing import Optional

import regex

from .history import events as history_events
from .history import is_history_line
from .model import Attachment, Document, DocumentText, Segmentation, Span, Text, Warning
from .segment import (
    Head,
    Ln,
    _numbered_header,
    _title_back,
    doc_type_of,
    find_doc_numbers,
    fold,
    grammar,
    _body_like,
    head_at_anchor,
    is_banji,
    is_date_line,
    is_strong_title,
    is_title_line,
    lines_of,
    parse_date,
    parse_doc_number,
    split_issuers,
    squeeze,
)

__all__ = ["build_document", "parse_date", "parse_doc_number", "doc_type_of"]


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


def _history_end(lines: list[Ln], k: int) -> int:
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


def _head(lines: list[Ln]) -> Head:
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
        o = _numbered_header(lines, i)
        if o is not None:
            back = _title_back(lines, o[0], 0) if o[3] != "令" else []
            return Head(back[0] if back else o[0], o[1], back + list(range(o[0], o[1] + 1)),
                        order=o, strong=True)
    # no 文号: the title is the first run of title lines (after a red header)
    i = 0
    while i < n and g.red_header.match(lines[i].text):
        i += 1
    got = []
    while i < n and len(got) < g.title_max_lines and is_title_line(lines[i].text):
        got.append(i)
        if doc_type_of(lines[i].text) is not None:
            break
        i += 1
    if got:
        return Head(0, got[-1], got, strong=is_strong_title("".join(lines[j].text for j in got)))
    return Head(0, -1, [])


def _trim(s: str, a: int, b: int) -> Optional[Span]:
    while a < b and s[a].isspace():
        a += 1
    while b > a and s[b - 1].isspace():
        b -= 1
    return (a, b) if b > a else None


def _signature(lines: list[Ln], lo: int) -> Optional[tuple[int, int, int, list[str], Optional[str]]]:
    """The signature block at or after line lo: (first line, date line, last line, issuers,
    signer). The date is the first date standing alone on its line."""
    g = grammar()
    d = next((i for i in range(lo, len(lines)) if is_date_line(lines[i].text)), None)
    if d is None:
        return None
    issuers: list[str] = []
    signer = None
    first = d
    j = d - 1
    while j >= lo and d - j <= g.sig_max_lines:
        t = lines[j].stripped
        m = g.signer.match(t)
        if m:
            signer = f"{squeeze(m.group('title'))} {m.group('name')}"
            first = j
            j -= 1
            continue
        if g.issuer_line.match(t) and not any(p.search(t) for p in g.not_issuer) \
                and doc_type_of(t) is None:
            issuers[:0] = split_issuers(t)
            first = j
            j -= 1
            continue
        break
    last = d
    k = d + 1
    while k < len(lines) and (any(p.match(lines[k].stripped) for p in g.sig_trailer)
                              or g.doc_number_trailing.match(lines[k].stripped)
                              or is_banji(lines[k].text)):
        last = k
        k += 1
    return first, d, last, issuers, signer


def _named_attachments(s: str, span: Optional[Span]) -> list[str]:
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


def _attachment_list(lines: list[Ln], lo: int, hi: int) -> tuple[list[str], Optional[tuple[int, int]]]:
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


def _locate(lines: list[Ln], title: str, lo: int, hi: int) -> Optional[tuple[int, int]]:
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


def _garbled_twin(a: str, b: str) -> bool:
    """``a`` reads as ``b`` with some characters replaced one for one — what a font with a wrong
    ToUnicode map (长沛住编公积验管理委损会 for 长沙住房公积金管理委员会) or an OCR misreading gives.
    A title that names another issuer, an abbreviation or a joint one differs in length or in most
    characters instead."""
    if len(a) != len(b) or len(a) < 4 or a == b:
        return False
    same = sum(x == y for x, y in zip(a, b))
    return same >= len(a) / 2 and a[0] == b[0]


def build_document(text: Text, doc: DocumentText, seg: Segmentation) -> Document:
    g = grammar()
    s = text.text
    start, doc_end = doc.span
    all_lines = lines = lines_of(s, start, doc_end)
    warnings: list[Warning] = []

    def warn(code: str, message: str, at: Optional[int] = None, span: Optional[Span] = None):
        at = start if at is None else at
        warnings.append(Warning(code, message, page=text.page(at), span=span or (at, at),
                                page_index=text.page_index(at)))

    if not lines:
        warn("doc-empty", "document has no text", span=doc.span)
        return Document(title="", span=doc.span, warnings=warnings)

    head = _head(lines)
    toc = seg.toc[doc.toc_index] if doc.toc_index is not None and doc.toc_index < len(seg.toc) else None

    # title, number, type
    doc_number = None
    parts = None
    if head.order is not None:
        a, b, issuer, kind, serial = head.order
        title_lines = [i for i in head.title_lines if i < a] or [a]
        if kind == "令":
            title = squeeze(issuer + kind)
        else:
            title = squeeze("".join(lines[i].text for i in title_lines))
        # the number as printed: 第707号, or 第六十六号 of a 主席令 (serial 66)
        nm = g.order_number.match(lines[b].stripped) or g.order_one_line.match(lines[b].stripped)
        printed = squeeze(nm.group("serial")) if nm else str(serial)
        doc_number = squeeze(issuer + kind) + f"第{printed}号"
        parts = {"prefix": squeeze(issuer + kind), "year": None, "serial": serial}
        doc_type = kind if kind == "令" else (doc_type_of(title) or kind)
    else:
        title = squeeze("".join(lines[i].text for i in head.title_lines))
        doc_type = doc_type_of(title)
        if head.number_line is not None:
            m = g.doc_number_line.match(lines[head.number_line].stripped)
            doc_number = squeeze(m.group("num"))
            parts = parse_doc_number(doc_number)
    if not title and toc is not None:
        title = toc.title_zh
        doc_type = doc_type_of(title)
    if not title:
        warn("doc-no-title", "no title found at the start of the document",
             span=(lines[0].start, lines[0].end))
    if doc_type is None:
        warn("doc-no-type", f"no 文种 at the end of the title: {title[:40]}")

    # a 版记 closing the document (公开方式：…, "…2021年2月7日印发") is neither body nor attachment
    eff = len(lines)
    while eff > head.end + 2 and is_banji(lines[eff - 1].text):
        eff -= 1
    lines = lines[:eff]
    end = lines[-1].end

    # 主送机关
    body_first = head.end + 1
    addressees: list[str] = []
    # (a 主送 line wrapped by a PDF text layer runs over up to three lines)
    for n_lines in (1, 2, 3):
        if body_first + n_lines > len(lines):
            break
        t = "".join(lines[k].stripped for k in range(body_first, body_first + n_lines))
        if n_lines > 1 and not all(is_title_line(lines[k].text) or lines[k].stripped.endswith(("，", "、"))
                                   for k in range(body_first, body_first + n_lines - 1)):
            break
        m = g.addressee.match(t)
        if m and not any(w in t for w in g.not_addressee) and len(t) <= 300:
            addressees = [squeeze(x) for x in g.addressee_split.split(m.group("body")) if x.strip()]
            body_first += n_lines
            break
        if "。" in t:
            break
    # a 题注 under a regulation's title: （2022年12月23日北京市人民政府第307号令公布 …）
    history_first = body_first
    headnote = None
    if not addressees and body_first < len(lines):
        t = lines[body_first].stripped
        if t[:1] in "（(" and not regex.search(r"[）)]\s*$", t) and body_first + 1 < len(lines):
            t2 = t + lines[body_first + 1].stripped
            n_lines = 2
        else:
            t2, n_lines = t, 1
        m = g.headnote.match(t2)
        if m and regex.search(r"[）)]\s*$", t2):
            headnote = m
            body_first += n_lines
    # a law's history under its title (…会议通过, 根据…第一次修正): not title, not body
    if not addressees:
        body_first = max(body_first, _history_end(lines, history_first))
    history = []
    if body_first > history_first:
        history = history_events(s, (lines[history_first].start, lines[body_first - 1].end))
    # signature block
    sig = _signature(lines, body_first)
    issuers: list[str] = []
    date = None
    if sig is not None:
        sig_first, sig_date, sig_last, issuers, signer = sig
        date = parse_date(lines[sig_date].text)
        body_end_line = sig_first
    else:
        sig_first = sig_last = None
        body_end_line = len(lines)
    if doc_number is None and sig is not None:
        # a 文号 printed only after the date: （渝府发〔2022〕31号）
        for k in range(sig_date + 1, sig_last + 1):
            m = g.doc_number_trailing.match(lines[k].stripped)
            if m:
                doc_number = squeeze(m.group("num"))
                parts = parse_doc_number(doc_number)
                break
    if head.order is not None and not issuers:
        issuers = [squeeze(head.order[2])]
    if headnote is not None:
        if not issuers:
            issuers = [squeeze(headnote.group("issuer"))]
        if date is None:
            date = parse_date(headnote.group("date"))
        serial = headnote.group("serial") or headnote.group("serial2")
        if doc_number is None and serial:
            prefix = squeeze(headnote.group("issuer")) + "令"
            doc_number = f"{prefix}第{int(serial)}号"
            parts = {"prefix": prefix, "year": None, "serial": int(serial)}
    red = next((ln for ln in lines[:head.start + 1] if g.red_header.match(ln.text)), None)
    if not issuers and red is not None:
        # the 发文机关标志 (red header "…文件") names the issuers when the signature does not
        issuers = split_issuers(regex.sub(r"文件\s*$", "", red.stripped))
        warn("doc-issuer-from-header", "no signature block; issuer taken from the red header: "
             + "、".join(issuers), span=(red.start, red.end))
    if not issuers:
        pre = title.split("关于", 1)[0] if "关于" in title[1:] else ""
        if pre and not regex.search(r"等\d*个?部门$", pre):
            issuers = [pre]
            warn("doc-issuer-from-title", f"no signature block; issuer taken from the title: {pre}")
        else:
            warn("doc-no-issuer", "no issuer (发文机关署名) found")
    elif len(issuers) == 1 and "关于" in title[1:]:
        named = title.split("关于", 1)[0]
        if _garbled_twin(named, issuers[0]):
            tl = list(head.title_lines)
            title_span = (lines[tl[0]].start, lines[tl[-1]].end) if tl else None
            warn("doc-issuer-mismatch", f"the title names the issuer {named} but the document is signed "
                 f"{issuers[0]}: the same length and partly the same characters, as mis-mapped glyphs "
                 "or an OCR misreading give", span=title_span)
    if date is None and history:
        dated = [e for e in history if e.date and e.kind != "施行"]
        date = dated[-1].date if dated else None
    if date is None:
        warn("doc-no-date", "no date (成文日期) found", at=lines[-1].start,
             span=(lines[-1].start, lines[-1].end))

    # attachments: named in the body, printed after the signature
    notice_lo = lines[body_first].start if body_first < len(lines) else end
    notice_hi = lines[body_end_line].start if body_end_line < len(lines) else end
    notice_span = _trim(s, notice_lo, notice_hi) if notice_hi > notice_lo else None
    issues_something = not title or doc_type == "令" or any(v in title for v in g.issuing_verbs)
    named = _named_attachments(s, notice_span) if issues_something else []
    listed, list_lines = _attachment_list(lines, body_first, len(lines))
    after = (sig_last + 1) if sig_last is not None else body_first
    # the title may name what it issues when the body does not (关于印发X的通知 / 现将X印发给你们)
    derived: list[str] = []
    if issues_something and not named and not listed:
        m = g.att_from_title.search(title)
        if m:
            derived = [squeeze(m.group("title"))]
    titles: list[str] = []
    for t in named + listed + derived:
        if fold(t) not in [fold(x) for x in titles]:
            titles.append(t)
    printed: list[tuple[int, int, str]] = []  # (first line, last title line, title)
    for t in titles:
        where = _locate(lines, t, after, len(lines))
        if where is None and (t in named or t in derived) and body_first + 1 < body_end_line:
            # the issued text printed straight after the sentence that issues it, before the
            # signature (or with no signature at all): 现将《X》印发给你们… / X / 一、…
            where = _locate(lines, t, body_first + 1, body_end_line)
        if where is not None and not any(p[0] == where[0] for p in printed):
            printed.append((where[0], where[1], t))
    # an attachment printed under an 附件N label whose title the body does not name
    for i in range(after, len(lines) - 1):
        if g.att_label.match(lines[i].text) and not any(p[0] == i for p in printed):
            tl = [i + 1] if is_title_line(lines[i + 1].text) else []
            if tl:
                t = squeeze(lines[i + 1].text)
                if fold(t) not in [fold(x) for x in titles]:
                    titles.append(t)
                    printed.append((i, tl[-1], t))
    printed.sort()
    # the notice body ends where an issued text printed inside it begins
    inner = [p[0] for p in printed if body_first <= p[0] < body_end_line]
    notice_end_line = min(inner) if inner else body_end_line
    if inner:
        notice_hi = lines[notice_end_line].start
        # titles in 《》 quoted by the issued text itself are not what the notice issues
        head_named = _named_attachments(s, _trim(s, notice_lo, notice_hi))
        titles = [t for t in titles if t in head_named or t in listed
                  or any(p[2] == t for p in printed)]
    # a title taken from the document's title counts only where it is printed
    titles = [t for t in titles if t not in derived or any(p[2] == t for p in printed)]
    stops = sorted({p[0] for p in printed} | ({list_lines[0]} if list_lines else set())
                   | ({body_end_line} if inner and body_end_line < len(lines) else set()))
    attachments: list[Attachment] = []
    body_spans: list[Span] = []
    if notice_span is not None:
        hi_line = notice_end_line
        if list_lines and body_first <= list_lines[0] < notice_end_line:
            hi_line = list_lines[0]
        sp = _trim(s, notice_lo, lines[hi_line].start if hi_line < len(lines) else end)
        if sp:
            body_spans.append(sp)
            if list_lines and list_lines[1] + 1 < notice_end_line and hi_line == list_lines[0]:
                tail = _trim(s, lines[list_lines[1] + 1].start, notice_hi)
                if tail:
                    body_spans.append(tail)
    by_title = {}
    for first, last, t in printed:
        nxt = [x for x in stops if x > last]
        stop_line = nxt[0] if nxt else len(lines)
        tspan = (lines[first].start if not g.att_label.match(lines[first].text)
                 else lines[first + 1].start, lines[last].end)
        bspan = _trim(s, lines[last].end, lines[stop_line].start if stop_line < len(lines) else end) \
            if last + 1 < stop_line else None
        blank = g.att_title_blank.search(s, tspan[0], tspan[1])
        if blank and blank.end() == tspan[1] and blank.start() > tspan[0]:
            tspan = (tspan[0], blank.start())
        by_title[t] = Attachment(title=squeeze(s[tspan[0]:tspan[1]]), span=tspan, body_span=bspan)
        if bspan:
            body_spans.append(bspan)
    for t in titles:
        attachments.append(by_title.get(t, Attachment(title=t)))
    # text after the signature that no attachment heading claims is still body: an attachment
    # whose title the notice does not name, or (in an excerpt) clauses after a misplaced date
    if sig is not None:
        first_claimed = min([p[0] for p in printed if p[0] >= after], default=len(lines))
        if list_lines and after <= list_lines[0] < first_claimed:
            first_claimed = list_lines[0]
        if after < first_claimed:
            lo_line = after
            if is_title_line(lines[after].text) and not is_date_line(lines[after].text) \
                    and after + 1 < first_claimed and _body_like(lines[after + 1].text):
                t = squeeze(lines[after].text)
                bspan = _trim(s, lines[after].end, lines[first_claimed].start
                              if first_claimed < len(lines) else end)
                attachments.insert(0, Attachment(title=t, span=(lines[after].start, lines[after].end),
                                                 body_span=bspan))
                if bspan:
                    body_spans.append(bspan)
            else:
                sp = _trim(s, lines[lo_line].start,
                           lines[first_claimed].start if first_claimed < len(lines) else end)
                if sp:
                    body_spans.append(sp)
    if sig is None and not printed and notice_span is None:
        warn("doc-no-body", "no body text after the head")

    # cited numbers
    own = fold(doc_number) if doc_number else None
    cited: list[str] = []
    for num, _ in find_doc_numbers(s, start, doc_end):
        if own and fold(num) == own:
            continue
        if num not in cited:
            cited.append(num)

    # pages
    has_printed = any(p.printed is not None for p in text.source_map.starts)
    page_start = page_end = None
    if has_printed or toc is None or toc.page is None:
        page_start, page_end = text.page(start), text.page(max(start, doc_end - 1))
        if toc is not None and toc.page is not None and page_start != toc.page:
            warn("toc-page-mismatch",
                 f"contents gives page {toc.page}, the document starts on page {page_start}")
    else:
        page_start = toc.page
        nxt = [d for d in seg.documents if d.span[0] > start and d.toc_index is not None
               and seg.toc[d.toc_index].page is not None]
        if nxt:
            np_ = seg.toc[nxt[0].toc_index].page
            page_end = np_ - 1 if np_ > page_start else np_

    return Document(
        title=title,
        span=(all_lines[0].start, all_lines[-1].end),
        doc_number=doc_number,
        doc_number_parts=parts,
        title_en=toc.title_en if toc else None,
        doc_type=doc_type,
        category_zh=doc.category_zh,
        category_en=doc.category_en,
        issuers=issuers,
        date=date,
        addressees=addressees,
        attachments=attachments,
        cited_doc_numbers=cited,
        page_start=page_start,
        page_end=page_end,
        body_spans=sorted(body_spans),
        history=history,
        warnings=warnings,
    )
