"""batch: map "parse one file" over many inputs, in parallel, resumably.

The runner only composes: ``convert_one`` parses one file with ``gazette_parser.parse`` and
renders it; an executor maps it over the inputs (a local pool of worker processes, or a Dask
cluster); the parent process alone writes the outputs and the manifest.

Crash safety (kill -9, power cut):

* the manifest is SQLite in WAL mode with ``synchronous=FULL``: a commit is all or nothing;
* every output is written to a hidden temporary file in OUTDIR and fsynced, then the manifest row
  is committed *with the list of pending renames*, then the files are renamed into place and the
  row is marked complete. A run that dies anywhere in between is finished by the next run
  (``Manifest.recover``): renames whose row committed are completed, stray temporaries are
  deleted. So a visible output file is always whole, and no converted input is converted again;
* a rerun skips every input whose sha256, parser version and settings are already done
  (status ok or needs-ocr, outputs present); ``force=True`` redoes them. Failed inputs are retried.

Pathological inputs: each local worker runs under ``RLIMIT_AS`` (``max_memory_mb``) and the
parent kills a worker whose file takes longer than ``timeout`` seconds, records the file as failed
and starts a fresh worker. One bad file never stops the batch.
"""

from __future__ import annotations

import contextlib
import ctypes
import glob
import hashlib
import json
import multiprocessing
import multiprocessing.connection
import os
import re
import signal
import sqlite3
import sys
import time
import traceback
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Optional

from .errors import UsageError
from .formats import FORMAT_KINDS, INPUT_SUFFIXES, KIND_SUFFIX
from .fsutil import display_path, plain_name, sqlite_uri, stage_file

MANIFEST_NAME = "manifest.sqlite"
MANIFEST_VERSION = "1"
DONE = ("ok", "needs-ocr")


class BatchError(UsageError):
    """A bad argument or an unusable OUTDIR (the CLI exits 2 with this one-line message)."""


# ----------------------------------------------------------------------------------------------
# inputs


@dataclass
class InputFile:
    path: str  # as given (normalised): what the parser records as source.path
    real: str  # resolved absolute path: the manifest key
    size: int = 0
    mtime_ns: int = 0
    sha256: str = ""


def _has_magic(s: str) -> bool:
    return any(ch in s for ch in "*?[")


def _walk(directory: str, exclude: Optional[str]) -> Iterator[str]:
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".")
                         and (exclude is None or os.path.realpath(os.path.join(root, d)) != exclude))
        for name in sorted(files):
            if not name.startswith(".") and name.lower().endswith(INPUT_SUFFIXES):
                yield os.path.join(root, name)


def collect_inputs(args: Iterable[str], outdir: Optional[str] = None) -> list[InputFile]:
    """Files, directories (recursively: .pdf .txt .html .htm .xhtml) and globs → unique inputs.

    Order is the order of the arguments, each directory or glob sorted, so runs are repeatable.
    Raises BatchError for an argument that names nothing.
    """
    exclude = os.path.realpath(outdir) if outdir else None
    seen: set[str] = set()
    found: list[InputFile] = []

    def add(p: str) -> None:
        real = os.path.realpath(p)
        if real in seen or (exclude and (real == exclude or real.startswith(exclude + os.sep))):
            return
        seen.add(real)
        found.append(InputFile(path=os.path.normpath(p), real=real))

    for arg in args:
        if os.path.isfile(arg):
            add(arg)
        elif os.path.isdir(arg):
            for p in _walk(arg, exclude):
                add(p)
        elif _has_magic(arg):
            matches = sorted(glob.glob(arg, recursive=True))
            if not matches:
                raise BatchError(f"no file matches {arg!r}")
            for m in matches:
                if os.path.isdir(m):
                    for p in _walk(m, exclude):
                        add(p)
                elif os.path.isfile(m):
                    add(m)
        else:
            raise BatchError(f"no such file or directory: {arg}")
    if not found:
        raise BatchError("no input files found (looked for " + " ".join(INPUT_SUFFIXES) + ")")
    return found


def sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|\s]+")


def output_stem(inp: InputFile) -> str:
    """``<input stem>.<first 12 hex of its sha256>``: stable across runs, unique per content."""
    name = os.path.basename(inp.path)
    for suffix in INPUT_SUFFIXES:
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
            break
    stem = _UNSAFE.sub("_", display_path(name)).strip("._") or "input"
    return f"{stem[:80]}.{inp.sha256[:12]}"


