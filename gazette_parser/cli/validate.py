"""`gazette-parse validate FILE…`: check outputs against their schemas."""

from __future__ import annotations

import sys

import click

from ..formats import DATA_KINDS


@click.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--kind", type=click.Choice(DATA_KINDS), default=None,
              help="Treat every FILE as this kind (default: by suffix .json / .xml / .akn.xml, "
                   "then by content).")
@click.option("-q", "--quiet", is_flag=True, help="Print only the errors, not one line per valid file.")
def validate_command(files, kind, quiet):
    """Validate gazette-parser outputs: JSON against gazette.schema.json, XML against gazette.xsd,
    Akoma Ntoso against the official akomantoso30.xsd. Prints each error with its path; exits 1
    when any file fails."""
    from ..validate import validate

    failed = 0
    for name in files:
        ok, errors = validate(name, kind=kind)
        if ok:
            if not quiet:
                click.echo(f"{name}: ok")
            continue
        failed += 1
        for err in errors:
            click.echo(f"{name}: {err}")
    if failed:
        click.echo(f"{failed} of {len(files)} file(s) failed validation", err=True)
        sys.exit(1)
