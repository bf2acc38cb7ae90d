"""Parsing and checking one row of post metrics, shared by the API, the CSV upload and the command
(pure: a mapping of raw values in, a clean row or a RowError with a reason per field out)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from core.dates import date_range_error

CSV_COLUMNS = (
    "post_id",
    "brand",
    "platform",
    "variant",
    "experiment",
    "text",
    "date",
    "impressions",
    "clicks",
    "conversions",
    "revenue",
)
POST_FIELDS = ("brand", "platform", "variant", "experiment", "text")
MAX_COUNT = 10**12
MAX_REVENUE = Decimal("1e12")
MAX_TEXT = 5000
# the longest value each field may hold (the database columns' sizes)
FIELD_LIMITS = {"brand": 200, "experiment": 200, "platform": 50, "variant": 50, "text": MAX_TEXT}


class RowError(ValueError):
    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class MetricRow:
    post_id: str
    date: dt.date
    impressions: int
    clicks: int
    conversions: int
    revenue: Decimal
    brand: str = ""
    platform: str = ""
    variant: str = ""
    experiment: str = ""
    text: str = ""
    published_at: dt.datetime | None = None

    @property
    def post_fields(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in POST_FIELDS if getattr(self, name)}


def _blank(value) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _count(value, field, errors, required=True) -> int:
    if _blank(value):
        if required:
            errors.setdefault(field, []).append("This field is required.")
        return 0
    try:
        number = float(str(value).strip()) if not isinstance(value, (int, float)) else value
    except ValueError:
        errors.setdefault(field, []).append(f"'{value}' is not a number.")
        return 0
    if isinstance(number, float) and not math.isfinite(number):
        errors.setdefault(field, []).append("Must be a finite number (got NaN or infinity).")
        return 0
    if number != int(number):
        errors.setdefault(field, []).append("Must be a whole number.")
        return 0
    number = int(number)
    if number < 0:
        errors.setdefault(field, []).append("Must not be negative.")
    elif number > MAX_COUNT:
        errors.setdefault(field, []).append("Is implausibly large.")
    return number


def _money(value, errors) -> Decimal:
    if _blank(value):
        return Decimal(0)
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        errors.setdefault("revenue", []).append(f"'{value}' is not a number.")
        return Decimal(0)
    if not amount.is_finite():
        errors.setdefault("revenue", []).append("Must be a finite number (got NaN or infinity).")
        return Decimal(0)
    if amount < 0:
        errors.setdefault("revenue", []).append("Must not be negative.")
    elif amount > MAX_REVENUE:
        errors.setdefault("revenue", []).append("Is implausibly large.")
    else:
        return amount.quantize(Decimal("0.01"))
    return Decimal(0)


def _date(value, default: dt.date | None, errors) -> dt.date | None:
    if _blank(value):
        if default is None:
            errors.setdefault("date", []).append("This field is required.")
        return default
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    else:
        text = str(value).strip()
        try:
            day = dt.date.fromisoformat(text[:10])
        except ValueError:
            errors.setdefault("date", []).append(f"'{text[:40]}' is not a date (use YYYY-MM-DD).")
            return None
    if date_range_error(day):  # years 1 and 9999 parse, then overflow in period and bucket sums
        errors.setdefault("date", []).append(date_range_error(day))
        return None
    return day


def _datetime(value, errors) -> dt.datetime | None:
    """An optional ISO date or date-time; a date alone means its midnight (UTC)."""
    if _blank(value):
        return None
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime(value.year, value.month, value.day)
    else:
        try:
            moment = dt.datetime.fromisoformat(str(value).strip())
        except ValueError:
            errors.setdefault("published_at", []).append(f"'{str(value)[:40]}' is not a date or date-time.")
            return None
    if date_range_error(moment):
        errors.setdefault("published_at", []).append(date_range_error(moment))
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _text(value, field, errors, limit=200) -> str:
    if _blank(value):
        return ""
    text = str(value).strip()
    if len(text) > limit:
        errors.setdefault(field, []).append(f"At most {limit} characters.")
    return text


def parse_metric_row(raw: Mapping, default_date: dt.date | None = None) -> MetricRow:
    """A clean MetricRow from raw values, or RowError naming each bad field and why."""
    errors: dict[str, list[str]] = {}
    post_id = _text(raw.get("post_id"), "post_id", errors)
    if not post_id:
        errors.setdefault("post_id", []).append("This field is required.")
    impressions = _count(raw.get("impressions"), "impressions", errors)
    clicks = _count(raw.get("clicks"), "clicks", errors)
    conversions = _count(raw.get("conversions"), "conversions", errors, required=False)
    revenue = _money(raw.get("revenue"), errors)
    date = _date(raw.get("date"), default_date, errors)
    if "impressions" not in errors and "clicks" not in errors and clicks > impressions:
        errors.setdefault("clicks", []).append(
            f"Clicks ({clicks}) cannot exceed impressions ({impressions})."
        )
    if "clicks" not in errors and "conversions" not in errors and conversions > clicks:
        errors.setdefault("conversions", []).append(
            f"Conversions ({conversions}) cannot exceed clicks ({clicks})."
        )
    published_at = _datetime(raw.get("published_at"), errors)
    fields = {name: _text(raw.get(name), name, errors, limit=FIELD_LIMITS[name]) for name in POST_FIELDS}
    if errors:
        raise RowError(errors)
    return MetricRow(
        post_id=post_id,
        date=date,
        impressions=impressions,
        clicks=clicks,
        conversions=conversions,
        revenue=revenue,
        published_at=published_at,
        **fields,
    )
