"""issue.lexicon: the words and forms of GB/T 9704 read off one line or one string.

Dates (2022年6月25日, 二〇二二年六月二十五日, June 25, 2022), 文号 (渝府发〔2022〕31号) and cited
令 numbers, the 文种 at the end of a title, and the tests a line is put to: could it be a title,
is it a date line, a 版记 line, web-page chrome, running text, a 主送机关, the end of a signature
block. Every pattern comes from grammars/document.toml (issue.grammar).
"""

from __future__ import annotations

from typing import Optional

import regex

from ..chars import has_han, squeeze
from ..model import Span
from ..prefixed import finditer
from .grammar import grammar

_CN_DIGIT = {"〇": 0, "○": 0, "零": 0, "O": 0, "Ｏ": 0, "一": 1, "二": 2, "三": 3, "四": 4,
             "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def _cn_small(s: str) -> Optional[int]:
    """一 … 三十一 as an int."""
    if s.isdigit():
        return int(s)
    if "十" in s:
        a, _, b = s.partition("十")
        tens = _CN_DIGIT.get(a, None) if a else 1
        ones = _CN_DIGIT.get(b, None) if b else 0
        if tens is None or ones is None:
            return None
        return tens * 10 + ones
    return _CN_DIGIT.get(s) if len(s) == 1 else None


def parse_date(s: str) -> Optional[str]:
    """The first date in ``s`` as ISO 8601: 2022年6月25日, 2022 年 6 月 25 日 and
    二〇二二年六月二十五日 all give '2022-06-25'. None when there is no valid date."""
    m = grammar().date.search(s)
    if not m:
        return None
    y = "".join(m.group("y").split())
    year = int(y) if y.isdigit() else (
        int("".join(str(_CN_DIGIT[c]) for c in y)) if all(c in _CN_DIGIT for c in y) else None)
    month, day = _cn_small(m.group("m")), _cn_small(m.group("d"))
    if year is None or month is None or day is None or not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def parse_doc_number(s: str) -> Optional[dict]:
    """Parts of a 文号: '渝府发〔2022〕31号' → {'prefix': '渝府发', 'year': 2022, 'serial': 31};
    a numbered header '中华人民共和国国务院令第707号' → prefix '中华人民共和国国务院令', year None."""
    g = grammar()
    m = g.doc_number.search(s)
    if m:
        return {"prefix": clean_prefix(m.group("prefix")), "year": int(m.group("year")),
                "serial": int(m.group("serial"))}
    m = g.order_one_line.match(s)
    if m:
        return {"prefix": squeeze(m.group("issuer")) + m.group("kind"), "year": None,
                "serial": order_serial(m.group("serial"))}
    return None


def clean_prefix(prefix: str) -> str:
    prefix = squeeze(prefix)
    g = grammar()
    changed = True
    while changed:
        changed = False
        for w in g.prefix_stop:
            if prefix.startswith(w) and len(prefix) > len(w):
                prefix = prefix[len(w):]
                changed = True
                break
    return prefix


def find_doc_numbers(s: str, start: int = 0, end: Optional[int] = None) -> list[tuple[str, Span]]:
    """Every 文号 (and cited 令 number) in ``s[start:end]``: (as printed without spaces, span).
    The span covers the 机关代字 after leading function words (根据, 和 …) are dropped."""
    g = grammar()
    end = len(s) if end is None else end
    out = []
    for m in finditer(g.doc_number, s, start, end):  # the same matches, without trying every ideograph
        prefix = clean_prefix(m.group("prefix"))
        a = _prefix_start(s, m.start(), m.end("prefix"), prefix)
        out.append((squeeze(s[a:m.end()]), (a, m.end())))
    for m in g.order_cited.finditer(s, start, end):
        issuer = clean_prefix(m.group("issuer"))
        a = _prefix_start(s, m.start(), m.end("issuer"), issuer)
        out.append((squeeze(s[a:m.end()]), (a, m.end())))
    out.sort(key=lambda x: x[1])
    return out


def _prefix_start(s: str, lo: int, hi: int, cleaned: str) -> int:
    """Offset in s[lo:hi] where the (space-free) ``cleaned`` tail begins."""
    need = len(cleaned)
    i = hi
    while i > lo and need > 0:
        i -= 1
        if not s[i].isspace():
            need -= 1
    return i


def doc_type_of(title: str) -> Optional[str]:
    """文种 from the end of a title: …的通知 → 通知; …办法（试行） → 办法; 复函 → 函."""
    g = grammar()
    t = squeeze(title)
    t = regex.sub(r"(?:[（(][^（）()]{0,20}[）)]\s*)+$", "", t).rstrip("》」”\"' ")
    for dt in g.doc_types:
        if t.endswith(dt):
            return g.doc_type_alias.get(dt, dt)
    return None


def order_serial(printed: str) -> int:
    """A 令 number as printed: 707, or in Chinese numerals (主席令第六十六号 → 66)."""
    from ..numerals import parse_number

    return int(printed) if printed.isdecimal() else int(parse_number(printed))


_MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"], 1)}


def english_date(s: str) -> Optional[str]:
    m = regex.match(r"([A-Za-z]+)\.?\s+(\d{1,2}),\s*(\d{4})", s)
    if not m:
        return None
    month = next((v for k, v in _MONTHS.items() if k.startswith(m.group(1).lower()[:3])), None)
    if month is None:
        return None
    return f"{int(m.group(3)):04d}-{month:02d}-{int(m.group(2)):02d}"


def is_banji(line: str) -> bool:
    """A 版记 line: 公开方式：…, 抄送：…, "…办公室 2026年4月24日印发"."""
    return any(p.match(line) for p in grammar().banji)


def is_date_line(line: str) -> bool:
    return grammar().date_line.match(line) is not None


def is_title_line(line: str, max_line: Optional[int] = None) -> bool:
    """Could this line be (part of) a document title? (``max_line`` overrides the grammar's length
    limit: a law's title followed by its history may be one long line of eight joint issuers.)"""
    g = grammar()
    t = line.strip()
    if not t or len(t) > (max_line or g.title_max_line) or not has_han(t):
        return False
    if g.body_chars.search(t) or is_date_line(t):
        return False
    if g.doc_number_line.match(t) or g.order_number.match(t):
        return False
    if any(p.search(t) for p in g.not_title):
        return False
    if any(p.match(t) for p in g.sig_trailer) or is_banji(t):
        return False
    return True


def is_strong_title(title: str) -> bool:
    """A title by its shape: ends in a 文种 (…的通知, …办法) or reads 关于….
    A bare 文种 (a single word like 通知) is not enough."""
    t = squeeze(title)
    if len(t) < 4:
        return False
    return doc_type_of(t) is not None or "关于" in t


def is_skip(line: str) -> bool:
    """Web-page chrome (发布日期：… 浏览次数) that may sit inside a document's head."""
    return any(p.match(line) for p in grammar().skip)


def body_like(line: str) -> bool:
    """A paragraph of running text (a sentence end, or longer than any title line)."""
    t = line.strip()
    return has_han(t) and ("。" in t or len(t) > grammar().title_max_line)


def addressee_like(line: str) -> bool:
    g = grammar()
    t = line.strip()
    m = g.addressee.match(t)
    return bool(m) and not any(w in t for w in g.not_addressee)


def is_sig_end(line: str) -> bool:
    """Does this line close a signature block (the date, 此件公开发布, a bracketed 文号)?"""
    g = grammar()
    t = line.strip()
    return is_date_line(t) or any(p.match(t) for p in g.sig_trailer) \
        or g.doc_number_trailing.match(t) is not None

