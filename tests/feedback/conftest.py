"""Fixtures of the feedback tests: a local stub of the Anthropic Messages API."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class _StubMessages(BaseHTTPRequestHandler):
    """Speaks the shape of the Anthropic Messages API; behaviour set on the server."""

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        headers = {k.lower(): v for k, v in self.headers.items()}
        self.server.requests.append({"path": self.path, "body": body, "headers": headers})
        status, text = self.server.answer
        payload = {
            "id": "msg_stub",
            "type": "message",
            "role": "assistant",
            "model": body["model"],
            "content": [{"type": "text", "text": text}],
            "stop_reason": "end_turn",
            "stop_sequence": None,
            "usage": {"input_tokens": 12, "output_tokens": 34},
        }
        if status != 200:
            payload = {"type": "error", "error": {"type": "api_error", "message": text}}
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def anthropic_stub():
    """A server on 127.0.0.1 answering POST /v1/messages; set .answer = (status, text)."""
    pytest.importorskip("anthropic")  # optional (requirements-ai.txt): without it the rules answer
    server = ThreadingHTTPServer(("127.0.0.1", 0), _StubMessages)
    server.requests = []
    server.answer = (200, "[]")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