# ----------------------------------------------------------------------------------------------
# the unit of work (runs in a worker process or on a Dask worker)


def parser_version() -> str:
    from . import __version__

    return __version__


def settings_key(backend: str, ocr: str, grammar_dir: Optional[str], units_file: Optional[str]) -> str:
    """What else decides an output besides the input and the code: reader choices and grammars."""
    from . import resources

    h = hashlib.sha256()
    effective: dict[str, Path] = {}  # file name -> the file the parser will read (override wins)
    with contextlib.suppress(FileNotFoundError):
        effective.update((p.name, p) for p in resources.data_dir("grammars").glob("*.toml"))
    if grammar_dir:
        effective.update((p.name, p) for p in Path(grammar_dir).glob("*.toml"))
    for name in sorted(effective):
        h.update(name.encode() + b"\0" + effective[name].read_bytes() + b"\0")
    if units_file:
        h.update(b"units\0" + Path(units_file).read_bytes())
    return f"backend={backend};ocr={ocr};grammars={h.hexdigest()[:12]}"


_SETUP: dict = {}


def _registry(grammar_dir: Optional[str], units_file: Optional[str]):
    from . import resources

    wanted = Path(grammar_dir) if grammar_dir else None
    if resources.grammar_dir() != wanted:
        resources.set_grammar_dir(grammar_dir)
        _SETUP.clear()
    key = (grammar_dir, units_file)
    if key not in _SETUP:
        from . import units

        _SETUP.clear()
        _SETUP[key] = units.load_registry(units_file) if units_file else None
    return _SETUP[key]


def render_kinds(issue, fmt: str) -> dict[str, str]:
    """kind → text for the requested format (the same bytes `gazette-parse FILE --format` writes)."""
    from .emit import render

    return render(issue, fmt)


def issue_counts(issue) -> dict[str, int]:
    from .model import walk

    clauses = units = targets = 0
    for doc in issue.documents:
        for c in walk(doc.clauses):
            clauses += 1
            units += len(c.lead_units) + len(c.responsible_units)
            targets += len(c.targets)
    return {"documents": len(issue.documents), "clauses": clauses, "units": units,
            "targets": targets, "warnings": len(issue.warnings)}


def convert_one(task: dict) -> dict:
    """Parse and render one input. Never raises: failures come back as data.

    ``task``: path, fmt, backend, ocr, grammar_dir, units_file, max_memory_mb, and optionally
    ``data`` (the file's bytes, when the worker cannot see the file: Dask).
    """
    t0 = time.perf_counter()
    result: dict[str, Any] = {"status": "failed", "error": None, "traceback": None, "outputs": {},
              "counts": {}, "sha256": None}
    try:
        from .errors import GazetteError, NeedsOCR
        from .pipeline import parse

        registry = _registry(task.get("grammar_dir"), task.get("units_file"))
        # the kind of input is said, never guessed: the bytes (Dask) or the path (a local worker)
        source = {"data": task["data"]} if task.get("data") is not None else {"path": task["path"]}
        try:
            issue = parse(**source, backend=task["backend"], ocr=task["ocr"], ocr_jobs=task.get("ocr_jobs", 1),
                          registry=registry, name=display_path(task["path"]))
            result["sha256"] = issue.source.sha256
            result["outputs"] = render_kinds(issue, task["fmt"])
            result["counts"] = issue_counts(issue)
            result["status"] = "ok"
        except NeedsOCR as e:
            result.update(status="needs-ocr", error=str(e))
        except GazetteError as e:
            result.update(status="failed", error=str(e))
    except MemoryError:
        mb = task.get("max_memory_mb")
        result.update(error=f"{task['path']}: out of memory" + (f" (limit {mb} MB)" if mb else ""))
    except RecursionError:
        result.update(error=f"{task['path']}: input nests too deeply (recursion limit)")
    except Exception as e:  # a parser bug must not stop the batch; keep the traceback for a report
        result.update(error=f"{task['path']}: internal error: {type(e).__name__}: {e}",
                      traceback=traceback.format_exc(limit=20))
    result["seconds"] = round(time.perf_counter() - t0, 3)
    return result


# ----------------------------------------------------------------------------------------------
# executors: each yields (task, result) as results arrive


def _die_with_parent() -> None:
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


