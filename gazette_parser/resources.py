"""Where the data files live: grammars/ and output_schemas/; and the one grammar loader.

In a checkout they sit beside the package; in an installed wheel they are package data inside it
(setup.cfg maps them to gazette_parser/grammars and gazette_parser/output_schemas). Users may point
``--grammar-dir`` at their own copy, which then wins file by file.

Every stage gets its grammar the same way: ``load_grammar(name)`` for the parsed TOML and
``compiled(name, compile_fn)`` for what a stage builds from it (regexes, tables). Both are cached by
file identity and content: the key is the resolved path, its mtime_ns and size, and a SHA-256 of the
bytes, so switching --grammar-dir back and forth can never hand out rules compiled from another file
(an earlier id()-keyed cache could, when a freed dict's id was reused). To keep the hot path cheap
the file is stat-ed and hashed once per grammar-dir "generation": ``set_grammar_dir`` starts a new
generation, and within one generation the answer for a name is memoised.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from typing import Any, Callable, Optional, Union

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

_PKG = Path(__file__).resolve().parent

# Set by the CLI's --grammar-dir; a directory whose files override the bundled ones.
_override_dir: Optional[Path] = None
_generation = 0

# (resolved path, mtime_ns, size) -> ("path#sha256", parsed dict)
_raw: dict[tuple, tuple[str, dict]] = {}
# (compile_fn, ((name, "path#sha256"), ...)) -> compiled value
_built: dict[tuple, Any] = {}
# fast path within one generation: key -> (generation, value)
_memo: dict[tuple, tuple[int, Any]] = {}


def data_dir(name: str) -> Path:
    for candidate in (_PKG / name, _PKG.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"data directory {name!r} not found beside {_PKG}")


def set_grammar_dir(path: Optional[str]) -> None:
    global _override_dir, _generation
    _override_dir = Path(path) if path else None
    _generation += 1


def grammar_path(filename: str) -> Path:
    if _override_dir is not None and (_override_dir / filename).is_file():
        return _override_dir / filename
    return data_dir("grammars") / filename


def _load(filename: str) -> tuple[str, dict]:
    """(content hash, parsed dict) of the grammar file that ``filename`` names now."""
    from .errors import GrammarError

    hit = _memo.get(("raw", filename))
    if hit is not None and hit[0] == _generation:
        return hit[1]
    path = grammar_path(filename)
    try:
        resolved = path.resolve()
        st = resolved.stat()
        ident = (str(resolved), st.st_mtime_ns, st.st_size)
        entry = _raw.get(ident)
        if entry is None:
            data = resolved.read_bytes()
            sha = hashlib.sha256(data).hexdigest()
            try:
                parsed = tomllib.loads(data.decode("utf-8"))
            except tomllib.TOMLDecodeError as e:
                raise GrammarError(f"not a valid grammar (TOML): {e}", file=str(path)) from None
            entry = (str(resolved) + "#" + sha, parsed)
            _raw[ident] = entry
    except (OSError, UnicodeDecodeError) as e:
        raise GrammarError(f"cannot read the grammar: {getattr(e, 'strerror', None) or e}",
                           file=str(path)) from None
    _memo[("raw", filename)] = (_generation, entry)
    return entry


def load_grammar(filename: str) -> dict:
    """A grammar file (TOML) as a dict (treat it as read-only: it is shared). A file that cannot be
    read, is not TOML or lacks a required key raises GrammarError (one line naming it)."""
    return _load(filename)[1]


Names = Union[str, tuple[str, ...]]


def compiled(filenames: Names, compile_fn: Callable[..., Any]) -> Any:
    """``compile_fn(*dicts)`` for the grammar file(s) named, built once per distinct content.

    ``filenames`` is one name or a tuple of names; ``compile_fn`` gets their parsed dicts in that
    order. The result is shared: callers must not mutate it."""
    names = (filenames,) if isinstance(filenames, str) else tuple(filenames)
    mkey = ("built", compile_fn, names)
    hit = _memo.get(mkey)
    if hit is not None and hit[0] == _generation:
        return hit[1]
    loaded = [_load(n) for n in names]
    bkey = (compile_fn, tuple(zip(names, (sha for sha, _ in loaded))))
    if bkey in _built:
        value = _built[bkey]
    else:
        value = compile_fn(*(d for _, d in loaded))
        _built[bkey] = value
    _memo[mkey] = (_generation, value)
    return value


def schema_path(filename: str) -> Path:
    return data_dir("output_schemas") / filename
