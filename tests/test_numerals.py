"""numerals: exact number parsing (Arabic, Chinese, mixed), with property tests that round-trip."""

from __future__ import annotations

import re

from decimal import Decimal

import cn2an
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gazette_parser.numerals import normalize_digits, parse_number, tidy, to_chinese


@pytest.mark.parametrize(
    "token, value",
    [
        # from the sample and the unseen documents
        ("43", "43"), ("0.56", "0.56"), ("1.05", "1.05"), ("1.0", "1.0"), ("0.025", "0.025"),
        ("1亿", "100000000"), ("15万", "150000"), ("600万", "6000000"), ("2500万", "25000000"),
        ("10亿", "1000000000"), ("1.2亿", "120000000"), ("177.1亿", "17710000000"), ("1万亿", "1000000000000"),
        ("十万", "100000"),
        # the forms
        ("1.5亿", "150000000"), ("3万亿", "3000000000000"), ("两千万", "20000000"), ("两千", "2000"),
        ("二十", "20"), ("十", "10"), ("十五", "15"), ("一百零五", "105"), ("一千零一十", "1010"),
        ("十二万三千", "123000"), ("一亿零五百万", "105000000"), ("三万零五", "30005"),
        ("三点五", "3.5"), ("二〇二五", "2025"), ("三千五", "3500"), ("两万五", "25000"), ("一百一", "110"),
        ("三亿五", "350000000"),
        # full-width digits and thousands separators
        ("１２．５", "12.5"), ("1,200", "1200"), ("５千", "5000"),
    ],
)
def test_parse_number(token, value):
    v = parse_number(token)
    assert isinstance(v, Decimal)
    assert v == Decimal(value)
    assert str(v) == value  # exact, with the printed precision and no exponent


@pytest.mark.parametrize("token", ["", "万", "亿", "百", "abc", "1.2.3", ".5", "5.", "十十", "千百", "5万5", "1千万千", "一点", "三万万"])
def test_not_a_number(token):
    with pytest.raises(ValueError):
        parse_number(token)


def test_tidy_and_normalize_keep_length():
    assert str(tidy(Decimal("1.5E+8"))) == "150000000"
    assert str(tidy(Decimal("0.50"))) == "0.5"
    s = "达到１５％，１．５亿"
    assert len(normalize_digits(s)) == len(s)


# ----------------------------------------------------------------------------------------------
# property tests: write a value the ways texts do, read it back exactly

INTS = st.integers(min_value=0, max_value=10**16 - 1)


@settings(max_examples=300, deadline=None)
@given(INTS)
def test_arabic_round_trip(n):
    assert parse_number(str(n)) == n
    assert parse_number(f"{n:,}") == n
    assert parse_number(str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))) == n


@settings(max_examples=300, deadline=None)
@given(st.decimals(min_value=0, max_value=10**9, places=3, allow_nan=False, allow_infinity=False))
def test_arabic_decimal_round_trip(d):
    text = format(d, "f")
    assert parse_number(text) == d


@settings(max_examples=400, deadline=None)
@given(INTS, st.booleans())
def test_chinese_round_trip_own_writer(n, liang):
    assert parse_number(to_chinese(n, liang=liang)) == n


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=10**12 - 1))
def test_chinese_round_trip_cn2an_writer(n):
    # cn2an writes the numeral (an independent writer); we read it back
    assert parse_number(cn2an.an2cn(n)) == n


@settings(max_examples=300, deadline=None)
@given(
    st.decimals(min_value=Decimal("0.01"), max_value=9999, places=2, allow_nan=False, allow_infinity=False),
    st.sampled_from([("万", 4), ("亿", 8), ("万亿", 12), ("千", 3)]),
)
def test_mixed_round_trip(d, mag):
    word, exp = mag
    text = format(d.normalize(), "f") + word  # 1.5亿, 3万亿, 2500万
    v = parse_number(text)
    assert v == d.scaleb(exp)
    assert "E" not in str(v) and (v == v.to_integral_value()) == ("." not in str(v))


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=9999), st.sampled_from([("万", 10**4), ("亿", 10**8)]))
def test_chinese_with_magnitude_round_trip(n, mag):
    word, m = mag
    assert parse_number(to_chinese(n, liang=True) + word) == n * m  # 两千万, 十二万


@settings(max_examples=200, deadline=None)
@given(INTS)
def test_own_writer_matches_cn2an(n):
    # our writer agrees with cn2an's (so the round trip above is not a closed loop), but for one
    # known difference: after a skipped 万/亿 group we write 零 before a thousands digit as the
    # standard reading does (一亿零一千 = 100001000), cn2an leaves it out (一亿一千); found by
    # hypothesis (n=34015500001000). Both readings parse back to n.
    ours, theirs = to_chinese(n), cn2an.an2cn(n)
    assert re.sub(r"(?<=[万亿])零(?=[一二三四五六七八九]千)", "", ours) == theirs
    assert parse_number(ours) == parse_number(theirs) == n
