"""PDF: pypdfium2, with pdfplumber on the pages that need it, behind one interface.

The default reader ("auto") reads every page with pdfium and hands a page to pdfplumber only when
pdfium's page objects show rules that could form a table (``ruled_page``): pdfplumber then builds
the table's rows, which pdfium cannot. On every other page the two readers give the same lines, so
the result is the careful reader's at pdfium's speed. ``source.backend`` records the mix
("pdfium", or "pdfium+pdfplumber:3 pages"); ``--backend pdfplumber|pdfium`` forces one reader.

Both backends stream the file page by page (a page's objects are released before the next is
read) and hand clean a tuple of ``Line`` objects per page with geometry and font size:

- pdfplumber: lines are built here from the page's characters — rows by position, a two-column
  page split at its gutter (position-sorted extraction would interleave the columns), digits that
  some fonts set on a shifted baseline put back into their row, gaps turned into spaces (a wide
  gap into two, so clean can tell joint issuers from letter spacing). A table drawn with rules
  gives one line per row (cells split by a wide gap), marked ``Line.table`` with the table's
  number on the page, so clean and clauses know a numbered cell is table content.
- pdfium: pdfium's own text lines (content order, which keeps columns apart), with the geometry of
  each line's first and last character. Several times faster; slightly less careful with layout.

Pages with no text layer (a scan) or a garbage one (fonts without a ToUnicode map, extracting as
ASCII soup; or a wrong ToUnicode map, extracting as ideographs in an order no text has, which
``text_quality`` tells by its pairs of adjacent ideographs, see grammars/plausible.toml) are marked
``Page.needs_ocr``; with ``ocr`` other than "never" they are sent to
``gazette_parser.ocr`` when it is available, else a "needs-ocr" warning says how to get it. When no
page has usable text, ``NeedsOCR`` is raised with the page numbers.
"""

from __future__ import annotations

import functools
import gc
import io
import itertools
import re
from collections import Counter
from typing import Iterator, Optional

from ..chars import CJK_UNIFIED, HAN_RX, is_han
from ..errors import NeedsOCR, ReadError
from ..model import Line, Page, Source, SourceInfo, Warning
from ..resources import compiled

# what the page readers yield for each page (see _pages_pdfium)
_Page = tuple[int, list[Line], float, float, bool, str, tuple[int, str]]

BACKENDS = ("auto", "pdfplumber", "pdfium")
OCR_MODES = ("auto", "never", "always")
_OCR_HINT = ("install Tesseract with Chinese data (apt install tesseract-ocr tesseract-ocr-chi-sim; "
             "pip install pytesseract) and run with --ocr auto")


# ---------------------------------------------------------------------------------------------
# text-layer quality


_SPACE_RX = re.compile(r"\s+")
_HAN_RUN_RX = re.compile(f"[{CJK_UNIFIED}]+")  # the bigram table was counted over this block
_PUNCT_RX = re.compile(r"[!-/:-@\[-`{-~]")
_C1_RX = re.compile(r"[\x00-\x1f\x80-\x9f\ue000-\uf8ff]")
_BAD_RX = re.compile(r"[!-/:-@\[-`{-~\x80-\x9f]")
_ASTRAL_RX = re.compile(r"[\U00010000-\U0010ffff]")


def text_quality(text: str) -> Optional[str]:
    """None when a page's text looks like text; "garbled text layer" when it is symbol soup,
    "implausible text" when it is ideographs in an order no text has (mis-mapped glyphs, see
    grammars/plausible.toml: few of its pairs of adjacent ideographs are known pairs).

    Soup: few Han characters and a high share of ASCII punctuation or C1 control characters, as
    fonts without a ToUnicode map produce. English text (letters, spaces) passes.
    """
    t = _SPACE_RX.sub("", text)
    n = len(t)
    if n < 20:
        return None
    # The runs of common ideographs serve both tests: their length is a lower bound of the Han count
    # (which a Chinese page passes without counting the rarer blocks), and their pairs are what
    # the plausibility test looks up.
    runs = _HAN_RUN_RX.findall(text)
    if sum(map(len, runs)) >= 0.3 * n or HAN_RX.subn("", t)[1] >= 0.3 * n:
        return "implausible text" if _implausible(runs) else None
    if t.count("\ufffd") >= 0.1 * n:
        return "garbled text layer"  # glyphs without a Unicode mapping ((cid:N) in pdfminer)
    if len(_PUNCT_RX.findall(t)) >= 0.2 * n or len(_C1_RX.findall(t)) >= 0.02 * n:
        return "garbled text layer"
    return None


def _plausible() -> tuple[frozenset, int, float]:
    """(known pairs of ideographs, min_pairs, min_share) from grammars/plausible.toml."""
    # the registry and ocr.toml feed the word list, so their contents are part of the key
    return compiled(("plausible.toml", "ocr.toml", "units.toml", "units_standard.toml"), _compile_plausible)


def _compile_plausible(cfg: dict, ocr_cfg: dict, *_registry: dict) -> tuple[frozenset, int, float]:
    known = set(cfg["bigrams"].split())
    words: list[str] = []
    try:
        from ..units import load_registry

        reg = load_registry()
        words.extend(reg.canonicals)
        words.extend(reg.aliases.values())
    except Exception:  # no registry: the list alone still tells text from mis-mapped glyphs
        pass
    try:
        words.extend(ocr_cfg["vocabulary"]["words"])
    except (KeyError, TypeError):
        pass
    for w in words:
        for run in _HAN_RUN_RX.findall(w):
            known.update(run[i:i + 2] for i in range(len(run) - 1))
    return frozenset(known), int(cfg["min_pairs"]), float(cfg["min_share"])


