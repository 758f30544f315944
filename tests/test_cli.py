"""The CLI: every command is documented in the README; bad input is one line, not a traceback."""

from __future__ import annotations

import re

from click.testing import CliRunner

from gazette_parser.cli import main

from .conftest import ROOT


def test_every_command_is_documented_in_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in main.commands:
        assert re.search(rf"gazette-parse {name}\b", readme), f"command {name!r} missing from README"


def test_missing_file_is_one_line_error(tmp_path):
    result = CliRunner().invoke(main, [str(tmp_path / "nope.pdf")])
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert "nope.pdf" in result.output and "not found" in result.output


def test_output_is_written_atomically_as_an_ordinary_file(tmp_path):
    import os
    import stat

    out = tmp_path / "cq.json"
    result = CliRunner().invoke(main, [str(ROOT / "samples" / "cq-gazette-2022-14.txt"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("{")
    mask = os.umask(0o022)
    os.umask(mask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~mask  # not mkstemp's private 0600
    assert [p.name for p in tmp_path.iterdir()] == ["cq.json"]  # no temporary left behind


def test_help_does_not_import_the_pipeline():
    """`gazette-parse --help` starts without the parsing stages or the PDF readers."""
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "gazette_parser", "--help"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and "Usage" in proc.stdout
    imported = {line.rsplit("|", 1)[-1].strip() for line in proc.stderr.splitlines() if "|" in line}
    assert "gazette_parser.errors" in imported  # the listing is what we think it is
    heavy = {"gazette_parser.pipeline", "gazette_parser.model", "gazette_parser.issue.segment", "pdfplumber",
             "pypdfium2", "regex"}
    assert not heavy & imported
