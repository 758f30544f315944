"""gazette-parser: Chinese government gazettes (政府公报) into structured, validated data.

    >>> import gazette_parser
    >>> issue = gazette_parser.parse("samples/cq-gazette-2022-14.txt")
    >>> issue.documents[0].doc_number
    '渝府发〔2022〕31号'
"""

from .errors import GazetteError, NeedsOCR, ParseError, ReadError

# The model and the pipeline load on first use (PEP 562), so `gazette-parse --help` and the
# commands that do not parse start without them.
# The writers are offered here, not as methods of the model: the model knows no output format.
_LAZY = {
    "parse": ("pipeline", "parse"),
    "parse_file": ("pipeline", "parse_file"),
    "parse_text": ("pipeline", "parse_text"),
    "to_json": ("emit.json", "dumps"),
    "to_dict": ("emit.json", "issue_to_dict"),
    **{name: ("model", name) for name in ("Clause", "Document", "Issue", "IssueInfo", "Page", "Target", "TocEntry",
                                          "UnitRef", "Warning")},
}


def __getattr__(name: str):
    where = _LAZY.get(name)
    if where is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    module, attr = where
    value = getattr(importlib.import_module(f".{module}", __name__), attr)
    globals()[name] = value
    return value


__version__ = "0.1.0"

__all__ = [
    "parse",
    "parse_file",
    "parse_text",
    "to_json",
    "to_dict",
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
