"""units: lead/responsible units from each clause's note, mapped to canonical names.

A clause's note (（牵头单位：A；责任单位：B、C等部门，各区县政府）, 〔…〕, "（X负责）", a heading's
"（由X牵头实施）", a bare "责任单位：…" line…) is found in the clause's own text, its units are
split (shared suffixes expanded: "两江新区、西部科学城重庆高新区管委会" → two 管委会), and every unit
is mapped to a canonical name through the registry (grammars/units.toml, plus a user file).

How notes are written is data: grammars/notes.toml. The registry format is documented at the top of
grammars/units.toml.

Spans are offsets into ``Text.text``. Notes are matched on a "loose" copy of the clause text with
line breaks and spaces removed, so a note broken inside its keyword still matches; every loose
offset maps back to its offset in the cleaned text.
"""

from __future__ import annotations

import bisect
import functools
from array import array
import os
import re
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable, Optional, Union

import regex

from .chars import UNIT_SPACES, unit_key
from .errors import ReadError
from .model import Clause, Document, Text, UnitRef, Warning, evolve, walk
from .resources import compiled, grammar_path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib



# ----------------------------------------------------------------------------------------------
# the registry


@dataclass
class Registry:
    """Canonical unit names and their aliases (grammars/units.toml plus user files).

    ``lookup(name)`` gives the canonical name, or None when the registry does not know the name.
    Entries may belong to a scoped region (``[registry.regions.<name>]`` in the file): those apply
    only to documents of that region (see ``for_document``), since a short name such as 市发改委
    means a different office in every city.
    """

    aliases: dict[str, str] = field(default_factory=dict)  # normalised spelling → canonical
    canonicals: list[str] = field(default_factory=list)  # in file order
    sources: list[str] = field(default_factory=list)  # the files it was read from
    regions: dict[str, str] = field(default_factory=dict)  # canonical → scoped region
    scopes: dict[str, dict] = field(default_factory=dict)  # region → {"names": [...], "doc_number_prefixes": [...]}
    # the standard department names of every province/city/county (grammars/units_standard.toml):
    # consulted only for a name this registry does not know
    fallback: Optional["Registry"] = None

    def lookup(self, name: str) -> Optional[str]:
        hit = self.aliases.get(unit_key(name))
        if hit is None and self.fallback is not None:
            return self.fallback.lookup(name)
        return hit

    def __contains__(self, name: str) -> bool:
        return self.lookup(name) is not None

    def __len__(self) -> int:
        return len(self.canonicals)

    def add(self, canonical: str, aliases: Iterable[str] = (), region: Optional[str] = None) -> None:
        canonical = canonical.strip()
        if not canonical:
            return
        if canonical not in self.canonicals:
            self.canonicals.append(canonical)
        if region:
            self.regions[canonical] = region
        for spelling in (canonical, *aliases):
            if spelling and spelling.strip():
                self.aliases[unit_key(spelling)] = canonical

    def merged(self, other: "Registry") -> "Registry":
        """A new registry: this one with ``other``'s entries over it (other wins on clashes).

        Aliases merge; a spelling both name maps to ``other``'s canonical; an entry of ``other``
        whose canonical this one scopes to a region applies where ``other`` says (everywhere when
        it names no region), so a --units entry for 市发展改革委 works in a 杭州 document too.
        """
        out = Registry(dict(self.aliases), list(self.canonicals), list(self.sources), dict(self.regions),
                       dict(self.scopes), self.fallback)
        for c in other.canonicals:
            if c not in out.canonicals:
                out.canonicals.append(c)
            if c not in other.regions:
                out.regions.pop(c, None)
        out.aliases.update(other.aliases)
        out.sources.extend(other.sources)
        out.regions.update(other.regions)
        out.scopes.update(other.scopes)
        return out

    def for_document(self, document: Document) -> "Registry":
        """This registry without the scoped regions ``document`` does not belong to.

        A document belongs to a region when its 文号 starts with one of the region's
        ``doc_number_prefixes`` or its title or issuers name one of the region's ``names``.
        A document with no 文号, title or issuer keeps every entry.
        """
        if not self.scopes:
            return self
        title = document.title or ""
        number = (document.doc_number or "").strip()
        issuers = " ".join(document.issuers or [])
        if not (number or issuers or len(title) > 4):
            return self
        drop = set()
        for region, scope in self.scopes.items():
            hit = any(number.startswith(p) for p in scope.get("doc_number_prefixes", []))
            hit = hit or any(n in title or n in issuers for n in scope.get("names", []))
            if not hit:
                drop.add(region)
        if not drop:
            return self
        keep = {c for c in self.canonicals if self.regions.get(c) not in drop}
        return Registry(
            {k: c for k, c in self.aliases.items() if c in keep},
            [c for c in self.canonicals if c in keep],
            list(self.sources),
            {c: r for c, r in self.regions.items() if c in keep},
            {},
            self.fallback,
        )


def _registry_from_toml(data: dict, source: str) -> Registry:
    reg = Registry(sources=[source])
    regions = (data.get("registry") or {}).get("regions") or {}
    if not isinstance(regions, dict):
        raise ReadError("registry: [registry.regions] must be tables", file=source)
    for name, scope in regions.items():
        if not isinstance(scope, dict):
            raise ReadError(f"registry: region {name!r} must be a table", file=source)
        reg.scopes[name] = {
            "names": [x for x in scope.get("names", []) if isinstance(x, str)],
            "doc_number_prefixes": [x for x in scope.get("doc_number_prefixes", []) if isinstance(x, str)],
        }
    units = data.get("unit", [])
    if not isinstance(units, list):
        raise ReadError("registry: [[unit]] tables expected", file=source)
    for i, entry in enumerate(units):
        if not isinstance(entry, dict) or not isinstance(entry.get("canonical"), str):
            raise ReadError(f"registry: unit #{i + 1} has no canonical name", file=source)
        aliases = entry.get("aliases", [])
        if isinstance(aliases, str):
            aliases = [aliases]
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise ReadError(f"registry: unit {entry['canonical']!r}: aliases must be strings", file=source)
        full = entry.get("full")
        extra = [full] if isinstance(full, str) else []
        # "重庆市住房和城乡建设委员会" is also printed "市住房和城乡建设委员会"
        if isinstance(full, str):
            m = _grammar().city_prefix.match(full)
            if m:
                extra.append("市" + full[m.end():])
        region = entry.get("region")
        scoped = isinstance(region, str) and region in reg.scopes
        reg.add(entry["canonical"], [*aliases, *extra], region if scoped else None)
    departments = data.get("department", [])
    if not isinstance(departments, list):
        raise ReadError("registry: [[department]] tables expected", file=source)
    for i, entry in enumerate(departments):
        if not isinstance(entry, dict):
            raise ReadError(f"registry: department #{i + 1} is not a table", file=source)
        for canonical, spellings in _expand_department(entry, i, source):
            reg.add(canonical, spellings)
    return reg


