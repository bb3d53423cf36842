"""HTTP/1.1 as the workers speak it, over raw sockets: keep-alive, pipelining, chunked bodies,
``Expect: 100-continue``, HTTP/1.0, size limits and malformed requests; one worker serving many
clients, clients moved away from a worker stuck in a long query, and the connections a dead
worker never took given to another."""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import struct
import time
from collections import Counter
from contextlib import suppress
from urllib.parse import quote

import httpx
import pytest

from bjaikg.endpoint.connection import RequestReader
from tests.endpoint.conftest import DATA
from tests.server_process import (
    ServerProcess,
    logged,
    running_server,
    wait_until_evaluating,
    wait_until_read,
    worker_pids,
    workers_holding,
)

pytestmark = pytest.mark.server

ASK = "ASK { ?s ?p ?o }"
TRUE = b'{"head":{},"boolean":true}'


def connect(server: ServerProcess) -> socket.socket:
    host, port = server.url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=10)


def read_until_closed(connection: socket.socket) -> bytes:
    chunks = []
    while chunk := connection.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def read_response(connection: socket.socket) -> bytes:
    """One response with a ``content-length`` (head and body) read from ``connection``; what
    arrived, however short, once the server closes."""
    data = b""
    while b"\r\n\r\n" not in data and (chunk := connection.recv(65536)):
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lengths = [line for line in head.lower().split(b"\r\n") if line.startswith(b"content-length:")]
    length = int(lengths[0].split(b":")[1]) if lengths else 0
    while len(body) < length and (chunk := connection.recv(65536)):
        body += chunk
    return head + b"\r\n\r\n" + body if head else data


