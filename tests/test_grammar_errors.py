"""A broken or incomplete grammar file is one line naming the file, the line and what is wrong.

Every file in grammars/ is broken two ways — a TOML syntax error, and a required key taken out — put
in a --grammar-dir and given to the real CLI, through a command whose stages read that file. The
required keys are the ones resources.REQUIRED_KEYS declares; an in-process test takes out each of
them in turn (and the tables they live in), and checks wrong types and invalid regexes too.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from gazette_parser import resources
from gazette_parser.errors import GrammarError
from gazette_parser.resources import REQUIRED_KEYS, data_dir, tomllib  # tomllib, or tomli on 3.10

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_TXT = ROOT / "samples" / "cq-gazette-2022-14.txt"
SAMPLE_PDF = ROOT / "samples" / "cq-gazette-2022-14.pdf"
AMENDMENT = ROOT / "tests" / "data" / "amendment_ops.txt"  # a 修改决定: the amendments stage runs
BUNDLED = data_dir("grammars")
GRAMMARS = sorted(p.name for p in BUNDLED.glob("*.toml"))

# The command that reaches the stage reading each grammar file: (command, input, extra options).
# "index" indexes a JSON output of the sample (words.toml: word search; citations.toml: the graph).
USES: dict[str, tuple[str, Path, tuple[str, ...]]] = {
    "clean.toml": ("parse", SAMPLE_TXT, ()),
    "document.toml": ("parse", SAMPLE_TXT, ()),
    "numbering.toml": ("parse", SAMPLE_TXT, ()),
    "references.toml": ("parse", SAMPLE_TXT, ()),
    "notes.toml": ("parse", SAMPLE_TXT, ()),
    "units.toml": ("parse", SAMPLE_TXT, ()),
    "units_standard.toml": ("parse", SAMPLE_TXT, ()),
    "targets.toml": ("parse", SAMPLE_TXT, ()),
    "amendments.toml": ("parse", AMENDMENT, ()),
    "akn.toml": ("parse", SAMPLE_TXT, ("--format", "akn")),
    "plausible.toml": ("parse", SAMPLE_PDF, ()),
    "ocr.toml": ("parse", SAMPLE_PDF, ("--ocr", "always")),
    "words.toml": ("index", SAMPLE_TXT, ()),
    "citations.toml": ("index", SAMPLE_TXT, ()),
}

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\[\]]+?)\s*\]\]?\s*(?:#.*)?$")


def test_every_grammar_file_is_covered():
    assert set(USES) == set(GRAMMARS)
    assert set(REQUIRED_KEYS) == set(GRAMMARS)


# ----------------------------------------------------------------------------------------------
# helpers: where things are in a grammar file, read the plain way (independent of resources.py)


def _rows(name: str) -> list[list[str]]:
    """REQUIRED_KEYS[name] as [dotted key (``?`` if optional), type] rows."""
    return [row.split() for row in REQUIRED_KEYS[name].splitlines() if row.strip()]


def _required(name: str) -> list[tuple[str, str]]:
    """(dotted key, type) of every required (not ``?``) entry of REQUIRED_KEYS[name]."""
    return [(key, kind) for key, kind in _rows(name) if not key.endswith("?")]


def _regex_keys(name: str) -> list[str]:
    return [key.rstrip("?") for key, kind in _rows(name) if kind == "regex"]


def _find(lines: list[str], dotted: str) -> tuple[int, int]:
    """(0-based index of the line assigning ``dotted``, 1-based line of the header of the table it is
    under, 1 at the top level). ``a[].b`` is looked up in the first [[a]] table."""
    parent, _, key = dotted.rpartition(".")
    want = parent.replace("[]", "")
    current, header_line, entered = "", 1, not want
    for i, line in enumerate(lines):
        m = _HEADER.match(line)
        if m:
            if entered and current == want:
                break  # past the table (or the first table of the array) without finding the key
            current = m.group(2).replace('"', "")
            if current == want:
                entered, header_line = True, i + 1
            continue
        if current == want and re.match(rf"\s*{re.escape(key)}\s*=", line):
            return i, header_line
    raise AssertionError(f"{dotted} not found as a plain key line")




def _first_statement(lines: list[str]) -> int:
    """0-based index of the first line that is neither blank nor a comment (below the header)."""
    return next(i for i, line in enumerate(lines) if line.strip() and not line.lstrip().startswith("#"))


def _single_line_key(name: str, lines: list[str]) -> tuple[str, int, int]:
    """A required leaf key of ``name`` whose value fits on its line: (key, line index, header line)."""
    for key, kind in _required(name):
        if kind in ("table", "tables"):
            continue
        i, header = _find(lines, key)
        try:
            tomllib.loads(lines[i])
        except tomllib.TOMLDecodeError:
            continue  # a multi-line value: taking out one line would be a syntax error instead
        return key, i, header
    raise AssertionError(f"{name}: no required key on a line of its own")


# ----------------------------------------------------------------------------------------------
# the real CLI


@pytest.fixture(scope="module")
def sample_json(tmp_path_factory):
    """The sample's JSON, parsed with the bundled grammars: the input of `gazette-parse index`."""
    out = tmp_path_factory.mktemp("json") / "cq.json"
    subprocess.run([sys.executable, "-m", "gazette_parser", str(SAMPLE_TXT), "-o", str(out)],
                   check=True, capture_output=True, cwd=ROOT)
    return out


