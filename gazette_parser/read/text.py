"""Plain text: decode (BOM, UTF-8, GB18030, UTF-16 …) and hand over as one page."""

from __future__ import annotations

from typing import Optional

from ..chars import is_cjk, split_bom
from ..errors import ReadError
from ..model import Line, Page, Source, SourceInfo


def _utf16_without_bom(data: bytes) -> Optional[str]:
    """UTF-16 with no BOM: the byte order whose text reads as Chinese/ASCII, not as noise."""
    best, best_score = None, 0.0
    for enc in ("utf-16-le", "utf-16-be"):
        try:
            t = data.decode(enc)
        except UnicodeDecodeError:
            continue
        sample = t[:4000]
        good = sum(1 for c in sample if is_cjk(c) or c.isascii() and (c.isprintable() or c in "\r\n\t")
                   or "\u3000" <= c <= "\u303f" or "\uff00" <= c <= "\uffef")
        score = good / max(1, len(sample))
        if score > best_score:
            best, best_score = t, score
    return best if best_score >= 0.9 else None


def decode(data: bytes, path: Optional[str] = None) -> str:
    encoding, rest = split_bom(data)
    if encoding is not None:
        return rest.decode(encoding, errors="replace")
    if b"\x00" in data[:4096] and len(data) % 2 == 0:
        guess = _utf16_without_bom(data)
        if guess is not None:
            return guess
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise ReadError("not text in a known encoding (UTF-8, GB18030, UTF-16)", file=path) from None


def _is_row(line: str) -> bool:
    """A TAB between two cells (not an indent): a row of a table written out as text."""
    return "\t" in line.strip()


def _lines(chunk: str) -> tuple[Line, ...]:
    """The page's lines; runs of TAB-joined rows are a table each (cells set apart by a wide gap)."""
    out: list[Line] = []
    table = -1
    prev_row = False
    for raw in chunk.splitlines():
        row = _is_row(raw)
        if row and not prev_row:
            table += 1
        out.append(Line("  ".join(c.strip() for c in raw.strip().split("\t")), table=table) if row else Line(raw))
        prev_row = row
    return tuple(out)


def read_text(data: bytes, path: Optional[str], sha256: str) -> Source:
    """One page per form feed (pdftotext output keeps them); a plain file is one page."""
    text = decode(data, path)
    chunks = text.split("\f")
    if len(chunks) > 1 and not chunks[-1].strip():
        chunks = chunks[:-1]
    pages = tuple(Page(index=i, lines=_lines(chunk)) for i, chunk in enumerate(chunks, 1))
    info = SourceInfo(path=path, format="txt", sha256=sha256, size=len(data), pages=len(pages))
    return Source(info=info, pages=pages)