def get_line(query: str, *headers: str, version: str = "1.1") -> bytes:
    lines = [f"GET /sparql?query={quote(query)} HTTP/{version}", "Host: 127.0.0.1", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def test_complete_requests_before_a_malformed_one_are_answered_first(
    server: ServerProcess,
) -> None:
    """The good requests of a pipeline are served, then the bad one refused (they were
    dropped unanswered and unlogged; a review, 2026-12-07)."""
    for bad in (b"GARBAGE\r\n\r\n", b"POST /sparql HTTP/1.1\r\nContent-Length: 1\r\n"
                b"Content-Length: 2\r\n\r\nab"):  # fmt: skip
        with connect(server) as connection:
            connection.sendall(get_line(ASK) + get_line(ASK) + bad)
            answer = read_until_closed(connection)
        assert answer.count(b"HTTP/1.1 200 OK") == 2, answer[:300]
        assert answer.index(b"HTTP/1.1 400") > answer.rindex(b"HTTP/1.1 200 OK")


def test_pipelined_requests_are_answered_in_order(server: ServerProcess) -> None:
    with connect(server) as connection:
        connection.sendall(get_line(ASK) + get_line("ASK { ?s ?p 42 }", "Connection: close"))
        answer = read_until_closed(connection)
    assert answer.count(b"HTTP/1.1 200 OK") == 2
    first, second = answer.split(b"HTTP/1.1 200 OK")[1:]
    assert first.endswith(TRUE) and second.endswith(b'{"head":{},"boolean":false}')
    assert b"connection: close" in second and b"connection: close" not in first


EXPECTING_HEAD = (
    "POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
    f"Content-Length: {len(ASK)}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n"
).encode()
"""The head of a POST of :data:`ASK` that waits for ``100 Continue`` before its body."""


def test_expect_100_continue_then_body(server: ServerProcess) -> None:
    with connect(server) as connection:
        connection.sendall(EXPECTING_HEAD)
        assert connection.recv(100) == b"HTTP/1.1 100 Continue\r\n\r\n"
        connection.sendall(ASK.encode())
        answer = read_until_closed(connection)
    assert answer.startswith(b"HTTP/1.1 200 OK") and answer.endswith(TRUE)


def test_100_continue_waits_until_the_requests_before_it_are_answered(
    server: ServerProcess,
) -> None:
    """A ``100 Continue`` sent for a pipelined request came before the answer to the request
    before it (a review, 2026-12-07): it is left out then, and the body still taken."""
    with connect(server) as connection:
        connection.sendall(get_line("ASK { ?s ?p 42 }") + EXPECTING_HEAD)
        first = read_response(connection)
        assert first.startswith(b"HTTP/1.1 200 OK"), first[:100]
        assert first.endswith(b'{"head":{},"boolean":false}')
        connection.sendall(ASK.encode())
        answer = read_until_closed(connection)
    assert answer.startswith(b"HTTP/1.1 200 OK") and answer.endswith(TRUE)


def test_chunked_request_body(server: ServerProcess) -> None:
    body = ASK.encode()
    request = (
        b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
        b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        + f"{5:x}\r\n".encode() + body[:5] + b"\r\n"
        + f"{len(body) - 5:x}\r\n".encode() + body[5:] + b"\r\n0\r\n\r\n"
    )  # fmt: skip
    with connect(server) as connection:
        connection.sendall(request)
        answer = read_until_closed(connection)
    assert answer.startswith(b"HTTP/1.1 200 OK") and answer.endswith(TRUE)


def test_an_absolute_form_target_is_served_by_its_path(server: ServerProcess) -> None:
    """HTTP/1.1 servers must accept ``GET http://host/path`` (RFC 9112, 3.2.2), as a client
    configured to use the server as a proxy sends it; the Starlette route sees the same path."""
    with connect(server) as connection:
        target = f"http://127.0.0.1/sparql?query={quote(ASK)}"
        connection.sendall(f"GET {target} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        assert read_response(connection).endswith(TRUE)
        connection.sendall(b"GET https://example.org/health HTTP/1.1\r\nHost: x\r\n\r\n")
        assert b'"status":"ok"' in read_response(connection)


def test_an_absolute_form_targets_authority_is_the_host(server: ServerProcess) -> None:
    """RFC 9112 §3.2.2: an origin server "MUST ignore the received Host header field (if any)
    and instead use the host information of the request-target"; the base IRI came from Host (a
    review, session 38). The target's host is checked as a Host is, and an HTTP/1.1 request
    without Host is still refused (§3.2); an HTTP/1.0 one takes the target's."""
    construct = quote("CONSTRUCT { <x> <p> <> } WHERE {}")
    triple = b"<http://%s/x> <http://%s/p> <http://%s/sparql> ."
    for version, host, authority in (("1.1", "Host: 127.0.0.1\r\n", b"other.example:81"),
                                     ("1.0", "", b"[::1]:82")):  # fmt: skip
        target = f"http://{authority.decode()}/sparql?query={construct}"
        with connect(server) as connection:
            connection.sendall(
                f"GET {target} HTTP/{version}\r\n{host}Accept: application/n-triples\r\n"
                "Connection: close\r\n\r\n".encode()
            )
            answer = read_until_closed(connection)
        assert answer.endswith(triple % (authority, authority, authority) + b"\n"), answer
    for request, reason in (
        (b"GET http://[fe80::1%25eth0]/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
         b"is not a host name or address"),
        (b"GET http://127.0.0.1/health HTTP/1.1\r\n\r\n", b"must say its Host"),
    ):  # fmt: skip
        with connect(server) as connection:
            connection.sendall(request)
            answer = read_until_closed(connection)
        assert answer.startswith(b"HTTP/1.1 400 ") and reason in answer, answer


def test_http_1_0_closes_unless_asked_to_keep_alive(server: ServerProcess) -> None:
    with connect(server) as connection:
        connection.sendall(get_line(ASK, version="1.0"))
        answer = read_until_closed(connection)  # the server closes: no keep-alive asked
    assert answer.startswith(b"HTTP/1.0 200 OK") and answer.endswith(TRUE)
    with connect(server) as connection:
        connection.sendall(get_line(ASK, "Connection: keep-alive", version="1.0"))
        kept = connection.recv(65536)
        # no pause: a server that closed after the first answer would never answer this one
        connection.sendall(get_line(ASK, version="1.0"))
        kept += read_until_closed(connection)
    assert kept.count(b"HTTP/1.0 200 OK") == 2
    assert b"connection: keep-alive" in kept.split(TRUE)[0]


def test_head_has_the_length_but_no_body(server: ServerProcess) -> None:
    with connect(server) as connection:
        get = get_line(ASK).replace(b"GET", b"HEAD", 1)
        connection.sendall(get.replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n"))
        answer = read_until_closed(connection)
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK") and body == b""
    assert f"content-length: {len(TRUE)}".encode() in head


def test_oversized_body_is_refused_before_it_is_sent(server: ServerProcess) -> None:
    head = (
        b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
        b"Content-Length: 2000000\r\nExpect: 100-continue\r\n\r\n"
    )
    with connect(server) as connection:
        connection.sendall(head)
        answer = read_until_closed(connection)
    assert answer.startswith(b"HTTP/1.1 413 ")
    assert b"over the limit of 1000000" in answer and b"100 Continue" not in answer


def test_oversized_headers_get_431(server: ServerProcess) -> None:
    with connect(server) as connection:
        connection.sendall(get_line(ASK, "X-Filler: " + "x" * 70_000))
        answer = read_until_closed(connection)
    assert answer.startswith(b"HTTP/1.1 431 ")


def test_every_answer_says_nosniff(server: ServerProcess) -> None:
    """Refusals echo the client's text as text/plain: no browser may sniff it into HTML."""
    with connect(server) as connection:
        connection.sendall(get_line(ASK) + get_line("<script>", "Connection: close"))
        answer = read_until_closed(connection)
    assert answer.count(b"x-content-type-options: nosniff\r\n") == 2


def test_twenty_thousand_empty_headers_get_431(server: ServerProcess) -> None:
    """Each header line counts with its framing (a review passed 20,000 ``a:`` lines)."""
    with connect(server) as connection:
        connection.sendall(get_line(ASK, *["a:"] * 20_000))
        answer = read_until_closed(connection)
    assert answer.startswith(b"HTTP/1.1 431 ")


def test_an_http_1_1_request_without_host_gets_400(server: ServerProcess) -> None:
    """RFC 9112 §3.2: a server MUST answer 400 (HTTP/1.0 needs no Host)."""
    for version, status in ((b"1.1", b"400"), (b"1.0", b"200")):
        with connect(server) as connection:
            connection.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/" + version + b"\r\n\r\n")
            answer = read_until_closed(connection)
        assert answer.split(b" ")[1] == status, answer[:200]


def test_a_request_that_is_not_http_gets_400_and_the_server_goes_on(
    server: ServerProcess, http: httpx.Client
) -> None:
    with connect(server) as connection:
        connection.sendall(b"\x16\x03\x01 this is not HTTP\r\n\r\n")
        answer = read_until_closed(connection)
    assert answer.startswith(b"HTTP/1.1 400 ") and b"invalid HTTP request" in answer
    assert http.get("/sparql", params={"query": ASK}).status_code == 200


RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . " \
          "?m ?n2 ?o . ?p ?q ?r . ?s ?t ?u . ?v ?w ?x }"  # fmt: skip


def metric(server: ServerProcess, name: str) -> float:
    for line in httpx.get(f"{server.url}/metrics", timeout=10).text.splitlines():
        if line.startswith(f"{name} "):
            return float(line.split()[1])
    raise AssertionError(f"no metric {name}")


def holders(
    server: ServerProcess, connections: list[socket.socket], seconds: float = 10.0
) -> dict[socket.socket, int]:
    """The worker holding each of ``connections``, once each is held by one worker alone (no
    connection in a hand-over): from /proc, as the server sees it."""
    deadline = time.monotonic() + seconds
    while True:
        holding = {connection: workers_holding(server, connection) for connection in connections}
        if all(len(workers) == 1 for workers in holding.values()):
            return {connection: workers.pop() for connection, workers in holding.items()}
        assert time.monotonic() < deadline, holding
        time.sleep(0.01)


def test_keep_alive_clients_of_a_worker_stuck_in_a_query_are_moved() -> None:
    """Two workers, many keep-alive connections: while one worker evaluates a runaway query,
    the other connections it holds are moved to the other worker and answered at once.

    The runaway is sent on a connection whose worker holds others, as /proc shows once every
    connection has been answered once. Which worker holds which is not known before: the
    supervisor gives a new connection to a worker not evaluating, so those it accepts while a
    worker answers the first request all go to the other one; and a worker slower than
    ``MOVE_AFTER`` with an answer (a loaded machine) has its idle connections moved already.
    Either way the runaway's connection may be its worker's only one (nothing to move then).
    Hazard: the eleven answers must come within the runaway's 3 s deadline."""
    with running_server("--data", str(DATA), "--workers", "2", "--timeout", "3") as server:
        connections = [connect(server) for _ in range(12)]
        try:
            for connection in connections:
                connection.sendall(get_line(ASK))
                assert connection.recv(65536).endswith(TRUE)
            held_by = holders(server, connections)
            counts = Counter(held_by.values())
            runaway = next(c for c in connections if counts[held_by[c]] > 1)
            stuck = held_by[runaway]
            others = [connection for connection in connections if connection is not runaway]
            sharing = [connection for connection in others if held_by[connection] == stuck]
            runaway.sendall(get_line(RUNAWAY))
            wait_until_evaluating(server)
            for connection in others:
                connection.sendall(get_line(ASK))
                assert connection.recv(65536).endswith(TRUE)
                # answered while the runaway still runs: its connection has nothing to read yet
                assert select.select([runaway], [], [], 0)[0] == []
            for connection in sharing:  # the stuck worker keeps a copy it no longer reads
                assert workers_holding(server, connection) - {stuck}, "not moved"
            stopped = read_until_closed(runaway)
            assert stopped.startswith(b"HTTP/1.1 503 ") and b"time limit of 3 s" in stopped
            for connection in others:  # still open, on whichever worker has them now
                connection.sendall(get_line(ASK))
                assert connection.recv(65536).endswith(TRUE)
        finally:
            for connection in connections:
                connection.close()
        assert metric(server, "bjaikg_connections_moved_total") >= len(sharing)
        assert metric(server, "bjaikg_query_timeouts_total") == 1


def test_a_connection_is_idle_from_its_last_answer_not_from_its_request() -> None:
    """With ``--keep-alive 2``, a query answered after 3 to 5 s (``SLOW``) leaves its connection
    open: the next request, sent on it at once, is answered (the idle clock starts when the answer
    has left, not when its request was read: before, the sweep that follows a long answer
    closed the connection as idle at once, and a client or proxy sending its next request then
    got nothing). The connection is then closed after being idle for two seconds. (With
    ``--keep-alive 1`` and a 3 s query the test failed on a loaded machine: the client, not
    scheduled for a second, sent its next request too late.)"""
    from tests.endpoint.test_proxy import SLOW, SLOW_COUNT

    arguments = ("--data", str(DATA), "--workers", "1", "--keep-alive", "2")
    with running_server(*arguments) as server, connect(server) as connection:
        connection.settimeout(60)  # a 4 s query took over 10 s on a machine loaded by others
        asked = time.monotonic()
        connection.sendall(get_line(SLOW, "Cache-Control: no-cache"))
        first = read_response(connection)
        assert time.monotonic() - asked > 2, "the query must outlast --keep-alive to test it"
        assert first.startswith(b"HTTP/1.1 200") and SLOW_COUNT.encode() in first, first[:300]
        connection.sendall(get_line(ASK))
        second = read_response(connection)
        assert second.startswith(b"HTTP/1.1 200") and second.endswith(TRUE), second[:300]
        started = time.monotonic()
        assert select.select([connection], [], [], 30)[0], "the idle connection stayed open"
        assert connection.recv(1) == b"", "the server sent something instead of closing"
        assert time.monotonic() - started >= 1.9, "closed before it was idle for --keep-alive"


def test_one_worker_serves_many_keep_alive_clients_at_once() -> None:
    with running_server("--data", str(DATA), "--workers", "1") as server:
        clients = [httpx.Client(base_url=server.url, timeout=10) for _ in range(5)]
        try:
            for _ in range(3):
                for client in clients:
                    assert client.get("/sparql", params={"query": ASK}).json()["boolean"]
        finally:
            for client in clients:
                client.close()


def reading_little(server: ServerProcess) -> socket.socket:
    """A connection to ``server`` whose receive buffer is 4 kB: an answer larger than the
    server's send buffer then waits in the worker until the client reads."""
    host, port = server.url.removeprefix("http://").split(":")
    connection = socket.socket()
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    connection.settimeout(30)
    connection.connect((host, int(port)))
    return connection


PADDING = "x" * 1000
LARGE_ANSWER = (
    "SELECT ?x WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i "
    f'BIND(CONCAT(STR(?c), STR(?f), STR(?i), "{PADDING}") AS ?x) }}'
)
"""About 13 MB of SPARQL JSON (the fixture's 23 triples three times over, each row padded):
more than a socket's buffers take (the kernel's send buffer is at most 4 MB)."""


def test_an_answer_its_client_does_not_read_waits_and_the_worker_serves_others() -> None:
    """About 13 MB for a client that has a 4 kB receive buffer and does not read: more than a
    socket takes (the kernel's send buffer is at most 4 MB), so the worker keeps the rest,
    answers another client meanwhile, and sends all of it once the client reads."""
    arguments = ("--data", str(DATA), "--workers", "1")
    with running_server(*arguments) as server, reading_little(server) as slow:
        slow.sendall(get_line(LARGE_ANSWER))
        time.sleep(1)  # the answer fills the buffers; the worker keeps what is left
        other = httpx.get(f"{server.url}/sparql", params={"query": ASK}, timeout=10)
        assert other.json()["boolean"]
        slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)  # read it faster
        head, _, body = read_response(slow).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200")
    rows = json.loads(body)["results"]["bindings"]
    assert len(rows) == 23**3  # the fixture's 23 triples, three times over
    assert all(row["x"]["value"].endswith(PADDING) for row in rows)


def test_a_slow_but_steady_reader_gets_the_whole_answer() -> None:
    """With ``--send-timeout 1``, a client that takes an answer of about 13 MB slowly (a 4 kB
    receive buffer, a few kB every few milliseconds: the kernel's send buffer empties without
    waking the worker for more than a second) and then quickly gets all of it: the answer moves,
    so it is not dropped (a slow reader was cut after 30 s while the access log said 200: a
    review, 2026-12-07)."""
    arguments = ("--data", str(DATA), "--workers", "1", "--send-timeout", "1")
    with running_server(*arguments) as server, reading_little(server) as slow:
        slow.sendall(get_line(LARGE_ANSWER, "Connection: close"))
        received = bytearray()
        until = time.monotonic() + 4
        while time.monotonic() < until and (chunk := slow.recv(4096)):
            received += chunk
            time.sleep(0.005)
        slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)  # the rest, quickly
        received += read_until_closed(slow)
    head, _, body = bytes(received).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200")
    rows = json.loads(body)["results"]["bindings"]
    assert len(rows) == 23**3


