"""Whole-dataset downloads: ``/dump.ttl``, ``/dump.nt`` (the default graph, i.e. every triple
once), ``/dump.trig``, ``/dump.nq`` and ``/dump.jsonld`` (every named graph).

Each dump is serialised once per process, on first request, and kept with its gzip form, a
strong ``ETag`` (a hash of the bytes) and ``Last-Modified`` (the newest loaded file).
Conditional requests get 304, or 412 for an ``If-Match`` naming another tag or an
``If-Unmodified-Since`` before the newest file; clients that
accept gzip get the compressed bytes. Serialising runs under the endpoint's query clock like a
query: in a worker the supervisor moves the worker's other connections away meanwhile, and
stops a build past ``--timeout`` (503).

Over an external store (``serve.py --store URL``) a dump is streamed instead, never held: the
store's rows are serialised as they arrive and each 8 KiB written leaves at once, gzip-compressed
for a client that accepts it (:class:`StoreDump`), at the pace the client takes them (the
worker waits past ``HELD_STREAMING`` bytes unsent). Such a dump has no validators (a hash of its
bytes is known only at its end) and is under ``--timeout`` as a whole, the client's reading
included (docs/deployment.md#dumps-from-a-store).

Hazards: a dump is held in memory twice (plain and gzip), hundreds of MB per format for a
large graph (docs/endpoint.md), so only requested formats are built. A graph whose dump cannot be
serialised within ``--timeout`` cannot be downloaded until the deadline is raised.
"""

from __future__ import annotations

import asyncio
import gzip
import io
import logging
import queue
import threading
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from typing import TYPE_CHECKING

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from bjaikg.endpoint.cache import PRECONDITION_FAILED, body_tag, precondition
from bjaikg.endpoint.state import EndpointState
from bjaikg.namespaces import BJG, PREFIXES
from bjaikg.negotiation import RdfChoice, choose_rdf_format, serialise_triples
from bjaikg.release import canonical_quads
from bjaikg.remote_store import RemoteStore, StoreError
from bjaikg.store import KnowledgeGraph

if TYPE_CHECKING:
    from typing_extensions import Buffer  # Python 3.12's collections.abc.Buffer

LOG = logging.getLogger(__name__)

CHUNKS_IN_FLIGHT = 16
"""Chunks (about 8 KiB each, pyoxigraph's writes) between the serialising thread and the
response: what bounds a streamed dump's memory when the client reads slower than the store."""

GRAPHS_QUERY = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
"""The store's named graphs, each with its number of triples: the project's are picked out of
them here (:meth:`StoreDump.ask`). The store reads every quad either way; a ``FILTER`` on the
graph's name in the query tested it on each quad, most of the time before a dump's first bytes
(measured in docs/testing.md, 2026-12-07 session 35). Hazard: a store holding many graphs of
other data answers a row for each."""

TRIPLES_QUERY = (
    "SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } "
    f'FILTER(STRSTARTS(STR(?g), "{BJG}")) }}'
)
"""Every triple of the project's graphs once (the default-graph dumps)."""

TRIPLES_COUNT_QUERY = f"SELECT (COUNT(*) AS ?n) WHERE {{ {TRIPLES_QUERY} }}"
"""How many rows :data:`TRIPLES_QUERY` has (asked once they have all arrived)."""

DUMP_FORMATS: dict[str, tuple[str, bool]] = {
    "ttl": ("ttl", False),
    "nt": ("nt", False),
    "trig": ("trig", True),
    "nq": ("nq", True),
    "jsonld": ("jsonld", True),
}
"""File suffix → (``format`` name, whether the dump keeps named graphs)."""


@dataclass(frozen=True)
class Dump:
    """One serialised dump and its validators."""

    choice: RdfChoice
    body: bytes
    compressed: bytes
    etag: str
    last_modified: float

    @property
    def compressed_etag(self) -> str:
        """The strong tag of the gzip bytes: a strong validator differs between content codings
        (RFC 9110 §8.8.3)."""
        return f'{self.etag[:-1]}-gzip"'


