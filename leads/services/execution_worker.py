"""Running an execution in the worker: fetch its leads, filter them by the preferences, store them."""

import logging
import zlib
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from leads.filtering import draw_near_misses, filter_leads
from leads.models.agents import LeadSource
from leads.models.executions import Execution, ExecutionStatus
from leads.models.leads import Lead
from leads.models.preferences import PreferenceSet
from leads.services.preferences import get_preferences
from leads.sources import (
    SourceError,
    SourceResult,
    fetch_from_http_agent,
    generate_demo_leads,
    normalize_leads,
)
from workspaces.locks import job_lease

logger = logging.getLogger(__name__)

LEAD_FIELDS = ("name", "title", "company", "industry", "company_size", "location", "email",
               "engagement_score", "quality_score")  # fmt: skip


def _set_progress(execution, progress, message):
    Execution.objects.filter(pk=execution.pk).update(progress=progress, progress_message=message)


def _claim(execution_id):
    """Move a queued execution (or one stuck running past the time limit) to running; None if taken."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.LEADS_EXECUTION_TIME_LIMIT * 2)
    with transaction.atomic():
        execution = Execution.objects.select_for_update().filter(pk=execution_id).first()
        if execution is None:
            return None
        runnable = execution.status == ExecutionStatus.QUEUED or (
            execution.status == ExecutionStatus.RUNNING
            and execution.started_at
            and execution.started_at < stale
        )
        if not runnable:
            return None
        execution.status = ExecutionStatus.RUNNING
        execution.started_at = now
        execution.progress = 5
        execution.progress_message = "Asking the agent for leads…"
        execution.save(update_fields=["status", "started_at", "progress", "progress_message"])
    return execution


def _finish(execution, status, error="", warnings=None, **fields):
    now = timezone.now()
    execution.status = status
    execution.finished_at = now
    started = execution.started_at or now
    execution.duration_ms = max(0, int((now - started).total_seconds() * 1000))
    execution.error = error[:2000]
    execution.warnings = list(warnings or [])
    execution.progress = 100
    execution.progress_message = {
        ExecutionStatus.SUCCEEDED: "Done.",
        ExecutionStatus.PARTIAL: "Done, with warnings.",
        ExecutionStatus.FAILED: "Failed.",
    }[status]
    for name, value in fields.items():
        setattr(execution, name, value)
    execution.save()


def _generate(execution):
    """The leads the execution's source produced (SourceResult), or SourceError."""
    limit = settings.LEADS_MAX_GENERATED_PER_EXECUTION
    if execution.source == LeadSource.HTTP:
        return fetch_from_http_agent(
            execution.recipe.endpoint_url,
            execution.input_data,
            timeout=settings.LEADS_AGENT_TIMEOUT,
            max_leads=limit,
            max_bytes=settings.LEADS_AGENT_MAX_BYTES,
        )
    if execution.source in (LeadSource.PUSH, LeadSource.CSV):
        return normalize_leads(execution.pushed_leads or [], limit)
    if execution.source == LeadSource.DEMO:
        query = str(execution.input_data.get("search_query", execution.recipe.name))
        count = min(execution.recipe.demo_lead_count, limit)
        seed = zlib.crc32(str(execution.id).encode())
        return SourceResult(leads=generate_demo_leads(query, count, seed=seed), received=count)
    raise SourceError(f"Unknown lead source {execution.source!r}.")


def _lead_row(execution, lead, rank):
    size = lead.get("company_size")
    return Lead(
        workspace_id=execution.workspace_id,
        execution=execution,
        rank=rank,
        name=(lead.get("name") or "")[:200],
        title=(lead.get("title") or "")[:200],
        company=(lead.get("company") or "")[:200],
        industry=(lead.get("industry") or "")[:120],
        location=(lead.get("location") or " ".join(
            p for p in (lead.get("city"), lead.get("region"), lead.get("country")) if p))[:200],
        email=(lead.get("email") or "")[:254] if "@" in (lead.get("email") or "") else "",
        company_size=int(size) if isinstance(size, (int, float)) and 0 <= size < 2**31 else None,
        engagement_score=lead.get("engagement_score"),
        quality_score=lead.get("quality_score"),
        source=execution.agent.name[:120],
        attributes={k: v for k, v in lead.items() if k not in LEAD_FIELDS and v is not None},
    )  # fmt: skip


