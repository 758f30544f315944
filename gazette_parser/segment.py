"""segment: Text → Segmentation (issue info, bilingual TOC, one DocumentText per document).

How an issue is cut up:

1. The front matter (cover, masthead) and the colophon (版权页, a run of "key：value" lines) give
   ``IssueInfo``.
2. The contents (目录) give the Chinese entries (【category】 lines, titles with dot leaders and
   "(N)" page markers, possibly wrapped over lines); the English contents that follow are split
   into entries at their page markers and aligned with the Chinese ones by order and page.
3. Each TOC title is looked up in the body (compared without spaces, NFKC-folded); documents the
   TOC does not list are found by their anchors: a 文号 alone on its line, or a numbered header
   (…令 / 第N号). A text with neither TOC nor anchors is one document when it has a title ending
   in a 文种 or a numbered body; otherwise it holds no document and ``documents`` is empty.

Every pattern comes from grammars/document.toml. Helpers used by the document stage live here
too (lines, title/number/date parsing), and :func:`outline` gives the CLI a quick look.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from array import array
from dataclasses import dataclass
from typing import Optional

import regex

from .model import DocumentText, IssueInfo, Segmentation, Span, Text, TocEntry, Warning
from .resources import compiled

GRAMMAR = "document.toml"

_HAN = regex.compile(r"\p{Han}")
_SPACE_RUN = regex.compile(r"\s+")


# ----------------------------------------------------------------------------------------------
# grammar


class _Grammar:
    """The compiled patterns of grammars/document.toml."""

    def __init__(self, g: dict):
        c = regex.compile
        self.raw = g
        dn = g["doc_number"]
        self.doc_number = c(dn["pattern"])
        self.doc_number_line = c(dn["line"].replace("{doc_number}", dn["pattern"]))
        self.doc_number_trailing = c(dn["trailing"].replace("{doc_number}", dn["pattern"]))
        self.prefix_stop = sorted(dn.get("prefix_stop", []), key=len, reverse=True)
        o = g["order"]
        self.order_header = c(o["header"])
        self.order_number = c(o["number"])
        self.order_one_line = c(o["one_line"])
        self.order_cited = c(o["cited"])
        dt = g["doc_type"]
        self.doc_types = sorted(set(dt["types"]) | set(dt.get("aliases", {})), key=len, reverse=True)
        self.doc_type_alias = dict(dt.get("aliases", {}))
        self.issuing_verbs = list(dt.get("issuing_verbs", []))
        self.standalone_types = list(dt.get("standalone_types", []))
        t = g["title"]
        self.title_max_line = int(t.get("max_line", 90))
        self.title_max_lines = int(t.get("max_lines", 5))
        self.law_title_max_line = int(t.get("law_max_line", 240))
        self.body_chars = c(t["body_chars"])
        self.not_title = [c(p) for p in t.get("not_title", [])]
        self.red_header = c(t["red_header"])
        self.skip = [c(p) for p in t.get("skip", [])]
        self.max_skip = int(t.get("max_skip", 8))
        a = g["addressees"]
        self.addressee = c(a["pattern"])
        self.addressee_split = c(a["split"])
        self.not_addressee = list(a.get("not_addressee", []))
        s = g["signature"]
        self.date_line = c(s["date_line"])
        self.date = c(s["date"])
        self.signer = c(s["signer"])
        self.issuer_line = c(s["issuer_line"])
        self.issuer_split = c(s["issuer_split"])
        self.issuer_min_part = int(s.get("issuer_min_part", 3))
        self.issuer_joint = c(s["issuer_joint"]) if s.get("issuer_joint") else None
        self.issuer_joint_min = int(s.get("issuer_joint_min", 5))
        self.not_issuer = [c(p) for p in s.get("not_issuer", [])]
        self.sig_max_lines = int(s.get("max_lines", 6))
        self.banji = [c(p) for p in s.get("banji", [])]
        self.headnote = c(s["headnote"])
        self.sig_trailer = [c(p) for p in s.get("trailer", [])]
        at = g["attachments"]
        self.att_named = [c(p) for p in at["named"]]
        self.att_list_head = c(at["list_head"])
        self.att_list_item = c(at["list_item"])
        self.att_label = c(at["label"])
        self.att_from_title = c(at["from_title"])
        self.att_title_blank = c(at["title_blank"])
        i = g["issue"]
        self.gazette = c(i["gazette"])
        self.year = c(i["year"])
        self.number = c(i["number"])
        self.total = c(i["total"])
        self.publish_date = c(i["publish_date"])
        self.publisher = c(i["publisher"])
        self.gazette_en = c(i["gazette_en"])
        self.publisher_en = c(i["publisher_en"])
        self.published_en = c(i["published_en"])
        tc = g["toc"]
        self.toc_heading = c(tc["heading"])
        self.toc_category = c(tc["category"])
        self.toc_page = c(tc["page"])
        self.toc_page_bare = c(tc["page_bare"])
        self.toc_table_header = c(tc["table_header"])
        self.toc_table_row_page = c(tc["table_row_page"])
        self.toc_number_suffix = c(tc["number_suffix"]) if tc.get("number_suffix") else None
        self.toc_en_skip = [c(p) for p in tc.get("en_skip", [])]
        self.toc_repairs = [(c(a), b) for a, b in tc.get("repairs", [])]
        co = g["colophon"]
        self.col_field = c(co["field"])
        self.col_keys = set(co["keys"])
        self.col_min = int(co.get("min_fields", 3))
        self.col_supervisor = list(co.get("supervisor", []))
        self.col_publisher = list(co.get("publisher", []))
        self.col_serial = list(co.get("serial", []))
        self.col_serial_value = c(co["serial_value"])


def grammar() -> _Grammar:
    """The compiled document grammar (recompiled when --grammar-dir changes the file)."""
    return compiled(GRAMMAR, _Grammar)


# ----------------------------------------------------------------------------------------------
# lines and text helpers (shared with the document stage)


@dataclass(frozen=True)
class Ln:
    """A non-blank line of the cleaned text: its offsets (without the newline) and its text."""

    start: int
    end: int
    text: str

    @property
    def stripped(self) -> str:
        return self.text.strip()


def lines_of(s: str, start: int = 0, end: Optional[int] = None) -> list[Ln]:
    """The non-blank lines of ``s[start:end]``, with offsets into ``s``, leading/trailing
    whitespace excluded from each line's span."""
    end = len(s) if end is None else end
    out = []
    pos = start
    while pos < end:
        nl = s.find("\n", pos, end)
        stop = end if nl == -1 else nl
        a, b = pos, stop
        while a < b and s[a].isspace():
            a += 1
        while b > a and s[b - 1].isspace():
            b -= 1
        if b > a:
            out.append(Ln(a, b, s[a:b]))
        pos = stop + 1
    return out


