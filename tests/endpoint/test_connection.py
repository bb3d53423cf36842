"""HTTP/1.1 as the workers speak it, over raw sockets: keep-alive, pipelining, chunked bodies,
``Expect: 100-continue``, HTTP/1.0, size limits and malformed requests; and how a worker hands
its connection over when another client waits."""

from __future__ import annotations

import socket
import time
from urllib.parse import quote

import httpx

from tests.endpoint.conftest import DATA
from tests.server_process import ServerProcess, running_server

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


def get_line(query: str, *headers: str, version: str = "1.1") -> bytes:
    lines = [f"GET /sparql?query={quote(query)} HTTP/{version}", "Host: 127.0.0.1", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def test_pipelined_requests_are_answered_in_order(server: ServerProcess) -> None:
    with connect(server) as connection:
        connection.sendall(get_line(ASK) + get_line("ASK { ?s ?p 42 }", "Connection: close"))
        answer = read_until_closed(connection)
    assert answer.count(b"HTTP/1.1 200 OK") == 2
    first, second = answer.split(b"HTTP/1.1 200 OK")[1:]
    assert first.endswith(TRUE) and second.endswith(b'{"head":{},"boolean":false}')
    assert b"connection: close" in second and b"connection: close" not in first


def test_expect_100_continue_then_body(server: ServerProcess) -> None:
    body = ASK.encode()
    head = (
        "POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
        f"Content-Length: {len(body)}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n"
    ).encode()
    with connect(server) as connection:
        connection.sendall(head)
        assert connection.recv(100) == b"HTTP/1.1 100 Continue\r\n\r\n"
        connection.sendall(body)
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


def test_http_1_0_closes_unless_asked_to_keep_alive(server: ServerProcess) -> None:
    with connect(server) as connection:
        connection.sendall(get_line(ASK, version="1.0"))
        answer = read_until_closed(connection)  # the server closes: no keep-alive asked
    assert answer.startswith(b"HTTP/1.0 200 OK") and answer.endswith(TRUE)
    with connect(server) as connection:
        connection.sendall(get_line(ASK, "Connection: keep-alive", version="1.0"))
        time.sleep(0.3)
        kept = connection.recv(65536)
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


def test_a_request_that_is_not_http_gets_400_and_the_server_goes_on(
    server: ServerProcess, http: httpx.Client
) -> None:
    with connect(server) as connection:
        connection.sendall(b"\x16\x03\x01 this is not HTTP\r\n\r\n")
        answer = read_until_closed(connection)
    assert answer.startswith(b"HTTP/1.1 400 ") and b"invalid HTTP request" in answer
    assert http.get("/sparql", params={"query": ASK}).status_code == 200


def test_a_waiting_client_is_served_while_another_idles_on_keep_alive() -> None:
    """One worker: an idle keep-alive connection is closed after 1 s for a waiting client, and
    an active one gets ``Connection: close`` on its next answer."""
    with running_server("--data", str(DATA), "--workers", "1") as server:
        with httpx.Client(base_url=server.url, timeout=10) as idle:
            assert idle.get("/sparql", params={"query": ASK}).status_code == 200
            started = time.monotonic()
            waiting = httpx.get(server.sparql, params={"query": ASK}, timeout=10)
            assert waiting.status_code == 200
            assert time.monotonic() - started < 3.0
            assert idle.get("/sparql", params={"query": ASK}).status_code == 200  # reconnects
        with connect(server) as active:
            active.sendall(get_line(ASK))
            assert active.recv(65536).endswith(TRUE)
            with connect(server) as other:
                other.sendall(get_line(ASK, "Connection: close"))
                time.sleep(0.2)  # the other client now waits in the listen queue
                active.sendall(get_line(ASK))
                last = read_until_closed(active)
                assert b"connection: close" in last and last.endswith(TRUE)
                assert read_until_closed(other).endswith(TRUE)
