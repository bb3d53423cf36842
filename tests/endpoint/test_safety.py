"""Safety under load and bad input: the deadline, the in-flight bound, the result bound, the
SERVICE allow-list, and a bounded concurrent load with every answer checked."""

from __future__ import annotations

import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

import httpx
import pytest

from bjaikg import PROJECT_ROOT
from bjaikg.endpoint import federation, worker
from bjaikg.endpoint.application import create_application
from bjaikg.endpoint.connection import HttpRequest
from bjaikg.endpoint.evaluation import MAX_CHAIN
from bjaikg.endpoint.federation import UncheckableQueryError, service_targets
from bjaikg.endpoint.protocol import answer_sparql
from bjaikg.endpoint.query_tokens import service_keywords
from bjaikg.endpoint.settings import Settings
from bjaikg.endpoint.supervisor import FAILED_STARTS
from bjaikg.store import load_knowledge_graph
from tests.endpoint.conftest import CHAIN, DATA, SERVER_TIMEOUT
from tests.endpoint.test_connection import LARGE_ANSWER, get_line, read_response, reading_little
from tests.server_process import (
    ServerProcess,
    cpu_seconds,
    logged,
    running_server,
    start,
    stop,
    wait_until_evaluating,
    worker_pids,
)

pytestmark = pytest.mark.server

# 23 triples to the power 8: far more rows than any deadline lets pyoxigraph count.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . " \
          "?m ?n2 ?o . ?p ?q ?r . ?s ?t ?u . ?v ?w ?x }"  # fmt: skip
CHIP_LABEL = f'SELECT ?l WHERE {{ <{CHAIN}test-chip> <http://www.w3.org/2000/01/rdf-schema#label> ?l FILTER(lang(?l) = "zh") }}'  # noqa: E501


@dataclass
class Outcome:
    """What a request made on another thread was answered, and how long it took."""

    response: httpx.Response | None = None
    seconds: float = 0.0


def metric(http: httpx.Client, name: str) -> float:
    for line in http.get("/metrics").text.splitlines():
        if line.startswith(f"{name} "):
            return float(line.split()[1])
    raise AssertionError(f"no metric {name}")


def replaced_workers(server: ServerProcess, before: set[int], seconds: float = 10.0) -> set[int]:
    """The workers of ``server`` once as many run as ``before`` and one of them is new (a
    replacement starts within a second, later on a loaded machine); as they are after
    ``seconds`` otherwise."""
    deadline = time.monotonic() + seconds
    while True:
        after = worker_pids(server)
        if (len(after) == len(before) and after - before) or time.monotonic() > deadline:
            return after
        time.sleep(0.05)


def test_runaway_query_is_killed_while_others_are_answered(
    http: httpx.Client, server: ServerProcess
) -> None:
    before = worker_pids(server)
    assert len(before) == 2
    timeouts_before = metric(http, "bjaikg_query_timeouts_total")
    outcome = Outcome()

    def run_away() -> None:
        started = time.monotonic()
        response = http.get("/sparql", params={"query": RUNAWAY})
        outcome.response, outcome.seconds = response, time.monotonic() - started
        runaway_answered.set()

    runaway_answered = threading.Event()

    runaway = threading.Thread(target=run_away)
    runaway.start()
    wait_until_evaluating(server)
    answered = 0
    while not runaway_answered.is_set():
        response = http.get("/sparql", params={"query": CHIP_LABEL})
        assert response.status_code == 200
        assert response.json()["results"]["bindings"][0]["l"]["value"] == "测试芯片"
        if not runaway_answered.is_set():
            answered += 1  # answered while the runaway was still running
    runaway.join()
    assert outcome.response is not None
    assert outcome.response.status_code == 503
    assert "time limit of 3 s" in outcome.response.text
    assert outcome.seconds >= SERVER_TIMEOUT
    assert answered >= 1, "no other query was answered while the runaway was evaluated"
    assert metric(http, "bjaikg_query_timeouts_total") == timeouts_before + 1
    after = replaced_workers(server, before)
    assert len(after) == 2
    killed = before - after
    assert len(killed) == 1, "exactly the runaway's worker was replaced"
    assert not any(Path(f"/proc/{pid}").exists() for pid in killed), "the process is gone"


