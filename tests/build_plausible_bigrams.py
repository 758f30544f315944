"""Rebuild grammars/plausible.toml's bigram list (run from the checkout: python tests/build_plausible_bigrams.py).

The list is the ``N`` most frequent pairs of adjacent ideographs in the real gazette texts of the
checkout (samples/*.txt and tests/data/*.txt); the HTML texts in tests/data are kept out of it so
tests/test_robustness.py can check the threshold on texts the list was not built from.
"""

import collections
import glob
import re
import sys
from pathlib import Path

N = 3000
HAN = re.compile(r"[\u4e00-\u9fff]+")


def main() -> None:
    root = Path(__file__).resolve().parent.parent
    files = sorted(glob.glob(str(root / "samples" / "*.txt"))) + sorted(glob.glob(str(root / "tests" / "data" / "*.txt")))
    count: collections.Counter = collections.Counter()
    for f in files:
        for run in HAN.findall(Path(f).read_text("utf-8", "replace")):
            count.update(run[i:i + 2] for i in range(len(run) - 1))
    top = sorted(b for b, _ in count.most_common(N))  # sorted: a stable file
    path = root / "grammars" / "plausible.toml"
    text = path.read_text("utf-8")
    head = text[: text.index("bigrams = ")]
    rows = [" ".join(top[i:i + 40]) for i in range(0, len(top), 40)]
    path.write_text(head + 'bigrams = """\n' + "\n".join(rows) + '\n"""\n', "utf-8")
    print(f"{len(top)} bigrams from {len(files)} files", file=sys.stderr)


if __name__ == "__main__":
    main()
