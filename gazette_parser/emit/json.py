"""JSON writer: the model as plain dicts, keys in model order, Decimals as exact JSON numbers."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal, localcontext
from typing import Any, Iterator, Optional

from ..model import (Amendment, Attachment, Clause, Document, HistoryEvent, Issue, IssueInfo, ListItem, Location,
                     Promulgation, Ref, SCHEMA_VERSION, SourceInfo, SourceMap, Target, Text, TocEntry, UnitRef,
                     Warning)
from . import fields as _fields


class ExactFloat(float):
    """Carries a Decimal's exact text through json.dumps (which only knows float)."""

    _text: str

    def __new__(cls, d: Decimal):
        obj = super().__new__(cls, 0.0)
        obj._text = decimal_text(d)
        return obj

    def __repr__(self) -> str:
        return self._text


def decimal_text(d: Decimal) -> str:
    # A context as precise as the number: the default 28 digits would raise InvalidOperation
    # (quantize) or round (normalize) a value printed with 29 digits or more.
    with localcontext() as ctx:
        ctx.prec = max(28, len(d.as_tuple().digits) + 2)
        if d == d.to_integral_value():
            return format(d.to_integral_value(), "f")
        return format(d.normalize(), "f")


_SCALARS = (str, int, float, bool, type(None))
_FIELD_NAMES: dict[type, Optional[tuple[str, ...]]] = {}  # per class: its dataclass fields, or None


def _field_names(cls: type) -> Optional[tuple[str, ...]]:
    names = _FIELD_NAMES.get(cls, False)
    if names is False:
        names = _FIELD_NAMES[cls] = (tuple(f.name for f in dataclasses.fields(cls))
                                     if dataclasses.is_dataclass(cls) else None)
    return names


def _plain(value: Any) -> Any:
    cls = type(value)
    if cls in _SCALARS:
        return value
    if cls is list or cls is tuple:
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return ExactFloat(value)
    names = _field_names(cls)
    if names is not None:
        return {n: _plain(getattr(value, n)) for n in names}
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


def _top(issue: Issue, include_text: bool, documents: list) -> dict:
    source = _plain(issue.source)
    if include_text and issue.text is not None:
        source["text"] = issue.text.text
    return {
        "schema_version": SCHEMA_VERSION,
        "source": source,
        "issue": _plain(issue.info),
        "toc": _plain(issue.toc),
        "documents": documents,
        "warnings": _plain(issue.warnings),
    }


def issue_to_dict(issue: Issue, include_text: bool = False) -> dict:
    return _top(issue, include_text, [document_to_dict(d) for d in issue.documents])


class _Encoder(json.JSONEncoder):
    """The reference writer (the stdlib's pure-Python encoder, floats through repr): what
    ``_write`` must equal byte for byte; used for any value ``_write`` does not know."""

    def iterencode(self, o, _one_shot=False):
        # Route floats through repr so ExactFloat prints its Decimal text.
        return json.encoder._make_iterencode(
            {}, self.default, json.encoder.encode_basestring if self.ensure_ascii is False
            else json.encoder.encode_basestring_ascii,
            self.indent, lambda f: repr(f), self.key_separator, self.item_separator,
            self.sort_keys, self.skipkeys, _one_shot,
        )(o, 0)


def _reference(o: Any, nl: str) -> str:
    """``o`` by the reference encoder, indented to where it stands (JSON text holds no raw newline
    but the indentation's, so re-indenting is a replace)."""
    return json.dumps(o, ensure_ascii=False, indent=2, cls=_Encoder).replace("\n", nl)


