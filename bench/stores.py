"""Load time and resident memory of the external stores against our embedded store.

``python bench/stores.py --sizes 1e6 1e7 [--embedded 1e6] [--workdir DIR]`` writes a synthetic
graph per size (bench/synthetic.py, one Turtle file, into one named graph) and measures:

- Virtuoso 7 (Debian): start-up until it answers, then its bulk loader (``ld_dir`` +
  ``rdf_loader_run()`` + ``checkpoint`` through ``isql-vt``, as ``python -m bjaikg load
  --method virtuoso`` runs it), the triple count, and ``virtuoso-t``'s resident memory;
- the Oxigraph server (PyPI): ``oxigraph load`` into its folder, then ``oxigraph serve``'s
  start-up until it answers, and its resident memory after a full ``COUNT``;
- our ``serve.py`` (embedded pyoxigraph store) at ``--embedded`` sizes: start-up until ready
  (parsing, inference) and the resident memory of its supervisor and each worker.

Prints one line per store and size, and the ratios to ``serve.py`` at the same size. Memory is
VmRSS from /proc (pages the process touched, shared pages counted in each process).

``python bench/stores.py --through-server --sizes 1e6 1e7 [--embedded 1e6] [--seconds 5]``
measures instead what a reader of our server sees: Virtuoso bulk-loaded at each size with
``serve.py --store`` in front of it, and ``serve.py --data`` (embedded) at ``--embedded`` sizes as
the reference, each under ``wrk`` load at :data:`CLIENTS` clients on the targets of
:func:`through_server_targets` (a lookup query, the chain join, the page of an ordinary entity,
the pages of the graph's two hubs, a named-query API call). Every target is checked first (rows
of a query, 200 of a page). Prints throughput, p50/p99 latency and server CPU per request
(bench/endpoint.py's :func:`run_wrk`), the load average before each target, and each
configuration's p99 against the embedded reference.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.endpoint import (
    PROLOGUE,
    QUERIES,
    Endpoint,
    Measurement,
    run_wrk,
    serve_endpoint,
    store_front_end,
)
from bjaikg.loading import VirtuosoConsole, sql_string
from bjaikg.namespaces import BJ, BJG
from tests.server_process import running_server, worker_pids
from tests.stores.servers import running_oxigraph, running_virtuoso

BENCH = Path(__file__).resolve().parent
GRAPH = f"{BJG}synthetic"
VIRTUOSO_BUFFERS = 340000
"""8 KiB pages: 2.7 GB, Virtuoso's suggested setting for a machine giving it about 4 GB."""


@dataclass(frozen=True)
class Figure:
    """One store at one size."""

    store: str
    size: str
    triples: int
    ready_seconds: float
    load_seconds: float | None
    rss_mb: float

    def line(self) -> str:
        """The figure as one printed line."""
        load = "-" if self.load_seconds is None else f"{self.load_seconds:7.1f} s"
        rate = (
            ""
            if not self.load_seconds
            else f" ({self.triples / self.load_seconds / 1000:,.0f} k triples/s)"
        )
        return (
            f"{self.store:11} {self.size:>4}  {self.triples:>10,} triples  "
            f"ready {self.ready_seconds:6.1f} s  load {load}{rate}  RSS {self.rss_mb:7.0f} MB"
        )


def rss_mb(pid: int) -> float:
    """Resident memory of process ``pid`` in MB (VmRSS)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def synthetic(size: str, workdir: Path) -> Path:
    """The synthetic Turtle file of ``size`` triples (written once per workdir)."""
    path = workdir / f"synthetic-{size}.ttl"
    if not path.exists():
        command = [sys.executable, str(BENCH / "synthetic.py"), "--triples", size]
        subprocess.run([*command, "--output", str(path)], check=True)
    return path


PROJECT_TRIPLES = (
    "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
    f"FILTER(STRSTARTS(STR(?g), '{BJG}')) }}"
)
"""Triples in the project's named graphs (serve.py's include ``bjg:inferred``)."""


def post_query(url: str, query: str) -> httpx.Response:
    """The store's whole SPARQL JSON answer to ``query`` (POSTed; an HTTP error raises)."""
    response = httpx.post(
        url,
        data={"query": query},
        headers={"Accept": "application/sparql-results+json"},
        timeout=3600,
    )
    response.raise_for_status()
    return response


