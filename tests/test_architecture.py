"""The package's shape: imports run one way, no private name crosses a module boundary, and the
issue/ package keeps the order its docstring draws.

Every ``import`` statement of every module is read with ``ast`` — the ones inside functions too,
since an import deferred to call time is still a dependency — and resolved to the package's own
modules. The graph must have no cycle (Tarjan's strongly connected components).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import gazette_parser
import gazette_parser.issue

PKG = Path(gazette_parser.__file__).resolve().parent


def _modules() -> dict[str, Path]:
    out = {}
    for p in sorted(PKG.rglob("*.py")):
        parts = list(p.relative_to(PKG.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = p
    return out


MODULES = _modules()


def _imports(name: str) -> list[tuple[str, str | None]]:
    """(module imported, name imported from it or None) for every import in module ``name``."""
    path = MODULES[name]
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(a.name, None) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            target = ".".join(base + ([node.module] if node.module else [])) if node.level else node.module
            for a in node.names:
                sub = f"{target}.{a.name}"
                found.append((sub, None) if sub in MODULES else (target, a.name))
    return [(m, n) for m, n in found if m in MODULES and m != name]


GRAPH = {m: sorted({t for t, _ in _imports(m)}) for m in MODULES}


def _cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in graph:
        if v not in index:
            visit(v)
    return found


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"]}) == [["a", "b", "c"]]


def test_no_import_cycle_in_the_package():
    assert len(GRAPH) > 40  # every module was read
    assert _cycles(GRAPH) == []


def test_no_private_name_crosses_a_module_boundary():
    crossing = [(m, t, n) for m in MODULES for t, n in _imports(m)
                if n and n.startswith("_") and not n.startswith("__")]
    assert crossing == []
    # nor is one read as getattr(module, "_name") (a process-global read behind the module's back)
    by_getattr = [(m, node.args[1].value) for m, p in MODULES.items()
                  for node in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
                  if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "getattr"
                  and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant)
                  and isinstance(node.args[1].value, str) and node.args[1].value.startswith("_")
                  and not node.args[1].value.startswith("__")]
    assert by_getattr == []


def test_the_issue_package_imports_only_what_its_docstring_lists_above():
    """issue/__init__.py lists its modules in dependency order; each may import only those above it."""
    order = re.findall(r"^    (\w+) {2,}", gazette_parser.issue.__doc__, re.M)
    on_disk = sorted(p.stem for p in (PKG / "issue").glob("*.py") if p.stem != "__init__")
    assert sorted(order) == on_disk
    for i, mod in enumerate(order):
        inside = {t.rsplit(".", 1)[1] for t in GRAPH[f"gazette_parser.issue.{mod}"]
                  if t.startswith("gazette_parser.issue.")}
        assert inside <= set(order[:i]), (mod, inside - set(order[:i]))


def test_the_model_and_the_primitives_import_nothing_of_the_package():
    """The model knows no stage and no output format; chars is below everything."""
    assert GRAPH["gazette_parser.model"] == []
    assert GRAPH["gazette_parser.chars"] == []


def test_every_package_is_listed_for_the_wheel():
    """setup.cfg names its packages one by one: a package missing there is missing from an installed
    wheel (`pip install .`, the quick start's command 1) although an editable install still finds it."""
    import configparser

    cfg = configparser.ConfigParser()
    root = Path(__file__).resolve().parent.parent  # the checkout, whatever is installed
    cfg.read(root / "setup.cfg", encoding="utf-8")
    listed = {line.strip() for line in cfg["options"]["packages"].splitlines() if line.strip()}
    on_disk = {".".join(p.parent.relative_to(root).parts) for p in (root / "gazette_parser").rglob("__init__.py")}
    assert on_disk <= listed, sorted(on_disk - listed)
