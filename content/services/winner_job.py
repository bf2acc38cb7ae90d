"""The winner job: decide every experiment of a workspace, record each decision, store winners."""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from content import tasks
from content import winners as rule
from content.models import Brand, DailyMetric, Experiment, WinnerDecision, WinnerPolicy, WinnerRun
from content.services import ingest, winner_store
from core.stats import wilson_interval
from workspaces.locks import job_lease

logger = logging.getLogger(__name__)
LEASE_SECONDS = 900


def get_policy(workspace) -> WinnerPolicy:
    policy, _ = WinnerPolicy.objects.get_or_create(workspace=workspace)
    return policy


def variant_counts(experiment: Experiment, until: dt.date | None = None) -> list[rule.VariantCounts]:
    rows = DailyMetric.objects.filter(post__experiment=experiment)
    if until is not None:
        rows = rows.filter(date__lte=until)
    totals = (
        rows.values("post__variant")
        .annotate(
            impressions=Sum("impressions"),
            clicks=Sum("clicks"),
            conversions=Sum("conversions"),
            revenue=Sum("revenue"),
        )
        .order_by("post__variant")
    )
    by_variant = {t["post__variant"]: t for t in totals}
    # a variant that is published but has no metrics yet still counts, with zero impressions
    labels = sorted(set(experiment.posts.values_list("variant", flat=True)) | set(by_variant))
    empty = {"impressions": 0, "clicks": 0, "conversions": 0, "revenue": 0}
    return [
        rule.VariantCounts(
            label=label,
            impressions=int(by_variant.get(label, empty)["impressions"] or 0),
            clicks=int(by_variant.get(label, empty)["clicks"] or 0),
            conversions=int(by_variant.get(label, empty)["conversions"] or 0),
            revenue=float(by_variant.get(label, empty)["revenue"] or 0),
        )
        for label in labels
    ]


def _seed(experiment) -> int:
    # the same experiment and data always give the same draws: re-running changes nothing
    return experiment.id.int % (2**32)


def decide_with_policy(counts, policy, *, seed: int, **options) -> rule.Decision:
    """One decision under the workspace's policy (metric, threshold, minimum impressions, weights)."""
    return rule.decide_winner(
        counts,
        metric=policy.metric,
        threshold=policy.threshold,
        min_impressions=policy.min_impressions,
        weights=policy.weights,
        practical_lift=policy.practical_lift,
        split_floor=policy.split_floor,
        check_sample_ratio=not policy.steers_traffic,
        budget=policy.impression_budget,
        seed=seed,
        **options,
    )


def _fewest_impressions(counts) -> int:
    return min((c.impressions for c in counts), default=0)


def last_look(experiment) -> WinnerDecision | None:
    """The experiment's most recent nightly decision (its last recorded look)."""
    return experiment.decisions.order_by("-decided_for").first()


def spent_before_look(latest: WinnerDecision | None, counts, *, view: bool = False) -> float | None:
    """What the experiment's recorded looks (the last one `latest`) spent of the budgeted error
    before a look at `counts`.

    The same data as the last nightly look is that look again (its answer must not change). For
    the nightly job more data is a new look after it; a view (`view=True`) is no recorded look, so
    on newer data it gets None: only the always-valid test, honest however often anyone looks, can
    name a winner until the next nightly look spends its share of the budgeted error."""
    if latest is None or latest.error_spent is None:
        return None if view else 0.0
    if latest.look_impressions == _fewest_impressions(counts):
        return latest.error_spent_before or 0.0
    return None if view else latest.error_spent


def current_decision(experiment, policy, latest: WinnerDecision | None) -> rule.Decision:
    """The decision on every metric row stored so far, for the pages and the API: a view after
    the last recorded look `latest` (see `spent_before_look`)."""
    counts = variant_counts(experiment)
    before = spent_before_look(latest, counts, view=True)
    return decide_with_policy(counts, policy, seed=_seed(experiment), error_spent_before=before)


RUNNING = ("no_winner", "insufficient_data")