def has_han(s: str) -> bool:
    return _HAN.search(s) is not None


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


def _fold_char(ch: str, _cache: dict = {}) -> str:
    f = _cache.get(ch)
    if f is None:
        f = _cache[ch] = "".join(x for x in unicodedata.normalize("NFKC", ch) if not x.isspace())
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
        return {"prefix": _clean_prefix(m.group("prefix")), "year": int(m.group("year")),
                "serial": int(m.group("serial"))}
    m = g.order_one_line.match(s)
    if m:
        return {"prefix": squeeze(m.group("issuer")) + m.group("kind"), "year": None,
                "serial": _serial(m.group("serial"))}
    return None


def _clean_prefix(prefix: str) -> str:
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
    from .prefixed import finditer  # the same matches, without trying every ideograph (see there)

    g = grammar()
    end = len(s) if end is None else end
    out = []
    for m in finditer(g.doc_number, s, start, end):
        prefix = _clean_prefix(m.group("prefix"))
        a = _prefix_start(s, m.start(), m.end("prefix"), prefix)
        out.append((squeeze(s[a:m.end()]), (a, m.end())))
    for m in g.order_cited.finditer(s, start, end):
        issuer = _clean_prefix(m.group("issuer"))
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


# ----------------------------------------------------------------------------------------------
# line classification


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


def _serial(printed: str) -> int:
    """A 令 number as printed: 707, or in Chinese numerals (主席令第六十六号 → 66)."""
    from .numerals import parse_number

    return int(printed) if printed.isdecimal() else int(parse_number(printed))


def _numbered_header(lines: list[Ln], i: int) -> Optional[tuple[int, int, str, str, int]]:
    """A numbered header (…令 + 第N号) at line i: (first line, last line, issuer, kind, serial)."""
    g = grammar()
    t = lines[i].stripped
    m = g.order_one_line.match(t)
    if m:
        return i, i, squeeze(m.group("issuer")), m.group("kind"), _serial(m.group("serial"))
    m = g.order_header.match(t)
    if m and i + 1 < len(lines):
        n = g.order_number.match(lines[i + 1].stripped)
        if n:
            return i, i + 1, squeeze(m.group("issuer")), m.group("kind"), _serial(n.group("serial"))
    return None


@dataclass
class Head:
    """What opens a document: its title lines, 文号 line or numbered header."""

    start: int  # index of the first line of the document
    end: int  # index of the last head line (title / 文号 / number)
    title_lines: list[int]
    number_line: Optional[int] = None  # line with the 文号
    order: Optional[tuple[int, int, str, str, int]] = None  # numbered header
    strong: bool = False  # the title has the shape of one


