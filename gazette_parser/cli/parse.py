"""`gazette-parse FILE`: parse one file and print or write the result."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import GazetteError
from ..fsutil import write_atomic
from .options import format_option, parse_options


def load_registry(grammar_dir, units_file):
    from .. import resources, units

    resources.set_grammar_dir(grammar_dir)
    return units.load_registry(units_file) if units_file else None


@click.command("parse")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=False), required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write here (atomically) instead of stdout.")
@format_option
@parse_options
@click.option("--ocr-jobs", type=click.IntRange(min=0), default=0, show_default=True,
              help="Pages OCR'd at a time (0 = one per CPU).")
@click.option("--tree", is_flag=True, help="Print an outline of the clause tree instead of the data.")
@click.option("--include-text", is_flag=True, help="Add the cleaned text (what spans point into) to the output.")
def parse_command(file, output, fmt, backend, ocr, grammar_dir, units_file, ocr_jobs, tree, include_text):
    """Parse FILE (a gazette issue or one document: .pdf, .html or .txt)."""
    from ..pipeline import parse

    try:
        registry = load_registry(grammar_dir, units_file)
        issue = parse(Path(file), backend=backend, ocr=ocr, ocr_jobs=ocr_jobs, registry=registry)
    except GazetteError as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(e.exit_code)
    if tree:
        from ..clauses import outline

        click.echo(outline(issue), nl=False)
        return
    from ..emit import render

    rendered = render(issue, fmt, include_text=include_text)
    if output is None:
        for body in rendered.values():
            click.echo(body, nl=False)
        return
    for kind, body in rendered.items():
        write_atomic(_output_name(output, kind, fmt), body)


def _output_name(output: str, kind: str, fmt: str) -> str:
    """-o OUT names the file for one format; with --format all, OUT's stem gets each suffix."""
    if fmt != "all":
        return output
    stem = output
    for suffix in (".akn.xml", ".json", ".xml"):
        if stem.endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    return stem + {"json": ".json", "xml": ".xml", "akn": ".akn.xml", "html": ".html"}[kind]
