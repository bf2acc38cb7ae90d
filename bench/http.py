"""The HTTP side: a gunicorn started on a free local port, and concurrent keep-alive clients."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.environment import WEB_STATEMENT_TIMEOUT
from bench.runner import Stats, percentile

PROJECT_DIR = Path(__file__).resolve().parent.parent
# The app's own production command line (Procfile): 2 workers x 4 threads.
GUNICORN_ARGS = ["--workers", "2", "--threads", "4", "--timeout", "120"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _web_environment() -> dict:
    """The bench's environment with a web request's statement timeout, as the app runs behind gunicorn."""
    env = os.environ.copy()
    web = env.pop(WEB_STATEMENT_TIMEOUT, "")
    if web:
        env["DB_STATEMENT_TIMEOUT_MS"] = web
    else:
        env.pop("DB_STATEMENT_TIMEOUT_MS", None)
    return env


class Server:
    """gunicorn serving the app (with the benchmark's URL conf) until stopped."""

    def __init__(self, log_path: Path):
        self.port = free_port()
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def __enter__(self) -> Server:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self, timeout: float = 60.0) -> None:
        log = open(self.log_path, "ab")  # noqa: SIM115 - closed with the process
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", self.host, *GUNICORN_ARGS],
            cwd=PROJECT_DIR,
            env=_web_environment(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}; see {self.log_path}")
            try:
                status, _ = request(self.host, "GET", "/bench/minimal")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s; see {self.log_path}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def request(host: str, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
    connection = http.client.HTTPConnection(host, timeout=60)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@dataclass
class Load:
    """What a load run saw: per-request latencies (s), statuses, wall time."""

    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    wall: float = 0.0
    failures: list[str] = field(default_factory=list)
    answered: dict[int, int] = field(default_factory=dict)  # request number -> status

    @property
    def requests(self) -> int:
        return len(self.latencies)

    @property
    def throughput(self) -> float:
        return self.requests / self.wall if self.wall else 0.0

    def p(self, q: float) -> float:
        return percentile(self.latencies, q)

    @property
    def ok(self) -> int:
        return sum(n for status, n in self.statuses.items() if 200 <= status < 300)


def run_load(
    host: str,
    make_request: Callable[[int], tuple[str, str, bytes | None, dict]],
    total: int,
    clients: int = 8,
    duration: float | None = None,
) -> Load:
    """``total`` requests from ``clients`` threads, each on its own keep-alive connection; with
    ``duration``, no request starts after that many seconds (so slow routes fit a time budget).

    ``make_request(i)`` gives (method, path, body, headers) of request number i; every request
    number is sent at most once.
    """
    result = Load()
    lock = threading.Lock()
    counter = iter(range(total))
    start_gate = threading.Barrier(clients + 1)
    deadline = [float("inf")]

    def client():
        connection = http.client.HTTPConnection(host, timeout=120)
        latencies, statuses, failures, answered = [], {}, [], {}
        start_gate.wait()
        while True:
            with lock:
                i = next(counter, None) if time.perf_counter() < deadline[0] else None
            if i is None:
                break
            method, path, body, headers = make_request(i)
            started = time.perf_counter()
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                payload = response.read()
                status = response.status
                if response.getheader("connection", "").lower() == "close":
                    connection.close()
                    connection = http.client.HTTPConnection(host, timeout=120)
            except (OSError, http.client.HTTPException) as error:
                connection.close()
                connection = http.client.HTTPConnection(host, timeout=120)
                status, payload = 0, str(error).encode()
            latencies.append(time.perf_counter() - started)
            statuses[status] = statuses.get(status, 0) + 1
            answered[i] = status
            if not 200 <= status < 300 and len(failures) < 5:
                failures.append(f"{status}: {payload[:200]!r}")
        connection.close()
        with lock:
            result.latencies.extend(latencies)
            for status, n in statuses.items():
                result.statuses[status] = result.statuses.get(status, 0) + n
            result.failures.extend(failures)
            result.answered.update(answered)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    started = time.perf_counter()
    if duration is not None:
        deadline[0] = started + duration
    start_gate.wait()
    for thread in threads:
        thread.join()
    result.wall = time.perf_counter() - started
    return result


@dataclass
class LoadSeries:
    """Several load runs of the same requests: medians across runs of each percentile."""

    loads: list[Load]

    def stat(self, pick: Callable[[Load], float]):
        return Stats([pick(load) for load in self.loads])

    @property
    def total_requests(self) -> int:
        return sum(load.requests for load in self.loads)

    @property
    def ok(self) -> int:
        return sum(load.ok for load in self.loads)

    @property
    def failures(self) -> list[str]:
        return [f for load in self.loads for f in load.failures][:5]


def load_series(host, make_request, total, runs, clients=8, warmup=0, duration=None) -> LoadSeries:
    if warmup:
        run_load(host, make_request, warmup, clients, duration)
    return LoadSeries([run_load(host, make_request, total, clients, duration) for _ in range(runs)])
