"""Benchmark of the SPARQL endpoint against its floor and its alternatives (never a test).

    python bench/endpoint.py [--sizes project,1e5,1e6] [--seconds 3] [--servers ...] [--queries ...]

For each graph (the project graph, and synthetic graphs of 1e5 and 1e6 triples written by
``bench/synthetic.py``) and each query of a fixed mix (lookup by IRI, the policy → district →
institution → product → chip chain, an aggregate, OPTIONAL + FILTER(lang), a property path and
a text filter), it measures throughput and p50/p99 latency with 1 and 8 concurrent clients.
Every request says ``Cache-Control: no-cache``, so ``serve.py`` evaluates each one; the rows
``QUERY cached`` (``--cached``) repeat the query without it, so ``serve.py`` sends the answer it
keeps (the Oxigraph server keeps none and evaluates each time):

- ``floor``: the query in-process on pyoxigraph (query + JSON serialisation, threads as clients);
- ``serve``: our ``serve.py`` over HTTP (default settings: worker processes, deadlines on);
- ``oxigraph``: the Oxigraph server (``oxigraph serve-read-only``, PyPI package ``oxigraph``);
- ``rdflib-endpoint``: the Python peer (``rdflib-endpoint serve``);
- ``uvicorn``: ``serve.py``'s Starlette application on uvicorn with 2 worker processes, no
  deadline and no access log (``bench/uvicorn_application.py``): the bound of a design on
  standard parts (not in the default ``--servers``).
- ``gunicorn``: the same application on gunicorn with 2 uvicorn workers (``uvicorn-worker``), no
  access log, and ``--timeout`` serve.py's default deadline (30 s): the arbiter kills a worker
  silent that long, the only deadline gunicorn has (not in the default ``--servers``).
- ``static``: nginx (Debian) sending each query's answer from a file: the cheapest HTTP answer
  the machine gives, so the bound of any server's kept answer;
- ``serve-oxigraph``: our ``serve.py --store`` over the Oxigraph server (``oxigraph serve
  --union-default-graph``, the triples in one named graph);
- ``serve-virtuoso``: our ``serve.py --store`` over Virtuoso 7 (Debian), bulk-loaded as
  ``python -m bjaikg load --method virtuoso`` does (left out when ``virtuoso-t`` is missing).

``--front-ends N`` runs N ``serve.py --store`` processes (``--workers 1`` each) over each
external store; the clients are then shared among them (:func:`run_wrk`).

The mix also has ``page``: ``GET /id/<slug>`` of the anchor, the resource page (only the
``serve*`` servers have pages; its check is a 200, not a row count).

HTTP load comes from ``wrk`` (Debian) on loopback. Before timing, every server's answer to
every query is checked against the floor's row count; a server that answers wrongly is marked.
All servers run at once; for each query and concurrency they are measured one after the other,
``--rounds`` times, and the round with the median throughput is reported, so a burst of load
from elsewhere hits every server alike. Each cell also gives the CPU time the server's
processes spent per request (µs, from ``/proc``), which depends far less on other load, and
the CPU time ``wrk`` spent per request.
Prints one table per graph and the throughput ratios of :data:`RATIOS` (serve/oxigraph,
serve/rdflib-endpoint, serve/uvicorn, serve/gunicorn, serve/static, static/oxigraph, and each
``serve-*`` front-end over an external store to ``serve``).
Every server's output (``serve.py``'s access log, a line per request, among it) goes to a file
in the temporary folder, removed once it has stopped (:func:`log_file`).

Hazard: figures depend on the machine and on what else runs on it; on a shared 2-core machine
the client (wrk) competes with the servers for the same cores.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import httpx
import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bjaikg.endpoint.settings import Settings
from bjaikg.loading import VirtuosoConsole, sql_string
from bjaikg.namespaces import BJG, sparql_prologue
from bjaikg.store import default_paths, discover_files, load_knowledge_graph
from tests.server_process import (
    accepts_connections,
    answers_query,
    children,
    cpu_seconds,
    free_port,
    running,
    running_server,
)
from tests.stores.servers import running_oxigraph, running_virtuoso

BENCH = Path(__file__).resolve().parent
PROLOGUE = sparql_prologue({"bj": "https://w3id.org/bjaikg/id/",
                            "bjo": "https://w3id.org/bjaikg/ontology#",
                            "rdfs": "http://www.w3.org/2000/01/rdf-schema#"})  # fmt: skip
CHAIN = "bjo:includesDistrict|bjo:gathers|bjo:developed"
QUERIES: dict[str, str] = {
    "lookup": "SELECT ?p ?o WHERE { <{anchor}> ?p ?o }",
    "chain": "SELECT ?district ?institution ?product ?chip WHERE { <{policy}> "
             "bjo:includesDistrict ?district . ?district bjo:gathers ?institution . "
             "?product bjo:developedBy ?institution . "
             "OPTIONAL { ?chip bjo:designedBy ?institution } }",
    "aggregate": "SELECT ?class (COUNT(?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class "
                 "ORDER BY DESC(?n)",
    "optional-lang": "SELECT ?s ?zh ?en WHERE { ?s a bjo:InnovationDistrict "
                     "OPTIONAL { ?s rdfs:label ?zh FILTER(lang(?zh) = 'zh') } "
                     "OPTIONAL { ?s rdfs:label ?en FILTER(lang(?en) = 'en') } } LIMIT 100",
    "path": f"SELECT DISTINCT ?x WHERE {{ <{{policy}}> ({CHAIN})+ ?x }}",
    "text": "SELECT ?s ?label WHERE { ?s rdfs:label ?label FILTER(CONTAINS(?label, '芯片1')) } "
            "LIMIT 20",
}  # fmt: skip
PAGES: dict[str, str] = {"page": "/id/{slug}"}
"""Pages of the mix: a path on the server (``serve*`` servers only)."""
CLIENTS = (1, 8)
JSON_RESULTS = "application/sparql-results+json"


@dataclass(frozen=True)
class Measurement:
    """Throughput and latency of one server on one query at one concurrency."""

    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int = 0
    cpu_us: float = math.nan
    client_cpu_us: float = math.nan

    def cell(self) -> str:
        flag = f" ({self.errors} errors)" if self.errors else ""
        cpu = "" if math.isnan(self.cpu_us) else f" {self.cpu_us:5.0f}µs"
        if not math.isnan(self.client_cpu_us):
            cpu += f" (wrk {self.client_cpu_us:.0f}µs)"
        figures = f"{self.requests_per_second:8.0f}/s {self.p50_ms:6.2f} {self.p99_ms:7.2f}"
        return f"{figures}{cpu}{flag}"


@dataclass(frozen=True)
class Endpoint:
    """A running server: its query URL and its process (children included in CPU time), and
    ``more`` front-ends beside it (query URL, process) sharing its store."""

    url: str
    pid: int
    more: tuple[tuple[str, int], ...] = ()


def cpu_seconds_with_children(pid: int) -> float:
    """CPU time (user + system) of process ``pid`` and of its children alive now."""
    return sum(cpu_seconds(process) for process in (pid, *children(pid)))


@contextmanager
def log_file(name: str) -> Iterator[Path]:
    """``bjaikg-bench-NAME.log`` in the temporary folder, a server's output (quoted if it does
    not start): absent at first, removed when the block ends."""
    log = Path(tempfile.gettempdir()) / f"bjaikg-bench-{name}.log"
    log.unlink(missing_ok=True)
    try:
        yield log
    finally:
        log.unlink(missing_ok=True)


@contextmanager
def external_server(
    command: list[str], url: str, ready_seconds: float, environment: dict[str, str] | None = None
) -> Iterator[Endpoint]:
    """Run ``command`` (with ``environment`` added) until the block ends, once ``url`` answers
    ``ASK {}``."""
    with (
        log_file(Path(command[0]).name) as log,
        running(
            command, answers_query(url), ready_seconds=ready_seconds, log=log,
            environment=environment,
        ) as server,
    ):  # fmt: skip
        yield Endpoint(url, server.process.pid)


@contextmanager
def serve_endpoint(files: list[Path]) -> Iterator[Endpoint]:
    """Our serve.py on the files (each a named graph, union default graph)."""
    arguments = [argument for path in files for argument in ("--data", str(path))]
    with (
        log_file("serve") as log,
        running_server(
            *arguments, "--max-results", "1000000", ready_seconds=600, log=log
        ) as server,
    ):
        yield Endpoint(server.sparql, server.process.pid)


@contextmanager
def oxigraph_endpoint(files: list[Path], launcher: Sequence[str] = ()) -> Iterator[Endpoint]:
    """``oxigraph serve-read-only`` on a store loaded from the files (default graph), run under
    ``launcher`` (e.g. valgrind) when given."""
    with tempfile.TemporaryDirectory(prefix="bench-oxigraph-") as location:
        for path in files:
            load = [beside_python("oxigraph"), "load", "--location", location, "--file", str(path)]
            subprocess.run(load, check=True, capture_output=True)
        port = free_port()
        command = [*launcher, beside_python("oxigraph"), "serve-read-only", "--location",
                   location, "--bind", f"127.0.0.1:{port}"]  # fmt: skip
        with external_server(command, f"http://127.0.0.1:{port}/query", 120) as endpoint:
            yield endpoint


@contextmanager
def rdflib_endpoint(files: list[Path]) -> Iterator[Endpoint]:
    """``rdflib-endpoint serve`` on the files (rdflib's in-memory store)."""
    port = free_port()
    command = [beside_python("rdflib-endpoint"), "serve", *map(str, files), "--host", "127.0.0.1",
               "--port", str(port)]  # fmt: skip
    with external_server(command, f"http://127.0.0.1:{port}/", 900) as endpoint:
        yield endpoint


def uvicorn_command(port: int) -> list[str]:
    """uvicorn, 2 workers, no deadline, no access log."""
    return [beside_python("uvicorn"), "--factory", "uvicorn_application:application",
            "--app-dir", str(BENCH), "--host", "127.0.0.1", "--port", str(port),
            "--workers", "2", "--no-access-log", "--log-level", "warning"]  # fmt: skip


def gunicorn_command(port: int) -> list[str]:
    """gunicorn, 2 uvicorn workers (package ``uvicorn-worker``), no access log (gunicorn's
    default), ``--timeout`` serve.py's default deadline: the arbiter kills a worker that has not
    notified it for that long, as one does while it evaluates a query."""
    return [beside_python("gunicorn"), "uvicorn_application:application()",
            "--pythonpath", str(BENCH), "--bind", f"127.0.0.1:{port}", "--workers", "2",
            "--worker-class", "uvicorn_worker.UvicornWorker",
            "--timeout", f"{Settings().timeout:.0f}", "--log-level", "warning"]  # fmt: skip


@contextmanager
def starlette_endpoint(
    files: list[Path], command: Callable[[int], list[str]]
) -> Iterator[Endpoint]:
    """serve.py's Starlette application (``bench/uvicorn_application.py``) on the files, run by
    ``command(port)``."""
    port = free_port()
    files_variable = {"BJAIKG_BENCH_FILES": os.pathsep.join(map(str, files))}
    with external_server(
        command(port), f"http://127.0.0.1:{port}/sparql", 600, files_variable
    ) as endpoint:
        yield endpoint


NGINX_STATIC = """daemon off;
worker_processes {workers};
pid {folder}/nginx.pid;
error_log {folder}/error.log;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  map_hash_bucket_size 8192;
  map $arg_query $answer {{ default ""; {answers} }}
  server {{
    listen 127.0.0.1:{port};
    location = /sparql {{
      default_type application/sparql-results+json;
      root {folder};
      try_files /$answer =404;
    }}
  }}
}}
"""
"""nginx answering each query of the mix with its answer from a file, matched by the query
string exactly as :func:`run_wrk` encodes it."""


@contextmanager
def static_endpoint(dataset: Dataset) -> Iterator[Endpoint]:
    """nginx (Debian) sending each query's JSON answer, serialised beforehand by pyoxigraph,
    from a file: the cheapest HTTP answer this machine gives, so the bound of any server's
    kept answer (``static/oxigraph`` is the most a cached row can reach)."""
    if shutil.which("nginx") is None:
        raise RuntimeError("nginx is not installed (scripts/setup-system.sh)")
    with tempfile.TemporaryDirectory(prefix="bench-static-") as location:
        folder, port = Path(location), free_port()
        folder.chmod(0o755)  # nginx's workers run as another user when started by root
        answers = []
        for number, query in enumerate(dataset.queries.values()):
            if query.startswith("/"):  # a page: only the serve* servers have them
                continue
            result = dataset.store.query(query, use_default_graph_as_union=True)
            assert isinstance(result, ox.QuerySolutions)  # the mix has SELECT queries only
            result.serialize(str(folder / f"{number}.json"), ox.QueryResultsFormat.JSON)
            answers.append(f'"{quote(query, safe="")}" {number}.json;')
        configuration = NGINX_STATIC.format(
            workers=os.cpu_count() or 1, folder=folder, port=port, answers=" ".join(answers)
        )
        (folder / "nginx.conf").write_text(configuration)
        command = ["nginx", "-c", str(folder / "nginx.conf"), "-p", str(folder)]
        with running(command, accepts_connections(port), ready_seconds=30) as server:
            yield Endpoint(f"http://127.0.0.1:{port}/sparql", server.process.pid)


STORE_GRAPH = f"{BJG}bench"
"""The named graph the external stores of ``serve-*`` hold the triples in."""
VIRTUOSO_BUFFERS = 340000
"""8 KiB pages (2.7 GB), as bench/stores.py gives Virtuoso."""


FRONT_ENDS = 1
"""``serve.py --store`` processes over each external store (``--front-ends``)."""


@contextmanager
def store_front_end(query_url: str) -> Iterator[Endpoint]:
    """:data:`FRONT_ENDS` of our serve.py --store over the external store at ``query_url``
    (with more than one, each has ``--workers 1``)."""
    workers = ["--workers", "1"] if FRONT_ENDS > 1 else []
    arguments = ["--store", query_url, "--max-results", "1000000", *workers]
    with log_file("serve-store") as log, ExitStack() as front_ends:
        servers = [
            front_ends.enter_context(running_server(*arguments, ready_seconds=3600, log=log))
            for _ in range(FRONT_ENDS)
        ]
        more = tuple((server.sparql, server.process.pid) for server in servers[1:])
        yield Endpoint(servers[0].sparql, servers[0].process.pid, more)


@contextmanager
def serve_oxigraph_endpoint(files: list[Path]) -> Iterator[Endpoint]:
    """``serve.py --store`` over ``oxigraph serve --union-default-graph`` holding the files."""
    with tempfile.TemporaryDirectory(prefix="bench-serve-oxigraph-") as location:
        folder = Path(location) / "store"
        for path in files:
            load = [beside_python("oxigraph"), "load", "--location", str(folder),
                    "--file", str(path), "--graph", STORE_GRAPH]  # fmt: skip
            subprocess.run(load, check=True, capture_output=True)
        store = running_oxigraph(folder, timeout_seconds=3600, ready_seconds=300)
        with store as running, store_front_end(running.query_url) as endpoint:
            yield endpoint


@contextmanager
def serve_virtuoso_endpoint(files: list[Path]) -> Iterator[Endpoint]:
    """``serve.py --store`` over Virtuoso holding the files (its bulk loader)."""
    if shutil.which("virtuoso-t") is None:
        raise RuntimeError("virtuoso-t is not installed (scripts/setup-system.sh)")
    with tempfile.TemporaryDirectory(prefix="bench-serve-virtuoso-") as location:
        folder = Path(location)
        with running_virtuoso(
            folder, buffers=VIRTUOSO_BUFFERS, query_seconds=3600, ready_seconds=300
        ) as store:
            assert store.isql is not None and store.user and store.password
            console = VirtuosoConsole(store.isql, store.user, store.password, folder / "load")
            for path in files:
                shutil.copy(path, folder / "load" / path.name)
                console.run(
                    f"ld_dir({sql_string(str(folder / 'load'))}, {sql_string(path.name)}, "
                    f"{sql_string(STORE_GRAPH)});"
                )
            console.run("rdf_loader_run();checkpoint;")
            with store_front_end(store.query_url) as endpoint:
                yield endpoint


SERVERS: dict[str, Callable[[Dataset], AbstractContextManager[Endpoint]]] = {
    "serve": lambda dataset: serve_endpoint(dataset.files),  # Turtle: serve.py infers itself
    "oxigraph": lambda dataset: oxigraph_endpoint([dataset.union]),
    "rdflib-endpoint": lambda dataset: rdflib_endpoint([dataset.union]),
    "uvicorn": lambda dataset: starlette_endpoint(dataset.files, uvicorn_command),
    "gunicorn": lambda dataset: starlette_endpoint(dataset.files, gunicorn_command),
    "serve-oxigraph": lambda dataset: serve_oxigraph_endpoint([dataset.union]),
    "serve-virtuoso": lambda dataset: serve_virtuoso_endpoint([dataset.union]),
    "static": static_endpoint,
}
DEFAULT_SERVERS = ("serve", "oxigraph", "rdflib-endpoint", "static")
"""Servers given the Turtle files (they infer as serve.py does); the others get N-Triples."""

_LATENCY = re.compile(r"^\s+(50|99)(?:\.000)?%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def run_wrk(
    endpoint: Endpoint, query: str, clients: int, seconds: int, cached: bool
) -> Measurement:
    """``wrk`` GET load on ``url?query=…`` with ``clients`` connections (with
    ``Cache-Control: no-cache`` unless ``cached``). Over several front-ends the clients are
    shared among them (one ``wrk`` each, at once): the rates add up, p50 is the mean of the
    front-ends' and p99 the largest."""
    servers = [(endpoint.url, endpoint.pid), *endpoint.more][:clients]
    accept = "text/html" if query.startswith("/") else JSON_RESULTS
    fresh = [] if cached else ["-H", "Cache-Control: no-cache"]
    cpu_before = sum(cpu_seconds_with_children(pid) for _, pid in servers)
    client_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    runs = []
    for url, _ in servers:
        if query.startswith("/"):  # a page of the server
            target = url.removesuffix("/sparql") + query
        else:
            target = f"{url}?query={quote(query, safe='')}"
        share = clients // len(servers)
        runs.append(subprocess.Popen(
            ["wrk", f"-t{min(share, 2)}", f"-c{share}", f"-d{seconds}s", "--latency",
             "--timeout", "30s", "-H", f"Accept: {accept}", *fresh, target],
            stdout=subprocess.PIPE, text=True,
        ))  # fmt: skip
    outputs = [run.communicate()[0] for run in runs]
    client_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    rate, failed, requests, p50s, p99s = 0.0, 0, 0, [], []
    for output in outputs:
        rate += float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
        latencies = {p: float(v) * _UNIT_MS[u] for p, v, u in _LATENCY.findall(output)}
        p50s.append(latencies.get("50", math.nan))
        p99s.append(latencies.get("99", math.nan))
        errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
        failed += int(errors.group(1)) if errors else 0
        requests += int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    cpu_after = sum(cpu_seconds_with_children(pid) for _, pid in servers)
    cpu_us = (cpu_after - cpu_before) * 1e6 / requests if requests else math.nan
    client_seconds = sum(
        getattr(client_after, field) - getattr(client_before, field)
        for field in ("ru_utime", "ru_stime")
    )
    client_us = client_seconds * 1e6 / requests if requests else math.nan
    # No request finished within the run (a query slower than the run): no latency to report.
    return Measurement(rate, statistics.fmean(p50s), max(p99s), failed, cpu_us, client_us)


def run_floor(store: ox.Store, query: str, clients: int, seconds: float) -> Measurement:
    """The query in-process on pyoxigraph (evaluation + JSON results), ``clients`` threads."""
    durations: list[list[float]] = [[] for _ in range(clients)]
    stop = time.monotonic() + seconds

    def client(number: int) -> None:
        while time.monotonic() < stop:
            started = time.perf_counter()
            result = store.query(query, use_default_graph_as_union=True)
            assert isinstance(result, ox.QuerySolutions)
            result.serialize(format=ox.QueryResultsFormat.JSON)
            durations[number].append(time.perf_counter() - started)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = sorted(d for per_client in durations for d in per_client)
    quantiles = statistics.quantiles(every, n=100) if len(every) > 1 else every * 99
    return Measurement(len(every) / seconds, quantiles[49] * 1000, quantiles[98] * 1000)


def rows_in(store: ox.Store, query: str) -> int:
    result = store.query(query, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    return sum(1 for _ in result)


def rows_over_http(url: str, query: str) -> int | str:
    response = httpx.get(f"{url}?query={quote(query, safe='')}", headers={"Accept": JSON_RESULTS},
                         timeout=300)  # fmt: skip
    if response.status_code != 200:
        return f"HTTP {response.status_code}"
    return len(json.loads(response.content)["results"]["bindings"])


def answered_over_http(server: str, url: str, query: str) -> int | str:
    """Rows of ``query`` at ``url``; for a page (a path), its status on a ``serve*`` server."""
    if not query.startswith("/"):
        return rows_over_http(url, query)
    if not server.startswith("serve"):
        return "no pages"
    return httpx.get(url.removesuffix("/sparql") + query, timeout=60).status_code


def first(store: ox.Store, query: str, fallback: str) -> str:
    result = store.query(PROLOGUE + query, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    return next((row[0].value for row in result if row[0] is not None), fallback)


def dataset_files(size: str, workdir: Path) -> list[Path]:
    """The project's files, or a synthetic graph of ``size`` triples (written again whenever
    ``bench/synthetic.py`` is newer than the file)."""
    if size == "project":
        return discover_files(default_paths())
    path = workdir / f"synthetic-{size}.ttl"
    generator = BENCH / "synthetic.py"
    if not path.exists() or path.stat().st_mtime < generator.stat().st_mtime:
        subprocess.run([sys.executable, str(generator), "--triples", size,
                        "--output", str(path)], check=True)  # fmt: skip
    return [path]


@dataclass
class Dataset:
    """A graph to measure on: its Turtle files, the store ``serve.py`` would hold (inferred
    triples included), the same triples as one N-Triples file for servers that do not infer,
    and the queries of the mix with their anchors filled in."""

    files: list[Path]
    store: ox.Store
    union: Path
    anchor: str
    queries: dict[str, str]


def prepare_dataset(size: str, workdir: Path, chosen: list[str]) -> Dataset:
    """The graph ``size`` and the ``chosen`` queries (anchored on its first labelled entity)."""
    files = dataset_files(size, workdir)
    graph = load_knowledge_graph(files)  # with the inferred triples, as serve.py serves them
    store = graph.store
    assert isinstance(store, ox.Store)  # loaded from files: the embedded store
    union = workdir / f"{size}-union.nt"  # the same triples for the servers that do not infer
    triples = graph.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    assert isinstance(triples, ox.QueryTriples)
    ox.serialize(triples, str(union), format=ox.RdfFormat.N_TRIPLES)
    anchor = first(
        store,
        "SELECT ?s WHERE { ?s rdfs:label ?l FILTER(STRSTARTS(STR(?s), STR(bj:))) } "
        "ORDER BY ?s LIMIT 1",
        "urn:x",
    )
    policy = first(
        store, "SELECT ?s WHERE { ?s bjo:includesDistrict ?d } ORDER BY ?s LIMIT 1", anchor
    )
    queries = {name: PROLOGUE + text.replace("{anchor}", anchor).replace("{policy}", policy)
               for name, text in QUERIES.items() if name in chosen}  # fmt: skip
    slug = quote(anchor.removeprefix("https://w3id.org/bjaikg/id/"))
    queries |= {name: path.replace("{slug}", slug) for name, path in PAGES.items()
                if name in chosen}  # fmt: skip
    return Dataset(files, store, union, anchor, queries)


def benchmark(
    size: str,
    servers: list[str],
    seconds: int,
    workdir: Path,
    rounds_wanted: int,
    chosen: list[str],
    cached: list[str],
) -> None:
    dataset = prepare_dataset(size, workdir, chosen + cached)
    files, store, union = dataset.files, dataset.store, dataset.union
    queries = {name: dataset.queries[name] for name in chosen}
    queries |= {f"{name} cached": dataset.queries[name] for name in cached}
    count = sum(1 for _ in ox.parse(path=str(union), format=ox.RdfFormat.N_TRIPLES))
    print(f"\n## {size}: {count} triples from {len(files)} file(s); anchor <{dataset.anchor}>",
          flush=True)  # fmt: skip
    results: dict[tuple[str, str, int], Measurement | str] = {}
    expected = {name: rows_in(store, query) for name, query in queries.items()
                if not query.startswith("/")}  # fmt: skip
    expected |= {name: 200 for name, query in queries.items() if query.startswith("/")}
    for name, query in queries.items():
        for clients in CLIENTS:
            if not name.endswith(" cached") and not query.startswith("/"):
                results[("floor", name, clients)] = run_floor(store, query, clients, seconds)
    with ExitStack() as running:
        endpoints = {}
        for server in list(servers):
            started = time.monotonic()
            try:
                endpoints[server] = running.enter_context(SERVERS[server](dataset))
            except (RuntimeError, OSError) as error:
                print(f"  bench: {server} left out: {error}", file=sys.stderr, flush=True)
                servers = [name for name in servers if name != server]
                continue
            cpu = cpu_seconds_with_children(endpoints[server].pid)
            print(f"  {server} ready in {time.monotonic() - started:.1f} s ({cpu:.2f} s of CPU)",
                  flush=True)  # fmt: skip
        for name, query in queries.items():
            answered = {server: answered_over_http(server, endpoints[server].url, query)
                        for server in servers}  # fmt: skip
            for clients in CLIENTS:
                rounds: dict[str, list[Measurement]] = {server: [] for server in servers}
                for _ in range(rounds_wanted):
                    for server in servers:
                        if answered[server] == expected[name]:
                            rounds[server].append(run_wrk(
                                endpoints[server], query, clients, seconds,
                                cached=name.endswith(" cached"),
                            ))  # fmt: skip
                for server in servers:
                    measured = sorted(rounds[server], key=lambda m: m.requests_per_second)
                    results[(server, name, clients)] = (
                        measured[len(measured) // 2] if measured
                        else f"wrong: {answered[server]} rows"
                    )  # fmt: skip
    print_table(size, expected, ["floor", *servers], results)


def print_table(
    size: str,
    expected: dict[str, int],
    columns: list[str],
    results: dict[tuple[str, str, int], Measurement | str],
) -> None:
    print(f"\n{size}: requests/s, p50 ms, p99 ms, server CPU per request")
    pairs = [(ours, theirs) for ours, theirs in RATIOS if ours in columns and theirs in columns]
    named = " | ".join(f"{ours}/{theirs}" for ours, theirs in pairs)
    print(f"| query (rows) | clients | {' | '.join(columns)} | {named} |")
    print(f"|---|---|{'---|' * (len(columns) + len(pairs))}")
    for name, rows in expected.items():
        for clients in CLIENTS:
            cells = []
            for column in columns:
                value = results.get((column, name, clients), "-")
                cells.append(value.cell() if isinstance(value, Measurement) else value)
            for ours_name, theirs_name in pairs:
                ours = results.get((ours_name, name, clients))
                theirs = results.get((theirs_name, name, clients))
                if (
                    isinstance(ours, Measurement)
                    and isinstance(theirs, Measurement)
                    and theirs.requests_per_second > 0
                ):
                    cells.append(f"{ours.requests_per_second / theirs.requests_per_second:.2f}×")
                else:
                    cells.append("-")
            print(f"| {name} ({rows}) | {clients} | {' | '.join(cells)} |")


RATIOS = (
    ("serve", "oxigraph"),
    ("serve", "rdflib-endpoint"),
    ("serve", "uvicorn"),
    ("serve", "gunicorn"),
    ("serve", "static"),
    ("static", "oxigraph"),
    ("serve-oxigraph", "serve"),
    ("serve-virtuoso", "serve"),
)
"""Throughput ratios printed beside the cells (when both servers ran)."""


WORKDIR = Path(tempfile.gettempdir()) / "bjaikg-bench"
"""Where the synthetic graphs and the servers' N-Triples copies are written by default."""


def beside_python(command: str) -> str:
    """The console script ``command`` of the ``bench`` extra, installed beside this interpreter
    (a virtual environment's ``bin/``), whatever the PATH holds."""
    return str(Path(sys.executable).parent / command)


def installed(command: str) -> bool:
    """Whether ``command`` (a Debian package of that name) is on the PATH; says so if not."""
    if shutil.which(command) is None:
        print(f"bench: error: {command} is not installed (apt-get install {command})",
              file=sys.stderr)  # fmt: skip
        return False
    return True


def chosen_queries(names: str) -> list[str] | None:
    """The queries of the mix named in ``names`` (comma-separated); ``None``, said on stderr,
    when one is unknown."""
    chosen = [name for name in names.split(",") if name]
    unknown = sorted(set(chosen) - set(QUERIES) - set(PAGES))
    if unknown:
        known = [*QUERIES, *PAGES]
        print(f"bench: error: unknown queries {unknown}; known: {known}", file=sys.stderr)
        return None
    return chosen


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; returns 0 (figures are printed, never judged)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="project,1e5,1e6", help="comma-separated graphs")
    parser.add_argument(
        "--servers", default=",".join(DEFAULT_SERVERS), help=f"comma-separated of {list(SERVERS)}"
    )
    parser.add_argument("--seconds", type=int, default=3, help="duration of each run")
    parser.add_argument("--rounds", type=int, default=3, help="runs per cell (median reported)")
    parser.add_argument("--queries", default=",".join(QUERIES), help="comma-separated queries")
    parser.add_argument(
        "--cached", default="lookup,chain,aggregate", help="queries also measured repeated, cached"
    )
    parser.add_argument("--workdir", type=Path, default=WORKDIR)
    parser.add_argument(
        "--front-ends", type=int, default=1, help="serve.py --store processes per store"
    )
    arguments = parser.parse_args(argv)
    global FRONT_ENDS
    FRONT_ENDS = arguments.front_ends
    chosen, cached = chosen_queries(arguments.queries), chosen_queries(arguments.cached)
    if chosen is None or cached is None or not installed("wrk"):
        return 2
    arguments.workdir.mkdir(parents=True, exist_ok=True)
    servers = [name for name in arguments.servers.split(",") if name]
    for size in arguments.sizes.split(","):
        benchmark(
            size, servers, arguments.seconds, arguments.workdir, arguments.rounds, chosen, cached
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
