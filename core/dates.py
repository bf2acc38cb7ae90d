"""The range of calendar dates the app accepts from users (periods, metric days, imports)."""

import datetime as dt

from django.core.exceptions import ValidationError

# Far enough either way for any real business date; near enough that a period, the one before
# it, a time-zone shift and a week bucket all stay inside what Python's datetime can hold (year
# 1 to 9999: 0001-01-01 minus a day raised OverflowError, a 500).
MIN_DATE = dt.date(1900, 1, 1)
MAX_DATE = dt.date(2100, 12, 31)


def date_range_error(value):
    """The message for a date outside MIN_DATE..MAX_DATE, or None when it is inside."""
    day = value.date() if isinstance(value, dt.datetime) else value
    if MIN_DATE <= day <= MAX_DATE:
        return None
    return f"Choose a date between {MIN_DATE.isoformat()} and {MAX_DATE.isoformat()}."


def check_date_range(value, field):
    """Raise ValidationError({field: [...]}) when the date (or datetime) is outside the range."""
    message = date_range_error(value)
    if message:
        raise ValidationError({field: [message]})
    return value
