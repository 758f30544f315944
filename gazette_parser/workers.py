"""workers: the process pools of the index (reading JSON files beside the writer; computing the
stored word rankings).

Forked where the platform can fork: spawn would run the caller's main script again in every
worker, and a forked worker inherits what the parent prepared for it (ranking.py shares its row
lengths that way, without pickling them). Workers ignore Ctrl-C: the parent stops and ends the
pool. (batch.py runs its own workers, one process per file with a deadline each.)
"""

from __future__ import annotations

import multiprocessing


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def pool(processes: int):
    """A ``multiprocessing.Pool`` of ``processes`` workers (see the module docstring)."""
    ctx = multiprocessing.get_context("fork" if can_fork() else None)
    return ctx.Pool(processes, initializer=_ignore_sigint)


def _ignore_sigint() -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


__all__ = ["pool", "can_fork"]