def test_an_answer_to_a_client_that_reset_is_counted_dropped() -> None:
    """A client that resets its connection while its 13 MB answer is evaluated: the answer is
    counted and logged as dropped (the failed first send kept nothing to count before,
    a review, 2026-12-07)."""
    with running_server("--data", str(DATA), "--workers", "1") as server:
        with connect(server) as client:
            client.sendall(get_line(LARGE_ANSWER))
            wait_until_evaluating(server)
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        assert logged(server, "bytes unsent: the connection failed", seconds=30)
        assert metric(server, "bjaikg_answers_dropped_total") == 1


def test_an_answer_its_client_never_reads_is_dropped_after_send_timeout() -> None:
    """With ``--send-timeout 1``, an answer of about 13 MB to a client that never reads (a 4 kB
    receive buffer; the kernel's send buffer takes at most 4 MB) is dropped with its connection
    within a few seconds of the answer's first bytes arriving: the sweep (every second) finds
    that none of it moved for a second, and the worker closes the connection. The client, at
    last reading, gets the part the kernel had taken, then the end: not the whole answer. The
    request asks to keep the connection open, so only the drop closes it. (No test showed that
    the option was obeyed for a client that never reads: with 30 s hard-coded in the sweep the
    slow-but-steady reader's test above still passed; a review, 2026-12-07.)"""
    arguments = ("--data", str(DATA), "--workers", "1", "--send-timeout", "1")
    with running_server(*arguments) as server, reading_little(server) as silent:
        silent.sendall(get_line(LARGE_ANSWER))
        # its first bytes: the worker wrote the answer at once, keeping what the socket did
        # not take; readiness is looked at, nothing is read
        assert select.select([silent], [], [], 30)[0], "no answer began within 30 s"
        began = time.monotonic()
        while workers_holding(server, silent):  # until the worker drops it (closes it)
            assert time.monotonic() - began < 10, "the answer was not dropped within 10 s"
            time.sleep(0.02)
        dropped = time.monotonic() - began
        assert metric(server, "bjaikg_answers_dropped_total") == 1
        assert logged(server, "bytes unsent: not taken for 1 s (--send-timeout)")
        silent.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)  # read it quickly
        received = bytearray()
        with suppress(ConnectionResetError):  # the end may come as a reset
            while chunk := silent.recv(65536):
                received += chunk
    head, _, body = bytes(received).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200"), bytes(received[:200])
    assert b"connection: close" not in head.lower()  # kept alive: closed by the drop alone
    length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
    assert length > 10_000_000, length  # more than the socket's buffers take
    assert len(body) < length, f"the whole answer arrived ({dropped:.1f} s after it began)"


