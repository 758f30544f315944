"""issue.document: one DocumentText → Document (the GB/T 9704 fields).

A document is read top to bottom, one named step per part of GB/T 9704:

1. ``document_head`` (issue.head): the title lines, the 文号 line or a numbered 令 header;
   ``_identity`` turns them into title, 文号 (with its parts) and 文种, falling back to the
   contents entry for a title the text does not print.
2. ``_without_banji``: a 版记 closing the document (公开方式：…, "…印发") is neither body nor
   attachment.
3. ``_front``: the 主送机关 (a line wrapped over up to three lines), or a regulation's 题注
   ((2022年12月23日北京市人民政府第307号令公布…)), or a law's history (…会议通过) under its title.
4. ``find_signature`` (issue.signature) and ``_signed``: issuers, signer and 成文日期; a 文号
   printed only after the date; issuers from the 题注, the red header (…文件) or the title when
   the document is not signed, and a title naming a garbled twin of the signed issuer.
5. ``attachments_and_body`` (issue.attachments): what the document issues and attaches, and the
   spans of its body.
6. ``_cited_numbers`` and ``_pages``: every other 文号 it cites, and its printed pages (from the
   page numbers when the source has them, else from the contents).

Every warning carries the page and span it is about; they come in the order of the steps.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import regex

from ..chars import fold, squeeze
from ..model import Document, DocumentText, HistoryEvent, Segmentation, Span, Text, TocEntry, Warning
from .attachments import attachments_and_body
from .grammar import grammar
from .head import Head, document_head, history_end
from .history import events as history_events
from .lexicon import doc_type_of, find_doc_numbers, is_banji, is_title_line, parse_date, parse_doc_number
from .lines import Ln, lines_of
from .signature import find_signature, garbled_twin, split_issuers


class _Notes:
    """The warnings of one document, each at a page and span of the cleaned text."""

    def __init__(self, text: Text, start: int):
        self.text, self.start = text, start
        self.warnings: list[Warning] = []

    def warn(self, code: str, message: str, at: Optional[int] = None, span: Optional[Span] = None) -> None:
        at = self.start if at is None else at
        self.warnings.append(Warning(code, message, page=self.text.page(at), span=span or (at, at),
                                     page_index=self.text.page_index(at)))


@dataclass(frozen=True)
class _Identity:
    title: str
    doc_type: Optional[str]
    doc_number: Optional[str]
    parts: Optional[dict]


@dataclass(frozen=True)
class _Front:
    """What stands between the head and the body: 主送机关, a 题注, a law's history."""

    addressees: list[str]
    headnote: Optional[regex.Match]
    history: list[HistoryEvent]
    body_first: int  # index of the body's first line


@dataclass(frozen=True)
class _Signed:
    issuers: list[str]
    date: Optional[str]
    doc_number: Optional[str]
    parts: Optional[dict]
    body_end_line: int  # index of the signature's first line (len(lines) when unsigned)
    sig_last: Optional[int]  # index of the signature block's last line


def _identity(lines: list[Ln], head: Head, toc: Optional[TocEntry], notes: _Notes) -> _Identity:
    """Title, 文种 and 文号 from the head (a numbered 令 header names its own number)."""
    g = grammar()
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
        notes.warn("doc-no-title", "no title found at the start of the document",
                   span=(lines[0].start, lines[0].end))
    if doc_type is None:
        notes.warn("doc-no-type", f"no 文种 at the end of the title: {title[:40]}")
    return _Identity(title, doc_type, doc_number, parts)


def _without_banji(lines: list[Ln], head: Head) -> list[Ln]:
    """The lines without a closing 版记 (公开方式：…, "…2021年2月7日印发")."""
    eff = len(lines)
    while eff > head.end + 2 and is_banji(lines[eff - 1].text):
        eff -= 1
    return lines[:eff]


