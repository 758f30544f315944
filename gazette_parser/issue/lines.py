"""issue.lines: the cleaned text as lines with offsets, the unit the issue stage walks over.

``lines_of`` gives each non-blank line with its span in the cleaned text, so whatever a stage finds
on a line (a title, a 文号, a date) keeps its provenance. ``trim_span`` is the span of a stretch
without the whitespace at its ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ..model import Span

@dataclass(frozen=True)
class Ln:
    """A non-blank line of the cleaned text: its offsets (without the newline) and its text."""

    start: int
    end: int
    text: str

    @property
    def stripped(self) -> str:
        return self.text.strip()


def lines_of(s: str, start: int = 0, end: Optional[int] = None) -> list[Ln]:
    """The non-blank lines of ``s[start:end]``, with offsets into ``s``, leading/trailing
    whitespace excluded from each line's span."""
    end = len(s) if end is None else end
    out = []
    pos = start
    while pos < end:
        nl = s.find("\n", pos, end)
        stop = end if nl == -1 else nl
        a, b = pos, stop
        while a < b and s[a].isspace():
            a += 1
        while b > a and s[b - 1].isspace():
            b -= 1
        if b > a:
            out.append(Ln(a, b, s[a:b]))
        pos = stop + 1
    return out


def s_of(lines: list[Ln], a: int, b: int) -> str:
    """The text of lines[a:b], one per line."""
    return "\n".join(ln.text for ln in lines[a:b])


def lines_index_before(lines: list[Ln], offset: int) -> int:
    """How many lines start before ``offset``."""
    return sum(1 for ln in lines if ln.start < offset)


def trim_span(s: str, a: int, b: int) -> Optional[Span]:
    while a < b and s[a].isspace():
        a += 1
    while b > a and s[b - 1].isspace():
        b -= 1
    return (a, b) if b > a else None

