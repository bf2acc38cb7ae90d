"""The demo as a user gets it: a migrated, seeded database, gunicorn and a Celery worker in their own processes."""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from django.conf import settings

PROJECT_DIR = Path(__file__).resolve().parents[2]
DEMO_USER = ("demo", "demo-feedback-2026")
VIEWER_USER = ("journey-viewer", "viewer-journey-2026")

CREATE_VIEWER = """
from django.contrib.auth import get_user_model
from workspaces.models import Membership, Role, Workspace
user, _ = get_user_model().objects.get_or_create(username={name!r})
user.set_password({password!r})
user.save()
Membership.objects.update_or_create(
    workspace=Workspace.objects.get(slug="demo"), user=user, defaults={{"role": Role.VIEWER}}
)
"""


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class DemoStack:
    """`make demo` in miniature: the same commands, in a folder and database of its own."""

    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="journeys-"))
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.processes = []
        self.database_name = None
        self.env = self._environment()

    def _environment(self):
        env = {k: v for k, v in os.environ.items() if k not in {"TEST_DATABASE_NAME", "DEBUG"}}
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings",
            TESTING="1",  # plain HTTP, static files from the finders, fast password hashing
            VAR_DIR=str(self.folder / "var"),
            MODEL_ARTIFACTS_DIR=str(self.folder / "var" / "models"),
        )
        if os.environ.get("DATABASE_URL"):
            self.database_name = f"journeys_{uuid.uuid4().hex[:10]}"
            parts = urlsplit(os.environ["DATABASE_URL"])
            env["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{self.database_name}"))
            if settings.REDIS_URL:
                # A Redis database of its own (this test process's + 8): on the process's database
                # the stack's worker would take the tasks meant for the tests' live worker.
                redis_parts = urlsplit(settings.REDIS_URL)
                own = (int(redis_parts.path.strip("/") or 0) + 8) % 16
                env["REDIS_URL"] = urlunsplit(redis_parts._replace(path=f"/{own}"))
            self._admin_sql(f'CREATE DATABASE "{self.database_name}"')
        else:
            env.pop("DATABASE_URL", None)
            env.pop("REDIS_URL", None)
            env["SQLITE_PATH"] = str(self.folder / "db.sqlite3")
        return env

    def _admin_sql(self, statement):
        with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as connection:
            connection.execute(statement)

    def manage(self, *args):
        subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=PROJECT_DIR,
            env=self.env,
            check=True,
            capture_output=True,
            timeout=300,
        )

    def _spawn(self, name, command):
        log = open(self.folder / f"{name}.log", "w")  # noqa: SIM115 - open for the process's life
        process = subprocess.Popen(
            command,
            cwd=PROJECT_DIR,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes.append(process)
        return process

    def log(self, name):
        path = self.folder / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def start(self):
        self.manage("migrate", "--noinput")
        self.manage("seed_demo")
        self.manage("shell", "-c", CREATE_VIEWER.format(name=VIEWER_USER[0], password=VIEWER_USER[1]))
        self._spawn(
            "worker",
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--queues=celery,ml",
                "--concurrency=1",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
        )
        self._spawn(
            "web",
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "2",
                "--threads",
                "4",
                "--timeout",
                "120",
            ],
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.url}/accounts/login/", timeout=2)
                break
            except OSError:
                time.sleep(0.3)
        else:
            raise RuntimeError(f"the demo server did not start:\n{self.log('web')}")
        deadline = time.monotonic() + 90
        while "ready." not in self.log("worker"):
            if time.monotonic() > deadline:
                raise RuntimeError(f"the worker did not start:\n{self.log('worker')}")
            time.sleep(0.3)
        return self

    def stop(self):
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, 15)
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, 9)
        if self.database_name:
            self._admin_sql(f'DROP DATABASE IF EXISTS "{self.database_name}" WITH (FORCE)')
