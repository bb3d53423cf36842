"""A fixed, seeded corpus of hostile requests against the real server: mutations of valid
requests (bytes changed, cut, odd headers, percent-escapes, pipelined pairs), each on its own
connection. No worker may end, every reply must be well-formed HTTP (or none, the connection
closed), and a normal query is answered right after them."""

from __future__ import annotations

import random
import socket
from contextlib import suppress
from urllib.parse import quote

import httptools
import httpx
import pytest

from tests.endpoint.conftest import DATA
from tests.endpoint.test_connection import ASK, connect, get_line
from tests.endpoint.test_safety import CHIP_LABEL
from tests.server_process import running_server, worker_pids

pytestmark = pytest.mark.server

SEED = 34
FORM = f"query={quote(ASK)}".encode()
VALID = [
    get_line(ASK, "Accept: text/csv"),
    b"POST /sparql HTTP/1.1\r\nHost: h\r\nContent-Type: application/x-www-form-urlencoded\r\n"
    b"Content-Length: %d\r\n\r\n%s" % (len(FORM), FORM),
    b"POST /sparql HTTP/1.1\r\nHost: h\r\nContent-Type: application/sparql-query\r\n"
    b"Transfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n"
    b"5;x=y\r\nASK {\r\n1\r\n}\r\n0\r\n\r\n",
    b"GET http://h/rdf-graph-store?default HTTP/1.1\r\nHost: h\r\nAccept: text/turtle\r\n\r\n",
    b"GET /id/test-chip?format=ttl HTTP/1.0\r\n\r\n",
    b"POST /graphs HTTP/1.1\r\nHost: h\r\nUpgrade: h2c\r\nContent-Length: 3\r\n\r\nabc",
    b"GET /api/queries HTTP/1.1\r\nHost: h\r\nIf-None-Match: *\r\nConnection: close\r\n\r\n",
]
ODD = [b"", b"\x00", b"\xff\xfe", b"%ff%00%c0%80", b"a" * 70_000, b"-1", b"chunked, gzip", b" 5"]
NAMES = [b"X", b"\xe9", b"Content-Length", b"Transfer-Encoding", b"Host", b"Expect", b"If-Match"]


def hostile(rng: random.Random) -> bytes:
    """One valid request changed one way, or two valid requests in one write."""
    data = bytearray(rng.choice(VALID))
    kind = rng.randrange(5)
    if kind == 0:
        for _ in range(rng.randrange(1, 4)):
            data[rng.randrange(len(data))] = rng.randrange(256)
    elif kind == 1:
        del data[rng.randrange(len(data)) :]
    elif kind == 2:
        line_end = data.index(b"\r\n") + 2
        data[line_end:line_end] = rng.choice(NAMES) + b": " + rng.choice(ODD) + b"\r\n"
    elif kind == 3:
        space = data.index(b" ") + 1 + rng.randrange(8)
        data[space:space] = rng.choice([b"%ff", b"%00", b"%ed%a0%80", b"%", b"%2f"])
    else:
        data += rng.choice(VALID)
    return bytes(data)


def replies(data: bytes) -> list[int]:
    """The statuses of the responses in ``data``; :class:`httptools.HttpParserError` when it is
    not well-formed HTTP (a response cut at the end is no error: the connection closed)."""
    statuses: list[int] = []

    class Callbacks:
        def on_message_complete(self) -> None:
            statuses.append(parser.get_status_code())

    parser = httptools.HttpResponseParser(Callbacks())
    parser.feed_data(data)
    return statuses


def test_a_seeded_corpus_of_hostile_requests_ends_no_worker() -> None:
    """300 requests of :func:`hostile`, each sent whole, then the connection half-closed: the
    server answers what it can and closes (a hang fails the read's 10 s timeout)."""
    rng = random.Random(SEED)
    with running_server("--data", str(DATA), "--workers", "2") as server:
        before = worker_pids(server)
        for _ in range(300):
            request = hostile(rng)
            with connect(server) as connection:
                with suppress(OSError):  # refused and closed before all of it was sent
                    connection.sendall(request)
                    connection.shutdown(socket.SHUT_WR)
                received = b""
                with suppress(ConnectionResetError):
                    while chunk := connection.recv(65536):
                        received += chunk
            assert 500 not in replies(received), (request, received)
        assert worker_pids(server) == before
        answer = httpx.get(server.sparql, params={"query": CHIP_LABEL}, timeout=10)
    assert answer.json()["results"]["bindings"][0]["l"]["value"] == "测试芯片"
