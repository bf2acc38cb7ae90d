"""A small load client for the reliability tests: a thread pool of keep-alive HTTP connections to
a server on this machine, bounded in count and time, that records every answer."""

import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Call:
    key: str  # what the call is about (a lead id); the same key may be sent twice (a retry)
    method: str
    path: str
    body: dict | None = None


@dataclass
class Answer:
    call: Call
    status: int  # 0: the connection failed every attempt
    body: dict | None
    seconds: float
    retry_after: str | None = None
    at: float = 0.0  # seconds since the run started


@dataclass
class LoadResult:
    answers: list = field(default_factory=list)
    not_sent: int = 0
    seconds: float = 0.0

    def statuses(self):
        return Counter(answer.status for answer in self.answers)

    def acknowledged(self, prefix=""):
        return [a for a in self.answers if 200 <= a.status < 300 and a.call.path.startswith(prefix)]


def run_load(base_host, port, token, calls, connections=8, time_limit=60.0, attempts=3, stop=None):
    """Send `calls` over `connections` keep-alive connections until done, `time_limit` seconds
    have passed or `stop()` says so (calls not started by then are counted in `not_sent`). A call
    whose connection breaks is retried on a new connection up to `attempts` times (the API's writes
    are idempotent)."""
    result = LoadResult()
    lock = threading.Lock()
    cursor = {"next": 0}
    started = time.monotonic()
    deadline = started + time_limit
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json", "Host": base_host}

    def take():
        with lock:
            if cursor["next"] >= len(calls) or time.monotonic() > deadline or (stop and stop()):
                return None
            call = calls[cursor["next"]]
            cursor["next"] += 1
            return call

    def work():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        answers = []
        while (call := take()) is not None:
            t0 = time.monotonic()
            status, body, retry_after = 0, None, None
            for _ in range(attempts):
                try:
                    payload = json.dumps(call.body) if call.body is not None else None
                    connection.request(call.method, call.path, body=payload, headers=headers)
                    response = connection.getresponse()
                    raw = response.read()
                    status = response.status
                    retry_after = response.getheader("Retry-After")
                    try:
                        body = json.loads(raw) if raw else None
                    except ValueError:
                        body = {"raw": raw[:200].decode("utf-8", "replace")}
                    if response.getheader("Connection", "").lower() == "close":
                        connection.close()
                    break
                except (OSError, http.client.HTTPException):
                    connection.close()
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            answers.append(Answer(call, status, body, time.monotonic() - t0, retry_after, t0 - started))
        connection.close()
        with lock:
            result.answers.extend(answers)

    threads = [threading.Thread(target=work, daemon=True) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(time_limit + 120)
    result.seconds = time.monotonic() - started
    result.not_sent = len(calls) - cursor["next"]
    return result


class Gunicorn:
    """`gunicorn config.wsgi` on a free port with the given environment; stopped by `stop()`."""

    def __init__(self, env, log_path, workers=3, threads=4, worker_connections=1000):
        self.port = free_port()
        self.log_path = Path(log_path)
        self._log = open(self.log_path, "w")  # noqa: SIM115 - kept open for the process's lifetime
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--worker-class",
                "gthread",
                "--workers",
                str(workers),
                "--threads",
                str(threads),
                "--timeout",
                "60",
                "--keep-alive",
                "30",
                "--worker-connections",
                str(worker_connections),
            ],
            cwd=PROJECT_DIR,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._wait_until_up()

    def log(self):
        return self.log_path.read_text(errors="replace")

    def _wait_until_up(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.log()[-3000:]}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                connection.request("GET", "/api/v1/health", headers={"Host": "127.0.0.1"})
                if connection.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer in {timeout}s:\n{self.log()[-3000:]}")

    def get(self, path, token=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Host": "127.0.0.1"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, 15)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, 9)
                self.process.wait(timeout=10)
        self._log.close()
