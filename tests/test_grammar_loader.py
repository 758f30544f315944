"""The one grammar loader: compiled rules always come from the file the current --grammar-dir names."""

import shutil

from gazette_parser import clean, resources
from gazette_parser.resources import data_dir


def test_switching_grammar_dir_back_and_forth_never_returns_stale_rules(tmp_path):
    changed = tmp_path / "changed"
    changed.mkdir()
    src = (data_dir("grammars") / "clean.toml").read_text(encoding="utf-8")
    assert "min_body_chars = 25" in src
    (changed / "clean.toml").write_text(src.replace("min_body_chars = 25", "min_body_chars = 99"),
                                        encoding="utf-8")
    same = tmp_path / "same"
    shutil.copytree(data_dir("grammars"), same)
    stale = 0
    try:
        for i in range(200):
            if i % 2:
                resources.set_grammar_dir(str(changed))
                stale += clean._rules().min_body_chars != 99
            else:
                resources.set_grammar_dir(str(same) if i % 4 else None)
                stale += clean._rules().min_body_chars != 25
    finally:
        resources.set_grammar_dir(None)
    assert stale == 0
    assert clean._rules().min_body_chars == 25


def test_compiled_is_built_once_per_content(tmp_path):
    calls = []

    def build(g):
        calls.append(1)
        return object()

    try:
        first = resources.compiled("clean.toml", build)
        resources.set_grammar_dir(str(tmp_path))  # empty dir: the bundled file still wins
        assert resources.compiled("clean.toml", build) is first
    finally:
        resources.set_grammar_dir(None)
    assert len(calls) == 1