def _title_back(lines: list[Ln], k: int, lo: int) -> list[int]:
    """Title lines just above line k (not below lo)."""
    g = grammar()
    got: list[int] = []
    j = k - 1
    skipped = 0
    while j >= lo and len(got) < g.title_max_lines:
        if is_skip(lines[j].text) and skipped < g.max_skip:
            skipped += 1
            j -= 1
            continue
        if not is_title_line(lines[j].text):
            break
        t = squeeze(lines[j].text)
        if g.red_header.match(t):
            break
        got.insert(0, j)
        if "关于" in t and not t.startswith("关于"):
            break
        if t.startswith("关于"):
            if j - 1 >= lo and is_title_line(lines[j - 1].text) and not g.red_header.match(
                    lines[j - 1].text) and doc_type_of(lines[j - 1].text) is None \
                    and len(squeeze(lines[j - 1].text)) <= 40:
                got.insert(0, j - 1)
            break
        j -= 1
    return got


def _title_forward(lines: list[Ln], k: int, hi: int) -> list[int]:
    """Title lines just below line k (before hi), skipping a red header."""
    g = grammar()
    got: list[int] = []
    j = k + 1
    while j < hi and is_skip(lines[j].text) and j - k <= g.max_skip:
        j += 1
    while j < hi and len(got) < g.title_max_lines and is_title_line(lines[j].text):
        if not (not got and g.red_header.match(lines[j].text)):
            got.append(j)
        if doc_type_of(lines[j].text) is not None:
            break
        j += 1
    return got


def is_skip(line: str) -> bool:
    """Web-page chrome (发布日期：… 浏览次数) that may sit inside a document's head."""
    return any(p.match(line) for p in grammar().skip)


def split_issuers(line: str) -> list[str]:
    """Issuer names on one signature line: '广州市卫生健康委员会  广州市财政局' gives two;
    a letter-spaced '国 务 院' gives one."""
    g = grammar()
    parts = [p for p in g.issuer_split.split(line.strip()) if p]
    if len(parts) > 1 and all(len(p) >= g.issuer_min_part for p in parts):
        names = [squeeze(p) for p in parts]
    else:
        names = [squeeze(line)] if line.strip() else []
    out = []
    for name in names:
        pieces = g.issuer_joint.split(name) if g.issuer_joint else [name]
        if len(pieces) > 1 and all(len(p) >= g.issuer_joint_min for p in pieces):
            out.extend(pieces)
        else:
            out.append(name)
    return out


def head_at_anchor(lines: list[Ln], k: int, lo: int, hi: int) -> Optional[Head]:
    """The head of a document whose 文号 is line k, or None when k is not a document's 文号.
    A red header (发文机关标志 "…文件") just above belongs to the document."""
    h = _head_at_anchor(lines, k, lo, hi)
    if h is not None and h.start - 1 >= lo and grammar().red_header.match(lines[h.start - 1].text):
        h.start -= 1
    return h


def _head_at_anchor(lines: list[Ln], k: int, lo: int, hi: int) -> Optional[Head]:
    back = _title_back(lines, k, lo)
    fwd = _title_forward(lines, k, hi)
    tb = squeeze("".join(lines[i].text for i in back))
    tf = squeeze("".join(lines[i].text for i in fwd))
    if fwd and is_strong_title(tf):
        # 文号 above the title (red-header layout); a title above the 文号 too is a page heading
        start = back[0] if back and is_strong_title(tb) else k
        return Head(start, fwd[-1], fwd, number_line=k, strong=True)
    if back and is_strong_title(tb):
        return Head(back[0], k, back, number_line=k, strong=True)
    if back:
        return Head(back[0], k, back, number_line=k)
    if k + 1 < hi and (_addressee_like(lines[k + 1].text) or _body_like(lines[k + 1].text)):
        return Head(k, k, [], number_line=k)
    return None


def _body_like(line: str) -> bool:
    """A paragraph of running text (a sentence end, or longer than any title line)."""
    t = line.strip()
    return has_han(t) and ("。" in t or len(t) > grammar().title_max_line)


def _addressee_like(line: str) -> bool:
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


def _title_after_signature(lines: list[Ln], i: int, lo: int, hi: int) -> Optional[Head]:
    """A document without 文号 that starts right after another one's signature block."""
    g = grammar()
    if i - 1 < lo or not is_sig_end(lines[i - 1].text) or not is_title_line(lines[i].text):
        return None
    got = _title_forward(lines, i - 1, hi)
    if not got or got[0] != i:
        return None
    title = squeeze("".join(lines[k].text for k in got))
    dt = doc_type_of(title)
    if dt not in g.standalone_types or ("关于" not in title and dt not in ("公告", "通告", "令", "命令")):
        return None
    nxt = got[-1] + 1
    if nxt >= hi or not (_addressee_like(lines[nxt].text) or _body_like(lines[nxt].text)
                         or g.doc_number_line.match(lines[nxt].text)):
        return None
    # what the document before issues is printed under its own title: not a new document
    before = fold(s_of(lines, max(lo, i - 60), i))
    if "《" + fold(title) + "》" in before:
        return None
    return Head(i, got[-1], got, strong=True)


