"""limits: a time and a memory budget for one parse, ending in a one-line error.

A reader can be made to loop or allocate without end by a hostile file (a PDF object that refers to
itself, a page of 200M glyphs). ``budget(seconds, megabytes, file)`` bounds what follows:

* time: ``SIGALRM`` after ``seconds`` raises ``BudgetExceeded`` inside the running Python code
  (readers are Python loops over the file's objects, so the alarm lands). Only in the main
  thread of a process; elsewhere (a library caller's worker thread) the time budget is not set;
* memory: ``RLIMIT_AS`` caps the address space, so an allocation past ``megabytes`` fails with
  ``MemoryError`` instead of the OOM killer ending the machine's other work; the error is turned
  into ``BudgetExceeded`` naming the file. The limit is lowered for the rest of the process
  (an address-space limit cannot be raised back by an unprivileged process), which is what the
  one-shot CLI commands want.

Both are off with 0 or None. The batch runner has its own (per worker process, killed on timeout).
"""

from __future__ import annotations

import contextlib
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


def set_memory_limit(megabytes: Optional[int]) -> Optional[int]:
    """Cap this process's address space at ``megabytes`` (never above a hard limit already set).

    Returns the soft limit it replaced (None when nothing was set), for ``restore_memory_limit``.
    """
    if not megabytes:
        return None
    try:
        import resource
    except ImportError:  # pragma: no cover - not POSIX
        return None
    limit = int(megabytes) * 1024 * 1024
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    if soft != resource.RLIM_INFINITY:
        limit = min(limit, soft)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    return soft


def restore_memory_limit(soft: Optional[int]) -> None:
    """Put back the soft limit ``set_memory_limit`` replaced: a budget ends with its block, so a
    library caller (or a test process that later starts a browser) keeps its own address space."""
    if soft is None:
        return
    import resource

    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (soft, resource.getrlimit(resource.RLIMIT_AS)[1]))


@contextlib.contextmanager
def budget(seconds: Optional[float], megabytes: Optional[int] = None,
           file: Optional[str] = None) -> Iterator[None]:
    """Run the block within ``seconds`` and ``megabytes``; else raise BudgetExceeded for ``file``."""
    previous_soft = set_memory_limit(megabytes)
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
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)
        restore_memory_limit(previous_soft)
