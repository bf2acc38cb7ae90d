"""Where the benchmark runs: its own database (never the app's), the machine, the process env
(docs/bench.md)."""

from __future__ import annotations

import os
import platform
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from django.db import connection, connections

SETTINGS_MODULE = "bench.settings"


@dataclass
class Environment:
    kind: str  # "sqlite" or "postgresql"
    var_dir: Path
    database_name: str
    server_url: str = ""  # the PostgreSQL server's maintenance URL (to create/drop the database)
    redis_url: str = ""
    env: dict = field(default_factory=dict)

    def describe(self) -> str:
        if self.kind == "postgresql":
            broker = "Redis" if self.redis_url else "filesystem broker"
            return f"PostgreSQL ({self.database_name}) + {broker}"
        return "embedded SQLite (WAL) + filesystem broker"


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def _postgres_admin(url: str):
    parts = urlsplit(url)
    return psycopg.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or None,
        dbname="postgres",
        autocommit=True,
    )


# What a web request's statement timeout was before the bench changed its own (empty: the app's
# default), for the servers it starts.
WEB_STATEMENT_TIMEOUT = "BENCH_WEB_DB_STATEMENT_TIMEOUT_MS"


def prepare(database_url: str | None = None, redis_url: str | None = None) -> Environment:
    """Create the benchmark's database and folder and export the settings for Django."""
    database_url = os.environ.get("DATABASE_URL", "") if database_url is None else database_url
    redis_url = os.environ.get("REDIS_URL", "") if redis_url is None else redis_url
    var_dir = Path(tempfile.mkdtemp(prefix="feedbackloop-bench-"))
    env = {
        "DJANGO_SETTINGS_MODULE": SETTINGS_MODULE,
        "VAR_DIR": str(var_dir),
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-only-secret-key-" + "x" * 40,
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
        "REDIS_URL": redis_url,
        "DATABASE_URL": "",
        "SQLITE_PATH": "",
        # Plain HTTP on 127.0.0.1 (gunicorn without TLS), static files without collectstatic.
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "STATIC_MANIFEST": "0",
        # The bench's own process loads millions of rows in single statements, as a management
        # command would: the long statement timeout. The gunicorn it measures keeps the web
        # request's (bench.http.Server puts it back).
        "DB_STATEMENT_TIMEOUT_MS": os.environ.get("DB_LONG_STATEMENT_TIMEOUT_MS", str(30 * 60 * 1000)),
        WEB_STATEMENT_TIMEOUT: os.environ.get("DB_STATEMENT_TIMEOUT_MS", ""),
    }
    if database_url:
        name = f"bench_{os.getpid()}"
        with _postgres_admin(database_url) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = _with_database(database_url, name)
        environment = Environment("postgresql", var_dir, name, database_url, redis_url, env)
    else:
        env["SQLITE_PATH"] = str(var_dir / "bench.sqlite3")
        environment = Environment("sqlite", var_dir, env["SQLITE_PATH"], "", redis_url, env)
    for key, value in env.items():
        if value:
            os.environ[key] = value
        else:
            os.environ.pop(key, None)
    return environment


def tear_down(environment: Environment, keep_files: bool = False) -> None:
    """Drop the benchmark's database and folder (closing Django's connections first)."""
    try:
        connections.close_all()
    except Exception:  # noqa: BLE001 - Django may not have started
        pass
    if environment.kind == "postgresql":
        with _postgres_admin(environment.server_url) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{environment.database_name}" WITH (FORCE)')
    if keep_files:
        print(f"bench: kept {environment.var_dir}", file=sys.stderr)
    else:
        shutil.rmtree(environment.var_dir, ignore_errors=True)


def machine() -> dict:
    """Cores, CPU model and memory of this machine."""
    model = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
                break
    except OSError:
        pass
    return {
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "cpu": model or "unknown",
        "memory_gb": memory_gb,
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
    }


def server_versions() -> dict:
    versions = {"database": connection.vendor}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT sqlite_version()")
        versions["database_version"] = cursor.fetchone()[0]
    return versions
