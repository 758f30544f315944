"""Where the data files live: grammars/ and output_schemas/; and the one grammar loader.

In a checkout they sit beside the package; in an installed wheel they are package data inside it
(setup.cfg maps them to gazette_parser/grammars and gazette_parser/output_schemas). Users may point
``--grammar-dir`` at their own copy, which then wins file by file.

Every stage gets its grammar the same way: ``load_grammar(name)`` for the parsed TOML and
``compiled(name, compile_fn)`` for what a stage builds from it (regexes, tables). Both are cached by
file identity and content: the key is the resolved path, its mtime_ns and size, and a SHA-256 of the
bytes, so switching --grammar-dir back and forth can never hand out rules compiled from another file
(an earlier id()-keyed cache could, when a freed dict's id was reused). To keep the hot path cheap
the file is stat-ed and hashed once per grammar-dir "generation": ``set_grammar_dir`` starts a new
generation, and within one generation the answer for a name is memoised.

A file is checked when it is read, before any stage compiles it: TOML syntax, then the keys
``REQUIRED_KEYS`` (below) says its stages need, their types, and that its regexes compile. Whatever
is wrong is a GrammarError naming the file and the line (exit status 2), never a KeyError from a
stage's compile function.
"""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path
from typing import Any, Callable, Optional, Union

import regex

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

_PKG = Path(__file__).resolve().parent

# Set by the CLI's --grammar-dir; a directory whose files override the bundled ones.
_override_dir: Optional[Path] = None
_generation = 0

# (resolved path, mtime_ns, size) -> ("path#sha256", parsed dict)
_raw: dict[tuple, tuple[str, dict]] = {}
# (compile_fn, ((name, "path#sha256"), ...)) -> compiled value
_built: dict[tuple, Any] = {}
# fast path within one generation: key -> (generation, value)
_memo: dict[tuple, tuple[int, Any]] = {}


def data_dir(name: str) -> Path:
    for candidate in (_PKG / name, _PKG.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"data directory {name!r} not found beside {_PKG}")


def grammar_dir() -> Optional[Path]:
    """The --grammar-dir in force (None: the bundled grammars only)."""
    return _override_dir


def set_grammar_dir(path: Optional[str]) -> None:
    """Make the grammar files in ``path`` win (None: the bundled ones only). The files found there
    are checked at once, so a broken one fails the command before it writes anything (an index
    database, an output file), whichever stage would have read it first."""
    global _override_dir, _generation
    _override_dir = Path(path) if path else None
    _generation += 1
    if _override_dir is not None:
        for name in REQUIRED_KEYS:
            if (_override_dir / name).is_file():
                _load(name)


def grammar_path(filename: str) -> Path:
    if _override_dir is not None and (_override_dir / filename).is_file():
        return _override_dir / filename
    return data_dir("grammars") / filename


def _load(filename: str) -> tuple[str, dict]:
    """(content hash, parsed dict) of the grammar file that ``filename`` names now."""
    from .errors import GrammarError

    hit = _memo.get(("raw", filename))
    if hit is not None and hit[0] == _generation:
        return hit[1]
    path = grammar_path(filename)
    try:
        resolved = path.resolve()
        st = resolved.stat()
        ident = (str(resolved), st.st_mtime_ns, st.st_size)
        entry = _raw.get(ident)
        if entry is None:
            data = resolved.read_bytes()
            sha = hashlib.sha256(data).hexdigest()
            text = data.decode("utf-8")
            try:
                parsed = tomllib.loads(text)
            except tomllib.TOMLDecodeError as e:
                raise _syntax_error(e, text, str(path)) from None
            # the bundled files' patterns are compiled by the tests; a user's are checked here, so
            # a bad one is named by its key before any stage compiles it
            bundled = resolved.parent == data_dir("grammars").resolve()
            _check_keys(filename, parsed, text, str(path), patterns=not bundled)
            entry = (str(resolved) + "#" + sha, parsed)
            _raw[ident] = entry
    except (OSError, UnicodeDecodeError) as e:
        raise GrammarError(f"cannot read the grammar: {getattr(e, 'strerror', None) or e}",
                           file=str(path)) from None
    _memo[("raw", filename)] = (_generation, entry)
    return entry