def test_a_request_still_arriving_is_bounded_by_request_timeout_not_send_timeout() -> None:
    """A body that does not come gets 408 at ``--request-timeout``; ``--send-timeout``, shorter,
    is for answers (it closed such a connection silently after 1 s: a review, 2026-12-07)."""
    arguments = ("--data", str(DATA), "--workers", "1", "--send-timeout", "1",
                 "--request-timeout", "3")  # fmt: skip
    with running_server(*arguments) as server, connect(server) as connection:
        started = time.monotonic()
        connection.sendall(EXPECTING_HEAD.replace(b"Expect: 100-continue\r\n", b""))
        answer = read_until_closed(connection)
        waited = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 408"), answer[:100]
    assert waited >= 2.5, waited


def test_a_request_timed_out_on_a_connection_that_reset_closes_that_connection_alone() -> None:
    """A partial request whose client resets while the worker evaluates another client's query:
    the sweep that follows the query meets it first (the reset is not polled yet) and its 408
    cannot be written. That connection alone is closed and the 408 logged; the write's
    ``OSError`` ended the worker before (its other client's connection closed with it)."""
    from tests.endpoint.test_proxy import joined

    slow = f"SELECT (COUNT(*) AS ?n) WHERE {{ {' UNION '.join(['{ ' + joined(5) + ' }'] * 2)} }}"
    arguments = ("--data", str(DATA), "--workers", "1", "--request-timeout", "1")
    with running_server(*arguments) as server, connect(server) as other:
        partial = connect(server)
        partial.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        wait_until_read(partial)
        other.settimeout(60)
        other.sendall(get_line(slow))
        wait_until_evaluating(server)
        partial.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        partial.close()  # a reset, while the worker evaluates
        counted = read_response(other)
        assert counted.startswith(b"HTTP/1.1 200") and str(2 * 23**5).encode() in counted
        other.sendall(get_line(ASK))
        assert read_response(other).endswith(TRUE), "the worker and its connections are gone"
        assert logged(server, '"- -" 408'), "the refusal is logged though it could not be sent"
        assert metric(server, "bjaikg_worker_restarts_total") == 0