class DumpCache:
    """Dumps of one graph, built on demand in a thread and then kept."""

    def __init__(self, graph: KnowledgeGraph) -> None:
        self.graph = graph
        self._dumps: dict[str, Dump] = {}
        self._lock = asyncio.Lock()
        mtimes = [graph_file.path.stat().st_mtime for graph_file in graph.files]
        self.last_modified = max(mtimes, default=0.0)

    def _build(self, suffix: str) -> Dump:
        name, datasets = DUMP_FORMATS[suffix]
        choice = choose_rdf_format(None, name, datasets=datasets)
        statements: list[ox.Triple] | list[ox.Quad]
        if datasets:
            quads = list(self.graph.embedded_store)  # a store's dumps are StoreDump's
            # as a release writes its .nq: the same data, the same bytes
            statements = canonical_quads(quads) if suffix == "nq" else quads
        else:
            triples = self.graph.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
            assert isinstance(triples, ox.QueryTriples)
            statements = list(triples)
        body = serialise_triples(statements, choice)
        etag = body_tag(body, choice.content_type)
        compressed = gzip.compress(body, compresslevel=6, mtime=0)
        return Dump(choice, body, compressed, etag, self.last_modified)

    async def get(self, suffix: str, state: EndpointState) -> Dump:
        """The dump for ``suffix`` (a key of :data:`DUMP_FORMATS`), built once under the
        deadline of ``state``'s clock."""
        async with self._lock:
            if suffix not in self._dumps:
                with state.clock.evaluating("graph-store", state.settings.timeout):
                    self._dumps[suffix] = await asyncio.to_thread(self._build, suffix)
            return self._dumps[suffix]


@dataclass
class StoreDump:
    """One dump streamed from an external store: ``graphs`` (IRI to its triple count, asked
    before the answer starts, so a store that fails at once is a 502/503 answer) are read one
    by one and serialised by pyoxigraph in a thread into a bounded queue of chunks.

    A dump that arrives with fewer or more triples than the store counts (a Virtuoso
    ``ResultSetMaxRows`` below the dump's size, a store's own time limit) or a store that fails
    or stalls past ``--timeout`` mid-way ends the answer without its last chunk: the client sees
    a cut transfer, never a complete-looking partial dump. A quad dump compares each graph
    with ``graphs``; a triple dump asks the store, once its rows have arrived, how many distinct
    triples there are.

    Hazard: that count evaluates the triple dump's ``SELECT DISTINCT`` a second time, under
    ``--timeout``: a store too slow for it cuts every Turtle and N-Triples dump (the N-Quads
    dump, counted per graph, still works).
    """

    store: RemoteStore
    choice: RdfChoice
    graphs: dict[str, int]
    compress: bool
    _chunks: queue.Queue[bytes | BaseException | None] = field(
        default_factory=lambda: queue.Queue(CHUNKS_IN_FLIGHT)
    )
    _stopped: threading.Event = field(default_factory=threading.Event)

    @classmethod
    def ask(cls, store: RemoteStore, suffix: str, compress: bool) -> StoreDump:
        """The dump for ``suffix`` with the store's graphs counted (StoreError if it fails)."""
        name, datasets = DUMP_FORMATS[suffix]
        choice = choose_rdf_format(None, name, datasets=datasets)
        result = store.query(GRAPHS_QUERY)
        assert isinstance(result, ox.QuerySolutions)
        graphs = {
            str(row["g"].value): int(row["n"].value)
            for row in result
            if str(row["g"].value).startswith(BJG)
        }
        return cls(store, choice, graphs, compress)

    def statements(self) -> Iterator[ox.Triple] | Iterator[ox.Quad]:
        """What the dump holds, as the store sends it."""
        if not self.choice.format.supports_datasets:
            sent = 0
            with self.store.rows(TRIPLES_QUERY) as rows:
                for row in rows:
                    sent += 1
                    yield ox.Triple(row["s"], row["p"], row["o"])
            counted = self.store.query(TRIPLES_COUNT_QUERY)
            assert isinstance(counted, ox.QuerySolutions)
            count = int(next(counted)["n"].value)
            if sent != count:
                raise StoreError(502, f"store sent {sent} triples; it counts {count} distinct")
            return
        for graph, count in self.graphs.items():
            name, sent = ox.NamedNode(graph), 0
            with self.store.rows(
                f"SELECT ?s ?p ?o WHERE {{ GRAPH {name} {{ ?s ?p ?o }} }}"
            ) as rows:
                for row in rows:
                    sent += 1
                    yield ox.Quad(row["s"], row["p"], row["o"], name)
            if sent != count:
                raise StoreError(502, f"store sent {sent} triples of {graph}; it counted {count}")

    def write(self, chunk: bytes) -> int:
        """Take pyoxigraph's next output (a file's ``write``); blocks while the queue is full."""
        data = self._compressor.compress(chunk) if self.compress else chunk
        self._put(data)
        return len(chunk)

    def _put(self, item: bytes | BaseException | None) -> None:
        while not self._stopped.is_set():
            try:
                self._chunks.put(item, timeout=1.0)
                return
            except queue.Full:
                continue
        raise _ClientLeftError

    def _serialise(self) -> None:
        self._compressor = zlib.compressobj(6, zlib.DEFLATED, 31)  # 31: the gzip container
        prefixes = (
            PREFIXES if self.choice.format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
        )
        try:
            output = io.BufferedWriter(_Writer(self))
            ox.serialize(self.statements(), output, format=self.choice.format, prefixes=prefixes)
            output.flush()
            if self.compress:
                self._put(self._compressor.flush())
            self._put(None)
        except _ClientLeftError:
            return
        except Exception as error:  # handed to the response, which ends cut
            try:
                self._put(error)
            except _ClientLeftError:
                return

    def chunks(self) -> Iterator[bytes]:
        """The dump's bytes as they are serialised (the thread stops when the client leaves)."""
        thread = threading.Thread(target=self._serialise, name="dump", daemon=True)
        thread.start()
        try:
            while (item := self._chunks.get()) is not None:
                if isinstance(item, BaseException):
                    LOG.warning("dump from the store cut: %s", item)
                    raise item
                if item:
                    yield item
        finally:
            self._stopped.set()


