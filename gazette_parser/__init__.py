"""gazette-parser: Chinese government gazettes (政府公报) into structured, validated data.

    >>> import gazette_parser
    >>> issue = gazette_parser.parse("samples/cq-gazette-2022-14.txt")
    >>> issue.documents[0].doc_number
    '渝府发〔2022〕31号'
"""

from .errors import GazetteError, NeedsOCR, ParseError, ReadError

# The model and the pipeline load on first use (PEP 562), so `gazette-parse --help` and the
# commands that do not parse start without them.
_LAZY = {
    "parse": "pipeline",
    "parse_file": "pipeline",
    "parse_text": "pipeline",
    **{name: "model" for name in ("Clause", "Document", "Issue", "IssueInfo", "Page", "Target", "TocEntry",
                                  "UnitRef", "Warning")},
}


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


__version__ = "0.1.0"

__all__ = [
    "parse",
    "parse_file",
    "parse_text",
    "Issue",
    "IssueInfo",
    "TocEntry",
    "Document",
    "Clause",
    "UnitRef",
    "Target",
    "Warning",
    "Page",
    "GazetteError",
    "ParseError",
    "ReadError",
    "NeedsOCR",
    "__version__",
]
