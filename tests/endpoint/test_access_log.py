"""The access log: lines kept in a worker's slot of shared memory and written together, and the
lines of a worker that ended before writing them written by the supervisor."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

import httpx
import pytest

from bjaikg.endpoint import access_log
from bjaikg.endpoint.access_log import AccessLog, write_left
from bjaikg.endpoint.scoreboard import LOG_BUFFER_BYTES, Scoreboard
from tests.endpoint.conftest import DATA
from tests.endpoint.test_safety import RUNAWAY
from tests.server_process import (
    ServerProcess,
    answers_query,
    free_port,
    logged,
    running_server,
    serve_command,
    stop,
    wait_until_ready,
)


@contextmanager
def buffer_on_pipe() -> Iterator[tuple[AccessLog, Scoreboard, int]]:
    """An access log kept in slot 0 of a one-worker scoreboard, writing to a pipe; and the
    pipe's end."""
    scoreboard = Scoreboard(1)
    reading, writing = os.pipe()
    os.set_blocking(reading, False)
    log = AccessLog(writing)
    log.keep_in(scoreboard.slots[0], scoreboard.log_view(0))
    try:
        yield log, scoreboard, reading
    finally:
        os.close(reading)
        os.close(writing)


def written(reading: int) -> bytes:
    try:
        return os.read(reading, 1 << 20)
    except BlockingIOError:
        return b""


def test_lines_are_kept_until_flushed_and_then_written_in_order() -> None:
    with buffer_on_pipe() as (buffer, scoreboard, reading):
        buffer.add(b"one\n")
        buffer.add(b"two\n")
        assert written(reading) == b""
        assert scoreboard.slots[0].log_length == 8  # the supervisor sees what is kept
        buffer.flush()
        assert written(reading) == b"one\ntwo\n"
        assert scoreboard.slots[0].log_length == 0


def test_a_client_s_control_characters_quotes_and_spaces_cannot_forge_a_line() -> None:
    """Escape sequences reached a terminal tailing the log; a quote or a forwarded client
    with spaces forged fields (a review, 2026-12-07). Written as nginx writes them: \\xNN."""
    reading, writing = os.pipe()
    try:
        log = AccessLog(writing)
        log.write('6.6.6.6 "GET /admin" 200', "GET", '/x"_200', 200, 0.001, "bytes=1",
                  "SELECT * {}#\x1b[31mRED\x1b[0m\x07")  # fmt: skip
        line = os.read(reading, 65536).decode()
    finally:
        os.close(reading)
        os.close(writing)
    assert line == (
        'bjaikg: 6.6.6.6\\x20\\x22GET\\x20/admin\\x22\\x20200 "GET /x\\x22_200" 200 1.0 ms '
        "bytes=1 query=SELECT * {}#\\x1b[31mRED\\x1b[0m\\x07\n"
    )


