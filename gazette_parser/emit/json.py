"""JSON writer: the model as plain dicts, keys in model order, Decimals as exact JSON numbers."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal
from typing import Any

from ..model import (Amendment, Attachment, Clause, Document, Issue, IssueInfo, ListItem, Location,
                     Promulgation, SCHEMA_VERSION, SourceInfo, SourceMap, Target, Text, TocEntry, UnitRef,
                     Warning)
from . import fields as _fields


class _Exact(float):
    """Carries a Decimal's exact text through json.dumps (which only knows float)."""

    def __new__(cls, d: Decimal):
        obj = super().__new__(cls, 0.0)
        obj._text = _decimal_text(d)
        return obj

    def __repr__(self) -> str:
        return self._text


def _decimal_text(d: Decimal) -> str:
    if d == d.to_integral_value():
        return str(d.quantize(Decimal(1)))
    return format(d.normalize(), "f")


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return _Exact(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def document_to_dict(doc: Document) -> dict:
    d = _plain(doc)
    if d.get("doc_number_parts") is not None:  # parts the number does not print are absent
        d["doc_number_parts"] = {k: v for k, v in d["doc_number_parts"].items() if v is not None}
    d.pop("warnings", None)  # listed once, at the top level
    d["issuer"] = doc.issuer
    return d


def issue_to_dict(issue: Issue, include_text: bool = False) -> dict:
    source = _plain(issue.source)
    if include_text and issue.text is not None:
        source["text"] = issue.text.text
    return {
        "schema_version": SCHEMA_VERSION,
        "source": source,
        "issue": _plain(issue.info),
        "toc": _plain(issue.toc),
        "documents": [document_to_dict(d) for d in issue.documents],
        "warnings": _plain(issue.warnings),
    }


class _Encoder(json.JSONEncoder):
    def iterencode(self, o, _one_shot=False):
        # Route floats through repr so _Exact prints its Decimal text.
        return json.encoder._make_iterencode(
            {}, self.default, json.encoder.py_encode_basestring if self.ensure_ascii is False
            else json.encoder.py_encode_basestring_ascii,
            self.indent, lambda f: repr(f), self.key_separator, self.item_separator,
            self.sort_keys, self.skipkeys, _one_shot,
        )(o, 0)


def dumps(issue: Issue, include_text: bool = False, indent: int = 2) -> str:
    return json.dumps(issue_to_dict(issue, include_text), ensure_ascii=False, indent=indent,
                      cls=_Encoder) + "\n"


# ----------------------------------------------------------------------------------------------
# reading back: JSON (or the dict issue_to_dict makes) → model

_CLASSES = {"Source": SourceInfo, "IssueInfo": IssueInfo, "TocEntry": TocEntry, "Attachment": Attachment,
            "Document": Document, "Clause": Clause, "ListItem": ListItem, "UnitRef": UnitRef,
            "Target": Target, "Warning": Warning, "Promulgation": Promulgation, "Location": Location,
            "Amendment": Amendment}


def _to_decimal(v: Any) -> Decimal:
    if isinstance(v, _Exact):
        return Decimal(v._text)
    if isinstance(v, Decimal):
        return v
    if isinstance(v, int):
        return Decimal(v)
    return Decimal(repr(v))


def _value(ftype: str, v: Any) -> Any:
    if v is None:
        return None
    if ftype.startswith("list:"):
        return [_value(ftype[5:], x) for x in v]
    if ftype.startswith("obj:"):
        return _object(ftype[4:], v)
    if ftype == "span":
        return (int(v[0]), int(v[1]))
    if ftype == "decimal":
        return _to_decimal(v)
    if ftype == "float":
        return float(v)
    if ftype == "ints":
        return [int(x) for x in v]
    if ftype == "map":
        return dict(v)
    return v


def _object(name: str, d: dict) -> Any:
    if name == "DocNumberParts":
        return {k: d[k] for k in ("prefix", "year", "serial", "issuer", "kind") if k in d}
    cls = _CLASSES[name]
    own = {f.name for f in dataclasses.fields(cls)}  # an optional output-only field (source.text) is not
    kwargs = {f.name: _value(f.type, d[f.name]) for f in _fields.fields_of(name)
              if not f.derived and f.name in d and f.name in own}
    return cls(**kwargs)


def issue_from_dict(d: dict) -> Issue:
    """The model back from a dict of the JSON's shape (as issue_to_dict writes or json.loads reads).

    The cleaned text comes back only when the output carried it (--include-text); its page map
    does not (spans stay valid offsets into it).
    """
    info = _object("Source", d["source"])
    text = None
    if d["source"].get("text") is not None:
        text = Text(d["source"]["text"], SourceMap(), info)
    return Issue(
        info=_object("IssueInfo", d["issue"]),
        toc=_value("list:obj:TocEntry", d["toc"]),
        documents=_value("list:obj:Document", d["documents"]),
        warnings=_value("list:obj:Warning", d["warnings"]),
        source=info,
        text=text,
        schema_version=d.get("schema_version", SCHEMA_VERSION),
    )


def loads(s: str) -> Issue:
    """Parse our JSON output back into the model (numbers exact: Decimal for targets)."""
    return issue_from_dict(json.loads(s, parse_float=Decimal))
