"""emit: the model → JSON (json.py), our XML (xml.py), Akoma Ntoso (akn.py), a web page (html.py).

``render(issue, fmt)`` gives ``{kind: text}`` for ``fmt`` in json | xml | akn | html | all, the kinds
being "json", "xml", "akn" and "html" (file suffixes .json, .xml, .akn.xml, .html); ``all`` is
the three data formats (json, xml, akn), not the page. Every text is deterministic:
the same issue renders byte-identically on every run.
"""

from __future__ import annotations

from ..formats import FORMAT_KINDS
from ..model import Issue



def render(issue: Issue, fmt: str, include_text: bool = False) -> dict[str, str]:
    """The issue in one format, or in all three (``fmt="all"``), as ``{kind: text}``."""
    if fmt == "html":
        from .html import dumps

        return {"html": dumps(issue)}
    if fmt not in FORMAT_KINDS:
        raise ValueError(f"unknown format {fmt!r} (expected one of json, xml, akn, html, all)")
    kinds = FORMAT_KINDS[fmt]
    out: dict[str, str] = {}
    for kind in kinds:
        if kind == "json":
            from .json import dumps

            out[kind] = dumps(issue, include_text=include_text)
        elif kind == "xml":
            from .xml import dumps

            out[kind] = dumps(issue, include_text=include_text)
        else:
            from .akn import dumps

            out[kind] = dumps(issue)
    return out