def test_a_full_buffer_is_written_before_the_line_that_does_not_fit() -> None:
    line = b"x" * (LOG_BUFFER_BYTES // 2 - 1) + b"\n"
    with buffer_on_pipe() as (buffer, _scoreboard, reading):
        buffer.add(line)
        buffer.add(line)
        assert written(reading) == b""
        buffer.add(b"third\n")
        assert written(reading) == line + line  # each write at most PIPE_BUF: never mixed
        long_line = b"y" * (LOG_BUFFER_BYTES + 10) + b"\n"
        buffer.add(long_line)  # longer than the buffer: what is kept goes first, then the line
        assert written(reading) == b"third\n" + long_line


def test_lines_are_written_once_they_have_waited(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(access_log, "FLUSH_SECONDS", 0.2)
    with buffer_on_pipe() as (buffer, _scoreboard, reading):
        assert buffer.flush_when_due(1.0) == 1.0  # nothing kept: wait as long as the caller likes
        buffer.add(b"line\n")
        assert 0 < buffer.flush_when_due(1.0) <= 0.2
        assert written(reading) == b""
        time.sleep(0.25)
        assert buffer.flush_when_due(1.0) == 1.0
        assert written(reading) == b"line\n"


def test_the_supervisor_writes_what_an_ended_worker_left() -> None:
    with buffer_on_pipe() as (buffer, scoreboard, reading):
        buffer.add(b"left behind\n")
        write_left(scoreboard.slots[0], scoreboard.log_view(0), buffer.descriptor)
        assert written(reading) == b"left behind\n"
        write_left(scoreboard.slots[0], scoreboard.log_view(0), buffer.descriptor)
        assert written(reading) == b""  # written once


def pipelined(server: ServerProcess, queries: list[str]) -> socket.socket:
    """Send ``queries`` as GET requests in one piece on a new connection (left open)."""
    host, port = server.url.removeprefix("http://").split(":")
    connection = socket.create_connection((host, int(port)), timeout=30)
    requests = [f"GET /sparql?query={quote(query)} HTTP/1.1\r\nHost: {host}\r\n\r\n"
                for query in queries]  # fmt: skip
    connection.sendall("".join(requests).encode())
    return connection


@pytest.mark.server
def test_lines_of_a_worker_killed_at_the_deadline_are_written() -> None:
    """Three quick queries and a runaway one arrive together: the worker answers the three,
    keeps their lines and is killed in the fourth; the supervisor writes the three lines."""
    quick = [f"ASK {{ ?killed{number} ?p ?o }}" for number in range(3)]
    arguments = ("--data", str(DATA), "--workers", "1", "--timeout", "1")
    with running_server(*arguments) as server:
        with pipelined(server, [*quick, RUNAWAY]) as connection:
            answers = connection.makefile("rb").read()
        assert answers.count(b"HTTP/1.1 200") == 3 and b"HTTP/1.1 503" in answers
        for number in range(3):
            assert logged(server, f"?killed{number} "), server.stderr_lines


@pytest.mark.server
def test_lines_kept_at_shutdown_are_written() -> None:
    """The server is stopped (SIGINT: at once) while its worker evaluates: the lines it kept
    are written."""
    quick = [f"ASK {{ ?stopped{number} ?p ?o }}" for number in range(3)]
    with running_server("--data", str(DATA), "--workers", "1") as server:
        with pipelined(server, [*quick, RUNAWAY]) as connection:
            reader = connection.makefile("rb")
            for _ in range(3):  # the three answers; the runaway query is still evaluated
                assert reader.readline().startswith(b"HTTP/1.1 200")
                length = 0
                while (header := reader.readline()) not in (b"\r\n", b""):
                    name, _, value = header.partition(b":")
                    length = int(value) if name.lower() == b"content-length" else length
                reader.read(length)
            server.process.send_signal(signal.SIGINT)
            server.process.wait(timeout=30)
        for number in range(3):
            assert logged(server, f"?stopped{number} "), server.stderr_lines


@pytest.mark.server
def test_a_query_stopped_at_its_deadline_is_logged_with_its_text_client_and_time() -> None:
    """The time logged is the query's, from its start: at least its 1 s deadline, and no more
    than the client waited for the answer (sent after the line is made), however late a loaded
    machine lets the supervisor stop it."""
    runaway = RUNAWAY.replace("?a ?b ?c", "?deadline ?b ?c")
    arguments = ("--data", str(DATA), "--workers", "1", "--timeout", "1")
    with running_server(*arguments) as server:
        started = time.monotonic()
        with pipelined(server, [runaway]) as connection:
            assert connection.makefile("rb").read().startswith(b"HTTP/1.1 503 ")
        waited = time.monotonic() - started
        [line] = logged(server, "?deadline ?b ?c")
    assert line.startswith('bjaikg: 127.0.0.1 "GET /sparql" 503 '), line
    assert "stopped at its deadline of 1 s" in line
    assert "query=SELECT (COUNT(*) AS ?n) WHERE { ?deadline ?b ?c . ?d ?e ?f" in line
    milliseconds = float(line.split('" 503 ')[1].split(" ms ")[0])
    assert 1000 <= milliseconds <= waited * 1000 + 0.05, waited  # the line rounds to 0.1 ms


PREFLIGHT = {"Origin": "http://example.org", "Access-Control-Request-Method": "POST"}


@pytest.mark.server
def test_every_request_gets_one_line_whatever_its_route_and_outcome(
    server: ServerProcess,
) -> None:
    """Pages, dumps, health, a page that does not exist, /sparql with Origin and a CORS
    preflight, a graph that does not exist and a request that is not HTTP."""
    unique = f"/no-such-page-{time.monotonic_ns()}"
    requests = {
        '"GET /dump.nt" 200': ("/dump.nt", {}),
        '"GET /health" 200': ("/health", {}),
        '"GET /" 200': ("/", {}),
        f'"GET {unique}" 404': (unique, {}),
        '"GET /rdf-graph-store" 404': ("/rdf-graph-store?graph=urn:none", {}),
        '"GET /sparql" 200': ("/sparql?query=ASK%7B%7D", {"Origin": "http://example.org"}),
        '"OPTIONS /sparql" 200': ("/sparql", PREFLIGHT),
    }

    def count(marker: str) -> int:
        return sum(marker in line for line in server.stderr_lines)

    before = {marker: count(marker) for marker in [*requests, '"- -" 400']}
    for path, headers in requests.values():
        method = "OPTIONS" if headers is PREFLIGHT else "GET"
        httpx.request(method, server.url + path, headers=headers, timeout=10)
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(b"\x16\x03\x01 not HTTP\r\n\r\n")
        connection.makefile("rb").read()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        if all(count(marker) == before[marker] + 1 for marker in before):
            break
        time.sleep(0.05)
    added = {marker: count(marker) - before[marker] for marker in before}
    assert added == dict.fromkeys(before, 1)


@pytest.mark.server
def test_an_answer_the_evaluation_refused_is_logged_with_why(server: ServerProcess) -> None:
    """A syntax error's 400 was logged ``results=0`` (a review, 2026-12-07)."""
    query = f"ASK {{ <urn:unfinished-{time.monotonic_ns()}> "
    assert httpx.get(server.sparql, params={"query": query}, timeout=10).status_code == 400
    [line] = logged(server, query.strip())
    assert '"GET /sparql" 400' in line
    assert " ms SPARQL syntax error: error at 1:" in line and "results=" not in line


def test_a_log_that_cannot_be_written_does_not_stop_the_server() -> None:
    """Standard error on /dev/full, where every write fails as on a full disk: the log lines
    are dropped and the server goes on answering (a worker's first flush used to end it, and
    the supervisor, writing the lines the worker left, ended with it)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/sparql"
    command = serve_command("--data", str(DATA), "--workers", "1", "--port", str(port))
    with open("/dev/full", "wb") as full:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=full, text=True)
    try:
        wait_until_ready(ServerProcess("", process, command), answers_query(url), 60)
        for _ in range(10):
            assert httpx.get(url, params={"query": "ASK {}"}, timeout=30).status_code == 200
            time.sleep(2 * access_log.FLUSH_SECONDS)  # the worker writes its lines meanwhile
        assert process.poll() is None
    finally:
        stop(process, signal.SIGINT, 10)
