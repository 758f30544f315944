"""Long-running fuzzing of the text stages, for developers (CI runs the same properties briefly).

    python fuzz/fuzz_text.py                 # 100 000 examples per property
    python fuzz/fuzz_text.py --examples 1e6  # as long as you like

Any failure is printed by Hypothesis with the minimal input that triggers it; it is also kept in
.hypothesis/ so the next run of the test suite replays it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hypothesis import HealthCheck, given, settings  # noqa: E402

from tests import test_properties  # noqa: E402
from tests.strategies import any_text  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--examples", type=float, default=100_000)
    args = ap.parse_args()
    fuzz_settings = settings(max_examples=int(args.examples), deadline=None,
                             suppress_health_check=list(HealthCheck))
    properties = [
        test_properties.test_any_string_gives_result_or_clean_error,
        test_properties.test_parsing_is_deterministic,
        test_properties.test_spans_lie_inside_the_text_and_quote_it,
        test_properties.test_results_validate_against_the_schema,
    ]
    for prop in properties:
        inner = prop.hypothesis.inner_test
        print(f"fuzzing {prop.__name__} with {int(args.examples)} examples …", flush=True)
        fuzz_settings(given(any_text)(inner))()
    print("no failure found")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
