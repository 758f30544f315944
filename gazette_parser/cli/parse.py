"""`gazette-parse FILE`: parse one file and print or write the result."""

from __future__ import annotations

import sys

import click

from ..errors import GazetteError
from ..formats import KIND_SUFFIX, kind_of_name
from ..fsutil import write_atomic
from .options import budget_options, format_option, parse_options


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
@click.option("--progress/--no-progress", default=None,
              help="Show OCR progress per page on stderr (default: when stderr is a terminal).")
@budget_options
def parse_command(file, output, fmt, backend, ocr, grammar_dir, units_file, ocr_jobs, tree, include_text,
                  progress, timeout, max_memory):
    """Parse FILE (a gazette issue or one document: .pdf, .html or .txt)."""
    from ..fsutil import display_path
    from ..limits import budget
    from ..pipeline import parse

    if output is not None:
        check_writable(output)
    if progress if progress is not None else sys.stderr.isatty():
        from .. import ocr as ocr_module

        ocr_module.set_progress(_ocr_progress(display_path(file), sys.stderr.isatty()))
    try:
        registry = load_registry(grammar_dir, units_file)
        with budget(timeout, max_memory, display_path(file)):
            issue = parse(path=file, backend=backend, ocr=ocr, ocr_jobs=ocr_jobs, registry=registry)
            if not tree and fmt != "json":
                from ..emit import render

                rendered = render(issue, fmt, include_text=include_text)
    except GazetteError as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(e.exit_code)
    if tree:
        from ..clauses import outline

        click.echo(outline(issue), nl=False)
        return
    if fmt == "json":  # written a document at a time: a long issue's JSON is never whole in memory
        from ..emit.json import iter_dumps

        pieces = iter_dumps(issue, include_text=include_text)
        if output is None:
            for piece in pieces:
                click.echo(piece, nl=False)
            return
        rendered = {"json": pieces}
    if output is None:
        for body in rendered.values():
            click.echo(body, nl=False)
        return
    for kind, body in rendered.items():
        name = _output_name(output, kind, fmt)
        try:
            write_atomic(name, body)
        except OSError as e:  # a read-only or full place: one line, and no partial file is left
            click.echo(f"error: {display_path(name)}: cannot write: {e.strerror or e}", err=True)
            sys.exit(1)


def _ocr_progress(name: str, tty: bool):
    def report(done: int, total: int, index: int) -> None:
        end = "\n" if not tty or done == total else ""
        sys.stderr.write(f"{chr(13) if tty else ''}{name}: OCR {done}/{total} pages (page {index} done){end}")
        sys.stderr.flush()

    return report


def check_writable(output: str) -> None:
    """Fail before parsing when -o names a place that cannot be written (no such directory, …)."""
    import os

    from ..fsutil import display_path

    parent = os.path.dirname(os.path.abspath(output)) or "."
    while not os.path.lexists(parent) and os.path.dirname(parent) != parent:
        parent = os.path.dirname(parent)  # missing directories are made by write_atomic
    why = None
    if os.path.isdir(output):
        why = "is a directory"
    elif not os.path.isdir(parent):
        why = f"{display_path(parent)} is not a directory"
    elif not os.access(parent, os.W_OK | os.X_OK):
        why = f"directory {display_path(parent)} is not writable"
    if why:
        click.echo(f"error: {display_path(output)}: cannot write: {why}", err=True)
        sys.exit(2)


def _output_name(output: str, kind: str, fmt: str) -> str:
    """-o OUT names the file for one format; with --format all, OUT's stem gets each suffix."""
    if fmt != "all":
        return output
    stem = output
    claimed = kind_of_name(stem)
    if claimed is not None:
        stem = stem[: -len(KIND_SUFFIX[claimed])]
    return stem + KIND_SUFFIX[kind]
