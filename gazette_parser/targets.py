"""targets: numeric targets and policy parameters in each clause, with exact values."""

from __future__ import annotations

from .model import Document, Text


def attach_targets(text: Text, document: Document) -> Document:
    return document
