"""units: lead/responsible units from each clause's note, mapped to canonical names."""

from __future__ import annotations

from typing import Optional

from .model import Document, Text


class Registry:
    """Canonical unit names and their aliases (grammars/units.toml plus user files)."""


def attach_units(text: Text, document: Document, registry: Optional[Registry] = None) -> Document:
    return document
