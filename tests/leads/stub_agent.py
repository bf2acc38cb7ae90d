"""A local HTTP lead-generating agent on 127.0.0.1 for tests: each path answers a scripted reply."""

import json
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    status: int = 200
    body: bytes = b"[]"
    delay: float = 0.0
    headers: dict = field(default_factory=dict)

    @classmethod
    def leads(cls, leads, **kwargs):
        return cls(body=json.dumps(leads).encode(), **kwargs)


class StubAgent:
    def __init__(self, server, replies):
        self.server = server
        self.replies = replies
        self.requests = []

    def url(self, path="/leads"):
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}{path}"


@contextmanager
def stub_agent(replies):
    """Serve ``{path: Reply}`` until the block ends; ``agent.requests`` holds the JSON bodies received."""
    holder = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            try:
                holder["agent"].requests.append(json.loads(raw or b"null"))
            except ValueError:
                holder["agent"].requests.append(raw)
            reply = holder["agent"].replies.get(self.path, Reply(status=404, body=b"{}"))
            if reply.delay:
                time.sleep(reply.delay)
            try:
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply.body)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(reply.body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout tests)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    agent = StubAgent(server, dict(replies))
    holder["agent"] = agent
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield agent
    finally:
        server.shutdown()
        server.server_close()
