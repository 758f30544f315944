"""Property tests on the text pipeline (issue 10): any string in, a valid result or a clean error out."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

import gazette_parser
from gazette_parser.errors import GazetteError
from gazette_parser.model import walk

from .strategies import any_text

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _parse(s: str):
    try:
        return gazette_parser.parse(text=s)
    except GazetteError:
        return None


def _spans(issue):
    for doc in issue.documents:
        yield doc.span
        for c in walk(doc.clauses):
            yield c.span
            for u in c.lead_units + c.responsible_units:
                yield u.span
            for t in c.targets:
                yield t.span
            for item in c.list_items:
                yield item.span


@SETTINGS
@given(any_text)
def test_any_string_gives_result_or_clean_error(s):
    issue = _parse(s)
    if issue is not None:
        gazette_parser.to_json(issue)


@SETTINGS
@given(any_text)
def test_parsing_is_deterministic(s):
    a, b = _parse(s), _parse(s)
    assert (a is None) == (b is None)
    if a is not None:
        assert gazette_parser.to_json(a, include_text=True) == gazette_parser.to_json(b, include_text=True)


@SETTINGS
@given(any_text)
def test_spans_lie_inside_the_text_and_quote_it(s):
    issue = _parse(s)
    if issue is None:
        return
    text = issue.text.text
    for start, end in _spans(issue):
        assert 0 <= start <= end <= len(text)
    for doc in issue.documents:
        for c in walk(doc.clauses):
            assert text[c.span[0]: c.span[1]].startswith(c.label.strip()[:1])
            for t in c.targets:
                assert text[t.span[0]: t.span[1]] == t.text
            for u in c.lead_units + c.responsible_units:
                assert u.span[1] > u.span[0]


@SETTINGS
@given(any_text)
def test_results_validate_against_the_schema(s):
    issue = _parse(s)
    if issue is None:
        return
    from gazette_parser.validate import validate

    ok, errors = validate(gazette_parser.to_json(issue), kind="json")
    assert ok, errors[:3]
