"""Daily summary rows ("rollups") of the large tables, so the dashboard reads hundreds of rows, not
millions, and every figure still equals a recount of the raw rows (how: docs/analytics.md)."""

import hashlib
import time as clock
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from analytics.models import DailyRollup, RollupState, RollupTouch
from leads.selectors import near_miss_leads
from workspaces.models import Workspace


@dataclass(frozen=True)
class Dataset:
    key: str
    model: str  # "app_label.ModelName"
    date_field: str
    measures: object  # a callable returning {name: Count(...) or Sum(...)}; additive only
    where: object = None  # a callable returning the Q that selects the rows counted
    # a callable (workspace) returning the Q of the few rows of ``where`` that are not counted: they
    # are counted apart and subtracted, cheaper than a join that would leave them out
    minus: object = None
    # (model, path to the date) whose writes change this dataset's days; the model itself by default.
    touched_by: tuple = ()
    rolled_up: bool = True

    @property
    def model_class(self):
        return apps.get_model(self.model)

    def sources(self):
        return self.touched_by or ((self.model, self.date_field),)

    def condition(self):
        return self.where() if self.where else Q()

    def fingerprint(self):
        definition = (
            self.model,
            self.date_field,
            self.condition(),
            sorted(self.measures().items()),
            self.sources(),
        )
        if self.minus:
            definition += (f"minus {self.minus.__module__}.{self.minus.__qualname__}",)
        text = repr(definition)
        return hashlib.sha256(text.encode()).hexdigest()

    @cached_property
    def names(self):
        return tuple(self.measures())

    def zero(self):
        return dict.fromkeys(self.names, 0)


def _near_miss_feedback(workspace):
    """Feedback on a run's near misses: it teaches the preferences and grades no agent or recipe."""
    return Q(lead__in=near_miss_leads(workspace))


def _output_success():
    success = Q(rating__gte=settings.FEEDBACK_SUCCESS_MIN_RATING)
    if settings.FEEDBACK_THUMBS_UP_COUNTS:
        success |= Q(thumbs=1)
    return success


DATASETS = {
    dataset.key: dataset
    for dataset in [
        Dataset(
            "recipe_runs",
            "leads.Execution",
            "created_at",
            lambda: {"runs": Count("pk"), "generated": Sum("leads_generated"), "kept": Sum("leads_kept")},
            rolled_up=False,
        ),
        Dataset(
            "lead_feedback",
            "leads.LeadFeedback",
            "created_at",
            lambda: {"n": Count("pk"), "hits": Count("pk", filter=Q(useful=True))},
            where=lambda: Q(useful__isnull=False),
            minus=_near_miss_feedback,  # kept leads only
        ),
        Dataset(
            "outcomes",
            "leads.Outcome",
            "recorded_at",
            lambda: {"n": Count("pk"), "hits": Count("pk", filter=Q(won=True))},
        ),
        Dataset(
            "matching_sessions",
            "matching.MatchingSession",
            "created_at",
            lambda: {
                "n": Count("pk"),
                "hits": Count("pk", filter=Q(choice__candidate__isnull=False)),
                "ranked": Count("choice__chosen_rank"),
                "rank_sum": Sum("choice__chosen_rank"),
            },
            where=lambda: Q(imported=False),
            touched_by=(
                ("matching.MatchingSession", "created_at"),
                ("matching.Choice", "session__created_at"),
            ),
        ),
        Dataset(
            "output_feedback",
            "feedback.FeedbackEntry",
            "created_at",
            lambda: {"n": Count("pk"), "hits": Count("pk", filter=_output_success())},
        ),
    ]
}


# --- days -------------------------------------------------------------------------------------


def tz_name(tz):
    return getattr(tz, "key", None) or str(tz)


