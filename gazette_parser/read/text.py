"""Plain text: decode (BOM, UTF-8, GB18030, UTF-16 …) and hand over as one page."""

from __future__ import annotations

from typing import Optional

from ..errors import ReadError
from ..model import Line, Page, Source, SourceInfo


def decode(data: bytes, path: Optional[str] = None) -> str:
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom):].decode(enc, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise ReadError("not text in a known encoding (UTF-8, GB18030, UTF-16)", file=path) from None


def read_text(data: bytes, path: Optional[str], sha256: str) -> Source:
    text = decode(data, path)
    lines = tuple(Line(l) for l in text.splitlines())
    info = SourceInfo(path=path, format="txt", sha256=sha256, size=len(data), pages=1)
    return Source(info=info, pages=(Page(index=1, lines=lines),))
