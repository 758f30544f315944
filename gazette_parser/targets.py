"""targets: numeric targets and policy parameters in each clause, with exact values.

``find_targets(s)`` scans one string; ``attach_targets(text, document)`` runs it over every
clause's own text (children excluded) and returns a new Document. What counts — triggers, units,
multipliers, exclusions, year markers, parameter cues — is data in grammars/targets.toml.

How a number becomes a target:

1. A quantity is a number (Arabic, Chinese or mixed, see numerals.py) with an optional multiplier
   (万/亿/千) and a unit from the grammar; ``2500万—4500万元`` and ``1%—1.3%`` are one range.
2. It is dropped when it is a date, a year, an ordinal (第四期), a denominator (每万人), a rank
   (前3名), inside quotes or a title (“一区两群”), glued to Latin letters (5G, LPR—150BP), or names a
   class (万亿级, 三级医院).
3. It is kept when a trigger governs it: a comparator word before it (不低于, 最高, 达到 …) or after
   it (以上, 以下), a verb of making before a count (建成109公里), an indicator ending right before
   it (覆盖率 100%), or a list that continues a target (分别为20万元、300万元).
4. year: the nearest year marker of its sentence (到2025年, 展望2035年, 2023年达到), else the
   clause's 到YYYY年 marker, else the year passed in from the enclosing clauses.
5. kind: "parameter" when its sentence has a policy cue (补贴, 贴息, 贷款, 额度 …), else "target".
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Optional, cast

import regex

from .chars import is_han
from .model import Clause, Document, Target, Text, evolve, map_clauses
from .numerals import EXACT, normalize_digits, parse_number, tidy
from .resources import compiled

GRAMMAR = "targets.toml"

# end a trigger window; a newline does not (a paragraph broken by the page is one sentence)
_HARD_STOPS = "，。；：！？、,;:!?（）()【】[]〔〕\uA3AC\uA3AE\uA3BB"  # U+A3AC…: ，。；as some PDF fonts emit them
_CN_DIGITS = "零〇一二两三四五六七八九十百千万亿"


def _alt(words) -> str:
    return "|".join(regex.escape(w) for w in sorted(set(words), key=len, reverse=True))


@dataclass(frozen=True)
class _Grammar:
    quantity: "regex.Pattern"
    unit_kind: dict
    arabic_only: frozenset
    magnitudes: dict
    fraction: dict
    before: tuple  # (alternation of every word, longest first; {word: (comparator, max_gap)})
    after: "regex.Pattern"
    after_map: dict
    verbs: "regex.Pattern"
    verb_gap: int
    indicator_suffix: "regex.Pattern"
    strip_prefixes: tuple
    joiners: str
    max_noun: int
    exclude_before: str
    rank_before: str
    ratio_marks: str
    date_units: frozenset
    old_before: str
    old_after: "regex.Pattern"
    article_numerals: tuple
    share: tuple
    rank_units: frozenset
    quote_pairs: tuple
    after_unit: tuple
    year_re: "regex.Pattern"
    clause_year: list
    sentence_year: list
    sentence_ends: str
    inherit_starts: tuple
    inherit_words: tuple
    cues: "regex.Pattern"
    not_triggers: "regex.Pattern"
    glued: tuple
    share_before: tuple
    thr_units: frozenset
    within: tuple
    durations: frozenset
    deadline_before: tuple
    deadline_right_before: tuple
    inclusive: "regex.Pattern"
    per: "regex.Pattern"
    each_before: tuple
    relative: tuple  # ((word, base), …) longest first
    minus: tuple
    plus: tuple
    scale: "regex.Pattern"
    exclude_words: tuple
    money: frozenset
    month_end: "regex.Pattern"
    leading_date: "regex.Pattern"
    names_year: "regex.Pattern"
    up_to_year: "regex.Pattern"
    after_number: "regex.Pattern"
    short_bracket: "regex.Pattern"
    qualifier: "regex.Pattern"


def _compile(g: dict) -> _Grammar:
    u = g["units"]
    unit_kind: dict[str, str] = {}
    for kind in ("percent", "measure", "count", "attribute"):
        for w in u.get(kind, []):
            unit_kind.setdefault(w, kind)
    mags = {k: int(v) for k, v in u.get("magnitudes", {}).items()}
    fraction = dict(u.get("fraction_prefixes", {}))
    units_alt = _alt(unit_kind)
    mags_alt = _alt(mags)
    arabic = r"\d+(?:,\d{3})*(?:\.\d+)?"
    chinese = rf"[{_CN_DIGITS}点]*[一二两三四五六七八九十][{_CN_DIGITS}点]*"
    frac_alt = _alt(fraction) if fraction else "(?!)"
    # one number with its multiplier and unit; the unit is tried first so 5千米 is 5 千米
    # 超万人, 逾千万人次: a bare multiplier right after one of these words is one of it
    bare_after = "".join(regex.escape(w) for w in u.get("bare_magnitude_after", []) if len(w) == 1)
    bare = rf"|(?<=[{bare_after}])(?=(?:{mags_alt}))" if bare_after else ""
    num = rf"(?:{arabic}|{chinese}{bare})"
    qty = (
        rf"(?P<frac>{frac_alt})?(?P<num>{num})[ \t]*"
        rf"(?:(?P<unit>{units_alt})|(?P<mag>{mags_alt})[ \t]*(?P<unit2>{units_alt})?)?"
    )
    rng = rf"[ \t]*(?P<dash>[—–\-~～至])[ \t]*(?P<frac_b>{frac_alt})?(?P<num_b>{num})[ \t]*" \
          rf"(?:(?P<unit_b>{units_alt})|(?P<mag_b>{mags_alt})[ \t]*(?P<unit2_b>{units_alt})?)?"
    compound = g.get("compound", {})
    per_alt = _alt(compound.get("per", [])) or "(?!)"
    # 300元/平方米, 2万元/人: a compound unit
    per = rf"(?:[ \t]*[/／][ \t]*(?P<per>{per_alt}))?"
    quantity = regex.compile(rf"{qty}(?:{rng})?{per}")
    before_map: dict[str, tuple] = {}
    for grp in g.get("before", []):
        for w in grp["words"]:
            before_map.setdefault(w, (grp["comparator"], int(grp.get("max_gap", 20)),
                                      frozenset(grp.get("unit_kinds", ())), grp.get("kind")))
    before = (regex.compile(_alt(before_map)), before_map)
    nouns = g.get("not_triggers", {}).get("words", [])
    after_map = {}
    for comp, words in g.get("after", {}).items():
        for w in words:
            after_map[w] = comp
    after = regex.compile(rf"[ \t]*(?:{_alt(after_map)})")
    verbs = g.get("verbs", {})
    ind = g.get("indicator", {})
    cont = g.get("continuation", {})
    exc = g.get("exclude", {})
    yr = g.get("year", {})
    thr = g.get("threshold", {})
    rel = g.get("relative", {})
    relative = tuple(sorted(((w, base) for base, words in rel.items() if base not in ("minus", "plus")
                             for w in words), key=lambda x: -len(x[0])))
    return _Grammar(
        quantity=quantity,
        unit_kind=unit_kind,
        arabic_only=frozenset(u.get("arabic_only", [])),
        magnitudes=mags,
        fraction=fraction,
        before=before,
        after=after,
        after_map=after_map,
        verbs=regex.compile(_alt(verbs.get("words", [])) or "(?!)"),
        verb_gap=int(verbs.get("max_gap", 12)),
        indicator_suffix=regex.compile(rf"(?:{_alt(ind.get('suffixes', []))})[ \t]*$"),
        strip_prefixes=tuple(ind.get("strip_prefixes", [])),
        joiners="".join(cont.get("joiners", ["、"])),
        max_noun=int(cont.get("max_noun", 10)),
        exclude_before="".join(exc.get("before_chars", [])),
        rank_before="".join(exc.get("rank_before", [])),
        ratio_marks="".join(exc.get("ratio_marks", [])),
        date_units=frozenset(exc.get("date_units", [])),
        old_before="".join(exc.get("old_value_before", [])),
        old_after=regex.compile(rf"[ \t\n]*(?:{_alt(exc.get('old_value_after', []))})"
                                if exc.get("old_value_after") else "(?!)"),
        article_numerals=tuple(exc.get("article_numerals", [])),
        share=tuple(g.get("share", {}).get("followers", [])),
        rank_units=frozenset(exc.get("rank_units", [])),
        quote_pairs=tuple(tuple(p) for p in exc.get("quote_pairs", [])),
        after_unit=tuple(exc.get("after_unit", [])),
        year_re=regex.compile(exc.get("year", r"^(19|20)\d\d$")),
        clause_year=[regex.compile(p) for p in yr.get("clause", [])],
        sentence_year=[regex.compile(p) for p in yr.get("sentence", [])],
        sentence_ends=yr.get("sentence_ends", "。！？!?"),
        inherit_starts=tuple(yr.get("inherit_starts", [])),
        inherit_words=tuple(yr.get("inherit_words", [])),
        cues=regex.compile(_alt(g.get("kind", {}).get("parameter_cues", [])) or "(?!)"),
        not_triggers=regex.compile(_alt(nouns) or "(?!)"),
        glued=tuple(exc.get("glued_words", [])),
        share_before=tuple(g.get("share", {}).get("preceders", [])),
        thr_units=frozenset(thr.get("units", [])),
        within=tuple(sorted(thr.get("within", []), key=len, reverse=True)),
        durations=frozenset(thr.get("durations", [])),
        deadline_before=tuple(thr.get("deadline_before", [])),
        deadline_right_before=tuple(thr.get("deadline_right_before", [])),
        inclusive=regex.compile(thr.get("inclusive", "(?!)")),
        per=regex.compile("(?!)"),
        each_before=tuple(compound.get("each_before", [])),
        relative=relative,
        minus=tuple(rel.get("minus", [])),
        plus=tuple(rel.get("plus", [])),
        scale=regex.compile(g.get("scale", {}).get("pattern", "(?!)")),
        exclude_words=tuple(exc.get("before_words", [])),
        money=frozenset(u.get("money", ["元"])),
        month_end=regex.compile(exc["month_end"]),
        leading_date=regex.compile(ind["leading_date"]),
        names_year=regex.compile(ind["names_year"]),
        up_to_year=regex.compile(ind["up_to_year"]),
        after_number=regex.compile(ind["after_number"]),
        short_bracket=regex.compile(cont["short_bracket"]),
        qualifier=regex.compile(thr["qualifier"]),
    )


def _grammar() -> _Grammar:
    return compiled(GRAMMAR, _compile)


# ----------------------------------------------------------------------------------------------
# helpers over the normalised string (same length as the input, so offsets carry over)


@functools.lru_cache(maxsize=8)
def _joined_pair(max_noun: int, joiners: str) -> "regex.Pattern":
    """Two short nouns joined by one of the grammar's joiners (和, 及 …)."""
    return regex.compile(rf"([^，。；：！？,;:!?]{{0,{max_noun}}})([{regex.escape(joiners)}])"
                         rf"([^，。；：！？,;:!?]{{0,{max_noun}}})")