_CLOSE_IN_CHILD: list[int] = []  # the OUTDIR lock: a worker must not keep it alive


def _worker_main(conn, fn, max_memory_mb, parent_pid) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    _die_with_parent()
    for fd in _CLOSE_IN_CHILD:
        with contextlib.suppress(OSError):
            os.close(fd)
    if max_memory_mb:
        import resource

        limit = int(max_memory_mb) * 1024 * 1024
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    while True:
        try:
            while not conn.poll(1.0):
                if os.getppid() != parent_pid:
                    return
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        result = fn(task)
        try:
            conn.send(result)
        except (OSError, ValueError):
            return


class _Worker:
    def __init__(self, ctx, fn, max_memory_mb):
        self.conn, child = ctx.Pipe(duplex=True)
        self.process = ctx.Process(target=_worker_main, args=(child, fn, max_memory_mb, os.getpid()),
                                   daemon=True)
        self.process.start()
        child.close()
        self.task: Optional[dict] = None
        self.deadline: Optional[float] = None

    def stop(self, kill: bool = False) -> None:
        with contextlib.suppress(Exception):
            if kill:
                self.process.kill()
            else:
                self.conn.send(None)
        self.process.join(1.0 if not kill else 5.0)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(5.0)
        with contextlib.suppress(Exception):
            self.conn.close()


def _failure(task: dict, message: str) -> dict:
    return {"status": "failed", "error": f"{display_path(task['path'])}: {message}", "traceback": None,
            "outputs": {}, "counts": {}, "sha256": None, "seconds": None}


def run_local(tasks: list[dict], jobs: int, timeout: Optional[float], max_memory_mb: Optional[int],
              fn: Callable[[dict], dict] = convert_one) -> Iterator[tuple[dict, dict]]:
    """A pool of ``jobs`` worker processes; a worker past its deadline or dead is replaced."""
    if not tasks:
        return
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    ctx = multiprocessing.get_context(method)
    queue = deque(tasks)
    workers = [_Worker(ctx, fn, max_memory_mb) for _ in range(max(1, min(jobs, len(tasks))))]
    try:
        while queue or any(w.task is not None for w in workers):
            now = time.monotonic()
            for i, w in enumerate(workers):
                if w.task is None and queue:
                    if not w.process.is_alive():  # died between tasks (OOM killer, …): replace it
                        w.stop(kill=True)
                        w = workers[i] = _Worker(ctx, fn, max_memory_mb)
                    w.task = queue.popleft()
                    w.deadline = now + timeout if timeout else None
                    try:
                        w.conn.send(w.task)
                    except OSError:
                        pass  # it died; the sentinel check below replaces it
            busy = [w for w in workers if w.task is not None]
            deadlines = [w.deadline for w in busy if w.deadline is not None]
            wait_for = max(0.0, min(deadlines) - now) + 0.01 if deadlines else None
            ready = multiprocessing.connection.wait(
                [w.conn for w in busy] + [w.process.sentinel for w in busy], timeout=wait_for)
            now = time.monotonic()
            for i, w in enumerate(workers):
                if w.task is None:
                    continue
                task, result, replace = w.task, None, False
                if w.conn in ready or w.process.sentinel in ready:
                    try:
                        if w.conn.poll():
                            result = w.conn.recv()
                    except (EOFError, OSError):
                        result = None
                    if result is None:
                        w.process.join(1.0)
                        code = w.process.exitcode
                        how = (f"killed by signal {-code}" if code is not None and code < 0
                               else f"exit code {code}")
                        hint = f"; memory limit {max_memory_mb} MB?" if max_memory_mb else ""
                        result = _failure(task, f"worker process died ({how}{hint})")
                        replace = True
                elif w.deadline is not None and now >= w.deadline:
                    result = _failure(task, f"timed out after {timeout:g} s")
                    replace = True
                if result is None:
                    continue
                if result.get("error", "") and "out of memory" in (result.get("error") or ""):
                    replace = True  # a MemoryError can leave the interpreter in a poor state
                w.task = w.deadline = None
                if replace:
                    w.stop(kill=True)
                    workers[i] = _Worker(ctx, fn, max_memory_mb)
                yield task, result
    finally:
        for w in workers:
            w.stop(kill=w.task is not None)


