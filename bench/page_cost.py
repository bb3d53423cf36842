"""Our own CPU per resource page: what ``describe_resource`` costs the front-end.

``python bench/page_cost.py [--sizes 1e5 1e6] [--seconds 2] [--workdir DIR]`` writes the
synthetic graph of each size (bench/synthetic.py), then, in this one process, describes the
ordinary entity and the two hubs of bench/stores.py (:data:`~bench.stores.ORDINARY`,
:data:`~bench.stores.HUBS`) over

- the embedded store (the file loaded with inference, as ``serve.py --data`` loads it), and
- the Oxigraph server (``oxigraph load`` into its folder, ``oxigraph serve`` on loopback) through
  our store client, as ``serve.py --store`` reads it,

one page after another for ``--seconds`` of this process's CPU each, and prints the CPU per page
(``time.process_time``: the store server's own CPU is not counted, the embedded store's is) and
the store round trips per page. Rendering the HTML is not included: the page's own queries and
the building of its content are what this measures.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.stores import GRAPH, HUBS, ORDINARY, synthetic
from bjaikg.interface.labels import build_label_index
from bjaikg.interface.resource import describe_resource
from bjaikg.namespaces import BJ
from bjaikg.remote_store import connect
from bjaikg.store import KnowledgeGraph, load_knowledge_graph
from tests.stores.servers import running_oxigraph


class CountingGraph(KnowledgeGraph):
    """A :class:`KnowledgeGraph` that counts the queries sent to its store."""

    queries = 0

    def query(self, sparql: str) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        self.queries += 1
        return super().query(sparql)


def cpu_per_page(graph: CountingGraph, slug: str, seconds: float) -> tuple[float, float, int]:
    """(CPU seconds per page, store queries per page, pages) describing ``bj:<slug>``."""
    index = build_label_index(graph)
    iri = f"{BJ}{slug}"
    assert describe_resource(graph, index, iri, "en") is not None, slug
    graph.queries = 0
    pages = 0
    began = time.process_time()
    while time.process_time() - began < seconds:
        describe_resource(graph, index, iri, "en")
        pages += 1
    return (time.process_time() - began) / pages, graph.queries / pages, pages


def report(name: str, graph: CountingGraph, seconds: float) -> None:
    """One table line per page of :data:`ORDINARY` and :data:`HUBS`."""
    for slug in (ORDINARY, *HUBS):
        cpu, queries, pages = cpu_per_page(graph, slug, seconds)
        load = " ".join(f"{value:.1f}" for value in os.getloadavg())
        print(f"| {name} | {slug} | {cpu * 1000:.2f} ms | {queries:g} | {pages} | {load} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["1e5"])
    parser.add_argument("--seconds", type=float, default=2.0, help="of CPU per page measured")
    parser.add_argument("--workdir", type=Path, help="keep files here (default: a temp folder)")
    arguments = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as temporary:
        workdir = arguments.workdir or Path(temporary)
        workdir.mkdir(parents=True, exist_ok=True)
        print("| store | page | CPU/page | queries/page | pages | load average |")
        print("| --- | --- | ---: | ---: | ---: | --- |")
        for size in arguments.sizes:
            data = synthetic(size, workdir)
            embedded = load_knowledge_graph([data])
            report(f"embedded {size}", CountingGraph(store=embedded.store), arguments.seconds)
            del embedded
            folder = workdir / f"oxigraph-{size}"
            if not folder.exists():
                load = ["oxigraph", "load", "--location", str(folder), "--file", str(data)]
                subprocess.run([*load, "--graph", GRAPH], check=True, capture_output=True)
            with running_oxigraph(folder, ready_seconds=300) as server:
                store = connect(server.query_url, seconds=60)
                report(f"Oxigraph {size}", CountingGraph(store=store), arguments.seconds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
