"""Checking one row of post metrics."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from content.metric_rows import RowError, parse_metric_row

GOOD = {
    "post_id": "fb-1",
    "brand": "Acme",
    "platform": "facebook",
    "variant": "A",
    "experiment": "spring",
    "text": "Spring sale",
    "date": "2026-03-01",
    "impressions": "1000",
    "clicks": "50",
    "conversions": "5",
    "revenue": "100.50",
}


def test_good_row_is_parsed_with_types():
    row = parse_metric_row(GOOD)
    assert row.date == dt.date(2026, 3, 1)
    assert (row.impressions, row.clicks, row.conversions) == (1000, 50, 5)
    assert row.revenue == Decimal("100.50")
    assert row.post_fields["brand"] == "Acme"


def test_missing_date_takes_the_default():
    row = parse_metric_row({**GOOD, "date": ""}, default_date=dt.date(2026, 1, 2))
    assert row.date == dt.date(2026, 1, 2)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("impressions", "-1", "negative"),
        ("clicks", "5000", "cannot exceed impressions"),
        ("conversions", "60", "cannot exceed clicks"),
        ("clicks", "nan", "NaN"),
        ("revenue", "NaN", "NaN"),
        ("revenue", "-3", "negative"),
        ("impressions", "ten", "not a number"),
        ("impressions", "10.5", "whole number"),
        ("date", "01/03/2026", "not a date"),
        ("published_at", "yesterday", "not a date or date-time"),
        ("post_id", "", "required"),
        ("variant", "V" * 51, "At most 50 characters"),
        ("brand", "B" * 201, "At most 200 characters"),
    ],
)
def test_bad_values_are_rejected_with_the_reason(field, value, message):
    with pytest.raises(RowError) as caught:
        parse_metric_row({**GOOD, field: value})
    assert message in " ".join(caught.value.errors[field])


def test_float_nan_from_pandas_is_rejected():
    with pytest.raises(RowError) as caught:
        parse_metric_row({**GOOD, "impressions": float("nan")})
    assert "impressions" in caught.value.errors


values = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=True, allow_infinity=True),
)


@settings(max_examples=200, deadline=None)
@given(st.fixed_dictionaries({}, optional={name: values for name in GOOD}))
def test_any_input_gives_a_row_or_reasons_never_a_crash(raw):
    try:
        row = parse_metric_row(raw, default_date=dt.date(2026, 1, 1))
    except RowError as error:
        assert error.errors and all(error.errors.values())
    else:
        assert 0 <= row.conversions <= row.clicks <= row.impressions
        assert row.revenue >= 0