def run_dask(tasks: list[dict], scheduler: str, timeout: Optional[float],
             fn: Callable[[dict], dict] = convert_one, client=None) -> Iterator[tuple[dict, dict]]:
    """The same work on a dask.distributed cluster. Inputs travel as bytes (no shared disk needed).

    At most one task per worker thread is in flight, so a task's deadline runs from its submission;
    a task past it is recorded as failed and cancelled (a thread cannot be killed: the cluster's
    own ``--memory-limit`` and nanny restarts are its memory guard).
    """
    if not tasks:
        return
    from distributed import Client, as_completed

    own = client is None
    if own:
        try:
            client = Client(scheduler, timeout=30, set_as_default=False)
        except (OSError, ValueError, TypeError) as e:
            raise BatchError(f"cannot connect to the Dask scheduler {scheduler}: {e}") from None
    try:
        slots = max(1, sum(client.nthreads().values()))
        queue = deque(tasks)
        inflight: dict = {}  # future key -> (future, task, deadline)
        arrived = as_completed(loop=client.loop)
        stuck = 0
        while queue or inflight:
            while queue and len(inflight) < max(1, slots - stuck):
                task = dict(queue.popleft())
                with open(task["path"], "rb") as f:
                    task["data"] = f.read()
                fut = client.submit(fn, task, pure=False, key=f"gazette-parse-{task['sha256'][:16]}-"
                                    f"{os.urandom(4).hex()}")
                public = {k: v for k, v in task.items() if k != "data"}
                inflight[fut.key] = (fut, public, time.monotonic() + timeout if timeout else None)
                arrived.add(fut)
            done = arrived.next_batch(block=False) if not arrived.is_empty() else []
            for fut in done:
                if fut.key not in inflight:
                    continue  # one we gave up on (timed out)
                _f, public, _d = inflight.pop(fut.key)
                try:
                    result = fut.result()
                except Exception as e:  # KilledWorker (memory), lost connection, …
                    result = _failure(public, f"dask: {type(e).__name__}: {e}")
                yield public, result
            now = time.monotonic()
            for key, (fut, public, deadline) in list(inflight.items()):
                if deadline is not None and now >= deadline:
                    del inflight[key]
                    fut.cancel()
                    stuck += 1
                    yield public, _failure(public, f"timed out after {timeout:g} s")
            if not done:
                time.sleep(0.02)
    finally:
        if own:
            client.close()


# ----------------------------------------------------------------------------------------------
# the manifest


