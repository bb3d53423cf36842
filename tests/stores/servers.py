"""Starting real external triple stores on 127.0.0.1 with free ports and temporary folders.

- Virtuoso Open Source 7 from Debian (``virtuoso-t``, package virtuoso-opensource-7-bin, installed
  by scripts/setup-system.sh) with a generated ``virtuoso.ini``: SQL and HTTP ports on loopback,
  the database in the given folder, its ``load/`` subfolder in ``DirsAllowed`` for the bulk
  loader. A fresh database has the user ``dba`` with password ``dba``: loopback tests only.
- The Oxigraph server from PyPI (``oxigraph serve``, package oxigraph) over a folder, with
  ``--union-default-graph`` so that, like our endpoint, the default graph is the union of the
  named graphs.

Both are used by tests/stores/ and the benches, started, polled and stopped (SIGTERM, SIGKILL
after 20 s) by :func:`tests.server_process.running`. The package's init script is never used:
each store lives as long as the ``with`` block that started it.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyoxigraph as ox

from bjaikg.loading import Target
from tests.competency import Table
from tests.server_process import answers_query, free_port, running

VIRTUOSO_USER = "dba"
VIRTUOSO_PASSWORD = "dba"
"""The administrator of a fresh Virtuoso database (never changed: loopback only)."""

VIRTUOSO_INI = """\
[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DirsAllowed = ., {folder}/load
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty_buffers}
CheckpointInterval = 60
ThreadsPerQuery = 2
AsyncQueueMaxThreads = 2

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerThreads = 4
MaxClientConnections = 4

[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryExecutionTime = {query_seconds}
MaxQueryCostEstimationTime = 0
"""
"""A minimal ``virtuoso.ini``; ``NumberOfBuffers`` are 8 KiB pages, ``MaxDirtyBuffers`` three
quarters of them. ``MaxQueryExecutionTime`` is Virtuoso's own limit on a query, in seconds (0:
none); what it answers when the limit is hit is for the tests of ``serve.py --store`` to pin.
``ResultSetMaxRows`` cuts every answer over HTTP to that many rows, silently."""


@dataclass(frozen=True)
class StoreServer:
    """A running external store: its URLs, what the loader needs, and its process."""

    name: str
    query_url: str
    graph_store_url: str
    process: subprocess.Popen[str]
    folder: Path
    user: str | None = None
    password: str | None = None
    isql: str | None = None

    def target(self) -> Target:
        """What :func:`bjaikg.loading.load_dataset` needs to load into this store."""
        is_virtuoso = self.name == "virtuoso"
        return Target(
            query_url=self.query_url,
            graph_store_url=self.graph_store_url,
            user=self.user,
            password=self.password,
            isql=self.isql,
            load_folder=self.folder / "load" if is_virtuoso else None,
            location=None if is_virtuoso else self.folder,
        )


@contextmanager
def running_virtuoso(
    folder: Path,
    *,
    buffers: int = 20000,
    query_seconds: int = 0,
    max_rows: int = 1_000_000,
    ready_seconds: float = 90.0,
) -> Iterator[StoreServer]:
    """Virtuoso with a fresh database in ``folder`` (created) until the block ends."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "load").mkdir(exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(
        VIRTUOSO_INI.format(
            folder=folder,
            sql_port=sql_port,
            http_port=http_port,
            buffers=buffers,
            dirty_buffers=buffers * 3 // 4,
            query_seconds=query_seconds,
            max_rows=max_rows,
        )
    )
    base = f"http://127.0.0.1:{http_port}"
    command = ["virtuoso-t", "-f", "-c", str(ini)]
    log = folder / "virtuoso-output.log"  # -f: the server's log on its standard output
    ready = answers_query(f"{base}/sparql")
    with running(command, ready, ready_seconds=ready_seconds, log=log, cwd=folder) as server:
        yield StoreServer(
            name="virtuoso",
            query_url=f"{base}/sparql",
            graph_store_url=f"{base}/sparql-graph-crud-auth",
            process=server.process,
            folder=folder,
            user=VIRTUOSO_USER,
            password=VIRTUOSO_PASSWORD,
            isql=f"127.0.0.1:{sql_port}",
        )


@contextmanager
def running_oxigraph(
    folder: Path, *, timeout_seconds: int | None = None, ready_seconds: float = 60.0
) -> Iterator[StoreServer]:
    """``oxigraph serve --union-default-graph`` over ``folder`` until the block ends."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    command = ["oxigraph", "serve", "--location", str(folder), "--bind", f"127.0.0.1:{port}"]
    command.append("--union-default-graph")
    if timeout_seconds is not None:
        command += ["--timeout-s", str(timeout_seconds)]
    base = f"http://127.0.0.1:{port}"
    log = folder.parent / f"{folder.name}-oxigraph.log"
    ready = answers_query(f"{base}/query")
    with running(command, ready, ready_seconds=ready_seconds, log=log) as server:
        yield StoreServer(
            name="oxigraph",
            query_url=f"{base}/query",
            graph_store_url=f"{base}/store",
            process=server.process,
            folder=folder,
        )


def ask(store: StoreServer, text: str) -> Table | bool:
    """The store's answer to the SELECT or ASK query ``text``."""
    return answer_at(store.query_url, text)


def answer_at(url: str, text: str) -> Table | bool:
    """The answer of the SPARQL endpoint at ``url`` to the SELECT or ASK query ``text`` (SPARQL
    JSON results, HTTP POST); an AssertionError with the answer's text unless it is a 200."""
    response = httpx.post(
        url,
        data={"query": text},
        headers={"Accept": "application/sparql-results+json"},
        timeout=120.0,
    )
    assert response.status_code == 200, f"{url}: HTTP {response.status_code}: {response.text}"
    result = ox.parse_query_results(response.content, format=ox.QueryResultsFormat.JSON)
    if isinstance(result, ox.QueryBoolean):
        return bool(result)
    assert isinstance(result, ox.QuerySolutions)
    return Table.from_solutions(result)