def count(url: str) -> int:
    """:data:`PROJECT_TRIPLES` over HTTP."""
    response = post_query(url, PROJECT_TRIPLES)
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def measure_virtuoso(size: str, data: Path, workdir: Path) -> Figure:
    """Virtuoso: start-up, bulk load of ``data`` into :data:`GRAPH`, count, memory."""
    folder = workdir / f"virtuoso-{size}"
    started = time.monotonic()
    with running_virtuoso(folder, buffers=VIRTUOSO_BUFFERS, ready_seconds=300) as store:
        ready = time.monotonic() - started
        target = folder / "load" / data.name
        target.hardlink_to(data)
        assert store.isql is not None and store.user and store.password
        console = VirtuosoConsole(store.isql, store.user, store.password, folder / "load")
        began = time.monotonic()
        console.run(
            f"ld_dir({sql_string(str(folder / 'load'))}, {sql_string(data.name)}, "
            f"{sql_string(GRAPH)});rdf_loader_run();checkpoint;"
        )
        loaded = time.monotonic() - began
        triples = count(store.query_url)
        return Figure("virtuoso", size, triples, ready, loaded, rss_mb(store.process.pid))


def measure_oxigraph(size: str, data: Path, workdir: Path) -> Figure:
    """Oxigraph: ``oxigraph load`` of ``data`` into :data:`GRAPH`, then the server's start-up."""
    folder = workdir / f"oxigraph-{size}"
    began = time.monotonic()
    load = ["oxigraph", "load", "--location", str(folder), "--file", str(data), "--graph", GRAPH]
    subprocess.run(load, check=True, capture_output=True)
    loaded = time.monotonic() - began
    started = time.monotonic()
    with running_oxigraph(folder, ready_seconds=300) as store:
        ready = time.monotonic() - started
        triples = count(store.query_url)
        return Figure("oxigraph", size, triples, ready, loaded, rss_mb(store.process.pid))


def measure_embedded(size: str, data: Path) -> Figure:
    """``serve.py --data FILE``: start-up until ready; memory of supervisor plus workers."""
    started = time.monotonic()
    with running_server("--data", str(data), ready_seconds=1800) as server:
        ready = time.monotonic() - started
        triples = count(server.sparql)
        pids = [server.process.pid, *sorted(worker_pids(server))]
        memory = sum(rss_mb(pid) for pid in pids)
        return Figure(f"serve.py/{len(pids) - 1}w", size, triples, ready, None, memory)


CLIENTS = 8
"""Concurrent clients of the ``--through-server`` measurements (issue 17's aim: p99 at 8)."""
ORDINARY = "company-1"
"""An entity of the synthetic graph with a dozen statements and a handful of incoming links."""
HUBS = ("area-0", "synthetic-source")
"""The synthetic graph's hubs: the area every programme has as its jurisdiction (about 1/7 of
the entities link to it) and the source every entity is derived from (all of them)."""


def through_server_targets() -> dict[str, str]:
    """What ``--through-server`` measures: SPARQL queries (sent to ``/sparql``) or local paths."""
    anchor, policy = f"{BJ}{ORDINARY}", f"{BJ}policy-0"
    named = f"/api/queries/quotes-for-entity?entity={anchor}&format=json"
    return {
        "lookup": PROLOGUE + QUERIES["lookup"].replace("{anchor}", anchor),
        "chain": PROLOGUE + QUERIES["chain"].replace("{policy}", policy),
        f"page {ORDINARY}": f"/id/{ORDINARY}",
        **{f"hub page {hub}": f"/id/{hub}" for hub in HUBS},
        "named query": named,
    }


def checked(endpoint: Endpoint, target: str) -> str:
    """What ``target`` answers once: its rows (a query) or its status (a path)."""
    if target.startswith("/"):
        response = httpx.get(endpoint.url.removesuffix("/sparql") + target, timeout=600)
        return f"HTTP {response.status_code}"
    response = httpx.get(
        endpoint.url,
        params={"query": target},
        headers={"Accept": "application/sparql-results+json"},
        timeout=600,
    )
    return f"{len(response.json()['results']['bindings'])} rows"


def measure_targets(name: str, endpoint: Endpoint, seconds: int) -> dict[str, Measurement]:
    """Every target of :func:`through_server_targets` under :data:`CLIENTS` clients."""
    measured = {}
    for target_name, target in through_server_targets().items():
        answer = checked(endpoint, target)
        load = " ".join(f"{value:.1f}" for value in os.getloadavg())
        measured[target_name] = run_wrk(endpoint, target, CLIENTS, seconds, cached=False)
        print(
            f"| {name} | {target_name} ({answer}) | {measured[target_name].cell()} | {load} |",
            flush=True,
        )
    return measured


