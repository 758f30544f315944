"""Every exception the package raises for users belongs to the GazetteError family."""

import pytest

from gazette_parser.batch import BatchError
from gazette_parser.errors import GazetteError
from gazette_parser.index import IndexFailure
from gazette_parser.query import QueryError, parse_date


@pytest.mark.parametrize("cls", [BatchError, QueryError, IndexFailure])
def test_user_errors_are_gazette_errors_and_keep_their_message(cls):
    e = cls("no input files found")
    assert isinstance(e, GazetteError)
    assert str(e) == "no input files found"
    assert e.exit_code == 2


def test_a_real_query_error_is_caught_as_a_gazette_error():
    with pytest.raises(GazetteError, match="malformed date"):
        parse_date("2021-13-45", end=False)
