"""The README's Python examples run, in order, in one namespace, and say what they do.

Every ```python block of README.md is executed in a temporary directory that holds what the README
says is there: the samples, ``in.pdf`` (a PDF of your own; here the sample PDF), the quick start's
``cq-2022-14.json`` and the ``out/issue.*`` files the second example names, each made by the CLI
command the README gives for it. Each block's statements are run one by one so that what the README
claims about a statement's result (a comment, a ``# prints:`` line) is checked against that result.
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

import pytest

import gazette_parser

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"^```python\n(.*?)^```", README, flags=re.S | re.M)
ELLIPSIS = "…"


def _cli_from_readme(pattern: str) -> list[str]:
    """The arguments of the one `gazette-parse …` command in the README matching ``pattern``."""
    found = re.findall(rf"gazette-parse ({pattern})", README)
    assert len(set(found)) == 1, (pattern, found)
    return found[0].split()


def _matches(example: Any, actual: Any, path: str = "") -> list[str]:
    """Where the README's trimmed JSON ``example`` disagrees with ``actual``: every key it shows
    exists with that value; "…" stands for anything (a key, a list item, a string's tail); each
    item of an example list matches some item of the actual list."""
    if isinstance(example, dict):
        if not isinstance(actual, dict):
            return [f"{path}: not an object"]
        out = []
        for key, value in example.items():
            if key == ELLIPSIS:
                continue
            out += [f"{path}.{key}: missing"] if key not in actual else _matches(value, actual[key], f"{path}.{key}")
        return out
    if isinstance(example, list):
        if not isinstance(actual, list):
            return [f"{path}: not a list"]
        out = []
        for i, item in enumerate(example):
            if item == ELLIPSIS:
                continue
            tries = [_matches(item, a, f"{path}[{i}]") for a in actual]
            if not any(not t for t in tries):
                out += min(tries, key=len) if tries else [f"{path}[{i}]: the list is empty"]
        if not example and actual:
            out.append(f"{path}: {len(actual)} item(s), the README shows none")
        return out
    if isinstance(example, str) and example.endswith(ELLIPSIS):
        ok = isinstance(actual, str) and actual.startswith(example[:-1])
        return [] if ok else [f"{path}: {actual!r} does not start with {example[:-1]!r}"]
    return [] if example == actual else [f"{path}: {actual!r}, the README says {example!r}"]


def _readme_json_example() -> Any:
    (block,) = re.findall(r"^```json\n(.*?)^```", README, flags=re.S | re.M)
    return json.loads(block)


# What the README says about a statement's result, keyed by a piece of that statement's source.
# (statement value, namespace after it) -> None; each key must name exactly one statement.
def _same_issue(a, b) -> None:
    assert gazette_parser.to_json(a) == gazette_parser.to_json(b)


CLAIMS: dict[str, Callable[[Any, dict], None]] = {
    # "a str or PathLike is always a path"
    'gazette_parser.parse("samples/cq-gazette-2022-14.txt")':
        lambda v, ns: _same_issue(v, gazette_parser.parse(Path("samples/cq-gazette-2022-14.txt"))),
    # "the JSON below"
    "gazette_parser.to_json(issue)": lambda v, ns: _assert_no_mismatch(_matches(_readme_json_example(), json.loads(v))),
    # a path said explicitly: the same issue as the file's path given positionally
    'gazette_parser.parse(path="in.pdf")': lambda v, ns: _same_issue(v, gazette_parser.parse("in.pdf")),
    # its bytes: the same issue
    'gazette_parser.parse(data=raw_bytes, name="in.pdf")':
        lambda v, ns: _same_issue(v, gazette_parser.parse(path="in.pdf")),
    # one document, titled by its first line
    "gazette_parser.parse(text=": lambda v, ns: _one_document_titled_by_first_line(v),
    'validate("cq-2022-14.json")': lambda v, ns: _assert_equal(v, (True, [])),
    'validate("out/issue.akn.xml")': lambda v, ns: _assert_equal(v, (True, [])),
    'render(issue, "all")': lambda v, ns: _assert_equal(sorted(v), ["akn", "json", "xml"]),
    # "XML → model → JSON is the same JSON"
    'xml.loads(open("out/issue.xml").read())':
        lambda v, ns: _assert_equal(gazette_parser.to_json(v), Path("out/issue.json").read_text(encoding="utf-8")),
}


def _assert_equal(got, want) -> None:
    assert got == want


def _assert_no_mismatch(problems: list[str]) -> None:
    assert problems == []


def _one_document_titled_by_first_line(issue) -> None:
    (doc,) = issue.documents
    assert doc.title == "关于加强城市更新工作的通知"


def _run_block(source: str, ns: dict, block_no: int) -> tuple[list[tuple[str, Any]], str]:
    """Run ``source`` statement by statement in ``ns``: ([(statement source, its value)], stdout).
    An expression's value is itself; an assignment's is what it bound; other statements give None."""
    tree = ast.parse(source)
    results: list[tuple[str, Any]] = []
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for node in tree.body:
            text = ast.get_source_segment(source, node) or ""
            filename = f"README.md python block {block_no}"
            if isinstance(node, ast.Expr):
                value = eval(compile(ast.Expression(node.value), filename, "eval"), ns)
            else:
                exec(compile(ast.Module([node], type_ignores=[]), filename, "exec"), ns)
                value = None
                if isinstance(node, ast.Assign) and len(node.targets) == 1:
                    target = node.targets[0]
                    if isinstance(target, ast.Name):
                        value = ns[target.id]
                    elif isinstance(target, ast.Tuple):
                        value = tuple(ns[t.id] for t in target.elts if isinstance(t, ast.Name))
            results.append((text, value))
    return results, out.getvalue()


def _printed_claims(source: str) -> list[str]:
    return [m.group(1) for m in re.finditer(r"^# prints: (.*)$", source, flags=re.M)]


def _in_order(wanted: list[str], lines: list[str]) -> bool:
    it = iter(lines)
    return all(any(line == w for line in it) for w in wanted)


@pytest.fixture
def readme_dir(tmp_path, monkeypatch):
    """The directory the README's examples assume: samples/, in.pdf and the CLI outputs they read."""
    (tmp_path / "samples").symlink_to(ROOT / "samples", target_is_directory=True)
    (tmp_path / "in.pdf").write_bytes((ROOT / "samples" / "cq-gazette-2022-14.pdf").read_bytes())
    (tmp_path / "out").mkdir()
    for args in (_cli_from_readme(r"samples/\S+ -o cq-2022-14\.json"),
                 _cli_from_readme(r"samples/\S+ --format all -o out/issue")):
        subprocess.run([sys.executable, "-m", "gazette_parser", *args], cwd=tmp_path, check=True,
                       capture_output=True)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.slow
def test_readme_python_examples_run_and_their_claims_hold(readme_dir):
    assert len(BLOCKS) >= 2  # the API examples and the validate/render/xml one
    ns: dict[str, Any] = {"__name__": "__readme__"}
    statements: list[tuple[str, Any, dict]] = []
    for i, source in enumerate(BLOCKS, 1):
        results, printed = _run_block(source, ns, i)
        statements += [(text, value, ns) for text, value in results]
        wanted = _printed_claims(source)
        assert _in_order(wanted, printed.splitlines()), (i, wanted, printed[:2000])
    for key, check in CLAIMS.items():
        hits = [(text, value, space) for text, value, space in statements if key in text]
        assert len(hits) == 1, f"README claim {key!r}: {len(hits)} statement(s) match"
        text, value, space = hits[0]
        check(value, space)


def test_every_readme_python_block_is_run():
    """Nothing in the README escapes the test: each block is found and each claim key exists."""
    fenced = README.count("```python")
    assert fenced == len(BLOCKS) >= 2
    source = "\n".join(BLOCKS)
    for key in CLAIMS:
        assert key in source, key
    assert _printed_claims(source)
