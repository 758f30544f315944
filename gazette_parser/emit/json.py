"""JSON writer: the model as plain dicts, keys in model order, Decimals as exact JSON numbers."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal
from typing import Any

from ..model import Document, Issue, SCHEMA_VERSION


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