def s_of(lines: list[Ln], a: int, b: int) -> str:
    """The text of lines[a:b], one per line."""
    return "\n".join(ln.text for ln in lines[a:b])


def find_anchors(lines: list[Ln], lo: int, hi: int) -> list[Head]:
    """Document heads found by their 文号 line or numbered header, in text order.

    One 文号 printed several times (web pages repeat it in their metadata) counts once: the
    occurrence with a strong title wins, then the last."""
    g = grammar()
    heads: list[Head] = []
    i = lo
    while i < hi:
        t = lines[i].stripped
        m = g.doc_number_line.match(t)
        if m:
            h = head_at_anchor(lines, i, lo, hi)
            if h is not None:
                heads.append(h)
            i += 1
            continue
        o = _numbered_header(lines, i)
        if o is not None:
            a, b = o[0], o[1]
            back = _title_back(lines, a, lo) if o[3] != "令" else []
            title_lines = list(range(a, b + 1))
            heads.append(Head(back[0] if back else a, b, back + title_lines, order=o, strong=True))
            i = b + 1
            continue
        h = _title_after_signature(lines, i, lo, hi)
        if h is not None:
            heads.append(h)
            i = h.end + 1
            continue
        i += 1
    # one 文号 printed several times: keep the best occurrence
    best: dict[str, Head] = {}
    order: list[str] = []
    for h in heads:
        key = fold(lines[h.number_line].text) if h.number_line is not None else f"#{h.start}"
        if key not in best:
            order.append(key)
            best[key] = h
        elif h.strong or not best[key].strong:
            best[key] = h
    out = sorted(best.values(), key=lambda h: (h.start, h.number_line is None and h.order is None))
    # heads overlapping an earlier head (a 令 number below a 文号 title…) are the same document
    merged: list[Head] = []
    for h in out:
        if merged and h.start <= merged[-1].end:
            continue
        merged.append(h)
    return merged


# ----------------------------------------------------------------------------------------------
# table of contents


@dataclass
class _ZhEntry:
    category: Optional[str]
    title: str
    page: Optional[int]
    span: Span
    first_in_category: bool


def _strip_page(g: _Grammar, t: str) -> tuple[str, Optional[int]]:
    m = g.toc_page.search(t) or g.toc_page_bare.search(t)
    if not m:
        return t, None
    return t[: m.start()], int(m.group("page"))


def _strip_leaders(t: str) -> str:
    return regex.sub(r"[…\.·．⋯\s]+$", "", t)


def _number_regex(parts: dict):
    """A pattern for one known 文号 as a table cell prints it (号 and page may follow)."""
    sp = r"\s*"
    prefix = sp.join(regex.escape(ch) for ch in parts["prefix"])
    return regex.compile(prefix + sp + r"[〔\[【（(［]" + sp + str(parts["year"]) + sp
                         + r"[〕\]】）)］]" + sp + str(parts["serial"])
                         + r"(?P<hao>\s*号)?\s*(?P<page>\d{1,4})?\s*$")


def _parse_toc_table(lines: list[Ln], first: int, known: list[dict]) -> tuple[list[_ZhEntry], int]:
    """Rows of a contents table from line ``first`` on: (entries, index of the last row line)."""
    g = grammar()
    pats = [_number_regex(p) for p in known]
    zh: list[_ZhEntry] = []
    cat: Optional[str] = None
    fresh = False
    rows: list[list] = []  # [category, fresh, [line indices], title part, page, hao]
    last = first - 1
    i = first
    while i < len(lines):
        t = lines[i].stripped
        m = g.toc_category.match(t)
        if m:
            cat, fresh, last = squeeze(m.group("name")), True, i
            i += 1
            continue
        if not has_han(t) or g.body_chars.search(t):
            break
        hit = next((mm for mm in (p.search(t) for p in pats) if mm), None)
        if hit is not None:
            rows.append([cat, fresh, [i], t[:hit.start()], hit.group("page"), bool(hit.group("hao"))])
            fresh = False
        else:
            mp = g.toc_table_row_page.match(t)
            if mp and not (rows and len(rows[-1][2]) == 1 and rows[-1][4] is None):
                rows.append([cat, fresh, [i], mp.group("title"), mp.group("page"), True])
                fresh = False
            elif rows and len(rows[-1][2]) < 3:
                rows[-1][2].append(i)
            else:
                break
        last = i
        i += 1
    for cat_, fresh_, idx, part, page, hao in rows:
        rest = "".join(lines[k].stripped for k in idx[1:])
        if not hao and rest.endswith("号"):
            rest = rest[:-1]
        zh.append(_ZhEntry(cat_, squeeze(_strip_leaders(part + rest)),
                           int(page) if page else None,
                           (lines[idx[0]].start, lines[idx[-1]].end), fresh_))
    return zh, last