def _expand_department(entry: dict, i: int, source: str) -> list[tuple[str, list[str]]]:
    """One [[department]] pattern → (canonical, spellings) for every level it lists."""
    def at(key, level, default):
        v = entry.get(key, default)
        if isinstance(v, dict):
            v = v.get(level, default)
        return v

    out = []
    levels = entry.get("levels", [])
    if not isinstance(levels, list) or not all(isinstance(x, str) for x in levels):
        raise ReadError(f"registry: department #{i + 1}: levels must be strings", file=source)
    for level in levels:
        short = at("short", level, None)
        if not isinstance(short, str) or not short:
            raise ReadError(f"registry: department #{i + 1} has no short name for {level}", file=source)
        full = at("full", level, None)
        aliases = at("aliases", level, [])
        if isinstance(aliases, str):
            aliases = [aliases]
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise ReadError(f"registry: department {short!r}: aliases must be strings", file=source)
        names = [short, *([full] if isinstance(full, str) else []), *aliases]
        spellings = [level + n for n in names]
        if level == "省" and (short.endswith("厅") or entry.get("bare")):
            spellings.extend(n for n in names if n.endswith("厅") or entry.get("bare"))
        out.append((level + short, spellings[1:]))
    return out


def _bundled() -> Registry:
    """grammars/units.toml (or the --grammar-dir copy of it), read once per path."""
    return compiled(("units.toml", "units_standard.toml"), _compile_bundled)


def _compile_bundled(units: dict, standard: dict) -> Registry:
    reg = _registry_from_toml(units, str(grammar_path("units.toml")))
    reg.fallback = _registry_from_toml(standard, str(grammar_path("units_standard.toml")))
    return reg


def load_registry(path: Union[str, os.PathLike, None] = None) -> Registry:
    """The bundled registry (grammars/units.toml), merged with the user TOML file at ``path``.

    Raises ReadError when the user file is missing or is not a registry.
    """
    base = _bundled()
    if path is None:
        return base
    p = Path(path)
    try:
        with open(p, "rb") as f:
            data = tomllib.load(f)
    except FileNotFoundError:
        raise ReadError("unit registry not found", file=str(p)) from None
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise ReadError(f"unit registry unreadable: {e}", file=str(p)) from None
    return base.merged(_registry_from_toml(data, str(p)))


# ----------------------------------------------------------------------------------------------
# the grammar of notes


@dataclass(frozen=True)
class _Grammar:
    keyword_re: "regex.Pattern"
    roles: dict[str, str]  # keyword → "lead" | "resp"
    openers: dict[str, str]  # opener → closer
    same: dict[str, str]  # bracket → family representative
    group_seps: frozenset
    item_seps: frozenset
    sentence_ends: frozenset
    conjunctions: tuple[str, ...]
    item_tails: tuple[str, ...]
    endings: tuple[str, ...]
    suffixes: tuple[str, ...]
    stems: tuple[str, ...]
    heading_lead: "regex.Pattern"
    lead_with: "regex.Pattern"
    lead_then_resp: "regex.Pattern"
    lead_guides: "regex.Pattern"
    guides: "regex.Pattern"
    responsible: "regex.Pattern"
    definition: "regex.Pattern"
    first_listed: "regex.Pattern"
    before_comma: "regex.Pattern"
    carry: "regex.Pattern"
    carry_responsible: "regex.Pattern"
    own_label: "regex.Pattern"
    area_word: "regex.Pattern"
    level_prefix: "regex.Pattern"
    own_place: "regex.Pattern"
    city_prefix: "regex.Pattern"
    prefix_endings: tuple[str, ...]
    prefix_max: int
    abbreviation: "regex.Pattern"
    prose: tuple
    note_like: "regex.Pattern"


def _longest_first(words: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(words), key=lambda w: (-len(w), w)))


def _grammar() -> _Grammar:
    """grammars/notes.toml compiled (or the --grammar-dir copy of it), once per path."""
    return compiled("notes.toml", _compile_notes)


def _compile_notes(g: dict) -> _Grammar:
    try:
        return _compile_grammar(g)
    except (KeyError, TypeError, ValueError, regex.error) as e:
        raise ReadError(f"notes grammar is not usable: {e!r}", file=str(grammar_path("notes.toml"))) from None


