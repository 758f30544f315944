"""The typed model every stage speaks.

Stages are pure functions from one of these to the next (see README, Architecture). Nothing here
mutates its input: a stage that adds to a document returns a new one built with
``dataclasses.replace`` or its faster equivalent ``evolve`` (``map_clauses`` rebuilds a clause tree
that way).

Spans are half-open ``(start, end)`` offsets into ``Text.text``, the cleaned text of the whole
source, so ``text.text[start:end]`` quotes exactly what a node came from. Values are ``Decimal``,
never ``float``, so the JSON is exact and byte-for-byte reproducible.
"""

from __future__ import annotations

import bisect
import functools
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable, Optional

SCHEMA_VERSION = "1.0"

Span = tuple[int, int]


@dataclass(frozen=True)
class Warning:  # noqa: A001 - the design's name; warnings are data, not the builtin category
    """Something the parser could not place, with where it happened."""

    code: str  # stable, machine-readable, e.g. "toc-unmatched", "clause-skipped"
    message: str  # one line for a person
    page: Optional[int] = None  # printed page number, when known
    span: Optional[Span] = None  # offsets into the cleaned text
    page_index: Optional[int] = None  # 1-based physical page of the source file


# ----------------------------------------------------------------------------------------------
# read → clean


@dataclass(frozen=True)
class Line:
    """One line of a page as the reader found it (PDF readers fill the geometry)."""

    text: str
    x0: Optional[float] = None
    x1: Optional[float] = None
    top: Optional[float] = None
    bottom: Optional[float] = None
    size: Optional[float] = None  # dominant font size
    # a row of a table (HTML <table>, a ruled PDF table): the table's number on its page (0, 1 …);
    # None for running text. A row is one line, its cells separated by a wide gap ("  ").
    table: Optional[int] = None


@dataclass(frozen=True)
class Page:
    """One physical page of the source (a .txt or .html source is one page)."""

    index: int  # 1-based physical page number in the file
    lines: tuple[Line, ...]
    width: Optional[float] = None
    height: Optional[float] = None
    printed: Optional[int] = None  # printed page number, filled by clean when it finds one
    source: str = "text"  # "text" (text layer / file) or "ocr"
    confidence: Optional[float] = None  # mean OCR confidence 0-100 for OCR pages
    needs_ocr: Optional[str] = None  # reason ("no text layer", "garbled text layer", "implausible text") or None


@dataclass(frozen=True)
class SourceInfo:
    path: Optional[str]  # as given, None for text passed in memory
    format: str  # "txt" | "pdf" | "html"
    sha256: str
    size: int  # bytes
    pages: int  # physical pages
    backend: Optional[str] = None  # pdf backend used


@dataclass(frozen=True)
class Source:
    """What read produces: the pages of one file, in order."""

    info: SourceInfo
    pages: tuple[Page, ...]
    warnings: tuple[Warning, ...] = ()


@dataclass(frozen=True)
class PageStart:
    offset: int  # where the page's text starts in Text.text
    index: int  # 1-based physical page
    printed: Optional[int]  # printed page number, None when unknown
    source: str = "text"
    confidence: Optional[float] = None


@dataclass(frozen=True)
class SourceMap:
    """Maps every offset of the cleaned text back to its page."""

    starts: tuple[PageStart, ...] = ()

    @functools.cached_property
    def _offsets(self) -> list[int]:  # built on first use, once (frozen: kept in __dict__)
        return [s.offset for s in self.starts]

    def page_at(self, offset: int) -> Optional[PageStart]:
        if not self.starts:
            return None
        i = bisect.bisect_right(self._offsets, offset) - 1
        return self.starts[max(i, 0)]