def _write(o: Any, out: list, nl: str, esc=json.encoder.encode_basestring,
           keys: dict = {}) -> None:  # noqa: B006 - the default is a deliberate memo of encoded keys
    """Append the JSON of ``o`` to ``out`` as ``json.dumps(indent=2, ensure_ascii=False)`` would.

    One recursive function over plain dicts, lists and scalars, strings escaped by the stdlib's C
    escaper (the pure-Python encoder's generators cost more than the writing itself); keys, which
    repeat, are escaped once. Anything else (a dict with keys that are not strings, a type of its
    own) goes to the reference encoder, so the bytes are the same in every case.
    """
    t = type(o)
    if t is str:
        out.append(esc(o))
    elif t is dict:
        if not o:
            out.append("{}")
            return
        if not all(type(k) is str for k in o):
            out.append(_reference(o, nl))
            return
        inner = nl + "  "
        sep = "{" + inner
        for k, v in o.items():
            ek = keys.get(k)
            if ek is None:
                ek = keys[k] = esc(k) + ": "
            out.append(sep)
            out.append(ek)
            _write(v, out, inner)
            sep = "," + inner
        out.append(nl + "}")
    elif t is list:
        if not o:
            out.append("[]")
            return
        inner = nl + "  "
        sep = "[" + inner
        for v in o:
            out.append(sep)
            _write(v, out, inner)
            sep = "," + inner
        out.append(nl + "]")
    elif o is None:
        out.append("null")
    elif o is True:
        out.append("true")
    elif o is False:
        out.append("false")
    elif t is int:
        out.append(int.__repr__(o))
    elif t is ExactFloat or t is float:
        out.append(repr(o))
    else:
        out.append(_reference(o, nl))


def iter_dumps(issue: Issue, include_text: bool = False) -> Iterator[str]:
    """``dumps`` in pieces, one document at a time: a long issue is written without its whole JSON
    (or the plain dicts of every document) in memory at once."""
    top = _top(issue, include_text, [])
    out: list[str] = []
    sep = "{\n  "
    for key, value in top.items():
        out.append(sep)
        out.append(json.encoder.encode_basestring(key) + ": ")
        if key == "documents" and issue.documents:
            item = "[\n    "
            for doc in issue.documents:
                out.append(item)
                yield from _document_pieces(doc, out)
                item = ",\n    "
            out.append("\n  ]")
        else:
            _write(value, out, "\n  ")
        sep = ",\n  "
    out.append("\n}\n")
    yield "".join(out)


def _document_pieces(doc: Document, out: list) -> Iterator[str]:
    """One document of the "documents" list, as ``_write`` would write it there, given up after
    each top-level clause (a document can be most of a long issue)."""
    doc_nl, key_nl = "\n    ", "\n      "
    item_nl = key_nl + "  "
    shell = document_to_dict(dataclasses.replace(doc, clauses=[]))  # the clauses come one by one
    sep = "{" + key_nl
    for key, value in shell.items():
        out.append(sep)
        out.append(json.encoder.encode_basestring(key) + ": ")
        if key == "clauses" and doc.clauses:
            item = "[" + item_nl
            for clause in doc.clauses:
                out.append(item)
                _write(_plain(clause), out, item_nl)
                yield "".join(out)
                out.clear()
                item = "," + item_nl
            out.append(key_nl + "]")
        else:
            _write(value, out, key_nl)
        sep = "," + key_nl
    out.append(doc_nl + "}")


def dumps(issue: Issue, include_text: bool = False, indent: int = 2) -> str:
    if indent == 2:
        return "".join(iter_dumps(issue, include_text))
    return json.dumps(issue_to_dict(issue, include_text), ensure_ascii=False, indent=indent, cls=_Encoder) + "\n"


# ----------------------------------------------------------------------------------------------
# reading back: JSON (or the dict issue_to_dict makes) → model

_CLASSES = {"Source": SourceInfo, "IssueInfo": IssueInfo, "TocEntry": TocEntry, "Attachment": Attachment,
            "Document": Document, "Clause": Clause, "ListItem": ListItem, "UnitRef": UnitRef,
            "Target": Target, "Warning": Warning, "HistoryEvent": HistoryEvent, "Ref": Ref,
            "Promulgation": Promulgation, "Location": Location, "Amendment": Amendment}


def _to_decimal(v: Any) -> Decimal:
    if isinstance(v, ExactFloat):
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