def _explore(execution, result):
    """Draw this run's near misses (call inside the run's transaction): the workspace's exploration
    credit is read and carried under a row lock, so two runs at once do not spend it twice."""
    settings_row = (
        PreferenceSet.objects.select_for_update().filter(workspace_id=execution.workspace_id).first()
    )
    if settings_row is None:  # no preferences saved: no criterion, so no near miss either
        return draw_near_misses(result, 0.0, 0)
    draw = draw_near_misses(
        result,
        settings_row.exploration_share,
        settings_row.exploration_max_per_run,
        credit=settings_row.exploration_credit,
        seed=zlib.crc32(f"explore:{execution.id}".encode()),
    )
    if draw.credit != settings_row.exploration_credit:
        PreferenceSet.objects.filter(pk=settings_row.pk).update(exploration_credit=draw.credit)
    return draw


def _explored_rows(execution, leads, draw, first_rank):
    rows = []
    for offset, (position, criterion) in enumerate(zip(draw.positions, draw.criteria, strict=True)):
        row = _lead_row(execution, leads[position], first_rank + offset)
        row.exploration_criterion = criterion
        row.keep_probability = draw.probability
        rows.append(row)
    return rows


def run_execution(execution_id):
    """Run the execution under the lease `execution:<id>`, renewed while it runs: when the worker
    dies, the lease expires and the reaper (workspaces.jobs) marks the execution failed."""
    with job_lease(f"execution:{execution_id}") as acquired:
        if not acquired:
            return None  # another delivery of this execution is running it
        return _run_execution(execution_id)


def _run_execution(execution_id):
    """The worker's job: claim, fetch from the source, filter, store kept leads and the impact.

    Every outcome ends on the execution row (succeeded, partial with warnings, or failed with the
    reason); running it again for a finished execution does nothing.
    """
    execution = _claim(execution_id)
    if execution is None:
        return None
    try:
        try:
            generated = _generate(execution)
        except SourceError as error:
            _finish(execution, ExecutionStatus.FAILED, error=str(error))
            return execution
        _set_progress(execution, 60, f"Filtering {len(generated.leads)} leads against the preferences…")
        preferences = get_preferences(execution.workspace)
        result = filter_leads(generated.leads, preferences.to_filter())
        _set_progress(execution, 85, f"Storing {result.kept_count} kept leads…")
        impact = result.impact()
        impact["received"] = generated.received
        impact["skipped"] = generated.skipped
        with transaction.atomic():
            Lead.objects.filter(execution=execution).delete()  # a re-run replaces, never doubles
            kept_rows = [_lead_row(execution, lead, rank) for rank, lead in enumerate(result.kept, start=1)]
            for row in kept_rows:
                row.keep_probability = 1.0
            draw = _explore(execution, result)
            explored_rows = _explored_rows(execution, generated.leads, draw, len(kept_rows) + 1)
            # Near misses are shown and judged like kept leads, but the impact's counts stay those of
            # the preferences (docs/leads.md); the exploration has its own keys.
            impact["near_misses"] = draw.candidates
            impact["explored"] = len(explored_rows)
            impact["exploration_probability"] = draw.probability
            Lead.objects.bulk_create(kept_rows + explored_rows)
            status = (
                ExecutionStatus.PARTIAL
                if generated.truncated or generated.skipped
                else ExecutionStatus.SUCCEEDED
            )
            _finish(
                execution,
                status,
                warnings=generated.warnings,
                leads_generated=result.generated,
                leads_kept=result.kept_count,
                filtering_impact=impact,
                preferences_used=preferences.values(),
            )  # fmt: skip
    except Exception as error:  # noqa: BLE001 - the row must say why, whatever went wrong
        logger.exception("execution %s failed", execution_id)
        _finish(
            execution, ExecutionStatus.FAILED, error=f"Internal error while processing the leads: {error}"
        )
    return execution


def stalled_executions(now=None):
    """Ids of executions whose task seems lost: queued for longer than the stall limit, or running for
    longer than twice the task time limit (a crashed worker). Running them again is safe: the worker
    claims an execution before working on it."""
    now = now or timezone.now()
    queued_before = now - timedelta(seconds=settings.LEADS_EXECUTION_STALL_SECONDS)
    running_before = now - timedelta(seconds=settings.LEADS_EXECUTION_TIME_LIMIT * 2)
    executions = Execution.objects.filter(
        Q(status=ExecutionStatus.QUEUED, created_at__lt=queued_before)
        | Q(status=ExecutionStatus.RUNNING, started_at__lt=running_before)
    )
    return list(executions.values_list("id", flat=True)[:500])