def known_pair_share(text: str) -> tuple[int, float]:
    """(pairs of adjacent ideographs in ``text``, share of them found in grammars/plausible.toml)."""
    return _pair_share(_HAN_RUN_RX.findall(text))


def _pair_share(runs: list[str]) -> tuple[int, float]:
    """known_pair_share of a text given as its runs of ideographs (``_HAN_RUN_RX``)."""
    known = _known_pair_codes()
    n = sum(map(len, runs)) - len(runs)  # a run of k ideographs holds k - 1 adjacent pairs
    if n <= 0:
        return 0, 1.0
    return n, _count_known_pairs("\n".join(runs), known) / n


def _count_known_pairs(joined: str, known: frozenset) -> int:
    """How many adjacent pairs of ``joined`` are in ``known`` (pairs as 64-bit codes, see _pair_code).

    Every page of every PDF comes through here, so the pairs are not sliced out one by one: the text
    is encoded as UTF-32 (4 bytes a character) and read as unsigned 64-bit integers, which are the
    pairs starting at even positions; the same from the second character gives the odd ones. The
    lookups then run in C (map). The caller joins runs of ideographs with a newline: the pairs across
    a join hold it, and no known pair does.
    """
    b = joined.encode("utf-32-le")
    even = memoryview(b)[:len(b) // 8 * 8].cast("Q")
    odd = memoryview(b)[4:4 + (len(b) - 4) // 8 * 8].cast("Q")
    return sum(map(known.__contains__, even)) + sum(map(known.__contains__, odd))


def _pair_code(pair: str) -> int:
    """A pair of characters as the unsigned 64-bit integer its UTF-32 bytes read as (native order)."""
    return memoryview(pair.encode("utf-32-le")).cast("Q")[0]


def _known_pair_codes() -> frozenset:
    return compiled(("plausible.toml", "ocr.toml", "units.toml", "units_standard.toml"), _compile_pair_codes)


def _compile_pair_codes(*cfgs: dict) -> frozenset:
    known, _, _ = _plausible()
    return frozenset(_pair_code(p) for p in known if len(p) == 2)


def _implausible(runs: list[str]) -> bool:
    _, min_pairs, min_share = _plausible()
    n, share = _pair_share(runs)
    return n >= min_pairs and share < min_share


def _soup_line(text: str) -> bool:
    if HAN_RX.search(text):
        return False
    t = _SPACE_RX.sub("", text)
    if len(t) < 4:
        return False
    return len(_BAD_RX.findall(t)) >= 0.5 * len(t)


# ---------------------------------------------------------------------------------------------
# pdfplumber: lines from characters


def _size(c: dict) -> float:
    s = c.get("size") or 0.0
    if not s:
        s = (c["bottom"] - c["top"]) or 10.0
    return float(s)


def _rows(chars: list[dict]) -> list[list[dict]]:
    """Cluster characters into rows by their top, anchored at each row's first character."""
    chars = sorted(chars, key=lambda c: (round(c["top"], 1), c["x0"]))
    rows: list[list[dict]] = []
    top = size = None
    for c in chars:
        s = _size(c)
        if rows and abs(c["top"] - top) <= 0.5 * min(s, size):
            rows[-1].append(c)
        else:
            rows.append([c])
            top, size = c["top"], s
    return rows


def _ascii_row(row: list[dict]) -> bool:
    row = [c for c in row if not c["text"].isspace()]
    return bool(row) and all(not is_han(c["text"]) and not (0x3000 <= ord(c["text"][0]) <= 0x303F)
                             and c["text"] != "\ufffd" for c in row)


def _overlaps(a: list[dict], b: list[dict]) -> bool:
    for c in b:
        for d in a:
            ov = min(c["x1"], d["x1"]) - max(c["x0"], d["x0"])
            if ov > 0.3 * min(c["x1"] - c["x0"], d["x1"] - d["x0"]):
                return True
    return False


def _merge_shifted(rows: list[list[dict]]) -> list[list[dict]]:
    """Put back digits a font sets on a shifted baseline (they cluster as a row of their own)."""
    out: list[list[dict]] = []
    for row in rows:
        if out and _ascii_row(row) and len(row) <= 40:
            above = out[-1]
            s = max(_size(c) for c in row)
            dt = row[0]["top"] - above[0]["top"]
            if 0 < dt <= 0.9 * s and not _overlaps(above, row):
                above.extend(row)
                continue
        out.append(row)
    return out


def _gutter(rows: list[list[dict]], width: float, height: float) -> Optional[tuple[float, float]]:
    """The empty vertical strip of a two-column page, or None for a one-column page."""
    body = [c for r in rows for c in r if 0.08 * height < c["top"] < 0.92 * height and not c["text"].isspace()]
    if len(body) < 200:
        return None
    lo, hi = int(0.35 * width), int(0.65 * width)
    cov = [0] * (hi - lo + 1)
    for c in body:
        a, b = max(int(c["x0"]), lo), min(int(c["x1"]), hi)
        for x in range(a, b + 1):
            cov[x - lo] += 1
    left = sum(1 for c in body if c["x1"] < 0.5 * width)
    right = sum(1 for c in body if c["x0"] > 0.5 * width)
    if left < 0.25 * len(body) or right < 0.25 * len(body):
        return None
    sizes = Counter(round(_size(c)) for c in body)
    em = sizes.most_common(1)[0][0] or 10
    limit = max(2, 0.01 * len(body))
    best = None
    start = None
    for i, v in enumerate(cov + [limit + 1]):
        if v <= limit:
            if start is None:
                start = i
        elif start is not None:
            if best is None or (i - start) > (best[1] - best[0]):
                best = (start, i)
            start = None
    if best is None or (best[1] - best[0]) < 0.8 * em:
        return None
    return (lo + best[0], lo + best[1])


def _line_from(allchars: list[dict]) -> Line:
    allchars = sorted(allchars, key=lambda c: c["x0"])
    chars = [c for c in allchars if not c["text"].isspace()] or allchars
    parts: list[str] = []
    prev = None
    sizes: Counter = Counter()
    spaced = False
    for c in allchars:
        t = c["text"]
        if t.isspace():
            spaced = True
            continue
        if prev is not None:
            gap = c["x0"] - prev["x1"]
            s = min(_size(c), _size(prev))
            if gap >= 1.5 * s:
                parts.append("  ")
            elif gap > 0.2 * s or spaced:
                parts.append(" ")
        spaced = False
        parts.append(t)
        sizes[round(_size(c), 1)] += 1
        prev = c
    return Line(
        text="".join(parts),
        x0=round(min(c["x0"] for c in chars), 2),
        x1=round(max(c["x1"] for c in chars), 2),
        top=round(min(c["top"] for c in chars), 2),
        bottom=round(max(c["bottom"] for c in chars), 2),
        size=sizes.most_common(1)[0][0],
    )


def lines_from_chars(chars: list[dict], width: float, height: float) -> list[Line]:
    """Reading-order lines of one page from pdfplumber characters."""
    chars = [
        (dict(c, text="\ufffd") if len(c["text"]) > 1 and c["text"].startswith("(cid:") else c)
        for c in chars
        if c.get("text")
        and c["x1"] > -1 and c["x0"] < width + 1 and c["bottom"] > -1 and c["top"] < height + 1
    ]
    if not any(not c["text"].isspace() for c in chars):
        return []
    rows = [r for r in _merge_shifted(_rows(chars)) if any(not c["text"].isspace() for c in r)]
    g = _gutter(rows, width, height)
    if g is None:
        return [_line_from(r) for r in rows]
    g0, g1 = g
    mid = (g0 + g1) / 2
    out: list[Line] = []
    band_l: list[list[dict]] = []
    band_r: list[list[dict]] = []

    def flush():
        out.extend(_line_from(r) for r in band_l)
        out.extend(_line_from(r) for r in band_r)
        band_l.clear()
        band_r.clear()

    for r in rows:
        crossing = any(c["x0"] < mid < c["x1"] or (g0 + 1 < c["x0"] < g1 - 1) for c in r)
        lpart = [c for c in r if c["x1"] <= mid]
        rpart = [c for c in r if c["x0"] >= mid]
        if not crossing and lpart and rpart:
            gap = min(c["x0"] for c in rpart) - max(c["x1"] for c in lpart)
            em = min(_size(c) for c in r)
            crossing = gap < 0.6 * em  # one line that merely straddles the middle
        if crossing:
            flush()
            out.append(_line_from(r))
            continue
        if lpart:
            band_l.append(lpart)
        if rpart:
            band_r.append(rpart)
    flush()
    return out


def _ruled_tables(page) -> list:
    """Tables drawn with rules (a contents page, a colophon, an attachment's form): ≥2 rows and columns."""
    if len(page.lines) + len(page.rects) < 6:
        return []
    try:
        found = page.find_tables()
    except Exception:  # pdfplumber's table finder on odd geometry: read the page as lines
        return []
    return [t for t in found if len(t.rows) >= 2 and max(len(r.cells) for r in t.rows) >= 2]


def _cell_text(chars: list[dict]) -> str:
    """A table cell's text: its own lines joined (no space between CJK, one between Latin words)."""
    lines = [_line_from(r).text for r in _merge_shifted(_rows(chars)) if any(not c["text"].isspace() for c in r)]
    out = ""
    for t in lines:
        t = t.strip()
        if out and t and out[-1].isascii() and out[-1].isalnum() and t[0].isascii() and t[0].isalnum():
            out += " "
        out += t
    return out


def _page_lines_pdfplumber(page, w: float, h: float) -> list[Line]:
    chars = page.chars
    tables = _ruled_tables(page)
    if not tables:
        return lines_from_chars(chars, w, h)

    def inside(c, box, pad=1.0):
        x0, top, x1, bottom = box
        cx, cy = (c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2
        return x0 - pad <= cx <= x1 + pad and top - pad <= cy <= bottom + pad

    rows_out: list[Line] = []
    for number, t in enumerate(tables):
        for row in t.rows:
            cells = []
            sizes: Counter = Counter()
            for box in row.cells:
                if box is None:
                    continue
                cc = [c for c in chars if c.get("text") and inside(c, box, 0.5)]
                for c in cc:
                    sizes[round(_size(c), 1)] += 1
                text = _cell_text(cc) if cc else ""
                if text:
                    cells.append(text)
            if cells:
                x0, top, x1, bottom = row.bbox
                rows_out.append(Line(text="  ".join(cells), x0=round(x0, 2), x1=round(x1, 2), top=round(top, 2),
                                     bottom=round(bottom, 2), size=sizes.most_common(1)[0][0] if sizes else None,
                                     table=number))
    rest = [c for c in chars if not any(inside(c, t.bbox) for t in tables)]
    lines = lines_from_chars(rest, w, h)
    for r in rows_out:  # rows go where they stand on the page
        k = next((i for i, l in enumerate(lines) if l.top is not None and l.top > r.top), len(lines))
        lines.insert(k, r)
    return lines


def _open_pdfplumber(data: bytes, path: Optional[str]):
    import pdfplumber

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        n = len(pdf.pages)
    except Exception as e:  # pdfminer raises many kinds for broken files
        raise _open_error(e, path) from None
    return pdf, n


def _read_pdfplumber_page(pdf, i: int, path: Optional[str]) -> tuple[list[Line], float, float, bool]:
    page = pdf.pages[i]
    try:
        w, h = float(page.width), float(page.height)
        lines = _page_lines_pdfplumber(page, w, h)
        has_image = bool(page.images) if not lines else False
    except Exception as e:
        raise ReadError(f"cannot read page {i + 1}: {_short(e)}", file=path, page=i + 1) from None
    finally:
        page.close()
        _release(pdf, page)
    return lines, w, h, has_image


def _pages_pdfplumber(data: bytes, path: Optional[str]) -> Iterator[_Page]:
    pdf, n = _open_pdfplumber(data, path)
    try:
        for i in range(n):
            lines, w, h, has_image = _read_pdfplumber_page(pdf, i, path)
            if i % 8 == 7:
                gc.collect()  # pdfminer's page objects form cycles: free them as we go, not at the end
            yield i + 1, lines, w, h, has_image, "pdfplumber", (0, "")
    finally:
        pdf.close()


def _release(pdf, page) -> None:
    """Let go of a finished page's decoded content streams (pdfminer keeps them until the end)."""
    try:
        page.page_obj.contents = []
        pdf.doc._cached_objs.clear()
    except AttributeError:  # another pdfminer version: memory is then its business
        pass


# ---------------------------------------------------------------------------------------------
# pypdfium2: pdfium's text lines


def _open_pdfium(data: bytes, path: Optional[str]):
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
        n = len(pdf)
    except Exception as e:
        raise _open_error(e, path) from None
    return pdf, n


def _pdfium_page(pdf, i: int, path: Optional[str]):
    try:
        return pdf[i]
    except Exception as e:
        raise ReadError(f"cannot read page {i + 1}: {_short(e)}", file=path, page=i + 1) from None


def _read_pdfium_page(page, raw) -> tuple[list[Line], float, float, bool, tuple[int, str]]:
    """(lines, width, height, whether the page has an image, unread text objects (count, fonts))."""
    w, h = page.get_size()
    tp = page.get_textpage()
    try:
        lines = _pdfium_lines(tp, raw, w, h)
        unread = _unread_text_objects(page, tp, raw) if lines and _outlineless(tp) else (0, "")
    finally:
        tp.close()
    has_image = False
    if not lines:
        has_image = any(True for _ in page.get_objects(filter=(raw.FPDF_PAGEOBJ_IMAGE,), max_depth=2))
    return lines, float(w), float(h), has_image, unread


# How many of a page's first non-space characters are looked at to tell whether its glyphs have outlines,
# and the height (points) below which a character's tight box is flat: no outline (pdfium gives 0.01).
_OUTLINE_PROBE = 5
_FLAT = 0.5


def _outlineless(tp) -> bool:
    """Whether the page's first characters have no glyph outlines (tight boxes of zero height).

    That is what pdfium gives for a font that is neither embedded nor installed (a bare
    STSong-Light reference on a machine without CJK fonts); on such pages pdfium's text page also
    leaves out every text object of a single glyph, so punctuation drawn on its own (、，。) and
    one-character lines vanish. The test costs a few calls per page; only pages that fail it are
    searched for the text objects it left out (``_unread_text_objects``).
    """
    n = tp.count_chars()
    seen = 0
    for i in range(min(n, 200)):
        try:
            l, b, r, t = tp.get_charbox(i)
        except Exception:
            return False
        if r - l <= 0 and t - b < _FLAT:
            continue  # a space or a generated character: says nothing
        if t - b >= _FLAT:
            return False
        seen += 1
        if seen >= _OUTLINE_PROBE:
            return True
    return seen > 0


def _unread_text_objects(page, tp, raw) -> tuple[int, str]:
    """(text objects on the page whose text pdfium's text page does not give, their fonts' names)."""
    import ctypes

    count, fonts = 0, set()
    for obj in page.get_objects(filter=(raw.FPDF_PAGEOBJ_TEXT,), max_depth=8):
        if raw.FPDFTextObj_GetText(obj.raw, tp.raw, None, 0) > 2:  # more than the terminator
            continue
        count += 1
        font = raw.FPDFTextObj_GetFont(obj.raw)
        if font:
            size = raw.FPDFFont_GetBaseFontName(font, None, 0)
            if size > 0:
                buf = ctypes.create_string_buffer(size)
                raw.FPDFFont_GetBaseFontName(font, buf, size)
                fonts.add(buf.value.decode("latin-1", "replace"))
    return count, ", ".join(sorted(fonts))


def _pages_pdfium(data: bytes, path: Optional[str]) -> Iterator[_Page]:
    import pypdfium2.raw as raw

    pdf, n = _open_pdfium(data, path)
    try:
        for i in range(n):
            page = _pdfium_page(pdf, i, path)
            try:
                lines, w, h, has_image, unread = _read_pdfium_page(page, raw)
            finally:
                page.close()
            yield i + 1, lines, w, h, has_image, "pdfium", unread
    finally:
        pdf.close()


def _pages_auto(data: bytes, path: Optional[str]) -> Iterator[_Page]:
    """pdfium for every page, pdfplumber (opened on the first such page) for pages with rules."""
    import pypdfium2.raw as raw

    pdf, n = _open_pdfium(data, path)
    careful = None
    try:
        for i in range(n):
            page = _pdfium_page(pdf, i, path)
            try:
                ruled = ruled_page(page, raw)
                unread = (0, "")
                if not ruled:
                    lines, w, h, has_image, unread = _read_pdfium_page(page, raw)
            finally:
                page.close()
            if ruled:
                if careful is None:
                    careful = _open_pdfplumber(data, path)[0]
                lines, w, h, has_image = _read_pdfplumber_page(careful, i, path)
            yield i + 1, lines, w, h, has_image, "pdfplumber" if ruled else "pdfium", unread
    finally:
        pdf.close()
        if careful is not None:
            careful.close()


# A ruled table needs this many rules (lines and rectangles) on the page — pdfplumber's threshold for
# looking for tables at all (see _ruled_tables) — and two horizontal and two vertical edges.
_MIN_RULES = 6
_AXIS = 0.5  # points: how far an edge's ends may differ across its direction and still be straight


def ruled_page(page, raw) -> bool:
    """Whether pdfium's page objects hold rules that pdfplumber could make a ruled table of.

    Mirrors how pdfminer sorts a path's subpaths: two points make a line, four or five straight
    axis-aligned points closing on themselves a rectangle (both count as rules), anything else a
    curve, whose straight axis-aligned pieces still give edges. Forms are looked into. The test
    errs towards yes: a page wrongly sent to pdfplumber only costs time.
    """
    import ctypes

    x, y = ctypes.c_float(), ctypes.c_float()
    closed = raw.FPDFPathSegment_GetClose
    counts = [0, 0, 0]  # rules, horizontal edges, vertical edges

    def edge(p, q):
        if abs(p[1] - q[1]) <= _AXIS and abs(p[0] - q[0]) > _AXIS:
            counts[1] += 1
        elif abs(p[0] - q[0]) <= _AXIS and abs(p[1] - q[1]) > _AXIS:
            counts[2] += 1

    def subpath(pts, curved, close):
        if curved or len(pts) < 2:
            if len(pts) >= 2:
                for p, q in zip(pts, pts[1:]):
                    edge(p, q)
            return
        if close and pts[-1] != pts[0]:
            pts = pts + [pts[0]]
        if len(pts) == 2:
            counts[0] += 1
        elif len(pts) == 5 and pts[-1] == pts[0] and all(
                abs(p[0] - q[0]) <= _AXIS or abs(p[1] - q[1]) <= _AXIS for p, q in zip(pts, pts[1:])):
            counts[0] += 1
        for p, q in zip(pts, pts[1:]):
            edge(p, q)

    def path(obj):
        pts: list = []
        curved = close = False
        for k in range(raw.FPDFPath_CountSegments(obj)):
            seg = raw.FPDFPath_GetPathSegment(obj, k)
            kind = raw.FPDFPathSegment_GetType(seg)
            if kind == raw.FPDF_SEGMENT_MOVETO:
                subpath(pts, curved, close)
                pts, curved, close = [], False, False
            elif kind != raw.FPDF_SEGMENT_LINETO:
                curved = True
            raw.FPDFPathSegment_GetPoint(seg, x, y)
            pts.append((round(x.value, 2), round(y.value, 2)))
            close = close or bool(closed(seg))
        subpath(pts, curved, close)

    page_get, form_get, get_type = _object_calls(raw)
    as_obj = raw.FPDF_PAGEOBJECT
    path_kind, form_kind = raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_FORM

    def objects(handle, get, count, depth):
        # the kinds of all objects in one pass of map() (a page holds hundreds of text objects,
        # which are only asked their kind); then the paths and forms, in order
        kinds = list(map(get_type, map(get, itertools.repeat(handle, count), range(count))))
        if path_kind not in kinds and form_kind not in kinds:
            return False
        for k in range(count):
            kind = kinds[k]
            if kind != path_kind and kind != form_kind:
                continue
            obj = get(handle, k)
            if kind == path_kind:
                path(ctypes.cast(obj, as_obj))
            elif kind == form_kind and depth < 8:
                form = ctypes.cast(obj, as_obj)
                if objects(obj, form_get, raw.FPDFFormObj_CountObjects(form), depth + 1):
                    return True
            else:
                continue
            if counts[0] >= _MIN_RULES and counts[1] >= 2 and counts[2] >= 2:
                return True
        return False

    handle = ctypes.cast(page.raw, ctypes.c_void_p).value
    return objects(handle, page_get, raw.FPDFPage_CountObjects(page), 0)


@functools.lru_cache(maxsize=None)
def _object_calls(raw):
    """FPDFPage_GetObject, FPDFFormObj_GetObject and FPDFPageObj_GetType on plain addresses.

    A page holds hundreds of text objects that ``ruled_page`` only asks the type of; ctypes'
    argument conversion for the typed bindings costs more than the calls, so these three go
    untyped (void pointers in and out). They are quick getters, so they keep the GIL
    (PYFUNCTYPE): releasing and taking it again for each would cost more than the call.
    """
    import ctypes

    def untyped(fn, restype, *argtypes):
        return ctypes.PYFUNCTYPE(restype, *argtypes)(ctypes.cast(fn, ctypes.c_void_p).value)

    vp, i = ctypes.c_void_p, ctypes.c_int
    return (untyped(raw.FPDFPage_GetObject, vp, vp, i), untyped(raw.FPDFFormObj_GetObject, vp, vp, ctypes.c_ulong),
            untyped(raw.FPDFPageObj_GetType, i, vp))


class _Geometry:
    """A text page's character boxes and printed font sizes, asked of pdfium directly.

    A page asks for a hundred or more boxes and sizes (each line's first and last character, the
    sides of its gaps). pypdfium2's ``get_charbox`` builds a ctypes structure and looks the handle
    up on every call, which costs several times the call itself; here one box and one matrix are
    allocated per page and the handle is passed as it is. The values are pdfium's, unchanged.
    """

    def __init__(self, tp, raw):
        import ctypes

        self.tp = tp
        self.handle = tp.raw
        self._rect = raw.FS_RECTF()
        self._rect_ref = ctypes.byref(self._rect)
        self._matrix = raw.FS_MATRIX()
        self._matrix_ref = ctypes.byref(self._matrix)
        self._loose_box = raw.FPDFText_GetLooseCharBox
        self._font_size = raw.FPDFText_GetFontSize
        self._get_matrix = raw.FPDFText_GetMatrix

    def loose_box(self, i: int) -> tuple[float, float, float, float]:
        """(left, bottom, right, top) of character i's font box, as ``tp.get_charbox(i, loose=True)``."""
        if not self._loose_box(self.handle, i, self._rect_ref):
            from pypdfium2 import PdfiumError

            raise PdfiumError("Failed to get charbox.")
        r = self._rect
        return r.left, r.bottom, r.right, r.top

    def size(self, i: int) -> float:
        """Font size as printed: the font's size scaled by the character's matrix."""
        size = float(self._font_size(self.handle, i))
        if self._get_matrix(self.handle, i, self._matrix_ref):
            m = self._matrix
            scale = abs(m.a * m.d - m.b * m.c) ** 0.5
            if scale > 0:
                size *= scale
        return size


def _pdfium_lines(tp, raw, w: float, h: float) -> list[Line]:
    text = tp.get_text_range()
    if not text.strip():
        return []
    geo = _Geometry(tp, raw)
    out: list[Line] = []
    pos = 0  # pdfium counts UTF-16 units: a character beyond the BMP takes two indices

    if _ASTRAL_RX.search(text):
        def units(t: str) -> int:
            return len(t) + len(_ASTRAL_RX.findall(t))
    else:
        units = len

    for seg in text.split("\n"):
        start = pos
        pos += units(seg) + 1
        body = seg.rstrip("\r")
        s = len(body) - len(body.lstrip())
        e = len(body.rstrip())
        if e <= s:
            continue
        i = start + units(body[:s])
        j = start + units(body[:e - 1])
        try:
            l0, b0, r0, t0 = geo.loose_box(i)
            l1, b1, r1, t1 = geo.loose_box(j)
            size = geo.size(i)
        except Exception:
            out.append(Line(body.strip()))
            continue
        if abs(t0 - t1) > 1.2 * max(size, 1.0) or r1 < l0:
            # pdfium ran two lines together (content order): split by the characters' positions
            out.extend(_pdfium_split(geo, body, i, w, h))
            continue
        x0, x1 = min(l0, l1), max(r0, r1)
        if x0 > w + 1 or x1 < -1:
            continue  # outside the page (printers' marks)
        line_text = body[s:e]
        if " " in line_text:
            line_text = _pdfium_wide_gaps(geo, line_text, i, size, units)
        out.append(Line(text=line_text, x0=round(x0, 2), x1=round(x1, 2), top=round(h - max(t0, t1), 2),
                        bottom=round(h - min(b0, b1), 2), size=round(size, 1) or None))
    return out


_SPACE_RUN = re.compile(r" +")


def _pdfium_wide_gaps(geo: _Geometry, text: str, i: int, size: float, units) -> str:
    """Mark a gap of 1.5 em or more with two spaces (joint issuers side by side), as pdfplumber does."""
    out = []
    pos = 0
    for m in _SPACE_RUN.finditer(text):
        a, b = m.start(), m.end()
        out.append(text[pos:a])
        pos = b
        try:
            left = geo.loose_box(i + units(text[:a]) - 1)
            right = geo.loose_box(i + units(text[:b]))
            wide = right[0] - left[2] >= 1.5 * max(size, 1.0)
        except Exception:
            wide = False
        out.append("  " if wide else " ")
    out.append(text[pos:])
    return "".join(out)


def _pdfium_split(geo: _Geometry, body: str, i: int, w: float, h: float) -> list[Line]:
    """The slow path for one pdfium line that holds text from several rows."""
    groups: list[list] = []  # [text, x0, x1, top_pdf, bottom_pdf, size]
    k = i
    for ch in body:
        n = 2 if ord(ch) > 0xFFFF else 1
        if ch.isspace():
            if groups:
                groups[-1][0] += ch
            k += n
            continue
        l, b, r, t = geo.loose_box(k)
        size = geo.size(k) or (t - b)
        g = groups[-1] if groups else None
        if g is not None and abs(g[3] - t) <= 0.6 * max(size, g[5]) and l >= g[1] - 1:
            g[0] += ch
            g[2] = max(g[2], r)
            g[4] = min(g[4], b)
        else:
            groups.append([ch, l, r, t, b, size])
        k += n
    out = []
    for text, x0, x1, t, b, size in groups:
        if not text.strip() or x0 > w + 1 or x1 < -1:
            continue
        out.append(Line(text=text.strip(), x0=round(x0, 2), x1=round(x1, 2), top=round(h - t, 2),
                        bottom=round(h - b, 2), size=round(size, 1) or None))
    return out


# ---------------------------------------------------------------------------------------------
# errors


def _short(e: Exception) -> str:
    msg = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    return msg[:160]


def _open_error(e: Exception, path: Optional[str]) -> ReadError:
    parts = []
    seen = e
    for _ in range(4):  # pdfplumber wraps pdfminer's PDFPasswordIncorrect in PdfminerException
        if seen is None:
            break
        parts.append(type(seen).__name__ + " " + str(seen))
        inner = [a for a in getattr(seen, "args", ()) if isinstance(a, BaseException)]
        seen = inner[0] if inner else (seen.__cause__ or seen.__context__)
    low = " ".join(parts).lower()
    if "password" in low or "encrypt" in low:
        return ReadError("encrypted PDF (password protected): cannot read", file=path)
    detail = _short(e)
    if detail == type(e).__name__ and len(parts) > 1:
        detail = parts[1].strip()[:160]
    return ReadError(f"corrupt or truncated PDF: {detail}", file=path)


def _check_header(data: bytes, path: Optional[str]) -> None:
    if data[:1024].find(b"%PDF-") == -1:
        head = data[:16].decode("latin-1", errors="replace")
        raise ReadError(f"not a PDF: the content starts with {head!r}, not %PDF-", file=path)
    if b"/Encrypt" in data[-4096:] or b"/Encrypt" in data[:4096]:
        pass  # pdfium and pdfminer open files with an empty user password; others fail below


# ---------------------------------------------------------------------------------------------
# OCR


def _needs_ocr_warning(index: int, reason: str, ocr: str) -> Warning:
    why = f"page {index}: {reason}; its text is not read"
    why += " (OCR disabled by --ocr never)" if ocr == "never" else f" — to OCR it, {_OCR_HINT}"
    return Warning(code="needs-ocr", page_index=index, message=why)


def _ocr_module():
    try:
        from .. import ocr  # noqa: F401  (owned by the OCR stage; may not exist yet)
    except Exception:
        return None
    return ocr


def _backend_label(backend: str, used: Counter) -> str:
    """What read the pages: the forced reader, "pdfium", or "pdfium+pdfplumber:N pages"."""
    if backend != "auto":
        return backend
    n = used["pdfplumber"]
    if not n:
        return "pdfium"
    return f"pdfium+pdfplumber:{n} page{'s' if n != 1 else ''}"


MAX_PAGE_CONTENT = 100 * 1024 * 1024  # decoded bytes of one page's drawing instructions


_STREAM = re.compile(rb"(?<!end)stream[^\r\n]{0,64}(?:\r\n|\r|\n)")


def _inflated_bound(data: bytes, budget: int) -> int:
    """How many bytes the file's deflated streams inflate to, counting stops past ``budget``.

    Each ``stream`` keyword is followed by its data; when that data is a zlib stream it is inflated
    in 1 MB chunks up to zlib's own end of stream (so no ``/Length`` or ``endstream`` inside the
    data can shorten it) and the scan resumes after it. A keyword inside compressed data can at
    worst add a spurious stream, which only raises the bound.
    """
    import zlib

    total = 0
    view = memoryview(data)
    pos = 0
    while total <= budget:
        m = _STREAM.search(data, pos)
        if not m:
            break
        start = pos = m.end()
        if len(data) - start < 2 or data[start] & 0x0F != 8 or ((data[start] << 8) | data[start + 1]) % 31:
            continue
        inflate = zlib.decompressobj()
        end = start
        try:
            while not inflate.eof and end < len(data) and total <= budget:
                piece = view[end:end + (1 << 16)]  # input in pieces: unused_data stays small
                end += len(piece)
                total += len(inflate.decompress(piece, 1 << 20))
                while inflate.unconsumed_tail and not inflate.eof and total <= budget:
                    total += len(inflate.decompress(inflate.unconsumed_tail, 1 << 20))
        except zlib.error:
            continue
        if inflate.eof:
            pos = end - len(inflate.unused_data) - len(inflate.unconsumed_tail)
    return total


def check_content_size(data: bytes, path: Optional[str], limit: int = MAX_PAGE_CONTENT) -> None:
    """ReadError for a page whose content streams decode to more than ``limit`` bytes.

    A few hundred KB of deflated content can hold 200 million glyphs, which a reader turns into
    gigabytes of objects. The streams are inflated here in chunks and only counted (nothing is
    kept), so the check stops a bomb before the reader builds it. Files pdfminer cannot walk are
    left to the reader, which reports them.

    Walking the pages with pdfminer costs about 0.25 s for a 41-page gazette, so a cheap bound
    comes first (``_inflated_bound``): every deflated stream in the file, found by its ``stream``
    keyword, inflated by zlib in C and counted, plus the whole file's size for streams that are not
    deflated. No page's content can exceed that sum, so when it is within ``limit`` the file is
    passed without the walk; only files that could be a bomb (or hold over ``limit`` of deflated
    images and fonts) are walked page by page.
    """
    import zlib

    if _inflated_bound(data, limit - len(data)) + len(data) <= limit:
        return
    try:
        from pdfminer.pdfdocument import PDFDocument
        from pdfminer.pdfpage import PDFPage
        from pdfminer.pdfparser import PDFParser
        from pdfminer.pdftypes import PDFStream, resolve1

        doc = PDFDocument(PDFParser(io.BytesIO(data)))
        pages = PDFPage.create_pages(doc)
    except Exception:
        return
    number = 0
    while True:
        try:
            page = next(pages)
        except StopIteration:
            return
        except Exception:
            return
        number += 1
        total = 0
        try:
            for ref in page.contents or []:
                stream = resolve1(ref)
                if not isinstance(stream, PDFStream):
                    continue
                raw = stream.rawdata if stream.rawdata is not None else b""
                filters = [f[0] if isinstance(f, tuple) else f for f in stream.get_filters()]
                names = [str(getattr(f, "name", f)) for f in filters]
                if names and names[0] in ("FlateDecode", "Fl"):  # the first stage: inflate and count
                    inflate = zlib.decompressobj()
                    chunk = inflate.decompress(raw, 1 << 20)
                    while chunk:
                        total += len(chunk)
                        if total > limit:
                            break
                        chunk = inflate.decompress(inflate.unconsumed_tail, 1 << 20)
                else:
                    total += len(raw)
                if total > limit:
                    break
        except Exception:
            continue
        if total > limit:
            raise ReadError(f"holds over {limit // 2**20} MB of drawing instructions "
                            "(a compressed bomb or a broken file); not read", file=path, page=number)


def read_pdf(data: bytes, path: Optional[str], sha256: str, backend: str = "auto", ocr: str = "auto",
             ocr_jobs: int = 1) -> Source:
    """``ocr_jobs`` pages are OCR'd at a time (0 = one per CPU); the batch runner passes its share."""
    if backend not in BACKENDS:
        raise ReadError(f"unknown PDF backend {backend!r} (choose {', '.join(BACKENDS)})", file=path)
    if ocr not in OCR_MODES:
        raise ReadError(f"unknown OCR mode {ocr!r} (choose {', '.join(OCR_MODES)})", file=path)
    _check_header(data, path)
    check_content_size(data, path)
    reader = {"auto": _pages_auto, "pdfium": _pages_pdfium, "pdfplumber": _pages_pdfplumber}[backend]
    used: Counter = Counter()
    pages: list[Page] = []
    warnings: list[Warning] = []
    ocr_mod = None
    ocr_ready: Optional[bool] = None
    to_ocr: list[int] = []  # positions in ``pages`` whose page goes to OCR, all at once below
    for index, lines, w, h, has_image, which, (unread, fonts) in reader(data, path):
        used[which] += 1
        reason: Optional[str] = None
        if not lines:
            reason = "no text layer" if has_image else None
        else:
            reason = text_quality("".join(l.text for l in lines))
            if reason is None:
                lines = [l for l in lines if not _soup_line(l.text)]
        if reason is not None:
            lines = []
        # a page whose text page left text objects out is read by OCR where it can be; otherwise its
        # partial text is kept and the loss reported (see _outlineless)
        partial = bool(unread) and reason is None
        want_ocr = ocr == "always" or (ocr == "auto" and (reason is not None or partial))
        if want_ocr and ocr_ready is None:
            ocr_mod = _ocr_module()
            try:
                ocr_ready = bool(ocr_mod and ocr_mod.available())
            except Exception:
                ocr_ready = False
        if partial:
            plural = "s" if unread != 1 else ""
            if want_ocr and ocr_ready:
                done = "read by OCR instead"
            elif ocr == "never":
                done = "their text is missing from this page (OCR disabled by --ocr never)"
            else:
                done = f"their text is missing from this page — to OCR it, {_OCR_HINT}"
            warnings.append(Warning(code="text-unread", page_index=index,
                                    message=f"page {index}: {unread} text object{plural} gave no text (font "
                                            f"{fonts or 'unnamed'} is neither embedded nor installed, and single "
                                            f"glyphs such as punctuation are left out); {done}"))
        if want_ocr and ocr_ready:
            to_ocr.append(len(pages))
        elif reason is not None:
            warnings.append(_needs_ocr_warning(index, reason, ocr))
        pages.append(Page(index=index, lines=tuple(lines), width=w, height=h, needs_ocr=reason))
    if to_ocr:
        results = ocr_mod.ocr_pages(data, [pages[i].index for i in to_ocr], jobs=ocr_jobs,
                                    return_exceptions=True)
        for pos, result in zip(to_ocr, results):
            page = pages[pos]
            if isinstance(result, BaseException):
                warnings.append(Warning(code="ocr-failed", page_index=page.index,
                                        message=f"OCR of page {page.index} failed: {_short(result)}"))
                if page.needs_ocr is not None:
                    warnings.append(_needs_ocr_warning(page.index, page.needs_ocr, ocr))
                continue
            olines, conf = result
            if page.needs_ocr == "implausible text":
                warnings.append(Warning(code="implausible-text", page_index=page.index,
                                        message=f"page {page.index}: its text layer is implausible "
                                                "(glyphs mapped to the wrong characters); read by OCR instead"))
            pages[pos] = Page(index=page.index, lines=tuple(olines), width=page.width, height=page.height,
                              source="ocr", confidence=conf, needs_ocr=page.needs_ocr)
    if ocr == "always" and ocr_ready is False:
        warnings.insert(0, Warning(code="ocr-unavailable",
                                   message=f"--ocr always, but OCR is not available: {_OCR_HINT}"))
    if not pages:
        raise ReadError("PDF has no pages", file=path)
    if not any(p.lines for p in pages):
        bad = tuple(p.index for p in pages if p.needs_ocr)
        if bad:
            kinds = ", ".join(sorted({p.needs_ocr for p in pages if p.needs_ocr}))
            if ocr == "never":
                how = "OCR is off (--ocr never); run with --ocr auto to read it"
            elif ocr_ready:
                how = "OCR found no text either"
            else:
                how = _OCR_HINT
            raise NeedsOCR(f"no usable text layer ({kinds}); {how}", file=path, pages=bad)
        raise NeedsOCR("no text on any page", file=path, pages=tuple(p.index for p in pages))
    info = SourceInfo(path=path, format="pdf", sha256=sha256, size=len(data), pages=len(pages),
                      backend=_backend_label(backend, used))
    return Source(info=info, pages=tuple(pages), warnings=tuple(warnings))
