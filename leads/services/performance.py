"""Agent and recipe performance, recomputed from the execution, lead and feedback rows on every read."""

from django.db.models import Count, Q, Sum

from leads.models.agents import Agent
from leads.models.executions import FINISHED, SUCCESSFUL, Execution, ExecutionStatus
from leads.models.lead_feedback import ConversionStatus, LeadFeedback
from leads.models.leads import Lead
from leads.performance import PerformanceCounts, summarize_performance


def performance_counts(workspace, **scope):
    """Raw counts for the executions matching ``scope`` (``agent=...`` or ``recipe=...``)."""
    executions = Execution.objects.for_workspace(workspace).filter(**scope)
    totals = executions.aggregate(
        execution_count=Count("id"),
        successful=Count("id", filter=Q(status__in=SUCCESSFUL)),
        failed=Count("id", filter=Q(status=ExecutionStatus.FAILED)),
        generated=Sum("leads_generated"),
        kept=Sum("leads_kept"),
        response_sum=Sum("duration_ms", filter=Q(status__in=FINISHED, duration_ms__isnull=False)),
        response_n=Count("id", filter=Q(status__in=FINISHED, duration_ms__isnull=False)),
    )
    lead_scope = {f"execution__{key}": value for key, value in scope.items()}
    # The leads the preferences kept: a run's near misses (exploration) are judged to teach the
    # preferences, not to grade the agent or recipe.
    leads = Lead.objects.for_workspace(workspace).filter(exploration_criterion="", **lead_scope)
    judged = leads.filter(feedback__isnull=False).values("id").distinct().count()
    useful = leads.filter(feedback__useful=True).values("id").distinct().count()
    converted = (
        leads.filter(feedback__conversion_status=ConversionStatus.CONVERTED).values("id").distinct().count()
    )
    quality = (
        LeadFeedback.objects.for_workspace(workspace)
        .filter(quality_score__isnull=False, lead__exploration_criterion="", **lead_scope)
        .aggregate(total=Sum("quality_score"), n=Count("id"))
    )
    return PerformanceCounts(
        execution_count=totals["execution_count"],
        successful_executions=totals["successful"],
        failed_executions=totals["failed"],
        total_leads_generated=totals["generated"] or 0,
        total_leads_kept=totals["kept"] or 0,
        leads_with_feedback=judged,
        total_leads_useful=useful,
        leads_converted=converted,
        quality_score_sum=quality["total"] or 0.0,
        quality_score_n=quality["n"],
        response_time_ms_sum=float(totals["response_sum"] or 0),
        response_time_n=totals["response_n"],
    )


def agent_performance(workspace, agent):
    counts = performance_counts(workspace, agent=agent)
    return {"agent_id": str(agent.id), "agent_name": agent.name, **summarize_performance(counts)}


def all_agents_performance(workspace):
    return [agent_performance(workspace, agent) for agent in Agent.objects.for_workspace(workspace)]


def conversion_breakdown(workspace, **scope):
    """How many feedback rows carry each conversion status (a lead may have several judges)."""
    lead_scope = {f"execution__{key}": value for key, value in scope.items()}
    rows = (
        LeadFeedback.objects.for_workspace(workspace)
        .filter(lead__exploration_criterion="", **lead_scope)
        .values("conversion_status")
        .annotate(n=Count("id"))
    )
    found = {row["conversion_status"]: row["n"] for row in rows}
    return {status: found.get(status, 0) for status in ConversionStatus.values}


def recipe_performance(workspace, recipe):
    counts = performance_counts(workspace, recipe=recipe)
    return {
        "recipe_id": str(recipe.id),
        "recipe_name": recipe.name,
        "agent_id": str(recipe.agent_id),
        **summarize_performance(counts),
        "conversion_status_counts": conversion_breakdown(workspace, recipe=recipe),
    }
