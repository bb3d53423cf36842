"""Seconds per start-up step of ``serve.py --store`` over the Oxigraph server.

``python bench/store_startup.py --size 1e6 [--workdir DIR]`` writes a synthetic graph
(bench/synthetic.py), loads it with ``oxigraph load`` into one named graph, starts ``oxigraph
serve --union-default-graph`` and times each query of :func:`bjaikg.statistics.measure_dataset`
(:data:`bjaikg.statistics.STEPS`) over HTTP, then the steps of ``serve.py --store``'s start-up
as ``bjaikg.endpoint.cli`` runs them through a :class:`bjaikg.remote_store.RemoteStore`:
``connect``, the label index of the pages (``build_label_index``), ``interface_routes``
(which builds the label index again), ``measure_dataset`` (``create_application``'s counts),
and as reference in the same run the label index's two queries with the store's ``ORDER BY``
they had before against the unordered ones sorted by us now. Prints seconds, each step's share
of the start-up total, and the ratio now/before of the label queries.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.stores import GRAPH, post_query, synthetic
from bjaikg.endpoint.cli import STARTUP_SECONDS
from bjaikg.interface import interface_routes
from bjaikg.interface.labels import LABELS_QUERY, TYPES_QUERY, build_label_index
from bjaikg.remote_store import connect
from bjaikg.statistics import STEPS, measure_dataset
from bjaikg.store import KnowledgeGraph
from tests.stores.servers import running_oxigraph


def timed_query(url: str, query: str) -> float:
    """Seconds until the store's whole SPARQL JSON answer to ``query`` is read."""
    began = time.monotonic()
    post_query(url, query)
    return time.monotonic() - began


def startup_steps(url: str) -> dict[str, float]:
    """Seconds of each start-up step of ``serve.py --store url``, in its order."""
    seconds: dict[str, float] = {}
    began = time.monotonic()
    store = connect(url, seconds=STARTUP_SECONDS)
    graph = KnowledgeGraph(store=store)
    seconds["connect"] = time.monotonic() - began
    began = time.monotonic()
    build_label_index(graph)
    seconds["label index"] = time.monotonic() - began
    began = time.monotonic()
    interface_routes(graph)
    seconds["interface_routes (labels again)"] = time.monotonic() - began
    began = time.monotonic()
    measure_dataset(graph)
    seconds["measure_dataset"] = time.monotonic() - began
    store.close()
    return seconds


def printed(title: str, seconds: dict[str, float], total: float) -> None:
    """One line per step: seconds and share of ``total``."""
    print(title)
    for name, step in seconds.items():
        print(f"  {name:34s} {step:8.2f} s {step / total:6.1%}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", default="1e6")
    parser.add_argument("--workdir", type=Path)
    arguments = parser.parse_args(argv)
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
            labels = {
                "labels, store's ORDER BY (before)": timed_query(
                    store.query_url,
                    f"{LABELS_QUERY} ORDER BY ?iri DESC(?preferred) LANG(?text) ?text",
                ),
                "labels, unordered (now)": timed_query(store.query_url, LABELS_QUERY),
                "types, store's ORDER BY (before)": timed_query(
                    store.query_url, f"{TYPES_QUERY} ORDER BY ?iri ?type"
                ),
                "types, unordered (now)": timed_query(store.query_url, TYPES_QUERY),
            }
    # interface_routes builds the label index itself: start-up is connect + it + the counts.
    total = startup["connect"] + startup["interface_routes (labels again)"]
    total += startup["measure_dataset"]
    printed(f"start-up steps ({arguments.size} triples, Oxigraph server)", startup, total)
    printed("measure_dataset's queries", queries, total)
    printed("label index queries (sorted by the store before, by us now)", labels, total)
    before = (
        labels["labels, store's ORDER BY (before)"] + labels["types, store's ORDER BY (before)"]
    )
    now = labels["labels, unordered (now)"] + labels["types, unordered (now)"]
    print(f"  label queries now / before: {now / before:.2f}")
    print(f"  {'start-up total':34s} {total:8.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