@dataclass(frozen=True)
class Text:
    """What clean produces: the whole source as one string, one paragraph per line."""

    text: str
    source_map: SourceMap
    info: SourceInfo
    warnings: tuple[Warning, ...] = ()
    # where tables stand in ``text``: one (start, end) per table, each row of it one line; a
    # numbered cell in there ("1.重点人群签约服务覆盖率") is table content, never a clause
    tables: tuple[Span, ...] = ()

    @functools.cached_property
    def _table_starts(self) -> list[int]:
        return [t[0] for t in self.tables]

    def in_table(self, offset: int) -> bool:
        """Whether an offset of ``text`` lies in a table."""
        i = bisect.bisect_right(self._table_starts, offset) - 1
        return i >= 0 and offset < self.tables[i][1]

    def page(self, offset: int) -> Optional[int]:
        """Printed page at an offset (falls back to the physical index when none is printed)."""
        p = self.source_map.page_at(offset)
        if p is None:
            return None
        if p.printed is not None:
            return p.printed
        # A text or web page without page breaks has no page to speak of.
        if self.info.format != "pdf" and self.info.pages <= 1:
            return None
        return p.index

    def page_index(self, offset: int) -> Optional[int]:
        p = self.source_map.page_at(offset)
        return None if p is None else p.index


# ----------------------------------------------------------------------------------------------
# segment


@dataclass(frozen=True)
class IssueInfo:
    """What the cover, masthead and colophon say of the issue; unknown fields stay None."""

    gazette_zh: Optional[str] = None
    gazette_en: Optional[str] = None
    year: Optional[int] = None
    number: Optional[int] = None  # 第14期 → 14
    total_number: Optional[int] = None  # 总第920期 → 920
    publish_date: Optional[str] = None  # ISO 8601
    publisher_zh: Optional[str] = None  # 主办单位 / masthead "…主办"
    publisher_en: Optional[str] = None  # "Published by the …"
    supervisor: Optional[str] = None  # 主管单位
    serial_cn: Optional[str] = None  # 全国统一刊号 CN50-1147/D
    colophon: dict[str, str] = field(default_factory=dict)  # every other 版权页 field, as printed


@dataclass(frozen=True)
class TocEntry:
    category_zh: Optional[str]
    category_en: Optional[str]
    title_zh: str
    title_en: Optional[str]
    page: Optional[int]
    span: Optional[Span] = None  # the Chinese entry's line


@dataclass(frozen=True)
class DocumentText:
    """A document's stretch of the cleaned text, as segment found it."""

    span: Span
    category_zh: Optional[str] = None
    category_en: Optional[str] = None
    toc_index: Optional[int] = None  # index into Segmentation.toc


@dataclass(frozen=True)
class Segmentation:
    info: IssueInfo
    toc: list[TocEntry]
    documents: list[DocumentText]
    warnings: list[Warning] = field(default_factory=list)


# ----------------------------------------------------------------------------------------------
# document → clauses → units → targets


@dataclass(frozen=True)
class UnitRef:
    name: str  # as printed (after shared-suffix expansion)
    canonical: str  # registry name; = name when not in the registry
    span: Span  # where it is printed (for an expanded name, the printed stretch it came from)
    inherited: bool = False  # from a heading note or a "下同" rule rather than the clause's own note
    known: bool = True  # found in the registry
    page: Optional[int] = None  # printed page of the name
    page_index: Optional[int] = None  # physical page (1-based) of the name
    # where the role comes from: "note" (the clause's own note), "heading note" (its section's),
    # "rule carried on" (a "下同" rule or "以下均需X落实" given earlier), "prose" ("由X牵头")
    source: Optional[str] = None


@dataclass(frozen=True)
class Target:
    text: str  # the minimal phrase, as printed
    indicator: Optional[str]
    comparator: str  # ">=", ">", "=", "<=", "<", "range"
    value: Decimal
    value_max: Optional[Decimal]
    unit: Optional[str]
    year: Optional[int]
    kind: str  # "target" (a level to reach) | "parameter" (a rate, amount, cap…) | "threshold" (who qualifies)
    span: Span
    page: Optional[int] = None  # printed page of the phrase
    page_index: Optional[int] = None  # physical page (1-based) of the phrase
    relative_to: Optional[str] = None  # the base of a relative value: "LPR", "起始价", "上年"


@dataclass(frozen=True)
class Ref:
    """A reference in a clause's text: to a provision of the same document ("本办法第五条", "前款",
    "第二条第一款第三项") or to another act by its title ("《中华人民共和国行政许可法》第十二条")."""

    text: str  # as printed
    span: Span
    kind: str  # "internal" (this document) | "external" (another act, named in 《》)
    act: Optional[str] = None  # the other act's title as cited (external), without 《》
    article: Optional[int] = None  # 第五条 → 5
    article_suffix: Optional[int] = None  # 第五条之一 → 1
    paragraph: Optional[int] = None  # 款
    item: Optional[int] = None  # 项
    subitem: Optional[int] = None  # 目
    relative: Optional[str] = None  # the relative word as printed: 本条, 前款, 本款, 前条, 前两款 …
    path: Optional[list[int]] = None  # the clause it resolves to (same body); None when unresolved