def test_connections_a_dead_worker_never_took_go_to_another_worker() -> None:
    """A worker that cannot take the connections handed to it (stopped) and then dies: the
    supervisor gives them to another worker, which answers the requests waiting on them."""
    with running_server("--data", str(DATA), "--workers", "2") as server:
        frozen = min(worker_pids(server))
        os.kill(frozen, signal.SIGSTOP)
        connections = [connect(server) for _ in range(4)]
        try:
            for connection in connections:
                connection.sendall(get_line(ASK))
            pending = []
            for connection in connections:
                connection.settimeout(0.5)
                try:
                    assert connection.recv(65536).endswith(TRUE)
                except TimeoutError:
                    pending.append(connection)
            assert pending, "no connection was handed to the stopped worker"
            os.kill(frozen, signal.SIGKILL)
            for connection in pending:
                connection.settimeout(10)
                assert connection.recv(65536).endswith(TRUE)
        finally:
            for connection in connections:
                connection.close()


def test_repeated_header_values_are_joined_in_order() -> None:
    """A header name sent twice (any case) reads as its values joined by ``,`` (RFC 9110 5.3)."""
    reader = RequestReader(lambda *parts: None, ("127.0.0.1", 1), 1000)
    reader.feed(b"GET /sparql HTTP/1.1\r\nHost: x\r\nAccept: text/csv\r\nACCEPT: text/tab\r\n\r\n")
    request = reader.ready.popleft()
    assert request.header(b"accept") == "text/csv,text/tab"
    assert request.header(b"host") == "x"
    assert request.header(b"origin") is None


def test_trailers_of_a_chunked_body_read_as_headers() -> None:
    """Header fields sent after a chunked body read like the others; the next request on the
    connection has only its own."""
    reader = RequestReader(lambda *parts: None, ("127.0.0.1", 1), 1000)
    reader.feed(
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"3\r\nabc\r\n0\r\nX-Note: after\r\n\r\nGET /health HTTP/1.1\r\nHost: y\r\n\r\n"
    )
    first, second = reader.ready
    assert first.body == b"abc" and first.header(b"x-note") == "after"
    assert second.fields == {b"host": b"y"}
