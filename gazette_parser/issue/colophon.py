"""issue.colophon: the issue's own data, from its front matter and its colophon (版权页).

The front matter (cover and masthead, before the first document) gives the gazette's name in both
languages, the year, 第N期 and 总第N期, the publishing date and the publisher; the colophon, the
last run of at least ``min_fields`` known "key：value" lines, gives the 主管单位, the serial
number (CN50-1147/D) and the rest, kept under their printed keys.
"""

from __future__ import annotations

from typing import Optional

from ..chars import squeeze
from ..model import IssueInfo
from .grammar import DocumentGrammar, grammar
from .lexicon import english_date, parse_date
from .lines import Ln
from .toc import repair_english

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


def _front_fields(g: DocumentGrammar, lines: list[Ln], front_end: int):
    """(field, where to look on line i, its value from the match) for each field the front matter
    may print, in the order they are tried on each line; a field keeps the first value found."""

    def english_masthead(m, i):
        # a masthead wrapped over lines: following all-caps lines continue it
        name = m.group("name").strip()
        k = i + 1
        while k < front_end and g.gazette_en_continued.fullmatch(lines[k].stripped):
            name += " " + lines[k].stripped
            k += 1
        return repair_english(g, name)

    return (
        ("gazette_zh", g.gazette.match, lambda m, i: squeeze(m.group("name"))),
        ("year", g.year.match, lambda m, i: int(m.group("year"))),
        ("total_number", g.total.search, lambda m, i: int(m.group("n"))),
        # 第14期, not the 第920期 of 总第920期
        ("number", lambda t: g.number.search(g.total.sub("", t)), lambda m, i: int(m.group("n"))),
        ("publish_date", g.publish_date.search, lambda m, i: parse_date(m.group("date"))),
        ("publisher_zh", g.publisher.match, lambda m, i: squeeze(m.group("name"))),
        ("gazette_en", g.gazette_en.match, english_masthead),
        ("publisher_en", g.publisher_en.match, lambda m, i: repair_english(g, m.group("name"))),
        ("publish_date", g.published_en.match, lambda m, i: english_date(m.group("date"))),
    )


def issue_info(lines: list[Ln], front_end: int, colophon) -> IssueInfo:
    """IssueInfo from the front matter (lines[:front_end]) and the colophon."""
    g = grammar()
    f: dict = {}  # IssueInfo's fields as found (the model is frozen: it is built once, at the end)
    extra: dict[str, str] = {}
    fields = _front_fields(g, lines, front_end)
    for i in range(front_end):
        t = lines[i].stripped
        for name, find, value in fields:
            if f.get(name) is None:
                m = find(t)
                if m:
                    f[name] = value(m, i)
    if colophon is not None:
        for key, value, _ in colophon[2]:
            if key in g.col_supervisor and f.get("supervisor") is None:
                f["supervisor"] = value
            elif key in g.col_publisher and f.get("publisher_zh") is None:
                f["publisher_zh"] = value
            elif key in g.col_serial and f.get("serial_cn") is None:
                m = g.col_serial_value.search(value)
                f["serial_cn"] = "".join(m.group("cn").split()) if m else value
            else:
                if key in g.col_supervisor or key in g.col_publisher or key in g.col_serial:
                    if key in g.col_publisher and value == f.get("publisher_zh"):
                        continue
                    if key in g.col_supervisor and value == f.get("supervisor"):
                        continue
                extra.setdefault(key, value)
    return IssueInfo(**f, colophon=extra)

