"""history: the 题注 under a law's or a regulation's title → dated events (Document.history).

A law prints, between its title and its first article, when it was adopted, published, amended and
revised ("1993年7月2日第八届全国人民代表大会常务委员会第二次会议通过", "根据2012年8月31日…《关于修改〈…〉的
决定》第一次修正", "（2022年12月23日北京市人民政府第307号令公布　自2023年3月1日起施行）"). Those lines are
not the title; the document stage hands them here.

How it works: the history lines are one stretch of text. Each date in it opens an event that runs to
the next date (a "根据" just before the next date stays out). An event's kind is the first of
grammars/document.toml [history] kinds its text names (修正 before 通过: "…会议通过的《…决定》修正" is an
amendment; an event printed without a verb shares the next one's: "…第1283次会议、…会议通过"); its
act is the 《…》 it cites; its body is the text between the date and the act or the
verb ("第八届全国人民代表大会常务委员会第二次会议", "中华人民共和国国务院令第494号").
"""

from __future__ import annotations

from dataclasses import replace

import regex

from ..model import HistoryEvent, Span
from ..resources import compiled
from .lexicon import parse_date  # one home for 2022年6月25日 / 二〇二二年六月二十五日

GRAMMAR = "document.toml"


class _Grammar:
    def __init__(self, raw: dict):
        h = raw["history"]
        self.line = regex.compile(h["line"])
        self.date = regex.compile(h["event_date"])
        self.kinds = [(k, regex.compile(p)) for k, p in h["kinds"]]
        self.act = regex.compile(h["act"])
        self.trim = regex.compile(h["body_trim"])


def grammar() -> _Grammar:
    return compiled(GRAMMAR, _Grammar)


def is_history_line(line: str) -> bool:
    """Does this line open (or carry) a history entry?"""
    return grammar().line.match(line) is not None


def events(s: str, span: Span) -> list[HistoryEvent]:
    """The dated events in ``s[span[0]:span[1]]`` (the history lines), in print order."""
    g = grammar()
    a, b = span
    dates = list(g.date.finditer(s, a, b))
    out: list[HistoryEvent] = []
    for k, m in enumerate(dates):
        stop = dates[k + 1].start() if k + 1 < len(dates) else b
        chunk = s[m.start():stop]
        # "…修订　根据" / "…通过 自": a word that leads into the next event stays out
        tail = regex.search(r"[\s　]*(?:根据|自)?[\s　）)]*$", chunk)
        end = m.start() + (tail.start() if tail else len(chunk))
        text = s[m.start():end].strip()
        if not text:
            continue
        am = g.act.search(text)
        bare = g.act.sub("", text)  # the act's own title ("…关于修改…的决定") names no kind
        kind = next((k_ for k_, p in g.kinds if p.search(bare)), None)
        rest = text[m.end() - m.start():]
        cut = len(rest)
        if am:
            cut = min(cut, am.start() - (m.end() - m.start()))
        for _, p in g.kinds:
            v = p.search(rest)
            if v:
                cut = min(cut, v.start())
        body = g.trim.sub("", rest[:max(cut, 0)]).strip(" \u3000，,、")
        out.append(HistoryEvent(date=parse_date(m.group(0)), body=body or None, kind=kind,
                                text=regex.sub(r"[ \u3000\t]+", "", text), span=(m.start(), end),
                                act=am.group("act") if am else None))
    # "2003年8月6日最高人民法院审判委员会第1283次会议、2003年8月12日…会议通过": one verb for both
    for k in range(len(out) - 2, -1, -1):
        if out[k].kind is None and out[k + 1].kind is not None:
            out[k] = replace(out[k], kind=out[k + 1].kind)
    return out