def through_server(
    sizes: list[str], embedded: list[str], seconds: int, workdir: Path
) -> dict[str, dict[str, Measurement]]:
    """The targets over ``serve.py --data`` at each ``embedded`` size, then over ``serve.py
    --store`` in front of Virtuoso, bulk-loaded, at each of ``sizes``."""
    results = {}
    print("| configuration | target | req/s p50 ms p99 ms CPU/request | load average |")
    for size in sizes:
        data = synthetic(size, workdir)
        if size in embedded:
            started = time.monotonic()
            with serve_endpoint([data]) as endpoint:
                print(f"serve.py --data {size} ready in {time.monotonic() - started:.0f} s")
                results[f"embedded {size}"] = measure_targets(f"embedded {size}", endpoint, seconds)
        folder = workdir / f"through-virtuoso-{size}"
        with running_virtuoso(
            folder, buffers=VIRTUOSO_BUFFERS, query_seconds=3600, ready_seconds=300
        ) as store:
            began = time.monotonic()
            (folder / "load" / data.name).hardlink_to(data)
            assert store.isql is not None and store.user and store.password
            console = VirtuosoConsole(store.isql, store.user, store.password, folder / "load")
            console.run(
                f"ld_dir({sql_string(str(folder / 'load'))}, {sql_string(data.name)}, "
                f"{sql_string(GRAPH)});rdf_loader_run();checkpoint;"
            )
            loaded = time.monotonic() - began
            started = time.monotonic()
            with store_front_end(store.query_url) as endpoint:
                print(
                    f"Virtuoso {size}: loaded in {loaded:.0f} s; serve.py --store ready in "
                    f"{time.monotonic() - started:.0f} s"
                )
                name = f"virtuoso {size}"
                results[name] = measure_targets(name, endpoint, seconds)
    return results


def print_through_ratios(results: dict[str, dict[str, Measurement]]) -> None:
    """Each configuration's p99 and throughput against the first embedded one's."""
    references = [name for name in results if name.startswith("embedded")]
    if not references:
        return
    reference = results[references[0]]
    for name, measured in results.items():
        if name == references[0]:
            continue
        for target, measurement in measured.items():
            base = reference[target]
            print(
                f"{name} / {references[0]}: {target}: p99 "
                f"{measurement.p99_ms / base.p99_ms:.2f}x, throughput "
                f"{measurement.requests_per_second / base.requests_per_second:.2f}x"
            )


def main(argv: list[str] | None = None) -> int:
    """Measure every store at every size; print the figures and the ratios to serve.py."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["1e6", "1e7"])
    parser.add_argument("--embedded", nargs="*", default=["1e6"], help="sizes for serve.py")
    parser.add_argument("--stores", nargs="+", default=["virtuoso", "oxigraph"])
    parser.add_argument("--workdir", type=Path, help="keep files here (default: a temp folder)")
    parser.add_argument("--through-server", action="store_true", help="latency of pages & API")
    parser.add_argument("--seconds", type=int, default=5, help="of wrk load per target")
    arguments = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-stores-") as temporary:
        workdir = arguments.workdir or Path(temporary)
        workdir.mkdir(parents=True, exist_ok=True)
        if arguments.through_server:
            results = through_server(
                arguments.sizes, arguments.embedded, arguments.seconds, workdir
            )
            print_through_ratios(results)
            return 0
        figures: list[Figure] = []
        for size in arguments.sizes:
            data = synthetic(size, workdir)
            if size in arguments.embedded:
                figures.append(measure_embedded(size, data))
                print(figures[-1].line(), flush=True)
            for store in arguments.stores:
                measure = measure_virtuoso if store == "virtuoso" else measure_oxigraph
                figures.append(measure(size, data, workdir))
                print(figures[-1].line(), flush=True)
        print_ratios(figures)
    return 0


def print_ratios(figures: list[Figure]) -> None:
    """Each store's memory and time to answer against serve.py's at the same size."""
    for reference in (f for f in figures if f.store.startswith("serve.py")):
        for other in (f for f in figures if f.size == reference.size and f is not reference):
            to_answer = other.ready_seconds + (other.load_seconds or 0)
            print(
                f"{reference.size}: {other.store} / {reference.store}: "
                f"RSS {other.rss_mb / reference.rss_mb:.2f}x, "
                f"load+start {to_answer / reference.ready_seconds:.2f}x"
            )


if __name__ == "__main__":
    sys.exit(main())
