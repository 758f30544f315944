"""XML writer and reader: the model one-to-one, as output_schemas/gazette.xsd describes it.

The element and attribute names are the JSON's field names (emit/fields.py maps each field to an
attribute or a child element). Text is escaped by lxml. Characters XML 1.0 cannot carry (control
characters, lone surrogates, U+FFFE/U+FFFF) are removed and reported as an ``xml-illegal-char``
warning in the XML's own warning list; they are never written.

Reading back (``loads``/``issue_from_xml``) gives the same model, so XML → model → JSON gives the
JSON that the parse wrote.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, Optional, Union

from lxml import etree

from ..model import Issue, SCHEMA_VERSION
from . import fields as F
from .json import ExactFloat, decimal_text, issue_from_dict, issue_to_dict

NS = F.XML_NS
_Q = "{%s}" % NS

ILLEGAL_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


# ----------------------------------------------------------------------------------------------
# sanitising


def _sanitize(value: Any, path: str, found: list) -> Any:
    """A copy of the dict with illegal characters removed; ``found`` gets (path, chars, obj)."""
    if isinstance(value, str):
        bad = ILLEGAL_XML.findall(value)
        if bad:
            found.append((path, bad))
            return ILLEGAL_XML.sub("", value)
        return value
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            clean_k = _sanitize(k, f"{path}.<key>", found) if isinstance(k, str) else k
            out[clean_k] = _sanitize(v, f"{path}.{k}" if path else str(k), found)
        return out
    if isinstance(value, list):
        return [_sanitize(v, f"{path}[{i}]", found) for i, v in enumerate(value)]
    return value


def _locate(d: dict, path: str) -> tuple[Optional[int], Optional[list]]:
    """Page and span of the innermost object on ``path`` that has them (for the warning)."""
    page, span = None, None
    node: Any = d
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        if isinstance(node, dict) and isinstance(node.get("span"), list):
            span, page = node["span"], node.get("page", page)
        if part.startswith("["):
            i = int(part[1:-1])
            node = node[i] if isinstance(node, list) and i < len(node) else None
        else:
            node = node.get(part) if isinstance(node, dict) else None
        if node is None:
            break
    if isinstance(node, dict) and isinstance(node.get("span"), list):
        span, page = node["span"], node.get("page", page)
    return (page if isinstance(page, int) else None), span


def sanitized_dict(issue_or_dict: Union[Issue, dict], include_text: bool = False) -> dict:
    """The output dict with XML-illegal characters removed and one warning per field they left."""
    d = issue_or_dict if isinstance(issue_or_dict, dict) else issue_to_dict(issue_or_dict, include_text)
    found: list = []
    clean = _sanitize(d, "", found)
    for path, chars in found:
        page, span = _locate(d, path)
        codes = ", ".join(dict.fromkeys(f"U+{ord(c):04X}" for c in chars))
        clean["warnings"].append({
            "code": "xml-illegal-char",
            "message": ILLEGAL_XML.sub(
                "?", f"removed {len(chars)} character(s) not allowed in XML 1.0 ({codes}) from {path}"),
            "page": page,
            "span": list(span) if span is not None else None,
            "page_index": None,
        })
    return clean


# ----------------------------------------------------------------------------------------------
# writing


def _text(ftype: str, v: Any) -> str:
    if ftype == "boolean":
        return "true" if v else "false"
    if ftype == "decimal":
        return v._text if isinstance(v, ExactFloat) else decimal_text(Decimal(v))
    if ftype == "float":
        return repr(float(v))
    if ftype in ("span", "ints"):
        return " ".join(str(int(x)) for x in v)
    return str(v)


def _fill(el: etree._Element, obj_fields: list, d: dict) -> None:
    for f in obj_fields:
        if f.derived or f.name not in d:
            continue
        v = d[f.name]
        if v is None:
            continue
        if f.xml == "attr":
            el.set(f.name, _text(f.type, v))
            continue
        if f.type == "map":
            if v:
                box = etree.SubElement(el, _Q + f.name)
                for k, val in v.items():
                    item = etree.SubElement(box, _Q + f.item, name=k)
                    item.text = val
        elif f.type.startswith("list:"):
            if v:
                box = etree.SubElement(el, _Q + f.name)
                inner = f.type[5:]
                for x in v:
                    item = etree.SubElement(box, _Q + f.item)
                    if inner.startswith("obj:"):
                        _fill(item, F.fields_of(inner[4:]), x)
                    else:
                        item.text = _text(inner, x)
        elif f.type.startswith("obj:"):
            _fill(etree.SubElement(el, _Q + f.name), F.fields_of(f.type[4:]), v)
        else:
            etree.SubElement(el, _Q + f.name).text = _text(f.type, v)


def to_element(issue_or_dict: Union[Issue, dict], include_text: bool = False) -> etree._Element:
    d = sanitized_dict(issue_or_dict, include_text)
    root = etree.Element(_Q + "gazette", nsmap={None: NS})
    root.set("schema_version", d.get("schema_version", SCHEMA_VERSION))
    _fill(root, F.ROOT[1:], d)
    return root


def dumps(issue_or_dict: Union[Issue, dict], include_text: bool = False) -> str:
    """The issue as our XML (UTF-8 text with an XML declaration), byte-identical across runs."""
    root = to_element(issue_or_dict, include_text)
    body = etree.tostring(root, encoding="unicode", pretty_print=True)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body


# ----------------------------------------------------------------------------------------------
# reading


def _parse_text(ftype: str, s: Optional[str]) -> Any:
    s = s or ""
    if ftype == "boolean":
        return s.strip() in ("true", "1")
    if ftype == "integer":
        return int(s)
    if ftype == "decimal":
        return Decimal(s.strip())
    if ftype == "float":
        return float(s)
    if ftype in ("span", "ints"):
        return [int(x) for x in s.split()]
    return s


def _read(el: etree._Element, obj_fields: list) -> dict:
    out: dict = {}
    children: dict[str, Any] = {}
    for c in el:
        if isinstance(c.tag, str):
            children.setdefault(etree.QName(c).localname, c)
    for f in obj_fields:
        if f.derived:
            continue
        if f.xml == "attr":
            raw = el.get(f.name)
            if raw is None:
                if not f.optional:
                    out[f.name] = None
            else:
                out[f.name] = _parse_text(f.type, raw)
            continue
        c = children.get(f.name)
        if f.type == "map":
            out[f.name] = {} if c is None else {i.get("name"): (i.text or "") for i in c
                                                if isinstance(i.tag, str)}
        elif f.type.startswith("list:"):
            inner = f.type[5:]
            items = [] if c is None else [i for i in c if isinstance(i.tag, str)]
            if inner.startswith("obj:"):
                out[f.name] = [_read(i, F.fields_of(inner[4:])) for i in items]
            else:
                out[f.name] = [_parse_text(inner, i.text) for i in items]
        elif c is None:
            if not f.optional:
                out[f.name] = None
        elif f.type.startswith("obj:"):
            out[f.name] = _read(c, F.fields_of(f.type[4:]))
        else:
            out[f.name] = _parse_text(f.type, c.text)
    return out


def dict_from_xml(data: Union[str, bytes, etree._Element]) -> dict:
    """Our XML back to the JSON's dict shape (documents' derived ``issuer`` included)."""
    if isinstance(data, etree._Element):
        root = data
    else:
        raw = data.encode("utf-8") if isinstance(data, str) else data
        root = etree.fromstring(raw, etree.XMLParser(resolve_entities=False, no_network=True,
                                                     remove_blank_text=False, huge_tree=True))
    if root.tag != _Q + "gazette":
        raise ValueError(f"not a gazette-parser XML file (root element {root.tag!r})")
    d = {"schema_version": root.get("schema_version", SCHEMA_VERSION)}
    d.update(_read(root, F.ROOT[1:]))
    for doc in d.get("documents", []):
        doc["issuer"] = "、".join(doc["issuers"]) if doc.get("issuers") else None
    return d


def loads(data: Union[str, bytes]) -> Issue:
    """Parse our XML output back into the model."""
    return issue_from_dict(dict_from_xml(data))
