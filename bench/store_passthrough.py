"""Is passing a remote store's bytes through ``/sparql`` worth it? (issue 17; never a test)

    python bench/store_passthrough.py --store URL [--seconds 3]

For the queries of bench/endpoint.py's mix (anchored on the graph the store holds), in one
process, one client, in turns: the time of the request to the store with its bytes
read (what a pass-through would cost) against :func:`bjaikg.endpoint.evaluation.evaluate` over a
:class:`bjaikg.remote_store.RemoteStore` (the store's request, pyoxigraph's parse, our result
bound and our serialisation: what ``serve.py --store`` does). Prints the median of each and the
extra share of the parse-and-write path. Pass-through was to be added only for ≥ 10 %.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.endpoint import JSON_RESULTS, PROLOGUE, QUERIES
from bjaikg.endpoint.evaluation import QueryRequest, evaluate
from bjaikg.remote_store import RemoteStore


def paired_medians(
    first: Callable[[], object], second: Callable[[], object], seconds: float
) -> tuple[float, float]:
    """The median durations in ms of ``first`` and ``second``, run in turns for about
    ``seconds`` (so that load from elsewhere falls on both alike)."""
    durations: tuple[list[float], list[float]] = ([], [])
    stop = time.monotonic() + seconds
    while time.monotonic() < stop or len(durations[0]) < 5:
        for action, kept in zip((first, second), durations, strict=True):
            started = time.perf_counter()
            action()
            kept.append((time.perf_counter() - started) * 1000)
    return statistics.median(durations[0]), statistics.median(durations[1])


def first_value(store: RemoteStore, query: str) -> str:
    result = store.query(query)
    assert isinstance(result, ox.QuerySolutions)
    row = next(iter(result), None)
    term = None if row is None else row[0]
    return "urn:x" if term is None else term.value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", required=True, help="the store's SPARQL query URL")
    parser.add_argument("--seconds", type=float, default=3.0)
    arguments = parser.parse_args(argv)
    store = RemoteStore(arguments.store, seconds=60.0)
    anchor = first_value(
        store,
        PROLOGUE + "SELECT ?s WHERE { ?s rdfs:label ?l FILTER(STRSTARTS(STR(?s), STR(bj:))) } "
        "ORDER BY ?s LIMIT 1",
    )
    policy = first_value(
        store, PROLOGUE + "SELECT ?s WHERE { ?s bjo:includesDistrict ?d } ORDER BY ?s LIMIT 1"
    )
    client = httpx.Client(timeout=60.0)
    print("| query | bytes | store bytes read (ms) | serve.py's evaluate (ms) | extra |")
    print("|---|---|---|---|---|")
    for name, text in QUERIES.items():
        query = PROLOGUE + text.replace("{anchor}", anchor).replace("{policy}", policy)
        request = QueryRequest(query, accept=JSON_RESULTS, max_results=100_000)

        def raw(query: str = query) -> bytes:
            response = client.post(
                arguments.store, data={"query": query}, headers={"Accept": JSON_RESULTS}
            )
            return response.content

        def parsed(request: QueryRequest = request) -> bytes:
            return evaluate(store, request, ()).body

        size = len(parsed())
        raw_ms, parsed_ms = paired_medians(raw, parsed, arguments.seconds)
        extra = (parsed_ms - raw_ms) / raw_ms * 100
        print(f"| {name} | {size} | {raw_ms:.2f} | {parsed_ms:.2f} | {extra:+.0f} % |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
