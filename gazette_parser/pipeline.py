"""The pipeline: compose the stages. Nothing here does parsing work of its own."""

from __future__ import annotations

import os
import re
from typing import Optional, Union

from . import amendments, clauses, clean, references, targets, units
from .issue import orders
from .issue.document import build_document
from .issue.segment import segment
from .errors import ParseError
from .model import Issue
from .read import read_source

PathLike = Union[str, os.PathLike]

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def parse(
    source: Union[PathLike, bytes, None] = None,
    *,
    path: Optional[PathLike] = None,
    data: Optional[bytes] = None,
    text: Optional[str] = None,
    backend: str = "auto",
    ocr: str = "auto",
    ocr_jobs: int = 1,
    registry: Optional["units.Registry"] = None,
    name: Optional[str] = None,
) -> Issue:
    """Parse a gazette issue (or a single document) into the model.

    Exactly one input, and its kind is said, never guessed from its value:
    ``path=`` a file (str or PathLike), ``data=`` a file's raw bytes, ``text=`` the text itself.
    The positional ``source`` is kept for old callers and is just as explicit: a str or PathLike
    is always a path, bytes are always a file's contents (text goes through ``text=`` or
    ``parse_text``). ``name`` labels bytes and text in messages and in ``source.path``.
    ``ocr_jobs`` pages of a scanned PDF are OCR'd at a time (0 = one per CPU).
    Raises a ``GazetteError`` subclass (ParseError, ReadError, NeedsOCR) for unusable input.
    """
    if source is not None:
        if isinstance(source, (bytes, bytearray)):
            data = bytes(source) if data is None else data
        elif isinstance(source, (str, os.PathLike)):
            path = source if path is None else path
        else:
            raise TypeError(f"parse() takes a path or bytes, not {type(source).__name__}")
        if sum(x is not None for x in (path, data, text)) > 1:
            raise TypeError("parse() takes one input: source, path=, data= or text=")
    given = [x for x in (path, data, text) if x is not None]
    if len(given) != 1:
        raise TypeError("parse() takes exactly one of path=, data=, text=")
    if text is not None:
        if not isinstance(text, str):
            raise TypeError("parse(text=...) takes a str")
        # Text given in memory: lone surrogates cannot be encoded, so they become U+FFFD here.
        raw = _LONE_SURROGATE.sub("\ufffd", text).encode("utf-8")
        src = read_source(raw, name=name, backend=backend, ocr=ocr, ocr_jobs=ocr_jobs)
    elif data is not None:
        src = read_source(bytes(data), name=name, backend=backend, ocr=ocr, ocr_jobs=ocr_jobs)
    else:
        src = read_source(path, name=name, backend=backend, ocr=ocr, ocr_jobs=ocr_jobs)
    return _compose(src, registry)


def parse_file(path: PathLike, **kw) -> Issue:
    """``parse(path=path, ...)``."""
    return parse(path=path, **kw)


def parse_text(text: str, **kw) -> Issue:
    """``parse(text=text, ...)``: the text itself (a str), never a file name."""
    return parse(text=text, **kw)


def _compose(src, registry) -> Issue:
    text = clean.clean(src)
    info, src_warnings = src.info, src.warnings
    del src  # the pages' lines: the text stages work on the cleaned text, a long PDF's lines can go
    seg = segment(text)
    if not seg.documents:
        raise ParseError("no document found (no title, 文号 or numbered body)", file=info.path)
    docs = []
    for doc_text in seg.documents:
        built = build_document(text, doc_text, seg)
        for doc in orders.split_order(text, doc_text, built, seg):
            doc = clauses.build_clauses(text, doc)
            doc = clauses.distinct_paths(text, doc)
            doc = references.attach_refs(text, doc)
            doc = units.attach_units(text, doc, registry)
            doc = targets.attach_targets(text, doc)
            doc = amendments.attach_amendments(text, doc)
            docs.append(doc)
    docs = amendments.link_targets(orders.adopt_republished(text, docs))
    warnings = list(src_warnings) + list(text.warnings) + list(seg.warnings)
    for doc in docs:
        warnings.extend(doc.warnings)
    return Issue(
        info=seg.info,
        toc=seg.toc,
        documents=docs,
        warnings=warnings,
        source=info,
        text=text,
    )
