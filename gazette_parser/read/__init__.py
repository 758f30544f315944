"""read: a file (or bytes) → Source (its pages). One module per format, chosen by content."""

from __future__ import annotations

import hashlib
import re
import os
from pathlib import Path
from typing import Optional, Union

from ..chars import split_bom
from ..errors import ReadError
from ..formats import HTML_SUFFIXES
from ..fsutil import display_path
from ..model import Source



_HTML_TAG = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|meta|div|p|table|span|br|h[1-6]|font|center|article|section)[\s>/]", re.I)


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
    head = split_bom(head)[1]
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
        if ext in HTML_SUFFIXES and stripped.startswith(b"<"):
            return "html"
    return "txt"


MAX_INPUT_BYTES = 512 * 1024 * 1024  # larger than any gazette issue; a bigger "file" is a mistake


def read_file(source: Union[str, os.PathLike], label: Optional[str] = None,
              max_bytes: Optional[int] = None) -> bytes:
    """The bytes of a regular file, size-checked before reading.

    A FIFO, a device (/dev/zero) or a socket is refused without opening it for reading (a FIFO
    with no writer would block for ever, /dev/zero never ends), and so is a file over
    ``max_bytes`` (``MAX_INPUT_BYTES``).
    """
    import stat

    label = label or display_path(source)
    limit = MAX_INPUT_BYTES if max_bytes is None else max_bytes
    try:
        st = os.stat(source)
        if stat.S_ISDIR(st.st_mode):
            raise ReadError("is a directory, not a file", file=label)
        if not stat.S_ISREG(st.st_mode):
            raise ReadError("not a regular file (a FIFO, device or socket)", file=label)
        if st.st_size > limit:
            raise ReadError(f"too large ({st.st_size:,} bytes; the limit is {limit:,})", file=label)
        fd = os.open(source, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with open(fd, "rb") as f:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):  # swapped after the stat
                raise ReadError("not a regular file (a FIFO, device or socket)", file=label)
            parts = [f.read(st.st_size)]  # what stat promised; then anything it grew by, up to the limit
            total = len(parts[0])
            while total <= limit:
                more = f.read(min(1 << 24, limit + 1 - total))
                if not more:
                    break
                parts.append(more)
                total += len(more)
            data = b"".join(parts) if len(parts) > 1 else parts[0]
    except FileNotFoundError:
        raise ReadError("file not found", file=label) from None
    except IsADirectoryError:
        raise ReadError("is a directory, not a file", file=label) from None
    except MemoryError:
        raise ReadError("out of memory while reading", file=label) from None
    except (OSError, ValueError) as e:
        raise ReadError(f"cannot read: {getattr(e, 'strerror', None) or e}", file=label) from None
    if len(data) > limit:
        raise ReadError(f"too large (over {limit:,} bytes)", file=label)
    return data


def read_source(
    source: Union[str, os.PathLike, bytes],
    *,
    name: Optional[str] = None,
    backend: str = "auto",
    ocr: str = "auto",
    ocr_jobs: int = 1,
) -> Source:
    """Read a path or raw bytes into a Source. ``name`` labels the input in messages and in
    ``source.path`` (default: the path); ``ocr_jobs`` is how many PDF pages are OCR'd at a time
    (0 = one per CPU). A path is size-checked before it is read (see ``read_file``)."""
    if isinstance(source, (bytes, bytearray)):
        data, path = bytes(source), display_path(name)
    else:
        path = display_path(name if name is not None else source)
        data = read_file(source, path)
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
