"""One exception family for bad input: each carries file, page and line, and prints as one line."""

from __future__ import annotations

from typing import Optional


class GazetteError(Exception):
    """Base class: an input the parser cannot turn into a result. The CLI prints ``str(e)``."""

    exit_code = 1

    def __init__(
        self,
        message: str,
        file: Optional[str] = None,
        page: Optional[int] = None,
        line: Optional[int] = None,
    ):
        super().__init__(message)
        self.message = message
        self.file = file
        self.page = page
        self.line = line

    def where(self) -> str:
        parts = [self.file or "<text>"]
        if self.page is not None:
            parts.append(f"page {self.page}")
        if self.line is not None:
            parts.append(f"line {self.line}")
        return ", ".join(parts)

    def __str__(self) -> str:
        return f"{self.where()}: {self.message}"


class ParseError(GazetteError):
    """The input was read but holds nothing the parser can use (empty, garbage, no document)."""


class ReadError(GazetteError):
    """The file could not be read at all (missing, unreadable, corrupt, encrypted)."""


class GrammarError(GazetteError):
    """A grammar file (grammars/*.toml or a --grammar-dir override) cannot be used."""

    exit_code = 2


class NeedsOCR(GazetteError):
    """No usable text layer: the listed pages are scans or garbled fonts."""

    exit_code = 3

    def __init__(self, message: str, file: Optional[str] = None, pages: tuple[int, ...] = ()):
        super().__init__(message, file=file, page=pages[0] if pages else None)
        self.pages = tuple(pages)

    def __str__(self) -> str:
        pages = ", ".join(str(p) for p in self.pages)
        return f"{self.file or '<text>'}: {self.message}" + (f" (pages {pages})" if pages else "")


class UsageError(GazetteError):
    """A bad argument, query or output place rather than a bad input file: the message stands
    alone (no "<text>:" prefix), as the CLI has always printed it; the CLI exits 2."""

    exit_code = 2

    def __str__(self) -> str:
        return f"{self.where()}: {self.message}" if self.file else self.message
