"""document: a DocumentText → Document with its GB/T 9704 fields and body spans."""

from __future__ import annotations

from .model import Document, DocumentText, Segmentation, Text


def build_document(text: Text, doc: DocumentText, seg: Segmentation) -> Document:
    start, end = doc.span
    first = text.text[start:end].split("\n", 1)[0]
    return Document(title=first, span=doc.span, body_spans=[doc.span])
