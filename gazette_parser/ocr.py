"""OCR for PDF pages with no usable text layer (scans, fonts without a ToUnicode map).

The PDF reader calls :func:`ocr_page` (or :func:`ocr_pages` for several pages) when a page is
flagged as scanned or garbled and ``--ocr`` is ``auto``/``always`` and :func:`available` is true.

How a page is recognised (every number below is a setting in ``grammars/ocr.toml``):

1. render it with pypdfium2 in grey at ``dpi`` (300 by default). Pages larger than A4 (scans often
   declare 1 px = 1 pt) get A4's pixel budget, and image-only pages are never rendered beyond
   ``max_upscale`` times the scan's own resolution;
2. clean the image: everything lighter than ``min(threshold_max, background - background_margin)``
   goes white (light watermarks drop out), ink goes black (typeset pages) or keeps its grey (scans),
   and long straight rules (table borders, the red rule under a 文号) are erased;
3. run Tesseract (``pytesseract.image_to_data``) once on the page as one block (psm 6), or with
   its layout analysis (psm 3) when the page is set in columns; a page that reads very badly is
   checked for orientation (OSD) and read again upright;
4. re-recognise the lines that read badly (low confidence, or Latin noise on a Chinese page) with
   a few variants (Chinese only, widened for condensed 红头 fonts, darker threshold for seals),
   all bad lines stacked in one image per variant, and keep each line's best reading;
5. drop rule/noise lines, join words (no spaces between CJK characters) and apply the repairs
   (〔〕 in 文号, 一、 and （一） markers, full-width punctuation, dates, page footers ...), the
   vocabulary correction (``correct``) and, over the page, ``restore_markers`` ("二强化" between
   "（一）" and "（三）" is "（二）强化").

Lines carry geometry in PDF points (origin top-left, like pdfplumber). The page confidence is the
mean Tesseract word confidence (0-100) of the lines kept. Everything is deterministic: Tesseract is
run single-threaded (``OMP_THREAD_LIMIT=1`` unless the caller set it) and no clock is read.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Iterable, Optional, Sequence

import regex

from .chars import HAN_RX
from .errors import NeedsOCR, ReadError
from .model import Line
from .resources import compiled, load_grammar

DEFAULT_LANG = "chi_sim+eng"
INSTALL_HINT = (
    "install Tesseract with Simplified Chinese (Debian/Ubuntu: apt-get install tesseract-ocr "
    "tesseract-ocr-chi-sim tesseract-ocr-eng; macOS: brew install tesseract tesseract-lang) "
    "and pip install pytesseract"
)

# pdfium is not thread-safe: every call into it (open, render) holds this lock.
_PDFIUM_LOCK = threading.Lock()

_LATIN = regex.compile(r"[A-Za-z]")
_DIGIT = regex.compile(r"\d")


# ----------------------------------------------------------------------------------------------
# availability


def _pytesseract():
    try:
        import pytesseract
    except ImportError:  # pragma: no cover - pytesseract is in the [ocr] extra
        return None
    return pytesseract


@functools.lru_cache(maxsize=None)
def _languages(cmd: str) -> tuple[str, ...]:
    """The traineddata installed for the tesseract binary ``cmd`` (empty when it does not run)."""
    pt = _pytesseract()
    if pt is None:
        return ()
    if not (shutil.which(cmd) or (os.path.isfile(cmd) and os.access(cmd, os.X_OK))):
        return ()
    try:
        return tuple(sorted(pt.get_languages(config="")))
    except Exception:  # binary broken, not runnable, ...: OCR is simply not available
        return ()


def _cmd() -> str:
    pt = _pytesseract()
    return "" if pt is None else str(pt.pytesseract.tesseract_cmd)


def available() -> bool:
    """True when the tesseract binary runs and has the chi_sim model (checked once per binary)."""
    return "chi_sim" in _languages(_cmd())


def usable_lang(lang: str) -> str:
    """``lang`` without the models that are not installed ("chi_sim+eng" → "chi_sim" when English
    is missing); "" when none is."""
    have = set(_languages(_cmd()))
    return "+".join(part for part in lang.split("+") if part in have)


available.cache_clear = _languages.cache_clear  # type: ignore[attr-defined]


# ----------------------------------------------------------------------------------------------
# configuration (grammars/ocr.toml)


@dataclass(frozen=True)
class _Repair:
    name: str
    pattern: "regex.Pattern"
    replace: Optional[str]
    table: Optional[dict]

    def apply(self, text: str) -> str:
        if self.table is not None:
            table = self.table
            return self.pattern.sub(
                lambda m: "".join(table.get(c, c) for c in m.group(0) if not c.isspace()), text
            )
        return self.pattern.sub(self.replace, text)


def _config() -> dict:
    return load_grammar("ocr.toml")


def _repairs() -> tuple[_Repair, ...]:
    return compiled("ocr.toml", _compile_repairs)


def _compile_repairs(cfg: dict) -> tuple[_Repair, ...]:
    out = []
    for r in cfg.get("repair", []):
        table = None
        if "translate" in r:
            src, dst = r["translate"]
            table = dict(zip(src, dst))
        out.append(_Repair(r["name"], regex.compile(r["pattern"], regex.V0), r.get("replace"), table))
    return tuple(out)


def _noise_line() -> "regex.Pattern":
    return compiled("ocr.toml", _compile_noise_line)


def _compile_noise_line(cfg: dict) -> "regex.Pattern":
    return regex.compile(cfg["tesseract"]["noise_line"])


def repair(text: str) -> str:
    """Apply the OCR repairs of grammars/ocr.toml, in order, to one line of OCR text."""
    for r in _repairs():
        text = r.apply(text)
    return text.strip()


def _vocabulary() -> tuple[dict[str, str], dict[str, str], frozenset[int]]:
    """(look-alike → group head, normal form → word, word lengths) for ``correct``."""
    # the registry and document.toml feed the word list, so their contents are part of the key
    return compiled(("ocr.toml", "document.toml", "units.toml", "units_standard.toml"), _compile_vocabulary)


def _compile_vocabulary(ocr_cfg: dict, document: dict, *_registry: dict
                        ) -> tuple[dict[str, str], dict[str, str], frozenset[int]]:
    cfg = ocr_cfg.get("vocabulary", {})
    head: dict[str, str] = {}
    for group in cfg.get("confusable", []):
        for ch in group:
            head.setdefault(ch, group[0])
    min_len = int(cfg.get("min_length", 3))
    words: set[str] = set(cfg.get("words", []))
    try:
        from .units import load_registry

        reg = load_registry()
        words.update(reg.canonicals)
        words.update(a for a in reg.aliases.values())
        words.update(c + "公报" for c in reg.canonicals if c.endswith("人民政府"))
    except Exception:  # no registry: the configured words still help
        pass
    try:
        words.update(document["doc_type"]["types"])
    except (KeyError, TypeError):
        pass
    norm: dict[str, str] = {}
    ambiguous: set[str] = set()
    for w in words:
        if len(w) < min_len or not all(HAN_RX.match(c) for c in w):
            continue
        key = "".join(head.get(c, c) for c in w)
        if key in norm and norm[key] != w:
            ambiguous.add(key)
        norm[key] = w
    for key in ambiguous:
        del norm[key]
    return head, norm, frozenset(len(k) for k in norm)


def correct(text: str) -> str:
    """Known words back from their look-alike misreadings (see [vocabulary] in ocr.toml)."""
    head, norm, lengths = _vocabulary()
    if not norm or not any(c in head and head[c] != c for c in text):
        return text
    chars = list(text)
    folded = "".join(head.get(c, c) for c in text)
    i = 0
    while i < len(chars):
        for n in sorted((n for n in lengths if i + n <= len(chars)), reverse=True):  # longest first
            word = norm.get(folded[i:i + n])
            if word is not None and any(head.get(c, c) != c for c in chars[i:i + n]):
                chars[i:i + n] = list(word)
                i += n - 1
                break
        i += 1
    return "".join(chars)


_BARE_MARKER = regex.compile(r"^([一二三四五六七八九十]{1,3})(?=\p{Han})")


def restore_markers(texts: Sequence[str]) -> list[str]:
    """Clause markers whose punctuation OCR lost, put back where the page's other markers show it.

    A line that starts with a bare Chinese numeral N and an ideograph ("二强化监督") is the marker
    "（N）" when the same page has "（N-1）" on a line before it or "（N+1）" on a line after it, and
    "N、" likewise with "N-1、" / "N+1、". Words that start with a numeral (一是, 三年, 十分) are
    kept by [markers].not_before in ocr.toml: the character after the numeral may not be one of them.
    """
    from .numerals import parse_number, to_chinese

    cfg = _config().get("markers", {})
    not_before = set(cfg.get("not_before", ""))
    styles = (("（", "）"), ("", "、"))
    starts = []  # per line: the set of (style, value) of its well-formed marker
    for t in texts:
        found = set()
        for open_, close in styles:
            m = regex.match(rf"^{regex.escape(open_)}([一二三四五六七八九十]{{1,3}}){regex.escape(close)}", t)
            if m:
                found.add((close, int(parse_number(m.group(1)))))
        starts.append(found)
    out = list(texts)
    for i, t in enumerate(texts):
        m = _BARE_MARKER.match(t)
        if not m or t[m.end()] in not_before:
            continue
        try:
            n = int(parse_number(m.group(1)))
        except Exception:
            continue
        if to_chinese(n) != m.group(1):
            continue
        for open_, close in styles:
            before = any((close, n - 1) in s for s in starts[:i])
            after = any((close, n + 1) in s for s in starts[i + 1:])
            if before or after:
                out[i] = f"{open_}{m.group(1)}{close}{t[m.end():]}"
                break
    return out


# ----------------------------------------------------------------------------------------------
# rendering


def _render(pdf_bytes: bytes, page_index: int, dpi: int):
    """The page as a greyscale PIL image, the scale (pixels per PDF point) it was drawn at, and
    whether it is a scan (an image covers at least half of it)."""
    import pypdfium2 as pdfium

    cfg = _config()["render"]
    with _PDFIUM_LOCK:
        try:
            pdf = pdfium.PdfDocument(pdf_bytes)
        except Exception as e:  # pdfium raises PdfiumError for corrupt/encrypted files
            raise ReadError(f"cannot open PDF for OCR: {e}", page=page_index) from None
        try:
            n = len(pdf)
            if not 1 <= page_index <= n:
                raise ReadError(f"page {page_index} out of range (1-{n})", page=page_index)
            page = pdf[page_index - 1]
            width, height = page.get_size()
            scale = dpi / 72.0
            long_side = max(width, height, 1.0)
            scale = min(scale, dpi / 72.0 * cfg["a4_long_side_points"] / long_side)
            native = _image_scale(page, width, height)
            if native is not None:
                scale = min(scale, cfg["max_upscale"] * native)
            scale = max(scale, 0.5)
            bitmap = page.render(scale=scale, grayscale=True)
            image = bitmap.to_pil().convert("L")
            page.close()
        finally:
            pdf.close()
    return image, scale, native is not None


def _image_scale(page, width: float, height: float) -> Optional[float]:
    """Pixels per point of the largest image covering at least half the page, if any."""
    best = None
    area = max(width * height, 1.0)
    try:
        for obj in page.get_objects(max_depth=2):
            if obj.type != 3:  # FPDF_PAGEOBJ_IMAGE
                continue
            left, bottom, right, top = obj.get_bounds()
            w, h = right - left, top - bottom
            if w <= 0 or h <= 0 or w * h < area / 2:
                continue
            px_w, px_h = obj.get_px_size()
            s = max(px_w / w, px_h / h)
            best = s if best is None else max(best, s)
    except Exception:  # unusual objects: no cap, render at the dpi
        return None
    return best


def _binarise(image, scan: bool = False):
    """(page image for Tesseract, black-and-white mask): light background and watermarks go
    white, ink black (or kept grey with keep_grey), long straight rules are erased."""
    cfg = _config()["render"]
    hist = image.histogram()
    background = max(range(256), key=lambda v: (hist[v], v))
    if background < cfg["min_background"]:
        return image, image
    threshold = min(cfg["threshold_max"], background - cfg["background_margin"])
    mask = image.point([0 if v <= threshold else 255 for v in range(256)])
    keep_grey = cfg.get("keep_grey", "scans")
    keep_grey = scan if keep_grey == "scans" else bool(keep_grey)
    out = image.point([v if v <= threshold else 255 for v in range(256)]) if keep_grey else mask
    share = cfg.get("erase_rules", 0)
    if share:
        across, down = max(8, int(share * mask.width)), max(8, int(share * mask.height))
        if out is not mask:
            out = _erase_rules(mask, out, across, down)
        mask = _erase_rules(mask, mask, across, down)
        if not keep_grey:
            out = mask
    return out, mask


def _erase_runs(mask, target, length: int):
    """Whiten in ``target`` every horizontal run of ink of ``mask`` at least ``length`` pixels
    long. Runs are found with the ink grown by a pixel, so a slightly skewed (stair-stepped) rule
    still counts."""
    from PIL import Image, ImageFilter

    width = mask.width
    grown = mask.filter(ImageFilter.MinFilter(3)).tobytes()
    data = bytearray(target.tobytes())
    run = re.compile(b"\x00{%d,}" % length)
    for m in run.finditer(grown):
        start, end = m.start(), m.end()
        while start < end:  # cut at row ends: rows are contiguous in the buffer
            row_end = min(end, start - start % width + width)
            if row_end - start >= length:
                data[start:row_end] = b"\xff" * (row_end - start)
            start = row_end
    return Image.frombytes("L", target.size, bytes(data))


def _erase_rules(mask, target, across: int, down: int):
    """Table borders and rules (straight ink runs at least ``across`` pixels wide or ``down``
    pixels tall) whitened: Tesseract would read them as 一, | or ]."""
    from PIL import Image

    target = _erase_runs(mask, target, across)
    mask = _erase_runs(mask, mask, across)
    rot = Image.Transpose.ROTATE_90
    target = _erase_runs(mask.transpose(rot), target.transpose(rot), down)
    return target.transpose(Image.Transpose.ROTATE_270)


# ----------------------------------------------------------------------------------------------
# recognition


@dataclass
class _Word:
    text: str
    conf: float
    left: float
    top: float
    width: float
    height: float


@dataclass
class _OcrLine:
    words: list[_Word]

    @property
    def left(self) -> float:
        return min(w.left for w in self.words)

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def right(self) -> float:
        return max(w.left + w.width for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.top + w.height for w in self.words)

    @property
    def conf(self) -> float:
        return sum(w.conf for w in self.words) / len(self.words) if self.words else 0.0

    @property
    def raw(self) -> str:
        return " ".join(w.text for w in self.words)


def _tesseract_env() -> None:
    # One thread per tesseract process: deterministic, and polite on shared machines; parallelism
    # comes from running several pages at once (ocr_pages).
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")


def _image_to_lines(image, lang: str, psm: int) -> list[_OcrLine]:
    """Tesseract on an image: its words (with confidence and box, in image pixels) by line."""
    pt = _pytesseract()
    _tesseract_env()
    timeout = _config()["tesseract"].get("timeout", 0)
    try:
        data = pt.image_to_data(
            image, lang=lang, config=f"--psm {psm}", output_type=pt.Output.DICT, timeout=timeout
        )
    except pt.TesseractNotFoundError:
        raise NeedsOCR("tesseract is not installed: " + INSTALL_HINT) from None
    except pt.TesseractError as e:
        raise ReadError(f"tesseract failed: {str(e.message).strip() or e.status}") from None
    except RuntimeError as e:  # pytesseract's timeout
        raise ReadError(f"tesseract gave up: {e} (limit {timeout}s, [tesseract] timeout)") from None
    lines: dict[tuple, _OcrLine] = {}
    for i, level in enumerate(data["level"]):
        if level != 5:
            continue
        text = (data["text"][i] or "").strip()
        if not text:
            continue
        try:
            conf = float(data["conf"][i])
        except (TypeError, ValueError):
            conf = -1.0
        if conf < 0:
            continue
        key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        word = _Word(
            text=text,
            conf=conf,
            left=float(data["left"][i]),
            top=float(data["top"][i]),
            width=float(data["width"][i]),
            height=float(data["height"][i]),
        )
        lines.setdefault(key, _OcrLine([])).words.append(word)
    return list(lines.values())


def _merge_rows(lines: list[_OcrLine]) -> list[_OcrLine]:
    """Join consecutive lines that share most of their height (one printed line split in two)."""
    out: list[_OcrLine] = []
    for line in lines:
        if out:
            prev = out[-1]
            overlap = min(prev.bottom, line.bottom) - max(prev.top, line.top)
            smaller = min(prev.bottom - prev.top, line.bottom - line.top)
            if smaller > 0 and overlap > 0.5 * smaller:
                words = sorted(prev.words + line.words, key=lambda w: w.left)
                out[-1] = _OcrLine(words)
                continue
        out.append(line)
    return out


def _is_chinese_page(lines: Sequence[_OcrLine]) -> bool:
    text = "".join(line.raw for line in lines)
    return len(HAN_RX.findall(text)) >= len(_LATIN.findall(text))


def _needs_retry(line: _OcrLine, chinese: bool, cfg: dict) -> bool:
    if line.conf < cfg["retry_below"]:
        return True
    if chinese:
        raw = line.raw
        latin = len(_LATIN.findall(raw))
        han = len(HAN_RX.findall(raw))
        if latin and latin > cfg["retry_latin_share"] * (latin + han):
            return True
    return False


def _score(lines: Sequence[_OcrLine], chinese: bool) -> tuple[float, float]:
    """(score, mean confidence) of a reading over its meaningful characters: Han and digits (and
    Latin letters on a non-Chinese page). The score sums conf² per character, so a long reading
    of doubtful glyphs does not beat a shorter confident one; Latin noise on a Chinese page
    scores nothing."""
    total = 0.0
    weighted = 0.0
    count = 0
    for line in lines:
        for w in line.words:
            n = len(HAN_RX.findall(w.text)) + len(_DIGIT.findall(w.text))
            if not chinese:
                n += len(_LATIN.findall(w.text))
            total += n * (w.conf / 100.0) ** 2
            weighted += n * w.conf
            count += n
    return total, (weighted / count if count else 0.0)


def _crop_box(line: _OcrLine, width: int, height: int) -> Optional[tuple[int, int, int, int]]:
    pad = max(4.0, 0.35 * (line.bottom - line.top))
    box = (
        max(0, int(line.left - pad)),
        max(0, int(line.top - pad)),
        min(width, int(line.right + pad) + 1),
        min(height, int(line.bottom + pad) + 1),
    )
    if box[2] - box[0] < 4 or box[3] - box[1] < 4:
        return None
    return box


def _variant_crop(variant: dict, grey, binary, mask, box):
    threshold = variant.get("threshold")
    if variant.get("mask"):
        return mask.crop(box)
    if threshold is None:
        return binary.crop(box)
    return grey.crop(box).point([0 if v <= threshold else 255 for v in range(256)])


def _retry(
    grey, binary, mask, group: list[_OcrLine], lang: str, chinese: bool, cfg: dict
) -> list[list[_OcrLine]]:
    """Re-recognise bad lines with each variant of grammars/ocr.toml; for each line the reading
    with the best score (see _score) wins, the first reading included.

    All bad lines of a page go to Tesseract in one image per variant: each is cropped, scaled to
    ``retry_height`` pixels and stacked below the previous one with a blank gap (one process
    start per variant instead of one per line)."""
    from PIL import Image

    boxes = [_crop_box(ln, binary.width, binary.height) for ln in group]
    best = [[ln] for ln in group]
    first = [_score([ln], chinese) for ln in group]
    best_score = [sc for sc, _ in first]
    todo = [i for i, box in enumerate(boxes) if box is not None]
    if not todo:
        return best
    target = float(cfg["retry_height"])
    margin = int(target // 2)
    for variant in cfg["retry"]:
        v_lang = variant.get("lang") or lang
        if not set(v_lang.split("+")) <= set(lang.split("+")):
            continue  # never add a language the caller did not ask for
        stretch = float(variant.get("stretch", 1.0))
        placed = []  # (index into group, top in the stack, height in the stack, scale factor)
        parts = []
        y = margin
        for i in todo:
            crop = _variant_crop(variant, grey, binary, mask, boxes[i])
            f = min(2.0, max(0.2, target / max(1.0, _size(group[i]))))
            crop = crop.resize((max(1, int(crop.width * f * stretch)), max(1, int(crop.height * f))))
            parts.append((crop, y))
            placed.append((i, y, crop.height, f))
            y += crop.height + int(target)
        canvas = Image.new("L", (max(c.width for c, _ in parts) + 2 * margin, y), 255)
        for crop, top in parts:
            canvas.paste(crop, (margin, top))
        try:
            found = _image_to_lines(canvas, v_lang, 6)
        except ReadError:  # tesseract can crash on an odd image: keep the readings we have
            continue
        per: dict[int, list[_OcrLine]] = {}
        for stacked in found:
            pieces: dict[int, _OcrLine] = {}
            for w in stacked.words:
                cy = w.top + w.height / 2
                k = min(
                    range(len(placed)),
                    key=lambda n: 0.0 if placed[n][1] <= cy < placed[n][1] + placed[n][2]
                    else min(abs(cy - placed[n][1]), abs(cy - placed[n][1] - placed[n][2])),
                )
                i, top, _, f = placed[k]
                box = boxes[i]
                word = _Word(
                    w.text,
                    w.conf,
                    left=box[0] + (w.left - margin) / (f * stretch),
                    top=box[1] + (w.top - top) / f,
                    width=w.width / (f * stretch),
                    height=w.height / f,
                )
                pieces.setdefault(i, _OcrLine([])).words.append(word)
            for i, piece in pieces.items():
                per.setdefault(i, []).append(piece)
        for i, lines_i in per.items():
            for ln in lines_i:
                ln.words.sort(key=lambda w: w.left)
            lines_i = _merge_rows(lines_i)
            score, conf = _score(lines_i, chinese)
            first_score, first_conf = first[i]
            # a new reading must score better, and not by saying more with less confidence
            if score > best_score[i] and (first_score == 0 or conf >= first_conf - cfg["retry_conf_slack"]):
                best[i], best_score[i] = lines_i, score
                if conf >= cfg["retry_below"] and not any(_needs_retry(ln, chinese, cfg) for ln in lines_i):
                    todo = [k for k in todo if k != i]  # read well now: no further variants
        if not todo:
            break
    return best


def _multi_column(mask, cfg: dict) -> bool:
    """Does the page set its text in columns? Cut into horizontal bands; a band is split when
    its widest blank vertical run in the ``middle`` of the page is at least ``gutter`` of the page
    width with at least ``side_ink`` of the band's ink on each side. The page is in columns when
    at least ``min_bands`` split bands (and ``share`` of the inked ones) agree on where the gutter
    is (within ``align`` of the width). Full-width titles spoil only their own band; letter-spaced
    lines and signature blocks leave gaps that do not line up."""
    from PIL import Image

    width, height = mask.size
    bands = int(cfg["bands"])
    need = max(1, int(cfg["gutter"] * width))
    lo, hi = int(width * cfg["middle"][0]), int(width * cfg["middle"][1])
    inked = 0
    centres: list[int] = []
    for b in range(bands):
        band = mask.crop((0, b * height // bands, width, (b + 1) * height // bands))
        rows = band.height
        ink = [(255 - v) * rows / 255.0 for v in band.resize((width, 1), Image.Resampling.BOX).tobytes()]
        total = sum(ink)
        if total < rows:  # (almost) blank band
            continue
        inked += 1
        tolerance = max(2.0, cfg["gutter_ink"] * rows)
        best = None  # (length, centre)
        run = 0
        for x in range(lo, hi + 1):
            if x < hi and ink[x] <= tolerance:
                run += 1
                continue
            if run >= need:
                centre = x - (run + 1) // 2
                left = sum(ink[:centre])
                if cfg["side_ink"] * total <= left <= (1 - cfg["side_ink"]) * total:
                    if best is None or run > best[0]:
                        best = (run, centre)
            run = 0
        if best is not None:
            centres.append(best[1])
    if not centres:
        return False
    centres.sort()
    median = centres[len(centres) // 2]
    agree = sum(1 for c in centres if abs(c - median) <= cfg["align"] * width)
    return agree >= cfg["min_bands"] and agree >= cfg["share"] * inked


def _orientation(mask, cfg: dict) -> int:
    """Degrees (clockwise) the page must turn to stand upright, by Tesseract's OSD; 0 when unsure
    or when OSD is not installed."""
    pt = _pytesseract()
    _tesseract_env()
    try:
        osd = pt.image_to_osd(mask, config="--psm 0", output_type=pt.Output.DICT)
    except Exception:  # no osd.traineddata, too little text, ...: leave the page as it is
        return 0
    rotate = int(osd.get("rotate", 0) or 0)
    if rotate not in (90, 180, 270) or float(osd.get("orientation_conf", 0) or 0) < cfg["min_confidence"]:
        return 0
    return rotate


def _mean_conf(lines: Sequence[_OcrLine]) -> float:
    words = [w.conf for line in lines for w in line.words]
    return sum(words) / len(words) if words else 0.0


def _recognise(grey, lang: str, scan: bool = False, upright: bool = False) -> list[_OcrLine]:
    cfg = _config()["tesseract"]
    binary, mask = _binarise(grey, scan)
    psm = int(cfg["psm"])
    layout = _config().get("columns", {})
    if layout.get("psm") and _multi_column(mask, layout):
        psm = int(layout["psm"])  # Tesseract's own layout analysis keeps the columns apart
    lines = _merge_rows(_image_to_lines(binary, lang, psm))
    turn = _config().get("orientation", {})
    if not upright and lines and turn.get("below") and _mean_conf(lines) < turn["below"]:
        rotate = _orientation(mask, turn)
        if rotate:  # a scan lying on its side or upside down: read it upright
            return _recognise(grey.rotate(-rotate, expand=True, fillcolor=255), lang, scan, upright=True)
    chinese = _is_chinese_page(lines)
    retry = [i for i, line in enumerate(lines) if _needs_retry(line, chinese, cfg)]
    retry = retry[: cfg["retry_max_lines"]]
    readings = _retry(grey, binary, mask, [lines[i] for i in retry], lang, chinese, cfg) if retry else []
    better = dict(zip(retry, readings))
    out: list[_OcrLine] = []
    for i, line in enumerate(lines):
        out.extend(better.get(i, [line]))
    return out


def _keep(line: _OcrLine, text: str, chinese: bool, cfg: dict) -> bool:
    if not text or _noise_line().match(text):
        return False
    meaningful = len(HAN_RX.findall(text)) + len(_DIGIT.findall(text))
    if line.conf < cfg["drop_below"] and meaningful < cfg["drop_min_chars"]:
        return False  # a few characters read with little confidence: seal, stamp, rule
    if chinese and line.conf < cfg["retry_below"] and meaningful <= cfg["short_line_chars"]:
        return False  # Latin noise or a stray glyph or two on a Chinese page (stars, seals)
    if line.conf < cfg["retry_below"] and meaningful:
        # a few glyphs strung across the page: a rule with a star (红线), a table border
        if line.right - line.left > cfg["sparse_factor"] * len(text) * _size(line):
            return False
    return True


def _size(line: _OcrLine) -> float:
    """The line's font size in pixels: median height of its words that hold Han or digits."""
    heights = sorted(w.height for w in line.words if HAN_RX.search(w.text) or _DIGIT.search(w.text))
    if not heights:
        return max(w.height for w in line.words)
    return heights[len(heights) // 2]


def _to_model(lines: list[_OcrLine], scale: float) -> tuple[list[Line], float]:
    cfg = _config()["tesseract"]
    chinese = _is_chinese_page(lines)
    out: list[Line] = []
    confs: list[float] = []
    kept = [(line, text) for line in lines for text in [correct(repair(line.raw))] if _keep(line, text, chinese, cfg)]
    texts = restore_markers([text for _, text in kept])
    for (line, _), text in zip(kept, texts):
        out.append(
            Line(
                text=text,
                x0=round(line.left / scale, 2),
                x1=round(line.right / scale, 2),
                top=round(line.top / scale, 2),
                bottom=round(line.bottom / scale, 2),
                size=round(_size(line) / scale, 2),
            )
        )
        confs.extend(w.conf for w in line.words)
    confidence = round(sum(confs) / len(confs), 2) if confs else 0.0
    return out, confidence


def ocr_image(
    image, scale: float = 1.0, lang: str = DEFAULT_LANG, scan: bool = False
) -> tuple[list[Line], float]:
    """OCR a PIL image drawn at ``scale`` pixels per point (used by ocr_page); ``scan`` says it
    is a photographed/scanned page rather than rendered type (see keep_grey in ocr.toml)."""
    return _to_model(_recognise(image.convert("L"), lang, scan), scale)


def ocr_page(
    pdf_bytes: bytes, page_index: int, dpi: int = 300, lang: str = DEFAULT_LANG
) -> tuple[list[Line], float]:
    """The lines of one page (1-based) in reading order, and the mean word confidence (0-100).

    Raises NeedsOCR when Tesseract (with chi_sim) is not installed, ReadError when the page cannot
    be rendered or Tesseract fails on it.
    """
    if not available():
        raise NeedsOCR("OCR needed but Tesseract is not available: " + INSTALL_HINT, pages=(page_index,))
    wanted, lang = lang, usable_lang(lang)
    if not lang:
        raise NeedsOCR(f"OCR needed but no Tesseract model for {wanted!r} is installed: " + INSTALL_HINT,
                       pages=(page_index,))
    image, scale, scan = _render(pdf_bytes, page_index, dpi)
    try:
        return ocr_image(image, scale, lang, scan)
    except ReadError as e:
        if e.page is None:
            e.page = page_index
        raise


_progress = None  # set_progress: called (pages done, pages in all, page just done) as OCR goes


def set_progress(callback) -> None:
    """Report OCR progress per page to ``callback(done, total, page_index)`` (None: silent).
    The CLI sets one that prints to stderr; OCR of a page takes seconds, a gazette minutes."""
    global _progress
    _progress = callback


def ocr_pages(
    pdf_bytes: bytes,
    indices: Iterable[int],
    jobs: int = 1,
    dpi: int = 300,
    lang: str = DEFAULT_LANG,
    return_exceptions: bool = False,
) -> list:
    """ocr_page for several pages, ``jobs`` at a time; results in the order of ``indices``.

    Tesseract runs as a separate process per page, so a thread pool gives real parallelism here
    (pdfium rendering is serialised by a lock); ``jobs`` <= 0 means one per CPU. With
    ``return_exceptions`` a page that fails gives its exception (ReadError, NeedsOCR) in place of
    its ``(lines, confidence)``, so the caller can warn about that page and keep the others.
    """
    indices = list(indices)
    if jobs <= 0:
        jobs = os.cpu_count() or 1
    jobs = max(1, min(jobs, len(indices) or 1))
    done = [0]
    lock = threading.Lock()

    def one(index: int):
        try:
            return ocr_page(pdf_bytes, index, dpi=dpi, lang=lang)
        except (ReadError, NeedsOCR) as e:
            if return_exceptions:
                return e
            raise
        finally:
            if _progress is not None:
                with lock:
                    done[0] += 1
                    _progress(done[0], len(indices), index)

    if jobs == 1:
        return [one(i) for i in indices]
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(one, indices))


def text_of(lines: Iterable[Line]) -> str:
    """The lines joined one per line (for quick looks, tests and the benchmark)."""
    return "\n".join(line.text for line in lines)