def load_grammar(filename: str) -> dict:
    """A grammar file (TOML) as a dict (treat it as read-only: it is shared). A file that cannot be
    read, is not TOML or lacks a required key raises GrammarError (one line naming it)."""
    return _load(filename)[1]


Names = Union[str, tuple[str, ...]]


def compiled(filenames: Names, compile_fn: Callable[..., Any]) -> Any:
    """``compile_fn(*dicts)`` for the grammar file(s) named, built once per distinct content.

    ``filenames`` is one name or a tuple of names; ``compile_fn`` gets their parsed dicts in that
    order. The result is shared: callers must not mutate it."""
    names = (filenames,) if isinstance(filenames, str) else tuple(filenames)
    mkey = ("built", compile_fn, names)
    hit = _memo.get(mkey)
    if hit is not None and hit[0] == _generation:
        return hit[1]
    loaded = [_load(n) for n in names]
    bkey = (compile_fn, tuple(zip(names, (sha for sha, _ in loaded))))
    if bkey in _built:
        value = _built[bkey]
    else:
        try:
            value = compile_fn(*(d for _, d in loaded))
        except (KeyError, TypeError, ValueError, IndexError, AttributeError, regex.error, re.error) as e:
            # REQUIRED_KEYS should have caught this before compile_fn ran; a grammar it does not
            # describe well enough still ends in one line naming the file(s), not a traceback.
            from .errors import GrammarError

            files = ", ".join(str(grammar_path(n)) for n in names)
            raise GrammarError(f"grammar not usable ({type(e).__name__}: {e})", file=files) from None
        _built[bkey] = value
    _memo[mkey] = (_generation, value)
    return value


# ----------------------------------------------------------------------------------------------
# What each grammar file must hold: the keys its stages' compile functions read, as data, checked
# when the file is loaded (before any compile function runs), so a missing or wrongly-typed key is
# one line naming the file, the line of the table it belongs under and the key, not a KeyError from
# deep inside a stage. One line per key: a dotted path and its type. ``name[]`` is each table of an
# array of tables; a trailing ``?`` marks a key that may be left out (checked only when present); a
# key under a table that is absent is not checked (the table's own line reports it). Types: table,
# tables (array of tables), array, string, integer, number, boolean, regex (a string that must
# compile with the `regex` module, the one dialect of grammars/README.md), regexes (an array of them).
# A file's entry is the union of what every stage reading it needs (document.toml: segment, document,
# history, orders; ocr.toml: ocr and read/pdf). A stage that starts reading a new key adds it here;
# tests/test_grammar_errors.py removes every required key of every file and expects this check.

