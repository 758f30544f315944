"""read: a file (or bytes) → Source (its pages). One module per format, chosen by content."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Optional, Union

from ..errors import ReadError
from ..model import Source

FORMATS = ("txt", "pdf", "html")


def sniff_format(data: bytes, name: Optional[str] = None) -> str:
    """The format from the content first, the extension only as a tie-breaker."""
    head = data[:2048].lstrip()
    if data[:1024].find(b"%PDF-") != -1:
        return "pdf"
    low = head[:1024].lower()
    if low.startswith(b"<!doctype html") or b"<html" in low or b"<body" in low or b"<div" in low[:200]:
        return "html"
    if name:
        ext = Path(name).suffix.lower()
        if ext == ".pdf":
            return "pdf"  # claims to be a PDF but is not: the pdf reader says so clearly
        if ext in (".html", ".htm", ".xhtml"):
            return "html"
    return "txt"


def read_source(
    source: Union[str, os.PathLike, bytes],
    *,
    name: Optional[str] = None,
    backend: str = "pdfplumber",
    ocr: str = "auto",
) -> Source:
    """Read a path or raw bytes into a Source. ``name`` labels bytes in messages."""
    if isinstance(source, (bytes, bytearray)):
        data, path = bytes(source), name
    else:
        path = os.fspath(source)
        try:
            with open(path, "rb") as f:
                data = f.read()
        except FileNotFoundError:
            raise ReadError("file not found", file=path) from None
        except IsADirectoryError:
            raise ReadError("is a directory, not a file", file=path) from None
        except OSError as e:
            raise ReadError(f"cannot read: {e.strerror or e}", file=path) from None
    if not data.strip():
        raise ReadError("empty file", file=path)
    fmt = sniff_format(data, path)
    sha = hashlib.sha256(data).hexdigest()
    if fmt == "pdf":
        from .pdf import read_pdf

        return read_pdf(data, path=path, sha256=sha, backend=backend, ocr=ocr)
    if fmt == "html":
        from .html import read_html

        return read_html(data, path=path, sha256=sha)
    from .text import read_text

    return read_text(data, path=path, sha256=sha)
