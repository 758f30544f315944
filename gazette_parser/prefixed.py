"""finditer for patterns that open with a short run of ideographs, without trying every ideograph.

A pattern such as the 文号's ``(?P<prefix>\\p{Han}{1,8}?)\\s*[〔（]\\s*(?P<year>\\d{4})…号`` can start at
any ideograph, so ``finditer`` over a whole issue tries up to eight prefix lengths at every one of its
hundreds of thousands of characters before the bracket rules them out — the single most expensive
search of a long issue. ``finditer`` here gives exactly what the pattern's own ``finditer`` gives,
found another way:

1. The rest of the pattern (what follows the ideographs and the blanks) is searched on its own with
   ``overlapped=True`` — every position where it matches. It opens with a bracket, so the regex
   engine skips to the candidates in C.
2. A match of the whole pattern that ends its ideographs at q and its blanks at r needs the rest to
   match at r. Walking back from each such r over blanks (to q) and then over at most ``max``
   ideographs gives the first position a match for it could start at; every start in [that, q) is a
   candidate.
3. The candidates are tried in order with the whole pattern's ``match``, from where the previous
   match ended — so the leftmost, non-overlapping matches come out, with the same groups.

Patterns of another shape (or whose rest could look behind itself, alternate at the top level, or
refer back to the prefix) are searched with their own ``finditer``.
"""

from __future__ import annotations

import functools
from typing import Iterator, Optional

import regex

# The supported opening: a named group of {m,n}? (or {m,n}) ideographs, then optional blanks.
_OPENING = regex.compile(r"\(\?P<\w+>\\p\{Han\}\{(\d+),(\d+)\}\??\)\\s\*")
# Anything in the rest that could make its standalone search differ from its part in the whole.
_UNSAFE = ("|", "(?<", "^", "\\b", "\\B", "\\G", "(?P=", "\\g<", "\\A", "(?r")
_HAN = regex.compile(r"\p{Han}")
_BLANK = regex.compile(r"\s")


@functools.lru_cache(maxsize=32)
def _rest(pattern: str, flags: int) -> Optional[tuple["regex.Pattern", int, int]]:
    """(the pattern after its opening, min and max ideographs), or None when the shortcut does not apply."""
    m = _OPENING.match(pattern)
    if not m:
        return None
    rest = pattern[m.end():]
    lo, hi = int(m.group(1)), int(m.group(2))
    if lo < 1 or hi < lo or not rest or any(u in rest for u in _UNSAFE):
        return None
    try:
        return regex.compile(rest, flags), lo, hi
    except regex.error:
        return None


def finditer(rx: "regex.Pattern", s: str, start: int = 0, end: Optional[int] = None) -> Iterator["regex.Match"]:
    """``rx.finditer(s, start, end)``, the same matches in the same order (see the module docstring)."""
    end = len(s) if end is None else end
    shape = _rest(rx.pattern, rx.flags)
    if shape is None:
        yield from rx.finditer(s, start, end)
        return
    rest, _, hi = shape
    starts: set[int] = set()
    for r in rest.finditer(s, start, end, overlapped=True):
        q = r.start()
        while q > start and _BLANK.match(s, q - 1):
            q -= 1
        p, n = q, 0
        while p > start and n < hi and _HAN.match(s, p - 1):
            p -= 1
            n += 1
        starts.update(range(p, q))
    pos = start
    for p in sorted(starts):
        if p < pos:
            continue
        m = rx.match(s, p, end)
        if m is not None and m.end() > m.start():
            yield m
            pos = m.end()
