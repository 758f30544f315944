"""clauses: a Document's body spans → its clause tree, driven by grammars/numbering.toml."""

from __future__ import annotations

from .model import Document, Text


def build_clauses(text: Text, document: Document) -> Document:
    return document
