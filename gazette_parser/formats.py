"""formats: the one list of what the parser reads and writes, and the file names that go with it.

Inputs are told apart by content (read.sniff_format); the suffixes here only say which files a
directory given to ``batch`` or ``index`` holds as inputs, and which name claims to be a web page.
Outputs are "kinds", each with its file suffix; ``--format all`` writes the three data kinds
(the web page is a view, not data, and is asked for by name).
"""

from __future__ import annotations

from typing import Optional

READ_FORMATS = ("txt", "pdf", "html")
HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml")
# the files `batch DIR` and `index DIR` take as inputs
INPUT_SUFFIXES = (".pdf", ".txt", ".html", ".htm", ".xhtml")

DATA_KINDS = ("json", "xml", "akn")  # what the output schemas validate
KIND_SUFFIX = {"json": ".json", "xml": ".xml", "akn": ".akn.xml", "html": ".html"}
FORMAT_KINDS = {"json": ("json",), "xml": ("xml",), "akn": ("akn",), "html": ("html",), "all": DATA_KINDS}
FORMATS = tuple(FORMAT_KINDS)  # what --format takes


def kind_of_name(name: str) -> Optional[str]:
    """The data kind a file name claims (x.akn.xml before x.xml), or None."""
    lower = name.lower()
    for kind in ("akn", "json", "xml"):
        if lower.endswith(KIND_SUFFIX[kind]):
            return kind
    return None
