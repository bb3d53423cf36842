"""Instructions per request of a ``serve.py`` worker against pyoxigraph alone (never a test).

    python bench/instructions.py [--size 1e5] [--queries lookup] [--requests 1000]
                                 [--header 'NAME: VALUE' ...] [--cached] [--path PATH]

Throughput on a shared virtual machine moves by ±10 % from one minute to the next, more than
most single changes to the request path; a count of executed instructions does not move at all
(valgrind's callgrind: the same count twice for the same code and input). For each query this
runs ``serve.py`` with one worker under callgrind, sends warm-up requests, zeroes the worker's
counts, sends ``--requests`` requests from one keep-alive client (with ``Cache-Control:
no-cache``, so each is evaluated, and any ``--header``; with ``--cached`` without it, so each is
the answer the worker keeps) and reads the worker's count:
the instructions per request of HTTP parsing, the protocol, evaluation, serialisation and the
bookkeeping — in user space; system calls and loopback TCP are not counted. The reference,
counted the same way in the same run, is pyoxigraph alone in a Python loop: the query and its
JSON serialisation to bytes (the ``floor`` of ``bench/endpoint.py``). Prints both and the
ratio; the difference is what the endpoint adds around the engine. The peer, counted the same
way (every thread of its process), is the Oxigraph server (``oxigraph serve-read-only``, the
``oxigraph`` of ``bench/endpoint.py``) answering the same requests: set beside its throughput
there, it tells whether a gap is in the work done or in the time each instruction takes.

Needs valgrind (Debian's ``valgrind``). Everything runs about 50 times slower under it: the
1e5 graph takes a few minutes to load, 1e6 is impractical.

Hazard: instructions are not time. Code that misses the caches costs more per instruction
(Python's more than pyoxigraph's), and the kernel's share (about a seventh of a worker's time
on lookups) is left out; use it to compare two versions of the request path, and
``bench/endpoint.py`` for throughput.
"""

from __future__ import annotations

import argparse
import http.client
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.endpoint import WORKDIR, chosen_queries, installed, oxigraph_endpoint, prepare_dataset
from tests.server_process import running_server, worker_pids

WARM_UP = 200
"""Requests sent before counting (imports, caches and the allocator settle)."""

FLOOR_SCRIPT = """
import sys, pyoxigraph as ox
store = ox.Store()
for path in sys.argv[2:]:
    store.load(path=path, format=ox.RdfFormat.N_TRIPLES)
query = sys.stdin.readline().encode().decode("unicode_escape")
def once():
    result = store.query(query, use_default_graph_as_union=True)
    result.serialize(format=ox.QueryResultsFormat.JSON)
for _ in range(int(sys.argv[1])):
    once()
print("ready", flush=True)
count = int(sys.stdin.readline())
for _ in range(count):
    once()
print("done", flush=True)
sys.stdin.readline()
"""


def callgrind(output: Path) -> list[str]:
    """The valgrind command line counting instructions into ``output``.PID files."""
    return ["valgrind", "--tool=callgrind", "--trace-children=yes",
            f"--callgrind-out-file={output}.%p"]  # fmt: skip


