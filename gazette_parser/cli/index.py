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
@click.option("--text", help="Words in clause headings or text (all must occur): dictionary words match as words, "
              "other terms as substrings; ranked by bm25.")
@click.option("--substring", is_flag=True, help="Match every --text term as a substring, never as a word.")
@click.option("--lead", metavar="UNIT", help="Clauses this unit leads (牵头单位); canonical name or any alias.")
@click.option("--responsible", metavar="UNIT", help="Clauses this unit is responsible for (责任单位).")
@click.option("--unit", metavar="UNIT", help="Clauses naming this unit in either role.")
@click.option("--doc-number", metavar="文号",
              help="A 文号 (渝府发〔2022〕31号) or its start (渝府办发, 渝府发〔2022〕).")
@click.option("--issuer", help="An issuing authority (发文机关), whole name or part of it.")
@click.option("--year-target", type=click.IntRange(1, 9999), metavar="YEAR",
              help="Targets set for YEAR: one row per target.")
@click.option("--from", "date_from", metavar="DATE", help="Documents dated on/after DATE (YYYY, YYYY-MM, YYYY-MM-DD).")
@click.option("--to", "date_to", metavar="DATE", help="Documents dated on/before DATE.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.option("--columns", help="Comma-separated columns to show (see --help-columns).")
@click.option("--limit", type=int, help="At most this many rows; 0 = all. The table stops at 50 unless told, "
              "and says how many more there are; json and csv give all rows unless told.")
@click.option("--help-columns", is_flag=True, help="List the available columns and exit.")
@click.option("--cites", metavar="KEY", help="Citations of KEY (a 文号, 令 number or title): who cites it, where.")
@click.option("--cited-by", "cited_by", metavar="KEY", help="Citations made by the document KEY names.")
@click.option("--amends", is_flag=True, help="Amendment edges only (amends / republishes).")
def query_command(db, text, substring, lead, responsible, unit, doc_number, issuer, year_target, date_from, date_to,
                  fmt, columns, limit, help_columns, cites, cited_by, amends):
    """Query the index DB. Filters combine (AND); one row per clause (per target with --year-target).

    \b
    gazette-parse query --db gazettes.db --lead 市城市管理局
    gazette-parse query --db gazettes.db --text 老旧小区改造 --format csv > hits.csv
    gazette-parse query --db gazettes.db --doc-number 渝府办发 --from 2022 --to 2022
    gazette-parse query --db gazettes.db --year-target 2025 --format json
    gazette-parse query --db gazettes.db --cites 国发〔2022〕12号
    gazette-parse query --db gazettes.db --cited-by 渝府办发〔2022〕81号
    gazette-parse query --db gazettes.db --amends

    With --cites / --cited-by / --amends the rows are citations (one per edge of the citation
    graph, columns from_doc_number … resolved), and the clause filters do not apply.
    """
    from ..query import (ALL_COLUMNS, CLAUSE_COLUMNS, TABLE_LIMIT, IndexFailure, Query, QueryError, check_columns,
                         count_rows, default_columns, format_rows, iter_rows, run_query, table_lines)

    if help_columns:
        click.echo("clause columns: " + ", ".join(CLAUSE_COLUMNS))
        click.echo("target columns (with --year-target): " + ", ".join(ALL_COLUMNS[len(CLAUSE_COLUMNS):]))
        return
    if cites is not None or cited_by is not None or amends:
        _citation_query(db, cites, cited_by, amends, fmt, columns, limit)
        return
    if limit is None and fmt == "table":
        limit = TABLE_LIMIT
    q = Query(text=text, substring=substring, lead=lead, responsible=responsible, unit=unit, doc_number=doc_number,
              issuer=issuer, year_target=year_target, date_from=date_from, date_to=date_to, limit=limit or None)
    try:
        if limit is not None and limit < 0:
            raise QueryError("--limit must be 0 (all rows) or more")
        cols = check_columns(columns.split(","), year_target is not None) if columns else default_columns(q)
        if not cols:
            raise QueryError("--columns names no column")
        if fmt in ("json", "csv") and not columns:
            cols = [c for c in ALL_COLUMNS if year_target is not None or c in CLAUSE_COLUMNS]
        if fmt == "table":
            rows = iter_rows(db, q)
            first = next(rows, None)  # a bad query fails here, before anything is printed
        else:
            all_rows = run_query(db, q)
    except (QueryError, IndexFailure) as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(2)
    if fmt != "table":
        click.echo(format_rows(all_rows, cols, fmt), nl=False)
        return

    def rest():
        if first is not None:
            yield first
            yield from rows

    def more(shown: int) -> int:  # counted only when the limit was reached
        return count_rows(db, q) - shown if q.limit and shown >= q.limit else 0

    for line in table_lines(rest(), cols, more):
        click.echo(line)


def _open_or_exit(db):
    """The index DB opened read-only, or a one-line error and exit status 2."""
    from ..index import IndexFailure, open_index

    try:
        return open_index(db, create=False, readonly=True)
    except IndexFailure as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(2)


def _citation_query(db, cites, cited_by, amends, fmt, columns, limit) -> None:
    from ..graph import CITATION_COLUMNS, citation_rows
    from ..query import format_rows

    for name, value in (("--cites", cites), ("--cited-by", cited_by)):
        if value is not None and not value.strip():
            click.echo(f"error: {name} is empty", err=True)
            sys.exit(2)
    cols = [c.strip() for c in columns.split(",") if c.strip()] if columns else (
        list(CITATION_COLUMNS) if fmt != "table" else
        ["from_doc_number", "labels", "relation", "printed", "to_doc_number", "to_title"])
    bad = [c for c in cols if c not in CITATION_COLUMNS]
    if bad:
        click.echo(f"error: unknown column {bad[0]!r}; choose from: {', '.join(CITATION_COLUMNS)}", err=True)
        sys.exit(2)
    con = _open_or_exit(db)
    try:
        rows = citation_rows(con, cites=cites, cited_by=cited_by, amends=amends, limit=limit)
    finally:
        con.close()
    for r in rows:
        r["resolved"] = bool(r["resolved"])
    click.echo(format_rows(rows, cols, fmt), nl=False)


@click.command("graph")
@click.option("--db", required=True, type=click.Path(dir_okay=False), help="An index built by `gazette-parse index`.")
@click.option("--format", "fmt", type=click.Choice(["json", "graphml"]), default="json", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write here (atomically) instead of stdout.")
@click.option("--unresolved", "list_unresolved", is_flag=True,
              help="List the citations whose target is not in the index, with a count, and exit.")
def graph_command(db, fmt, output, list_unresolved):
    """Export the citation and amendment graph of DB: JSON or GraphML (Gephi, networkx).

    \b
    Nodes: every indexed document, plus one node per cited key not in the index (unresolved).
    Edges: one per citation (relation cites / amends / republishes, kind doc_number / order /
    title, the citation as printed, the citing clause's labels). A summary line goes to stderr.
    """
    from ..fsutil import write_atomic
    from ..graph import export, unresolved

    con = _open_or_exit(db)
    try:
        missing = unresolved(con)
        if list_unresolved:
            for u in missing:
                click.echo(f"{u['count']}\t{u['kind']}\t{u['printed']}")
            click.echo(f"{len(missing)} unresolved key(s), {sum(u['count'] for u in missing)} citation(s)",
                       err=True)
            return
        body = export(con, fmt)
        total = con.execute("SELECT count(*) FROM citations").fetchone()[0]
    finally:
        con.close()
    if output:
        write_atomic(output, body)
    else:
        click.echo(body, nl=False)
    n_missing = sum(u["count"] for u in missing)
    click.echo(f"{total} citation(s): {total - n_missing} resolved, {n_missing} unresolved "
               f"({len(missing)} key(s); list them with --unresolved)", err=True)