def parse_toc(lines: list[Ln], heading: int, known: Optional[list[dict]] = None
              ) -> tuple[list[_ZhEntry], list[tuple[Optional[str], str, Optional[int]]], int]:
    """The Chinese entries, the English groups (category?, title, page) and the index of the last
    TOC line, starting after the 目录 heading at line ``heading``. ``known`` are the parts of the
    文号 found in the body (they let a table's interleaved cells be told apart)."""
    g = grammar()
    zh: list[_ZhEntry] = []
    cat: Optional[str] = None
    cat_fresh = False
    buf: list[int] = []
    last = heading
    i = heading + 1
    n = len(lines)
    if i < n and g.toc_table_header.match(lines[i].text):
        zh, last = _parse_toc_table(lines, i + 1, known or [])
        i = n  # skip the dotted-leader reading
    while i < n:
        t = lines[i].stripped
        if not buf:
            m = g.toc_category.match(t)
            if m:
                cat, cat_fresh, last = squeeze(m.group("name")), True, i
                i += 1
                continue
            if not has_han(t):
                break
        title_part, page = _strip_page(g, t)
        if page is not None:
            buf.append(i)
            joined = "".join(lines[j].stripped for j in buf)
            title, _ = _strip_page(g, joined)
            zh.append(_ZhEntry(cat, squeeze(_strip_leaders(title)), page,
                               (lines[buf[0]].start, lines[i].end), cat_fresh))
            cat_fresh = False
            buf = []
            last = i
            i += 1
            continue
        if len(buf) >= 3 or g.body_chars.search(t) or len(t) > 120:
            break
        buf.append(i)
        i += 1
    # English contents: Han-free lines after the Chinese entries
    en: list[tuple[Optional[str], str, Optional[int]]] = []
    groups: list[list[int]] = []
    buf = []
    j = last + 1
    while j < n and not has_han(lines[j].text):
        t = lines[j].stripped
        _, page = _strip_page(g, t)
        if not buf and page is None and any(p.search(t) for p in g.toc_en_skip):
            j += 1
            continue
        buf.append(j)
        if page is not None:
            groups.append(buf)
            buf = []
            last = j
        j += 1
    if groups:
        for gi, grp in enumerate(groups):
            zh_e = zh[gi] if gi < len(zh) else None
            texts = [lines[x].stripped for x in grp]
            category = None
            if zh_e is not None and zh_e.first_in_category and len(texts) >= 2:
                category = _repair_en(g, texts[0])
                texts = texts[1:]
            title, page = _strip_page(g, " ".join(texts))
            en.append((category, _repair_en(g, _strip_leaders(title)), page))
    return zh, en, last


def _repair_en(g: _Grammar, t: str) -> str:
    for pat, rep in g.toc_repairs:
        t = pat.sub(rep, t)
    return t.strip()


def build_toc(zh: list[_ZhEntry], en: list, warnings: list[Warning], text: Text) -> list[TocEntry]:
    """Pair the Chinese and English entries: by order when the counts and pages agree, else by
    page number in order."""
    pairs: list[Optional[tuple]] = [None] * len(zh)
    if len(en) == len(zh) and all(e[2] == z.page for e, z in zip(en, zh)):
        pairs = list(en)
    else:
        k = 0
        for i, z in enumerate(zh):
            for j in range(k, len(en)):
                if en[j][2] == z.page:
                    pairs[i] = en[j]
                    k = j + 1
                    break
        if en:
            warnings.append(Warning("toc-en-mismatch",
                                    f"English contents has {len(en)} entries for {len(zh)} Chinese "
                                    "ones; aligned by page number",
                                    page=text.page(zh[0].span[0]) if zh else None,
                                    span=zh[0].span if zh else None,
                                    page_index=text.page_index(zh[0].span[0]) if zh else None))
    # categories: the English category holds for the following entries too
    out = []
    cat_en = None
    cat_zh = None
    for z, e in zip(zh, pairs):
        if z.category != cat_zh:
            cat_zh, cat_en = z.category, None
        if e is not None and e[0]:
            cat_en = e[0]
        out.append(TocEntry(category_zh=z.category, category_en=cat_en if z.category else None,
                            title_zh=z.title, title_en=e[1] if e else None, page=z.page,
                            span=z.span))
    return out


# ----------------------------------------------------------------------------------------------
# issue info


