"""The `gazette-parse` command: a thin click layer over the library.

`gazette-parse FILE` parses one file (the `parse` command is the default); the other commands
(batch, index, query, validate) live in their own modules and are registered here.
"""

from __future__ import annotations

import click

from .. import __version__


class DefaultGroup(click.Group):
    """A group whose first argument, when it is not a command name, goes to `parse`."""

    default_command = "parse"

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            args = [self.default_command, *args]
        elif not args:
            args = [self.default_command]
        return super().parse_args(ctx, args)

    def invoke(self, ctx):
        """The last net: whatever a command lets escape ends as one line on stderr, not a
        traceback (set GAZETTE_PARSER_TRACEBACK=1 to see one). Commands handle their own errors
        first; this catches what they did not foresee (a full disk on stdout, a parser bug)."""
        import os
        import sys

        from ..errors import GazetteError

        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except GazetteError as e:
            click.echo(f"error: {e}", err=True)
            sys.exit(e.exit_code)
        except Exception as e:  # noqa: BLE001 - this is the point
            if os.environ.get("GAZETTE_PARSER_TRACEBACK"):
                raise
            if isinstance(e, BrokenPipeError):
                sys.exit(1)
            from ..fsutil import display_path

            if isinstance(e, MemoryError):
                why = "out of memory"
            elif isinstance(e, RecursionError):
                why = "input nests too deeply (recursion limit)"
            elif isinstance(e, OSError):
                where = f"{display_path(e.filename)}: " if e.filename else ""
                why = f"{where}{e.strerror or e}"
            else:
                why = f"internal error: {type(e).__name__}: {display_path(str(e))[:300]}"
            click.echo(f"error: {why}", err=True)
            sys.exit(1 if isinstance(e, OSError) else 70)


@click.group(cls=DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="gazette-parse")
def main():
    """Parse Chinese government gazettes (政府公报) into structured, validated data.

    \b
    gazette-parse FILE [options]        parse one file (same as `gazette-parse parse FILE`)
    gazette-parse batch INPUT… -o DIR   convert many files, resumably
    gazette-parse index OUTPUT… --db DB load outputs into SQLite
    gazette-parse query --db DB …       query the index
    gazette-parse graph --db DB         export the citation graph (JSON, GraphML)
    gazette-parse validate FILE…        validate outputs against the schemas
    """


def _register() -> None:
    from . import batch, index, parse, validate

    main.add_command(parse.parse_command, "parse")
    main.add_command(batch.batch_command, "batch")
    main.add_command(index.index_command, "index")
    main.add_command(index.query_command, "query")
    main.add_command(index.graph_command, "graph")
    main.add_command(validate.validate_command, "validate")


_register()
