"""Option decorators shared by the commands (one definition, one help text)."""

from __future__ import annotations

import click

from ..formats import FORMATS


def backend_option(f):
    return click.option("--backend", type=click.Choice(["auto", "pdfplumber", "pdfium"]), default="auto",
                        show_default=True,
                        help="PDF reader: auto (pdfium, pdfplumber on pages with ruled tables), or force one.")(f)


def ocr_option(f):
    return click.option("--ocr", type=click.Choice(["auto", "always", "never"]), default="auto",
                        show_default=True,
                        help="OCR pages with no usable text layer (auto), every page, or none.")(f)


def format_option(f):
    return click.option("--format", "fmt", type=click.Choice(FORMATS), default="json", show_default=True,
                        help="Output format (html: one self-contained page to read in a browser); "
                        "`all` writes FILE.json, FILE.xml and FILE.akn.xml.")(f)


def grammar_options(f):
    f = click.option("--grammar-dir", type=click.Path(exists=True, file_okay=False),
                     help="Directory whose grammar files override the bundled ones.")(f)
    f = click.option("--units", "units_file", type=click.Path(exists=True, dir_okay=False),
                     help="Extra unit registry (TOML, same form as grammars/units.toml).")(f)
    return f


def parse_options(f):
    for deco in (grammar_options, ocr_option, backend_option):
        f = deco(f)
    return f


def budget_options(f):
    """--timeout and --max-memory: the budget of one input (see gazette_parser.limits)."""
    from ..limits import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT

    f = click.option("--max-memory", "max_memory", type=click.IntRange(min=0), default=DEFAULT_MEMORY_MB,
                     show_default=True, help="Memory budget in MB (0 = none): past it, a one-line error.")(f)
    f = click.option("--timeout", type=click.FloatRange(min=0), default=DEFAULT_TIMEOUT, show_default=True,
                     help="Seconds one input may take (0 = no limit): past it, a one-line error.")(f)
    return f