_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS inputs (
    path TEXT PRIMARY KEY,          -- resolved absolute path of the input
    given TEXT NOT NULL,            -- the path as given (what outputs record as source.path)
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime_ns INTEGER,
    status TEXT NOT NULL CHECK (status IN ('ok', 'failed', 'needs-ocr')),
    error TEXT,
    documents INTEGER, clauses INTEGER, units INTEGER, targets INTEGER, warnings INTEGER,
    parser_version TEXT NOT NULL,
    settings TEXT NOT NULL,
    seconds REAL,
    outputs TEXT,                   -- JSON object: kind -> file name in OUTDIR
    same_as TEXT,                   -- another input with the same content that was converted
    pending TEXT,                   -- JSON [[tmp, final], ...] while renames are in flight
    traceback TEXT                  -- for internal errors (a parser bug): include it in a report
);
CREATE INDEX IF NOT EXISTS inputs_sha ON inputs (sha256, parser_version, settings);
"""

COLUMNS = ("path", "given", "sha256", "size", "mtime_ns", "status", "error", "documents", "clauses",
           "units", "targets", "warnings", "parser_version", "settings", "seconds", "outputs",
           "same_as", "pending", "traceback")


class Manifest:
    """OUTDIR/manifest.sqlite: one row per input (see the module docstring for the protocol)."""

    def __init__(self, outdir: Path):
        self.outdir = Path(outdir)
        self.path = self.outdir / MANIFEST_NAME
        try:
            self.conn = sqlite3.connect(self.path, isolation_level=None, timeout=30)
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=FULL")
            self.conn.executescript(_SCHEMA)
            app = self.conn.execute("SELECT value FROM meta WHERE key='application'").fetchone()
            if app is None:
                self.conn.execute("INSERT OR IGNORE INTO meta VALUES ('application', 'gazette-parser batch')")
                self.conn.execute("INSERT OR IGNORE INTO meta VALUES ('manifest_version', ?)",
                                  (MANIFEST_VERSION,))
            elif app[0] != "gazette-parser batch":
                raise BatchError(f"{self.path} is not a gazette-parser batch manifest")
        except sqlite3.DatabaseError as e:
            raise BatchError(f"{self.path}: cannot use as manifest: {e}") from None

    def close(self) -> None:
        self.conn.close()

    def row(self, real: str) -> Optional[sqlite3.Row]:
        return self.conn.execute("SELECT * FROM inputs WHERE path=?", (display_path(real),)).fetchone()

    def rows(self) -> list[dict]:
        return [dict(r) for r in self.conn.execute("SELECT * FROM inputs ORDER BY path")]

    def done_row(self, inp: InputFile, version: str, settings: str, kinds: Iterable[str]) -> Optional[sqlite3.Row]:
        """A finished conversion of this content whose requested outputs all exist, if any."""
        rows = self.conn.execute(
            "SELECT * FROM inputs WHERE sha256=? AND parser_version=? AND settings=? AND status IN "
            "('ok','needs-ocr') AND pending IS NULL ORDER BY (path = ?) DESC, path",
            (inp.sha256, version, settings, display_path(inp.real))).fetchall()
        for r in rows:
            if r["status"] == "needs-ocr":
                return r
            outputs = json.loads(r["outputs"] or "{}")
            if all(k in outputs and plain_name(outputs[k]) and (self.outdir / outputs[k]).is_file()
                   for k in kinds):
                return r
        return None

    def upsert(self, values: dict) -> None:
        cols = ", ".join(COLUMNS)
        marks = ", ".join("?" for _ in COLUMNS)
        self.conn.execute(f"INSERT OR REPLACE INTO inputs ({cols}) VALUES ({marks})",
                          tuple(values.get(c) for c in COLUMNS))

    def recover(self) -> int:
        """Finish what a killed run left: complete committed renames, delete stray temporaries.

        Only renames of one of our hidden temporaries to a plain name inside OUTDIR are carried
        out: a pending list naming ../, an absolute path or any other file (a damaged or hostile
        manifest) is dropped, and the row's outputs are then missing, so the input is converted
        again. Nothing outside OUTDIR is ever moved.
        """
        fixed = 0
        for r in self.conn.execute("SELECT path, pending FROM inputs WHERE pending IS NOT NULL").fetchall():
            for tmp, final in _pending_pairs(r["pending"]):
                t, f = self.outdir / tmp, self.outdir / final
                if t.is_file() and not t.is_symlink():
                    os.replace(t, f)
            _fsync_dir(self.outdir)
            self.conn.execute("UPDATE inputs SET pending=NULL WHERE path=?", (r["path"],))
            fixed += 1
        for p in self.outdir.glob(".*.tmp"):
            with contextlib.suppress(OSError):
                p.unlink()
        return fixed


def _pending_pairs(text: Optional[str]) -> list[tuple[str, str]]:
    """The (temporary, final) renames of a manifest row that are safe to carry out."""
    try:
        pairs = json.loads(text or "[]")
    except ValueError:
        return []
    out = []
    for pair in pairs if isinstance(pairs, list) else []:
        if not (isinstance(pair, list) and len(pair) == 2):
            continue
        tmp, final = pair
        if (plain_name(tmp) and plain_name(final) and tmp.startswith(".") and tmp.endswith(".tmp")
                and not final.startswith(".") and final != MANIFEST_NAME
                and final.endswith(tuple(KIND_SUFFIX.values()))):
            out.append((tmp, final))
    return out


def _fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# ----------------------------------------------------------------------------------------------
# the run


@dataclass
class Summary:
    total: int = 0
    converted: int = 0
    skipped: int = 0
    failed: int = 0
    needs_ocr: int = 0
    warnings: int = 0
    seconds: float = 0.0
    failures: list[tuple[str, str]] = field(default_factory=list)  # (path, message)
    recovered: int = 0

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0

    def line(self) -> str:
        rate = self.processed / self.seconds if self.seconds > 0 else 0.0
        return (f"{self.total} inputs: converted {self.converted}, skipped {self.skipped}, "
                f"failed {self.failed}, needs-ocr {self.needs_ocr}, warnings {self.warnings} "
                f"({self.seconds:.1f} s, {rate:.2f} files/s)")

    @property
    def processed(self) -> int:
        return self.converted + self.failed + self.needs_ocr


@dataclass
class BatchOptions:
    fmt: str = "json"
    jobs: Optional[int] = None
    force: bool = False
    executor: str = "local"
    scheduler: Optional[str] = None
    timeout: Optional[float] = 600.0
    max_memory_mb: Optional[int] = 4096
    backend: str = "auto"
    ocr: str = "auto"
    grammar_dir: Optional[str] = None
    units_file: Optional[str] = None
    progress: Optional[bool] = None  # None: when stderr is a terminal


class _Lock:
    """An exclusive lock on OUTDIR (released by the OS even on kill -9)."""

    def __init__(self, outdir: Path):
        import fcntl

        self.f = open(outdir / ".lock", "a+")
        try:
            fcntl.flock(self.f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self.f.close()
            raise BatchError(f"another batch is running on {outdir}") from None
        _CLOSE_IN_CHILD.append(self.f.fileno())

    def release(self) -> None:
        with contextlib.suppress(ValueError):
            _CLOSE_IN_CHILD.remove(self.f.fileno())
        self.f.close()


def validate(opts: BatchOptions) -> None:
    if opts.fmt not in FORMAT_KINDS:
        raise BatchError(f"unknown format {opts.fmt!r} (choose {', '.join(FORMAT_KINDS)})")
    if opts.jobs is not None and opts.jobs < 1:
        raise BatchError("--jobs must be at least 1")
    if opts.executor not in ("local", "dask"):
        raise BatchError(f"unknown executor {opts.executor!r}")
    if opts.executor == "dask" and not opts.scheduler:
        raise BatchError("--executor dask needs --scheduler tcp://HOST:PORT")
    if opts.executor == "local" and opts.scheduler:
        raise BatchError("--scheduler is only used with --executor dask")
    if opts.timeout is not None and opts.timeout < 0:
        raise BatchError("--timeout must be positive (0 turns it off)")
    if opts.max_memory_mb is not None and opts.max_memory_mb < 0:
        raise BatchError("--max-memory must be positive (0 turns it off)")


def _open_outdir(outdir: Path) -> None:
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise BatchError(f"cannot create {outdir}: {e.strerror or e}") from None


def _checksums(files: list[InputFile], manifest: Manifest, summary: Summary, version: str,
               settings: str) -> list[InputFile]:
    """The inputs that can be read, each with its sha256 (reused from the manifest while size and
    mtime are unchanged); an unreadable one is recorded as failed."""
    readable: list[InputFile] = []
    unreadable: list[tuple[InputFile, str]] = []
    for inp in files:
        try:
            st = os.stat(inp.real)
            inp.size, inp.mtime_ns = st.st_size, st.st_mtime_ns
            old = manifest.row(inp.real)
            if old is not None and old["size"] == inp.size and old["mtime_ns"] == inp.mtime_ns:
                inp.sha256 = old["sha256"]
            else:
                inp.sha256 = sha256_file(inp.real)
            readable.append(inp)
        except OSError as e:
            unreadable.append((inp, f"{display_path(inp.path)}: cannot read: {e.strerror or e}"))
    for inp, message in unreadable:
        _record_failure(manifest, inp, message, version, settings)
        summary.failed += 1
        summary.failures.append((display_path(inp.path), message))
    return readable


def _pending(readable: list[InputFile], manifest: Manifest, opts: BatchOptions, summary: Summary,
             version: str, settings: str) -> dict[str, list[InputFile]]:
    """What is not done yet, grouped by content: one conversion per distinct sha256."""
    kinds = FORMAT_KINDS[opts.fmt]
    groups: dict[str, list[InputFile]] = {}
    for inp in readable:
        done = None if opts.force else manifest.done_row(inp, version, settings, kinds)
        if done is not None:
            if done["path"] != display_path(inp.real):
                _record_copy(manifest, inp, done)
            summary.skipped += 1
            if done["status"] == "needs-ocr":
                summary.needs_ocr += 1
            continue
        groups.setdefault(inp.sha256, []).append(inp)
    return groups


def _start(groups: dict[str, list[InputFile]], opts: BatchOptions, executor_fn: Optional[Callable]):
    """One task per group, handed to the executor; its results come back as they finish."""
    jobs = opts.jobs or _cores()
    # The job budget: a scanned file's OCR pages share the cores the other workers leave free.
    ocr_jobs = 1 if opts.executor == "dask" else max(1, _cores() // jobs)
    tasks = [{"path": g[0].path, "sha256": sha, "fmt": opts.fmt, "backend": opts.backend,
              "ocr": opts.ocr, "ocr_jobs": ocr_jobs, "grammar_dir": opts.grammar_dir, "units_file": opts.units_file,
              "max_memory_mb": opts.max_memory_mb or None} for sha, g in groups.items()]
    timeout = opts.timeout or None
    if executor_fn is not None:
        return tasks, executor_fn(tasks)
    if opts.executor == "dask":
        return tasks, run_dask(tasks, opts.scheduler, timeout)
    return tasks, run_local(tasks, jobs, timeout, opts.max_memory_mb or None)


def _collect(tasks: list, results, groups: dict[str, list[InputFile]], manifest: Manifest, outdir: Path,
             summary: Summary, version: str, settings: str, opts: BatchOptions) -> None:
    """Record each result as it arrives (outputs published, manifest row committed)."""
    bar = _progress(len(tasks), opts.progress)
    try:
        for task, result in results:
            group = groups[task["sha256"]]
            result = _record_result(manifest, outdir, group, result, version, settings)
            status = result["status"]
            if status == "ok":
                summary.converted += len(group)
                summary.warnings += result["counts"].get("warnings", 0)
            elif status == "needs-ocr":
                summary.needs_ocr += len(group)
            else:
                summary.failed += len(group)
                for inp in group:
                    summary.failures.append((display_path(inp.path), result["error"] or "failed"))
            if bar is not None:
                bar.update(1)
                bar.set_postfix(failed=summary.failed, refresh=False)
    finally:
        if bar is not None:
            bar.close()
        close = getattr(results, "close", None)
        if close:
            close()


def run_batch(inputs: Iterable[str], outdir, opts: Optional[BatchOptions] = None,
              executor_fn: Optional[Callable] = None, echo: Callable[[str], None] = print) -> Summary:
    """Convert ``inputs`` into ``outdir``; returns the summary (raises BatchError for bad args)."""
    # a fresh BatchOptions per call: it is a mutable dataclass, so one shared default could leak
    opts = opts if opts is not None else BatchOptions()
    validate(opts)
    outdir = Path(outdir)
    if outdir.exists() and not outdir.is_dir():
        raise BatchError(f"output directory {outdir} is a file")
    files = collect_inputs(list(inputs), str(outdir))
    _open_outdir(outdir)
    lock = _Lock(outdir)
    manifest = Manifest(outdir)
    t0 = time.monotonic()
    summary = Summary(total=len(files))
    try:
        summary.recovered = manifest.recover()
        version = parser_version()
        settings = settings_key(opts.backend, opts.ocr, opts.grammar_dir, opts.units_file)
        readable = _checksums(files, manifest, summary, version, settings)
        groups = _pending(readable, manifest, opts, summary, version, settings)
        tasks, results = _start(groups, opts, executor_fn)
        _collect(tasks, results, groups, manifest, outdir, summary, version, settings, opts)
    finally:
        summary.failures.sort()
        summary.seconds = time.monotonic() - t0
        manifest.close()
        lock.release()
    return summary


def _cores() -> int:
    """The cores this process may use (its CPU affinity), else the machine's."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _progress(total: int, enabled: Optional[bool]):
    if total == 0:
        return None
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled:
        return None
    import tqdm

    tqdm.tqdm.monitor_interval = 0  # no monitor thread (workers are forked)
    return tqdm.tqdm(total=total, unit="file", dynamic_ncols=True, file=sys.stderr,
                     bar_format="{l_bar}{bar}| {n_fmt}/{total_fmt} [{elapsed}<{remaining}, "
                                "{rate_fmt}{postfix}]")


