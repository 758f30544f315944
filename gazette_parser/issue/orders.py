"""orders: a 令 (order) and the texts it promulgates → one document each, in print order.

A 令 reads: a header (重庆市人民政府令 / 第361号 — or, on a web page, a title and the 发文字号
渝府令〔2023〕361号), its promulgation text ("《X》已经…常务会议审议通过，现予公布，自…起施行。"), the
signature (市长 胡衡华, date), then the text it promulgates under that text's own title. The 令 has no
title of its own (GB/T 9704-2012 10.1), so the 令 and the text it promulgates are ONE document: titled
by the promulgated text, ``doc_type`` 令, ``promulgated_type`` the text's own 文种 (办法, 条例, 决定 …),
``promulgation`` the sentence (with the meeting that adopted it and when it takes effect), and the
text's clauses as its clause tree.

A 修改决定 promulgated by a 令 may re-publish the acts it amends in full after itself ("《A》《B》根据本
决定作相应修改和调整后，重新公布"). Each of those is a document of its own, split off here: it runs
from its title line to the next one (or the end of the 令), has its own title, 文种, 题注 and clause
tree, and ``promulgated_by`` = the 令's number. So no body ever holds two texts' clauses.

The 令 number gets a normalised key in ``doc_number_parts`` ({issuer, kind, serial} beside the
printed prefix and year) that the forms a 令 is printed in share: 重庆市人民政府令第361号 and
渝府令〔2023〕361号 meet, as do 国务院令第707号 and 国令第707号. A 规章 printed without its 令, whose
题注 names the 令 (北京市人民政府第307号令公布), keeps its own 文种 and is ``promulgated_by`` that 令.

Patterns are in grammars/document.toml, section [order].
"""

from __future__ import annotations

from dataclasses import replace
from typing import Optional

import regex

from ..chars import fold, squeeze
from ..model import Document, DocumentText, Promulgation, Segmentation, Text
from ..resources import compiled
from .document import build_document
from .grammar import GRAMMAR
from .lexicon import doc_type_of, find_doc_numbers, is_date_line, is_title_line, order_serial, parse_date
from .lines import lines_of

# warnings a re-published text gets only because it is printed without a 令 head of its own
_INHERITED = {"doc-no-issuer", "doc-no-date", "doc-issuer-from-title", "doc-issuer-from-header"}


def _compile(raw: dict) -> dict:
    o = raw["order"]
    return {
        "key": regex.compile(o["key"]),
        "abbreviations": dict(o.get("abbreviations", {})),
        "aliases": dict(o.get("issuer_aliases", {})),
        "promulgation": regex.compile(o["promulgation"]),
        "adopted": regex.compile(o["adopted"]),
        "effective": regex.compile(o["effective"]),
        "republished": regex.compile(o["republished"]),
    }


def _g() -> dict:
    return compiled(GRAMMAR, _compile)


def _key(s: str) -> str:
    """A title comparison key: fold, and 〈〉 (quotes inside quotes) read as 《》."""
    return fold(s).translate(str.maketrans("〈〉", "《》")).strip("《》")


def order_parts(number: Optional[str], parts: Optional[dict] = None) -> Optional[dict]:
    """The parts of a 令 number with its normalised key added:
    '渝府令〔2023〕361号' → {prefix 渝府令, year 2023, serial 361, issuer 重庆市人民政府, kind 令};
    '中华人民共和国国务院令第707号' → {prefix …, year None, serial 707, issuer 国务院, kind 令}.
    None when ``number`` is no 令 number."""
    if not number:
        return None
    g = _g()
    m = g["key"].match(fold(number))
    if not m:
        return None
    prefix = m.group("issuer") + m.group("kind")
    issuer = g["abbreviations"].get(prefix) or m.group("issuer")
    issuer = g["aliases"].get(issuer, issuer)
    out = dict(parts) if parts else {"prefix": prefix, "year": None, "serial": order_serial(m.group("serial"))}
    if out.get("year") is None and m.group("year"):
        out["year"] = int(m.group("year"))
    out["issuer"] = issuer
    out["kind"] = m.group("kind")
    return out


def number_key(parts: Optional[dict]) -> Optional[str]:
    """One string that every printed form of the same number shares (for the index):
    '重庆市人民政府|令|361' for a 令, 'prefix|year|serial' for a 文号."""
    if not parts or parts.get("serial") is None:
        return None
    if parts.get("kind") and parts.get("issuer"):
        return f"{parts['issuer']}|{parts['kind']}|{parts['serial']}"
    if parts.get("prefix"):
        return f"{parts['prefix']}|{parts.get('year') or ''}|{parts['serial']}"
    return None


