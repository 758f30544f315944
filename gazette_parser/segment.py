"""segment: Text → Segmentation (issue info, bilingual TOC, one DocumentText per document)."""

from __future__ import annotations

from .model import DocumentText, IssueInfo, Segmentation, Text


def segment(text: Text) -> Segmentation:
    docs = [DocumentText(span=(0, len(text.text)))] if text.text.strip() else []
    return Segmentation(info=IssueInfo(), toc=[], documents=docs)
