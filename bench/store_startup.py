"""Seconds per start-up step of ``serve.py --store`` over the Oxigraph server.

``python bench/store_startup.py --size 1e6 [--workdir DIR]`` writes a synthetic graph
(bench/synthetic.py), loads it with ``oxigraph load`` into one named graph, starts ``oxigraph
serve --union-default-graph`` and times each query of :func:`bjaikg.statistics.measure_dataset`
(:data:`bjaikg.statistics.STEPS`) over HTTP, then their sum and each step's share of it.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.stores import GRAPH, synthetic
from bjaikg.statistics import STEPS
from tests.stores.servers import running_oxigraph


def timed_query(url: str, query: str) -> float:
    """Seconds until the store's whole SPARQL JSON answer to ``query`` is read."""
    began = time.monotonic()
    response = httpx.post(
        url,
        data={"query": query},
        headers={"Accept": "application/sparql-results+json"},
        timeout=3600,
    )
    response.raise_for_status()
    return time.monotonic() - began


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
            seconds = {name: timed_query(store.query_url, query) for name, query in STEPS.items()}
    total = sum(seconds.values())
    for name, step in seconds.items():
        print(f"{name:22s} {step:8.2f} s {step / total:6.1%}")
    print(f"{'total':22s} {total:8.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
