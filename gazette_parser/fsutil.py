"""Atomic writes: a reader (or a killed run) never sees a half-written output file."""

from __future__ import annotations

import contextlib
import functools
import os
import tempfile
from pathlib import Path
from typing import Iterable, Optional, Union


@functools.lru_cache(maxsize=1)
def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def stage_file(directory: Union[str, Path], final_name: str, data: Union[str, bytes, Iterable[str]]) -> Path:
    """Write ``data`` to a hidden temporary beside ``final_name`` in ``directory``, fsynced.

    ``data`` may also be an iterable of str pieces (written as they come: a long output need not be
    held whole). The caller renames it into place (``os.replace``) when it is ready to publish it.
    """
    pieces = ((data.encode("utf-8") if isinstance(data, str) else data,) if isinstance(data, (str, bytes))
              else (piece.encode("utf-8") for piece in data))
    fd, tmp = tempfile.mkstemp(prefix=f".{final_name}.", suffix=".tmp", dir=directory)
    try:
        with contextlib.suppress(OSError):
            os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes 0600; outputs are ordinary files
        with os.fdopen(fd, "wb") as f:
            for payload in pieces:
                f.write(payload)
            f.flush()
            os.fsync(f.fileno())
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return Path(tmp)


def write_atomic(path: Union[str, Path], data: Union[str, bytes, Iterable[str]]) -> None:
    """Write to a temporary file in the same directory, fsync, then rename over ``path``."""
    import errno
    import stat

    path = Path(path)
    with contextlib.suppress(FileNotFoundError, NotADirectoryError):
        mode = os.stat(path).st_mode
        if not stat.S_ISREG(mode):  # never rename over a device (/dev/full), a FIFO or a directory
            raise OSError(errno.EEXIST, "exists and is not a regular file", str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = stage_file(path.parent, path.name, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def display_path(path: Union[str, os.PathLike, None]) -> Optional[str]:
    """A path as text that can always be encoded: bytes that are not UTF-8 become ``\\xNN``.

    Python keeps such bytes of a file name as lone surrogates (``surrogateescape``); they cannot
    be written to SQLite, JSON or a terminal, so messages, manifests and ``source.path`` use this.
    """
    if path is None:
        return None
    s = os.fspath(path)
    if isinstance(s, bytes):
        return s.decode("utf-8", "backslashreplace")
    try:
        s.encode("utf-8")
        return s
    except UnicodeEncodeError:
        return s.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace") \
            if _only_escapes(s) else s.encode("utf-8", "backslashreplace").decode("utf-8")


def _only_escapes(s: str) -> bool:
    try:
        s.encode("utf-8", "surrogateescape")
        return True
    except UnicodeEncodeError:
        return False


def plain_name(name) -> bool:
    """True for a bare file name inside a directory: no separator, not . or .., not absolute."""
    return (isinstance(name, str) and name not in ("", ".", "..") and "/" not in name
            and "\\" not in name and "\x00" not in name and not os.path.isabs(name))


def sqlite_uri(path: Union[str, os.PathLike], mode: str = "ro") -> str:
    """A ``file:`` URI that names exactly ``path``: every byte a URI gives a meaning to (% ? #)
    is percent-encoded, so ``pct%41.db`` is that file, not ``pctA.db``, and ``a?b.db`` makes no
    stray ``a`` file."""
    from urllib.parse import quote

    raw = os.fsencode(os.path.abspath(os.fspath(path)))
    return "file:" + quote(raw, safe="/") + f"?mode={mode}"