def test_thousands_of_group_elements_in_a_row_are_answered() -> None:
    """3,000 ``BIND``s or ``MINUS`` groups in one group crashed a worker on the default 8 MB
    stack (2,625 did, ``bench/stack_depth.py``); on :data:`STACK_BYTES` they are answered. (A
    server of its own: the 3,000 BINDs take about 0.6 s, over the shared server's 3 s deadline
    on a loaded machine.)"""
    with running_server("--data", str(DATA), "--workers", "1", "--timeout", "60") as server:
        before = worker_pids(server)
        binds = "SELECT * { " + " ".join(f"BIND({i} AS ?v{i})" for i in range(3_000)) + " }"
        minus = "SELECT * { " + "MINUS { ?s ?p ?o } " * 3_000 + "}"
        for query in (binds, minus):
            response = httpx.post(
                server.sparql,
                content=query,
                headers={"Content-Type": "application/sparql-query"},
                timeout=60,
            )
            assert response.status_code == 200, response.text[:200]
            assert len(response.json()["results"]["bindings"]) == 1
        assert worker_pids(server) == before, "no worker died"


def test_a_chain_long_enough_to_crash_a_worker_is_refused_saying_where(
    http: httpx.Client, server: ServerProcess
) -> None:
    """132,000 ``!`` in a row (a 132 kB body) overflowed pyoxigraph's stack even at the
    worker's :data:`STACK_BYTES` (``bench/stack_depth.py``), as 300,000 ``||`` did: both are
    refused before the engine sees them, saying where, and no worker dies."""
    before = worker_pids(server)
    negations = "ASK {\n  FILTER(" + "!" * 132_000 + "true) }"
    disjunction = "ASK { FILTER(" + "||".join(["1"] * 300_000) + ") }"
    # "{" and FILTER are the first two, so the one refused is the 49,999th "!", after
    # "  FILTER(" (9 columns) on line 2
    for query, where in ((negations, f"2:{9 + MAX_CHAIN - 1}"), (disjunction, "1:")):
        response = http.post(
            "/sparql", content=query, headers={"Content-Type": "application/sparql-query"}
        )
        assert response.status_code == 400, response.text[:200]
        assert f"more than {MAX_CHAIN:,} operators, separators" in response.text
        assert f"the last at {where}" in response.text and "split it" in response.text
    within = "ASK { FILTER(" + "!" * (MAX_CHAIN - 100) + "true) }"
    response = http.post(
        "/sparql", content=within, headers={"Content-Type": "application/sparql-query"}
    )
    assert response.status_code == 200 and response.json()["boolean"] is True
    assert worker_pids(server) == before, "no worker died"


def test_a_worker_that_crashes_mid_query_is_answered_500_saying_why(
    http: httpx.Client, server: ServerProcess
) -> None:
    """A worker that dies of SIGSEGV while it evaluates (as pyoxigraph's stack overflow kills
    it; here the signal is sent to it): the client reads what happened, the access log names
    the signal, a new worker answers."""
    before = worker_pids(server)
    used = {pid: cpu_seconds(pid) for pid in before}
    outcome = Outcome()

    def run_away() -> None:
        outcome.response = http.get("/sparql", params={"query": RUNAWAY})

    runaway = threading.Thread(target=run_away)
    runaway.start()
    wait_until_evaluating(server)
    evaluating = max(before, key=lambda pid: cpu_seconds(pid) - used[pid])
    os.kill(evaluating, signal.SIGSEGV)
    runaway.join()
    assert outcome.response is not None
    assert outcome.response.status_code == 500
    assert "crashed (SIGSEGV)" in outcome.response.text
    assert "split it" in outcome.response.text
    after = replaced_workers(server, before)
    assert len(after) == 2 and evaluating not in after
    assert http.get("/sparql", params={"query": "ASK {}"}).status_code == 200
    assert logged(server, "died (SIGSEGV)"), server.stderr_lines[-5:]


def test_a_worker_that_dies_while_idle_is_replaced_unnoticed(
    http: httpx.Client, server: ServerProcess
) -> None:
    """Once the supervisor has replaced the worker (it closes the dead worker's connections
    before it forks the new one), the client's next requests are all answered: a kept-alive
    connection the victim held is closed, so the client opens another."""
    before = worker_pids(server)
    victim = min(before)
    os.kill(victim, signal.SIGKILL)
    after = replaced_workers(server, before)
    assert victim not in after and len(after) == 2
    for _ in range(6):
        response = http.get("/sparql", params={"query": CHIP_LABEL})
        assert response.status_code == 200, response.text


def test_a_replaced_worker_draws_other_random_numbers_than_the_one_before() -> None:
    """pyoxigraph's random generator (``RAND()``, new blank nodes) is per thread and not seeded
    again in a forked child: the graph loaded on the supervisor's main thread, which forks the
    workers, gave every worker it forked the same sequence (R4's finding 4, session 38)."""
    fresh = {"Cache-Control": "no-cache", "Accept": "text/csv"}
    query = {"query": "SELECT (RAND() AS ?r) (BNODE() AS ?b) WHERE {}"}
    with running_server("--data", str(DATA), "--workers", "1") as server:
        drawn = []
        for _ in range(2):
            before = worker_pids(server)
            drawn.append(httpx.get(server.sparql, params=query, headers=fresh).text)
            os.kill(min(before), signal.SIGKILL)
            replaced_workers(server, before)
    assert drawn[0] != drawn[1], drawn


