"""serve.py behind a proxy and as replicas: forwarded headers, graceful stop, reload, nginx.

Real processes only: serve.py on loopback ports, and nginx from Debian terminating TLS with a
certificate made here by openssl, configured from the site in docs/deployment.md (the block
the documentation shows is the one run), with its pid, logs and temporary files in the test's
folder.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import httpx
import pytest

from bjaikg import PROJECT_ROOT
from bjaikg.endpoint.cli import build_parser
from tests.endpoint.conftest import DATA
from tests.endpoint.test_access_log import logged
from tests.endpoint.test_connection import read_response
from tests.server_process import (
    ServerProcess,
    accepts_connections,
    cpu_seconds,
    free_port,
    running,
    running_server,
    serve_announced,
    serve_command,
    server_end,
    start,
    wait_until_evaluating,
    worker_pids,
)
from tests.server_process import stop as stop_process

pytestmark = pytest.mark.server

ASK_EXTRA = "ASK { <https://w3id.org/bjaikg/id/test-extra> ?p ?o }"
ASK_NEW = "ASK { <https://w3id.org/bjaikg/id/test-reloaded> ?p ?o }"
NEW_TRIPLE = '\nbj:test-reloaded rdfs:label "new"@en .\n'
"""Appended to extra.ttl, which declares the prefixes."""


def joined(patterns: int) -> str:
    """``patterns`` triple patterns sharing no variable: the graph (23 triples) to that power."""
    return " . ".join(f"?a{i} ?b{i} ?c{i}" for i in range(patterns))


def product(patterns: int) -> str:
    """A count of the Cartesian product of ``patterns`` copies of the graph."""
    return f"SELECT (COUNT(*) AS ?n) WHERE {{ {joined(patterns)} }}"


SLOW = f"SELECT (COUNT(*) AS ?n) WHERE {{ {' UNION '.join(['{ ' + joined(5) + ' }'] * 3)} }}"
"""About 5 s on the fixture data on the shared machine of 2026-12-07 (3 × 23⁵ rows counted):
a query that outlasts test_connection.py's ``--keep-alive 2``."""
SLOW_COUNT = str(3 * 23**5)
IN_FLIGHT = product(5)
"""About 1.5 s alone on the fixture data (23⁵ rows counted), over 4 s with another beside it
on two cores: a request still in flight after a SIGTERM sent once it is evaluated (its server
stops listening 0.1 s after; 1.3 s of the query were left then). The tests that need it in
flight check that it was."""
IN_FLIGHT_COUNT = str(23**5)
FORWARDED = {
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "example.org",
    "X-Forwarded-For": "203.0.113.5",
}
DEPLOYMENT = PROJECT_ROOT / "docs" / "deployment.md"


def ask(client: httpx.Client, url: str, query: str) -> bool:
    response = client.get(url, params={"query": query}, headers={"Accept": "application/json"})
    assert response.status_code == 200, response.text
    return bool(response.json()["boolean"])


def stop(server: ServerProcess, seconds: float = 30.0) -> int:
    """SIGTERM ``server`` and wait for it to exit; its exit code."""
    server.process.send_signal(signal.SIGTERM)
    return server.process.wait(timeout=seconds)


