"""Option decorators shared by the commands (one definition, one help text)."""

from __future__ import annotations

import click

FORMATS = ("json", "xml", "akn", "html", "all")


def backend_option(f):
    return click.option("--backend", type=click.Choice(["pdfplumber", "pdfium"]), default="pdfplumber",
                        show_default=True, help="PDF reader: pdfplumber (careful) or pdfium (fast).")(f)


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
