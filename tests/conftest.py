"""Shared fixtures: an owner, a teammate, a viewer and an outsider; logged-in and API clients;
a real Celery worker process; a Playwright page in Debian's chromium; the services switch."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.test import Client
from playwright.sync_api import sync_playwright
from xdist.scheduler import LoadScopeScheduling

from config.celery import app as celery_app
from tests.workspaces.factories import (
    PASSWORD,
    ApiTokenFactory,
    MembershipFactory,
    UserFactory,
    WorkspaceFactory,
)
from workspaces.models import hash_token

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by the
# same tests are still synchronous, so Django's async-safety check must be relaxed.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "1")

PROJECT_DIR = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"


def _flag(name):
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes"}


# --- the services switch -------------------------------------------------------------------


def _services_problem():
    """Why the PostgreSQL/Redis services tests cannot run here, or None when they can."""

    if not os.environ.get("DATABASE_URL") or not os.environ.get("REDIS_URL"):
        return "needs PostgreSQL and Redis: set DATABASE_URL and REDIS_URL"
    if connection.vendor != "postgresql":
        return f"DATABASE_URL is not PostgreSQL ({connection.vendor})"
    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as error:  # any failure to reach Redis
        return f"Redis at REDIS_URL is not reachable: {error}"
    return None


def pytest_collection_modifyitems(config, items):
    _skip_missing_services_and_browser(config, items)
    for item in items:  # a real worker, a browser or a live server takes seconds: `make test-fast` skips them
        if (
            item.get_closest_marker("worker")
            or item.get_closest_marker("browser")
            or "live_server" in item.fixturenames
        ):
            item.add_marker(pytest.mark.slow)
    if _flag("SERVICES_PASS"):
        _deselect_what_the_services_do_not_change(config, items)
    _order_for_parallel_runs(items)


def _skip_missing_services_and_browser(config, items):
    service_items = [item for item in items if item.get_closest_marker("services")]
    problem = _services_problem() if service_items or _flag("REQUIRE_SERVICES") else None
    if problem and _flag("REQUIRE_SERVICES"):
        raise pytest.UsageError(f"REQUIRE_SERVICES=1 but the services are missing: {problem}")
    if problem:
        skip = pytest.mark.skip(reason=problem)
        for item in service_items:
            item.add_marker(skip)
    browser_items = [item for item in items if item.get_closest_marker("browser")]
    if browser_items and not Path(CHROMIUM).exists():
        if _flag("REQUIRE_BROWSER"):
            raise pytest.UsageError(f"REQUIRE_BROWSER=1 but {CHROMIUM} is missing")
        skip = pytest.mark.skip(reason=f"browser tests need Debian's chromium at {CHROMIUM}")
        for item in browser_items:
            item.add_marker(skip)


# --- the services pass: only the tests PostgreSQL and Redis can change --------------------

# A test whose fixtures include one of these reads or writes the database or serves pages.
DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_setup",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
    "live_server",
    "client",
    "async_client",
    "admin_client",
    "admin_user",
    "django_user_model",
}
# Markers of tests that need the services, start processes or drive a browser.
SERVICE_MARKERS = {"django_db", "services", "worker", "browser"}
# A module whose text names one of these may reach the cache, the broker or a server process
# without a database fixture (a task queued, a cache read, a subprocess): all its tests are kept.
SERVICE_WORDS = (
    "cache",
    "redis",
    "celery",
    "broker",
    "delay(",
    "apply_async",
    "subprocess",
    "popen",
    "gunicorn",
    "socket",
    "connection",
    "database_url",
    "settings.databases",
)
_module_reaches_services = {}


def _needs_the_services(item):
    if DATABASE_FIXTURES.intersection(item.fixturenames):
        return True
    if any(item.get_closest_marker(name) for name in SERVICE_MARKERS):
        return True
    path = Path(item.fspath)
    if path not in _module_reaches_services:
        text = path.read_text(errors="replace").lower()
        _module_reaches_services[path] = any(word in text for word in SERVICE_WORDS)
    return _module_reaches_services[path]


def _deselect_what_the_services_do_not_change(config, items):
    """SERVICES_PASS=1 (.ci/run's second pass): a test with no database fixture, no services,
    worker or browser marker, in a module that names no cache, broker or server, runs the same on
    SQLite as on PostgreSQL/Redis; the embedded pass has run it, so this pass leaves it out."""
    kept = [item for item in items if _needs_the_services(item)]
    dropped = [item for item in items if not _needs_the_services(item)]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
    config.stash[_services_pass_deselected] = len(dropped)
    if hasattr(config, "workeroutput"):  # an xdist process: its controller prints the summary
        config.workeroutput["services_pass_deselected"] = len(dropped)


_services_pass_deselected = pytest.StashKey[int]()


def pytest_testnodedown(node, error):
    """The controller of a parallel run learns the count from its processes (all collect the same)."""
    count = getattr(node, "workeroutput", {}).get("services_pass_deselected")
    if count is not None:
        node.config.stash[_services_pass_deselected] = count


def pytest_terminal_summary(terminalreporter, config):
    count = config.stash.get(_services_pass_deselected, None)
    if count is not None:
        terminalreporter.write_line(
            f"SERVICES_PASS=1: {count} tests deselected: they use no database, cache, broker, server "
            "or browser, so they run the same in the embedded pass, which ran them"
        )


# --- order and groups for the parallel run --------------------------------------------------

# The slowest modules start first, so the other process takes the many short ones meanwhile and
# both finish together (with --dist loadscope each module is handed out when a process is free).
STARTS_FIRST = ("slow", "worker", "browser")
# The longest modules (minutes each in the services pass) start before the other slow ones.
LONGEST_FIRST = ("tests/reliability/test_load.py", "tests/reliability/test_faults.py")


class ModuleScheduling(LoadScopeScheduling):
    """`--dist loadscope`, by module: each module goes whole to the first free process (its
    module-scoped fixtures built once), and the journeys' modules go together, so their demo stack
    (one per process) starts once. (pytest-xdist's xdist_group marks do nothing under pytest 9.)"""

    def _split_scope(self, nodeid):
        module = nodeid.split("::")[0]
        return "tests/journeys" if module.startswith("tests/journeys/") else module


def pytest_xdist_make_scheduler(config, log):
    return ModuleScheduling(config, log) if config.getvalue("dist") == "loadscope" else None


def _order_for_parallel_runs(items):
    first = {}
    for item in items:
        module = item.nodeid.split("::")[0]
        starts_first = any(item.get_closest_marker(name) for name in STARTS_FIRST)
        first[module] = first.get(module, False) or starts_first
    modules = list(dict.fromkeys(item.nodeid.split("::")[0] for item in items))

    def rank(module):
        if "/journeys/" in module:
            return 0
        if module in LONGEST_FIRST:
            return 1 + LONGEST_FIRST.index(module) / len(LONGEST_FIRST)
        return 2 if first[module] else 3

    rank = {module: (rank(module), i) for i, module in enumerate(modules)}
    items.sort(key=lambda item: rank[item.nodeid.split("::")[0]])


# --- people and workspaces -----------------------------------------------------------------


@pytest.fixture
def workspace(db):
    return WorkspaceFactory(name="Acme Sales", slug="acme")


@pytest.fixture
def other_workspace(db):
    return WorkspaceFactory(name="Globex Marketing", slug="globex")


@pytest.fixture
def owner(workspace):
    return MembershipFactory(workspace=workspace, user=UserFactory(username="olivia"), role="owner").user


@pytest.fixture
def teammate(workspace):
    return MembershipFactory(workspace=workspace, user=UserFactory(username="tom"), role="member").user


@pytest.fixture
def viewer(workspace):
    return MembershipFactory(workspace=workspace, user=UserFactory(username="vera"), role="viewer").user


@pytest.fixture
def outsider(other_workspace):
    return MembershipFactory(workspace=other_workspace, user=UserFactory(username="oscar"), role="owner").user


def _logged_in_client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def owner_client(owner):
    return _logged_in_client(owner)


@pytest.fixture
def teammate_client(teammate):
    return _logged_in_client(teammate)


@pytest.fixture
def viewer_client(viewer):
    return _logged_in_client(viewer)


@pytest.fixture
def outsider_client(outsider):
    return _logged_in_client(outsider)


def _api_client(workspace, can_write=True):
    token = ApiTokenFactory(workspace=workspace, can_write=can_write)
    raw = f"fl_test_{token.id.hex}"

    token.token_hash = hash_token(raw)
    token.save(update_fields=["token_hash"])
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    client.token = token
    client.raw_token = raw
    return client


@pytest.fixture
def eager_tasks():
    """Tasks run at once in the calling process, no worker needed. Set on Celery's own
    configuration: Celery reads Django's settings once per process, so a settings override made
    after another test of the same process has used Celery would not reach it."""
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


@pytest.fixture
def api_client(workspace):
    """A client whose requests carry a read-write API token of `workspace`."""
    return _api_client(workspace)


@pytest.fixture
def readonly_api_client(workspace):
    return _api_client(workspace, can_write=False)


@pytest.fixture
def outsider_api_client(other_workspace):
    """A client with a token of `other_workspace`."""
    return _api_client(other_workspace)


# --- a real Celery worker ------------------------------------------------------------------


class LiveWorker:
    def __init__(self, process, log_path):
        self.process = process
        self.log_path = log_path

    def log(self):
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def wait_for(self, condition, timeout=60, interval=0.2, message="condition"):
        """Poll `condition()` until it is truthy; fail with the worker's log otherwise."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            result = condition()
            if result:
                return result
            if self.process.poll() is not None:
                pytest.fail(f"the worker exited ({self.process.returncode}):\n{self.log()[-4000:]}")
            time.sleep(interval)
        pytest.fail(f"timed out after {timeout}s waiting for {message}; worker log:\n{self.log()[-4000:]}")


def worker_environment():
    """The environment a worker process needs to share the tests' database, broker and files."""

    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    env["TESTING"] = "1"
    env["VAR_DIR"] = str(settings.VAR_DIR)
    env["MODEL_ARTIFACTS_DIR"] = str(settings.MODEL_ARTIFACTS_DIR)
    if settings.REDIS_URL:
        env["REDIS_URL"] = settings.REDIS_URL  # this test process's own Redis database
    env.pop("TEST_DATABASE_NAME", None)
    # The stub agents the worker tests run listen on loopback, which agents may use only when allowed.
    env.setdefault("LEADS_AGENT_ALLOWED_NETWORKS", "127.0.0.0/8")
    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        env["SQLITE_PATH"] = str(name)
    else:
        parts = urlsplit(os.environ["DATABASE_URL"])
        env["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
    return env


def start_worker(tmp_dir, name="worker", queues="celery,ml", concurrency=2):
    log_path = Path(tmp_dir) / f"{name}.log"
    log_file = open(log_path, "w")  # noqa: SIM115 - kept open for the process's lifetime
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            f"--queues={queues}",
            f"--concurrency={concurrency}",
            "--loglevel=INFO",
            f"--hostname={name}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=PROJECT_DIR,
        env=worker_environment(),
        stdout=log_file,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    worker = LiveWorker(process, log_path)
    worker.wait_for(lambda: "ready." in worker.log(), timeout=90, message="the worker to start")
    return worker


def stop_worker(worker, sig=signal.SIGQUIT):
    """Stop the worker; by default a cold shutdown (SIGQUIT), which a test teardown can afford."""
    if worker.process.poll() is None:
        os.killpg(worker.process.pid, sig)
        try:
            worker.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(worker.process.pid, signal.SIGKILL)
            worker.process.wait(timeout=10)


@pytest.fixture(scope="session")
def live_worker(django_db_setup, django_db_blocker, tmp_path_factory):
    """A real `celery worker` process on the test database and the test broker.

    Use it with @pytest.mark.django_db(transaction=True) so the worker sees committed rows.
    """
    worker = start_worker(tmp_path_factory.mktemp("worker"))
    yield worker
    stop_worker(worker)


# --- the browser ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def _chromium():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def browser_page(_chromium, live_server):
    context = _chromium.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def pytest_sessionfinish(session, exitstatus):
    var_dir = Path(settings.VAR_DIR)
    if var_dir.name.startswith("feedbackloop-test-") and var_dir.exists():
        shutil.rmtree(var_dir, ignore_errors=True)


__all__ = ["PASSWORD"]
