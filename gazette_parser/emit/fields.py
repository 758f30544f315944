"""The output's fields, once: names, types, descriptions and how each maps onto XML.

One table drives the XML writer and reader (emit/xml.py) and the two published schemas
(output_schemas/gazette.schema.json and gazette.xsd), so the JSON, the XML and the schemas cannot
drift apart silently. After changing a field here, regenerate the schemas:

    python -m gazette_parser.emit.fields output_schemas/

tests/test_validate.py fails when the shipped schemas differ from what this table generates, and
when a model dataclass has a field this table does not describe.

Field types:
    string, integer, boolean, decimal (exact number, Decimal in the model), float, date (ISO
    yyyy-mm-dd), span ([start, end] offsets into the cleaned text), ints (a list of integers),
    map (string → string, insertion order kept), obj:Name, list:obj:Name, list:string, list:span.
XML: "attr" fields are attributes of the object's element; "elem" fields are child elements (for
text that may be long). Lists are a wrapper element named after the field holding one ``item``
element per entry (omitted when the list is empty). ``None`` is an absent attribute or element.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Optional

SCHEMA_ID = "urn:gazette-parser:schema:gazette"
XML_NS = "urn:gazette-parser:xml:gazette"


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    doc: str
    nullable: bool = False
    xml: str = "attr"  # "attr" | "elem"
    item: Optional[str] = None  # XML element name of one entry of a list
    enum: Optional[tuple[str, ...]] = None
    pattern: Optional[str] = None
    minimum: Optional[int] = None
    optional: bool = False  # may be absent from the JSON object (not just null)
    derived: bool = False  # computed from other fields (JSON only; not read back)


S = "string"
SPAN_DOC = "[start, end): offsets into the cleaned text such that text[start:end] quotes the source"

OBJECTS: dict[str, tuple[str, list[Field]]] = {
    "Source": ("The source file that was parsed (model: SourceInfo).", [
        Field("path", S, "The path as given on the command line or to parse(); null for text passed in memory.",
              nullable=True, xml="elem"),
        Field("format", S, "Format of the source file.", enum=("txt", "pdf", "html")),
        Field("sha256", S, "SHA-256 of the source file's bytes, lower-case hex.", pattern="^[0-9a-f]{64}$"),
        Field("size", "integer", "Size of the source file in bytes.", minimum=0),
        Field("pages", "integer", "Number of physical pages (a .txt or .html source is one page).", minimum=0),
        Field("backend", S, "PDF reader used: pdfium, pdfplumber, or pdfium+pdfplumber:N pages; "
              "null for other formats.", nullable=True),
        Field("text", S, "The cleaned text all spans point into; present only with --include-text.",
              xml="elem", optional=True),
    ]),
    "IssueInfo": ("What the cover, masthead and colophon say of the issue; unknown fields are null.", [
        Field("gazette_zh", S, "Name of the gazette in Chinese, e.g. 重庆市人民政府公报.", nullable=True, xml="elem"),
        Field("gazette_en", S, "Name of the gazette in English as printed.", nullable=True, xml="elem"),
        Field("year", "integer", "Year of the issue.", nullable=True),
        Field("number", "integer", "Number of the issue within its year (第14期 → 14).", nullable=True),
        Field("total_number", "integer", "Running number of the issue (总第920期 → 920).", nullable=True),
        Field("publish_date", "date", "Publication date, ISO 8601 (yyyy-mm-dd).", nullable=True),
        Field("publisher_zh", S, "Publisher (主办单位) in Chinese.", nullable=True, xml="elem"),
        Field("publisher_en", S, "Publisher in English (\"Published by the …\").", nullable=True, xml="elem"),
        Field("supervisor", S, "Supervising body (主管单位).", nullable=True, xml="elem"),
        Field("serial_cn", S, "China standard serial number (全国统一刊号), e.g. CN50-1147/D.", nullable=True),
        Field("colophon", "map", "Every other colophon (版权页) field, label → value as printed, in printed order.",
              xml="elem", item="field"),
    ]),
    "TocEntry": ("One entry of the table of contents, Chinese and English lines paired.", [
        Field("category_zh", S, "Heading of the contents section the entry is listed under (Chinese).",
              nullable=True, xml="elem"),
        Field("category_en", S, "Heading of the contents section in English.", nullable=True, xml="elem"),
        Field("title_zh", S, "Entry title in Chinese, as printed.", xml="elem"),
        Field("title_en", S, "Entry title in English, as printed.", nullable=True, xml="elem"),
        Field("page", "integer", "Printed page number the entry points to.", nullable=True),
        Field("span", "span", "The Chinese entry's line. " + SPAN_DOC, nullable=True),
    ]),
    "DocNumberParts": ("The parts of a 文号; keys are absent when the number does not print them.", [
        Field("prefix", S, "Issuer code, e.g. 渝府发, 国令.", optional=True),
        Field("year", "integer", "Year in the 〔〕 brackets.", optional=True),
        Field("serial", "integer", "Serial number (31 in 渝府发〔2022〕31号).", optional=True),
        Field("issuer", S, "Of a 令 number: the issuer it names, normalised, so that every printed form of "
              "one 令 shares {issuer, kind, serial}: 重庆市人民政府令第361号 and 渝府令〔2023〕361号 → "
              "重庆市人民政府; 国令第707号 and 中华人民共和国国务院令第707号 → 国务院.", optional=True),
        Field("kind", S, "Of a 令 number: 令.", optional=True),
    ]),
    "Promulgation": ("A 令's promulgation text: 《X》已经…常务会议审议通过，现予公布，自…起施行。", [
        Field("text", S, "The sentence as printed.", xml="elem"),
        Field("span", "span", SPAN_DOC),
        Field("adopted", "date", "Date of the meeting that adopted the text (审议通过), ISO 8601.", nullable=True),
        Field("meeting", S, "The meeting as printed, e.g. 市政府第12次常务会议.", nullable=True, xml="elem"),
        Field("effective", "date", "Date the text takes effect, when printed as a date.", nullable=True),
        Field("effective_text", S, "The commencement as printed, e.g. 自公布之日起施行.", nullable=True,
              xml="elem"),
    ]),
    "Location": ("A place in an act as a citation names it: 第二条第一款第三项 → article 2, paragraph 1, item 3. "
                 "Levels the citation does not name are null.", [
        Field("text", S, "The citation as printed, e.g. 第二条第一款第三项.", xml="elem"),
        Field("span", "span", SPAN_DOC, nullable=True),
        Field("part", "integer", "编.", nullable=True),
        Field("chapter", "integer", "章.", nullable=True),
        Field("section", "integer", "节.", nullable=True),
        Field("article", "integer", "条.", nullable=True),
        Field("suffix", "integer", "之X of an article: 第二十八条之一 → article 28, suffix 1.", nullable=True),
        Field("paragraph", "integer", "款 (the paragraphs of an article, counted from 1).", nullable=True),
        Field("item", "integer", "项 （一）.", nullable=True),
        Field("subitem", "integer", "目 1.", nullable=True),
    ]),
    "Amendment": ("One change a 修改决定 or 修正案 makes to an act.", [
        Field("operation", S, "What the item does: 修改 (replace), 删去 (delete), 增加 (add), 调整顺序 (renumber), "
              "废止 (repeal a whole act).", enum=("修改", "删去", "增加", "调整顺序", "废止")),
        Field("element", S, "What changes: text (a quoted phrase), heading, act, or a whole part/chapter/section/"
              "article/paragraph/item/subitem.", nullable=True),
        Field("span", "span", "The amending item as printed. " + SPAN_DOC),
        Field("act", S, "Title of the amended act as cited, without 《》.", nullable=True, xml="elem"),
        Field("label", S, "Label of the amending item, e.g. 一、 （三）.", nullable=True),
        Field("location", "obj:Location", "Where the change applies (for 增加: the place it is added after or to).",
              nullable=True, xml="elem"),
        Field("position", "obj:Location", "The new place: 作为第八条, 调整为第八条 (completed from location: "
              "作为第二款 under 第十一条 → article 11, paragraph 2).", nullable=True, xml="elem"),
        Field("old_text", S, "The text replaced or deleted, exactly as quoted.", nullable=True, xml="elem"),
        Field("old_span", "span", "The old text. " + SPAN_DOC, nullable=True),
        Field("new_text", S, "The text put in, exactly as quoted (a quote over several paragraphs keeps their "
              "breaks and opening “).", nullable=True, xml="elem"),
        Field("new_span", "span", "The new text. " + SPAN_DOC, nullable=True),
        Field("target", "integer", "Index into documents of the amended act when the issue re-publishes it.",
              nullable=True, minimum=0),
        Field("page", "integer", "Printed page of the item.", nullable=True),
    ]),
    "Attachment": ("An attachment (附件) listed by a document.", [
        Field("title", S, "Attachment title as printed.", xml="elem"),
        Field("span", "span", "The attachment's title line. " + SPAN_DOC, nullable=True),
        Field("body_span", "span", "The attachment's text, when the issue prints it. " + SPAN_DOC, nullable=True),
    ]),
    "HistoryEvent": ("One dated event of a law's or regulation's history (题注 under its title).", [
        Field("date", "date", "Date of the event, ISO 8601.", nullable=True),
        Field("body", S, "Who: the meeting or organ as printed, e.g. 第八届全国人民代表大会常务委员会第二次会议.",
              nullable=True, xml="elem"),
        Field("kind", S, "What happened.", nullable=True, enum=("通过", "公布", "修正", "修订", "批准", "施行")),
        Field("text", S, "The event as printed (blanks removed).", xml="elem"),
        Field("span", "span", SPAN_DOC),
        Field("act", S, "The act the event was made by, as cited without 《》 (e.g. 关于修改〈…〉的决定).",
              nullable=True, xml="elem"),
    ]),
    "Document": ("One document of the issue (a notice, an opinion, an order …) with its GB/T 9704 fields.", [
        Field("title", S, "Document title as printed (lines joined).", xml="elem"),
        Field("span", "span", "The whole document, title to signature/date. " + SPAN_DOC),
        Field("doc_number", S, "Document number (文号) as printed, spaces removed, e.g. 渝府发〔2022〕31号.",
              nullable=True),
        Field("doc_number_parts", "obj:DocNumberParts", "The 文号 split into its parts.", nullable=True,
              xml="elem"),
        Field("title_en", S, "English title, from the English table of contents.", nullable=True, xml="elem"),
        Field("doc_type", S, "Document type (文种): 通知, 意见, 决定, 办法, 令 …", nullable=True),
        Field("category_zh", S, "Contents section the document is listed under (Chinese).", nullable=True,
              xml="elem"),
        Field("category_en", S, "Contents section in English.", nullable=True, xml="elem"),
        Field("issuers", "list:string", "Issuing bodies (发文机关署名), several for a joint document.",
              xml="elem", item="issuer"),
        Field("date", "date", "Date of the document (成文日期), ISO 8601.", nullable=True),
        Field("addressees", "list:string", "Addressees (主送机关) as printed.", xml="elem", item="addressee"),
        Field("attachments", "list:obj:Attachment", "Attachments (附件).", xml="elem", item="attachment"),
        Field("cited_doc_numbers", "list:string", "Other documents' 文号 cited in the text, in order of first "
              "citation.", xml="elem", item="doc_number"),
        Field("page_start", "integer", "Printed page where the document starts.", nullable=True),
        Field("page_end", "integer", "Printed page where the document ends.", nullable=True),
        Field("body_spans", "list:span", "Where the clauses live (body, attachments). Each: " + SPAN_DOC,
              xml="elem", item="span"),
        Field("history", "list:obj:HistoryEvent", "The history printed under the title (adopted, published, "
              "amended, revised), in print order; not part of the title.", xml="elem", item="event",
              optional=True),
        Field("clauses", "list:obj:Clause", "The top-level clauses, each with its children.", xml="elem",
              item="clause"),
        Field("issuer", S, "The issuers joined with 、 (derived from issuers; JSON only).", nullable=True,
              derived=True),
        Field("promulgation", "obj:Promulgation", "Of a 令: its promulgation text. A 令 and the text it "
              "promulgates are one document, titled by that text; doc_type is 令.", nullable=True,
              xml="elem", optional=True),
        Field("promulgated_type", S, "Of a 令: the 文种 of the text it promulgates (办法, 条例, 决定 …).",
              nullable=True, optional=True),
        Field("promulgated_by", S, "Of a text a 令 publishes as a document of its own (an act re-published "
              "after a 修改决定, or a 规章 printed under its 题注): the 令's number as printed.",
              nullable=True, optional=True),
        Field("amendments", "list:obj:Amendment", "Of a 修改决定 or 修正案: every change it makes, in print "
              "order.", xml="elem", item="amendment", optional=True),
    ]),
    "Clause": ("A numbered clause (一、 （一） 1. 第三条 …) with its own text, notes and children.", [
        Field("label", S, "Marker as printed: 一、 （一） 1. （1） ① 第三条."),
        Field("level", "integer", "Depth: 1 is the outermost numbering level the document uses.", minimum=1),
        Field("path", "ints", "Printed ordinals from the top level down to this clause, e.g. [2, 1, 3]."),
        Field("heading", S, "Heading, when the clause starts with one (the text up to the first 。).",
              nullable=True, xml="elem"),
        Field("text", S, "The clause's own text (children excluded), page-break joins repaired.", xml="elem"),
        Field("span", "span", "From the marker to the end of the clause's own text. " + SPAN_DOC),
        Field("page", "integer", "Printed page where the clause starts.", nullable=True),
        Field("page_index", "integer", "Physical page (1-based) where the clause starts.", nullable=True),
        Field("numbering", S, "Numbering style (grammar level name), e.g. zh_comma, paren_zh, arabic_dot."),
        Field("children", "list:obj:Clause", "Sub-clauses, in order.", xml="elem", item="clause"),
        Field("list_items", "list:obj:ListItem", "Bullets (——) inside the clause, kept as part of it.",
              xml="elem", item="list_item"),
        Field("lead_units", "list:obj:UnitRef", "Lead units (牵头单位).", xml="elem", item="unit"),
        Field("responsible_units", "list:obj:UnitRef", "Responsible units (责任单位 / …负责).", xml="elem",
              item="unit"),
        Field("unit_flags", "list:string", "Qualifiers printed with the units, e.g. 等部门, 按职责分工负责.",
              xml="elem", item="flag"),
        Field("targets", "list:obj:Target", "Numeric targets and parameters stated in the clause.", xml="elem",
              item="target"),
        Field("refs", "list:obj:Ref", "References in the clause's own text (本办法第五条, 前款, 《…》第二条).",
              xml="elem", item="ref", optional=True),
        Field("source", S, "\"ocr\" when the clause starts on an OCR'd page, else \"text\".",
              enum=("text", "ocr")),
        Field("confidence", "float", "Mean OCR confidence (0-100) of that page; null for text pages.",
              nullable=True),
        Field("body", "integer", "Index into the document's body_spans of the text the clause belongs to "
              "(0 = the first); paths restart in each body, e.g. the notice and each attachment it prints.",
              minimum=0, optional=True),
        Field("suffix", "integer", "The 之N of an article inserted after another (第五条之一 → 1; its path ends "
              "in 5, as 第五条's does); null otherwise.", nullable=True, minimum=1, optional=True),
    ]),
    "Ref": ("A reference to a provision of this document or to another act.", [
        Field("text", S, "The reference as printed.", xml="elem"),
        Field("span", "span", SPAN_DOC),
        Field("kind", S, "internal: this document; external: another act named in 《》.",
              enum=("internal", "external")),
        Field("act", S, "The other act's title as cited, without 《》.", nullable=True, xml="elem"),
        Field("article", "integer", "条 number (第五条 → 5).", nullable=True),
        Field("article_suffix", "integer", "之N of the article (第五条之一 → 1).", nullable=True),
        Field("paragraph", "integer", "款 number.", nullable=True),
        Field("item", "integer", "项 number.", nullable=True),
        Field("subitem", "integer", "目 number.", nullable=True),
        Field("relative", S, "The relative word as printed (本条, 前款, 本款, 前条, 前两款 …).", nullable=True),
        Field("path", "ints", "Path of the clause it resolves to in the same body; null when unresolved.",
              nullable=True),
    ]),
    "ListItem": ("A bullet (——) or similar item inside a clause.", [
        Field("marker", S, "The bullet as printed, e.g. ——."),
        Field("text", S, "The item's text, marker excluded.", xml="elem"),
        Field("span", "span", SPAN_DOC),
        Field("page", "integer", "Printed page of the item.", nullable=True),
    ]),
    "UnitRef": ("A government unit named in a clause's note (牵头单位 / 责任单位).", [
        Field("name", S, "The name as printed (after shared-suffix expansion).", xml="elem"),
        Field("canonical", S, "The unit registry's canonical name; equals name when not in the registry.",
              xml="elem"),
        Field("span", "span", "Where the name is printed (for an expanded name, the printed stretch it came "
              "from). " + SPAN_DOC),
        Field("inherited", "boolean", "True when taken from a heading note or a 下同 rule rather than the "
              "clause's own note."),
        Field("known", "boolean", "True when the name was found in the unit registry."),
        Field("page", "integer", "Printed page of the name.", nullable=True),
        Field("page_index", "integer", "Physical page (1-based) of the name in the source file.",
              nullable=True, optional=True),
        Field("source", S, "Where the role comes from: note (the clause's own note), heading note (its "
              "section's), rule carried on (a 下同 rule or 以下均需…落实 given earlier), prose (由X牵头 in the text).",
              nullable=True, optional=True),
    ]),
    "Target": ("A numeric target or policy parameter stated in a clause.", [
        Field("text", S, "The minimal phrase, as printed, e.g. 建成区绿化覆盖率不低于43%.", xml="elem"),
        Field("indicator", S, "What is measured, e.g. 建成区绿化覆盖率.", nullable=True, xml="elem"),
        Field("comparator", S, "How the value bounds the indicator (range: value to value_max).",
              enum=(">=", ">", "=", "<=", "<", "range")),
        Field("value", "decimal", "The value, exact (never rounded through binary floating point)."),
        Field("value_max", "decimal", "Upper bound when comparator is range.", nullable=True),
        Field("unit", S, "Base unit; multipliers (万/亿/千) are folded into value: "
              "1亿平方米 → value 100000000, unit 平方米. E.g. %, ‰, 元, 平方米, 个.", nullable=True),
        Field("year", "integer", "Year the target is due, when stated.", nullable=True),
        Field("kind", S, "target: a level to reach (by a year); parameter: a rate, amount, limit or ceiling a "
              "policy sets; threshold: a bound or condition that decides who or what qualifies.",
              enum=("target", "parameter", "threshold")),
        Field("span", "span", "The phrase. " + SPAN_DOC),
        Field("page", "integer", "Printed page of the phrase.", nullable=True),
        Field("page_index", "integer", "Physical page (1-based) of the phrase in the source file.",
              nullable=True, optional=True),
        Field("relative_to", S, "The base a relative value is counted from (LPR, 起始价, 上年); value is then "
              "the difference or share printed (LPR减20个基点 → -20 个基点).", nullable=True, optional=True),
    ]),
    "Warning": ("Something the parser could not place, with where it happened.", [
        Field("code", S, "Stable machine-readable code, e.g. toc-unmatched, xml-illegal-char.",
              pattern="^[a-z0-9]+(-[a-z0-9]+)*$"),
        Field("message", S, "One line for a person.", xml="elem"),
        Field("page", "integer", "Printed page, when known.", nullable=True),
        Field("span", "span", SPAN_DOC, nullable=True),
        Field("page_index", "integer", "Physical page (1-based) of the source file, when known.", nullable=True),
    ]),
}

ROOT: list[Field] = [
    Field("schema_version", S, "Version of this output format; a change that breaks old outputs bumps it."),
    Field("source", "obj:Source", "The source file.", xml="elem"),
    Field("issue", "obj:IssueInfo", "The issue as a whole (cover, masthead, colophon).", xml="elem"),
    Field("toc", "list:obj:TocEntry", "Table of contents, in printed order.", xml="elem", item="entry"),
    Field("documents", "list:obj:Document", "The documents of the issue, in order.", xml="elem",
          item="document"),
    Field("warnings", "list:obj:Warning", "Every warning of every stage, in order.", xml="elem",
          item="warning"),
]
ROOT_DOC = ("One parsed gazette issue (or a single document, an issue of one) as written by gazette-parser. "
            "Spans are [start, end) offsets into the cleaned text.")

# model dataclass → the object above that describes it (for the drift test)
MODEL_OBJECTS = {"SourceInfo": "Source", "IssueInfo": "IssueInfo", "TocEntry": "TocEntry",
                 "Attachment": "Attachment", "Document": "Document", "Clause": "Clause",
                 "HistoryEvent": "HistoryEvent", "Ref": "Ref", "ListItem": "ListItem", "UnitRef": "UnitRef",
                 "Target": "Target", "Warning": "Warning",
                 "Promulgation": "Promulgation", "Location": "Location", "Amendment": "Amendment"}


def fields_of(obj: str) -> list[Field]:
    return OBJECTS[obj][1]


# ----------------------------------------------------------------------------------------------
# JSON Schema


def _json_type(f: Field) -> dict:
    t = f.type
    if t.startswith("list:"):
        inner = Field(f.name, t[5:], "")
        return {"type": "array", "items": _json_type(inner)}
    if t.startswith("obj:"):
        return {"$ref": f"#/$defs/{t[4:]}"}
    if t == "span":
        return {"$ref": "#/$defs/Span"}
    if t == "date":
        return {"$ref": "#/$defs/Date"}
    if t == "ints":
        return {"type": "array", "items": {"type": "integer"}}
    if t == "map":
        return {"type": "object", "additionalProperties": {"type": "string"}}
    if t in ("decimal", "float"):
        out = {"type": "number"}
    else:
        out = {"type": t}
    if f.enum:
        out["enum"] = list(f.enum)
    if f.pattern:
        out["pattern"] = f.pattern
    if f.minimum is not None:
        out["minimum"] = f.minimum
    return out


def _json_prop(f: Field) -> dict:
    t = _json_type(f)
    if f.nullable:
        t = {"anyOf": [t, {"type": "null"}]}
    return {"description": f.doc, **t}


def _json_object(doc: str, fields: list[Field]) -> dict:
    return {
        "type": "object",
        "description": doc,
        "properties": {f.name: _json_prop(f) for f in fields},
        "required": [f.name for f in fields if not f.optional],
        "additionalProperties": False,
    }


def json_schema(version: str) -> dict:
    defs = {name: _json_object(doc, fs) for name, (doc, fs) in OBJECTS.items()}
    defs["Target"]["if"] = {"properties": {"comparator": {"const": "range"}}}
    defs["Target"]["then"] = {"properties": {"value_max": {"type": "number"}}}
    defs["Span"] = {
        "description": SPAN_DOC + "; end >= start.",
        "type": "array",
        "prefixItems": [{"type": "integer", "minimum": 0}, {"type": "integer", "minimum": 0}],
        "minItems": 2,
        "items": False,
    }
    defs["Date"] = {"description": "A calendar date, ISO 8601 yyyy-mm-dd.", "type": "string",
                    "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}
    root = _json_object(ROOT_DOC, ROOT)
    root["properties"]["schema_version"] = {"description": ROOT[0].doc, "const": version}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{SCHEMA_ID}:{version}",
        "title": "gazette-parser output",
        **root,
        "$defs": defs,
    }


# ----------------------------------------------------------------------------------------------
# XSD

_XSD_SCALAR = {"string": "xs:string", "integer": "xs:integer", "boolean": "xs:boolean",
               "decimal": "xs:decimal", "float": "xs:double", "date": "xs:date", "span": "g:Span",
               "ints": "g:Integers"}


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _ann(doc: str, ind: str) -> str:
    return (f"{ind}<xs:annotation><xs:documentation>{_esc(doc)}</xs:documentation></xs:annotation>\n")


def _xsd_attr_type(owner: str, f: Field) -> tuple[str, str]:
    """(type attribute, inline simpleType) for an attribute field."""
    base = _XSD_SCALAR[f.type]
    facets = []
    if f.enum:
        facets = [f'<xs:enumeration value="{_esc(v)}"/>' for v in f.enum]
    elif f.pattern:
        facets = [f'<xs:pattern value="{_esc(f.pattern[1:-1])}"/>']
    elif f.minimum is not None:
        facets = [f'<xs:minInclusive value="{f.minimum}"/>']
    if not facets:
        return base, ""
    inner = "".join(facets)
    return "", f'<xs:simpleType><xs:restriction base="{base}">{inner}</xs:restriction></xs:simpleType>'


def _xsd_complex(name: str, doc: str, fields: list[Field], ind: str = "  ") -> str:
    out = [f'{ind}<xs:complexType name="{name}">\n', _ann(doc, ind + "  ")]
    elems = [f for f in fields if f.xml == "elem" and not f.derived]
    attrs = [f for f in fields if f.xml == "attr" and not f.derived]
    out.append(f"{ind}  <xs:sequence>\n")
    for f in elems:
        i3 = ind + "    "
        mino = ' minOccurs="0"' if (f.nullable or f.optional or f.type.startswith("list:")
                                    or f.type == "map") else ""
        if f.type.startswith("list:") or f.type == "map":
            inner = f.type[5:] if f.type.startswith("list:") else "string"
            if f.type == "map":
                itype = "g:MapEntry"
            elif inner.startswith("obj:"):
                itype = f"g:{inner[4:]}"
            else:
                itype = _XSD_SCALAR[inner]
            out.append(f'{i3}<xs:element name="{f.name}"{mino}>\n{_ann(f.doc, i3 + "  ")}'
                       f'{i3}  <xs:complexType><xs:sequence>\n'
                       f'{i3}    <xs:element name="{f.item}" type="{itype}" maxOccurs="unbounded"/>\n'
                       f'{i3}  </xs:sequence></xs:complexType>\n{i3}</xs:element>\n')
        else:
            t = f"g:{f.type[4:]}" if f.type.startswith("obj:") else _XSD_SCALAR[f.type]
            out.append(f'{i3}<xs:element name="{f.name}" type="{t}"{mino}>\n{_ann(f.doc, i3 + "  ")}'
                       f'{i3}</xs:element>\n')
    out.append(f"{ind}  </xs:sequence>\n")
    for f in attrs:
        i2 = ind + "  "
        use = "" if (f.nullable or f.optional) else ' use="required"'
        t, inline = _xsd_attr_type(name, f)
        tattr = f' type="{t}"' if t else ""
        out.append(f'{i2}<xs:attribute name="{f.name}"{tattr}{use}>\n{_ann(f.doc, i2 + "  ")}'
                   + (f"{i2}  {inline}\n" if inline else "") + f"{i2}</xs:attribute>\n")
    out.append(f"{ind}</xs:complexType>\n")
    return "".join(out)


def xsd(version: str) -> str:
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        "<!-- gazette-parser XML output, schema version " + version + ". Generated from\n"
        "     gazette_parser/emit/fields.py (python -m gazette_parser.emit.fields output_schemas/);\n"
        "     edit that table, not this file. -->\n",
        f'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:g="{XML_NS}"\n'
        f'           targetNamespace="{XML_NS}" elementFormDefault="qualified" version="{version}">\n',
        '  <xs:element name="gazette" type="g:Gazette">\n',
        _ann("The root element: " + ROOT_DOC, "    "),
        "  </xs:element>\n",
    ]
    root_fields = [f for f in ROOT if f.name != "schema_version"]
    parts.append(_xsd_complex("Gazette", ROOT_DOC, root_fields).replace(
        "  </xs:complexType>\n",
        f'    <xs:attribute name="schema_version" type="xs:string" fixed="{version}" use="required">\n'
        + _ann(ROOT[0].doc, "      ") + "    </xs:attribute>\n  </xs:complexType>\n"))
    for name, (doc, fs) in OBJECTS.items():
        parts.append(_xsd_complex(name, doc, fs))
    parts.append(
        '  <xs:complexType name="MapEntry">\n'
        + _ann("One colophon field: its label in the name attribute, its value as the text.", "    ")
        + '    <xs:simpleContent><xs:extension base="xs:string">\n'
        '      <xs:attribute name="name" type="xs:string" use="required">\n'
        + _ann("The field's label as printed.", "        ")
        + "      </xs:attribute>\n    </xs:extension></xs:simpleContent>\n  </xs:complexType>\n"
        '  <xs:simpleType name="Integers">\n'
        + _ann("A whitespace-separated list of integers.", "    ")
        + '    <xs:list itemType="xs:integer"/>\n  </xs:simpleType>\n'
        '  <xs:simpleType name="Span">\n'
        + _ann(SPAN_DOC + ", written as two integers: start end.", "    ")
        + '    <xs:restriction><xs:simpleType><xs:list itemType="xs:nonNegativeInteger"/></xs:simpleType>'
        '<xs:length value="2"/></xs:restriction>\n  </xs:simpleType>\n'
        "</xs:schema>\n")
    return "".join(parts)


def write_schemas(directory: str) -> None:
    from pathlib import Path

    from ..model import SCHEMA_VERSION

    d = Path(directory)
    (d / "gazette.schema.json").write_text(
        json.dumps(json_schema(SCHEMA_VERSION), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (d / "gazette.xsd").write_text(xsd(SCHEMA_VERSION), encoding="utf-8")


if __name__ == "__main__":  # pragma: no cover - a maintainer's tool
    import sys

    write_schemas(sys.argv[1] if len(sys.argv) > 1 else "output_schemas")