@dataclass(frozen=True)
class ListItem:
    """A "——" bullet (or similar) inside a clause: kept as part of it, not a clause."""

    marker: str
    text: str
    span: Span
    page: Optional[int] = None


@dataclass(frozen=True)
class Clause:
    label: str  # marker as printed: 一、 （一） 1. （1） ① 第三条
    level: int  # 1 = outermost level the document uses
    path: list[int]  # printed ordinals from the top
    heading: Optional[str]
    text: str  # whole clause text, page-break joins repaired, children excluded
    span: Span  # from the marker to the end of the clause's own text
    page: Optional[int] = None  # printed page where the clause starts
    page_index: Optional[int] = None  # physical page where it starts
    numbering: str = ""  # grammar level name, e.g. "zh_comma", "paren_zh", "arabic_dot"
    children: list["Clause"] = field(default_factory=list)
    list_items: list[ListItem] = field(default_factory=list)
    lead_units: list[UnitRef] = field(default_factory=list)
    responsible_units: list[UnitRef] = field(default_factory=list)
    unit_flags: list[str] = field(default_factory=list)  # e.g. "等部门", "等", "按职责分工负责"
    targets: list[Target] = field(default_factory=list)
    refs: list[Ref] = field(default_factory=list)  # references in the clause's own text
    source: str = "text"  # "ocr" when the clause starts on an OCR'd page
    confidence: Optional[float] = None
    body: int = 0  # index into Document.body_spans: paths restart in each body (notice, each attachment)
    suffix: Optional[int] = None  # 第五条之一 → 1 (its path ends in 5, like 第五条's: see README, Paths)


@dataclass(frozen=True)
class HistoryEvent:
    """One dated event of a law's or regulation's history (题注): adopted, published, amended …"""

    date: Optional[str]  # ISO
    body: Optional[str]  # who: 第八届全国人民代表大会常务委员会第二次会议, 国务院令第494号
    kind: Optional[str]  # 通过 | 公布 | 修正 | 修订 | 批准 | 施行
    text: str  # the event as printed (blanks removed)
    span: Span
    act: Optional[str] = None  # the act it was made by, as cited: 关于修改〈…〉的决定


@dataclass(frozen=True)
class Attachment:
    title: str
    span: Optional[Span] = None  # the attachment's title line
    body_span: Optional[Span] = None  # its text, when the issue prints it


@dataclass(frozen=True)
class Promulgation:
    """A 令's promulgation text: "《X》已经…常务会议审议通过，现予公布，自…起施行。"."""

    text: str  # the sentence as printed
    span: Span
    adopted: Optional[str] = None  # ISO date the meeting adopted the text (审议通过)
    meeting: Optional[str] = None  # the meeting as printed: 市政府第12次常务会议
    effective: Optional[str] = None  # ISO date it takes effect, when printed as a date
    effective_text: Optional[str] = None  # the commencement as printed: 自公布之日起施行


@dataclass(frozen=True)
class Location:
    """A place in an act as a citation names it: 第二条第一款第三项 → article 2, paragraph 1, item 3."""

    text: str  # as printed: 第二条第一款第三项
    span: Optional[Span] = None
    part: Optional[int] = None  # 编
    chapter: Optional[int] = None  # 章
    section: Optional[int] = None  # 节
    article: Optional[int] = None  # 条
    suffix: Optional[int] = None  # 之一 → 1 (with article)
    paragraph: Optional[int] = None  # 款
    item: Optional[int] = None  # 项
    subitem: Optional[int] = None  # 目


