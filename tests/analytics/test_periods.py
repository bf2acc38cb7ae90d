from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from analytics.periods import period_from

NOW = datetime(2026, 11, 25, 15, 30, tzinfo=UTC)


def test_default_is_the_last_30_days_including_today():
    period = period_from({}, now=NOW, tz=UTC)
    assert period.end == datetime(2026, 11, 26, tzinfo=UTC)
    assert period.start == datetime(2026, 10, 27, tzinfo=UTC)
    assert period.label == "last 30 days"
    assert period.query() == "days=30"


def test_previous_period_has_the_same_length_and_ends_where_this_starts():
    period = period_from({"days": "7"}, now=NOW, tz=UTC)
    assert period.previous.end == period.start
    assert period.previous.length == timedelta(days=7)


def test_custom_range_includes_both_days():
    period = period_from({"start": "2026-11-01", "end": "2026-11-03"}, now=NOW, tz=UTC)
    assert period.length == timedelta(days=3)
    assert period.query() == "start=2026-11-01&end=2026-11-03"


@pytest.mark.parametrize(
    "params, field",
    [
        ({"days": "12"}, "days"),
        ({"days": "abc"}, "days"),
        ({"start": "2026-11-05", "end": "2026-11-01"}, "end"),
        ({"start": "yesterday", "end": "2026-11-01"}, "start"),
        ({"start": "2020-01-01", "end": "2026-11-01"}, "end"),
    ],
)
def test_bad_periods_are_refused_with_a_field_message(params, field):
    with pytest.raises(ValidationError) as error:
        period_from(params, now=NOW, tz=UTC)
    assert field in error.value.message_dict


def test_trend_buckets_are_days_up_to_two_months_then_weeks():
    assert period_from({"days": "30"}, now=NOW, tz=UTC).bucket == "day"
    ninety = period_from({"days": "90"}, now=NOW, tz=UTC)
    assert ninety.bucket == "week"
    assert len(ninety.bucket_starts()) == 13
