"""words: Chinese word segmentation (jieba) for word-level search in the index.

    >>> from gazette_parser.words import segment, cut
    >>> segment("由市住房城乡建委牵头")       # search mode, space-joined: what the index stores
    '由 住房 城乡 建委 市住房城乡建委 牵头'   # (the dictionary words inside a long word come first)
    >>> cut("市住房城乡建委")                 # precise mode: how a query term is read
    ['市住房城乡建委']

The index's trigram table finds substrings of three or more characters; most Chinese words have
one or two (就业, 住房, 养老), so word search needs segmentation. ``segment`` runs jieba in search
mode (``cut_for_search``: every word, then the dictionary words inside long words) and joins the
tokens with spaces; FTS5's ``unicode61`` tokenizer then indexes them as words (punctuation, which
jieba gives as tokens of its own, is dropped as separators). A query term that jieba reads as a
single word (``cut``) is looked up as that word in the word table; everything else goes to the
trigram index (see query.py).

jieba's dictionary is extended with the gazette vocabulary (grammars/words.toml), the unit
registry's names (grammars/units.toml: canonical names, full names, aliases) and the 文种 list
(grammars/document.toml), so that 市住房城乡建委 or 第三条 stay one word. The tokenizer is built
lazily, once per process, only when segmentation is first needed (importing this module loads no
dictionary); jieba's prefix-dictionary cache goes to the user cache directory
($XDG_CACHE_HOME/gazette-parser, by default ~/.cache/gazette-parser), never the working directory.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import threading
from pathlib import Path
from typing import Optional

_lock = threading.Lock()
_tokenizer = None


def cache_dir() -> Path:
    """Where jieba's dictionary cache lives: the user cache directory, not the working directory."""
    try:
        from platformdirs import user_cache_dir

        base = Path(user_cache_dir("gazette-parser", appauthor=False))
    except ImportError:  # pragma: no cover - platformdirs is nearly always there
        root = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        base = Path(root) / "gazette-parser"
    if os.environ.get("XDG_CACHE_HOME"):
        base = Path(os.environ["XDG_CACHE_HOME"]) / "gazette-parser"
    return base


def user_words() -> dict[str, int]:
    """The words added to jieba's dictionary, with their frequencies (sorted, deterministic)."""
    from .numerals import to_chinese
    from .resources import load_grammar

    g = load_grammar("words.toml")
    # every key is required (resources.REQUIRED_KEYS): a words.toml without them is a mistake
    freq = int(g["freq"])
    words: set[str] = set(g["vocabulary"])
    for w in g["structure_words"]:
        for n in range(1, int(g["max_ordinal"]) + 1):
            words.add(f"第{to_chinese(n)}{w}")
    words.update(load_grammar("document.toml").get("doc_type", {}).get("types", []))
    try:
        from .units import load_registry

        reg = load_registry()
        words.update(reg.canonicals)
        words.update(reg.aliases)
        words.update(reg.aliases.values())
    except Exception:  # a registry that cannot load must not stop segmentation
        pass
    return {w: freq for w in sorted(words) if w and not any(ch.isspace() for ch in w)}


def tokenizer():
    """The process's jieba Tokenizer with the user dictionary loaded (built on first use)."""
    global _tokenizer
    if _tokenizer is not None:
        return _tokenizer
    with _lock:
        if _tokenizer is None:
            import jieba

            jieba.setLogLevel(logging.WARNING)  # no "Building prefix dict…" on stderr
            tk = jieba.Tokenizer()
            d = cache_dir()
            try:
                d.mkdir(parents=True, exist_ok=True)
                tk.tmp_dir = str(d)
            except OSError:  # an unwritable home: jieba falls back to the system temp directory
                pass
            tk.initialize()
            for w, f in user_words().items():
                tk.add_word(w, f)
            _tokenizer = tk
    return _tokenizer


#: Where a text is cut into pieces before segmenting: after sentence punctuation and line ends.
#: None of these characters is in jieba's block pattern (re_han_default), so jieba itself splits
#: blocks there and segments each block alone: the pieces' tokens, joined, are the text's tokens.
_PIECE = re.compile(r"(?<=[。；！？\n])")
#: How many distinct pieces are remembered (about 60 characters each, so a few tens of MB at most).
PIECE_CACHE = 1 << 17


@functools.lru_cache(maxsize=PIECE_CACHE)
def _segment_piece(piece: str) -> str:
    return " ".join(t for t in tokenizer().cut_for_search(piece, HMM=True) if t.strip())


def segment(text: Optional[str]) -> str:
    """Search-mode tokens of ``text`` joined by single spaces ('' for no text).

    The text is segmented sentence by sentence and each distinct sentence only once per process
    (an LRU cache keyed by the sentence): archives repeat their boilerplate (addressees, "现将…印发
    给你们", closing formulas) from issue to issue, and jieba costs about 2.5 µs per character.
    The result is the same as segmenting the whole text at once (see ``_PIECE``).
    """
    if not text:
        return ""
    return " ".join(s for s in map(_segment_piece, _PIECE.split(text)) if s)


def cut(text: str) -> list[str]:
    """Precise-mode tokens of ``text`` (how a query term is read), whitespace tokens dropped."""
    return [t for t in tokenizer().cut(text, HMM=True) if t.strip()]


def is_word(term: str) -> bool:
    """True when jieba reads ``term`` as one word (then word search can look it up)."""
    toks = cut(term)
    return len(toks) == 1 and toks[0] == term and any(ch.isalnum() for ch in term)


__all__ = ["segment", "cut", "is_word", "tokenizer", "user_words", "cache_dir"]
