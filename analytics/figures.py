"""The dashboard's figures: one aggregate query per figure and period, each with n, change and trend.

Every figure is recomputed from the loops' raw rows with indexed aggregate queries, so it always
equals a direct recount (a test compares them).
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDay, TruncWeek
from django.urls import reverse

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


def _trend(queryset, date_field, period, aggregate, tz):
    """Values per day or week of the period (missing buckets are 0)."""
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
    starts = period.bucket_starts()
    if period.bucket == "week":
        # TruncWeek starts weeks on Monday; align the buckets the same way.
        from datetime import timedelta

        aligned = []
        for start in starts:
            local = start.astimezone(tz)
            monday = local - timedelta(days=local.weekday())
            if not aligned or aligned[-1] != monday:
                aligned.append(monday)
        return aligned
    return starts


def _rate_trend(queryset, date_field, period, success_q, tz):
    totals = _trend(queryset, date_field, period, Count("pk"), tz)
    successes = _trend(queryset.filter(success_q), date_field, period, Count("pk"), tz)
    return [
        {"t": total["t"], "v": (hit["v"] / total["v"]) if total["v"] else None, "n": total["v"]}
        for total, hit in zip(totals, successes, strict=True)
    ]


def _rate_figure(key, loop, title, queryset, date_field, success_q, period, tz, **extra):
    def counts(p):
        return queryset.filter(**_in(p, date_field)).aggregate(
            n=Count("pk"), hits=Count("pk", filter=success_q)
        )

    now, before = counts(period), counts(period.previous)
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
        trend=_rate_trend(queryset, date_field, period, success_q, tz),
        **extra,
    )


# --- the loops ------------------------------------------------------------------------------


def lead_figures(workspace, period, tz):
    from leads.models import Execution, LeadFeedback, Outcome, ScoringSettings

    executions = Execution.objects.for_workspace(workspace)

    def totals(p):
        return executions.filter(**_in(p, "created_at")).aggregate(
            generated=Sum("leads_generated"), kept=Sum("leads_kept"), runs=Count("pk")
        )

    now, before = totals(period), totals(period.previous)
    generated, kept = now["generated"] or 0, now["kept"] or 0
    figures = [
        Figure(
            key="leads_generated",
            loop="leads",
            title="Leads generated",
            kind="count",
            value=generated,
            n=now["runs"],
            previous=before["generated"] or 0,
            detail=f"{kept:,} kept by your preferences ({kept / generated:.0%})"
            if generated
            else "no recipe runs in this period",
            url=reverse("analytics:agents"),
            explanation="Leads returned by recipe runs started in the period; n is the number of runs.",
            trend=_trend(executions, "created_at", period, Sum("leads_generated"), tz),
        ),
        Figure(
            key="leads_kept",
            loop="leads",
            title="Leads kept",
            kind="count",
            value=kept,
            n=now["runs"],
            previous=before["kept"] or 0,
            url=reverse("analytics:recipes"),
            explanation="Leads that passed the preference filter in the period's recipe runs.",
            trend=_trend(executions, "created_at", period, Sum("leads_kept"), tz),
        ),
    ]
    feedback = LeadFeedback.objects.for_workspace(workspace).filter(useful__isnull=False)
    figures.append(
        _rate_figure(
            "useful_rate",
            "leads",
            "Useful leads",
            feedback,
            "created_at",
            Q(useful=True),
            period,
            tz,
            url=reverse("analytics:agents"),
            explanation="Share of lead feedback marked useful; n is the feedback given in the period.",
        )
    )
    figures.append(
        _rate_figure(
            "conversion_rate",
            "leads",
            "Won outcomes",
            Outcome.objects.for_workspace(workspace),
            "recorded_at",
            Q(won=True),
            period,
            tz,
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


def content_figures(workspace, period, tz):
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
            trend=_trend(
                decisions.exclude(winner_variant=""),
                "created_at",
                period,
                Count("experiment", distinct=True),
                tz,
            ),
        )
    ]


def matching_figures(workspace, period, tz):
    from django.db.models import Avg

    from matching.models import Choice, MatchingSession

    sessions = MatchingSession.objects.for_workspace(workspace).filter(imported=False)
    figures = [
        _rate_figure(
            "matching_conversion",
            "matching",
            "Matching conversion",
            sessions,
            "created_at",
            Q(choice__candidate__isnull=False),
            period,
            tz,
            url=reverse("analytics:segments"),
            explanation="Share of recommendation sessions in which the customer chose a provider.",
        )
    ]
    choices = Choice.objects.for_workspace(workspace).filter(
        session__imported=False, chosen_rank__isnull=False
    )

    def mean_rank(p):
        return choices.filter(**_in(p, "session__created_at")).aggregate(
            mean=Avg("chosen_rank"), n=Count("pk")
        )

    now, before = mean_rank(period), mean_rank(period.previous)
    figures.append(
        Figure(
            key="mean_chosen_rank",
            loop="matching",
            title="Mean chosen rank",
            kind="mean",
            value=now["mean"],
            n=now["n"],
            previous=before["mean"],
            detail="1 means customers pick the first recommendation",
            url=reverse("analytics:segments"),
            explanation="Average displayed rank of the provider customers chose; lower is better.",
            trend=[
                {"t": row["t"], "v": row["v"]}
                for row in _trend(choices, "session__created_at", period, Avg("chosen_rank"), tz)
            ],
        )
    )
    return figures


def feedback_figures(workspace, period, tz):
    from feedback.models import FeedbackEntry

    success = Q(rating__gte=settings.FEEDBACK_SUCCESS_MIN_RATING)
    if settings.FEEDBACK_THUMBS_UP_COUNTS:
        success |= Q(thumbs=1)
    return [
        _rate_figure(
            "output_success_rate",
            "feedback",
            "Output success rate",
            FeedbackEntry.objects.for_workspace(workspace),
            "created_at",
            success,
            period,
            tz,
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
    return [
        {"app": app, "label": label, "figures": compute(workspace, period, tz)}
        for app, label, compute in LOOPS
    ]
