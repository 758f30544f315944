"""PDF: pdfplumber (default) or pypdfium2 (--backend pdfium) behind one interface."""

from __future__ import annotations

from typing import Optional

from ..errors import ReadError
from ..model import Source


def read_pdf(data: bytes, path: Optional[str], sha256: str, backend: str = "pdfplumber", ocr: str = "auto") -> Source:
    raise ReadError("PDF input is not supported yet", file=path)
