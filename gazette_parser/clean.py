"""clean: Source (pages of lines) → Text (one string, one paragraph per line, plus a SourceMap)."""

from __future__ import annotations

from .model import PageStart, Source, SourceMap, Text


def clean(source: Source) -> Text:
    parts: list[str] = []
    starts = []
    offset = 0
    for page in source.pages:
        starts.append(PageStart(offset=offset, index=page.index, printed=page.printed,
                                source=page.source, confidence=page.confidence))
        for line in page.lines:
            s = line.text.strip()
            if s:
                parts.append(s + "\n")
                offset += len(s) + 1
    return Text(text="".join(parts), source_map=SourceMap(tuple(starts)), info=source.info)