def _base_values(inp: InputFile, version: str, settings: str) -> dict:
    return {"path": display_path(inp.real), "given": display_path(inp.path), "sha256": inp.sha256, "size": inp.size,
            "mtime_ns": inp.mtime_ns, "parser_version": version, "settings": settings}


def _record_failure(manifest: Manifest, inp: InputFile, message: str, version: str, settings: str) -> None:
    values = _base_values(inp, version, settings)
    values.update(status="failed", error=display_path(message), sha256=inp.sha256 or "")
    manifest.upsert(values)


def _record_copy(manifest: Manifest, inp: InputFile, done: sqlite3.Row) -> None:
    values = dict(done)
    values.update(path=display_path(inp.real), given=display_path(inp.path), size=inp.size, mtime_ns=inp.mtime_ns,
                  same_as=done["same_as"] or done["path"], seconds=0.0)
    manifest.upsert(values)


def _record_result(manifest: Manifest, outdir: Path, group: list[InputFile], result: dict,
                   version: str, settings: str) -> dict:
    first = group[0]
    parsed = result.get("sha256")
    changed: list[InputFile] = []
    if parsed and parsed != first.sha256:
        # The first input was edited after it was hashed: what was parsed is the new content, so
        # it is recorded under the hash of the bytes parsed (its old size/mtime make the next run
        # hash it again). The other inputs of the group still hold the old content, which was not
        # parsed: they are recorded as failed and converted on the next run.
        first = InputFile(path=first.path, real=first.real, size=first.size, mtime_ns=first.mtime_ns,
                          sha256=parsed)
        group, changed = [first], group[1:]
    stem = output_stem(first)
    outputs = {kind: stem + KIND_SUFFIX[kind] for kind in result.get("outputs", {})}
    pending = []
    try:
        for kind, body in result.get("outputs", {}).items():
            pending.append([stage_file(outdir, outputs[kind], body).name, outputs[kind]])
    except OSError as e:  # disk full, permissions: this input fails, the batch goes on
        for tmp, _final in pending:
            with contextlib.suppress(OSError):
                (outdir / tmp).unlink()
        result = _failure({"path": first.path}, f"cannot write output: {e.strerror or e}")
        outputs, pending = {}, []
    counts = result.get("counts") or {}
    conn = manifest.conn
    conn.execute("BEGIN IMMEDIATE")
    try:
        for i, inp in enumerate(group):
            values = _base_values(inp, version, settings)
            values.update(status=result["status"], error=result.get("error"),
                          traceback=result.get("traceback"), seconds=result.get("seconds") if i == 0 else 0.0,
                          outputs=json.dumps(outputs, ensure_ascii=False, sort_keys=True) if outputs else None,
                          same_as=None if i == 0 else display_path(first.real),
                          pending=json.dumps(pending, ensure_ascii=False) if (pending and i == 0) else None,
                          **{k: counts.get(k) for k in ("documents", "clauses", "units", "targets", "warnings")})
            manifest.upsert(values)
        for inp in changed:
            values = _base_values(inp, version, settings)
            values.update(status="failed", error=f"{display_path(first.path)} changed while the batch "
                          "read it; this copy of its old content is converted on the next run")
            manifest.upsert(values)
        conn.execute("COMMIT")
    except BaseException as e:
        if conn.in_transaction:  # SQLite may already have rolled back (disk full)
            conn.execute("ROLLBACK")
        if pending and _committed(conn, first, pending):
            # Ctrl-C landed just after COMMIT returned: the rows stand, so their outputs must too
            _publish(outdir, conn, first, pending)
        else:
            for tmp, _final in pending:
                with contextlib.suppress(OSError):
                    (outdir / tmp).unlink()
        if isinstance(e, sqlite3.DatabaseError):
            raise BatchError(f"cannot write the manifest {manifest.path}: {e}") from None
        raise
    if pending:
        _publish(outdir, conn, first, pending)
    return result


def _committed(conn: sqlite3.Connection, first: "InputFile", pending: list) -> bool:
    """Whether the manifest holds ``first``'s row with exactly these pending renames."""
    try:
        row = conn.execute("SELECT pending FROM inputs WHERE path=?", (display_path(first.real),)).fetchone()
    except sqlite3.DatabaseError:
        return False
    return row is not None and row[0] == json.dumps(pending, ensure_ascii=False)


def _publish(outdir: Path, conn: sqlite3.Connection, first: "InputFile", pending: list) -> None:
    """Rename the committed temporaries into place, then clear the row's pending list."""
    for tmp, final in pending:
        os.replace(outdir / tmp, outdir / final)
    _fsync_dir(outdir)
    with contextlib.suppress(sqlite3.DatabaseError):  # still pending: the next run finishes it
        conn.execute("UPDATE inputs SET pending=NULL WHERE path=?", (display_path(first.real),))


def read_manifest(outdir) -> list[dict]:
    """Every manifest row (for scripts and tests)."""
    path = Path(outdir) / MANIFEST_NAME
    conn = sqlite3.connect(sqlite_uri(path, "ro"), uri=True)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute("SELECT * FROM inputs ORDER BY path")]
    finally:
        conn.close()
