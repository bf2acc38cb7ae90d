"""The period a page reports on (7, 30, 90 days or custom), the one before it, and trend buckets."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from core.dates import date_range_error

PRESETS = (7, 30, 90)
DEFAULT_DAYS = 30
MAX_DAYS = 3 * 366


@dataclass(frozen=True)
class Period:
    start: datetime  # inclusive
    end: datetime  # exclusive
    label: str
    days: int | None  # the preset, or None for a custom range

    @property
    def length(self):
        return self.end - self.start

    @property
    def previous(self):
        return Period(self.start - self.length, self.start, f"the {self.length.days} days before", None)

    @property
    def bucket(self):
        """'day' up to two months, 'week' beyond: trend charts stay readable."""
        return "day" if self.length <= timedelta(days=62) else "week"

    def query(self):
        """The query string that selects this period (kept in links)."""
        if self.days:
            return f"days={self.days}"
        last = (self.end - timedelta(days=1)).date()
        return f"start={self.start.date().isoformat()}&end={last.isoformat()}"

    def bucket_starts(self):
        step = timedelta(days=1 if self.bucket == "day" else 7)
        starts, current = [], self.start
        while current < self.end:
            starts.append(current)
            current += step
        return starts


def _day_start(day, tz):
    return timezone.make_aware(datetime.combine(day, time.min), tz)


def period_from(params, now=None, tz=None):
    """Parse ?days=N or ?start=YYYY-MM-DD&end=YYYY-MM-DD (both inclusive days)."""
    tz = tz or timezone.get_current_timezone()
    now = now or timezone.now()
    today = timezone.localtime(now, tz).date()
    start_text, end_text = params.get("start"), params.get("end")
    if start_text or end_text:
        errors = {}
        start = end = None
        try:
            start = date.fromisoformat(start_text or "")
        except ValueError:
            errors["start"] = ["Give the first day as YYYY-MM-DD."]
        try:
            end = date.fromisoformat(end_text or "")
        except ValueError:
            errors["end"] = ["Give the last day as YYYY-MM-DD."]
        # Years 1 or 9999 parse, but the period before them (or a day after) does not exist.
        for name, day in (("start", start), ("end", end)):
            if day is not None and date_range_error(day):
                errors[name] = [date_range_error(day)]
        if not errors and end < start:
            errors["end"] = ["The last day must not be before the first."]
        if not errors and (end - start).days + 1 > MAX_DAYS:
            errors["end"] = [f"Choose at most {MAX_DAYS} days."]
        if errors:
            raise ValidationError(errors)
        return Period(
            _day_start(start, tz),
            _day_start(end + timedelta(days=1), tz),
            f"{start.isoformat()} to {end.isoformat()}",
            None,
        )
    try:
        days = int(params.get("days") or DEFAULT_DAYS)
    except ValueError:
        raise ValidationError({"days": ["Choose 7, 30 or 90 days, or a custom range."]}) from None
    if days not in PRESETS:
        raise ValidationError({"days": ["Choose 7, 30 or 90 days, or a custom range."]})
    end = _day_start(today + timedelta(days=1), tz)
    return Period(end - timedelta(days=days), end, f"last {days} days", days)
