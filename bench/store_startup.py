"""Start-up of ``serve.py --store`` over the Oxigraph server, and its first ``/dataset``.

``python bench/store_startup.py --size 1e6 [--workdir DIR] [--reference CHECKOUT]`` writes a
synthetic graph (bench/synthetic.py), loads it with ``oxigraph load`` into one named graph,
starts ``oxigraph serve --union-default-graph`` and measures, in one run:

1. each start-up step as ``bjaikg.endpoint.cli`` runs it through a
   :class:`bjaikg.remote_store.RemoteStore`: ``connect``, the label index of the pages
   (``build_label_index``), ``interface_routes`` (which builds the label index again), the
   triples per named graph (``count_named_graphs``, what the application counts at start now)
   and the VoID counts (``measure_dataset``, what it counted at start before, now on the first
   request needing them); start-up before (connect + interface_routes + measure_dataset)
   against now (connect + interface_routes + count_named_graphs);
2. each query of :data:`bjaikg.statistics.STEPS` timed alone over HTTP;
3. the real ``serve.py --store URL --workers 2 --timeout S`` of this checkout, and of
   ``--reference`` (a checkout of the code before, e.g. the main branch's) when given: seconds
   until it says it serves, the CPU seconds of its supervisor and of each worker then (a
   worker that built the label index or counted again would show seconds of CPU), the first
   ``/dataset`` on one kept-alive connection, the second on it, and the first on a second
   connection (handed to the other worker, which has not counted yet), and ``/health``'s
   triple count before and after (each request's status beside its seconds: counts longer
   than ``--timeout`` are a 503).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.stores import GRAPH, post_query, synthetic
from bjaikg import PROJECT_ROOT
from bjaikg.endpoint.cli import STARTUP_SECONDS
from bjaikg.endpoint.settings import Settings
from bjaikg.interface import interface_routes
from bjaikg.interface.labels import build_label_index
from bjaikg.remote_store import connect
from bjaikg.statistics import STEPS, count_named_graphs, measure_dataset
from bjaikg.store import KnowledgeGraph
from tests.server_process import cpu_seconds, running, serve_announced, worker_pids
from tests.stores.servers import running_oxigraph

WORKERS = 2


def timed_query(url: str, query: str) -> float:
    """Seconds until the store's whole SPARQL JSON answer to ``query`` is read."""
    began = time.monotonic()
    post_query(url, query)
    return time.monotonic() - began


def startup_steps(url: str) -> dict[str, float]:
    """Seconds of each start-up step of ``serve.py --store url``, before and now."""
    seconds: dict[str, float] = {}
    began = time.monotonic()
    store = connect(url, seconds=STARTUP_SECONDS)
    graph = KnowledgeGraph(store=store)
    seconds["connect"] = time.monotonic() - began
    steps: dict[str, Callable[[KnowledgeGraph], object]] = {
        "label index": build_label_index,
        "interface_routes (labels again)": interface_routes,
        "count_named_graphs (now)": count_named_graphs,
        "measure_dataset (before)": measure_dataset,
    }
    for name, step in steps.items():
        began = time.monotonic()
        step(graph)
        seconds[name] = time.monotonic() - began
    store.close()
    return seconds


def timed_get(client: httpx.Client, path: str) -> str:
    """Seconds and status of ``GET path``, or the client's error (a ``--reference`` checkout
    older than commit 10ebea7 closes a kept-alive connection as idle right after an answer that
    took longer than 15 s: bench/STORES.md)."""
    began = time.monotonic()
    try:
        status = str(client.get(path).status_code)
    except httpx.TransportError as error:
        status = f"{type(error).__name__}: {error}"
    return f"{time.monotonic() - began:8.2f} s ({status})"