@dataclass(frozen=True)
class Amendment:
    """One change a 修改决定 or 修正案 makes to an act."""

    operation: str  # 修改 | 删去 | 增加 | 调整顺序 | 废止 (a whole act)
    # what changes: text | heading | act | part | chapter | section | article | paragraph | item | subitem
    element: Optional[str]
    span: Span  # the amending item (or sentence) as printed
    act: Optional[str] = None  # title of the amended act as cited, without 《》
    label: Optional[str] = None  # the item's label: 一、 （三）
    location: Optional[Location] = None  # where it applies (for 增加: the place it follows)
    position: Optional[Location] = None  # the new place: 作为第八条, 调整为第八条
    old_text: Optional[str] = None  # the text replaced or deleted, exactly as quoted
    old_span: Optional[Span] = None
    new_text: Optional[str] = None  # the text put in, exactly as quoted
    new_span: Optional[Span] = None
    target: Optional[int] = None  # index into Issue.documents of the amended act re-published in the issue
    page: Optional[int] = None


@dataclass(frozen=True)
class Document:
    title: str
    span: Span  # whole document, title to signature/date
    doc_number: Optional[str] = None  # as printed, spaces removed: 渝府发〔2022〕31号
    doc_number_parts: Optional[dict] = None  # {"prefix": "渝府发", "year": 2022, "serial": 31}
    title_en: Optional[str] = None
    doc_type: Optional[str] = None  # 文种: 通知, 意见, 决定, 办法, 令 …
    category_zh: Optional[str] = None
    category_en: Optional[str] = None
    issuers: list[str] = field(default_factory=list)  # 发文机关署名 (several when joint)
    date: Optional[str] = None  # 成文日期, ISO
    addressees: list[str] = field(default_factory=list)  # 主送机关
    attachments: list[Attachment] = field(default_factory=list)
    cited_doc_numbers: list[str] = field(default_factory=list)
    page_start: Optional[int] = None
    page_end: Optional[int] = None
    body_spans: list[Span] = field(default_factory=list)  # where clauses live (body, attachments)
    history: list[HistoryEvent] = field(default_factory=list)  # 题注: adopted, published, amended …
    clauses: list[Clause] = field(default_factory=list)
    warnings: list[Warning] = field(default_factory=list)
    # a 令: the sentence that promulgates the text (the 令 and the text it promulgates are one
    # document, titled by the text); promulgated_type is that text's own 文种 (条例, 决定 …)
    promulgation: Optional[Promulgation] = None
    promulgated_type: Optional[str] = None
    # a text a 令 (re)publishes as a document of its own: the 令's number
    promulgated_by: Optional[str] = None
    amendments: list[Amendment] = field(default_factory=list)  # a 修改决定 / 修正案: its changes

    @property
    def issuer(self) -> Optional[str]:
        return "、".join(self.issuers) if self.issuers else None


@dataclass(frozen=True)
class Issue:
    """The whole parse of one source: what ``gazette_parser.parse`` returns."""

    info: IssueInfo
    toc: list[TocEntry]
    documents: list[Document]
    warnings: list[Warning]
    source: SourceInfo
    text: Optional[Text] = None  # the cleaned text spans point into
    schema_version: str = SCHEMA_VERSION


# ----------------------------------------------------------------------------------------------
# helpers


def walk(clauses: list[Clause]):
    """Every clause, depth first, in document order."""
    for c in clauses:
        yield c
        yield from walk(c.children)


def evolve(obj, **changes):
    """``dataclasses.replace`` for the model's dataclasses, several times faster.

    The stages copy every clause several times over (each returns a new tree), and ``replace``
    rebuilds its keyword arguments field by field and runs ``__init__``. None of these classes has
    a ``__post_init__``, an ``init=False`` field or slots, so a copy of the instance's dict with the
    changes applied is the same object ``replace`` would build. Unknown names are refused as
    ``replace`` refuses them.
    """
    cls = type(obj)
    if not changes.keys() <= cls.__dataclass_fields__.keys():
        raise TypeError(f"{cls.__name__} has no field(s) {sorted(changes.keys() - cls.__dataclass_fields__.keys())}")
    new = object.__new__(cls)
    d = new.__dict__
    d.update(obj.__dict__)
    d.update(changes)
    return new


def map_clauses(clauses: list[Clause], fn: Callable[[Clause], Clause]) -> list[Clause]:
    """A new tree with ``fn`` applied to every clause (children are mapped first)."""
    return [fn(evolve(c, children=map_clauses(c.children, fn))) for c in clauses]