def test_a_request_waiting_on_a_worker_stopped_at_a_deadline_is_answered_by_the_next() -> None:
    """A kept-alive connection of a worker sends a request while that worker evaluates a
    runaway and no other worker is free: the request waits unread, and when the runaway is
    stopped the connection goes to the next worker, which answers it (it was closed unanswered
    and unlogged; a review, 2026-12-07)."""
    with running_server("--data", str(DATA), "--workers", "1", "--timeout", "2") as server:
        host, port = server.url.removeprefix("http://").split(":")
        ask = f"GET /sparql?query={quote('ASK {}')} HTTP/1.1\r\nHost: a\r\n\r\n".encode()
        with socket.create_connection((host, int(port)), timeout=30) as kept:
            kept.sendall(ask)
            assert read_response(kept).startswith(b"HTTP/1.1 200")  # kept alive, now idle
            with ThreadPoolExecutor(1) as pool:
                runaway = pool.submit(
                    httpx.get, server.sparql, params={"query": RUNAWAY}, timeout=30
                )
                wait_until_evaluating(server)
                kept.sendall(ask)
                answer = read_response(kept)
                assert runaway.result().status_code == 503
        assert answer.startswith(b"HTTP/1.1 200") and answer.endswith(b"true}")


WORKERS_DIE_AT_START = """
import sys

from bjaikg.endpoint.application import create_application
from bjaikg.endpoint.cli import serve
from bjaikg.endpoint.settings import Settings
from bjaikg.store import load_knowledge_graph

settings = Settings(
    host="127.0.0.1", port=0, workers=2, graceful_timeout=1,
    forwarded_allow_ips=("not an address",),
)
sys.exit(serve(create_application(settings, load_knowledge_graph()), settings))
"""
"""``serve`` of the project graph through the Python API with a setting no worker can read
(``serve.py`` refuses it): every worker ends as it starts."""


def test_a_server_whose_workers_end_at_start_says_why_and_stops_with_exit_status_3() -> None:
    """A worker ended by an exception logs its traceback and exits 1, and the supervisor says
    so (it ended with status 0 and no line: hostile-input fuzzing, 2026-12-07). A worker that
    ends before it is ready was forked again without end (carried since session 35); after
    ``FAILED_STARTS`` in a row the server now stops, in one line, with exit status 3."""
    command = [sys.executable, "-c", WORKERS_DIE_AT_START]
    server = start(command, cwd=PROJECT_ROOT, environment={"PYTHONUNBUFFERED": "1"})
    try:
        assert server.process.wait(timeout=60) == 3
    finally:
        stop(server.process, signal.SIGKILL, 5)
    for reader in server.readers:
        reader.join(timeout=5)
    failed = logged(server, "ends on an uncaught exception")[0]
    trace = server.stderr_lines[server.stderr_lines.index(failed) :]
    assert trace[1].startswith("Traceback") and any("ValueError: " in line for line in trace)
    ended = logged(server, " ended before it was ready: exit status 1")
    assert FAILED_STARTS <= len(ended) < FAILED_STARTS + 2  # one more may end as it is stopped
    assert server.stderr_lines[-1].startswith(
        f"bjaikg: error: workers fail to start: {FAILED_STARTS} in a row ended before they "
        "were ready, the last (pid "
    )


def test_client_timeout_is_clamped_and_obeyed(http: httpx.Client) -> None:
    response = http.get("/sparql", params={"query": RUNAWAY, "timeout": "0.5"})
    assert response.status_code == 503
    assert "time limit of 0.5 s" in response.text  # the client's limit, not the server's 3 s
    clamped = http.get("/sparql", params={"query": "ASK {}", "timeout": "3600"})
    assert clamped.status_code == 200


def get_in_threads(
    server: ServerProcess, queries: list[str], pause: float
) -> tuple[list[httpx.Response], list[int]]:
    """GET each query on its own connection: the second once the first is being evaluated
    (a fixed pause was not enough on a loaded CI machine: the worker had not yet taken the
    first when the third came, so nothing waited and nothing was refused), the others
    ``pause`` seconds apart. The responses, and the indexes of the queries in the order
    their answers arrived."""
    arrived: list[int] = []

    def fetch(index: int) -> httpx.Response:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            response = client.get("/sparql", params={"query": queries[index]})
        arrived.append(index)
        return response

    with ThreadPoolExecutor(len(queries)) as executor:
        futures = [executor.submit(fetch, 0)]
        wait_until_evaluating(server)
        for index in range(1, len(queries)):
            futures.append(executor.submit(fetch, index))
            time.sleep(pause)
        return [future.result() for future in futures], arrived