def _compile_grammar(g: dict) -> _Grammar:
    kw = g["keywords"]
    roles = {w: "lead" for w in kw["lead"]}
    roles.update({w: "resp" for w in kw["responsible"]})
    alts = "|".join(regex.escape(w) for w in _longest_first(roles))
    keyword_re = regex.compile(f"(?P<kw>{alts}){kw['colon']}")
    same: dict[str, str] = {}
    for fam in g["brackets"].get("families", []):
        for b in fam:
            same[b] = fam[0]
    pat = g["patterns"]
    rules = g["rules"]
    return _Grammar(
        keyword_re=keyword_re,
        roles=roles,
        openers={o: c for o, c in g["brackets"]["pairs"]},
        same=same,
        group_seps=frozenset(g["separators"]["group"]),
        item_seps=frozenset(g["separators"]["item"]),
        sentence_ends=frozenset(g["separators"]["sentence"]),
        conjunctions=_longest_first(g["separators"]["conjunctions"]),
        item_tails=_longest_first(g["flags"]["item_tails"]),
        endings=_longest_first(g["units"]["endings"]),
        suffixes=_longest_first(g["units"]["shared_suffixes"]),
        stems=_longest_first(g["units"]["suffix_stems"]),
        heading_lead=regex.compile(pat["heading_lead"]),
        lead_with=regex.compile(pat["lead_with"]),
        lead_then_resp=regex.compile(pat["lead_then_resp"]),
        lead_guides=regex.compile(pat["lead_guides"]),
        guides=regex.compile(pat["guides"]),
        responsible=regex.compile(pat["responsible"]),
        definition=regex.compile(pat["definition"]),
        first_listed=regex.compile(rules["first_listed"]),
        before_comma=regex.compile(rules["before_comma"]),
        carry=regex.compile(rules["carry"]),
        carry_responsible=regex.compile(rules["carry_responsible"]),
        own_label=regex.compile(pat["own_label"]),
        area_word=regex.compile(g["units"]["area_word"]),
        level_prefix=regex.compile(g["units"]["level_prefix"]),
        own_place=regex.compile(g["units"]["own_place"]),
        city_prefix=regex.compile(g["units"]["city_prefix"]),
        prefix_endings=tuple(g["units"]["prefix_endings"]),
        prefix_max=int(g["units"]["prefix_max"]),
        abbreviation=regex.compile(g["units"]["abbreviation"]),
        prose=tuple(regex.compile(x) for x in g["prose"]["patterns"]),
        note_like=regex.compile(g["prose"]["note_like"]),
    )


# ----------------------------------------------------------------------------------------------
# a loose view of a stretch of text: spaces and line breaks removed, offsets kept


_SPACE_RUN = re.compile("[" + "".join(sorted(UNIT_SPACES)) + "]+")


class _Loose:
    """``text[start:end]`` without spaces and line breaks (``s``), with each character's offset
    (``idx``). Built in runs between spaces; a clause's view is a slice of its document's
    (``within``), so a document is made loose once, not once per clause level."""

    def __init__(self, text: str, start: int, end: int, within: Optional["_Loose"] = None):
        self.text = text
        self.end = end
        if within is not None and within.start <= start and end <= within.end:
            i, j = bisect.bisect_left(within.idx, start), bisect.bisect_left(within.idx, end)
            self.s, self.idx, self.start = within.s[i:j], within.idx[i:j], start
            return
        chars: list[str] = []
        idx = array("i")
        pos = start
        for m in _SPACE_RUN.finditer(text, start, end):
            chars.append(text[pos:m.start()])
            idx.extend(range(pos, m.start()))
            pos = m.end()
        chars.append(text[pos:end])
        idx.extend(range(pos, end))
        self.s, self.idx, self.start = "".join(chars), idx, start

    def span(self, a: int, b: int) -> tuple[int, int]:
        """Loose [a, b) → offsets in the cleaned text (b > a)."""
        return (self.idx[a], self.idx[b - 1] + 1)

    def line_break_after(self, b: int) -> bool:
        """Is loose position b-1 followed by a line break (or the end) in the cleaned text?"""
        if b >= len(self.idx):
            return True
        return "\n" in self.text[self.idx[b - 1] + 1 : self.idx[b]]

    def line_break_before(self, a: int) -> bool:
        if a == 0:
            return True
        return "\n" in self.text[self.idx[a - 1] + 1 : self.idx[a]]


def _match_bracket(s: str, i: int, g: _Grammar, limit: int = 800) -> Optional[int]:
    """Index of the closer matching the opener at s[i] (depth counted over all bracket kinds)."""
    closers = set(g.openers.values())
    want = [g.same.get(g.openers[s[i]], g.openers[s[i]])]
    j = i + 1
    stop = min(len(s), i + limit)
    while j < stop:
        ch = s[j]
        if ch in g.openers:
            c = g.openers[ch]
            want.append(g.same.get(c, c))
        elif ch in closers:
            if g.same.get(ch, ch) == want[-1]:
                want.pop()
                if not want:
                    return j
            else:
                return None  # mismatched: not a note we can read
        j += 1
    return None


# ----------------------------------------------------------------------------------------------
# splitting a unit list


@dataclass
class _Item:
    name: str  # after shared-suffix expansion
    a: int  # loose span of the printed stretch
    b: int
    group: int
    full: Optional[str] = None  # with a shared prefix distributed: "发展改革委" after "省公安厅、" → 省发展改革委


@dataclass
class _ListResult:
    items: list[_Item] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    definitions: list[tuple[str, int]] = field(default_factory=list)  # (abbr, group)
    rules: list[str] = field(default_factory=list)  # "first_listed" | "before_comma" | "carry"
    rule_flags: list[str] = field(default_factory=list)  # as printed
    tail: str = ""  # prose after the list's sentence end


def _reads_as_unit(name: str, g: _Grammar, reg: Registry) -> bool:
    """In the registry, or a name (more than a bare ending word: not 中央, not 部) ending like a unit."""
    if name in reg:
        return True
    return any(name.endswith(e) and len(name) > len(e) for e in g.endings)


def _strip_tail(name: str, g: _Grammar) -> tuple[str, Optional[str]]:
    for t in g.item_tails:
        if name.endswith(t) and len(name) > len(t):
            return name[: -len(t)], t
    return name, None


def _rule_in(content: str, g: _Grammar, res: _ListResult) -> Optional[int]:
    """Record the rules a bracket states; the offset where the rule text starts, or None."""
    start = None
    for name, pat in (("first_listed", g.first_listed), ("before_comma", g.before_comma)):
        m = pat.search(content)
        if m:
            res.rules.append(name)
            res.rule_flags.append(m.group(0))
            start = m.start() if start is None else min(start, m.start())
    if start is not None:
        m = g.carry.search(content, start)
        if m:
            res.rules.append("carry")
            res.rule_flags.append(m.group(0))
    return start


