"""Atomic writes: a reader (or a killed run) never sees a half-written output file."""

from __future__ import annotations

import contextlib
import functools
import os
import tempfile
from pathlib import Path
from typing import Iterable, Union


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
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = stage_file(path.parent, path.name, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