def test_requests_beyond_the_bound_get_503_with_retry_after() -> None:
    """One worker, at most two pending: with a runaway evaluating and one client waiting, the
    next is refused at once; the waiting one is answered once the runaway is stopped."""
    arguments = ("--data", str(DATA), "--workers", "1", "--max-pending", "2", "--timeout", "1.5")
    with running_server(*arguments) as server:
        (first, second, third), arrived = get_in_threads(
            server, [RUNAWAY, "ASK {}", "ASK {}"], pause=0.2
        )
        metrics = httpx.get(f"{server.url}/metrics", timeout=10).text
    assert first.status_code == 503 and "time limit of 1.5 s" in first.text
    assert second.status_code == 200, "answered once the runaway was stopped"
    assert third.status_code == 503 and third.headers["retry-after"] == "1"
    assert "busy" in third.text
    assert arrived.index(2) < arrived.index(0), "refused at once, not after waiting for a worker"
    assert "bjaikg_rejections_total 1" in metrics


def test_max_results_cuts_and_says_so() -> None:
    """The protocol's result bound (:func:`answer_sparql`, what a worker runs for /sparql)."""
    settings = Settings(data=(DATA,), max_results=2)
    state = create_application(settings, load_knowledge_graph([DATA])).state.endpoint

    def get(**parameters: str) -> httpx.Response:
        asked = HttpRequest("GET", b"/sparql", urlencode(parameters).encode(), [])
        answer = answer_sparql(state, asked)
        return httpx.Response(answer.status, headers=answer.headers, content=answer.body)

    select = get(query="SELECT ?s WHERE { ?s ?p ?o }", format="tsv")
    construct = get(query="CONSTRUCT WHERE { ?s ?p ?o }", format="nt")
    small = get(query="SELECT * WHERE { ?s ?p ?o } LIMIT 2")
    assert select.headers["x-sparql-truncated"] == "true"
    assert select.headers["x-sparql-max-results"] == "2"
    assert len(select.text.splitlines()) == 3
    assert construct.headers["x-sparql-truncated"] == "true"
    assert len(construct.text.splitlines()) == 2
    assert "x-sparql-truncated" not in small.headers


@contextmanager
def loopback_endpoint(on_connection: Callable[[socket.socket], None]) -> Iterator[str]:
    """A TCP listener on 127.0.0.1 that hands every connection to ``on_connection``."""
    server_socket = socket.socket()
    server_socket.bind(("127.0.0.1", 0))
    server_socket.listen(8)
    server_socket.settimeout(0.2)
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                connection, _ = server_socket.accept()
            except TimeoutError:
                continue
            on_connection(connection)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server_socket.getsockname()[1]}/sparql"
    finally:
        stop.set()
        thread.join()
        server_socket.close()


@pytest.fixture
def listener() -> Iterator[tuple[str, list[bytes]]]:
    """A loopback endpoint that records (and closes) every connection made to it: what came
    in its first second (``b""`` if nothing did)."""
    received: list[bytes] = []

    def record(connection: socket.socket) -> None:
        with connection:
            connection.settimeout(1)
            try:
                received.append(connection.recv(4096))
            except TimeoutError:
                received.append(b"")

    with loopback_endpoint(record) as url:
        yield url, received


PROBE = b"probe"


def received_before_now(url: str, received: list[bytes], seconds: float = 10.0) -> list[bytes]:
    """What the ``listener`` at ``url`` recorded from connections made before this call.

    A probe connection is made now and awaited: the listener takes connections one at a time,
    in the order they were made (the kernel's accept queue), so once it has recorded the probe
    it has recorded every connection made before, however loaded the machine is."""
    with socket.create_connection(("127.0.0.1", urlsplit(url).port or 80), timeout=10) as probe:
        probe.sendall(PROBE)
    deadline = time.monotonic() + seconds
    while PROBE not in received:
        assert time.monotonic() < deadline, f"the listener did not take the probe in {seconds} s"
        time.sleep(0.01)
    return received[: received.index(PROBE)]