def _scan_list(s: str, a: int, b: int, g: _Grammar, res: _ListResult) -> list[list]:
    """The note's list in loose [a, b) cut at its separators, brackets kept whole (depth-aware):
    [[(character, position), …], group] per item. A bracket holding a definition (以下简称…) or a
    rule (下同) goes into ``res`` instead; a sentence end closes the list, and ``res.tail`` keeps
    what follows it."""
    raw: list[list] = []  # [chars(list of (ch, pos)), group]
    cur: list = []
    group = 0
    i = a
    while i < b:
        ch = s[i]
        if ch in g.openers:
            j = _match_bracket(s, i, g)
            if j is None or j >= b:
                j = b - 1 if j is None else j
                # unbalanced: keep the rest as text
                cur.extend((s[k], k) for k in range(i, min(j + 1, b)))
                i = j + 1
                continue
            content = s[i + 1 : j]
            m = g.definition.search(content)
            if m:
                res.definitions.append((m.group("abbr"), group))
                # "区县(自治县,以下简称区县)": the part before the definition belongs to the name
                before = content[: m.start()].rstrip("，,\uA3AC")
                if before:
                    cur.append(("（", i))
                    cur.extend((s[k], k) for k in range(i + 1, i + 1 + len(before)))
                    cur.append(("）", j))
            elif _rule_in(content, g, res) is not None:
                pass
            else:
                cur.extend((s[k], k) for k in range(i, j + 1))
            i = j + 1
            continue
        if ch in g.sentence_ends:
            if cur:
                raw.append([cur, group])
            cur = []
            res.tail = s[i + 1 : b]
            # rules stated in brackets after the sentence end still count
            k = i + 1
            while k < b:
                if s[k] in g.openers:
                    j = _match_bracket(s, k, g)
                    if j is not None and j < b:
                        _rule_in(s[k + 1 : j], g, res)
                        k = j
                k += 1
            break
        if ch in g.group_seps or ch in g.item_seps:
            if cur:
                raw.append([cur, group])
            cur = []
            if ch in g.group_seps:
                group += 1
            i += 1
            continue
        cur.append((ch, i))
        i += 1
    if cur:
        raw.append([cur, group])

    return raw


def _split_conjunctions(raw: list[list], g: _Grammar, reg: Registry) -> list[tuple[list, int]]:
    """"各区县（自治县）政府和两江新区" → two items when the left reads as a unit."""
    pieces: list[tuple[list, int]] = []
    for chars, grp in raw:
        work = chars
        while True:
            text_ = "".join(c for c, _ in work)
            cut = None
            depth = 0
            for k in range(1, len(text_)):
                if text_[k - 1] in g.openers:
                    depth += 1
                elif text_[k - 1] in g.openers.values():
                    depth -= 1
                if depth:
                    continue
                for conj in g.conjunctions:
                    if text_.startswith(conj, k) and k + len(conj) < len(text_):
                        left, _t = _strip_tail(text_[:k], g)
                        if _reads_as_unit(left, g, reg):
                            cut = (k, len(conj))
                        break
                if cut:
                    break
            if not cut:
                pieces.append((work, grp))
                break
            pieces.append((work[: cut[0]], grp))
            work = work[cut[0] + cut[1] :]

    return pieces


def _items_of(pieces: list[tuple[list, int]], g: _Grammar, res: _ListResult) -> list[_Item]:
    """Items with their spans; a trailing flag (等, 按职责分工) goes into ``res.flags``."""
    items: list[_Item] = []
    for chars, grp in pieces:
        name = "".join(c for c, _ in chars)
        name, tail = _strip_tail(name, g)
        if tail:
            res.flags.append(tail)
            chars = chars[: len(name)]
        if not name:
            continue
        items.append(_Item(name=name, a=chars[0][1], b=chars[-1][1] + 1, group=grp))

    return items


def _share_suffixes(items: list[_Item], g: _Grammar, reg: Registry) -> None:
    """A run of items that do not read as units borrows the next item's suffix (公安、交通局 → 公安局)."""
    k = 0
    while k < len(items):
        if _reads_as_unit(items[k].name, g, reg) or not items[k].name.endswith(g.stems):
            k += 1
            continue
        run = [k]
        m = k + 1
        while (m < len(items) and items[m].group == items[k].group
               and not _reads_as_unit(items[m].name, g, reg) and items[m].name.endswith(g.stems)):
            run.append(m)
            m += 1
        if m < len(items) and items[m].group == items[k].group:
            last = items[m].name
            for suf in g.suffixes:
                if last.endswith(suf) and len(last) > len(suf):
                    for r in run:
                        if not items[r].name.endswith(suf):
                            items[r].name = items[r].name + suf
                    break
        k = m


def _split_list(lo: _Loose, a: int, b: int, g: _Grammar, reg: Registry) -> _ListResult:
    """Split loose [a, b) into unit items (depth-aware), collecting flags, definitions, rules."""
    res = _ListResult()
    raw = _scan_list(lo.s, a, b, g, res)
    items = _items_of(_split_conjunctions(raw, g, reg), g, res)
    items = _collectives(items, lo, g)
    _distribute_prefixes(items, g, reg)
    _share_suffixes(items, g, reg)
    res.items = items
    return res


def _collectives(items: list[_Item], lo: _Loose, g: _Grammar) -> list[_Item]:
    """"各区、县（市）政府" is one collective unit: a bare area word (各区) joins the next item."""
    out: list[_Item] = []
    k = 0
    while k < len(items):
        it = items[k]
        if (k + 1 < len(items) and items[k + 1].group == it.group and g.area_word.fullmatch(it.name)
                and _reads_as_unit(items[k + 1].name, g, Registry())):
            nxt = items[k + 1]
            out.append(_Item(name=lo.s[it.a:nxt.b], a=it.a, b=nxt.b, group=it.group))
            k += 2
            continue
        out.append(it)
        k += 1
    return out


