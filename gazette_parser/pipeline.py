"""The pipeline: compose the stages. Nothing here does parsing work of its own."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Optional, Union

from . import amendments, clauses, clean, document, orders, segment, targets, units
from .errors import ParseError
from .model import Issue
from .read import read_source

PathOrText = Union[str, os.PathLike, bytes]

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _looks_like_path(value: str) -> bool:
    """A str names a file when it is one line that exists or ends like one of our formats."""
    if "\n" in value or len(value) > 1024 or "\x00" in value:
        return False
    try:
        if Path(value).exists():
            return True
    except (OSError, ValueError):  # too long for the file system, or otherwise no path
        return False
    return Path(value).suffix.lower() in (".txt", ".pdf", ".html", ".htm")


def parse(
    source: PathOrText,
    *,
    backend: str = "pdfplumber",
    ocr: str = "auto",
    ocr_jobs: int = 1,
    registry: Optional["units.Registry"] = None,
    name: Optional[str] = None,
) -> Issue:
    """Parse a gazette issue (or a single document) into the model.

    ``source`` is a path (str or PathLike), the raw bytes of a file, or the text itself.
    ``ocr_jobs`` pages of a scanned PDF are OCR'd at a time (0 = one per CPU).
    Raises a ``GazetteError`` subclass (ParseError, ReadError, NeedsOCR) for unusable input.
    """
    if isinstance(source, str) and not _looks_like_path(source):
        # Text given in memory: lone surrogates cannot be encoded, so they become U+FFFD here.
        data = _LONE_SURROGATE.sub("\ufffd", source).encode("utf-8")
        src = read_source(data, name=name, backend=backend, ocr=ocr, ocr_jobs=ocr_jobs)
    else:
        src = read_source(source, name=name, backend=backend, ocr=ocr, ocr_jobs=ocr_jobs)
    text = clean.clean(src)
    seg = segment.segment(text)
    if not seg.documents:
        raise ParseError("no document found (no title, 文号 or numbered body)", file=src.info.path)
    docs = []
    for doc_text in seg.documents:
        built = document.build_document(text, doc_text, seg)
        for doc in orders.split_order(text, doc_text, built, seg):
            doc = clauses.build_clauses(text, doc)
            doc = clauses.distinct_paths(text, doc)
            doc = units.attach_units(text, doc, registry)
            doc = targets.attach_targets(text, doc)
            doc = amendments.attach_amendments(text, doc)
            docs.append(doc)
    docs = amendments.link_targets(orders.adopt_republished(text, docs))
    warnings = list(src.warnings) + list(text.warnings) + list(seg.warnings)
    for doc in docs:
        warnings.extend(doc.warnings)
    return Issue(
        info=seg.info,
        toc=seg.toc,
        documents=docs,
        warnings=warnings,
        source=src.info,
        text=text,
    )
