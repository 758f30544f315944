"""chars: the character-level primitives every stage shares, each defined once.

- **Han.** ``HAN`` is the character class of Unicode's Script=Han (what ``regex``'s ``\\p{Han}``
  matches: the CJK unified ideographs and their extensions, compatibility ideographs, radicals,
  々 and 〇), written as ranges so that the standard ``re`` module can use it too. ``CJK_UNIFIED``
  is the basic block alone (U+4E00–U+9FFF): the bigram table of the text-quality check was counted
  over it, so that check keeps to it. ``is_cjk`` is wider: Han plus the CJK and full-width
  punctuation that Chinese text sets between them (clean's line joins and spacing rules).
- **Spaces.** ``squeeze`` removes the whitespace that line breaks and letter-spacing leave in a
  title or a name (国 务 院 → 国务院) and keeps one space between two ASCII words; ``fold`` is the
  comparison key of two printings of one string (NFKC, no whitespace); ``folded_with_map`` is
  ``fold`` with each folded character's offset, for searching folded text and reporting a span in
  the original. (clean's ``squeeze_spaces`` is the layout rule of the clean stage, not a key: it
  keeps wide gaps between side-by-side cells.)
- **Byte order marks.** ``split_bom`` says which encoding a BOM announces and strips it, for the
  text and HTML readers and the format sniffer.
- **Unit names.** ``unit_key`` is the lookup key of a unit name, shared by the registry (units.py)
  and the index's alias table, so a name found by one is found by the other.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from typing import Optional

# Script=Han as ranges (Unicode 15.1, as the `regex` module reports it).
_HAN_RANGES = (
    (0x2E80, 0x2E99), (0x2E9B, 0x2EF3), (0x2F00, 0x2FD5), (0x3005, 0x3005), (0x3007, 0x3007),
    (0x3021, 0x3029), (0x3038, 0x303B), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFA6D),
    (0xFA70, 0xFAD9), (0x16FE2, 0x16FE3), (0x16FF0, 0x16FF6), (0x20000, 0x2A6DF), (0x2A700, 0x2B81D),
    (0x2B820, 0x2CEAD), (0x2CEB0, 0x2EBE0), (0x2EBF0, 0x2EE5D), (0x2F800, 0x2FA1D), (0x30000, 0x3134A),
    (0x31350, 0x323AF),
)
HAN = "".join(f"{chr(a)}-{chr(b)}" if a != b else chr(a) for a, b in _HAN_RANGES)
CJK_UNIFIED = "\u4e00-\u9fff"

HAN_RX = re.compile(f"[{HAN}]")

# Han plus the punctuation Chinese text sets between Han characters: general punctuation
# (‐ … “ ” —), CJK symbols and punctuation, vertical and small forms, full-width forms, and the
# middle dot; used where a rule asks "is this Chinese text?" rather than "is this a character?".
_CJK_RANGES = (
    (0xB7, 0xB7), (0x2010, 0x2027), (0x2E80, 0x2FDF), (0x3000, 0x303F), (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0xFE30, 0xFE4F), (0xFF00, 0xFFEF), (0x20000, 0x323AF),
)
CJK = "".join(f"{chr(a)}-{chr(b)}" if a != b else chr(a) for a, b in _CJK_RANGES)
_CJK_RX = re.compile(f"[{CJK}]")


# Per-character answers, remembered: the clean stage asks for every character of a page.
_IS_HAN: dict[str, bool] = {}
_IS_CJK: dict[str, bool] = {}


def is_han(ch: str) -> bool:
    """Is the first character of ``ch`` a Han character? ("" is not.)"""
    hit = _IS_HAN.get(ch[:1])
    if hit is None:
        hit = _IS_HAN[ch[:1]] = HAN_RX.match(ch[:1]) is not None
    return hit


def is_cjk(ch: str) -> bool:
    """Is the first character of ``ch`` Han or CJK punctuation? ("" is not.)"""
    hit = _IS_CJK.get(ch[:1])
    if hit is None:
        hit = _IS_CJK[ch[:1]] = _CJK_RX.match(ch[:1]) is not None
    return hit


def has_han(s: str) -> bool:
    return HAN_RX.search(s) is not None


def count_han(s: str) -> int:
    return len(HAN_RX.findall(s)) if s else 0


_SPACE_RUN = re.compile(r"\s+")


def squeeze(s: str) -> str:
    """Remove whitespace that comes from line breaks or letter-spacing: every run of spaces
    touching a non-ASCII character goes; between two ASCII words one space stays."""

    def repl(m):
        a = s[m.start() - 1] if m.start() > 0 else ""
        b = s[m.end()] if m.end() < len(s) else ""
        if a and b and a.isascii() and b.isascii() and (a.isalnum() or a in ".,;:)") and b.isalnum():
            return " "
        return ""

    return _SPACE_RUN.sub(repl, s).strip()


def fold(s: str) -> str:
    """A comparison key: NFKC, no whitespace (so 〔〕/（）/full-width digits compare equal)."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", s) if not ch.isspace())