REQUIRED_KEYS: dict[str, str] = {
    "akn.toml": """
        hierarchy                  table
        hierarchy.ladder           array
        hierarchy.ladder_nested    array
        hierarchy.label?           tables
        hierarchy.label[].pattern  regex
        hierarchy.label[].element  string
    """,
    "amendments.toml": """
        document             table
        document.title       regex
        document.title_act   regexes
        document.group_act   regexes
        document.item_act    regex
        location             table
        location.numeral     regex
        location.bare_act?   regex
        location.pattern     regex
        operation            tables
        operation[].name     string
        operation[].op       string
        operation[].element  string
        operation[].pattern  regex
    """,
    "citations.toml": """
        title              table
        title.pattern      regex
        title.drop_tail    regex
        order              table
        order.issuer_drop  array
        amendment          table
        amendment.title    regex
        amendment.clause   regex
    """,
    "clean.toml": """
        page                      table
        page.page_number          regexes
        codes                     table
        codes.document_code       regex
        codes.docno               regex
        paragraph                 table
        paragraph.starts          regexes
        paragraph.alone?          regexes
        paragraph.marker_only?    regexes
        paragraph.terminal        string
        paragraph.closing         string
        paragraph.body_marks      string
        paragraph.min_body_chars  integer
    """,
    "document.toml": """
        doc_number               table
        doc_number.pattern       regex
        doc_number.line          string
        doc_number.trailing      string
        order                    table
        order.header             regex
        order.number             regex
        order.one_line           regex
        order.cited              regex
        order.key                regex
        order.promulgation       regex
        order.adopted            regex
        order.effective          regex
        order.republished        regex
        doc_type                 table
        doc_type.types           array
        title                    table
        title.body_chars         regex
        title.numbered_body      regex
        title.skip?              regexes
        title.not_title?         regexes
        title.red_header         regex
        addressees               table
        addressees.pattern       regex
        addressees.split         regex
        signature                table
        signature.date_line      regex
        signature.date           regex
        signature.signer         regex
        signature.issuer_line    regex
        signature.issuer_split   regex
        signature.issuer_joint?  regex
        signature.not_issuer?    regexes
        signature.banji?         regexes
        signature.headnote       regex
        signature.joint_count    regex
        signature.trailer?       regexes
        attachments              table
        attachments.named        regexes
        attachments.from_title   regex
        attachments.list_head    regex
        attachments.list_item    regex
        attachments.title_blank  regex
        attachments.label        regex
        issue                    table
        issue.gazette            regex
        issue.year               regex
        issue.number             regex
        issue.total              regex
        issue.publish_date       regex
        issue.publisher          regex
        issue.gazette_en         regex
        issue.gazette_en_continued regex
        issue.publisher_en       regex
        issue.published_en       regex
        toc                      table
        toc.heading              regex
        toc.category             regex
        toc.page                 regex
        toc.page_bare            regex
        toc.table_header         regex
        toc.number_suffix?       regex
        toc.table_row_page       regex
        toc.en_skip?             regexes
        colophon                 table
        colophon.field           regex
        colophon.keys            array
        colophon.serial_value    regex
        history                  table
        history.line             regex
        history.event_date       regex
        history.kinds            array
        history.act              regex
        history.body_trim        regex
        web_page                 table
        web_page.doc_number_line regex
        web_page.doc_number_any  regex
    """,
    "notes.toml": """
        keywords                 table
        keywords.lead            array
        keywords.responsible     array
        keywords.colon           regex
        brackets                 table
        brackets.pairs           array
        separators               table
        separators.group         array
        separators.item          array
        separators.sentence      array
        separators.conjunctions  array
        flags                    table
        flags.item_tails         array
        units                    table
        units.endings            array
        units.area_word          regex
        units.level_prefix       regex
        units.own_place          regex
        units.city_prefix        regex
        units.prefix_endings     array
        units.prefix_max         integer
        units.abbreviation       regex
        units.shared_suffixes    array
        units.suffix_stems       array
        patterns                 table
        patterns.heading_lead    regex
        patterns.lead_with       regex
        patterns.lead_then_resp  regex
        patterns.guides          regex
        patterns.lead_guides     regex
        patterns.responsible     regex
        patterns.own_label       regex
        patterns.definition      regex
        rules                    table
        rules.first_listed       regex
        rules.before_comma       regex
        rules.carry              regex
        rules.carry_responsible  regex
        prose                    table
        prose.patterns           regexes
        prose.note_like          regex
    """,
    "numbering.toml": """
        numerals.zh?                   regex
        numerals.circled?              regex
        level                          tables
        level[].name                   string
        level[].pattern                regex
        boundaries                     table
        boundaries.date                regex
        boundaries.doc_number          regex
        boundaries.closing             regex
        boundaries.colophon?           regex
        boundaries.closing_paragraph?  regex
        boundaries.attachment_list     regex
        boundaries.attachment          regex
        boundaries.contents_run?       regex
        boundaries.toc_line            regex
        text                           table
        text.terminal                  regex
        text.heading_note?             regex
    """,
    "ocr.toml": """
        render                      table
        render.max_upscale          number
        render.min_background       integer
        render.threshold_max        integer
        render.background_margin    integer
        tesseract                   table
        tesseract.psm               integer
        tesseract.noise_line        regex
        tesseract.drop_below        integer
        tesseract.drop_min_chars    integer
        tesseract.short_line_chars  integer
        tesseract.sparse_factor     number
        tesseract.retry_below       integer
        tesseract.retry_latin_share number
        tesseract.retry_height      integer
        tesseract.retry_conf_slack  integer
        tesseract.retry_max_lines   integer
        tesseract.retry             array
        columns?                    table
        columns.psm                 integer
        columns.bands               integer
        columns.gutter              number
        columns.gutter_ink          number
        columns.middle              array
        columns.side_ink            number
        columns.align               number
        columns.min_bands           integer
        columns.share               number
        orientation?                table
        orientation.min_confidence  number
        repair?                     tables
        repair[].name               string
        repair[].pattern            regex
    """,
    "plausible.toml": """
        min_pairs  integer
        min_share  number
        bigrams    string
    """,
    "references.toml": """
        numerals.zh?           regex
        numerals.num?          regex
        reference              table
        reference.scope        regex
        reference.relative     regex
        reference.article      regex
        reference.paragraph    regex
        reference.item         regex
        reference.subitem      regex
        reference.short_act    regex
        reference.short_alias  regex
        reference.joiner       regex
        reference.act          regex
    """,
    "targets.toml": """
        units                 table
        before?               tables
        before[].comparator   string
        before[].words        array
        exclude.year?         regex
        year.clause?          regexes
        year.sentence?        regexes
        threshold.inclusive?  regex
        threshold.qualifier   regex
        scale.pattern?        regex
        indicator             table
        indicator.leading_date regex
        indicator.names_year  regex
        indicator.up_to_year  regex
        indicator.after_number regex
        continuation          table
        continuation.short_bracket regex
        exclude               table
        exclude.month_end     regex
    """,
    "words.toml": """
        freq             integer
        vocabulary       array
        structure_words  array
        max_ordinal      integer
    """,
    "units.toml": """
        unit?             tables
        unit[].canonical  string
    """,
    "units_standard.toml": """
        department?         tables
        department[].short  string-or-table
    """,
}

