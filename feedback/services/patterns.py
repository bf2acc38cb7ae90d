"""Pattern analysis of a workspace's recent feedback, cached for the day until new entries arrive."""

from datetime import timedelta

from django.utils import timezone

from feedback import analysis, queries
from feedback.forms import AnalysisForm, validated
from feedback.models import PatternCache


def analyze_workspace(workspace, days: int = 7, min_samples: int | None = None) -> dict:
    """Pattern analysis of the last ``days`` days; InsufficientData when there are too few entries."""
    min_samples = queries.min_samples_default() if min_samples is None else min_samples
    validated(AnalysisForm, {"days": days, "min_samples": min_samples})
    rule = queries.success_rule()
    today = timezone.localdate()
    key = f"{days}:{min_samples}:{rule.min_rating}:{int(rule.thumbs_up_counts)}"
    cached = PatternCache.objects.for_workspace(workspace).filter(day=today, key=key).first()
    if cached is not None:
        return cached.result
    since = timezone.now() - timedelta(days=days)
    frame = queries.grouped_entries(workspace, since=since)
    prompts = queries.prompt_success_counts(workspace, since=since) if int(frame["count"].sum()) else None
    result = analysis.analyze(frame, rule=rule, min_samples=min_samples, prompts=prompts)
    result["days"] = days
    result["computed_at"] = timezone.now().isoformat()
    PatternCache.objects.update_or_create(
        workspace=workspace, day=today, key=key, defaults={"result": result}
    )
    return result
