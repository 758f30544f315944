"""gazette-parser: Chinese government gazettes (政府公报) into structured, validated data.

    >>> import gazette_parser
    >>> issue = gazette_parser.parse("samples/cq-gazette-2022-14.txt")
    >>> issue.documents[0].doc_number
    '渝府发〔2022〕31号'
"""

from .errors import GazetteError, NeedsOCR, ParseError, ReadError
from .model import (
    Clause,
    Document,
    Issue,
    IssueInfo,
    Page,
    Target,
    TocEntry,
    UnitRef,
    Warning,
)
from .pipeline import parse, parse_file, parse_text

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
