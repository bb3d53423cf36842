"""Slow and idle clients over real sockets: a request must arrive whole within
``--request-timeout`` of its first byte, and ``--max-connections`` bounds the open connections
(in total and, by share, per worker) with 503 + ``Retry-After`` past it."""

from __future__ import annotations

import select
import socket
import time

import pytest

from tests.endpoint.conftest import DATA
from tests.endpoint.test_access_log import logged
from tests.endpoint.test_connection import ASK, TRUE, connect, get_line, read_until_closed
from tests.endpoint.test_safety import RUNAWAY
from tests.server_process import (
    ServerProcess,
    running_server,
    wait_until_evaluating,
    wait_until_read,
)

pytestmark = pytest.mark.server


def trickle(connection: socket.socket, pause: float, seconds: float) -> tuple[bytes, float]:
    """Send a request head one header line every ``pause`` seconds, never ending it, until the
    server answers or closes; what it said, and the seconds from the first byte until then.
    :class:`AssertionError` when it has not within ``seconds``."""
    started = time.monotonic()
    connection.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    line = 0
    while not select.select([connection], [], [], pause)[0]:  # nothing from the server yet
        cut = time.monotonic() - started
        assert cut < seconds, f"not cut after {cut:.1f} s of a line every {pause} s"
        try:
            connection.sendall(f"X-Trickle-{line}: y\r\n".encode())
        except OSError:  # closed by the server just now: what it said is read below
            break
        line += 1
    cut = time.monotonic() - started
    try:
        answer = read_until_closed(connection)
    except ConnectionResetError:
        answer = b""
    return answer, cut


def test_a_trickling_client_is_cut_at_the_request_deadline() -> None:
    """One header line every 0.2 s keeps the connection busy but the request never whole: it
    is answered 408 and closed while the client still sends, no sooner than 1 s after its first
    byte (the deadline, checked each second), and another client of the same worker is served
    after; a request that arrives in pieces, each read by the server before the next is sent,
    is answered.

    The cut is timed by what the client still does, not by a bound on seconds: a deadline
    counted from the last byte, or none, would never cut a client that sends a line every
    0.2 s, so an answer while it trickles is the proof; the 20 s only end a failing test."""
    arguments = ("--data", str(DATA), "--workers", "1", "--request-timeout", "1")
    with running_server(*arguments) as server:
        with connect(server) as slow, connect(server) as other:
            answer, seconds = trickle(slow, 0.2, 20)
            other.sendall(get_line(ASK))
            assert other.recv(65536).endswith(TRUE)
        assert seconds >= 1, seconds
        assert answer.startswith(b"HTTP/1.1 408 ") and b"within 1 s of its first byte" in answer
        assert logged(server, '"- -" 408 '), server.stderr_lines
        with connect(server) as patient:
            request = get_line(ASK, "Connection: close")
            for part in (request[:20], request[20:40]):
                patient.sendall(part)
                wait_until_read(patient)
            patient.sendall(request[40:])
            assert read_until_closed(patient).endswith(TRUE)


def admitted_answer(server: ServerProcess, seconds: float = 10.0) -> bytes:
    """The answer to an ASK on a new connection, asked again while it is the 503 of a full
    server: the worker that saw a connection close tells the supervisor, which then admits
    one more (how soon depends on the machine's load). The last answer after ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        with connect(server) as connection:
            try:
                connection.sendall(get_line(ASK, "Connection: close"))
                answer = read_until_closed(connection)
            except ConnectionError:  # refused and closed before the request was read
                answer = b""
        if answer.endswith(TRUE) or time.monotonic() > deadline:
            return answer
        time.sleep(0.05)


def test_past_the_connection_cap_a_new_connection_gets_503_and_the_others_are_served() -> None:
    arguments = ("--data", str(DATA), "--workers", "1", "--max-connections", "3")
    with running_server(*arguments) as server:
        held = [connect(server) for _ in range(3)]
        try:
            for connection in held:
                connection.sendall(get_line(ASK))
                assert connection.recv(65536).endswith(TRUE)
            with connect(server) as refused:  # answered before it sends anything
                answer = read_until_closed(refused)
            assert answer.startswith(b"HTTP/1.1 503 ") and b"retry-after: 1" in answer.lower()
            assert b"3 connections open" in answer
            assert b"access-control-allow-origin: *" in answer.lower()  # a browser may read it
            assert logged(server, "refused: server busy: 3 connections open")
            for connection in held:
                connection.sendall(get_line(ASK))
                assert connection.recv(65536).endswith(TRUE)
            held.pop().close()
            assert admitted_answer(server).endswith(TRUE)
        finally:
            for connection in held:
                connection.close()


def test_a_worker_takes_no_more_than_its_share_of_the_connections() -> None:
    """Two workers, ``--max-connections 4``: each holds at most 2. While worker 0 evaluates a
    runaway query, worker 1 takes two connections and no third: the next one waits for a
    worker with room, and the one after it finds 4 connections open (3 held, 1 waiting) and
    gets 503. The waiting one is answered only after the runaway's 503 (its deadline): the
    supervisor answers it before it replaces the worker, so the order holds however loaded the
    machine is, where worker 1 taking a third connection would answer it at once.
    Hazard: the steps up to the 503 must take less than the runaway's 3 s deadline."""
    arguments = ("--data", str(DATA), "--workers", "2", "--max-connections", "4", "--timeout", "3")
    with running_server(*arguments) as server:
        runaway = connect(server)
        runaway.sendall(get_line(RUNAWAY))
        wait_until_evaluating(server)
        served = [connect(server) for _ in range(2)]
        waiting = connect(server)
        try:
            for connection in served:
                connection.sendall(get_line(ASK))
                assert connection.recv(65536).endswith(TRUE)
            with connect(server) as refused:
                answer = read_until_closed(refused)
            assert answer.startswith(b"HTTP/1.1 503 ") and b"4 connections open" in answer
            waiting.sendall(get_line(ASK))
            readable, _, _ = select.select([runaway, waiting], [], [], 30)
            assert runaway in readable, "the waiting connection was answered before the runaway"
            assert read_until_closed(runaway).startswith(b"HTTP/1.1 503 ")  # its deadline
            waiting.settimeout(30)
            assert waiting.recv(65536).endswith(TRUE)
        finally:
            for connection in [runaway, *served, waiting]:
                connection.close()