def _normalise(s: str) -> str:
    return normalize_digits(s).replace("％", "%")


def _quoted_ranges(n: str, pairs) -> list[tuple[int, int]]:
    out = []
    for open_, close in pairs:
        i = 0
        while True:
            a = n.find(open_, i)
            if a < 0:
                break
            b = n.find(close, a + 1)
            if b < 0 or b - a > 40:  # an unclosed or very long quote is prose, not a name
                i = a + 1
                continue
            out.append((a, b + 1))
            i = b + 1
    return out


@functools.lru_cache(maxsize=None)
def _ends_rx(ends: str) -> "re.Pattern":
    return re.compile("[" + "".join(re.escape(ch) for ch in ends) + "]")


def _sentences(n: str, ends: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of ``n``: up to and including each end mark, then the rest."""
    out, start = [], 0
    if ends:
        for m in _ends_rx(ends).finditer(n):
            out.append((start, m.end()))
            start = m.end()
    if start < len(n):
        out.append((start, len(n)))
    return out


_WS = regex.compile(r"\s+")


def _squash(s: str) -> str:
    return _WS.sub("", s)


def _value(g: _Grammar, frac: Optional[str], num: str, mag: Optional[str]) -> Decimal:
    if not num:  # 超万人: the multiplier alone
        if not mag:
            raise ValueError("no number")
        return tidy(Decimal(1).scaleb(g.magnitudes[mag], EXACT))
    v = parse_number(num)
    if mag:
        v = tidy(v.scaleb(g.magnitudes[mag], EXACT))
    return v


@dataclass
class _Qty:
    start: int  # number start (or fraction prefix start)
    end: int  # end of unit (or number)
    value: Decimal
    value_max: Optional[Decimal]
    unit: Optional[str]
    unit_kind: Optional[str]
    chinese: bool
    both_units: bool = False  # a range printing its unit at both ends: 6个月至12个月
    per: Optional[str] = None  # 300元/平方米 → "平方米"


def _quantities(g: _Grammar, n: str) -> list[_Qty]:
    out = []
    pos = 0
    while True:
        m = g.quantity.search(n, pos)
        if m is None:
            break
        pos = m.end() if m.end() > m.start() else m.start() + 1
        num = m.group("num")
        a, b = m.start(), m.end()
        # a Chinese numeral needs a unit (or 百分之); a lone 十 inside a word is not a number
        if not num and not m.group("mag"):
            continue  # a bare multiplier needs the multiplier
        chinese = bool(num) and not num[0].isdigit()
        unit = m.group("unit") or m.group("unit2")
        frac = m.group("frac")
        if frac:
            unit = g.fraction[frac]
        mag = m.group("mag")
        if m.group("num_b") is not None:
            unit_b = m.group("unit_b") or m.group("unit2_b")
            frac_b = m.group("frac_b")
            if frac_b:
                unit_b = g.fraction[frac_b]
            ok = unit_b is not None and (unit is None or unit == unit_b)
            if ok:
                try:
                    # 3—10万元 is 3万 to 10万: the second number's multiplier holds for the first
                    mag_a = mag or (m.group("mag_b") if unit is None and num and num[0].isdigit() else None)
                    lo = _value(g, frac, num, mag_a)
                    hi = _value(g, frac_b, m.group("num_b"), m.group("mag_b"))
                except ValueError:
                    ok = False
            if ok and hi > lo and not chinese and m.group("num_b")[:1].isdigit():
                out.append(_Qty(a, b, lo, hi, unit_b, g.unit_kind.get(unit_b), False,
                                both_units=unit is not None, per=m.group("per")))
                continue
            # not a range: keep only the first quantity, rescan from the dash
            b = m.start("dash")
            pos = m.start("dash") + 1
            while b > a and n[b - 1] in " \t":
                b -= 1
        if chinese and unit is None:
            continue
        try:
            v = _value(g, frac, num, mag)
        except ValueError:
            continue
        per_unit = m.group("per") if unit and b == m.end() else None
        if unit and not per_unit:
            b = min(b, m.end("unit") if m.group("unit") else m.end("unit2") if m.group("unit2") else b)
        out.append(_Qty(a, b, v, None, unit, g.unit_kind.get(unit) if unit else None, chinese, per=per_unit))
    return out


def _excluded(g: _Grammar, n: str, q: _Qty, quoted) -> bool:
    a, b = q.start, q.end
    # glued to Latin letters or other digits: 5G, T3B, LPR—150BP, CN50-1147
    prev = n[a - 1] if a > 0 else ""
    nxt = n[b] if b < len(n) else ""
    if prev.isascii() and prev.isalpha() or nxt.isascii() and (nxt.isalpha() or nxt.isdigit()):
        return True
    if prev in "—–-" and a >= 2 and n[a - 2].isascii() and n[a - 2].isalpha():
        return True
    # ordinal, denominator, rank: 第四期, 每万人, 前 3 名
    k = a - 1
    while k >= 0 and n[k] in " \t":
        k -= 1
    if k >= 0 and n[k] in g.exclude_before:
        return True
    if any(n.endswith(w, 0, k + 1) for w in g.exclude_words):
        return True
    if k >= 0 and n[k] in g.rank_before and q.unit in g.rank_units:
        return True
    if any(x <= a < y for x, y in quoted):
        return True
    # a year alone (2022年) and dates (1—5月 never reach here: 月 is no unit)
    if q.unit == "年" and g.year_re.match(str(q.value)):
        return True  # 2022年, and 2023-2025年 too
    if nxt and nxt in g.ratio_marks or prev and prev in g.ratio_marks and a >= 2 and n[a - 2].isdigit():
        return True
    if q.unit in g.arabic_only and q.chinese:
        return True
    if q.unit in g.date_units and g.month_end.search(n[max(0, a - 3) : a]):
        return True
    if q.chinese and q.unit_kind == "count" and n[a:b].split(q.unit)[0].strip() in g.article_numerals:
        return True
    # a numeral that ends a word: 统一名称, 唯一, 之一
    if q.chinese and any(len(w) > 1 and n.startswith(w, a + 1 - len(w)) and a + 1 - len(w) >= 0 for w in g.glued):
        return True
    if nxt and any(n.startswith(w, b) for w in g.after_unit):
        return True
    return False




def _window(n: str, start: int, floor: int) -> int:
    """Where a trigger window before ``start`` begins: after the last hard stop or ``floor``."""
    i = start
    while i > floor and n[i - 1] not in _HARD_STOPS:
        i -= 1
    return i


def _find_before(g: _Grammar, n: str, w0: int, a: int, unit_kind: Optional[str] = None):
    """The governing comparator word in n[w0:a]: (comparator, start, end, kind or None) or None."""
    best_eq = None
    best_other = None
    pat, cmap = g.before
    # nouns that hold a trigger word (最低生活保障标准): no trigger inside them
    masked = [(m.start(), m.end()) for m in g.not_triggers.finditer(n, max(0, w0 - 8), min(len(n), a + 8))]
    for m in pat.finditer(n, w0, a):  # leftmost-longest: 不低于 is read before 低于 can be
        comp, gap, kinds, tkind = cmap[m.group()]
        if len(_squash(n[m.end() : a])) > gap:
            continue
        if kinds and unit_kind not in kinds:
            continue
        if any(x < m.end() and m.start() < y for x, y in masked):
            continue
        cand = (comp, m.start(), m.end(), tkind)
        if comp == "=":
            best_eq = cand  # the nearest one wins
        else:
            best_other = cand
    return best_other or best_eq


def _strip_indicator(g: _Grammar, s: str) -> str:
    s = g.leading_date.sub("", s.strip()).strip("，,、的 \t")
    changed = True
    while changed and s:
        changed = False
        for p in g.strip_prefixes:
            if s.startswith(p) and len(s) > len(p):
                s = s[len(p) :]
                changed = True
    return _squash(s).strip("的") or ""


def _year_markers(g: _Grammar, n: str, quoted):
    """(offset, year, clause_level) for every year marker outside quotes and brackets."""
    out = []
    for lvl, pats in ((True, g.clause_year), (False, g.sentence_year)):
        for p in pats:
            for m in p.finditer(n):
                if any(x <= m.start() < y for x, y in quoted):
                    continue
                out.append((m.start(1), int(m.group(1)), lvl))
    out.sort()
    return out


@dataclass
class _Reading:
    """How one quantity reads: its comparator and what says so (``how``: trigger, after, verb,
    indicator, share, continuation, threshold or range), where the target's words begin and end."""

    comp: Optional[str] = None
    how: Optional[str] = None
    explicit: bool = False
    threshold: bool = False
    trig_start: Optional[int] = None
    indicator_start: int = 0
    end: int = 0
    m_inc: Optional["regex.Match"] = None
    after_word: Optional[str] = None
    window: int = 0  # where the words that may bear on the quantity begin (_window)


class _OldValue(Exception):
    """The quantity is the old value of a change (由35万元调整为45万元): no target, and the new
    value's trigger may reach back over it."""


@dataclass(frozen=True)
class _Years:
    """Which year holds where in the normalised text of one clause."""

    sentences: list[tuple[int, int]]
    markers: list
    sentence_years: list[Optional[int]]
    clause_year: Optional[int]

    def sentence_of(self, a: int) -> Optional[int]:
        return next((i for i, (x, y) in enumerate(self.sentences) if x <= a < y), None)

    def at(self, a: int, n: str) -> Optional[int]:
        """The year of a number at ``a``: its sentence's own marker nearest before it, else any in
        the sentence, else the sentence's inherited year, else the clause's."""
        si = self.sentence_of(a)
        sent = self.sentences[si] if si is not None else (0, len(n))
        in_sent = [(o, y) for o, y, _ in self.markers if sent[0] <= o < sent[1]]
        before_marks = [y for o, y in in_sent if o < a]
        if before_marks:
            return before_marks[-1]
        if in_sent:
            return in_sent[0][1]
        if si is not None and self.sentence_years[si] is not None:
            return self.sentence_years[si]
        return self.clause_year


def _years(g: _Grammar, n: str, quoted, year_context: Optional[int]) -> _Years:
    """The year markers of the clause; a sentence that names no year but refers back (其中…,
    全年…) takes the previous sentence's year; the clause's own year, else the enclosing one's."""
    sentences = _sentences(n, g.sentence_ends)
    markers = _year_markers(g, n, quoted)
    clause_year = next((y for _, y, lvl in markers if lvl), None)
    if clause_year is None:
        clause_year = year_context
    sentence_years: list[Optional[int]] = []
    for i, (x, y) in enumerate(sentences):
        own = [yr for o, yr, _ in markers if x <= o < y]
        if own:
            sentence_years.append(own[-1])
        elif i and (_squash(n[x:y]).startswith(g.inherit_starts) or any(w in n[x:y] for w in g.inherit_words)):
            sentence_years.append(sentence_years[-1])
        else:
            sentence_years.append(None)
    return _Years(sentences, markers, sentence_years, clause_year)


def _read(g: _Grammar, n: str, q: _Qty, floor: int, last, last_end: int) -> Optional[_Reading]:
    """How the quantity ``q`` reads (None: it is no target). The words before it (a trigger such
    as 不低于), after it (以上, N年内), a verb, an indicator's suffix, a share, or a list going on
    from the previous target decide; raises _OldValue for the old value of a change."""
    a, b = q.start, q.end
    w0 = _window(n, a, floor)
    r = _Reading(threshold=q.unit in g.thr_units, end=b, window=w0,  # 35岁以下: a bound on an age
                 indicator_start=max(_window(n, a, 0), last_end))  # the indicator may reach back
    hit = _find_before(g, n, w0, a, q.unit_kind)
    if hit:
        r.comp, r.trig_start, _, tkind = hit
        r.explicit, r.how = True, "trigger"
        r.threshold = r.threshold or tkind == "threshold"
    # 10万平方米（含）以下, 低于12个月（含12个月）; endpos keeps a match on a long clause O(1)
    r.m_inc = g.inclusive.match(n, b, min(len(n), b + 24))
    if r.m_inc:
        r.end = r.m_inc.end()
    m_after = g.after.match(n, r.end)
    if m_after is None and q.unit in g.durations and q.value_max is None:
        w_in = next((w for w in g.within if n.startswith(w, r.end)), None)
        if w_in:
            # 近5年内 / 创业3年内符合条件的: who qualifies; 成交之日起一年内缴清: a deadline
            if (any(d in n[w0:a] for d in g.deadline_before)
                    or _squash(n[w0:a]).endswith(g.deadline_right_before)):
                return None
            r.end += len(w_in)
            r.comp = "<=" if r.comp in (None, "=") else r.comp
            r.how = r.how or "after"
            r.explicit = r.threshold = True
    if m_after:
        r.after_word = m_after.group().strip()
        r.end = m_after.end()
        ac = g.after_map[r.after_word]
        if ac != "=" or r.comp is None:
            r.comp = ac
        r.how = r.how or "after"
        r.explicit = True
    if g.old_after.match(n, r.end) and any(ch in g.old_before for ch in n[w0:a]):
        raise _OldValue
    if r.how is None:
        _read_without_trigger(g, n, q, w0, floor, last, r)
    if r.how is None or r.comp is None:
        return None
    if q.unit is None and not (r.explicit or r.how == "indicator"):
        return None
    return r


def _read_without_trigger(g: _Grammar, n: str, q: _Qty, w0: int, floor: int, last, r: _Reading) -> None:
    """A quantity with no trigger word around it may still be stated on purpose: an indicator
    (…率为), a share, a list going on, a threshold unit, a range, or a verb (完成, 达到)."""
    a, b = q.start, q.end
    if g.indicator_suffix.search(n, w0, a) and q.unit_kind != "attribute":
        r.comp, r.how = "=", "indicator"
        return
    if q.unit_kind == "percent" and (any(n.startswith(w, b) for w in g.share)
                                     or any(n.endswith(w, 0, a) for w in g.share_before)):
        r.comp, r.how = "=", "share"  # 100%的社区卫生服务中心, 服务费的80%用于
        return
    if last is not None and last[1] == floor:
        # a list continuing the previous target: 分别为20万元、300万元 / 8条、198公里 /
        # 1分钟地震自动速报、5分钟地震烈度初报
        gs = g.short_bracket.sub("", _squash(n[floor:a]))
        m_j = _joined_pair(g.max_noun, g.joiners).fullmatch(gs)
        if m_j:
            r.comp = last[0].comparator if last[0].comparator != "range" else "="
            r.explicit = last[2]
            r.how = "continuation"
            r.indicator_start = w0 if m_j.group(3) else a
            return
    if q.unit in g.thr_units:
        r.comp, r.how = ("range" if q.value_max is not None else "="), "threshold"  # 18—40岁青年
    elif q.value_max is not None and q.unit in g.money:
        r.comp, r.how = "range", "range"  # 提供3—10万元…贷款: an amount range is stated on purpose
    elif q.both_units and q.unit_kind in ("measure", "percent"):
        # 责令停止承接新的专利代理业务6个月至12个月: a range that prints its unit twice is a
        # quantity on purpose (3-5年时间 and 1-3种 are not)
        r.comp, r.how = "range", "range"
    elif q.unit_kind != "attribute":
        for m in g.verbs.finditer(n, w0, a):
            if len(_squash(n[m.end() : a])) <= g.verb_gap:
                r.comp, r.trig_start, r.how = "=", m.start(), "verb"
                r.indicator_start = m.end()
                break


def _closes_range(n: str, q: _Qty, r: _Reading, last, last_end: int) -> bool:
    """"1倍以上5倍以下", "10万元以上50万元以下罚款": the upper bound closes the previous target's range."""
    return (last is not None and last[0].comparator in (">=", ">") and r.comp in ("<=", "<")
            and r.how == "after" and last[0].unit == q.unit and q.value_max is None
            and last[0].value_max is None and q.value > last[0].value
            and _squash(n[last_end:q.start]) in ("", "、", "，", ",", "至", "到"))


def _qualifies(g: _Grammar, n: str, end: int) -> bool:
    """A bound a noun or a rate follows decides what qualifies (有2套及以上住房, 10万平方米以上按…);
    so does one saying which things qualify: 市本级10亿元以上、区县1亿元以上重大产业项目 (but
    处10万元以下的罚款 is an amount: "的" + noun is left alone)."""
    nxt = n[end] if end < len(n) else ""
    if nxt and is_han(nxt) and nxt not in "的地得":
        return True
    m_q = g.qualifier.match(n, end)
    return bool(m_q and m_q.group("nx") not in "的地得")


def _indicator(g: _Grammar, n: str, a: int, r: _Reading, last) -> str:
    """What is measured: the words before the trigger (or before the number), else the words after
    it, else (in a list) the previous target's."""
    ind_raw = n[r.indicator_start:r.trig_start] if r.how == "trigger" else n[r.indicator_start:a]
    ind_raw = g.up_to_year.sub("", ind_raw) if g.names_year.search(ind_raw) else ind_raw
    indicator = _strip_indicator(g, ind_raw)
    if not indicator:
        tail = g.after_number.match(n[r.end:])
        indicator = _strip_indicator(g, tail.group(1)) if tail else ""
        if not indicator and r.how == "continuation" and last is not None:
            indicator = last[0].indicator or ""
    return indicator


def _span_start(n: str, a: int, r: _Reading) -> int:
    """Where the target's text begins: at its indicator, or at the trigger or verb before it."""
    span_start = min(r.indicator_start, a)
    if r.trig_start is not None:
        # (a verb's indicator starts after the verb: the text starts at the verb)
        span_start = r.trig_start if r.how == "verb" else min(span_start, r.trig_start)
    while span_start < a and n[span_start] in " \t\n，、”’）)":
        span_start += 1
    return span_start


def _unit_and_value(g: _Grammar, n: str, q: _Qty, w0: int):
    """(unit, value, value_max, relative_to): a compound unit (300元/平方米, 每平方米100元), and a
    value relative to a base (不低于…利率减20个基点: negative; 不低于起始价的20%)."""
    a = q.start
    unit = q.unit
    before = _squash(n[w0:a])
    if unit and q.per:
        unit = f"{unit}/{q.per}"
    elif unit and q.unit_kind == "measure":
        each = next((x for x in g.each_before if before.endswith("每" + x)), None)
        if each:
            unit = f"{unit}/{each}"  # 每平方米100元
    # relative values: 不低于相应期限贷款市场报价利率减20个基点, 不低于起始价的20%, 比上年提高2个百分点
    relative_to = next((base for w, base in g.relative if w in n[w0:a]), None)
    value, value_max = q.value, q.value_max
    if relative_to and any(before.endswith(w) for w in g.minus):
        value = -value
        value_max = -value_max if value_max is not None else None
    return unit, value, value_max, relative_to


def _scale_targets(g: _Grammar, s: str, n: str, offset: int, quoted, years: _Years) -> list[Target]:
    """万亿级电子信息, 五千亿级汽车: a scale to reach."""
    out = []
    for m in g.scale.finditer(n):
        if any(x <= m.start() < y for x, y in quoted):
            continue
        try:
            value = tidy(parse_number((m.group("num") or "一") + m.group("mag")))
        except ValueError:
            continue
        a = m.start()
        out.append(Target(
            text=s[a:m.end("ind")], indicator=_squash(m.group("ind")) or None, comparator=">=",
            value=value, value_max=None, unit=None, year=years.at(a, n),
            kind="target", span=(offset + a, offset + m.end("ind")),
        ))
    return out


def find_targets(s: str, offset: int = 0, year_context: Optional[int] = None) -> list[Target]:
    """Every target in ``s``; spans are offsets into ``s`` plus ``offset``.

    ``year_context`` is the year that holds where ``s`` names none (from an enclosing clause).
    Each quantity is read (``_read``) for its comparator; then its indicator, span, year, kind,
    unit and value are taken in turn. A "…以上…以下" pair closes one range.
    """
    g = _grammar()
    n = _normalise(s)
    quoted = _quoted_ranges(n, g.quote_pairs)
    years = _years(g, n, quoted, year_context)

    targets: list[Target] = []
    prev_end = 0  # end of the previous quantity (a trigger never reaches past it)
    last: Optional[tuple[Target, int, bool]] = None  # previous target, its quantity end, explicit?
    last_end = 0  # end of the previous target's text
    inclusive_bounds: set = set()  # (sentence, comparator, value, unit) of "（含）" bounds
    for q in _quantities(g, n):
        if _excluded(g, n, q, quoted):
            continue  # 5G, 第四期, 2022年: not quantities, so they bound no window
        floor, prev_end = prev_end, q.end
        a, b = q.start, q.end
        try:
            r = _read(g, n, q, floor, last, last_end)
        except _OldValue:
            prev_end = floor
            continue
        if r is None:
            continue
        comp, end, m_inc = cast(str, r.comp), r.end, r.m_inc  # _read gives no reading without one
        closes_range = _closes_range(n, q, r, last, last_end)
        threshold = r.threshold
        if r.how == "after" and comp != "=" and not closes_range:
            qualifies = _qualifies(g, n, end)
            if qualifies and q.unit_kind == "attribute":
                continue  # a grade that names a kind of thing: 6级以上人员掩蔽工程
            threshold = threshold or qualifies
        if m_inc and comp in ("<", ">"):
            comp += "="
        si = years.sentence_of(a)
        if r.how == "after" and comp in (">=", "<=") and not m_inc \
                and r.after_word in ("以上", "以下", "及以上", "及以下"):
            # "10万平方米（含）以下…，10万平方米以上": the other side of an inclusive bound is strict
            if (si, "<=" if comp == ">=" else ">=", q.value, q.unit) in inclusive_bounds:
                comp = comp[0]
        if q.unit_kind == "attribute" and not r.explicit:
            continue
        if q.value_max is not None:
            comp = "range"
        sent = years.sentences[si] if si is not None else (0, len(n))
        if threshold:
            kind = "threshold"
        elif g.cues.search(n, sent[0], sent[1]) or (q.per and q.unit in g.money):
            kind = "parameter"  # …or a price per unit: 按300元/平方米
        else:
            kind = "target"
        if m_inc and comp in ("<=", ">="):
            inclusive_bounds.add((si, comp, q.value, q.unit))
        unit, value, value_max, relative_to = _unit_and_value(g, n, q, r.window)
        span_start = _span_start(n, a, r)
        t = Target(
            text=s[span_start:end],
            indicator=_indicator(g, n, a, r, last) or None,
            comparator=comp,
            value=value,
            value_max=value_max,
            unit=unit,
            year=years.at(a, n),
            kind=kind,
            span=(offset + span_start, offset + end),
            relative_to=relative_to,
        )
        if closes_range:
            p0 = last[0].span[0] - offset
            t = replace(last[0], text=s[p0:end], comparator="range", value_max=q.value,
                        span=(last[0].span[0], offset + end))
            targets[-1] = t
            last = (t, b, True)
        else:
            targets.append(t)
            last = (t, b, r.explicit)
        last_end = end
    targets += _scale_targets(g, s, n, offset, quoted, years)
    targets.sort(key=lambda t: t.span)
    return targets


# ----------------------------------------------------------------------------------------------
# over a document


def _clause_year(s: str) -> Optional[int]:
    g = _grammar()
    n = _normalise(s)
    quoted = _quoted_ranges(n, g.quote_pairs)
    return next((y for _, y, lvl in _year_markers(g, n, quoted) if lvl), None)


def _own_text_span(clause: Clause, text: Text) -> tuple[int, int]:
    a, b = clause.span
    a = max(0, min(a, len(text.text)))
    b = max(a, min(b, len(text.text)))
    return a, b


def attach_targets(text: Text, document: Document) -> Document:
    """A new Document whose clauses carry ``targets`` (their own text only, children excluded).

    A clause's 到YYYY年 holds for its own sentences that name no year and for its descendants.
    """
    inherited: dict[tuple, Optional[int]] = {}

    def assign(clauses: list[Clause], year: Optional[int]) -> None:
        for c in clauses:
            a, b = _own_text_span(c, text)
            inherited[(a, b, c.label, c.level)] = year
            own = _clause_year(text.text[a:b])
            assign(c.children, own if own is not None else year)

    assign(document.clauses, None)

    def fn(c: Clause) -> Clause:
        a, b = _own_text_span(c, text)
        found = find_targets(text.text[a:b], offset=a, year_context=inherited.get((a, b, c.label, c.level)))
        found = [evolve(t, page=text.page(t.span[0]), page_index=text.page_index(t.span[0])) for t in found]
        return evolve(c, targets=found)

    return replace(document, clauses=map_clauses(document.clauses, fn))