@pytest.mark.parametrize(
    ("template", "status"),
    [
        (template, 403)
        for template in [
            "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
            "select * where {{ service silent <{url}> {{ ?s ?p ?o }} }}",
            "SELECT * WHERE {{ ?x ?y ?z FILTER EXISTS {{ SERVICE <{url}> {{ ?x ?p ?o }} }} }}",
            "SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
            "PREFIX remote: <{url}#>\nSELECT * WHERE {{ SERVICE remote: {{ ?s ?p ?o }} }}",
            "SELECT * WHERE {{ BIND(<{url}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
            # SPARQL ends a comment at a carriage return, rdflib only at a line feed: the clause
            # was hidden from the check and called (a review, 2026-12-07)
            "SELECT * {{ # x\r SERVICE <{url}> {{ ?s ?p ?o }} \n }}",
            "SELECT * {{ #\rSERVICE <{url}> {{}} \n}}",
            # pyoxigraph reads SERVICE:x as the keyword and the name :x (the token scan: a name)
            "PREFIX : <{url}>\nSELECT * WHERE {{ SERVICE:srv {{ ?s ?p ?o }} }}",
        ]
    ]
    + [
        (template, 400)
        for template in [  # what the check cannot read as the engine does:
            # rdflib expands \u escapes everywhere, pyoxigraph in strings and IRIs only, so to
            # rdflib "\u0022" opened a string that hid SERVICE:x (a review of this session's fix)
            'PREFIX : <{url}> SELECT * WHERE {{ BIND("\\u0022" AS ?a) SERVICE:x {{ ?s ?p ?o }} '
            'BIND("\\u0022" AS ?b) }}',
            'SELECT * WHERE {{ BIND("\\u0022" AS ?a) SERVICE <{url}> {{ ?s ?p ?o }} '
            'BIND("\\u0022" AS ?b) }}',
            # rdflib raised a bare Exception for the undeclared prefix: a 500
            "SELECT * WHERE {{ SERVICE <{url}> {{ ?s undeclared:p ?o }} }}",
        ]
    ],
)
def test_service_outside_the_allow_list_is_refused_and_never_called(
    http: httpx.Client, listener: tuple[str, list[bytes]], template: str, status: int
) -> None:
    url, received = listener
    response = http.get("/sparql", params={"query": template.format(url=url)})
    assert response.status_code == status, response.text
    assert "allow" in response.text
    called = received_before_now(url, received)  # a call made before the answer is recorded
    assert called == [], "the endpoint contacted a host that is not on its allow-list"


def test_without_an_allow_list_a_worker_has_no_network(server: ServerProcess) -> None:
    """The guarantee behind the allow-list check (two parsers that have disagreed twice): with
    no --allow-service each worker lives in a network namespace of its own, where nothing can
    be reached. A server not run as root cannot make one, and says so in its log."""
    own = os.readlink(f"/proc/{server.process.pid}/ns/net")
    spaces = {os.readlink(f"/proc/{pid}/ns/net") for pid in worker_pids(server)}
    if os.geteuid() == 0:
        assert own not in spaces
    else:
        assert spaces == {own} and logged(server, "workers keep the network")


def test_a_process_without_network_reaches_no_host(listener: tuple[str, list[bytes]]) -> None:
    url, received = listener
    port = urlsplit(url).port
    assert port is not None
    child = os.fork()
    if child == 0:  # the forked test process: 0 when isolated and refused, 1 when it connected
        reached = 2
        if worker.isolate_network():
            try:
                socket.create_connection(("127.0.0.1", port), timeout=2).close()
                reached = 1
            except OSError:
                reached = 0
        os._exit(reached)
    _, status = os.waitpid(child, 0)
    expected = 0 if os.geteuid() == 0 else 2  # only root may unshare the network
    assert os.waitstatus_to_exitcode(status) == expected
    assert received_before_now(url, received) == []


def test_service_nested_too_deep_to_check_is_refused_and_never_called(
    http: httpx.Client, listener: tuple[str, list[bytes]]
) -> None:
    """A query rdflib's parser cannot follow (300 nested groups) is refused, not a 500."""
    url, received = listener
    query = "SELECT * WHERE { " + "{ " * 300 + f"SERVICE <{url}> {{ ?s ?p ?o }}" + " }" * 301
    response = http.get("/sparql", params={"query": query})
    assert response.status_code == 400
    assert "could not be parsed to check it against the allow-list" in response.text
    assert received_before_now(url, received) == []


def test_a_query_holding_more_service_keywords_than_the_check_found_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Whatever else the two parsers come to read differently: the tokens' count of the
    keyword bounds rdflib's (the scan is made to see one keyword more than rdflib can)."""
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"
    assert service_targets(query) == ["http://127.0.0.1:9/"]
    seen = service_keywords(query)
    monkeypatch.setattr(federation, "service_keywords", lambda text: [*seen, len(text) - 1])
    federation._kept_targets.cache_clear()  # the check of this query was kept above
    with pytest.raises(UncheckableQueryError, match="SERVICE 2 time"):
        service_targets(query)


