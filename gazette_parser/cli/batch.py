"""`gazette-parse batch INPUT… -o OUTDIR`: convert many files, in parallel, resumably."""

from __future__ import annotations

import sys

import click

from .options import format_option, parse_options


@click.command("batch")
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--output-dir", "outdir", required=True, type=click.Path(file_okay=False),
              help="Where outputs and manifest.sqlite go (created if missing).")
@click.option("-j", "--jobs", type=int, default=None,
              help="Worker processes (default: the number of cores).")
@format_option
@click.option("--force", is_flag=True, help="Convert again inputs the manifest already lists as done.")
@click.option("--executor", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="local: a pool of processes on this machine; dask: a dask.distributed cluster.")
@click.option("--scheduler", metavar="tcp://HOST:PORT", help="Dask scheduler address (with --executor dask).")
@click.option("--timeout", type=float, default=600.0, show_default=True, metavar="S",
              help="Seconds one file may take before it is recorded as failed (0: no limit).")
@click.option("--max-memory", "max_memory", type=int, default=4096, show_default=True, metavar="MB",
              help="Address-space limit of each local worker (0: no limit).")
@click.option("--progress/--no-progress", default=None,
              help="Progress bar on stderr (default: when stderr is a terminal).")
@parse_options
def batch_command(inputs, outdir, jobs, fmt, force, executor, scheduler, timeout, max_memory, progress,
                  backend, ocr, grammar_dir, units_file):
    """Convert INPUT… (files, directories searched recursively, or globs) into OUTDIR.

    \b
    Outputs are named <input stem>.<first 12 hex digits of its sha256>.json (.xml, .akn.xml).
    OUTDIR/manifest.sqlite records every input: sha256, size, status (ok / failed / needs-ocr),
    error, counts, parser version and seconds. A rerun skips inputs already done (same content,
    parser version and settings) unless --force; failed inputs are retried. Outputs appear
    atomically, so an interrupted run (Ctrl-C, kill -9, power cut) can simply be run again.

    Exit status: 0 all converted (needs-ocr counts as done), 1 some failed, 2 bad arguments.
    """
    from ..batch import BatchError, BatchOptions, run_batch

    opts = BatchOptions(fmt=fmt, jobs=jobs, force=force, executor=executor, scheduler=scheduler,
                        timeout=timeout, max_memory_mb=max_memory, backend=backend, ocr=ocr,
                        grammar_dir=grammar_dir, units_file=units_file, progress=progress)
    try:
        summary = run_batch(inputs, outdir, opts)
    except BatchError as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        click.echo("\ninterrupted: finished files are recorded; run the same command again to resume",
                   err=True)
        sys.exit(130)
    except OSError as e:  # the scheduler is unreachable, OUTDIR not writable, …
        click.echo(f"error: {e}", err=True)
        sys.exit(2 if executor == "dask" else 1)
    for path, message in summary.failures[:50]:
        click.echo(f"failed: {message}" if path in message else f"failed: {path}: {message}")
    if len(summary.failures) > 50:
        click.echo(f"… and {len(summary.failures) - 50} more failures (see {outdir}/manifest.sqlite)")
    if summary.recovered:
        click.echo(f"recovered {summary.recovered} output(s) left by an interrupted run")
    click.echo(summary.line())
    sys.exit(summary.exit_code)
