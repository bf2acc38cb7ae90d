"""The dashboard's figures, each with n, change against the previous period and trend, summed from
the day values of analytics/rollups.py (docs/analytics.md)."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.db.models.functions import TruncDay, TruncWeek
from django.urls import reverse

from analytics import rollups
from content.models import WinnerDecision
from core.formatting import percent
from core.stats import difference_interval, wilson_interval
from leads.models import ScoringSettings

# Below this many observations in the earlier period a relative change misleads ("+1200%" from 1):
# counts show the absolute change and the baseline, rates and means say their earlier n.
MIN_BASELINE = 20


def _signed(amount, digits):
    sign = "+" if amount > 0 else ("−" if amount < 0 else "±")
    return f"{sign}{abs(amount):,.{digits}f}"


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
    n_label: str = ""  # what n counts ("runs", "ratings"): said beside every n
    covers: str = ""  # the period the figure covers, in words ("last 30 days", "now")
    previous_n: int | None = None
    previous_hits: int | None = None  # rates: the earlier period's successes, for the change's interval

    def _format(self, value):
        if value is None:
            return "–"
        if self.kind == "rate":
            return percent(value)
        if self.kind == "mean":
            return f"{value:.2f}"
        if self.kind == "count":
            return f"{value:,}"
        return str(value)

    @property
    def display(self):
        return self._format(self.value)

    @property
    def single_point(self):
        """The trend's only point with a value, formatted: shown as a figure, not as a lone dot."""
        points = self.points
        if len(points) != 1:
            return None
        return {"t": points[0]["t"], "display": self._format(points[0]["v"]), "n": points[0].get("n")}

    @property
    def n_display(self):
        if self.n is None:
            return ""
        return f"n={self.n:,}" + (f" {self.n_label}" if self.n_label else "")

    @property
    def change(self):
        """Change against the previous period: points for rates (with a 95% interval), the
        difference for means, and for counts relative only against a baseline of MIN_BASELINE or more."""
        if self.value is None or self.previous is None or self.kind == "text":
            return None
        if self.kind == "rate":
            change = {
                "amount": (self.value - self.previous) * 100,
                "unit": "points",
                "previous_n": self.previous_n,
            }
            if self.previous_hits is not None and self.previous_n and self.n:
                low, high = difference_interval(
                    round(self.value * self.n), self.n, self.previous_hits, self.previous_n
                )
                change["interval"] = [low * 100, high * 100]
            return change
        if self.kind == "mean":
            return {"amount": self.value - self.previous, "unit": "", "previous_n": self.previous_n}
        if self.previous < MIN_BASELINE:
            return {"amount": self.value - self.previous, "unit": "absolute", "previous": self.previous}
        return {
            "amount": (self.value - self.previous) / self.previous * 100,
            "unit": "%",
            "previous": self.previous,
        }

    @property
    def change_display(self):
        change = self.change
        if change is None:
            return "no earlier figure to compare"
        amount = change["amount"]
        if change["unit"] == "points":
            text = f"{_signed(amount, 1)} points vs previous period"
            if change.get("interval"):
                low, high = change["interval"]
                text += f" (95% CI {_signed(low, 1)} to {_signed(high, 1)})"
            return text + f", earlier n={change['previous_n']:,}"
        if change["unit"] == "absolute":
            if change["previous"] == 0:
                return "new: none in the previous period" if amount else "none in either period"
            return f"{_signed(amount, 0)} (from {change['previous']:,}) vs previous period"
        if change["unit"] == "%":
            return f"{_signed(amount, 0)}% (from {change['previous']:,}) vs previous period"
        return f"{_signed(amount, 2)} vs previous period, earlier n={change['previous_n']:,}"

    @property
    def points(self):
        """Trend points that have a value; none when the figure has no observations at all."""
        if not self.n:
            return []
        return [point for point in self.trend if point.get("v") is not None]

    def as_dict(self):
        return {
            "key": self.key,
            "loop": self.loop,
            "title": self.title,
            "kind": self.kind,
            "value": self.value,
            "display": self.display,
            "n": self.n,
            "n_label": self.n_label,
            "covers": self.covers,
            "previous": self.previous,
            "previous_n": self.previous_n,
            "change": self.change,
            "change_display": self.change_display,
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
        previous_n=before["n"],
        previous_hits=before["hits"],
        covers=days.period.label,
        low=low,
        high=high,
        trend=days.trend(dataset, _rate_point),
        **extra,
    )


NO_MODEL = "No model yet: scores use the prior"


# --- the loops ------------------------------------------------------------------------------


def lead_figures(workspace, period, tz, days):
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
            n_label="recipe runs",
            covers=period.label,
            previous=before["generated"],
            detail="all leads the recipe runs returned, before the preference filter",
            url=reverse("analytics:agents"),
            explanation="Leads returned by recipe runs started in the period; n is the number of runs.",
            trend=days.trend("recipe_runs", lambda m: {"v": m["generated"]}),
        ),
        Figure(
            key="leads_kept",
            loop="leads",
            title="Leads kept by preferences",
            kind="count",
            value=kept,
            n=now["runs"],
            n_label="recipe runs",
            covers=period.label,
            previous=before["kept"],
            detail=f"{percent(kept / generated)} of the {generated:,} generated" if generated else "",
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
            n_label="feedback given",
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
            n_label="outcomes",
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
            value=f"v{champion.version}" if champion else NO_MODEL,
            n=champion.training_rows if champion else 0,
            n_label="outcomes trained on",
            covers="now",
            detail=(
                f"AUC {auc_value:.3f} (95% CI {auc['low']:.3f}–{auc['high']:.3f}; "
                + (
                    "all leads, inverse-probability weighted)"
                    if auc.get("weighted")
                    else "followed-up leads)"
                )
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
            n_label="experiments decided",
            covers=period.label,
            previous=before["winners"],
            previous_n=before["experiments"],
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
            n_label="sessions",
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
            n_label="choices",
            covers=period.label,
            previous=mean(before),
            previous_n=before["ranked"],
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
            n_label="rated outputs",
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