def _promulgation(text: Text, lo: int, hi: int) -> Optional[Promulgation]:
    """The promulgation sentence in s[lo:hi] (a line of the 令 before its signature)."""
    g = _g()
    s = text.text
    for ln in lines_of(s, lo, hi):
        if is_date_line(ln.text):
            break
        m = g["promulgation"].search(ln.text)
        if not m:
            continue
        sentence = ln.text.strip()
        a = ln.start + (len(ln.text) - len(ln.text.lstrip()))
        ad = g["adopted"].search(sentence)
        ef = g["effective"].search(sentence)
        eff_date = parse_date(ef.group("when")) if ef else None
        return Promulgation(text=sentence, span=(a, a + len(sentence)),
                            adopted=parse_date(ad.group("date") or ad.group("date2") or "") if ad else None,
                            meeting=squeeze(ad.group("meeting")) if ad else None,
                            effective=eff_date,
                            effective_text=squeeze(ef.group("text")) if ef else None)
    return None


def _title_at(lines, i: int, key: str) -> Optional[int]:
    """Last line of ``key`` printed as a heading starting at line i (wrapped over ≤ 3 lines)."""
    acc = ""
    for k in range(i, min(len(lines), i + 3)):
        if not is_title_line(lines[k].text) and not (k == i and "《" in lines[k].text):
            return None
        acc += _key(lines[k].text)
        if acc == key:
            return k
        if not key.startswith(acc):
            return None
    return None


def _heading(lines, lo: int, key: str) -> Optional[tuple[int, int]]:
    for i in range(lo, len(lines)):
        k = _title_at(lines, i, key)
        if k is not None:
            return i, k
    return None


def _named(sentence: str) -> Optional[str]:
    """The first 《title》 of a sentence (《》 may hold 〈〉)."""
    m = regex.search(r"《([^《》]{2,160})》", sentence)
    return m.group(1) if m else None


def _finish_order(text: Text, doc: Document) -> Document:
    """A 令 document: titled by what it promulgates, with its promulgation text and key."""
    s = text.text
    lines = lines_of(s, *doc.span)
    sig = next((i for i, ln in enumerate(lines[:16]) if is_date_line(ln.text)), None)
    prom = _promulgation(text, doc.span[0], lines[sig].start if sig is not None else doc.span[1])
    parts = order_parts(doc.doc_number, doc.doc_number_parts)
    if prom is None or (doc.doc_type != "令" and not parts):
        return doc
    title, ptype = doc.title, doc_type_of(doc.title) if doc.doc_type != "令" else None
    named = _named(prom.text)
    attachments = list(doc.attachments)
    found = _heading(lines, (sig + 1) if sig is not None else 0, _key(named)) if named else None
    if found is not None:
        title = squeeze("".join(lines[k].text for k in range(found[0], found[1] + 1)))
    elif doc.doc_type == "令" and attachments:
        title = attachments[0].title
    elif doc.doc_type == "令" and named:
        title = squeeze(named)
    if title != doc.title or ptype is None:
        ptype = doc_type_of(title)
    attachments = [a for a in attachments if _key(a.title) != _key(title)]
    issuers, warnings = doc.issuers, doc.warnings
    if parts and any(w.code in ("doc-issuer-from-title", "doc-no-issuer") for w in warnings):
        # a 令 signed by a person (市长 胡衡华) is issued by the organ its number names
        issuers = [parts["issuer"]]
        warnings = [w for w in warnings if w.code not in ("doc-issuer-from-title", "doc-no-issuer")]
    return replace(doc, title=title, doc_type="令", promulgated_type=ptype, promulgation=prom,
                   doc_number_parts=parts or doc.doc_number_parts, attachments=attachments,
                   issuers=issuers, warnings=warnings)


def _printed_without_order(text: Text, doc: Document, parts: dict) -> Document:
    """A 规章 printed without its 令, its 题注 naming the 令: promulgated by it. When the 题注 names
    later 令 too ("…令第225号公布　根据2023年2月10日…令第361号修正"), the text is the one the last of
    them re-published: promulgated by that 令, on its date; the first number is history, not its own."""
    s = text.text
    lines = lines_of(s, *doc.span)[:6]
    note = next((ln for ln in lines if ln.text.lstrip()[:1] in "（(" and "令" in ln.text), None)
    if note is None:
        return replace(doc, doc_number_parts=parts, promulgated_by=doc.doc_number)
    orders = [(n, sp) for n, sp in find_doc_numbers(s, note.start, note.end) if order_parts(n)]
    if len(orders) < 2 or number_key(order_parts(orders[-1][0])) == number_key(parts):
        return replace(doc, doc_number_parts=parts, promulgated_by=doc.doc_number)
    last, (a, _b) = orders[-1]
    before = s[orders[-2][1][1]:a]
    return replace(doc, doc_number=None, doc_number_parts=None, promulgated_by=last,
                   date=parse_date(before) or doc.date)