_TYPES: dict[str, tuple[str, Callable[[Any], bool]]] = {
    "table": ("a table", lambda v: isinstance(v, dict)),
    "tables": ("an array of tables", lambda v: isinstance(v, list) and all(isinstance(x, dict) for x in v)),
    "array": ("an array", lambda v: isinstance(v, list)),
    "string": ("a string", lambda v: isinstance(v, str)),
    "integer": ("an integer", lambda v: isinstance(v, int) and not isinstance(v, bool)),
    "number": ("a number", lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)),
    "boolean": ("true or false", lambda v: isinstance(v, bool)),
    "regex": ("a regex string", lambda v: isinstance(v, str)),
    "regexes": ("an array of regex strings", lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v)),
    "string-or-table": ("a string or a table", lambda v: isinstance(v, (str, dict))),
}


def _spec(filename: str) -> list[tuple[tuple[str, ...], bool, str]]:
    """REQUIRED_KEYS[filename] as (path segments, optional, type), in the order written."""
    out = []
    for row in REQUIRED_KEYS.get(filename, "").splitlines():
        if row.strip():
            key, kind = row.split()
            if kind not in _TYPES:  # pragma: no cover - a typo in the table above
                raise ValueError(f"REQUIRED_KEYS[{filename!r}]: unknown type {kind!r}")
            out.append((tuple(key.rstrip("?").split(".")), key.endswith("?"), kind))
    return out


def _resolve(doc: dict, path: tuple[str, ...]) -> list[tuple[tuple[Union[str, int], ...], Any, bool]]:
    """Each place ``path`` names in ``doc``: (concrete path, value, found). ``a[].b`` fans out over
    the tables of array ``a``; a place whose parent is missing (or not a table) is left out."""
    Where = tuple[Union[str, int], ...]
    places: list[tuple[Where, Any]] = [((), doc)]
    for seg in path[:-1]:
        name, fan = (seg[:-2], True) if seg.endswith("[]") else (seg, False)
        nxt: list[tuple[Where, Any]] = []
        for where, node in places:
            if isinstance(node, dict) and name in node:
                value = node[name]
                if fan and isinstance(value, list):
                    nxt.extend((where + (name, j), x) for j, x in enumerate(value))
                else:
                    nxt.append((where + (name,), value))
        places = nxt
    last = path[-1]
    return [(where + (last,), node.get(last), last in node)
            for where, node in places if isinstance(node, dict)]


