"""The dashboard's figures, each with n, change against the previous period and trend.

The large tables are read as per-day values (analytics/rollups.py: summary rows for closed,
untouched days, raw rows for the rest), fetched once for the period and the one before it; totals,
previous period and trends are sums of those days, so every figure equals a direct recount of the
raw rows (tests/analytics/test_dashboard_figures.py compares them).
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.db.models.functions import TruncDay, TruncWeek
from django.urls import reverse

from analytics import rollups
from analytics.intervals import wilson_interval


@dataclass
class Figure:
    key: str
    loop: str
    title: str
    kind: str  # "count", "rate", "mean" or "text"
    value: float | int | str | None
    n: int | None
    previous: float | int | None = None
    low: float | None = None
    high: float | None = None
    detail: str = ""
    url: str = ""
    explanation: str = ""
    trend: list = field(default_factory=list)

    @property
    def display(self):
        if self.value is None:
            return "–"
        if self.kind == "rate":
            return f"{self.value:.0%}"
        if self.kind == "mean":
            return f"{self.value:.2f}"
        if self.kind == "count":
            return f"{self.value:,}"
        return str(self.value)

    @property
    def change(self):
        """Change against the previous period: points for rates, relative for counts."""
        if self.value is None or self.previous is None or self.kind == "text":
            return None
        if self.kind == "rate":
            return {"amount": (self.value - self.previous) * 100, "unit": "points"}
        if self.kind == "mean":
            return {"amount": self.value - self.previous, "unit": ""}
        if self.previous == 0:
            return None
        return {"amount": (self.value - self.previous) / self.previous * 100, "unit": "%"}

    @property
    def change_display(self):
        change = self.change
        if change is None:
            return "no earlier figure to compare"
        amount = change["amount"]
        sign = "+" if amount > 0 else ("−" if amount < 0 else "±")
        if change["unit"] == "points":
            return f"{sign}{abs(amount):.1f} points vs previous period"
        if change["unit"] == "%":
            return f"{sign}{abs(amount):.0f}% vs previous period"
        return f"{sign}{abs(amount):.2f} vs previous period"

    def as_dict(self):
        return {
            "key": self.key,
            "loop": self.loop,
            "title": self.title,
            "kind": self.kind,
            "value": self.value,
            "display": self.display,
            "n": self.n,
            "previous": self.previous,
            "change": self.change,
            "interval": None if self.low is None else [self.low, self.high],
            "detail": self.detail,
            "url": self.url,
            "explanation": self.explanation,
            "trend": self.trend,
        }


def _in(period, field_name):
    return {f"{field_name}__gte": period.start, f"{field_name}__lt": period.end}


class Days:
    """The dashboard's day values (analytics/rollups.py) for the period and the one before it."""

    def __init__(self, workspace, period, tz, keys):
        self.period, self.tz = period, tz
        first, _ = rollups.day_range(period.previous, tz)
        _, end = rollups.day_range(period, tz)
        self.values = rollups.daily_values(workspace, keys, first, end, tz)

    def total(self, key, period=None):
        return self.values[key].total(*rollups.day_range(period or self.period, self.tz))

    def trend(self, key, point):
        """One point per day or week of the period; ``point(measures)`` gives its value."""
        first, end = rollups.day_range(self.period, self.tz)
        values = self.values[key]
        points = []
        step = timedelta(days=1 if self.period.bucket == "day" else 7)
        for start in _bucket_starts(self.period, self.tz):
            local = start.astimezone(self.tz).date()
            low, high = max(local, first), min(local + step, end)
            measures = values.get(low) if high - low == timedelta(days=1) else values.total(low, high)
            points.append({"t": local.isoformat(), **point(measures)})
        return points


def _live_trend(queryset, date_field, period, aggregate, tz):
    """Values per day or week of the period counted from the rows (missing buckets are 0)."""
    trunc = TruncDay if period.bucket == "day" else TruncWeek
    rows = (
        queryset.filter(**_in(period, date_field))
        .annotate(bucket=trunc(date_field, tzinfo=tz))
        .values("bucket")
        .annotate(value=aggregate)
        .order_by("bucket")
    )
    found = {row["bucket"].date(): row["value"] or 0 for row in rows}
    return [
        {"t": start.astimezone(tz).date().isoformat(), "v": found.get(start.astimezone(tz).date(), 0)}
        for start in _bucket_starts(period, tz)
    ]


def _bucket_starts(period, tz):
    """Local midnights starting the trend's buckets: each day, or each Monday (as TruncWeek) from
    the week holding the first day through the week holding the last one."""
    if period.bucket == "day":
        return period.bucket_starts()
    first, end = rollups.day_range(period, tz)
    monday = first - timedelta(days=first.weekday())
    starts = []
    while monday < end:
        starts.append(rollups.day_start(monday, tz))
        monday += timedelta(days=7)
    return starts


def _rate_point(measures):
    n = measures["n"]
    return {"v": measures["hits"] / n if n else None, "n": n}


def _rate_figure(key, loop, title, days, dataset, **extra):
    now, before = days.total(dataset), days.total(dataset, days.period.previous)
    n, hits = now["n"], now["hits"]
    low, high = wilson_interval(hits, n) if n else (None, None)
    return Figure(
        key=key,
        loop=loop,
        title=title,
        kind="rate",
        value=hits / n if n else None,
        n=n,
        previous=before["hits"] / before["n"] if before["n"] else None,
        low=low,
        high=high,
        trend=days.trend(dataset, _rate_point),
        **extra,
    )


# --- the loops ------------------------------------------------------------------------------


