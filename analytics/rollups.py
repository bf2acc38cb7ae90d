"""Daily summary rows ("rollups") of the large tables, so the dashboard reads hundreds of rows, not millions.

What is summed is data, not code: ``DATASETS`` lists each dataset's model, date field, row filter and
additive measures (counts and sums). A figure is built from per-day values; a rate is ``hits / n``
and a mean is ``sum / count`` of the days it covers, so totals, the previous period and daily or
weekly trends all come from the same day values.

Correctness (figures always equal a direct recount of the raw rows):

* Rollups exist only for closed local days (before today in the workspace's time zone); today is
  always counted live from the raw rows. ``RollupState.complete_until`` says up to which day a
  dataset is rolled up, in which time zone, and for which definition (a hash of the dataset entry,
  including settings such as the feedback success rule).
* Every insert, update and delete of a source row is recorded by database triggers (PostgreSQL:
  statement-level with transition tables; SQLite: row-level) as a ``RollupTouch``: the workspace,
  the dataset and the UTC hour of the row's date, both before and after the change. So a flipped
  ``useful``, an outcome changed from won to lost, a ``recorded_at`` moved to another day, a bulk
  update, a raw SQL statement or a cascade delete are all seen, in the same transaction as the
  change. A day that overlaps a touched hour is counted live until the next refresh.
* A time-zone change (or a changed definition) makes the state not match, so the whole dataset is
  counted live until the refresh recomputes it; the triggers are reinstalled after every
  ``migrate`` (SQLite drops them when a migration rebuilds a table) and, if any were missing, all
  states are dropped so everything is recomputed.
* ``refresh`` (the Celery task, every few minutes and on demand) reads the touches, recomputes the
  touched days and the newly closed days, writes the rows and deletes exactly the touches it read,
  in one transaction: a change committed meanwhile leaves its touch for the next run. A lease
  keeps two refreshes of one workspace from running at once; running it again changes nothing.

Small tables (recipe runs) are datasets too but are never rolled up (``rolled_up=False``): the
same code counts them live.
"""

import hashlib
import time as clock
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from analytics.models import DailyRollup, RollupState, RollupTouch


@dataclass(frozen=True)
class Dataset:
    key: str
    model: str  # "app_label.ModelName"
    date_field: str
    measures: object  # a callable returning {name: Count(...) or Sum(...)}; additive only
    where: object = None  # a callable returning the Q that selects the rows counted
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
        text = repr(
            (self.model, self.date_field, self.condition(), sorted(self.measures().items()), self.sources())
        )
        return hashlib.sha256(text.encode()).hexdigest()

    def zero(self):
        return dict.fromkeys(self.measures(), 0)


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


def _ranges(days):
    """Consecutive days merged into [first, end) ranges."""
    ranges = []
    for day in sorted(days):
        if ranges and ranges[-1][1] == day:
            ranges[-1][1] = day + timedelta(days=1)
        else:
            ranges.append([day, day + timedelta(days=1)])
    return ranges


def _hour_days(hour, tz):
    """The local days an hour (UTC) overlaps: two when the zone's offset is not whole hours."""
    return {local_day(hour, tz), local_day(hour + timedelta(minutes=59, seconds=59, microseconds=999999), tz)}


# --- counting the raw rows --------------------------------------------------------------------


def count_days(dataset, workspace, tz, days=None, before=None):
    """{local day: measures} counted from the raw rows, for ``days`` (all days before ``before``
    when None). Days without rows are left out."""
    rows = dataset.model_class.objects.for_workspace(workspace).filter(dataset.condition())
    date_field = dataset.date_field
    if days is not None:
        if not days:
            return {}
        span = Q()
        for first, end in _ranges(days):
            span |= Q(**{f"{date_field}__gte": day_start(first, tz), f"{date_field}__lt": day_start(end, tz)})
        rows = rows.filter(span)
    if before is not None:
        rows = rows.filter(**{f"{date_field}__lt": day_start(before, tz)})
    grouped = (
        rows.annotate(rollup_day=TruncDate(date_field, tzinfo=tz))
        .values("rollup_day")
        .annotate(**dataset.measures())
        .order_by()
    )
    names = list(dataset.measures())
    return {row["rollup_day"]: {name: row[name] or 0 for name in names} for row in grouped}


# --- reading ----------------------------------------------------------------------------------


@dataclass
class DailyValues:
    """One dataset's measures per local day over a range; days without rows are zeros."""

    dataset: Dataset
    days: dict
    live_days: list = field(default_factory=list)  # the days counted from raw rows

    def get(self, day):
        return self.days.get(day) or self.dataset.zero()

    def total(self, first, end):
        totals = self.dataset.zero()
        for day in days_between(first, end):
            for name, value in self.get(day).items():
                totals[name] += value
        return totals