class _Writer(io.RawIOBase):
    """The file pyoxigraph writes a :class:`StoreDump` into."""

    def __init__(self, dump: StoreDump) -> None:
        self.dump = dump

    def writable(self) -> bool:
        return True

    def write(self, data: Buffer, /) -> int:
        return self.dump.write(bytes(data))


class _ClientLeftError(Exception):
    """The client left: the serialising thread stops."""


CHANGED_SINCE = "the dump changed after the If-Unmodified-Since date (RFC 9110 §13.1.4)"
"""Why a dump request with ``If-Unmodified-Since`` and no ``If-Match`` is answered 412."""


def _condition(request: Request, etag: str, last_modified: float) -> int | None:
    """412, 304 or ``None``, in RFC 9110 §13.2.2's order: ``If-Match``, else
    ``If-Unmodified-Since`` (412 for a date before ``last_modified``); then ``If-None-Match``
    (:func:`~bjaikg.endpoint.cache.precondition`), else ``If-Modified-Since`` (304 for a date
    not before ``last_modified``). A date that does not parse is ignored, as §13.1 says."""
    headers = request.headers
    modified = int(last_modified)
    since = _date(headers.get("if-unmodified-since"))
    if "if-match" not in headers and since is not None and modified > since:
        return 412
    status = precondition(headers.get("if-match"), headers.get("if-none-match"), etag)
    if status is not None or "if-none-match" in headers:
        return status
    since = _date(headers.get("if-modified-since"))
    return 304 if since is not None and since >= modified else None


def _date(value: str | None) -> float | None:
    """The time an HTTP date names, or ``None`` for none or one that does not parse."""
    try:
        return parsedate_to_datetime(value).timestamp() if value else None
    except (TypeError, ValueError):
        return None


def dump_routes(cache: DumpCache) -> list[BaseRoute]:
    """``/dump.<suffix>`` for every suffix of :data:`DUMP_FORMATS`."""

    async def dump(request: Request) -> Response:
        suffix = request.url.path.rsplit(".", 1)[-1]
        if isinstance(cache.graph.store, RemoteStore):
            return await _streamed(request, cache.graph.store, suffix)
        state: EndpointState = request.app.state.endpoint
        current = await cache.get(suffix, state)
        compress = "gzip" in request.headers.get("accept-encoding", "")
        etag = current.compressed_etag if compress else current.etag
        headers = {
            "ETag": etag,
            "Last-Modified": formatdate(current.last_modified, usegmt=True),
            "Cache-Control": f"public, max-age={state.settings.cache_max_age}",
            "Vary": "Accept-Encoding",
            "Content-Disposition": f'attachment; filename="bjaikg.{suffix}"',
        }
        status = _condition(request, etag, current.last_modified)
        if status == 412:
            why = PRECONDITION_FAILED if "if-match" in request.headers else CHANGED_SINCE
            return PlainTextResponse(f"{why}\n", 412)
        if status == 304:
            return Response(status_code=304, headers=headers)
        if compress:
            headers["Content-Encoding"] = "gzip"
        body = current.compressed if compress else current.body
        return Response(body, 200, headers, media_type=current.choice.content_type)

    return [Route(f"/dump.{suffix}", dump, methods=["GET", "HEAD"]) for suffix in DUMP_FORMATS]


async def _streamed(request: Request, store: RemoteStore, suffix: str) -> Response:
    """A dump streamed from ``store`` (:class:`StoreDump`); HEAD asks the store nothing."""
    compress = "gzip" in request.headers.get("accept-encoding", "")
    headers = {
        "Vary": "Accept-Encoding",
        "Content-Disposition": f'attachment; filename="bjaikg.{suffix}"',
    }
    if compress:
        headers["Content-Encoding"] = "gzip"
    name, datasets = DUMP_FORMATS[suffix]
    media_type = choose_rdf_format(None, name, datasets=datasets).content_type
    if request.method == "HEAD":
        return Response(None, 200, headers, media_type=media_type)
    current = await asyncio.to_thread(StoreDump.ask, store, suffix, compress)
    return StreamingResponse(current.chunks(), 200, headers, media_type=media_type)
