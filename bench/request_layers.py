"""Instructions per call of each layer of the ``/sparql`` short path, in-process (never a test).

    python bench/request_layers.py [--size project] [--queries lookup] [--calls 300]

``bench/instructions.py`` counts what a whole worker executes per request; this says where it
goes. It runs one Python process under valgrind's callgrind that loads the graph as
``serve.py`` does, builds the endpoint's state (access log to ``/dev/null`` through a
worker's buffer, objects frozen for the collector as the supervisor does before forking)
and calls each layer ``--calls`` times between two markers (a call of libc's ``srand48``,
which callgrind is told to dump before). Layers, from the engine out:

- ``floor``: pyoxigraph's query and JSON serialisation to bytes;
- ``evaluate``: :func:`bjaikg.endpoint.evaluation.evaluate` (negotiation, the bounded output);
- ``state.evaluate``: the same on the (in-process, no-deadline) clock;
- ``parameters``: :func:`~bjaikg.endpoint.protocol.read_parameters` of the request;
- ``answer_sparql``: the protocol from the parsed request to the response (``no-cache``);
- ``read``, ``send``, ``account``: httptools parsing the request as ``wrk`` sends it, writing
  the response head and body, counting and logging it;
- ``request`` and ``request cached``: all of these in turn, as the worker does, for a request
  with ``Cache-Control: no-cache`` and for the same request without it (a kept answer).

The worker's own loop (``epoll``, ``recv``/``send``, the query clock) is not in these counts;
``bench/instructions.py`` has it.

Hazard: instructions are not time (see ``bench/instructions.py``); use the counts to compare
two versions of the same layer.
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.endpoint import WORKDIR, chosen_queries, installed, prepare_dataset

LAYERS = (
    "floor", "evaluate", "state.evaluate", "parameters", "answer_sparql", "read", "send",
    "account", "request", "request cached",
)  # fmt: skip
WARM_UP = 50


def inner(files: list[Path], query: str, calls: int) -> None:
    """Under callgrind: load, then run each layer ``calls`` times between two markers."""
    import ctypes

    import pyoxigraph as ox

    from bjaikg.endpoint.access_log import AccessLog
    from bjaikg.endpoint.application import create_application
    from bjaikg.endpoint.connection import HttpRequest, RequestReader, send_response
    from bjaikg.endpoint.evaluation import QueryRequest, evaluate
    from bjaikg.endpoint.protocol import answer_sparql, read_parameters
    from bjaikg.endpoint.proxy import Proxy
    from bjaikg.endpoint.scoreboard import LOG_BUFFER_BYTES, Slot
    from bjaikg.endpoint.settings import Settings
    from bjaikg.store import load_knowledge_graph

    settings = Settings(data=tuple(files))
    state = create_application(settings, load_knowledge_graph(files)).state.endpoint
    log = state.access_log = AccessLog(os.open(os.devnull, os.O_WRONLY))
    log.keep_in(Slot(), memoryview(bytearray(LOG_BUFFER_BYTES)))  # as in a worker
    proxy = Proxy.from_settings((), "")
    reader = RequestReader(lambda *parts: None, ("127.0.0.1", 40000), settings.max_request_bytes)
    head = (f"GET /sparql?query={quote(query, safe='')} HTTP/1.1\r\nHost: 127.0.0.1:8000\r\n"
            "Accept: application/sparql-results+json\r\n").encode()  # fmt: skip
    fresh, kept = head + b"Cache-Control: no-cache\r\n\r\n", head + b"\r\n"

    def read(data: bytes) -> HttpRequest:
        reader.feed(data)
        return reader.ready.popleft()

    def request(data: bytes) -> None:
        parsed = read(data)
        proxy.apply(parsed)
        response = answer_sparql(state, parsed)
        send_response(lambda *parts: None, parsed, response)
        assert response.record is not None
        state.account(parsed, response.status, response.record)

    parsed = read(fresh)
    proxy.apply(parsed)
    response = answer_sparql(state, parsed)
    record = response.record
    assert response.status == 200 and record is not None
    query_request = QueryRequest(
        query, accept="application/sparql-results+json", max_results=settings.max_results,
        base_iri="http://127.0.0.1:8000/sparql",
    )  # fmt: skip
    store = state.graph.store
    layers: dict[str, Callable[[], object]] = {
        "floor": lambda: store.query(query, use_default_graph_as_union=True).serialize(
            format=ox.QueryResultsFormat.JSON
        ),
        "evaluate": lambda: evaluate(store, query_request, ()),
        "state.evaluate": lambda: state.evaluate(query_request, settings.timeout, "sparql"),
        "parameters": lambda: read_parameters(parsed, state),
        "answer_sparql": lambda: answer_sparql(state, parsed),
        "read": lambda: read(fresh),
        "send": lambda: send_response(lambda *parts: None, parsed, response),
        "account": lambda: state.account(parsed, 200, record),
        "request": lambda: request(fresh),
        "request cached": lambda: request(kept),
    }
    mark = ctypes.CDLL(None).srand48
    gc.collect()
    gc.freeze()  # as the supervisor does before it forks the workers
    for name in LAYERS:
        layer = layers[name]
        for _ in range(WARM_UP):
            layer()
        mark(0)
        for _ in range(calls):
            layer()
        mark(0)


def counts(files: list[Path], query: str, calls: int) -> dict[str, float]:
    """Instructions per call of each layer (one callgrind run)."""
    with tempfile.TemporaryDirectory(prefix="bjaikg-layers-") as scratch:
        output = Path(scratch) / "layers"
        command = ["valgrind", "--tool=callgrind", "--dump-before=srand48*",
                   f"--callgrind-out-file={output}", sys.executable, __file__, "--inner",
                   "--calls", str(calls), "--query", query, *map(str, files)]  # fmt: skip
        environment = os.environ | {"PYTHONHASHSEED": "0"}  # the same count twice
        subprocess.run(command, check=True, capture_output=True, env=environment)
        dumps = sorted(output.parent.glob("layers.*"), key=lambda path: int(path.suffix[1:]))
        totals = []
        for dump in dumps:
            match = re.search(r"^(?:summary|totals): (\d+)", dump.read_text(), re.MULTILINE)
            assert match is not None, dump
            totals.append(int(match.group(1)))
    # dump 1 ends the loading and the first warm-up; then each layer's calls, then a warm-up
    return {name: total / calls for name, total in zip(LAYERS, totals[1::2], strict=True)}


def main(argv: list[str] | None = None) -> int:
    """Count and print; returns 0 (figures are printed, never judged)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="project", help="project, 1e5 or 1e6")
    parser.add_argument("--queries", default="lookup", help="comma-separated queries")
    parser.add_argument("--calls", type=int, default=300, help="calls counted per layer")
    parser.add_argument("--workdir", type=Path, default=WORKDIR)
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--query", help=argparse.SUPPRESS)
    parser.add_argument("files", nargs="*", type=Path, help=argparse.SUPPRESS)
    arguments = parser.parse_args(argv)
    if arguments.inner:
        inner(arguments.files, arguments.query, arguments.calls)
        return 0
    chosen = chosen_queries(arguments.queries)
    if chosen is None or not installed("valgrind"):
        return 2
    arguments.workdir.mkdir(parents=True, exist_ok=True)
    dataset = prepare_dataset(arguments.size, arguments.workdir, chosen)
    print(f"## {arguments.size}: instructions per call, {arguments.calls} calls per layer\n")
    print(f"| layer | {' | '.join(dataset.queries)} |\n|---|{'---|' * len(dataset.queries)}")
    found = {name: counts(dataset.files, query, arguments.calls)
             for name, query in dataset.queries.items()}  # fmt: skip
    for layer in LAYERS:
        print(f"| {layer} | {' | '.join(f'{found[name][layer]:,.0f}' for name in found)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