def find_colophon(lines: list[Ln], lo: int = 0) -> Optional[tuple[int, int, list[tuple[str, str, int]]]]:
    """The last run of ≥ min_fields known "key：value" lines: (first, last, [(key, value, i)])."""
    g = grammar()
    runs = []
    cur: list[tuple[str, str, int]] = []
    for i in range(lo, len(lines)):
        m = g.col_field.match(lines[i].text)
        key = "".join(m.group("key").split()) if m else None
        if m and key in g.col_keys:
            cur.append((key, m.group("value").strip(), i))
            continue
        if len(cur) >= g.col_min:
            runs.append(cur)
        cur = []
    if len(cur) >= g.col_min:
        runs.append(cur)
    if not runs:
        return None
    run = runs[-1]
    return run[0][2], run[-1][2], run


def issue_info(lines: list[Ln], front_end: int, colophon) -> IssueInfo:
    """IssueInfo from the front matter (lines[:front_end]) and the colophon."""
    g = grammar()
    info = IssueInfo()
    for i in range(front_end):
        t = lines[i].stripped
        if info.gazette_zh is None:
            m = g.gazette.match(t)
            if m:
                info.gazette_zh = squeeze(m.group("name"))
        if info.year is None:
            m = g.year.match(t)
            if m:
                info.year = int(m.group("year"))
        if info.total_number is None:
            m = g.total.search(t)
            if m:
                info.total_number = int(m.group("n"))
        if info.number is None:
            m = g.number.search(regex.sub(r"总\s*第\s*\d+\s*期", "", t))
            if m:
                info.number = int(m.group("n"))
        if info.publish_date is None:
            m = g.publish_date.search(t)
            if m:
                info.publish_date = parse_date(m.group("date"))
        if info.publisher_zh is None:
            m = g.publisher.match(t)
            if m:
                info.publisher_zh = squeeze(m.group("name"))
        if info.gazette_en is None:
            m = g.gazette_en.match(t)
            if m:
                name = m.group("name").strip()
                # a masthead wrapped over lines: following all-caps lines continue it
                k = i + 1
                while k < front_end and regex.fullmatch(r"[A-Z][A-Z'’\s]*", lines[k].stripped):
                    name += " " + lines[k].stripped
                    k += 1
                info.gazette_en = _repair_en(g, name)
        if info.publisher_en is None:
            m = g.publisher_en.match(t)
            if m:
                info.publisher_en = _repair_en(g, m.group("name"))
        if info.publish_date is None:
            m = g.published_en.match(t)
            if m:
                info.publish_date = _english_date(m.group("date"))
    if colophon is not None:
        for key, value, _ in colophon[2]:
            if key in g.col_supervisor and info.supervisor is None:
                info.supervisor = value
            elif key in g.col_publisher and info.publisher_zh is None:
                info.publisher_zh = value
            elif key in g.col_serial and info.serial_cn is None:
                m = g.col_serial_value.search(value)
                info.serial_cn = "".join(m.group("cn").split()) if m else value
            else:
                if key in g.col_supervisor or key in g.col_publisher or key in g.col_serial:
                    if key in g.col_publisher and value == info.publisher_zh:
                        continue
                    if key in g.col_supervisor and value == info.supervisor:
                        continue
                info.colophon.setdefault(key, value)
    return info


_MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"], 1)}


def _english_date(s: str) -> Optional[str]:
    m = regex.match(r"([A-Za-z]+)\.?\s+(\d{1,2}),\s*(\d{4})", s)
    if not m:
        return None
    month = next((v for k, v in _MONTHS.items() if k.startswith(m.group(1).lower()[:3])), None)
    if month is None:
        return None
    return f"{int(m.group(3)):04d}-{month:02d}-{int(m.group(2)):02d}"


# ----------------------------------------------------------------------------------------------
# the stage


def _toc_key(title: str) -> str:
    """A contents title folded, without a trailing （…令第361号） that the heading does not print."""
    g = grammar()
    key = fold(title)
    return g.toc_number_suffix.sub("", key) if g.toc_number_suffix is not None else key


