"""HTML: the document body of a government web page (not its navigation), via lxml."""

from __future__ import annotations

from typing import Optional

from ..errors import ReadError
from ..model import Source


def read_html(data: bytes, path: Optional[str], sha256: str) -> Source:
    raise ReadError("HTML input is not supported yet", file=path)
