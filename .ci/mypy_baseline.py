#!/usr/bin/env python3
"""Run mypy on the package; fail only on findings that are not in the recorded baseline.

When the type check was added (issue 18) the package had ~150 findings, nearly all imprecise
annotations (a variable reused for two types, Optional values narrowed by logic mypy cannot follow),
few of them bugs, and most in modules issue 18 is restructuring. Fixing them all at once would churn
code under a byte-identical-output rule, so they are recorded in .ci/mypy-baseline.txt and only NEW
findings fail. A finding is keyed by file, message and error code — not by line number, so edits
that move code do not trip it (a message quoting a line number has it replaced by N); a key counts
as often as it occurs, so a second copy of a known finding is new.

    python .ci/mypy_baseline.py            # exit 1 on new findings (printed as mypy prints them)
    python .ci/mypy_baseline.py --update   # rewrite the baseline (after fixing findings, or after
                                           # moving a module: review the diff, it should only shrink
                                           # or rename)
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / ".ci" / "mypy-baseline.txt"
# mypy reads its settings (files = gazette_parser, ignored untyped imports) from setup.cfg
COMMAND = [sys.executable, "-m", "mypy", "--no-pretty", "--no-error-summary", "--show-error-codes",
           "--hide-error-context", "--no-color-output"]
_ERROR = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?:\d+:)? error: (?P<message>.*)$")


def _key(m: re.Match) -> str:
    message = re.sub(r"\bline \d+\b", "line N", m.group("message").strip())
    return f"{Path(m.group('file')).as_posix()}: {message}"


def main(argv: list[str]) -> int:
    proc = subprocess.run(COMMAND, cwd=ROOT, capture_output=True, text=True)
    if proc.returncode not in (0, 1):  # 2: mypy itself failed (bad config, crash)
        sys.stderr.write(proc.stdout + proc.stderr)
        return 2
    found = [(m, _key(m)) for m in map(_ERROR.match, proc.stdout.splitlines()) if m]
    current = Counter(key for _, key in found)
    if "--update" in argv:
        BASELINE.write_text("".join(f"{key}\n" for key in sorted(current.elements())), encoding="utf-8")
        print(f"mypy baseline: {sum(current.values())} finding(s) recorded in {BASELINE.relative_to(ROOT)}")
        return 0
    baseline = Counter(BASELINE.read_text(encoding="utf-8").splitlines()) if BASELINE.exists() else Counter()
    new = current - baseline
    fixed = sum((baseline - current).values())
    for m, key in found:  # print each new finding once, as mypy wrote it (with its line)
        if new[key] > 0:
            print(m.group(0))
            new[key] -= 1
    count = sum((current - baseline).values())
    if fixed:
        print(f"mypy baseline: {fixed} recorded finding(s) no longer occur; "
              "`python .ci/mypy_baseline.py --update` shrinks the baseline")
    if count:
        print(f"mypy: {count} new finding(s) (not in {BASELINE.relative_to(ROOT)})")
        return 1
    print(f"mypy: no new findings ({sum(current.values())} recorded in the baseline)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