def _run(name: str, gdir: Path, tmp_path: Path, sample_json: Path) -> tuple[subprocess.CompletedProcess, Path]:
    command, source, extra = USES[name]
    if command == "index":
        out = tmp_path / "index.db"
        args = ["index", str(sample_json), "--db", str(out), "--grammar-dir", str(gdir)]
    else:
        out = tmp_path / "out"
        args = [str(source), "--grammar-dir", str(gdir), "-o", str(out), *extra]
    env = {k: v for k, v in os.environ.items() if k != "GAZETTE_PARSER_TRACEBACK"}
    proc = subprocess.run([sys.executable, "-m", "gazette_parser", *args], capture_output=True,
                          text=True, cwd=tmp_path, env=env, timeout=300)
    return proc, out


def _assert_one_line_error(proc, out: Path, path: Path, line: int, *needles: str) -> None:
    assert proc.returncode == GrammarError.exit_code == 2, proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert lines[0].startswith(f"error: {path}, line {line}: "), lines[0]
    for needle in needles:
        assert needle in lines[0], lines[0]
    assert not out.exists()
    assert not list(out.parent.glob(out.name + "*"))  # no temporary left either


@pytest.mark.parametrize("name", GRAMMARS)
def test_cli_syntax_error_names_file_and_line(name, tmp_path, sample_json):
    lines = (BUNDLED / name).read_text(encoding="utf-8").splitlines()
    at = _first_statement(lines)
    lines.insert(at, "this line = = is not TOML")
    gdir = tmp_path / "grammars"
    gdir.mkdir()
    (gdir / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    proc, out = _run(name, gdir, tmp_path, sample_json)
    _assert_one_line_error(proc, out, gdir / name, at + 1, "not valid TOML")


@pytest.mark.parametrize("name", GRAMMARS)
def test_cli_missing_key_names_file_line_and_key(name, tmp_path, sample_json):
    lines = (BUNDLED / name).read_text(encoding="utf-8").splitlines()
    key, i, header = _single_line_key(name, lines)
    del lines[i]
    gdir = tmp_path / "grammars"
    gdir.mkdir()
    (gdir / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    proc, out = _run(name, gdir, tmp_path, sample_json)
    _assert_one_line_error(proc, out, gdir / name, header, f"missing key '{key}'")


# ----------------------------------------------------------------------------------------------
# in process: every required key, wrong types, invalid regexes


def _load_broken(name: str, text: str, tmp_path: Path) -> GrammarError:
    gdir = tmp_path / name.replace(".", "_")
    gdir.mkdir(exist_ok=True)
    (gdir / name).write_text(text, encoding="utf-8")
    try:
        with pytest.raises(GrammarError) as info:
            resources.set_grammar_dir(str(gdir))
            resources.load_grammar(name)
    finally:
        resources.set_grammar_dir(None)
    assert info.value.file == str(gdir / name)
    return info.value


@pytest.mark.parametrize("name", GRAMMARS)
def test_each_required_key_taken_out(name, tmp_path):
    lines = (BUNDLED / name).read_text(encoding="utf-8").splitlines()
    checked = 0
    for key, kind in _required(name):
        broken = list(lines)
        headers = [i for i, line in enumerate(lines) if (m := _HEADER.match(line))
                   and m.group(2).replace('"', "").split(".")[0] == key]
        if kind in ("table", "tables") and headers:
            # the whole table renamed away (a top-level one): nothing to point at but line 1
            for i in headers:
                broken[i] = broken[i].replace(key, key + "_gone", 1)
            expected = 1
        else:
            i, expected = _find(lines, key)
            leaf = key.rpartition(".")[2]
            broken[i] = broken[i].replace(leaf, leaf + "_gone", 1)
        err = _load_broken(name, "\n".join(broken) + "\n", tmp_path)
        assert err.message.startswith(f"missing key '{key}' ("), (key, err.message)
        assert err.line == expected, (key, str(err))
        checked += 1
    assert checked == len(_required(name)) >= 1


@pytest.mark.parametrize("name", [n for n in GRAMMARS if _regex_keys(n)])
def test_invalid_regex_names_the_key(name, tmp_path):
    lines = (BUNDLED / name).read_text(encoding="utf-8").splitlines()
    for key in _regex_keys(name):
        try:
            i, _ = _find(lines, key)
        except AssertionError:
            continue
        if not re.match(rf"\s*{re.escape(key.rpartition('.')[2])}\s*=\s*'[^']*'\s*(#.*)?$", lines[i]):
            continue  # only one-line literal strings are rewritten here
        broken = list(lines)
        broken[i] = broken[i].split("=", 1)[0] + "= '(unclosed'"
        err = _load_broken(name, "\n".join(broken) + "\n", tmp_path)
        assert err.message.startswith(f"key '{key}' is not a valid regex: "), err.message
        assert err.line == i + 1
        return
    pytest.fail(f"{name}: no regex key on a line of its own")


def test_wrong_type_names_key_and_its_line(tmp_path):
    lines = (BUNDLED / "clean.toml").read_text(encoding="utf-8").splitlines()
    i, _ = _find(lines, "paragraph.min_body_chars")
    lines[i] = "min_body_chars = 'many'"
    err = _load_broken("clean.toml", "\n".join(lines) + "\n", tmp_path)
    assert str(err) == (f"{err.file}, line {i + 1}: key 'paragraph.min_body_chars' must be an "
                        "integer, not a string")


def test_unclosed_at_end_of_file_points_at_the_last_line(tmp_path):
    text = (BUNDLED / "words.toml").read_text(encoding="utf-8") + "extra = [\n"
    err = _load_broken("words.toml", text, tmp_path)
    assert err.line == len(text.splitlines())
    assert "not valid TOML" in err.message