def _distribute_prefixes(items: list[_Item], g: _Grammar, reg: Registry) -> None:
    """"省公安厅、发展改革委、住房城乡建设厅": the first item's level prefix is shared by the items
    after it in its group that print none (name stays as printed; ``full`` gets the prefix)."""
    prefix, group = None, None
    for it in items:
        if it.group != group:
            prefix, group = None, it.group
        m = g.level_prefix.match(it.name)
        if m:
            prefix = m.group("p")
            continue
        if prefix is None or g.own_place.match(it.name):
            prefix = None if g.own_place.match(it.name) else prefix
            continue
        full = prefix + it.name
        if reg.lookup(full) is not None or (
                reg.lookup(it.name) is None and len(it.name) <= g.prefix_max and it.name.endswith(g.prefix_endings)):
            it.full = full


# ----------------------------------------------------------------------------------------------
# finding notes in a clause


@dataclass
class _Note:
    lead: list[_Item] = field(default_factory=list)
    resp: list[_Item] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    definitions: list[tuple[str, list[_Item]]] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    section: bool = False  # a "由X牵头实施" note: applies to the clause's descendants too
    has_lead_keyword: bool = False
    carry_resp: list[_Item] = field(default_factory=list)
    span: tuple[int, int] = (0, 0)  # loose


def _absorb(note: _Note, lst: _ListResult, role: str) -> None:
    (note.lead if role == "lead" else note.resp).extend(lst.items)
    note.flags.extend(lst.flags)
    note.flags.extend(lst.rule_flags)
    note.rules.extend(lst.rules)
    for abbr, grp in lst.definitions:
        note.definitions.append((abbr, [it for it in lst.items if it.group == grp]))


def _keyword_note(lo: _Loose, a: int, b: int, g: _Grammar, reg: Registry) -> Optional[_Note]:
    """A note made of "<keyword>：<units>" segments in loose [a, b)."""
    s = lo.s
    # keyword positions at bracket depth 0 of the stretch
    # From one bracket to the next: at depth 0 the first keyword before the next bracket is a hit
    # (the regex search tries the same positions as matching at each character would, in C).
    hits = []
    depth = 0
    i = a
    find_bracket = _bracket_rx(tuple(k for k in g.openers if len(k) == 1),
                               tuple(v for v in g.openers.values() if len(v) == 1)).search
    while i < b:
        br = find_bracket(s, i, b)
        nxt = br.start() if br else b
        if depth == 0:
            m = g.keyword_re.search(s, i, b)
            if m and m.start() < nxt:
                hits.append(m)
                i = m.end()
                continue
        if br is None:
            break
        if s[nxt] in g.openers:
            depth += 1
        else:
            depth = max(depth - 1, 0)
        i = nxt + 1
    if not hits:
        return None
    note = _Note(span=(a, b))
    for n, m in enumerate(hits):
        seg_end = hits[n + 1].start() if n + 1 < len(hits) else b
        role = g.roles[m.group("kw")]
        if role == "lead":
            note.has_lead_keyword = True
        lst = _split_list(lo, m.end(), seg_end, g, reg)
        _absorb(note, lst, role)
        if lst.tail:
            cm = g.carry_responsible.search(lst.tail)
            if cm:
                base = s.find(lst.tail, m.end())
                sub = _split_list(lo, base + cm.start("resp"), base + cm.end("resp"), g, reg)
                note.carry_resp.extend(sub.items)
    if not note.lead and not note.resp:
        return None
    return note


def _all_units(lst: _ListResult, g: _Grammar, reg: Registry) -> bool:
    return bool(lst.items) and all(_reads_as_unit(it.name, g, reg) for it in lst.items)


def _bare_list(lst: _ListResult, g: _Grammar, reg: Registry) -> bool:
    """A bracketed list with no role word is a note when every item reads as a unit, or when at
    least one does, there are two or more, and the rest are short names (abbreviations: 杭师大, 市足协)."""
    if _all_units(lst, g, reg):
        return True
    units_ = sum(_reads_as_unit(it.name, g, reg) for it in lst.items)
    return units_ >= 1 and len(lst.items) >= 2 and all(
        _reads_as_unit(it.name, g, reg) or g.abbreviation.fullmatch(it.name) for it in lst.items)


def _pattern_note(lo: _Loose, a: int, b: int, g: _Grammar, reg: Registry, at_end: bool) -> Optional[_Note]:
    """A bracket content (loose [a, b)) that is a "由X牵头" / "X会同Y负责" / "X负责" note."""
    content = lo.s[a:b]
    m = g.heading_lead.match(content)
    if m and (at_end or content.startswith("由")):
        return _one_role_note(lo, a, b, m, "lead", g, reg, section=True, has_lead_keyword=True)
    if not at_end:
        return None
    for pat in (g.lead_with, g.lead_then_resp, g.lead_guides):
        m = pat.match(content)
        if m:
            lead = _split_list(lo, a + m.start("lead"), a + m.end("lead"), g, reg)
            resp = _split_list(lo, a + m.start("resp"), a + m.end("resp"), g, reg)
            if _all_units(lead, g, reg) and _all_units(resp, g, reg):
                note = _Note(span=(a, b), has_lead_keyword=True)
                _absorb(note, lead, "lead")
                _absorb(note, resp, "resp")
                if pat is g.lead_with:
                    note.flags.append("会同")
                return note
    m = g.guides.match(content)
    guided = _one_role_note(lo, a, b, m, "lead", g, reg, flag="指导", has_lead_keyword=True) if m else None
    if guided is not None:
        return guided
    m = g.responsible.match(content)
    if m:
        return _one_role_note(lo, a, b, m, "resp", g, reg, flag=None if m.group("tail") == "负责" else m.group("tail"))
    return None


