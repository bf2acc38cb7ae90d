"""Database leases so that one job of a kind runs at a time; a lease expires, so a crash frees it."""

import logging
import threading
import uuid
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connections, transaction
from django.utils import timezone

from workspaces.models import JobLease

logger = logging.getLogger(__name__)


def acquire_lease(name, seconds):
    """Take the lease; returns a holder id, or None when someone else holds it."""
    holder = uuid.uuid4().hex
    now = timezone.now()
    with transaction.atomic():
        JobLease.objects.filter(name=name, expires_at__lt=now).delete()
    try:
        with transaction.atomic():
            JobLease.objects.create(name=name, holder=holder, expires_at=now + timedelta(seconds=seconds))
    except IntegrityError:
        return None
    return holder


def renew_lease(name, holder, seconds) -> bool:
    """Push the holder's lease `seconds` into the future; False when it is no longer theirs."""
    expires_at = timezone.now() + timedelta(seconds=seconds)
    return bool(JobLease.objects.filter(name=name, holder=holder).update(expires_at=expires_at))


def release_lease(name, holder=None):
    """Release the lease (only the given holder's, when one is given)."""
    leases = JobLease.objects.filter(name=name)
    if holder is not None:
        leases = leases.filter(holder=holder)
    leases.delete()


def lease_is_held(name):
    return JobLease.objects.filter(name=name, expires_at__gte=timezone.now()).exists()


def live_lease_names(prefix):
    """Names of the unexpired leases whose name starts with `prefix`."""
    leases = JobLease.objects.filter(name__startswith=prefix, expires_at__gte=timezone.now())
    return set(leases.values_list("name", flat=True))


def expired_lease_names(prefix):
    """Names of expired leases starting with `prefix`: a holder released nothing, so it died."""
    leases = JobLease.objects.filter(name__startswith=prefix, expires_at__lt=timezone.now())
    return set(leases.values_list("name", flat=True))


class _Heartbeat(threading.Thread):
    """Renews a lease every third of its length while the job runs. It lives in the job's own
    process, so a killed worker stops renewing and its lease expires within `seconds`."""

    def __init__(self, name, holder, seconds):
        super().__init__(name=f"lease-heartbeat:{name}", daemon=True)
        self.lease_name, self.holder, self.seconds = name, holder, seconds
        self.stopped = threading.Event()

    def run(self):
        try:
            while not self.stopped.wait(max(1.0, self.seconds / 3)):
                try:
                    if not renew_lease(self.lease_name, self.holder, self.seconds):
                        logger.warning("lease %s was lost while its job ran", self.lease_name)
                        return
                except Exception:  # a database hiccup: the next beat tries again
                    logger.exception("could not renew lease %s", self.lease_name)
        finally:
            connections.close_all()  # this thread's own connections


@contextmanager
def job_lease(name, seconds=None, heartbeat=True):
    """`with job_lease("retrain:<ws>", 90) as acquired:` — skip the work when not acquired.

    With `heartbeat`, the lease is renewed while the block runs, so it can be short (default
    JOB_LEASE_SECONDS): a job whose worker died is noticed within that time, however long it runs."""
    seconds = seconds or settings.JOB_LEASE_SECONDS
    holder = acquire_lease(name, seconds)
    beat = None
    if holder is not None and heartbeat:
        beat = _Heartbeat(name, holder, seconds)
        beat.start()
    try:
        yield holder is not None
    finally:
        if beat is not None:
            beat.stopped.set()
            beat.join(timeout=30)
        if holder is not None:
            release_lease(name, holder)
