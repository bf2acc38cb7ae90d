"""Database leases so that one job of a kind runs at a time; a lease expires, so a crash frees it."""

import uuid
from contextlib import contextmanager
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from workspaces.models import JobLease


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


def release_lease(name, holder=None):
    """Release the lease (only the given holder's, when one is given)."""
    leases = JobLease.objects.filter(name=name)
    if holder is not None:
        leases = leases.filter(holder=holder)
    leases.delete()


def lease_is_held(name):
    return JobLease.objects.filter(name=name, expires_at__gte=timezone.now()).exists()


@contextmanager
def job_lease(name, seconds):
    """`with job_lease("retrain:<ws>", 900) as acquired:` — skip the work when not acquired."""
    holder = acquire_lease(name, seconds)
    try:
        yield holder is not None
    finally:
        if holder is not None:
            release_lease(name, holder)