def experiment_report(experiment) -> dict:
    """An experiment's verdict now, its variants with n and intervals, and the recommended split
    (for running experiments): what the experiment page and the API show."""
    policy = get_policy(experiment.workspace)
    latest = last_look(experiment)
    decision = current_decision(experiment, policy, latest)
    running = decision.status in RUNNING
    variants = []
    for v in decision.variants:
        ctr_low, ctr_high = wilson_interval(v.clicks, v.impressions)
        cr_low, cr_high = wilson_interval(v.conversions, v.clicks)
        variants.append(
            {
                "label": v.label,
                "impressions": v.impressions,
                "clicks": v.clicks,
                "conversions": v.conversions,
                "revenue": round(v.revenue, 2),
                "ctr": v.ctr,
                "ctr_interval": [ctr_low, ctr_high],
                "conversion_rate": v.conversion_rate,
                "conversion_rate_interval": [cr_low, cr_high],
                "prob_best": v.prob_best,
                "expected_loss": v.expected_loss,
                "recommended_share": v.recommended_share if running else None,
            }
        )
    return {
        "experiment_id": str(experiment.id),
        "experiment": experiment.name,
        "brand": experiment.brand.name,
        "brand_id": str(experiment.brand_id),
        "metric": decision.metric,
        "status": decision.status,
        "settled": decision.settled,
        "winner": decision.winner,
        "reason": decision.reason,
        "threshold": decision.threshold,
        "error_rate": round(1 - decision.threshold, 6),
        "practical_lift": decision.practical_lift,
        "lift_interval": None
        if decision.lift_low is None
        else {
            "leader": decision.leader,
            "compared_with": decision.compared,
            "low": decision.lift_low,
            "high": decision.lift_high,
        },
        "needs_more_impressions": decision.needs_more_impressions,
        "impression_budget": policy.impression_budget,
        # False when data came in after the last nightly look: only the always-valid test speaks
        # until the next one
        "budgeted_look": decision.error_spent_before is not None,
        "error_spent": decision.error_spent,
        "budgeted_error": rule.BUDGETED_SHARE * (1 - decision.threshold),
        "recommended_split": {v["label"]: v["recommended_share"] for v in variants} if running else None,
        "split_floor": policy.split_floor,
        "steers_traffic": policy.steers_traffic,
        "variants": variants,
        "latest_nightly": None
        if latest is None
        else {
            "decided_for": latest.decided_for.isoformat(),
            "status": latest.status,
            "winner": latest.winner_variant or None,
        },
    }


def decide_experiment(experiment, policy, run_date, run=None) -> WinnerDecision:
    counts = variant_counts(experiment)
    before = spent_before_look(last_look(experiment), counts)
    decision = decide_with_policy(counts, policy, seed=_seed(experiment), error_spent_before=before)
    winner_post = None
    with transaction.atomic():
        if decision.winner is not None:
            figures = decision.figures_for(decision.winner)
            winner_post = (
                experiment.posts.filter(variant=decision.winner)
                .annotate(n=Sum("metrics__impressions"))
                .order_by("-n", "external_id")
                .first()
            )
            low, high = wilson_interval(figures.clicks, figures.impressions)
            winner_store.store_winner(
                experiment=experiment,
                post=winner_post,
                figures=figures,
                metric=policy.metric,
                ctr_interval=(low, high),
                decided_on=run_date,
            )
        record, _ = WinnerDecision.objects.update_or_create(
            experiment=experiment,
            decided_for=run_date,
            defaults={
                "workspace": experiment.workspace,
                "run": run,
                "status": decision.status,
                "winner_variant": decision.winner or "",
                "winner_post": winner_post,
                "metric": decision.metric,
                "threshold": decision.threshold,
                "min_impressions": decision.min_impressions,
                "reason": decision.reason,
                "figures": [_clean(v) for v in decision.to_dict()["variants"]],
                "srm_p_value": decision.srm_p_value,
                "srm_flagged": decision.srm_flagged,
                "needs_more_impressions": decision.needs_more_impressions,
                "look_impressions": _fewest_impressions(counts),
                "error_spent_before": decision.error_spent_before,
                "error_spent": decision.error_spent,
            },
        )
    return record