def test_the_keyword_scan_skips_strings_iris_comments_and_names() -> None:
    text = 'SELECT ?service { ?s <x:service> "SERVICE" ; x:service 1 # SERVICE\r }'
    assert service_keywords(text) == []
    assert service_keywords("SELECT * { # x\r SERVICE <a:b> {} }") == [16]


@pytest.mark.parametrize(
    "query",
    [  # rdflib alone refused these: a "#" before SERVICE on its line (a review, 2026-12-07)
        "PREFIX bjo: <https://w3id.org/bjaikg/ontology#> SELECT * "
        "{ SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
        'SELECT * { ?s ?p "#" . SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }',
    ],
)
def test_a_one_line_query_with_a_hash_before_service_is_checked(query: str) -> None:
    assert service_targets(query) == ["http://127.0.0.1:9/"]


def test_service_on_the_allow_list_federates(
    server: ServerProcess, listener: tuple[str, list[bytes]]
) -> None:
    url, received = listener
    with running_server("--data", str(DATA), "--allow-service", server.sparql) as federating:
        query = f"SELECT ?l WHERE {{ SERVICE <{server.sparql}> {{ {CHIP_LABEL.split('{', 1)[1]} }}"
        response = httpx.get(federating.sparql, params={"query": query}, timeout=30)
        assert response.status_code == 200, response.text
        assert [b["l"]["value"] for b in response.json()["results"]["bindings"]] == ["测试芯片"]
        refused = httpx.get(
            federating.sparql,
            params={"query": f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"},
            timeout=30,
        )
        assert refused.status_code == 403
        description = httpx.get(federating.sparql, timeout=30).text
        assert "BasicFederatedQuery" in description
    assert received_before_now(url, received) == []


def test_a_relative_service_iri_is_checked_and_quoted_resolved(server: ServerProcess) -> None:
    """``SERVICE <sparql>`` is called at the IRI resolved against the base IRI (the service's
    URL, from Host), so that one is checked: it was the relative text, never on the list (an
    allowed endpoint was refused), and the refusal quoted it unresolved (a review, session 38)."""
    with running_server("--data", str(DATA), "--allow-service", server.sparql) as federating:
        host = {"Host": urlsplit(server.url).netloc}  # the base IRI: server.sparql
        query = f"SELECT ?l WHERE {{ SERVICE <sparql> {{ {CHIP_LABEL.split('{', 1)[1]} }}"
        response = httpx.get(federating.sparql, params={"query": query}, headers=host, timeout=30)
        assert response.status_code == 200, response.text
        assert [b["l"]["value"] for b in response.json()["results"]["bindings"]] == ["测试芯片"]
        other = query.replace("<sparql>", "<other>")
        refused = httpx.get(federating.sparql, params={"query": other}, headers=host, timeout=30)
        assert refused.status_code == 403
        expected = f"SERVICE <{server.url}/other> (written <other> in the query) is not on"
        assert refused.text.startswith(expected), refused.text


CHAIN_PATH = "|".join(
    f"<https://w3id.org/bjaikg/ontology#{name}>"
    for name in ("appliesTo", "hosts", "develops", "runsOn")
)
LOAD_QUERIES: list[tuple[dict[str, str], str]] = [
    ({"query": CHIP_LABEL}, "测试芯片"),
    ({"query": f"ASK {{ <{CHAIN}test-policy> ?p ?o }}"}, "true"),
    ({"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}, "23"),
    (
        {"query": f"SELECT ?x WHERE {{ <{CHAIN}test-policy> ({CHAIN_PATH})+ ?x }} "
                  "ORDER BY DESC(?x) LIMIT 1"},
        f"{CHAIN}test-product",
    ),
]  # fmt: skip


def answer_value(response: httpx.Response) -> str:
    document = response.json()
    if "boolean" in document:
        return str(document["boolean"]).lower()
    row = document["results"]["bindings"][0]
    return next(iter(row.values()))["value"]


def test_bounded_concurrent_load_loses_nothing(server: ServerProcess) -> None:
    clients, per_client = 8, 50

    def run(client_number: int) -> list[tuple[str, str]]:
        outcomes = []
        with httpx.Client(base_url=server.url, timeout=30) as client:
            for request_number in range(per_client):
                index = (client_number + request_number) % len(LOAD_QUERIES)
                params, expected = LOAD_QUERIES[index]
                if request_number % 2:
                    response = client.post("/sparql", data=params)
                else:
                    response = client.get("/sparql", params=params)
                assert response.status_code == 200, response.text
                outcomes.append((answer_value(response), expected))
        return outcomes

    with ThreadPoolExecutor(clients) as executor:
        results = [outcome for batch in executor.map(run, range(clients)) for outcome in batch]
    assert len(results) == clients * per_client
    assert all(actual == expected for actual, expected in results)


def test_python_api_answers_under_the_same_limits() -> None:
    settings = Settings(data=(DATA,), timeout=1.0, max_results=1)
    state = create_application(settings, load_knowledge_graph([DATA])).state.endpoint
    answer = state.answer(CHIP_LABEL, format_parameter="csv")
    assert (answer.status, answer.text) == (200, "l\r\n测试芯片\r\n")
    broken = state.answer("ASK {")
    assert broken.status == 400 and broken.text.startswith("SPARQL syntax error")
    truncated = state.answer("SELECT * WHERE { ?s ?p ?o }")
    assert truncated.truncated and truncated.results == 1


def test_a_query_over_the_memory_bound_fails_alone() -> None:
    # 23^5 rows to sort: gigabytes, reached long before the 20 s deadline.
    hungry = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o } ORDER BY ?a"
    arguments = ("--data", str(DATA), "--workers", "2", "--max-memory", "100", "--timeout", "20")
    with running_server(*arguments) as server:
        failed = httpx.get(server.sparql, params={"query": hungry}, timeout=30)
        after = httpx.get(server.sparql, params={"query": CHIP_LABEL}, timeout=30)
    assert failed.status_code == 500
    assert "out of memory?" in failed.text  # stopped by the memory bound (the deadline is 503)
    assert after.json()["results"]["bindings"][0]["l"]["value"] == "测试芯片"


def test_clients_slow_to_read_one_kept_answer_hold_it_once() -> None:
    """Twenty clients ask for a 13 MB answer the worker keeps and do not read it: each waits on a
    view of the one kept copy, so ``--max-memory 150`` is not reached. (Each client held a copy:
    the worker failed an allocation in Python and ended, dropping every connection it held;
    hostile-input fuzzing, 2026-12-07.)"""
    arguments = ("--data", str(DATA), "--workers", "1", "--max-memory", "150")
    with running_server(*arguments) as server:
        workers = worker_pids(server)
        with reading_little(server) as first:  # evaluated and kept
            first.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
            first.sendall(get_line(LARGE_ANSWER))
            evaluated = read_response(first)
        readers = [reading_little(server) for _ in range(20)]
        try:
            for reader in readers:
                reader.sendall(get_line(LARGE_ANSWER))
            after = httpx.get(server.sparql, params={"query": CHIP_LABEL}, timeout=30)
            readers[-1].setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
            kept = read_response(readers[-1])
        finally:
            for reader in readers:
                reader.close()
        assert worker_pids(server) == workers
        assert not logged(server, " ended: ", seconds=0.5)
    assert (
        len(evaluated) > 13_000_000
        and kept.partition(b"\r\n\r\n")[2] == evaluated.partition(b"\r\n\r\n")[2]
    )
    assert after.json()["results"]["bindings"][0]["l"]["value"] == "测试芯片"


@pytest.fixture
def silent_remote() -> Iterator[tuple[str, list[socket.socket]]]:
    """A loopback 'endpoint' that accepts connections and never answers (closed at the end)."""
    held: list[socket.socket] = []
    with loopback_endpoint(held.append) as url:
        yield url, held
    for connection in held:
        connection.close()


def test_a_query_calling_service_gets_the_shorter_service_deadline(
    silent_remote: tuple[str, list[socket.socket]],
) -> None:
    """A remote that accepts and never answers holds the query only for --service-timeout."""
    url, held = silent_remote

    arguments = ("--data", str(DATA), "--allow-service", url, "--timeout", "20")
    with running_server(*arguments, "--service-timeout", "1") as server:
        response = httpx.get(
            server.sparql,
            params={"query": f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"},
            timeout=30,
        )
    assert response.status_code == 503  # the service deadline (1 s), not the server's 20 s
    assert "time limit of 1 s" in response.text and "calling SERVICE" in response.text
    # the connection waits in the listener's backlog until its thread accepts it, which on a
    # loaded machine can come after the answer (seen once in a run at load average 9)
    deadline = time.monotonic() + 5
    while not held and time.monotonic() < deadline:
        time.sleep(0.05)
    assert held, "the allow-listed remote was called"


class RecordingClock:
    """A query clock that records the limits it is given (the worker's clock kills instead)."""

    def __init__(self) -> None:
        self.limits: list[float] = []

    @contextmanager
    def evaluating(self, route: str, seconds: float, query: str = "") -> Iterator[None]:
        self.limits.append(seconds)
        yield


def test_the_python_api_gives_a_query_calling_service_the_service_deadline() -> None:
    """``EndpointState.answer`` (the UI's named queries, /health) clamps like ``/sparql``."""
    settings = Settings(data=(DATA,), timeout=30, service_timeout=2)
    state = create_application(settings, load_knowledge_graph([DATA])).state.endpoint
    clock = state.clock = RecordingClock()
    state.answer("SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }")
    state.answer("ASK { ?s ?p ?o }")
    assert clock.limits == [2, 30]


def test_public_wikidata_endpoints_are_allowed_only_on_request() -> None:
    from bjaikg.endpoint.cli import build_parser, settings_from
    from bjaikg.linking.targets import PUBLIC_WIKIDATA_ENDPOINTS

    parser = build_parser()
    assert settings_from(parser.parse_args([])).allow_service == ()
    chosen = settings_from(
        parser.parse_args(
            ["--allow-service", "http://127.0.0.1:1/sparql", "--allow-public-wikidata"]
        )
    )
    assert chosen.allow_service == ("http://127.0.0.1:1/sparql", *PUBLIC_WIKIDATA_ENDPOINTS)
    assert settings_from(parser.parse_args(["--service-timeout", "2.5"])).service_timeout == 2.5


def test_a_dump_too_slow_to_build_is_stopped_at_the_deadline(tmp_path: Path) -> None:
    """Serialising a dump runs under the query deadline: a build past it ends in 503, the
    worker is replaced and the server goes on answering."""
    data = tmp_path / "large.ttl"
    with data.open("w", encoding="utf-8") as output:
        for number in range(200_000):
            output.write(
                f'<http://example.org/s{number}> <http://example.org/p> "value {number}" .\n'
            )
    with running_server("--data", str(data), "--timeout", "0.2", ready_seconds=120) as server:
        client = httpx.Client(base_url=server.url, timeout=30)
        workers = worker_pids(server)
        response = client.get("/dump.nt")
        assert response.status_code == 503
        assert "time limit of 0.2 s" in response.text
        assert client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).status_code == 200
        assert metric(client, "bjaikg_query_timeouts_total") == 1
        deadline = time.monotonic() + 10
        while len(worker_pids(server) - workers) < 1 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(worker_pids(server)) == len(workers), "the killed worker was not replaced"


def test_a_page_too_slow_to_build_is_stopped_at_the_deadline(tmp_path: Path) -> None:
    """A page's store accesses run on the clock like a query: a resource page whose statements
    take longer than ``--timeout`` to gather is answered 503 in time and logged, while other
    clients are answered meanwhile and after. The HTML page reads at most
    ``OUTGOING_LIMIT`` statements; its RDF forms are never cut, so the Turtle form is the page
    that 100,000 values make slow."""
    for fixture in DATA.glob("*.ttl"):
        (tmp_path / fixture.name).write_bytes(fixture.read_bytes())
    values = ", ".join(f'"value {number}"' for number in range(100_000))
    (tmp_path / "slow.ttl").write_text(f"<{CHAIN}slow> <http://example.org/p> {values} .\n")
    arguments = ("--data", str(tmp_path), "--timeout", "1", "--workers", "2")
    with running_server(*arguments, ready_seconds=120) as server:
        client = httpx.Client(base_url=server.url, timeout=30)
        outcome = Outcome()

        def ask_for_page() -> None:
            started = time.monotonic()
            with httpx.Client(base_url=server.url, timeout=30) as own:
                outcome.response = own.get("/id/slow.ttl")
            outcome.seconds = time.monotonic() - started

        page = threading.Thread(target=ask_for_page)
        page.start()
        wait_until_evaluating(server)
        answered_meanwhile = 0
        while page.is_alive():
            response = client.get("/sparql", params={"query": CHIP_LABEL})
            assert response.status_code == 200, response.text
            answered_meanwhile += page.is_alive()
        page.join()
        assert outcome.response is not None
        assert outcome.response.status_code == 503, outcome.response.text[:200]
        assert "time limit of 1 s" in outcome.response.text
        # at its deadline: the 503 names the 1 s limit, which only the supervisor's kill at
        # the deadline writes; how soon after it is the load's business, not bounded here
        assert outcome.seconds >= 1.0
        assert answered_meanwhile >= 1, "nobody was answered while the page was being built"
        assert client.get("/sparql", params={"query": CHIP_LABEL}).status_code == 200
        assert client.get("/id/test-chip").status_code == 200
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not any(
            '"GET /id/slow.ttl" 503' in line for line in server.stderr_lines
        ):
            time.sleep(0.1)
        [line] = [line for line in server.stderr_lines if '"GET /id/slow.ttl" 503' in line]
        assert "stopped at its deadline of 1 s" in line