def _addressees(lines: list[Ln], first: int) -> tuple[list[str], int]:
    """The 主送机关 starting at line ``first`` (a PDF text layer may wrap it over up to three
    lines): (names, index of the first line after it); ([], first) when there is none."""
    g = grammar()
    for n_lines in (1, 2, 3):
        if first + n_lines > len(lines):
            break
        t = "".join(lines[k].stripped for k in range(first, first + n_lines))
        if n_lines > 1 and not all(is_title_line(lines[k].text) or lines[k].stripped.endswith(("，", "、"))
                                   for k in range(first, first + n_lines - 1)):
            break
        m = g.addressee.match(t)
        if m and not any(w in t for w in g.not_addressee) and len(t) <= 300:
            return [squeeze(x) for x in g.addressee_split.split(m.group("body")) if x.strip()], first + n_lines
        if "。" in t:
            break
    return [], first


def _headnote(lines: list[Ln], first: int) -> tuple[Optional[regex.Match], int]:
    """A 题注 under a regulation's title at line ``first`` — （2022年12月23日北京市人民政府第307号令公布
    …）, possibly over two lines: (its match, index of the first line after it)."""
    if first >= len(lines):
        return None, first
    t = lines[first].stripped
    if t[:1] in "（(" and not regex.search(r"[）)]\s*$", t) and first + 1 < len(lines):
        t2 = t + lines[first + 1].stripped
        n_lines = 2
    else:
        t2, n_lines = t, 1
    m = grammar().headnote.match(t2)
    if m and regex.search(r"[）)]\s*$", t2):
        return m, first + n_lines
    return None, first


def _front(s: str, lines: list[Ln], head: Head) -> _Front:
    """主送机关, else a 题注 and a law's history (…会议通过, 根据…第一次修正), none of which is body."""
    addressees, body_first = _addressees(lines, head.end + 1)
    history_first = body_first
    headnote = None
    if not addressees:
        headnote, body_first = _headnote(lines, body_first)
        body_first = max(body_first, history_end(lines, history_first))
    history = []
    if body_first > history_first:
        history = history_events(s, (lines[history_first].start, lines[body_first - 1].end))
    return _Front(addressees, headnote, history, body_first)


def _signed(lines: list[Ln], head: Head, ident: _Identity, front: _Front, notes: _Notes) -> _Signed:
    """Issuers, date and (when printed only after the date) the 文号, from the signature block,
    else from the 题注, the red header or the title, with a warning saying where they came from."""
    g = grammar()
    title = ident.title
    doc_number, parts = ident.doc_number, ident.parts
    sig = find_signature(lines, front.body_first)
    issuers: list[str] = []
    date = None
    sig_last = None
    body_end_line = len(lines)
    if sig is not None:
        sig_first, sig_date, sig_last, issuers, _signer = sig
        date = parse_date(lines[sig_date].text)
        body_end_line = sig_first
        if doc_number is None:
            # a 文号 printed only after the date: （渝府发〔2022〕31号）
            for k in range(sig_date + 1, sig_last + 1):
                m = g.doc_number_trailing.match(lines[k].stripped)
                if m:
                    doc_number = squeeze(m.group("num"))
                    parts = parse_doc_number(doc_number)
                    break
    if head.order is not None and not issuers:
        issuers = [squeeze(head.order[2])]
    headnote = front.headnote
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
        notes.warn("doc-issuer-from-header", "no signature block; issuer taken from the red header: "
                   + "、".join(issuers), span=(red.start, red.end))
    if not issuers:
        pre = title.split("关于", 1)[0] if "关于" in title[1:] else ""
        if pre and not g.joint_count.search(pre):
            issuers = [pre]
            notes.warn("doc-issuer-from-title", f"no signature block; issuer taken from the title: {pre}")
        else:
            notes.warn("doc-no-issuer", "no issuer (发文机关署名) found")
    elif len(issuers) == 1 and "关于" in title[1:]:
        named = title.split("关于", 1)[0]
        if garbled_twin(named, issuers[0]):
            tl = list(head.title_lines)
            title_span = (lines[tl[0]].start, lines[tl[-1]].end) if tl else None
            notes.warn("doc-issuer-mismatch", f"the title names the issuer {named} but the document is signed "
                       f"{issuers[0]}: the same length and partly the same characters, as mis-mapped glyphs "
                       "or an OCR misreading give", span=title_span)
    if date is None and front.history:
        dated = [e for e in front.history if e.date and e.kind != "施行"]
        date = dated[-1].date if dated else None
    if date is None:
        notes.warn("doc-no-date", "no date (成文日期) found", at=lines[-1].start,
                   span=(lines[-1].start, lines[-1].end))
    return _Signed(issuers, date, doc_number, parts, body_end_line, sig_last)


