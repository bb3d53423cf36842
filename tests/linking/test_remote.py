"""The polite remote client against a real HTTP server on 127.0.0.1 that answers 429/503 with
Retry-After before it answers the query: the client waits as asked, retries a bounded number
of times, and says who it is in its User-Agent."""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bjaikg.linking.remote import RemoteEndpoint, RemoteError
from tests.server_process import free_port

pytestmark = pytest.mark.server

ANSWER = {
    "head": {"vars": ["item"]},
    "results": {"bindings": [{"item": {"type": "uri", "value": "http://example.org/x"}}]},
}


@dataclass
class ThrottlingServer:
    """Where the server listens, and (arrival time, User-Agent) of each request it got."""

    url: str
    requests: list[tuple[float, str]] = field(default_factory=list)


@contextmanager
def throttling_server(refusals: int, status: int, retry_after: str) -> Iterator[ThrottlingServer]:
    """Serve ``refusals`` answers of ``status`` with ``Retry-After``, then SPARQL JSON."""
    seen: list[tuple[float, str]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append((time.monotonic(), self.headers["User-Agent"]))
            if len(seen) <= refusals:
                self.send_response(status)
                self.send_header("Retry-After", retry_after)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            body = json.dumps(ANSWER).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *arguments: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield ThrottlingServer(f"http://127.0.0.1:{server.server_port}/sparql", seen)
    finally:
        server.shutdown()
        server.server_close()


def test_429_with_retry_after_is_waited_for_and_retried() -> None:
    with throttling_server(refusals=2, status=429, retry_after="1") as server:
        endpoint = RemoteEndpoint(server.url, attempts=4)
        rows = endpoint.select("SELECT ?item WHERE { ?item ?p ?o }")
    assert rows == [{"item": "http://example.org/x"}]
    times = [at for at, _ in server.requests]
    assert len(times) == 3
    assert all(later - earlier >= 1.0 for earlier, later in itertools.pairwise(times))
    assert all(agent.startswith("bjaikg-linkcheck/") for _, agent in server.requests)


def test_503_beyond_the_attempts_is_a_one_line_error() -> None:
    with (
        throttling_server(refusals=10, status=503, retry_after="0") as server,
        pytest.raises(RemoteError) as raised,
    ):
        RemoteEndpoint(server.url, attempts=2).select("SELECT * WHERE { ?s ?p ?o }")
    assert len(server.requests) == 2
    assert str(raised.value) == f"{server.url}: HTTP 503 Service Unavailable"


def test_retry_after_as_http_date_and_the_cap() -> None:
    endpoint = RemoteEndpoint("http://127.0.0.1:9/sparql", max_wait=30.0)
    in_ten_seconds = formatdate(time.time() + 10, usegmt=True)
    assert 8.0 <= endpoint.retry_pause(in_ten_seconds, attempt=1) <= 10.0
    assert endpoint.retry_pause("3600", attempt=1) == 30.0
    assert endpoint.retry_pause(None, attempt=3) == 8.0
    assert endpoint.retry_pause("soon", attempt=1) == 2.0


def test_unreachable_endpoint_is_a_one_line_error() -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/sparql"
    with pytest.raises(RemoteError, match=r"^http://127\.0\.0\.1:\d+/sparql: unreachable"):
        RemoteEndpoint(url, attempts=1).select("SELECT * WHERE { ?s ?p ?o }")
