"""numerals: exact conversion of one printed number to a Decimal.

Handles what Chinese government texts print:

- Arabic digits, half- or full-width, with a decimal point and thousands commas: ``1.05``,
  ``１２``, ``1,200``;
- Chinese numerals: ``十万``, ``两千``, ``一百零五``, ``三点五``, ``二〇二五`` (digit by digit) and the
  colloquial ``三千五`` (= 3500);
- mixed forms, Arabic digits with Chinese magnitudes: ``1.5亿``, ``3万亿``, ``2500万``, ``15万``.

Everything is ``Decimal`` arithmetic (never float), so ``1.5亿`` is exactly 150000000. A value that
comes out whole is returned as an integral Decimal (``Decimal('150000000')``); one without a
magnitude keeps the precision it was printed with (``1.0`` stays ``Decimal('1.0')``).

``parse_number`` raises ``ValueError`` for anything that is not one number; callers that scan text
(targets.py) find the token first and convert it here.
"""

from __future__ import annotations

from decimal import Context, Decimal, InvalidOperation

DIGITS = {
    "零": 0, "〇": 0, "○": 0, "Ｏ": 0,
    "一": 1, "壹": 1, "幺": 1,
    "二": 2, "两": 2, "贰": 2, "兩": 2,
    "三": 3, "叁": 3,
    "四": 4, "肆": 4,
    "五": 5, "伍": 5,
    "六": 6, "陆": 6,
    "七": 7, "柒": 7,
    "八": 8, "捌": 8,
    "九": 9, "玖": 9,
}
SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
BIG_UNITS = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8}
POINTS = ("点", "點")

CHINESE_NUMERAL_CHARS = "".join(DIGITS) + "".join(SMALL_UNITS) + "".join(BIG_UNITS) + "".join(POINTS)

_FULLWIDTH = tuple(zip("０１２３４５６７８９．，", "0123456789.,"))


def normalize_digits(s: str) -> str:
    """Full-width digits, point and comma → ASCII (same length, so offsets keep).

    One ``str.replace`` per character present rather than ``str.translate``: translate looks every
    character of a non-ASCII string up in a dict (about 5 ms for a 40,000-character issue), while
    replace scans in C and most of the twelve never occur (Chinese text has the comma, little else).
    """
    for wide, ascii_ in _FULLWIDTH:
        if wide in s:
            s = s.replace(wide, ascii_)
    return s


# Exact arithmetic for values as long as a text can print them: the default context's 28 digits
# would round 9999…9 (40 digits) 万 to 1E+44 without a word.
EXACT = Context(prec=100_000)


def tidy(d: Decimal) -> Decimal:
    """A whole value as an integral Decimal, else the shortest exact form (no exponent)."""
    if d == d.to_integral_value():
        return Decimal(int(d))
    return d.normalize(EXACT)


def _arabic(s: str) -> Decimal:
    s = s.replace(",", "")
    if not s or s.count(".") > 1 or s.startswith(".") or s.endswith("."):
        raise ValueError(f"not a number: {s!r}")
    if not all(c.isdigit() or c == "." for c in s) or not s.isascii():
        raise ValueError(f"not a number: {s!r}")
    try:
        return Decimal(s)
    except InvalidOperation as e:  # pragma: no cover - guarded above
        raise ValueError(f"not a number: {s!r}") from e