def lead_figures(workspace, period, tz, days):
    from leads.models import ScoringSettings

    now, before = days.total("recipe_runs"), days.total("recipe_runs", period.previous)
    generated, kept = now["generated"], now["kept"]
    figures = [
        Figure(
            key="leads_generated",
            loop="leads",
            title="Leads generated",
            kind="count",
            value=generated,
            n=now["runs"],
            previous=before["generated"],
            detail=f"{kept:,} kept by your preferences ({kept / generated:.0%})"
            if generated
            else "no recipe runs in this period",
            url=reverse("analytics:agents"),
            explanation="Leads returned by recipe runs started in the period; n is the number of runs.",
            trend=days.trend("recipe_runs", lambda m: {"v": m["generated"]}),
        ),
        Figure(
            key="leads_kept",
            loop="leads",
            title="Leads kept",
            kind="count",
            value=kept,
            n=now["runs"],
            previous=before["kept"],
            url=reverse("analytics:recipes"),
            explanation="Leads that passed the preference filter in the period's recipe runs.",
            trend=days.trend("recipe_runs", lambda m: {"v": m["kept"]}),
        ),
    ]
    figures.append(
        _rate_figure(
            "useful_rate",
            "leads",
            "Useful leads",
            days,
            "lead_feedback",
            url=reverse("analytics:agents"),
            explanation="Share of lead feedback marked useful; n is the feedback given in the period.",
        )
    )
    figures.append(
        _rate_figure(
            "conversion_rate",
            "leads",
            "Won outcomes",
            days,
            "outcomes",
            url=reverse("analytics:models"),
            explanation="Share of recorded outcomes (won or lost) that were won, by when they were recorded.",
        )
    )
    scoring = ScoringSettings.objects.for_workspace(workspace).select_related("champion").first()
    champion = scoring.champion if scoring else None
    auc = (champion.metrics or {}).get("auc") if champion else None
    auc_value = auc.get("value") if isinstance(auc, dict) else None
    figures.append(
        Figure(
            key="scoring_model",
            loop="leads",
            title="Scoring model",
            kind="text",
            value=f"v{champion.version}" if champion else "prior (no model yet)",
            n=champion.training_rows if champion else 0,
            detail=(
                f"AUC {auc_value:.3f} (95% CI {auc['low']:.3f}–{auc['high']:.3f})"
                if auc_value is not None and auc.get("low") is not None
                else "AUC not measured yet"
            )
            + f" · {scoring.outcomes_since_training if scoring else 0} outcomes since training",
            url=reverse("analytics:models"),
            explanation="The champion model that scores leads now; n is the outcomes it was trained on.",
        )
    )
    return figures


def content_figures(workspace, period, tz, days):
    """Counted live: decisions are a few per experiment and night, and distinct counts do not add up."""
    from content.models import WinnerDecision

    decisions = WinnerDecision.objects.for_workspace(workspace)

    def counts(p):
        start, end = p.start.astimezone(tz).date(), p.end.astimezone(tz).date()
        rows = decisions.filter(decided_for__gte=start, decided_for__lt=end)
        return rows.aggregate(
            experiments=Count("experiment", distinct=True),
            winners=Count("experiment", distinct=True, filter=~Q(winner_variant="")),
        )

    now, before = counts(period), counts(period.previous)
    return [
        Figure(
            key="content_winners",
            loop="content",
            title="Content winners",
            kind="count",
            value=now["winners"],
            n=now["experiments"],
            previous=before["winners"],
            detail=f"of {now['experiments']} experiments decided in the period",
            url=reverse("analytics:brands"),
            explanation=(
                "Experiments where one variant's probability to be best reached the workspace's "
                "threshold; n is the experiments the nightly job decided on."
            ),
            trend=_live_trend(
                decisions.exclude(winner_variant=""),
                "created_at",
                period,
                Count("experiment", distinct=True),
                tz,
            ),
        )
    ]


def matching_figures(workspace, period, tz, days):
    figures = [
        _rate_figure(
            "matching_conversion",
            "matching",
            "Matching conversion",
            days,
            "matching_sessions",
            url=reverse("analytics:segments"),
            explanation="Share of recommendation sessions in which the customer chose a provider.",
        )
    ]

    def mean(measures):
        return measures["rank_sum"] / measures["ranked"] if measures["ranked"] else None

    now, before = days.total("matching_sessions"), days.total("matching_sessions", period.previous)
    figures.append(
        Figure(
            key="mean_chosen_rank",
            loop="matching",
            title="Mean chosen rank",
            kind="mean",
            value=mean(now),
            n=now["ranked"],
            previous=mean(before),
            detail="1 means customers pick the first recommendation",
            url=reverse("analytics:segments"),
            explanation="Average displayed rank of the provider customers chose; lower is better.",
            trend=days.trend("matching_sessions", lambda m: {"v": mean(m), "n": m["ranked"]}),
        )
    )
    return figures


def feedback_figures(workspace, period, tz, days):
    return [
        _rate_figure(
            "output_success_rate",
            "feedback",
            "Output success rate",
            days,
            "output_feedback",
            url=reverse("analytics:frameworks"),
            explanation=(
                f"Share of rated outputs with a rating of {settings.FEEDBACK_SUCCESS_MIN_RATING} or more"
                + (" or a thumbs up" if settings.FEEDBACK_THUMBS_UP_COUNTS else "")
                + "."
            ),
        )
    ]


LOOPS = [
    ("leads", "Leads", lead_figures),
    ("content", "Content", content_figures),
    ("matching", "Matching", matching_figures),
    ("feedback", "Output feedback", feedback_figures),
]


def dashboard_figures(workspace, period, tz):
    days = Days(
        workspace,
        period,
        tz,
        ["recipe_runs", "lead_feedback", "outcomes", "matching_sessions", "output_feedback"],
    )
    return [
        {"app": app, "label": label, "figures": compute(workspace, period, tz, days)}
        for app, label, compute in LOOPS
    ]
