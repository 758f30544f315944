"""`gazette-parse index` (outputs → SQLite) and `gazette-parse query` (filters → rows)."""

from __future__ import annotations

import sys

import click

from .options import budget_options, parse_options


@click.command("index")
@click.argument("outputs", nargs=-1, required=True)
@click.option("--db", required=True, type=click.Path(dir_okay=False), help="The SQLite database (created if missing).")
@parse_options
@budget_options
def index_command(outputs, db, backend, ocr, grammar_dir, units_file, timeout, max_memory):
    """Load OUTPUTS into the SQLite database DB.

    \b
    OUTPUTS are JSON files written by `gazette-parse` / `gazette-parse batch`, directories of
    them (searched recursively), or source files (.pdf .txt .html), which are parsed first.
    Indexing the same source again replaces it. Exit status: 0 all loaded, 1 some failed, 2 bad DB.
    """
    from .. import resources
    from ..index import IndexFailure, index_paths, open_index, stats
    try:
        resources.set_grammar_dir(grammar_dir)
        con = open_index(db, create=True)
    except IndexFailure as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(2)
    registry = None
    if units_file:
        from ..errors import GazetteError
        from ..index import load_unit_registry

        try:
            registry = load_unit_registry(units_file)
        except GazetteError as e:
            click.echo(f"error: {e}", err=True)
            sys.exit(2)
    try:
        ok, failed = index_paths(con, outputs, units_file=units_file,
                                 on_error=lambda m: click.echo(f"failed: {m}", err=True),
                                 parse_kw={"backend": backend, "ocr": ocr, "registry": registry,
                                           "timeout": timeout, "max_memory": max_memory})
    except IndexFailure as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(2)
    counts = stats(con)
    con.close()
    click.echo(f"indexed {ok} file(s), failed {failed}; {db} holds " +
               ", ".join(f"{v} {k}" for k, v in counts.items()))
    sys.exit(1 if failed else 0)


@click.command("query")
@click.option("--db", required=True, type=click.Path(dir_okay=False), help="An index built by `gazette-parse index`.")
@click.option("--text", help="Words in clause headings or text (all must occur; ≥3 characters use the FTS index).")
@click.option("--lead", metavar="UNIT", help="Clauses this unit leads (牵头单位); canonical name or any alias.")
@click.option("--responsible", metavar="UNIT", help="Clauses this unit is responsible for (责任单位).")
@click.option("--unit", metavar="UNIT", help="Clauses naming this unit in either role.")
@click.option("--doc-number", metavar="文号", help="A 文号 (渝府发〔2022〕31号) or its start (渝府办发, 渝府发〔2022〕).")
@click.option("--issuer", help="An issuing authority (发文机关), whole name or part of it.")
@click.option("--year-target", type=click.IntRange(1, 9999), metavar="YEAR", help="Targets set for YEAR: one row per target.")
@click.option("--from", "date_from", metavar="DATE", help="Documents dated on/after DATE (YYYY, YYYY-MM, YYYY-MM-DD).")
@click.option("--to", "date_to", metavar="DATE", help="Documents dated on/before DATE.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.option("--columns", help="Comma-separated columns to show (see --help-columns).")
@click.option("--limit", type=click.IntRange(min=0, max=2**63 - 1), help="At most this many rows.")
@click.option("--help-columns", is_flag=True, help="List the available columns and exit.")
def query_command(db, text, lead, responsible, unit, doc_number, issuer, year_target, date_from, date_to,
                  fmt, columns, limit, help_columns):
    """Query the index DB. Filters combine (AND); one row per clause (per target with --year-target).

    \b
    gazette-parse query --db gazettes.db --lead 市城市管理局
    gazette-parse query --db gazettes.db --text 老旧小区改造 --format csv > hits.csv
    gazette-parse query --db gazettes.db --doc-number 渝府办发 --from 2022 --to 2022
    gazette-parse query --db gazettes.db --year-target 2025 --format json
    """
    from ..query import (ALL_COLUMNS, CLAUSE_COLUMNS, IndexFailure, Query, QueryError, check_columns,
                         default_columns, format_rows, run_query)

    if help_columns:
        click.echo("clause columns: " + ", ".join(CLAUSE_COLUMNS))
        click.echo("target columns (with --year-target): " + ", ".join(ALL_COLUMNS[len(CLAUSE_COLUMNS):]))
        return
    q = Query(text=text, lead=lead, responsible=responsible, unit=unit, doc_number=doc_number, issuer=issuer,
              year_target=year_target, date_from=date_from, date_to=date_to, limit=limit)
    try:
        cols = check_columns(columns.split(","), year_target is not None) if columns else default_columns(q)
        if not cols:
            raise QueryError("--columns names no column")
        if fmt in ("json", "csv") and not columns:
            cols = [c for c in ALL_COLUMNS if year_target is not None or c in CLAUSE_COLUMNS]
        rows = run_query(db, q)
    except (QueryError, IndexFailure) as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(2)
    click.echo(format_rows(rows, cols, fmt), nl=False)
