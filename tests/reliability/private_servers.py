"""A private redis-server and PostgreSQL cluster for the fault tests, to stop and start
without touching the machine's shared ones (docs/reliability.md)."""

import glob
import json
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import redis

from tests.reliability.load_client import PROJECT_DIR, free_port


def server_binaries():
    """The newest installed PostgreSQL bin directory with initdb and pg_ctl, or None."""
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda path: int(Path(path).parent.name), reverse=True
    )
    for directory in candidates:
        if os.access(f"{directory}/initdb", os.X_OK) and os.access(f"{directory}/pg_ctl", os.X_OK):
            return directory
    initdb = shutil.which("initdb")
    return str(Path(initdb).parent) if initdb and shutil.which("pg_ctl") else None


class PrivatePostgres:
    """initdb + pg_ctl on 127.0.0.1:<free port>; `stop()`/`start()` for the outage,
    `destroy()` stops it and removes its directory."""

    def __init__(self, bin_dir):
        self.bin_dir = bin_dir
        self.port = free_port()
        # Not under pytest's tmp_path: its parents are private to root, and the server runs as postgres.
        self.data_dir = Path(tempfile.mkdtemp(prefix="reliability-pg-"))
        self.log_path = self.data_dir / "server.log"
        self.as_user = None
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chown(self.data_dir, owner.pw_uid, owner.pw_gid)
            self.as_user = "postgres"
        self._run(
            "initdb",
            "-D",
            str(self.data_dir / "data"),
            "-A",
            "trust",
            "-U",
            "postgres",
            "--no-sync",
            "-E",
            "UTF8",
            "--locale=C",
        )
        self.start()

    def url(self, database="postgres"):
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, program, *args, timeout=120):
        command = [f"{self.bin_dir}/{program}", *args]
        if self.as_user:
            command = ["runuser", "-u", self.as_user, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=self.data_dir)
        if done.returncode != 0:
            raise RuntimeError(f"{program} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def start(self):
        options = (
            f"-p {self.port} -k {self.data_dir} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100"
        )
        self._run(
            "pg_ctl",
            "-D",
            str(self.data_dir / "data"),
            "-o",
            options,
            "-l",
            str(self.log_path),
            "-w",
            "start",
        )

    def stop(self, mode="fast"):
        self._run("pg_ctl", "-D", str(self.data_dir / "data"), "-m", mode, "-w", "stop")

    def is_running(self):
        return (self.data_dir / "data" / "postmaster.pid").exists()

    def log(self):
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def create_database(self, name):
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)

    def destroy(self):
        try:
            if self.is_running():
                self.stop(mode="immediate")
        finally:
            shutil.rmtree(self.data_dir, ignore_errors=True)


def run_django(env, code, timeout=300):
    """Run `code` (Python, after django.setup()) in a fresh process with `env`; it sets `result`,
    returned here decoded from JSON."""
    script = (
        f"import json, django\ndjango.setup()\nresult = None\n{code}\nprint('RESULT ' + json.dumps(result))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the Django subprocess failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    line = next(line for line in reversed(done.stdout.splitlines()) if line.startswith("RESULT "))
    return json.loads(line[len("RESULT ") :])


class PrivateRedis:
    """A redis-server of the test's own on a free port (nothing on disk), to stop and start."""

    def __init__(self, tmp_path):
        self.port = free_port()
        self.tmp_path = tmp_path
        self.process = None
        self.start()

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.tmp_path),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                redis.Redis.from_url(self.url, socket_connect_timeout=0.5).ping()
                return
            except redis.exceptions.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError("the private redis-server did not start")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
