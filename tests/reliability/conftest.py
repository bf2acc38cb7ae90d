"""A module-wide world of two workspaces, built once per test module inside a transaction that is
rolled back at the end, so the slow demo seeding is paid once and nothing leaks into other tests."""

import pytest
from django.db import transaction

from tests.reliability.world import build_world


def _module_world(django_db_blocker, with_demo_data):
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world(with_demo_data=with_demo_data)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(scope="module")
def seeded_world(django_db_setup, django_db_blocker):
    """Workspace A with every loop's demo data and one object per URL kwarg; B with one of each."""
    yield from _module_world(django_db_blocker, with_demo_data=True)


@pytest.fixture(scope="module")
def small_world(django_db_setup, django_db_blocker):
    """A and B with one object per URL kwarg each (no demo data: fast)."""
    yield from _module_world(django_db_blocker, with_demo_data=False)


@pytest.fixture
def world(seeded_world, db):
    return seeded_world


@pytest.fixture
def small(small_world, db):
    return small_world