def _one_role_note(lo: _Loose, a: int, b: int, m, role: str, g: _Grammar, reg: Registry,
                   flag: Optional[str] = None, **note_kw) -> Optional[_Note]:
    """The note whose match ``m`` names one list of units in its group ``role`` ("lead" or
    "resp"), or None when that list does not read as units."""
    lst = _split_list(lo, a + m.start(role), a + m.end(role), g, reg)
    if not _all_units(lst, g, reg):
        return None
    note = _Note(span=(a, b), **note_kw)
    _absorb(note, lst, role)
    if flag:
        note.flags.append(flag)
    return note


def _prose_roles(lo: _Loose, g: _Grammar, reg: Registry) -> tuple[list[_Item], list[_Item]]:
    """Roles stated in the clause's prose, for a clause with no note: "由市发展改革委牵头",
    "市教委会同市人力社保局负责", "各区县政府负责落实" (grammars/notes.toml [prose])."""
    lead: list[_Item] = []
    resp: list[_Item] = []
    for pat in g.prose:
        for m in pat.finditer(lo.s):
            got: dict[str, Any] = {}
            for role in ("lead", "resp"):
                if role in pat.groupindex and m.group(role):
                    lst = _split_list(lo, m.start(role), m.end(role), g, reg)
                    if not _all_units(lst, g, reg):
                        got = None
                        break
                    got[role] = lst.items
            if got:
                lead.extend(got.get("lead", []))
                resp.extend(got.get("resp", []))
    return lead, resp


def _sentence_end(s: str, a: int, b: int, g: _Grammar) -> int:
    """The first sentence end at bracket depth 0 in [a, b), else b."""
    depth = 0
    for i in range(a, b):
        ch = s[i]
        if ch in g.openers:
            depth += 1
        elif ch in g.openers.values():
            depth = max(depth - 1, 0)
        elif depth == 0 and ch in g.sentence_ends:
            return i
    return b


def _bracket_note(lo: _Loose, a: int, b: int, g: _Grammar, reg: Registry, state: dict,
                  at_end: bool) -> Optional[_Note]:
    """Classify the bracket content loose [a, b): a note, a rule, or nothing."""
    s = lo.s
    probe = _ListResult()
    rstart = _rule_in(s[a:b], g, probe)
    core_b = b if rstart is None else a + rstart
    while core_b > a and (s[core_b - 1] in g.group_seps or s[core_b - 1] in g.sentence_ends
                          or s[core_b - 1] in g.openers):
        core_b -= 1
    note = None
    if g.keyword_re.match(s, a, b):
        note = _keyword_note(lo, a, b, g, reg)  # rules nested in it are read by the splitter
    elif core_b > a:
        # "（X、Y按职责分工负责。以下均需Z落实，不再列出）": the note is the first sentence
        cut = _sentence_end(s, a, core_b, g)
        note = _pattern_note(lo, a, cut, g, reg, at_end or rstart is not None)
        if note is not None and cut < core_b:
            cm = g.carry_responsible.search(s, cut, core_b)
            if cm:
                note.carry_resp.extend(_split_list(lo, cm.start("resp"), cm.end("resp"), g, reg).items)
        if note is None and at_end:
            # "[A，B，列第一位的为牵头单位，下同]", or a bare list of units with no role word
            # ("[市体育局、市民政局，各区、县（市）政府，市足协]"): responsible, unless a rule says who leads
            lst = _split_list(lo, a, core_b, g, reg)
            if lst.items and _bare_list(lst, g, reg) and not lst.tail:
                note = _Note(span=(a, b))
                _absorb(note, lst, "resp")
    if note is None and rstart is not None and at_end:
        note = _Note(span=(a, b))  # a bracket stating only a rule
    if note is not None and rstart is not None:
        for r in probe.rules:
            if r not in note.rules:
                note.rules.append(r)
        for f in probe.rule_flags:
            if f not in note.flags:
                note.flags.append(f)
    return note


def _looks_like_note(lo: _Loose, a: int, b: int, g: _Grammar, reg: Registry, at_end: bool) -> bool:
    """A bracket no rule reads that still looks like a note: it names a role (责任单位：, 牵头, 负责), or
    it ends a sentence and lists units (A、B) of which some read as units."""
    content = lo.s[a:b]
    if g.keyword_re.search(content) or g.note_like.search(content):
        return True
    if not at_end or not any(ch in g.item_seps or ch in g.group_seps for ch in content):
        return False
    lst = _split_list(lo, a, b, g, reg)
    return len(lst.items) >= 2 and sum(_reads_as_unit(it.name, g, reg) for it in lst.items) * 2 > len(lst.items)


@functools.lru_cache(maxsize=8)
def _opener_rx(openers: tuple[str, ...]) -> "re.Pattern":
    return re.compile("|".join(map(re.escape, openers)) or "(?!)")


@functools.lru_cache(maxsize=8)
def _bracket_rx(openers: tuple[str, ...], closers: tuple[str, ...]) -> "re.Pattern":
    return re.compile("|".join(map(re.escape, openers + closers)) or "(?!)")