_FOLDED: dict[str, str] = {}


def _fold_char(ch: str) -> str:
    f = _FOLDED.get(ch)
    if f is None:
        f = _FOLDED[ch] = "".join(x for x in unicodedata.normalize("NFKC", ch) if not x.isspace())
    return f


def folded_with_map(s: str, start: int, end: int) -> tuple[str, "array[int]"]:
    """``fold`` of ``s[start:end]`` plus, for each folded character, its offset in ``s``.

    Each character folds on its own, so the text is copied in runs: only the characters NFKC
    changes (or whitespace, which goes) are looked at one by one.
    """
    seg = s[start:end]
    special = {ch: f for ch in set(seg) if (f := _fold_char(ch)) != ch}
    # A character that folds to one other character (，→, ０→0) keeps every offset: those are
    # replaced in the whole text at once (str.replace in C; a fold is never itself folded again), and
    # only the ones that vanish (whitespace) or grow are copied around one by one below.
    for ch, f in special.items():
        if len(f) == 1:
            seg = seg.replace(ch, f)
    special = {ch: f for ch, f in special.items() if len(f) != 1}
    if not special:
        return seg, array("i", range(start, end))
    rx = re.compile("[" + "".join(re.escape(ch) for ch in sorted(special)) + "]+")
    out: list[str] = []
    where = array("i")
    pos = 0
    for m in rx.finditer(seg):
        a, b = m.span()
        out.append(seg[pos:a])
        where.extend(range(start + pos, start + a))
        for k in range(a, b):
            f = special[seg[k]]
            if f:
                out.append(f)
                where.extend([start + k] * len(f))
        pos = b
    out.append(seg[pos:])
    where.extend(range(start + pos, end))
    return "".join(out), where


_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


def split_bom(data: bytes) -> tuple[Optional[str], bytes]:
    """(the encoding a byte order mark announces, the bytes after it), or (None, data)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding, data[len(bom):]
    return None, data


# Spaces of every width, and the zero-width space, that PDF text layers put inside names.
UNIT_SPACES = frozenset(" \t\r\n\u3000\xa0\u2002\u2003\u200b")
# Every character str.isspace() is true of (Unicode White_Space, and U+001C-U+001F).
_WHITESPACE = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) \
    + "\u2028\u2029\u202f\u205f\u3000"
# One str.translate table (every name looked up goes through it, so no loop in Python): spaces go;
# half-width brackets become full-width; the GB2312 row-1 punctuation that fonts with a raw-GB
# cmap leak as Yi syllables (U+A3AC ，, U+A3AE 。, U+A3BB ；) becomes what it is.
_UNIT_KEY = str.maketrans({**{ch: None for ch in UNIT_SPACES | set(_WHITESPACE)},
                           "(": "（", ")": "）", "\uA3AC": "，", "\uA3AE": "。", "\uA3BB": "；"})


def unit_key(name: str) -> str:
    """The lookup key of a unit name: no spaces, full-width brackets, leaked punctuation repaired."""
    return name.translate(_UNIT_KEY)