class QueryLoop:
    """Threads asking ``ASK_EXTRA`` at ``url`` over and over until stopped; every answer kept.

    One thread keeps its connection alive, another opens a new one per request (httpx: a
    connection the server closed while idle is replaced unseen); for an ``http://`` URL a third
    sends every request on one socket and records ``closed`` if the server ever closes it.
    """

    def __init__(self, url: str, verify: ssl.SSLContext | bool = True) -> None:
        self.url = url
        self.verify = verify
        self.statuses: list[int | str] = []
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self._run, args=(keep,)) for keep in (True, False)]
        if url.startswith("http://"):
            self.threads.append(threading.Thread(target=self._run_on_one_connection))

    def _run(self, keep_alive: bool) -> None:
        limits = httpx.Limits(max_keepalive_connections=1 if keep_alive else 0)
        with httpx.Client(verify=self.verify, timeout=30.0, limits=limits) as client:
            while not self.stopping.is_set():
                try:
                    response = client.get(self.url, params={"query": ASK_EXTRA})
                    ok = response.status_code == 200 and response.json()["boolean"] is True
                    failure = f"{response.status_code} {response.text[:200]}"
                    self.statuses.append(response.status_code if ok else failure)
                except httpx.HTTPError as error:
                    self.statuses.append(f"{type(error).__name__}: {error}")

    def _run_on_one_connection(self) -> None:
        host, port = self.url.split("://", 1)[1].split("/", 1)[0].rsplit(":", 1)
        target = self.url.split(f":{port}", 1)[1] + "?" + urlencode({"query": ASK_EXTRA})
        request = f"GET {target} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()
        with socket.create_connection((host, int(port)), timeout=30) as connection:
            reader = connection.makefile("rb")
            while not self.stopping.is_set():
                connection.sendall(request)
                status_line = reader.readline()
                if not status_line:
                    self.statuses.append("closed")
                    return
                length = 0
                while (header := reader.readline()) not in (b"\r\n", b""):
                    name, _, value = header.partition(b":")
                    length = int(value) if name.lower() == b"content-length" else length
                body = reader.read(length)
                ok = status_line.split()[1] == b"200" and b'"boolean":true' in body
                self.statuses.append(200 if ok else status_line.decode() + body.decode())

    def __enter__(self) -> QueryLoop:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exception: object) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join()

    def wait_for_answers(self, count: int, seconds: float = 60.0) -> None:
        """Return once ``count`` more requests have been answered (or have failed) than now:
        the loop has run for a while, however slowly a loaded machine runs it."""
        target = len(self.statuses) + count
        deadline = time.monotonic() + seconds
        while len(self.statuses) < target:
            assert time.monotonic() < deadline, f"{len(self.statuses)} answers, not {target}"
            time.sleep(0.02)

    def failures(self) -> list[int | str]:
        return [status for status in self.statuses if status != 200]


def test_forwarded_headers_believed_only_from_a_trusted_peer() -> None:
    common = ["--data", str(DATA), "--workers", "2", "--root-path", "/bjaikg"]
    with (
        running_server(*common, "--forwarded-allow-ips", "127.0.0.1") as trusted,
        running_server(*common, "--forwarded-allow-ips", "192.0.2.0/24") as untrusted,
        httpx.Client(timeout=30.0) as client,
    ):
        for path in ("/sparql", "/bjaikg/sparql"):  # with or without the prefix
            description = client.get(trusted.url + path, headers=FORWARDED).text
            assert "sd:endpoint <https://example.org/bjaikg/sparql>" in description
            assert "<https://example.org/bjaikg/dump.nt>" in description
        page = client.get(trusted.url + "/bjaikg/dataset", headers=FORWARDED)
        assert page.status_code == 200
        openapi = client.get(trusted.url + "/openapi.json", headers=FORWARDED).json()
        assert openapi["servers"] == [{"url": "https://example.org/bjaikg"}]
        relative = client.get(
            trusted.url + "/bjaikg/sparql",
            params={"query": "SELECT ?o WHERE { BIND(<test> AS ?o) }"},
            headers={**FORWARDED, "Accept": "application/json"},
        ).json()["results"]["bindings"][0]["o"]["value"]
        assert relative == "https://example.org/bjaikg/test", "the base IRI is the service's URL"
        redirect = client.get(trusted.url + "/sparql", headers={**FORWARDED, "Accept": "text/html"})
        assert (redirect.status_code, redirect.headers["location"]) == (303, "/bjaikg/")
        upper_case = [  # a scheme may come in any case
            {"Forwarded": "proto=HTTPS;host=example.org"},
            {"X-Forwarded-Proto": "HTTPS", "X-Forwarded-Host": "example.org"},
        ]
        for upper in upper_case:
            described = client.get(trusted.url + "/sparql", headers=upper).text
            assert "sd:endpoint <https://example.org/bjaikg/sparql>" in described, upper

        ignored = client.get(untrusted.url + "/sparql", headers=FORWARDED).text
        assert f"sd:endpoint <{untrusted.url}/bjaikg/sparql>" in ignored
        # a worker writes its log lines within 50 ms (later on a loaded machine)
        assert logged(trusted, '"GET /bjaikg/dataset" 200')
        assert logged(untrusted, '"GET /bjaikg/sparql" 200')
    # the path the client asked for, whether the proxy passed the prefix on or not
    assert any(line.startswith('bjaikg: 203.0.113.5 "GET /bjaikg/dataset" 200')
               for line in trusted.stderr_lines)  # fmt: skip
    assert any(line.startswith('bjaikg: 127.0.0.1 "GET /bjaikg/sparql" 200')
               for line in untrusted.stderr_lines)  # fmt: skip
    assert not any('"GET /sparql"' in line for line in trusted.stderr_lines)
    assert not any("203.0.113.5" in line for line in untrusted.stderr_lines)