def _check_keys(filename: str, doc: dict, text: str, file: str, patterns: bool = True) -> None:
    """Every required key present with its type; with ``patterns``, every regex compiles. The line
    is looked for only when there is an error to report (scanning the file for each key's line
    cost more than a whole parse)."""
    from .errors import GrammarError

    for path, optional, kind in _spec(filename):
        what, ok = _TYPES[kind]
        dotted = ".".join(path)
        for where, value, found in _resolve(doc, path):
            if not found:
                if optional:
                    continue
                raise GrammarError(f"missing key {dotted!r} ({what})", file=file,
                                   line=_line_of(text, where[:-1]))
            if not ok(value):
                raise GrammarError(f"key {dotted!r} must be {what}, not {_toml_type(value)}",
                                   file=file, line=_line_of(text, where))
            if patterns and kind in ("regex", "regexes"):
                for pattern in value if isinstance(value, list) else [value]:
                    try:
                        regex.compile(pattern)
                    except regex.error as e:
                        raise GrammarError(f"key {dotted!r} is not a valid regex: {e}",
                                           file=file, line=_line_of(text, where)) from None


def _toml_type(value: Any) -> str:
    for kind in ("boolean", "integer", "number", "string", "table", "array"):
        if _TYPES[kind][1](value):
            return _TYPES[kind][0]
    return type(value).__name__  # pragma: no cover - TOML has no other types


_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\[\]]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(r'^\s*([A-Za-z0-9_\-."\' ]+?)\s*=')


def _split_key(key: str) -> tuple[str, ...]:
    return tuple(part.strip().strip("\"'") for part in key.split("."))


def _line_of(text: str, where: tuple[Union[str, int], ...]) -> int:
    """The line of ``where`` (a key path; ints index arrays of tables) in the TOML ``text``: the
    key's own line, else the header of the deepest table on the path that is written, else 1.
    A line scanner, not a parser: tomllib keeps no positions; multi-line strings are skipped."""
    best_len, best_line = 0, 1
    table: tuple[Union[str, int], ...] = ()
    counts: dict[tuple, int] = {}
    in_multiline: Optional[str] = None
    for n, raw in enumerate(text.splitlines(), 1):
        if in_multiline:
            if raw.count(in_multiline) % 2:
                in_multiline = None
            continue
        m = _HEADER.match(raw)
        if m:
            names = _split_key(m.group(2))
            if m.group(1) == "[[":
                # the index of this array element: how many [[names]] came before under the same parent
                counts[names] = counts.get(names, -1) + 1
                table = names + (counts[names],)
            else:
                table = names
            full = _with_indices(table, counts)
            k = _common(full, where)
            if k == len(full) and k > best_len:
                best_len, best_line = k, n
            continue
        m = _KEY.match(raw)
        if m:
            full = _with_indices(table, counts) + _split_key(m.group(1))
            k = _common(full, where)
            if k == len(full) and k > best_len:
                best_len, best_line = k, n
            rest = raw[m.end():]
            for quote in ('"""', "'''"):
                if rest.count(quote) % 2:
                    in_multiline = quote
    return best_line


def _with_indices(table: tuple, counts: dict[tuple, int]) -> tuple:
    """A header path with the current index of each array of tables it passes through."""
    out: list = []
    for i, part in enumerate(table):
        out.append(part)
        prefix = tuple(p for p in out if not isinstance(p, int))
        if isinstance(part, str) and i + 1 < len(table) and not isinstance(table[i + 1], int) \
                and prefix in counts:
            out.append(counts[prefix])
    return tuple(out)


def _common(a: tuple, b: tuple) -> int:
    """How many leading parts ``a`` and ``b`` share."""
    k = 0
    for x, y in zip(a, b):
        if x != y:
            break
        k += 1
    return k


_TOML_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)$|\s*\(at end of document\)$")


def _syntax_error(e: Exception, text: str, file: str) -> Exception:
    """tomllib's message "Expected '=' … (at line 5, column 10)" → GrammarError on line 5."""
    from .errors import GrammarError

    message = str(e)
    m = _TOML_AT.search(message)
    if m is None:
        return GrammarError(f"not valid TOML: {message}", file=file)
    if m.group(1):
        return GrammarError(f"not valid TOML: {message[:m.start()]} (column {m.group(2)})",
                            file=file, line=int(m.group(1)))
    return GrammarError(f"not valid TOML: {message[:m.start()]} (at the end of the file)",
                        file=file, line=max(1, len(text.splitlines())))


def schema_path(filename: str) -> Path:
    return data_dir("output_schemas") / filename