def _clean(figures: dict) -> dict:
    return {k: (round(v, 6) if isinstance(v, float) else v) for k, v in figures.items()}


def _already_ran_tonight(workspace, run_date) -> bool:
    return (
        WinnerRun.objects.for_workspace(workspace)
        .filter(trigger=WinnerRun.Trigger.SCHEDULE, run_date=run_date, status=WinnerRun.Status.DONE)
        .exists()
    )


def run_winner_job(workspace, trigger=WinnerRun.Trigger.MANUAL, run: WinnerRun | None = None):
    """Decide every experiment of every brand; returns the WinnerRun with its stats."""
    run_date = ingest.local_today(workspace)
    if run is None:
        run = WinnerRun.objects.create(workspace=workspace, trigger=trigger, run_date=run_date)
    with job_lease(f"content-winners:{workspace.id}", LEASE_SECONDS) as acquired:
        if not acquired:
            return _skip(run, "Another winner run for this workspace is in progress.")
        if trigger == WinnerRun.Trigger.SCHEDULE and _already_ran_tonight(workspace, run_date):
            return _skip(run, f"The nightly run for {run_date} has already been done.")
        policy = get_policy(workspace)
        run.status, run.started_at, run.metric = WinnerRun.Status.RUNNING, timezone.now(), policy.metric
        run.run_date = run_date
        run.save()
        stats = {"brands": 0, "experiments": 0, "winners": 0, "errors": []}
        for brand in Brand.objects.for_workspace(workspace).order_by("name"):
            stats["brands"] += 1
            for experiment in brand.experiments.order_by("name"):
                stats["experiments"] += 1
                try:
                    decision = decide_experiment(experiment, policy, run_date, run)
                except Exception as exc:  # one bad experiment must not stop the others
                    logger.exception("winner decision failed for %s", experiment.pk)
                    stats["errors"].append(f"{experiment}: {exc}")
                    continue
                if decision.winner_variant:
                    stats["winners"] += 1
        run.brands_processed = stats["brands"]
        run.experiments_processed = stats["experiments"]
        run.winners_identified = stats["winners"]
        run.errors = len(stats["errors"])
        run.error_messages = stats["errors"][:100]
        run.status = WinnerRun.Status.DONE
        run.finished_at = timezone.now()
        run.save()
    winner_store.queue_reembedding_if_needed(workspace)
    return run


def _skip(run, message):
    run.status = WinnerRun.Status.SKIPPED
    run.error_messages = [message]
    run.finished_at = timezone.now()
    run.save()
    return run


def queue_winner_job(workspace) -> WinnerRun:
    """The "Run now" button: record a queued run and hand it to the worker."""
    with transaction.atomic():
        run = WinnerRun.objects.create(
            workspace=workspace, trigger=WinnerRun.Trigger.MANUAL, run_date=ingest.local_today(workspace)
        )
        tasks.decide_workspace_winners.delay_on_commit(str(workspace.id), str(run.id))
    return run


def workspaces_due(workspaces, now=None, hour: int = 2):
    """Workspaces where the local time is within the given hour (the hourly beat calls this)."""
    now = now or timezone.now()
    due = []
    for workspace in workspaces:
        try:
            zone = zoneinfo.ZoneInfo(workspace.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            zone = dt.UTC
        if now.astimezone(zone).hour == hour:
            due.append(workspace)
    return due


def latest_decisions(workspace, brand=None):
    """Each experiment's most recent decision."""
    decisions = WinnerDecision.objects.for_workspace(workspace).select_related(
        "experiment", "experiment__brand", "winner_post"
    )
    if brand is not None:
        decisions = decisions.filter(experiment__brand=brand)
    latest = {}
    for decision in decisions.order_by("experiment_id", "-decided_for"):
        latest.setdefault(decision.experiment_id, decision)
    return sorted(latest.values(), key=lambda d: (d.experiment.brand.name, d.experiment.name))