def _cited_numbers(s: str, span: Span, own_number: Optional[str]) -> list[str]:
    """Every 文号 and 令 number the document prints, but its own, once each in text order."""
    own = fold(own_number) if own_number else None
    cited: list[str] = []
    for num, _ in find_doc_numbers(s, span[0], span[1]):
        if own and fold(num) == own:
            continue
        if num not in cited:
            cited.append(num)
    return cited


def _pages(text: Text, seg: Segmentation, span: Span, toc: Optional[TocEntry],
           notes: _Notes) -> tuple[Optional[int], Optional[int]]:
    """(first, last) printed page: from the source's page numbers when it has them (a contents
    entry that disagrees is warned about), else from the contents entries of this document and the
    next."""
    start, doc_end = span
    has_printed = any(p.printed is not None for p in text.source_map.starts)
    if has_printed or toc is None or toc.page is None:
        page_start, page_end = text.page(start), text.page(max(start, doc_end - 1))
        if toc is not None and toc.page is not None and page_start != toc.page:
            notes.warn("toc-page-mismatch",
                       f"contents gives page {toc.page}, the document starts on page {page_start}")
        return page_start, page_end
    page_start, page_end = toc.page, None
    nxt = [d for d in seg.documents if d.span[0] > start and d.toc_index is not None
           and seg.toc[d.toc_index].page is not None]
    if nxt:
        np_ = seg.toc[nxt[0].toc_index].page
        page_end = np_ - 1 if np_ > page_start else np_
    return page_start, page_end


def build_document(text: Text, doc: DocumentText, seg: Segmentation) -> Document:
    """The Document a DocumentText span of the cleaned text holds (see the module docstring)."""
    s = text.text
    notes = _Notes(text, doc.span[0])
    all_lines = lines_of(s, *doc.span)
    if not all_lines:
        notes.warn("doc-empty", "document has no text", span=doc.span)
        return Document(title="", span=doc.span, warnings=notes.warnings)
    toc = seg.toc[doc.toc_index] if doc.toc_index is not None and doc.toc_index < len(seg.toc) else None

    head = document_head(all_lines)
    ident = _identity(all_lines, head, toc, notes)
    lines = _without_banji(all_lines, head)
    front = _front(s, lines, head)
    signed = _signed(lines, head, ident, front, notes)
    attachments, body_spans, has_body = attachments_and_body(
        s, lines, ident.title, ident.doc_type, front.body_first, signed.body_end_line, signed.sig_last)
    if signed.sig_last is None and not has_body:
        notes.warn("doc-no-body", "no body text after the head")
    cited = _cited_numbers(s, doc.span, signed.doc_number)
    page_start, page_end = _pages(text, seg, doc.span, toc, notes)

    return Document(
        title=ident.title,
        span=(all_lines[0].start, all_lines[-1].end),
        doc_number=signed.doc_number,
        doc_number_parts=signed.parts,
        title_en=toc.title_en if toc else None,
        doc_type=ident.doc_type,
        category_zh=doc.category_zh,
        category_en=doc.category_en,
        issuers=signed.issuers,
        date=signed.date,
        addressees=front.addressees,
        attachments=attachments,
        cited_doc_numbers=cited,
        page_start=page_start,
        page_end=page_end,
        body_spans=sorted(body_spans),
        history=front.history,
        warnings=notes.warnings,
    )