def day_start(day, tz):
    """Local midnight of ``day`` as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, time.min), tz)


def local_day(moment, tz):
    return timezone.localtime(moment, tz).date()


def days_between(first, end):
    return [first + timedelta(days=k) for k in range((end - first).days)]


def _merge(spans):
    """[start, end) instants sorted and merged where they meet or overlap."""
    merged = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return merged


def _touched(hours, start, end):
    """Whether a touched hour (UTC) overlaps [start, end)."""
    return any(hour < end and hour + timedelta(hours=1) > start for hour in hours)


def _hour_days(hour, tz):
    """The local days an hour (UTC) overlaps: two when the zone's offset is not whole hours."""
    return {local_day(hour, tz), local_day(hour + timedelta(minutes=59, seconds=59, microseconds=999999), tz)}


def _hour_floor(moment):
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


# --- counting the raw rows --------------------------------------------------------------------


def count_days(dataset, workspace, tz, spans=None):
    """{local day: measures} counted from the raw rows dated in ``spans`` ([start, end) instants;
    every row when None). Days without rows are left out (and days whose every row is subtracted)."""
    rows = dataset.model_class.objects.for_workspace(workspace).filter(dataset.condition())
    date_field = dataset.date_field
    if spans is not None:
        if not spans:
            return {}
        within = Q()
        for start, end in _merge(spans):
            within |= Q(**{f"{date_field}__gte": start, f"{date_field}__lt": end})
        rows = rows.filter(within)

    def by_day(rows):
        grouped = (
            rows.annotate(rollup_day=TruncDate(date_field, tzinfo=tz))
            .values("rollup_day")
            .annotate(**dataset.measures())
            .order_by()
        )
        return {row["rollup_day"]: {name: row[name] or 0 for name in dataset.names} for row in grouped}

    days = by_day(rows)
    if dataset.minus:
        for day, values in by_day(rows.filter(dataset.minus(workspace))).items():
            days[day] = _subtract(days[day], values)
            if not any(days[day].values()):
                del days[day]
    return days


def _add(left, right):
    return {name: left.get(name, 0) + right.get(name, 0) for name in left.keys() | right.keys()}


def _subtract(left, right):
    return {name: left.get(name, 0) - right.get(name, 0) for name in left.keys() | right.keys()}


# --- reading ----------------------------------------------------------------------------------


@dataclass
class DailyValues:
    """One dataset's measures per local day over a range; days without rows are zeros."""

    dataset: Dataset
    days: dict
    live: list = field(default_factory=list)  # the [start, end) instants counted from raw rows

    def get(self, day):
        return self.days.get(day) or self.dataset.zero()

    def total(self, first, end):
        totals = self.dataset.zero()
        for day, values in self.days.items():
            if first <= day < end:
                for name in totals:
                    totals[name] += values.get(name, 0)
        return totals


def _version(timezone_name, fingerprint):
    """Names what a summary row was counted with (time zone and dataset definition)."""
    return hashlib.sha256(f"{timezone_name}|{fingerprint}".encode()).hexdigest()[:16]


