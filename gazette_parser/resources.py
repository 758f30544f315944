"""Where the data files live: grammars/ and output_schemas/.

In a checkout they sit beside the package; in an installed wheel they are package data inside it
(setup.cfg maps them to gazette_parser/grammars and gazette_parser/output_schemas). Users may point
``--grammar-dir`` at their own copy, which then wins file by file.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import Optional

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

_PKG = Path(__file__).resolve().parent

# Set by the CLI's --grammar-dir; a directory whose files override the bundled ones.
_override_dir: Optional[Path] = None


def data_dir(name: str) -> Path:
    for candidate in (_PKG / name, _PKG.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"data directory {name!r} not found beside {_PKG}")


def set_grammar_dir(path: Optional[str]) -> None:
    global _override_dir
    _override_dir = Path(path) if path else None
    load_grammar.cache_clear()


def grammar_path(filename: str) -> Path:
    if _override_dir is not None and (_override_dir / filename).is_file():
        return _override_dir / filename
    return data_dir("grammars") / filename


@functools.lru_cache(maxsize=None)
def load_grammar(filename: str) -> dict:
    """A grammar file (TOML) as a dict, read once per process. A file that cannot be read or is
    not TOML raises GrammarError (one line naming it), not a traceback."""
    from .errors import GrammarError

    path = grammar_path(filename)
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except tomllib.TOMLDecodeError as e:
        raise GrammarError(f"not a valid grammar (TOML): {e}", file=str(path)) from None
    except (OSError, UnicodeDecodeError) as e:
        raise GrammarError(f"cannot read the grammar: {getattr(e, 'strerror', None) or e}",
                           file=str(path)) from None


def schema_path(filename: str) -> Path:
    return data_dir("output_schemas") / filename
