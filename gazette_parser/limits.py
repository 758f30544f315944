"""limits: a time and a memory budget for one parse, ending in a one-line error.

A reader can be made to loop or allocate without end by a hostile file (a PDF object that refers to
itself, a page of 200M glyphs). ``budget(seconds, megabytes, file)`` bounds what follows:

* time: ``SIGALRM`` after ``seconds`` raises ``BudgetExceeded`` inside the running Python code
  (readers are Python loops over the file's objects, so the alarm lands). Only in the main
  thread of a process; elsewhere (a library caller's worker thread) the time budget is not set;
* memory: the soft ``RLIMIT_AS`` caps the address space while the block runs, so an allocation
  past ``megabytes`` fails with ``MemoryError`` instead of the OOM killer ending the machine's
  other work; the error is turned into ``BudgetExceeded`` naming the file. Only the soft limit is
  lowered (never the hard one), so it is put back when the block ends.

Both are off with 0 or None. The batch runner has its own (per worker process, killed on timeout).
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from typing import Iterator, Optional

from .errors import GazetteError

DEFAULT_TIMEOUT = 600.0  # seconds for one input (the batch default too)
DEFAULT_MEMORY_MB = 4096


class BudgetExceeded(GazetteError):
    """The input needed more time or memory than its budget (a hostile or broken file)."""


class _OutOfTime(BaseException):
    """Raised by the alarm: a BaseException, so no reader's ``except Exception`` swallows it."""


def set_memory_limit(megabytes: Optional[int]):
    """Lower this process's soft address-space limit to ``megabytes`` (never above a limit already
    set). Returns the previous soft limit (for ``restore_memory_limit``), or None."""
    if not megabytes:
        return None
    try:
        import resource
    except ImportError:  # pragma: no cover - not POSIX
        return None
    limit = max(int(megabytes) * 1024 * 1024, _address_space() + (256 << 20))  # never below what is in use
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    if soft != resource.RLIM_INFINITY:
        limit = min(limit, soft)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ValueError, OSError):
        return None
    return soft


def _address_space() -> int:
    """Bytes of address space this process uses now (0 where /proc is not there)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def restore_memory_limit(soft) -> None:
    if soft is None:
        return
    import resource

    _old, hard = resource.getrlimit(resource.RLIMIT_AS)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@contextlib.contextmanager
def budget(seconds: Optional[float], megabytes: Optional[int] = None,
           file: Optional[str] = None) -> Iterator[None]:
    """Run the block within ``seconds`` and ``megabytes``; else raise BudgetExceeded for ``file``."""
    saved = set_memory_limit(megabytes)
    use_alarm = bool(seconds) and threading.current_thread() is threading.main_thread() \
        and hasattr(signal, "setitimer")

    def on_alarm(signum, frame):
        raise _OutOfTime()

    old = None
    if use_alarm:
        old = signal.signal(signal.SIGALRM, on_alarm)
        signal.setitimer(signal.ITIMER_REAL, float(seconds))
    try:
        yield
    except _OutOfTime:
        raise BudgetExceeded(f"timed out after {seconds:g} s (the time budget; --timeout)", file=file) from None
    except MemoryError:
        raise BudgetExceeded("out of memory" + (f" (limit {megabytes} MB; --max-memory)" if megabytes else ""),
                             file=file) from None
    except RecursionError:
        raise BudgetExceeded("input nests too deeply (recursion limit)", file=file) from None
    finally:
        restore_memory_limit(saved)
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)