def daily_values(workspace, keys, first, end, tz):
    """{dataset key: DailyValues} for local days [first, end): summary rows where they are complete
    and untouched, raw rows for the rest (the hours since the last refresh, touched days, all of a
    dataset whose time zone or definition changed).

    The queries are not one snapshot, and a refresh may commit between them: so each summary row
    carries the instant it counted up to and what it was counted with, and the state is only
    trusted for days without a row (which a refresh never creates for a day that had rows)."""
    datasets = [DATASETS[key] for key in keys]
    rolled = [d.key for d in datasets if d.rolled_up]
    states = {}
    if rolled:
        for state in RollupState.objects.filter(workspace=workspace, dataset__in=rolled):
            fingerprint = DATASETS[state.dataset].fingerprint()
            if state.timezone == tz_name(tz) and state.fingerprint == fingerprint:
                states[state.dataset] = (state.complete_until, _version(state.timezone, fingerprint))
    touched = defaultdict(set)
    stored = defaultdict(dict)
    if states:
        touches = (
            RollupTouch.objects.filter(
                workspace_id=workspace.id,
                dataset__in=list(states),
                hour__gte=day_start(first, tz) - timedelta(hours=1),
                hour__lt=day_start(end, tz),
            )
            .values_list("dataset", "hour")
            .distinct()
        )
        for key, hour in touches:
            touched[key].add(hour)
        for key, day, values, until, version in DailyRollup.objects.filter(
            workspace=workspace, dataset__in=list(states), day__gte=first, day__lt=end
        ).values_list("dataset", "day", "values", "counted_until", "version"):
            stored[key][day] = (values, until, version)
    starts = [day_start(day, tz) for day in days_between(first, end + timedelta(days=1))]
    bounds = list(zip(days_between(first, end), starts, starts[1:], strict=False))
    result = {}
    for dataset in datasets:
        cutoff, version = states.get(dataset.key, (None, None))
        rows, hours = stored[dataset.key], touched[dataset.key]
        if any(row[2] != version for row in rows.values()):
            cutoff = None  # recounted in another time zone or definition meanwhile: count live
        days, live = {}, []
        for day, start, stop in bounds:
            values, until, _ = rows.get(day, (None, cutoff, None))
            if cutoff is None or until <= start or _touched(hours, start, min(stop, until)):
                live.append((start, stop))
                continue
            if values is not None:
                days[day] = values
            if until < stop:  # the day of the last refresh: rows dated since are live
                live.append((until, stop))
        for day, values in count_days(dataset, workspace, tz, live).items():
            days[day] = _add(days[day], values) if day in days else values
        result[dataset.key] = DailyValues(dataset, days, _merge(live))
    return result


def _count(dataset, workspace, spans, since=None):
    """Measures of the raw rows dated in ``spans`` or at/after ``since`` (one aggregate, no days)."""
    date_field = dataset.date_field
    within = Q()
    for start, end in _merge(spans):
        within |= Q(**{f"{date_field}__gte": start, f"{date_field}__lt": end})
    if since is not None:
        within |= Q(**{f"{date_field}__gte": since})
    if not within:
        return dataset.zero()
    rows = dataset.model_class.objects.for_workspace(workspace).filter(dataset.condition()).filter(within)

    def counted(rows):
        found = rows.aggregate(**dataset.measures())
        return {name: found[name] or 0 for name in dataset.names}

    if dataset.minus:
        return _subtract(counted(rows), counted(rows.filter(dataset.minus(workspace))))
    return counted(rows)


def all_time_totals(workspace, key):
    """A dataset's measures over all of a workspace's rows (e.g. every outcome ever recorded):
    the summary rows of untouched days plus the raw rows of touched days and after the cutoff."""
    dataset = DATASETS[key]
    tz = ZoneInfo(workspace.timezone)
    state = (
        RollupState.objects.filter(workspace=workspace, dataset=key).first() if dataset.rolled_up else None
    )
    fingerprint = dataset.fingerprint()
    if state is None or state.timezone != workspace.timezone or state.fingerprint != fingerprint:
        return _count(dataset, workspace, [], since=datetime(1, 1, 2, tzinfo=UTC))
    version = _version(state.timezone, fingerprint)
    rows = list(
        DailyRollup.objects.filter(workspace=workspace, dataset=key).values_list(
            "day", "values", "counted_until", "version"
        )
    )
    if any(row[3] != version for row in rows):
        return _count(dataset, workspace, [], since=datetime(1, 1, 2, tzinfo=UTC))
    # Rows dated from here on are in no summary row (a refresh may have committed after the state
    # was read: then its rows' own cutoff is the later one).
    tail = max([state.complete_until, *(row[2] for row in rows)])
    touched = set()
    for hour in (
        RollupTouch.objects.filter(workspace_id=workspace.id, dataset=key, hour__lt=tail)
        .values_list("hour", flat=True)
        .distinct()
    ):
        touched |= _hour_days(hour, tz)
    totals, live = dataset.zero(), []
    for day in touched:
        live.append((day_start(day, tz), min(day_start(day + timedelta(days=1), tz), tail)))
    for day, values, until, _ in rows:
        if day in touched:
            continue
        totals = _add(totals, values)
        stop = min(day_start(day + timedelta(days=1), tz), tail)
        if until < stop:
            live.append((until, stop))
    return _add(totals, _count(dataset, workspace, live, since=tail))