def daily_values(workspace, keys, first, end, tz, now=None):
    """{dataset key: DailyValues} for local days [first, end): rollups where they are complete and
    untouched, raw rows for the rest (today, touched days, a changed time zone or definition)."""
    datasets = [DATASETS[key] for key in keys]
    today = local_day(now or timezone.now(), tz)
    rolled = [d.key for d in datasets if d.rolled_up]
    complete = {}
    if rolled:
        for state in RollupState.objects.filter(workspace=workspace, dataset__in=rolled):
            dataset = DATASETS[state.dataset]
            if state.timezone == tz_name(tz) and state.fingerprint == dataset.fingerprint():
                complete[state.dataset] = min(state.complete_until, today)
    stale = defaultdict(set)
    stored = defaultdict(dict)
    if complete:
        touches = (
            RollupTouch.objects.filter(
                workspace_id=workspace.id,
                dataset__in=list(complete),
                hour__gte=day_start(first, tz) - timedelta(hours=1),
                hour__lt=day_start(end, tz),
            )
            .values_list("dataset", "hour")
            .distinct()
        )
        for key, hour in touches:
            stale[key] |= _hour_days(hour, tz)
        last = max(complete.values())
        for key, day, values in DailyRollup.objects.filter(
            workspace=workspace, dataset__in=list(complete), day__gte=first, day__lt=min(end, last)
        ).values_list("dataset", "day", "values"):
            stored[key][day] = values
    result = {}
    for dataset in datasets:
        until = complete.get(dataset.key)
        from_rollups = {
            day for day in days_between(first, end) if until and day < until and day not in stale[dataset.key]
        }
        live = [day for day in days_between(first, end) if day not in from_rollups]
        days = {day: values for day, values in stored[dataset.key].items() if day in from_rollups}
        days.update(count_days(dataset, workspace, tz, live))
        result[dataset.key] = DailyValues(dataset, days, live)
    return result


# --- refreshing -------------------------------------------------------------------------------


def _write(workspace, dataset, counted, days=None):
    """Replace the rollup rows of ``days`` (all of the dataset's when None) with ``counted``."""
    rows = DailyRollup.objects.filter(workspace=workspace, dataset=dataset.key)
    if days is not None:
        rows = rows.filter(day__in=list(days))
    rows.delete()
    DailyRollup.objects.bulk_create(
        [
            DailyRollup(workspace=workspace, dataset=dataset.key, day=day, values=values)
            for day, values in sorted(counted.items())
            if any(values.values())
        ],
        batch_size=500,
    )


def refresh(workspace, now=None, keys=None):
    """Bring the workspace's rollups up to date: touched days and newly closed days (everything when
    the time zone or the definition changed). Returns {dataset: days recomputed (None = all)}."""
    tz = ZoneInfo(workspace.timezone)
    today = local_day(now or timezone.now(), tz)
    datasets = [DATASETS[key] for key in (keys or DATASETS) if DATASETS[key].rolled_up]
    done = {}
    with transaction.atomic():
        touches = list(
            RollupTouch.objects.filter(
                workspace_id=workspace.id, dataset__in=[d.key for d in datasets]
            ).values_list("id", "dataset", "hour")
        )
        stale = defaultdict(set)
        for _, key, hour in touches:
            stale[key] |= _hour_days(hour, tz)
        states = {s.dataset: s for s in RollupState.objects.filter(workspace=workspace)}
        for dataset in datasets:
            started = clock.perf_counter()
            state = states.get(dataset.key)
            fingerprint = dataset.fingerprint()
            if state is None or state.timezone != workspace.timezone or state.fingerprint != fingerprint:
                _write(workspace, dataset, count_days(dataset, workspace, tz, before=today))
                done[dataset.key] = None
                until = today
            else:
                days = {day for day in stale[dataset.key] if day < state.complete_until}
                days |= set(days_between(state.complete_until, today))
                _write(workspace, dataset, count_days(dataset, workspace, tz, days), days)
                done[dataset.key] = sorted(days)
                until = max(today, state.complete_until)
            RollupState.objects.update_or_create(
                workspace=workspace,
                dataset=dataset.key,
                defaults={
                    "timezone": workspace.timezone,
                    "fingerprint": fingerprint,
                    "complete_until": until,
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
    from workspaces.models import Workspace

    return RollupTouch.objects.exclude(workspace_id__in=Workspace.objects.values("id")).delete()[0]


def invalidate_all():
    """Drop every state: all figures are counted live until each workspace is refreshed."""
    RollupState.objects.all().delete()


def day_range(period, tz):
    """The local days [first, end) of a day-aligned period (see analytics/periods.py)."""
    return local_day(period.start, tz), local_day(period.end, tz)