def _find_notes(lo: _Loose, g: _Grammar, reg: Registry, state: dict) -> list[_Note]:
    s = lo.s
    notes: list[_Note] = []
    taken: list[tuple[int, int]] = []
    i = 0
    n = len(s)
    find_opener = _opener_rx(tuple(k for k in g.openers if len(k) == 1)).search
    while i < n:
        if s[i] not in g.openers:
            m = find_opener(s, i)  # straight to the next bracket (in C), not one character at a time
            if m is None:
                break
            i = m.start()
        j = _match_bracket(s, i, g)
        if j is None:
            i += 1
            continue
        a, b = i + 1, j
        after = j + 1
        at_end = after >= n or s[after] in g.sentence_ends or s[after] in "；;\uA3BB" or lo.line_break_after(after)
        # "…。（体育总局、公安部负责）完善…": a note right after a finished sentence, mid-paragraph,
        # closes that sentence (国办发 documents put several notes in one paragraph)
        at_end = at_end or (i > 0 and s[i - 1] in g.sentence_ends)
        note = _bracket_note(lo, a, b, g, reg, state, at_end)
        if note is not None:
            note.span = (i, j + 1)
            notes.append(note)
            taken.append((i, j + 1))
            i = j + 1
            continue
        if _looks_like_note(lo, a, b, g, reg, at_end):
            state.setdefault("unread", []).append(lo.span(i, j + 1))
        i += 1

    # bare "责任单位：…" outside brackets: at a line start or after a sentence end
    for m in g.keyword_re.finditer(s):
        if any(x <= m.start() < y for x, y in taken):
            continue
        # "（四）责任单位：…": a note that is a numbered item of its own starts right after the label
        if not (lo.line_break_before(m.start()) or (m.start() > 0 and s[m.start() - 1] in g.sentence_ends)
                or g.own_label.fullmatch(s, 0, m.start())):
            continue
        end = m.end()
        while end < n:
            if s[end] in g.sentence_ends:
                break
            if lo.line_break_after(end + 1) and s[end] not in g.item_seps | g.group_seps:
                end += 1
                break
            end += 1
        stop = end
        while stop > m.end() and s[stop - 1] in g.sentence_ends | g.group_seps:
            stop -= 1
        note = _keyword_note(lo, m.start(), stop, g, reg)
        if note is not None:
            note.span = (m.start(), stop)
            notes.append(note)
            taken.append((m.start(), stop))
        elif stop > m.start():
            state.setdefault("unread", []).append(lo.span(m.start(), stop))
    notes.sort(key=lambda nt: nt.span)
    return notes


# ----------------------------------------------------------------------------------------------
# canonical names and the document pass


class _Resolver:
    """Registry plus the abbreviations one document defines."""

    def __init__(self, reg: Registry):
        self.reg = reg
        self.abbrevs: dict[str, list[str]] = {}  # abbr → canonical names (a group) or [full]

    def define(self, abbr: str, names: list[str], override: bool = False) -> None:
        abbr = unit_key(abbr)
        if abbr and names and (override or abbr not in self.abbrevs):
            self.abbrevs[abbr] = names

    def resolve(self, name: str) -> list[tuple[str, bool]]:
        """[(canonical, known)] — more than one when the name is a defined group."""
        hit = self.reg.lookup(name)
        if hit:
            return [(hit, True)]
        key = unit_key(name)
        if key in self.abbrevs:
            out = []
            for full in self.abbrevs[key]:
                h = self.reg.lookup(full)
                out.append((h or full, h is not None))
            return out
        for abbr in sorted(self.abbrevs, key=lambda x: (-len(x), x)):
            full = self.abbrevs[abbr]
            if len(full) == 1 and abbr in key and full[0] not in key:
                h = self.reg.lookup(key.replace(abbr, full[0], 1))
                if h:
                    return [(h, True)]
        return [(name, False)]


def _text_definitions(text: Text, span: tuple[int, int], g: _Grammar, res: _Resolver,
                      within: Optional[_Loose] = None) -> None:
    """"重庆市住房和城乡建设委员会（以下简称市住房城乡建委）", "区县(自治县,以下简称区县)"."""
    lo = _Loose(text.text, span[0], span[1], within)
    s = lo.s
    for m in g.definition.finditer(s):
        if "统称" in m.group(0):
            continue  # a collective name for a list of units: read where the list is (a note)
        # the bracket holding the definition
        k = m.start() - 1
        while k >= 0 and s[k] not in g.openers:
            k -= 1
        if k < 0 or k < m.start() - 40:
            continue
        inner = s[k + 1 : m.start()].rstrip("，,\uA3AC")
        abbr = m.group("abbr")
        p = k
        while (p > 0 and s[p - 1] not in "，。；：、,;:\uA3AC\uA3AE" and s[p - 1] not in g.openers.values()
               and k - p < 40):
            p -= 1
        before = s[p:k]
        if inner:  # "区县(自治县,以下简称区县)": the bracket part completes the name
            if before.endswith(abbr):
                res.define(abbr, [abbr + "（" + inner + "）"])
            continue
        # the longest tail of the preceding words the registry knows, else the words themselves
        full = None
        for q in range(len(before)):
            if before[q:] in res.reg:
                full = before[q:]
                break
        if full is None:
            # "杭州师范大学（以下简称杭师大）": the shortest tail that spells the abbreviation in order
            for q in range(len(before) - 1, -1, -1):
                if before[q] == abbr[:1] and _spells(abbr, before[q:]) and len(before) - q > len(abbr):
                    full = before[q:]
                    break
        if full:
            res.define(abbr, [full])


def _spells(abbr: str, name: str) -> bool:
    """Are the characters of ``abbr`` in ``name``, in order (杭师大 in 杭州师范大学)?"""
    it = iter(name)
    return all(ch in it for ch in abbr)


def _refs(items: list[_Item], lo: _Loose, text: Text, res: _Resolver, inherited: bool,
          unknown: dict[str, tuple[int, int]], source: str = "note") -> list[UnitRef]:
    out: list[UnitRef] = []
    seen = set()
    for it in items:
        span = lo.span(it.a, it.b)
        for canonical, known in res.resolve(it.full or it.name):
            if (canonical, it.name) in seen:
                continue
            seen.add((canonical, it.name))
            if not known and it.name not in unknown:
                unknown[it.name] = span
            out.append(UnitRef(name=it.name, canonical=canonical, span=span, inherited=inherited,
                               known=known, page=text.page(span[0]),
                               page_index=text.page_index(span[0]), source=source))
    return out


def _dedupe(flags: list[str]) -> list[str]:
    out: list[str] = []
    for f in flags:
        if f not in out:
            out.append(f)
    return out


@dataclass
class _Own:
    lead: list[UnitRef]
    resp: list[UnitRef]
    flags: list[str]
    section_lead: list[UnitRef]
    has_note: bool