def _section(s: str) -> int:
    """A number below 10000 written with 十/百/千 (and digits), e.g. 三千零五, 十五, 两千五."""
    if not s:
        raise ValueError("empty section")
    total = 0
    digit = None  # pending digit
    last_unit = None  # the unit the previous digit was multiplied by
    zero_seen = False
    for ch in s:
        if ch in DIGITS:
            if digit is not None:
                raise ValueError(f"two digits in a row in {s!r}")
            digit = DIGITS[ch]
            if digit == 0:
                zero_seen = True
                digit = None
        elif ch in SMALL_UNITS:
            unit = SMALL_UNITS[ch]
            if last_unit is not None and unit >= last_unit:
                raise ValueError(f"units out of order in {s!r}")
            if digit is None:
                if unit == 10 and total == 0 and not zero_seen:
                    digit = 1  # 十五 = 15
                elif unit == 10 and zero_seen:
                    digit = 1  # 一百零十 is odd but 一百一十 is handled below; 零十 → 10
                else:
                    raise ValueError(f"unit without a digit in {s!r}")
            total += digit * unit
            digit = None
            last_unit = unit
            zero_seen = False
        else:
            raise ValueError(f"not a Chinese numeral: {s!r}")
    if digit is not None:
        if last_unit is not None and last_unit >= 100 and not zero_seen:
            total += digit * (last_unit // 10)  # colloquial 三千五 = 3500, 一百一 = 110
        else:
            total += digit
    return total


def _tail(rest: str, colloquial_unit: int) -> int:
    """What follows 万 or 亿: 零-led (三万零五 = 30005) or a colloquial bare digit (两万五 = 25000)."""
    if not rest:
        return 0
    if rest[0] in "零〇":
        rest = rest.lstrip("零〇")
        return _chinese_int(rest) if rest else 0
    if len(rest) == 1 and rest in DIGITS:
        return DIGITS[rest] * colloquial_unit
    return _chinese_int(rest)


def _chinese_int(s: str) -> int:
    """An integer in Chinese numerals: 一百零五, 十万, 两千万, 三万亿, 二〇二五."""
    if not s:
        raise ValueError("empty numeral")
    if all(c in DIGITS for c in s):
        if len(s) == 1:
            return DIGITS[s]
        return int("".join(str(DIGITS[c]) for c in s))  # 二〇二五 = 2025, digit by digit
    i = max(s.rfind("亿"), s.rfind("億"))
    if i >= 0:
        head, rest = s[:i], s[i + 1 :]
        if not head:
            raise ValueError(f"亿 without a digit in {s!r}")
        tail = _tail(rest, 10**7)
        if tail >= 10**8:
            raise ValueError(f"part after 亿 too large in {s!r}")
        return _chinese_int(head) * 10**8 + tail
    i = max(s.find("万"), s.find("萬"))
    if i >= 0:
        head, rest = s[:i], s[i + 1 :]
        if not head:
            raise ValueError(f"万 without a digit in {s!r}")
        if any(c in BIG_UNITS for c in rest):
            raise ValueError(f"万 twice in {s!r}")
        h = _chinese_int(head)
        if h >= 10**4:
            raise ValueError(f"part before 万 too large in {s!r}")
        return h * 10**4 + _tail(rest, 10**3)
    return _section(s)


def _chinese(s: str) -> Decimal:
    for p in POINTS:
        if p in s:
            whole, _, frac = s.partition(p)
            if not frac or not all(c in DIGITS for c in frac):
                raise ValueError(f"bad decimal part in {s!r}")
            w = _chinese_int(whole) if whole else 0
            return Decimal(f"{w}.{''.join(str(DIGITS[c]) for c in frac)}")
    return Decimal(_chinese_int(s))


def _mixed(s: str) -> Decimal:
    """Arabic digits then magnitudes only: 1.5亿, 3万亿, 2500万, 5千."""
    i = 0
    while i < len(s) and (s[i].isdigit() or s[i] in ".,"):
        i += 1
    num, mags = s[:i], s[i:]
    if not num or not mags:
        raise ValueError(f"not a mixed number: {s!r}")
    value = _arabic(num)
    scale = 0
    prev = None
    for ch in mags:
        if ch in BIG_UNITS:
            m = {10**4: 4, 10**8: 8}[BIG_UNITS[ch]]
        elif ch in ("千", "仟"):
            m = 3
        elif ch in ("百", "佰"):
            m = 2
        else:
            raise ValueError(f"not a magnitude: {ch!r} in {s!r}")
        if prev is not None and m <= prev and not (prev == 4 and m == 8):
            # 万亿 (4 then 8) is the one order that multiplies upward
            raise ValueError(f"magnitudes out of order in {s!r}")
        if prev is not None and prev < 4 and m < 4:
            raise ValueError(f"magnitudes out of order in {s!r}")
        scale += m
        prev = m
    return tidy(value.scaleb(scale, EXACT))


def parse_number(token: str) -> Decimal:
    """One printed number → its exact value. ``ValueError`` when ``token`` is not one number."""
    s = normalize_digits(token).strip().replace(" ", "")
    if not s:
        raise ValueError("empty number")
    if s[0].isdigit():
        if all(c.isdigit() or c in ".," for c in s):
            return _arabic(s)
        if all(c.isdigit() or c in ".," for c in s.rstrip("".join(BIG_UNITS) + "千仟百佰")):
            return _mixed(s)
        raise ValueError(f"not a number: {token!r}")
    if all(c in CHINESE_NUMERAL_CHARS for c in s):
        return _chinese(s)
    raise ValueError(f"not a number: {token!r}")


# ----------------------------------------------------------------------------------------------
# the other direction, used by tests and by anyone who wants to print a value the way it is read


def to_chinese(n: int, liang: bool = False) -> str:
    """An integer 0 ≤ n < 10^16 in standard Chinese numerals (一百零五, 三万亿). ``liang`` writes
    两 for a leading 2 before 百/千/万/亿 as texts often do (两千万)."""
    if n < 0 or n >= 10**16:
        raise ValueError("out of range")
    if n == 0:
        return "零"
    digits = "零一二三四五六七八九"

    def section(x: int) -> str:  # 0 < x < 10000
        out: list[str] = []
        zero = False
        for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            d = x // unit % 10
            if d == 0:
                if out:
                    zero = True
                continue
            if zero:
                out.append("零")
                zero = False
            out.append(digits[d] + name)
        return "".join(out)

    parts = []
    groups = [(n // 10**12) % 10**4, (n // 10**8) % 10**4, (n // 10**4) % 10**4, n % 10**4]
    names = ["万", "亿", "万", ""]
    started = False
    pending_zero = False
    for i, (g, name) in enumerate(zip(groups, names)):
        if g == 0:
            if started:
                pending_zero = True
            if i == 1 and started:  # 三万亿: keep 亿 when the 万亿 group is set
                parts.append("亿")
            continue
        if started and (pending_zero or g < 1000):
            parts.append("零")
        pending_zero = False
        parts.append(section(g) + name)
        started = True
    s = "".join(parts).replace("零亿", "亿")
    # 一十 at the very start reads 十 (十五, not 一十五)
    if s.startswith("一十"):
        s = s[1:]
    if liang:
        s = "".join(
            "两" if ch == "二" and i + 1 < len(s) and s[i + 1] in "千百万亿"
            and (i == 0 or s[i - 1] in "万亿零") else ch
            for i, ch in enumerate(s)
        )
    return s