# --- refreshing -------------------------------------------------------------------------------


def _write(workspace, dataset, counted, version, until, days=None):
    """Replace the rollup rows of ``days`` (all of the dataset's when None) with ``counted``."""
    rows = DailyRollup.objects.filter(workspace=workspace, dataset=dataset.key)
    if days is not None:
        rows = rows.filter(day__in=list(days))
    rows.delete()
    DailyRollup.objects.bulk_create(
        [
            DailyRollup(
                workspace=workspace,
                dataset=dataset.key,
                day=day,
                values=values,
                counted_until=until,
                version=version,
            )
            for day, values in sorted(counted.items())
            if any(values.values())
        ],
        batch_size=500,
    )


def refresh(workspace, now=None, keys=None):
    """Bring the workspace's rollups up to date: every row dated before the current hour (UTC) is
    summed; only touched days and the days since the last refresh are recounted (everything when
    the time zone or the definition changed). Returns {dataset: days recounted (None = all)}."""
    tz = ZoneInfo(workspace.timezone)
    # Up to the start of the hour: a row written by a transaction still open now is dated in the
    # current hour, so it falls after the cutoff rather than in an already counted hour.
    cutoff = _hour_floor(now or timezone.now())
    datasets = [DATASETS[key] for key in (keys or DATASETS) if DATASETS[key].rolled_up]
    done = {}
    with transaction.atomic():
        touches = list(
            RollupTouch.objects.filter(
                workspace_id=workspace.id, dataset__in=[d.key for d in datasets]
            ).values_list("id", "dataset", "hour")
        )
        touched = defaultdict(set)
        for _, key, hour in touches:
            touched[key] |= _hour_days(hour, tz)
        states = {s.dataset: s for s in RollupState.objects.filter(workspace=workspace)}
        for dataset in datasets:
            started = clock.perf_counter()
            state = states.get(dataset.key)
            fingerprint = dataset.fingerprint()
            version = _version(workspace.timezone, fingerprint)
            if state is None or state.timezone != workspace.timezone or state.fingerprint != fingerprint:
                everything = [(datetime(1, 1, 2, tzinfo=UTC), cutoff)]
                _write(workspace, dataset, count_days(dataset, workspace, tz, everything), version, cutoff)
                done[dataset.key] = None
            else:
                since = min(state.complete_until, cutoff)
                days = {day for day in touched[dataset.key] if day_start(day, tz) < since}
                if cutoff > since:  # an hour has passed: the days from the old cutoff to the new one
                    days |= set(days_between(local_day(since, tz), local_day(cutoff, tz) + timedelta(days=1)))
                spans = [(day_start(d, tz), min(day_start(d + timedelta(days=1), tz), cutoff)) for d in days]
                spans = [(start, stop) for start, stop in spans if start < stop]
                _write(workspace, dataset, count_days(dataset, workspace, tz, spans), version, cutoff, days)
                done[dataset.key] = sorted(days)
            RollupState.objects.update_or_create(
                workspace=workspace,
                dataset=dataset.key,
                defaults={
                    "timezone": workspace.timezone,
                    "fingerprint": fingerprint,
                    "complete_until": cutoff,
                    "computed_at": timezone.now(),
                    "seconds": clock.perf_counter() - started,
                },
            )
        ids = [touch_id for touch_id, _, _ in touches]
        for start in range(0, len(ids), 500):
            RollupTouch.objects.filter(id__in=ids[start : start + 500]).delete()
    return done


def forget_missing_workspaces():
    """Touches of deleted workspaces (their rows' delete triggers wrote them)."""
    return RollupTouch.objects.exclude(workspace_id__in=Workspace.objects.values("id")).delete()[0]


def invalidate_all():
    """Drop every state: all figures are counted live until each workspace is refreshed."""
    RollupState.objects.all().delete()


def day_range(period, tz):
    """The local days [first, end) of a day-aligned period (see analytics/periods.py)."""
    return local_day(period.start, tz), local_day(period.end, tz)