def attach_units(text: Text, document: Document, registry: Optional[Registry] = None) -> Document:
    """A new Document whose clauses carry lead_units, responsible_units and unit_flags.

    ``registry`` None means the bundled grammars/units.toml.
    """
    return _attach(text, document, registry)[0]


def abbreviations(text: Text, document: Document, registry: Optional[Registry] = None) -> dict[str, list[str]]:
    """The abbreviations ``document`` defines ("以下简称…", "以下统称…"), each → the canonical
    name(s) it stands for (several for a collective name)."""
    return dict(_attach(text, document, registry)[1].abbrevs)


def resolve_name(name: str, registry: Optional[Registry] = None,
                 abbreviations: Optional[dict[str, list[str]]] = None) -> list[tuple[str, bool]]:
    """[(canonical, known)] for a unit name as printed, given a document's abbreviations."""
    res = _Resolver(registry if registry is not None else load_registry())
    for abbr, names in (abbreviations or {}).items():
        res.define(abbr, list(names))
    return res.resolve(name)


def _attach(text: Text, document: Document, registry: Optional[Registry]) -> tuple[Document, "_Resolver"]:
    reg = (registry if registry is not None else load_registry()).for_document(document)
    g = _grammar()
    res = _Resolver(reg)
    within = None  # the document made loose once; each clause's view is a slice of it
    if document.span and 0 <= document.span[0] < document.span[1] <= len(text.text):
        within = _Loose(text.text, document.span[0], document.span[1])
    if document.span and document.span[1] > document.span[0]:
        _text_definitions(text, document.span, g, res, within)

    state: dict = {"first_listed": False, "before_comma": False}
    carry_resp: list[UnitRef] = []
    unknown: dict[str, tuple[int, int]] = {}
    own: dict[int, _Own] = {}

    for clause in walk(document.clauses):
        a, b = clause.span
        if not (0 <= a < b <= len(text.text)):
            own[id(clause)] = _Own([], [], [], [], False)
            continue
        lo = _Loose(text.text, a, b, within)
        notes = _find_notes(lo, g, reg, state)
        lead: list[UnitRef] = []
        resp: list[UnitRef] = []
        flags: list[str] = []
        section: list[UnitRef] = []
        for note in notes:
            # rules first: they may govern this very note
            local_first = "first_listed" in note.rules
            local_comma = "before_comma" in note.rules
            if "carry" in note.rules:
                state["first_listed"] = state["first_listed"] or local_first
                state["before_comma"] = state["before_comma"] or local_comma
            first = local_first or state["first_listed"]
            comma = local_comma or state["before_comma"]
            lead_items, resp_items = list(note.lead), list(note.resp)
            by_rule = False
            if not note.has_lead_keyword and not lead_items and resp_items:
                by_rule = (comma and not local_comma) or (first and not local_first and not comma)
                if comma:
                    g0 = resp_items[0].group
                    lead_items = [it for it in resp_items if it.group == g0]
                    resp_items = [it for it in resp_items if it.group != g0]
                elif first:
                    lead_items, resp_items = resp_items[:1], resp_items[1:]
            for abbr, items in note.definitions:
                names: list[str] = []
                for it in items:
                    names.extend(c for c, _k in res.resolve(it.name))
                res.define(abbr, names, override=True)
            lr = _refs(lead_items, lo, text, res, False, unknown, "rule carried on" if by_rule else "note")
            rr = _refs(resp_items, lo, text, res, False, unknown)
            lead.extend(lr)
            resp.extend(rr)
            flags.extend(note.flags)
            if note.section:
                section.extend(lr)
            if note.carry_resp:
                carry_resp = _refs(note.carry_resp, lo, text, res, True, unknown, "rule carried on")
        if not notes:
            pl, pr = _prose_roles(lo, g, reg)
            lead.extend(_refs(pl, lo, text, res, False, unknown, "prose"))
            resp.extend(_refs(pr, lo, text, res, False, unknown, "prose"))
        has_note = bool(lead or resp)
        if has_note and carry_resp:
            have = {u.canonical for u in resp} | {u.canonical for u in lead}
            for u in carry_resp:
                if u.canonical not in have and not any(u.span == r.span for r in resp):
                    resp.append(replace(u))
        own[id(clause)] = _Own(_uniq(lead), _uniq(resp), _dedupe(flags), section, has_note)

    def rebuild(c: Clause, inherited_lead: list[UnitRef]) -> Clause:
        o = own[id(c)]
        lead = list(o.lead)
        if not lead and inherited_lead:
            lead = [replace(u, inherited=True, source="heading note") for u in inherited_lead]
        pass_on = o.section_lead or inherited_lead
        children = [rebuild(ch, pass_on) for ch in c.children]
        return evolve(c, children=children, lead_units=lead, responsible_units=list(o.resp),
                       unit_flags=list(o.flags))

    clauses = [rebuild(c, []) for c in document.clauses]
    warnings = list(document.warnings)
    for span in sorted(set(state.get("unread", []))):
        shown = text.text[span[0]:span[1]].replace("\n", "")
        shown = shown if len(shown) <= 40 else shown[:37] + "…"
        warnings.append(Warning(
            code="note-unread",
            message=f"a bracket that looks like a unit note could not be read: {shown}",
            page=text.page(span[0]), span=span, page_index=text.page_index(span[0]),
        ))
    for name, span in unknown.items():
        warnings.append(Warning(
            code="unit-unknown",
            message=f"unit not in the registry: {name} (add it to a --units file to map it)",
            page=text.page(span[0]), span=span, page_index=text.page_index(span[0]),
        ))
    return replace(document, clauses=clauses, warnings=warnings), res


def _uniq(refs: list[UnitRef]) -> list[UnitRef]:
    out: list[UnitRef] = []
    seen = set()
    for r in refs:
        key = (r.canonical, r.name)
        if key in seen:
            continue
        seen.add(key)
        out.append(r)
    return out