def _find_title(lines: list[Ln], s: str, title: str, lo: int, hi: int,
                folded: Optional[tuple] = None) -> Optional[int]:
    """Index of the line (in lo..hi) where a document titled ``title`` begins; the title may be
    wrapped over several lines and printed with spaces. ``folded`` is ``folded_with_map`` of all
    of ``s`` when the caller looks up many titles (it is then searched between the range's bounds,
    not folded again for each)."""
    if lo >= hi:
        return None
    key = fold(title)
    if not key:
        return None
    if folded is None:
        folded = folded_with_map(s, lines[lo].start, lines[hi - 1].end)
    hay, where = folded
    first, last = bisect.bisect_left(where, lines[lo].start), bisect.bisect_left(where, lines[hi - 1].end)
    starts = {ln.start: idx for idx, ln in enumerate(lines[lo:hi], lo)}
    g = grammar()
    bare = g.toc_number_suffix.sub("", key) if g.toc_number_suffix is not None else key
    for cand in (key, key.split("关于", 1)[1] if "关于" in key[1:] else None, bare if bare != key else None):
        if not cand or len(cand) < 4:
            continue
        pos = hay.find(cand, first, last)
        while pos != -1:
            off = where[pos]
            # the match must start a line, or (for the part after 关于) follow an issuer line
            ln_idx = starts.get(off)
            if ln_idx is None:
                # inside a line: accept when everything before it on the line is an issuer
                line_idx = next((i for i in range(lo, hi) if lines[i].start <= off < lines[i].end + 1), None)
                if line_idx is not None and cand is not key:
                    ln_idx = line_idx
            if ln_idx is not None:
                if cand is not key and ln_idx > lo and is_title_line(lines[ln_idx - 1].text) \
                        and doc_type_of(lines[ln_idx - 1].text) is None:
                    ln_idx -= 1
                return ln_idx
            pos = hay.find(cand, pos + 1, last)
    return None


def _fallback_single(lines: list[Ln], lo: int, hi: int) -> Optional[int]:
    """A text with neither TOC nor anchor: where its one document begins, or None."""
    g = grammar()
    from .history import is_history_line

    for i in range(lo, min(hi, lo + 40)):
        t = lines[i].stripped
        # a title straight followed by its history (…会议通过) is a law's, whatever its last word
        law = i + 1 < hi and is_history_line(lines[i + 1].text) and not is_history_line(t)
        if is_title_line(t, g.law_title_max_line if law else None) and (is_strong_title(t) or law) \
                and not g.gazette.match(t):
            # a title alone is not a document: some body must follow it
            body = sum(len(_HAN.findall(lines[k].text)) for k in range(i + 1, min(hi, i + 30)))
            if body >= 30:
                # a text that opens with its 主送机关 (the title printed elsewhere, as on many
                # web pages) starts there: the title found further down is what it issues
                first = next((k for k in range(lo, i) if _addressee_like(lines[k].text)), None)
                return first if first is not None else i
    numbered = regex.compile(r"^\s*(?:[一二三四五六七八九十]+、|第[一二三四五六七八九十百]+条|"
                             r"[（(]\s*[一二三四五六七八九十]+\s*[）)]|\d{1,2}\s*[.．、]\s*\p{Han})")
    hits = [i for i in range(lo, hi) if numbered.match(lines[i].text)]
    han = sum(len(_HAN.findall(lines[i].text)) for i in range(lo, hi))
    # an excerpt of numbered clauses is still (part of) a document
    if hits and han >= 100:
        for i in range(lo, hi):
            if has_han(lines[i].text):
                return i
    return None


def _law_start(lines: list[Ln], lo: int, hi: int) -> Optional[int]:
    """Line lo when lines lo..hi are a title line, its history lines (…会议通过), and nothing but
    title lines after them; else None."""
    from .history import is_history_line

    if lo + 1 >= hi or not is_title_line(lines[lo].text, grammar().law_title_max_line) \
            or is_history_line(lines[lo].text) \
            or not is_history_line(lines[lo + 1].text):
        return None
    k = lo + 1
    while k < hi and is_history_line(lines[k].text):
        k += 1
    return lo if all(is_title_line(lines[j].text) for j in range(k, hi)) else None