def served_figures(checkout: Path, url: str, timeout: float) -> dict[str, float | str]:
    """``checkout``'s ``serve.py --store url``: seconds to start, CPU seconds of each process
    once it serves, seconds of the ``/dataset`` requests and ``/health``'s triple count."""
    command = [sys.executable, str(checkout / "serve.py"), "--host", "127.0.0.1", "--port", "0",
               "--store", url, "--workers", str(WORKERS), "--timeout", str(timeout)]  # fmt: skip
    environment = {"PYTHONPATH": str(checkout), "PYTHONUNBUFFERED": "1"}
    figures: dict[str, float | str] = {}
    began = time.monotonic()
    with running(command, serve_announced, ready_seconds=STARTUP_SECONDS, cwd=checkout,
                 environment=environment) as server:  # fmt: skip
        figures["ready"] = time.monotonic() - began
        workers = sorted(worker_pids(server))
        figures["supervisor CPU"] = cpu_seconds(server.process.pid)
        for number, pid in enumerate(workers, 1):
            figures[f"worker {number} CPU at ready"] = cpu_seconds(pid)
        with httpx.Client(base_url=server.url, timeout=STARTUP_SECONDS) as first:
            figures["/health triples before"] = str(first.get("/health").json()["triples"])
            figures["first /dataset"] = timed_get(first, "/dataset")
            figures["second /dataset, same connection"] = timed_get(first, "/dataset")
            figures["/health triples after"] = str(first.get("/health").json()["triples"])
            with httpx.Client(base_url=server.url, timeout=STARTUP_SECONDS) as second:
                figures["first /dataset, second connection"] = timed_get(second, "/dataset")
        for number, pid in enumerate(workers, 1):
            figures[f"worker {number} CPU after"] = cpu_seconds(pid)
    return figures


def printed(title: str, seconds: dict[str, float], total: float) -> None:
    """One line per step: seconds and share of ``total``."""
    print(title)
    for name, step in seconds.items():
        print(f"  {name:36s} {step:8.2f} s {step / total:6.1%}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", default="1e6")
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--reference", type=Path, help="a checkout of the code before")
    parser.add_argument(
        "--timeout", type=float, default=Settings().timeout, help="serve.py's --timeout"
    )
    arguments = parser.parse_args(argv)
    print(f"load average {os.getloadavg()[0]:.1f}, {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as temporary:
        workdir = arguments.workdir or Path(temporary)
        data = synthetic(arguments.size, workdir)
        folder = workdir / f"oxigraph-{arguments.size}"
        if not folder.exists():
            load = ["oxigraph", "load", "--location", str(folder), "--file", str(data)]
            subprocess.run([*load, "--graph", GRAPH], check=True, capture_output=True)
        with running_oxigraph(folder, ready_seconds=300) as store:
            startup = startup_steps(store.query_url)
            queries = {name: timed_query(store.query_url, query) for name, query in STEPS.items()}
            checkouts = {"now": PROJECT_ROOT}
            if arguments.reference is not None:
                checkouts = {"before": arguments.reference.resolve(), **checkouts}
            served = {
                name: served_figures(path, store.query_url, arguments.timeout)
                for name, path in checkouts.items()
            }
    # interface_routes builds the label index itself: start-up is connect + it + the counts.
    common = startup["connect"] + startup["interface_routes (labels again)"]
    before = common + startup["measure_dataset (before)"]
    now = common + startup["count_named_graphs (now)"]
    printed(f"start-up steps ({arguments.size} triples, Oxigraph server)", startup, before)
    printed("measure_dataset's queries, each alone", queries, before)
    print(f"  {'start-up before':36s} {before:8.2f} s")
    print(f"  {'start-up now':36s} {now:8.2f} s")
    print(f"  {'now / before':36s} {now / before:8.2f}")
    for name, figures in served.items():
        print(f"serve.py --store --workers {WORKERS} --timeout {arguments.timeout:g} ({name}: "
              f"{checkouts[name]})")  # fmt: skip
        for figure, value in figures.items():
            shown = value if isinstance(value, str) else f"{value:8.2f} s"
            print(f"  {figure:36s} {shown}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