def test_a_forged_client_from_a_trusted_peer_is_not_written_in_the_access_log() -> None:
    """A trusted peer forwarding a client that is no address nor RFC 7239 token: its access-log
    line names the peer (it named ``evil\\x5cnline`` and ``<script>``); ``unknown`` and an
    address are written (the address without its port)."""
    arguments = ("--data", str(DATA), "--workers", "1", "--forwarded-allow-ips", "127.0.0.1")
    with running_server(*arguments) as server, httpx.Client(timeout=30.0) as client:
        for headers in (
            {"Forwarded": 'for="evil\\nline"'},
            {"X-Forwarded-For": "<script>"},
            {"Forwarded": "for=unknown"},
            {"X-Forwarded-For": "198.51.100.7:4711"},
        ):
            assert client.get(f"{server.url}/health", headers=headers).status_code == 200
        deadline = time.monotonic() + 10  # a worker writes its lines within 50 ms, or later
        while len(lines := [line for line in server.stderr_lines if '"GET /health"' in line]) < 4:
            assert time.monotonic() < deadline, lines
            time.sleep(0.05)
    clients = [line.split()[1] for line in lines]
    assert clients == ["127.0.0.1", "127.0.0.1", "unknown", "198.51.100.7"]


def refused_while_in_flight(url: str, in_flight: threading.Thread, seconds: float = 10.0) -> None:
    """Ask ``url`` until the connection is refused (the server stopped listening), and check
    that the request of ``in_flight`` was still unanswered then."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            httpx.get(url, timeout=5.0)
        except httpx.ConnectError:
            break
        assert time.monotonic() < deadline, "new connections are still accepted"
        time.sleep(0.05)
    assert in_flight.is_alive(), "refused only after the request in flight was answered"


def test_sigterm_finishes_requests_in_flight_refuses_new_ones_and_exits_0() -> None:
    """The server ends once the request in flight is answered, not when the grace (600 s)
    ends: it has ended within 60 s of the answer, however slowly a loaded machine evaluates."""
    arguments = ("--data", str(DATA), "--workers", "2", "--timeout", "60")
    with running_server(*arguments, "--graceful-timeout", "600") as server:
        idle = socket.create_connection(("127.0.0.1", int(server.url.rsplit(":", 1)[1])))
        idle.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        assert b" 200 " in idle.recv(65536)  # a kept-alive connection, idle from now on
        answers: list[httpx.Response] = []
        slow = threading.Thread(
            target=lambda: answers.append(
                httpx.get(server.sparql, params={"query": IN_FLIGHT}, timeout=30.0)
            )
        )
        slow.start()
        wait_until_evaluating(server)
        server.process.send_signal(signal.SIGTERM)
        refused_while_in_flight(server.url + "/health", slow)
        idle.settimeout(30)
        assert idle.recv(65536) == b"", "the idle connection is closed"
        slow.join()
        assert server.process.wait(timeout=60) == 0
    assert answers[0].status_code == 200
    assert answers[0].json()["results"]["bindings"][0]["n"]["value"] == IN_FLIGHT_COUNT


def test_sigterm_kills_what_is_past_the_grace_period() -> None:
    runaway = product(8)
    arguments = ["--data", str(DATA), "--workers", "2", "--timeout", "600"]
    with running_server(*arguments, "--graceful-timeout", "1") as server:
        answers: list[int | str] = []

        def run_away() -> None:
            try:
                response = httpx.get(server.sparql, params={"query": runaway}, timeout=30)
                answers.append(response.status_code)
            except httpx.HTTPError as error:
                answers.append(type(error).__name__)

        thread = threading.Thread(target=run_away)
        thread.start()
        wait_until_evaluating(server)
        server.process.send_signal(signal.SIGTERM)
        # the 1 s grace, not the query's 600 s deadline, ends it: answered and logged
        assert server.process.wait(timeout=60) == 0
        thread.join()
        log = "\n".join(server.stderr_lines)
    assert answers == [503]
    assert "stopping: 1 queries in flight" in log
    assert any(line.rstrip().endswith(": stopped") for line in log.splitlines())
    assert "stopped at the end of the grace period" in log and "?a0 ?b0 ?c0" in log


@pytest.mark.parametrize(
    ("timeout", "grace", "waiting_status", "why", "waiting_line"),
    [("2", "60", 200, "stopped at its deadline of 2 s", '"GET /sparql" 200'),
     ("600", "1", 503, "stopped at the end of the grace period",
      '"- -" 503 0.0 ms refused: server busy: the server stopped before a worker was free')],
)  # fmt: skip
def test_sigterm_answers_a_connection_still_waiting_when_the_workers_end(
    timeout: str, grace: str, waiting_status: int, why: str, waiting_line: str
) -> None:
    """A request waiting for a free worker when both workers ended during the grace was closed
    unanswered and unlogged (a review, 2026-12-07). Now a worker is forked for it while the grace
    lasts (both stopped at their deadline); past the grace it is answered 503."""
    runaway = product(8)
    arguments = ["--data", str(DATA), "--workers", "2", "--timeout", timeout]
    with running_server(*arguments, "--graceful-timeout", grace) as server:
        answers: dict[str, int | str] = {}

        def ask_for(name: str, query: str) -> None:
            try:
                response = httpx.get(server.sparql, params={"query": query}, timeout=60)
                answers[name] = response.status_code
            except httpx.HTTPError as error:
                answers[name] = type(error).__name__

        runaways = [
            threading.Thread(target=ask_for, args=(f"runaway {n}", runaway)) for n in (1, 2)
        ]
        used = {pid: cpu_seconds(pid) for pid in worker_pids(server)}
        for thread in runaways:
            thread.start()
        deadline = time.monotonic() + 30
        while any(cpu_seconds(pid) - before < 0.1 for pid, before in used.items()):
            assert time.monotonic() < deadline, "the two runaway queries are not evaluated"
            time.sleep(0.02)
        address = urlsplit(server.url)
        waiting = socket.create_connection((address.hostname, address.port), timeout=60)
        waiting.sendall(f"GET /sparql?{urlencode({'query': ASK_EXTRA})} HTTP/1.1\r\n"
                        "Host: x\r\nConnection: close\r\n\r\n".encode())  # fmt: skip
        while (end := server_end(waiting)) is None or not end.inode:  # a socket in the listen
            assert time.monotonic() < deadline, "not accepted"  # queue has no inode yet
            time.sleep(0.01)
        server.process.send_signal(signal.SIGTERM)  # accepted: it waits, both workers evaluate
        assert server.process.wait(timeout=60) == 0
        for thread in runaways:
            thread.join()
        answers["waiting"] = int(read_response(waiting).split(b" ", 2)[1])
        waiting.close()
        log = "\n".join(server.stderr_lines)
    assert answers == {"runaway 1": 503, "runaway 2": 503, "waiting": waiting_status}
    assert log.count(why) == 2
    assert waiting_line in log


def test_sighup_reloads_the_data_without_a_failed_request(tmp_path: Path) -> None:
    for source in DATA.glob("*.ttl"):
        shutil.copy(source, tmp_path / source.name)
    with (
        running_server("--data", str(tmp_path), "--workers", "2") as server,
        httpx.Client(timeout=30.0) as client,
    ):
        assert not ask(client, server.sparql, ASK_NEW)
        before = client.get(server.sparql, params={"query": ASK_NEW}).headers["etag"]
        old_workers = worker_pids(server)
        with QueryLoop(server.sparql) as loop:
            loop.wait_for_answers(10)
            with (tmp_path / "extra.ttl").open("a", encoding="utf-8") as data:
                data.write(NEW_TRIPLE)
            server.process.send_signal(signal.SIGHUP)
            deadline = time.monotonic() + 30
            while not ask(client, server.sparql, ASK_NEW):
                assert time.monotonic() < deadline, "the new triple never became visible"
                time.sleep(0.1)
            while worker_pids(server) & old_workers or len(worker_pids(server)) < 2:
                assert time.monotonic() < deadline, "the old workers were not all replaced"
                time.sleep(0.1)
            loop.wait_for_answers(10)  # on the new workers
        after = client.get(server.sparql, params={"query": ASK_NEW}).headers["etag"]
        assert [ask(client, server.sparql, ASK_NEW) for _ in range(6)] == [True] * 6
    assert len(loop.statuses) > 20
    assert loop.failures() == [], "no failed request, no connection closed"
    assert before != after
    assert any("reloaded the data" in line for line in server.stderr_lines)
    deadline = time.monotonic() + 10  # said once the last old worker is replaced
    while not any("reload done" in line for line in server.stderr_lines):
        assert time.monotonic() < deadline, "no line said the reload was done"
        time.sleep(0.05)


def ignores_sighup(pid: int) -> bool:
    """Whether process ``pid`` ignores SIGHUP (bit 0 of ``SigIgn`` in /proc/PID/status)."""
    status = Path(f"/proc/{pid}/status").read_text()
    return bool(int(status.split("SigIgn:", 1)[1].split()[0], 16) & 1)


def test_sighup_while_starting_does_not_end_the_server() -> None:
    """From when serve.py runs (it ignores SIGHUP first thing) until it serves, SIGHUP is
    ignored: sent every 20 ms while it loads, forks and becomes ready, and once serving."""
    server = start(serve_command("--data", str(DATA), "--workers", "2"), cwd=PROJECT_ROOT)
    process = server.process
    try:
        deadline = time.monotonic() + 30
        while not ignores_sighup(process.pid):
            assert time.monotonic() < deadline and process.poll() is None, "SIGHUP not ignored"
            time.sleep(0.001)
        sent = 0
        while (url := serve_announced(server)) is None:
            assert time.monotonic() < deadline and process.poll() is None, f"ended, {sent} sent"
            process.send_signal(signal.SIGHUP)
            sent += 1
            time.sleep(0.02)
        process.send_signal(signal.SIGHUP)  # serving: a reload of the same data
        assert sent >= 5, "the signals came while it started"
        assert httpx.get(url + "/health", timeout=30).json()["status"] == "ok"
        assert process.poll() is None
    finally:
        stop_process(process, signal.SIGINT, seconds=30)


def test_sighup_with_data_that_does_not_load_keeps_the_old_data(tmp_path: Path) -> None:
    for source in DATA.glob("*.ttl"):
        shutil.copy(source, tmp_path / source.name)
    with (
        running_server("--data", str(tmp_path), "--workers", "2") as server,
        httpx.Client(timeout=30.0) as client,
    ):
        workers = worker_pids(server)
        (tmp_path / "broken.ttl").write_text("<a> <b> .\n", encoding="utf-8")
        server.process.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 30
        while not any("reload failed" in line for line in server.stderr_lines):
            assert time.monotonic() < deadline, server.stderr_lines
            time.sleep(0.1)
        assert ask(client, server.sparql, ASK_EXTRA)
        assert worker_pids(server) == workers, "no worker was replaced"
    [line] = [line for line in server.stderr_lines if "reload failed" in line]
    assert "broken.ttl:1:" in line


def test_deadlines_are_enforced_while_a_reload_loads(tmp_path: Path) -> None:
    """The supervisor loads in a thread: a runaway query is stopped at its deadline before a
    slow load (200,000 more triples, about 2 s here) ends, and its worker is replaced after it."""
    for source in DATA.glob("*.ttl"):
        shutil.copy(source, tmp_path / source.name)
    with (tmp_path / "big.ttl").open("w", encoding="utf-8") as big:
        big.writelines(f"<https://example.org/s{n}> <https://example.org/p> {n} .\n"
                       for n in range(200_000))  # fmt: skip
    arguments = ["--data", str(tmp_path), "--workers", "2", "--timeout", "0.2"]
    with (
        running_server(*arguments, ready_seconds=120) as server,
        httpx.Client(timeout=60.0) as client,
    ):
        server.process.send_signal(signal.SIGHUP)
        started = time.monotonic()
        stopped = client.get(server.sparql, params={"query": product(8)})
        stopped_after = time.monotonic() - started
        deadline = time.monotonic() + 120
        while not any("reloaded the data" in line for line in server.stderr_lines):
            assert time.monotonic() < deadline, server.stderr_lines
            time.sleep(0.1)
        while len(worker_pids(server)) < 2:  # the stopped worker is replaced after the load
            assert time.monotonic() < deadline, "the stopped worker was not replaced"
            time.sleep(0.1)
        assert ask(client, server.sparql, ASK_EXTRA)
    assert stopped.status_code == 503 and "time limit of 0.2 s" in stopped.text
    [line] = [line for line in server.stderr_lines if "reloaded the data" in line]
    load_seconds = float(line.split(" in ")[1].split(" s")[0])
    assert stopped_after < load_seconds, "stopped while the data was still loading"


# -- nginx in front of two replicas ------------------------------------------------------------


def documented_block(language: str) -> str:
    """The first ```language block of docs/deployment.md."""
    match = re.search(rf"```{language}\n(.*?)```", DEPLOYMENT.read_text(encoding="utf-8"), re.S)
    assert match, f"docs/deployment.md has no {language} block"
    return match.group(1)


def test_documented_systemd_unit_runs_serve_py_with_valid_options() -> None:
    unit = documented_block("ini")
    fields = dict(line.split("=", 1) for line in unit.splitlines() if "=" in line)
    command = fields["ExecStart"].replace("%i", "8001").split()
    assert command[1] == "serve.py"
    arguments = build_parser().parse_args(command[2:])
    assert (arguments.root_path, arguments.forwarded_allow_ips) == ("/bjaikg", ["127.0.0.1"])
    assert fields["ExecReload"] == "/bin/kill -HUP $MAINPID"
    assert fields["KillSignal"] == "SIGTERM"
    assert float(fields["TimeoutStopSec"]) > arguments.graceful_timeout


def make_certificate(folder: Path) -> tuple[Path, Path]:
    certificate, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(certificate)],
        check=True, capture_output=True,
    )  # fmt: skip
    return certificate, key


@contextlib.contextmanager
def running_nginx(folder: Path, port: int, replicas: tuple[int, int]) -> Iterator[Path]:
    """nginx on ``port`` with the documented site in front of ``replicas``; yields the CA file."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        pytest.fail("nginx is missing: run scripts/setup-system.sh")
    certificate, key = make_certificate(folder)
    site = (
        documented_block("nginx")
        .replace("listen 443 ssl;", f"listen 127.0.0.1:{port} ssl;")
        .replace("/etc/ssl/certs/example.org.pem", str(certificate))
        .replace("/etc/ssl/private/example.org.key", str(key))
        .replace("127.0.0.1:8001", f"127.0.0.1:{replicas[0]}")
        .replace("127.0.0.1:8002", f"127.0.0.1:{replicas[1]}")
    )
    kinds = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    temporary = "".join(f"{kind}_temp_path {folder / kind};\n" for kind in kinds)
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers must reach the temp folder
    (folder / "nginx.conf").write_text(
        f"{user}pid {folder / 'nginx.pid'};\nerror_log {folder / 'error.log'};\nevents {{}}\n"
        f"http {{\naccess_log {folder / 'access.log'};\n{temporary}{site}}}\n"
    )
    command = [nginx, "-p", str(folder), "-e", str(folder / "error.log"),
               "-c", str(folder / "nginx.conf")]  # fmt: skip
    subprocess.run([*command, "-t"], check=True, capture_output=True)
    log = folder / "error.log"  # its error_log too
    with running(
        [*command, "-g", "daemon off;"], accepts_connections(port), ready_seconds=10, log=log
    ):
        yield certificate


URL_IN_TEXT = re.compile(
    r"""(?:href|src|action)="([^"]*)"|<(https?://[^>]*)>|"(https?://[^"]*)\""""
)


def own_urls(text: str) -> list[str]:
    """Every link in ``text`` to this machine: root-relative paths, and URLs of any scheme and
    port on 127.0.0.1 or localhost (the replicas' own addresses included)."""
    found = []
    for match in URL_IN_TEXT.finditer(text):
        url = next(group for group in match.groups() if group is not None)
        local = url.startswith("/") and not url.startswith("//")
        if local or urlsplit(url).hostname in ("127.0.0.1", "localhost"):
            found.append(url)
    return found


@pytest.mark.timeout(240)
def test_nginx_tls_in_front_of_two_replicas(tmp_path: Path) -> None:
    ports = (free_port(), free_port())
    proxy_port = free_port()
    base = f"https://127.0.0.1:{proxy_port}/bjaikg"
    unit = documented_block("ini")
    flags = unit.split("serve.py ", 1)[1].split("\n", 1)[0].split()
    flags = flags[flags.index("--root-path") :]  # the documented options, without host and port
    flags += ["--data", str(DATA), "--workers", "2"]
    with contextlib.ExitStack() as stack:
        first = stack.enter_context(running_server("--port", str(ports[0]), *flags))
        second = stack.enter_context(running_server("--port", str(ports[1]), *flags))
        certificate = stack.enter_context(running_nginx(tmp_path, proxy_port, ports))
        verify = ssl.create_default_context(cafile=str(certificate))
        client = stack.enter_context(httpx.Client(verify=verify, timeout=30.0))

        assert ask(client, f"{base}/sparql", ASK_EXTRA)
        page = client.get(f"{base}/id/test-extra")
        assert page.status_code == 200 and "Extra" in page.text
        documents = {
            "service description": client.get(f"{base}/sparql").text,
            "VoID": client.get(f"{base}/.well-known/void").text,
            "dataset page": client.get(f"{base}/dataset").text,
            "resource page": page.text,
            "query page": client.get(f"{base}/").text,
        }
        openapi = client.get(f"{base}/openapi.json").json()
        assert openapi["servers"] == [{"url": base}]
        # a client's own Forwarded header does not reach the replicas (the site removes it)
        forged = {"Forwarded": "for=198.51.100.9;host=evil.example;proto=http"}
        for _ in range(2):  # one to each replica
            forged_openapi = client.get(f"{base}/openapi.json", headers=forged).json()
            assert forged_openapi["servers"] == [{"url": base}]
        # the JSON answers' own paths are under the prefix too
        graphs = client.get(f"{base}/graphs").json()
        assert graphs["default"] == "/bjaikg/rdf-graph-store?default"
        assert client.get(f"https://127.0.0.1:{proxy_port}{graphs['graphs'][0]['url']}").is_success
        hit = client.get(f"{base}/search", params={"q": "Extra", "format": "json"}).json()["hits"]
        assert hit and hit[0]["address"].startswith("/bjaikg/id/")
        operations = client.get(f"{base}/api/queries").json()["queries"]
        assert operations and operations[0]["operation"].startswith("/bjaikg/api/queries/")
        # answers are compressed for clients that take gzip, and vary on it
        zipped = client.get(
            f"{base}/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"},
            headers={"Accept-Encoding": "gzip", "Accept": "application/sparql-results+json"},
        )  # fmt: skip
        assert zipped.headers["content-encoding"] == "gzip"
        assert "Accept-Encoding" in zipped.headers.get_list("vary")
        for asset in ("/static/editor.js", "/static/bjaikg.css"):  # YASGUI's when installed
            styled = client.get(f"{base}{asset}", headers={"Accept-Encoding": "gzip"})
            assert styled.headers["content-encoding"] == "gzip", asset
        assert f"sd:endpoint <{base}/sparql>" in documents["service description"]
        for name, text in documents.items():
            urls = own_urls(text)
            assert urls, name
            wrong = [url for url in urls
                     if not (url.startswith(f"{base}/") or url.startswith("/bjaikg/"))]  # fmt: skip
            assert wrong == [], name
        assert (
            client.get(f"https://127.0.0.1:{proxy_port}/bjaikg")
            .headers["location"]
            .endswith("/bjaikg/")
        )

        slow: list[httpx.Response] = []

        def post_slow() -> None:  # the replica must finish what it has read
            with httpx.Client(verify=verify, timeout=30.0) as own:
                slow.append(own.post(f"{base}/sparql", data={"query": IN_FLIGHT}))

        # Two requests in a row, nothing else sent meanwhile: the round robin of nginx's one
        # worker process gives one to each replica, so the replica stopped has a slow query in
        # flight once one of its workers evaluates (the loop's requests would break the pairing).
        posts = [threading.Thread(target=post_slow) for _ in range(2)]
        for post in posts:
            post.start()
        wait_until_evaluating(first)
        with QueryLoop(f"{base}/sparql", verify) as loop:
            loop.wait_for_answers(10)
            assert stop(first) == 0
            for post in posts:
                post.join()
            loop.wait_for_answers(10)  # from the other replica alone
            restarted = stack.enter_context(running_server("--port", str(ports[0]), *flags))
            deadline = time.monotonic() + 60  # nginx comes back to it after fail_timeout (2 s)
            while not any('"GET /bjaikg/sparql" 200' in line for line in restarted.stderr_lines):
                assert time.monotonic() < deadline, "nginx never came back to the restarted replica"
                time.sleep(0.1)
        assert len(loop.statuses) > 20
        error_log = (tmp_path / "error.log").read_text()
        assert loop.failures() == [], error_log[-3000:]  # why nginx failed a request
        assert [answer.status_code for answer in slow] == [200] * 2, [a.text for a in slow]
        assert {answer.json()["results"]["bindings"][0]["n"]["value"] for answer in slow} == {
            IN_FLIGHT_COUNT
        }
        # the stopped replica answered its slow query after it was told to stop: in flight then
        answered = logged(first, '"POST /bjaikg/sparql" 200')
        assert answered, first.stderr_lines
        lines = first.stderr_lines
        stopping = next(i for i, line in enumerate(lines) if "stopping:" in line)
        assert answered[0] in lines[stopping:], "the slow query was answered before SIGTERM"
        assert any('"GET /bjaikg/sparql" 200' in line for line in restarted.stderr_lines), (
            "the restarted replica answers again"
        )
        written = first.stderr_lines + second.stderr_lines
        assert not any("198.51.100.9" in line for line in written), "a client named its address"
        assert any('127.0.0.1 "GET /bjaikg/openapi.json"' in line for line in written)