def segment(text: Text) -> Segmentation:
    """Cut the cleaned text into issue info, TOC and documents (see the module docstring)."""
    s = text.text
    lines = lines_of(s)
    warnings: list[Warning] = []
    if not lines or not has_han(s):
        return Segmentation(info=IssueInfo(), toc=[], documents=[], warnings=warnings)
    g = grammar()

    # contents
    toc: list[TocEntry] = []
    toc_last = -1
    heading = next((i for i, ln in enumerate(lines[:200]) if g.toc_heading.match(ln.text)), None)
    if heading is not None:
        known = []
        if heading + 1 < len(lines) and g.toc_table_header.match(lines[heading + 1].text):
            for h in find_anchors(lines, heading + 1, len(lines)):
                if h.number_line is not None:
                    m = g.doc_number_line.match(lines[h.number_line].stripped)
                    parts = parse_doc_number(m.group("num")) if m else None
                    if parts and parts not in known:
                        known.append(parts)
        zh, en, toc_last = parse_toc(lines, heading, known)
        if zh:
            toc = build_toc(zh, en, warnings, text)
        else:
            toc_last = heading
    body_lo = toc_last + 1

    colophon = find_colophon(lines, body_lo)
    body_hi = colophon[0] if colophon is not None and colophon[0] >= body_lo else len(lines)
    if colophon is not None and colophon[0] < body_lo:
        colophon_front = colophon
    else:
        colophon_front = None

    # document starts: the TOC first, then anchors the TOC does not cover
    starts: dict[int, Optional[int]] = {}
    cursor = body_lo
    folded = folded_with_map(s, 0, len(s)) if toc else None  # once, for every entry
    for ti, entry in enumerate(toc):
        idx = _find_title(lines, s, entry.title_zh, cursor, body_hi, folded)
        if idx is None:
            idx = _find_title(lines, s, entry.title_zh, body_lo, body_hi, folded)
        if idx is None or idx in starts:
            warnings.append(Warning("toc-unmatched",
                                    f"contents entry (page {entry.page}) not found in the text: "
                                    f"{entry.title_zh}",
                                    page=text.page(entry.span[0]) if entry.span else None,
                                    span=entry.span,
                                    page_index=text.page_index(entry.span[0]) if entry.span else None))
            continue
        starts[idx] = ti
        cursor = idx + 1
    anchors = find_anchors(lines, body_lo, body_hi)
    for h in anchors:
        # near a contents entry's title: the same document. Only TOC starts count here — two
        # anchors are different documents however close (short notices one after another);
        # find_anchors already merged the heads that overlap.
        near = [st for st in starts if starts[st] is not None
                and (st - 1 <= h.start <= st + g.title_max_lines + 1 or h.start <= st <= h.end)]
        if near:
            continue
        # a 令 (or notice) whose contents entry names what it issues: the TOC title is printed
        # below the header, after "现公布《…》" — the document starts at the header
        # (a title quoted inside the 《》 of another prints its own 《》 as 〈〉)
        inner = str.maketrans("〈〉", "《》")
        issued = [st for st in starts if h.end < st <= h.end + 12 and starts[st] is not None
                  and "《" + _toc_key(toc[starts[st]].title_zh) + "》"
                  in fold(s[lines[h.start].start:lines[st].start]).translate(inner)]
        if issued:
            starts[h.start] = starts.pop(issued[0])
            continue
        if toc:
            warnings.append(Warning("doc-not-in-toc",
                                    "document not listed in the contents: "
                                    + squeeze("".join(lines[i].text for i in h.title_lines))[:60],
                                    page=text.page(lines[h.start].start),
                                    span=(lines[h.start].start, lines[h.end].end),
                                    page_index=text.page_index(lines[h.start].start)))
        starts[h.start] = None
    if not starts:
        first = _fallback_single(lines, body_lo, body_hi)
        if first is not None:
            starts[first] = None
    # a text without contents that opens with a law's title and history (…会议通过) starts there,
    # even when the title is printed again further down above a 文号 (法释〔2024〕3号)
    if starts and not toc:
        first = min(starts)
        law = _law_start(lines, body_lo, first)
        if law is not None and law < first:
            starts[law] = starts.pop(first)

    order = sorted(starts)
    docs: list[DocumentText] = []
    for n, st in enumerate(order):
        stop = order[n + 1] if n + 1 < len(order) else body_hi
        if stop <= st:
            continue
        span = (lines[st].start, lines[stop - 1].end)
        ti = starts[st]
        entry = toc[ti] if ti is not None else None
        docs.append(DocumentText(span=span,
                                 category_zh=entry.category_zh if entry else None,
                                 category_en=entry.category_en if entry else None,
                                 toc_index=ti))

    front_end = lines_index_before(lines, docs[0].span[0]) if docs else len(lines)
    info = issue_info(lines, front_end, colophon if colophon is not None else colophon_front)
    if docs and docs[0].span[0] > 0 and not toc and info == IssueInfo():
        pass
    return Segmentation(info=info, toc=toc, documents=docs, warnings=warnings)


def lines_index_before(lines: list[Ln], offset: int) -> int:
    """How many lines start before ``offset``."""
    return sum(1 for ln in lines if ln.start < offset)


def outline(text: Text, seg: Optional[Segmentation] = None) -> list[dict]:
    """A quick look at how a text splits, for a CLI ``segment``/``toc`` command: one row per
    document with its title, 文号, date, pages and span (the document stage's fields, without
    clauses)."""
    from .document import build_document

    seg = seg if seg is not None else segment(text)
    rows = []
    for d in seg.documents:
        doc = build_document(text, d, seg)
        rows.append({
            "title": doc.title,
            "doc_number": doc.doc_number,
            "doc_type": doc.doc_type,
            "issuer": doc.issuer,
            "date": doc.date,
            "page_start": doc.page_start,
            "page_end": doc.page_end,
            "span": list(d.span),
            "toc_index": d.toc_index,
            "warnings": [w.code for w in doc.warnings],
        })
    return rows
