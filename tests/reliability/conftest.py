"""A module-wide world of two workspaces, built once per test module inside a transaction that is
rolled back at the end, so the slow demo seeding is paid once and nothing leaks into other tests."""

import shutil

import pytest
from django.conf import settings
from django.db import transaction

from tests.reliability.private_servers import PrivatePostgres, PrivateRedis, server_binaries
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


@pytest.fixture
def private_redis(tmp_path):
    """A redis-server of the test's own, to stop and start."""
    if not shutil.which("redis-server"):
        pytest.fail("redis-server is not installed (the services pass needs it)")
    server = PrivateRedis(tmp_path)
    yield server
    server.stop()


@pytest.fixture
def idle_broker(tmp_path):
    """Environment for an app process whose queued tasks no worker reads (so a worker another
    test left running cannot change a test's counters): a private Redis on the services setup, a
    private broker folder on the embedded one."""

    if settings.REDIS_URL:
        server = PrivateRedis(tmp_path)
        yield {"REDIS_URL": server.url}
        server.stop()
    else:
        yield {"CELERY_BROKER_DIR": str(tmp_path / "broker")}


@pytest.fixture
def private_postgres():
    """A PostgreSQL cluster of the test's own (the shared server keeps running for the rest of CI)."""
    bin_dir = server_binaries()
    if bin_dir is None:
        pytest.fail("the PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    server = PrivatePostgres(bin_dir)
    try:
        yield server
    finally:
        server.destroy()
