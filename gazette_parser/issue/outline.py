"""issue.outline: a quick look at how a text splits, for the CLI: one row per document with the
document stage's fields (title, 文号, date, pages, span), without clauses."""

from __future__ import annotations

from typing import Optional

from ..model import Segmentation, Text
from .document import build_document
from .segment import segment


def outline(text: Text, seg: Optional[Segmentation] = None) -> list[dict]:
    """A quick look at how a text splits, for a CLI ``segment``/``toc`` command: one row per
    document with its title, 文号, date, pages and span (the document stage's fields, without
    clauses)."""
    seg = seg if seg is not None else segment(text)
    rows = []
    for d in seg.documents:
        doc = build_document(text, d, seg)
        rows.append({
            "title": doc.title,
            "doc_number": doc.doc_number,
            "doc_type": doc.doc_type,
            "issuer": doc.issuer,
            "date": doc.date,
            "page_start": doc.page_start,
            "page_end": doc.page_end,
            "span": list(d.span),
            "toc_index": d.toc_index,
            "warnings": [w.code for w in doc.warnings],
        })
    return rows