# a group heading of a decision naming the act its items amend: 一、重庆市城市道路桥梁管理办法
_GROUP_HEAD = regex.compile(r"^\s*[一二三四五六七八九十]+、\s*(?P<title>\p{Han}[^。；：:，,“”]{2,60})$")


def _republished_titles(text: Text, doc: Document) -> list[tuple[int, list[str]]]:
    """Each re-publishing sentence of a 修改决定 in ``doc``: (where it ends, the acts it names)."""
    s = text.text
    lines = lines_of(s, *doc.span)
    out = []
    for m in _g()["republished"].finditer(s, doc.span[0], doc.span[1]):
        titles = regex.findall(r"《([^《》]{2,80})》", m.group("titles"))
        if m.group("more") or not titles:
            # the acts are not all named here: those the decision cites or heads a group with
            before = s[doc.span[0]:m.start()]
            cited = regex.findall(r"《([^《》]{2,80})》", before.translate(str.maketrans("〈〉", "《》")))
            heads = [squeeze(h.group("title")) for ln in lines if ln.start < m.start()
                     and (h := _GROUP_HEAD.match(ln.text)) and doc_type_of(h.group("title"))]
            titles = titles + [t for t in cited + heads if t not in titles]
        out.append((m.end(), titles))
    return out


def _republished(text: Text, doc: Document) -> list[tuple[int, str]]:
    """Where each act a 修改决定 re-publishes in full starts: (offset of its title line, title)."""
    s = text.text
    lines = lines_of(s, *doc.span)
    out: list[tuple[int, str]] = []
    for end, titles in _republished_titles(text, doc):
        lo = next((i for i, ln in enumerate(lines) if ln.start >= end), len(lines))
        for t in titles:
            found = _heading(lines, lo, _key(t))
            if found is not None and all(o[0] != lines[found[0]].start for o in out):
                out.append((lines[found[0]].start, squeeze(t)))
    return sorted(out)


def split_order(text: Text, doc_text: DocumentText, doc: Document, seg: Segmentation) -> list[Document]:
    """The documents a built document stands for: itself (a 令 finished as above) and, after it,
    every act it re-publishes in full. Any other document comes back as it is."""
    parts = order_parts(doc.doc_number, doc.doc_number_parts)
    if doc.doc_type != "令" and not parts:
        return [doc]
    starts = _republished(text, doc)
    if not starts:
        first = _finish_order(text, doc)
        if first.promulgation is None and parts:
            first = _printed_without_order(text, first, parts)
        return [first]
    cut = starts[0][0]
    head = build_document(text, replace(doc_text, span=(doc.span[0], cut)), seg)
    head = _finish_order(text, head)
    out = [head]
    bounds = [a for a, _ in starts] + [doc_text.span[1]]
    for (a, _t), b in zip(starts, bounds[1:]):
        sub = build_document(text, DocumentText(span=(a, b), category_zh=doc_text.category_zh,
                                                         category_en=doc_text.category_en), seg)
        out.append(replace(
            sub, doc_number=None, doc_number_parts=None, promulgated_by=head.doc_number,
            issuers=list(head.issuers), date=head.date,
            warnings=[w for w in sub.warnings if w.code not in _INHERITED]))
    return out


def adopt_republished(text: Text, docs: list[Document]) -> list[Document]:
    """Acts a 令's 修改决定 re-publishes that the contents already made documents of their own (so
    ``split_order`` found them outside the 令): each following document titled as one of them is
    ``promulgated_by`` the 令, on its date, by its issuers, and has no number of its own — also when
    its 题注 cites the decision by title rather than by the 令's number."""
    out = list(docs)
    for i, order in enumerate(docs):
        if order.doc_type != "令" or not order.doc_number:
            continue
        names = {_key(t) for _end, titles in _republished_titles(text, order) for t in titles}
        j = i + 1
        while j < len(out) and names and out[j].doc_type != "令":
            d = out[j]
            if _key(d.title) in names and d.promulgated_by != order.doc_number:
                out[j] = replace(d, doc_number=None, doc_number_parts=None, promulgated_by=order.doc_number,
                                 date=order.date, issuers=list(order.issuers))
            elif _key(d.title) not in names:
                break
            j += 1
    return out
