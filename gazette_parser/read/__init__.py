"""read: a file (or bytes) → Source (its pages). One module per format, chosen by content."""

from __future__ import annotations

import hashlib
import re
import os
from pathlib import Path
from typing import Optional, Union

from ..errors import ReadError
from ..model import Source

FORMATS = ("txt", "pdf", "html")


_HTML_TAG = re.compile(rb"<(?:!doctype\s+html|html|head|body|meta|div|p|table|span|br|h[1-6]|font|center|article|section)[\s>/]", re.I)
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def sniff_format(data: bytes, name: Optional[str] = None) -> str:
    """The format from the content first, the extension only as a tie-breaker.

    PDF: ``%PDF-`` in the first KiB. HTML: the text starts with markup (a doctype, a comment or a
    tag) and holds HTML tags near the start — which also catches fragments such as the gov.cn
    article bodies. Anything else is text. A file named .pdf that is not a PDF is reported as
    "pdf" so the PDF reader can say clearly that it is not one.
    """
    if data[:1024].find(b"%PDF-") != -1:
        return "pdf"
    head = data[:4096]
    for bom in _BOMS:
        if head.startswith(bom):
            head = head[len(bom):]
            break
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or head[:2].count(b"\x00"):
        head = head.replace(b"\x00", b"")
    stripped = head.lstrip()
    if stripped.startswith(b"<") and len(_HTML_TAG.findall(head)) >= 2:
        return "html"
    if _HTML_TAG.search(head[:512]) and head.count(b"<") >= 10:
        return "html"
    if name:
        ext = Path(name).suffix.lower()
        if ext == ".pdf":
            return "pdf"  # claims to be a PDF but is not: the pdf reader says so clearly
        if ext in (".html", ".htm", ".xhtml", ".shtml") and stripped.startswith(b"<"):
            return "html"
    return "txt"


def read_source(
    source: Union[str, os.PathLike, bytes],
    *,
    name: Optional[str] = None,
    backend: str = "auto",
    ocr: str = "auto",
    ocr_jobs: int = 1,
) -> Source:
    """Read a path or raw bytes into a Source. ``name`` labels bytes in messages; ``ocr_jobs`` is
    how many PDF pages are OCR'd at a time (0 = one per CPU)."""
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

        return read_pdf(data, path=path, sha256=sha, backend=backend, ocr=ocr, ocr_jobs=ocr_jobs)
    if fmt == "html":
        from .html import read_html

        return read_html(data, path=path, sha256=sha)
    from .text import read_text

    return read_text(data, path=path, sha256=sha)