def counted(output: Path, pid: int) -> int:
    """The instructions in the last dump of process ``pid`` (``callgrind_control --dump``)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        dumps = sorted(
            output.parent.glob(f"{output.name}.{pid}.*"), key=lambda p: p.stat().st_mtime
        )
        if dumps:
            match = re.search(r"^(?:summary|totals): (\d+)", dumps[-1].read_text(), re.MULTILINE)
            if match:
                return int(match.group(1))
        time.sleep(0.5)
    raise RuntimeError(f"no callgrind dump of process {pid} in {output.parent}")


def control(option: str, pid: int) -> None:
    """Run ``callgrind_control OPTION PID`` (``-z``: zero the counts, ``-d``: dump them)."""
    subprocess.run(["callgrind_control", option, str(pid)], check=True, capture_output=True)


def floor_instructions(union: Path, query: str, requests: int, workdir: Path) -> float:
    """Instructions per query + JSON serialisation in pyoxigraph alone."""
    output = workdir / "floor"
    process = subprocess.Popen(
        [*callgrind(output), sys.executable, "-c", FLOOR_SCRIPT, str(WARM_UP), str(union)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(query.encode("unicode_escape").decode() + "\n")
    process.stdin.flush()
    assert process.stdout.readline().strip() == "ready"
    control("-z", process.pid)
    process.stdin.write(f"{requests}\n")
    process.stdin.flush()
    assert process.stdout.readline().strip() == "done"
    control("-d", process.pid)
    total = counted(output, process.pid)
    process.stdin.write("\n")
    process.stdin.flush()
    process.wait(timeout=120)
    return total / requests


def serve_instructions(
    files: list[Path],
    query: str,
    requests: int,
    workdir: Path,
    headers: dict[str, str],
    target: str | None = None,
) -> float:
    """Instructions per request (with ``headers``) of the worker of ``serve.py --workers 1``: a
    GET of ``query`` at ``/sparql``, or of ``target`` (another route, e.g. ``/health``)."""
    output = workdir / "serve"
    data = [argument for path in files for argument in ("--data", str(path))]
    with running_server(
        "--workers", "1", *data, "--max-results", "1000000", launcher=callgrind(output),
        ready_seconds=3600, log=workdir / "serve.log",
    ) as server:  # fmt: skip
        connection = http.client.HTTPConnection(urlsplit(server.url).netloc, timeout=600)
        path = target or "/sparql?query=" + quote(query, safe="")
        send(connection, path, headers, WARM_UP)
        workers = worker_pids(server)
        if len(workers) != 1:
            raise RuntimeError(f"expected one worker of serve.py, found {sorted(workers)}")
        return count_requests(connection, path, headers, requests, output, workers.pop())


def oxigraph_instructions(
    files: list[Path], query: str, requests: int, workdir: Path, headers: dict[str, str]
) -> float:
    """Instructions per GET of ``query`` of the Oxigraph server (all its threads)."""
    output = workdir / "oxigraph"
    with oxigraph_endpoint(files, launcher=callgrind(output)) as server:
        connection = http.client.HTTPConnection(urlsplit(server.url).netloc, timeout=600)
        path = f"{urlsplit(server.url).path}?query={quote(query, safe='')}"
        send(connection, path, headers, WARM_UP)
        return count_requests(connection, path, headers, requests, output, server.pid)


def send(
    connection: http.client.HTTPConnection, path: str, headers: dict[str, str], count: int
) -> None:
    """GET ``path`` ``count`` times on ``connection``, each answer read whole (200 or fail)."""
    for _ in range(count):
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"HTTP {response.status}: {body[:200]!r}")


def count_requests(
    connection: http.client.HTTPConnection,
    path: str,
    headers: dict[str, str],
    requests: int,
    output: Path,
    pid: int,
) -> float:
    """Instructions per request of process ``pid`` (run under :func:`callgrind` into
    ``output``) over ``requests`` GETs of ``path``."""
    control("-z", pid)
    send(connection, path, headers, requests)
    control("-d", pid)
    return counted(output, pid) / requests


def main(argv: list[str] | None = None) -> int:
    """Count and print; returns 0 (figures are printed, never judged)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="1e5", help="project, 1e5 or 1e6")
    parser.add_argument("--queries", default="lookup", help="comma-separated queries")
    parser.add_argument("--requests", type=int, default=1000, help="requests counted")
    parser.add_argument(
        "--header", action="append", default=[], help="'NAME: VALUE' sent with each request"
    )
    parser.add_argument("--path", help="GET this path instead of each query (e.g. /health)")
    parser.add_argument(
        "--cached", action="store_true", help="count kept answers (no Cache-Control: no-cache)"
    )
    parser.add_argument("--workdir", type=Path, default=WORKDIR)
    arguments = parser.parse_args(argv)
    headers = {"Accept": "application/sparql-results+json"}
    if not arguments.cached:
        headers["Cache-Control"] = "no-cache"
    headers |= dict(
        tuple(part.strip() for part in header.split(":", 1)) for header in arguments.header
    )
    chosen = chosen_queries(arguments.queries)
    if chosen is None or not installed("valgrind"):
        return 2
    arguments.workdir.mkdir(parents=True, exist_ok=True)
    dataset = prepare_dataset(arguments.size, arguments.workdir, chosen)
    print(f"## {arguments.size}: instructions per request, {arguments.requests} requests "
          f"after {WARM_UP} (anchor <{dataset.anchor}>)\n", flush=True)  # fmt: skip
    print("| query | floor | serve | serve/floor | oxigraph | serve/oxigraph |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="bjaikg-callgrind-") as scratch:
        for name, query in dataset.queries.items():
            floor = floor_instructions(dataset.union, query, arguments.requests, Path(scratch))
            serve = serve_instructions(
                dataset.files, query, arguments.requests, Path(scratch), headers, arguments.path
            )
            peer = "| – | –"  # the Oxigraph server has no page to compare with ``--path``
            if arguments.path is None:
                oxigraph = oxigraph_instructions(
                    [dataset.union], query, arguments.requests, Path(scratch), headers
                )
                peer = f"| {oxigraph:,.0f} | {serve / oxigraph:.2f}×"
            print(f"| {name} | {floor:,.0f} | {serve:,.0f} | {serve / floor:.2f}× {peer} |",
                  flush=True)  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
