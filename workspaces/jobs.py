"""Jobs whose worker died: each kind of job row is registered here and the reaper fails the
running rows that no live lease backs any more."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.utils import timezone

from workspaces.locks import live_lease_names

logger = logging.getLogger(__name__)

INTERRUPTED = "The worker stopped while this job was running; run it again."


@dataclass(frozen=True)
class InterruptibleJob:
    """A job model whose running rows hold the lease `<lease_prefix><pk>` while they run."""

    model: type
    lease_prefix: str
    running: str
    failed: str
    reason_field: str
    extra_on_fail: dict = field(default_factory=dict)


JOBS: list[InterruptibleJob] = []


def register_interruptible_job(job: InterruptibleJob) -> None:
    if all(known.lease_prefix != job.lease_prefix for known in JOBS):
        JOBS.append(job)


def fail_interrupted_jobs() -> dict[str, int]:
    """Mark failed, with the reason, every running job without a live lease. The lease is taken
    before the row is set running and released after it is finished, so a running row without a
    lease is one whose worker died (or crashed past the code that records the end)."""
    failed = {}
    for job in JOBS:
        running = job.model.objects.filter(status=job.running)
        ids = list(running.values_list("pk", flat=True)[:1000])
        if not ids:
            continue
        live = live_lease_names(job.lease_prefix)
        dead = [pk for pk in ids if f"{job.lease_prefix}{pk}" not in live]
        if not dead:
            continue
        # status=running again: a job that finished since the first look keeps its result.
        count = job.model.objects.filter(pk__in=dead, status=job.running).update(
            status=job.failed,
            finished_at=timezone.now(),
            **{job.reason_field: INTERRUPTED},
            **job.extra_on_fail,
        )
        if count:
            logger.warning("%s: %d interrupted job(s) marked failed", job.model.__name__, count)
            failed[job.model._meta.label] = count
    return failed
