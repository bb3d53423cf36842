"""Whole-dataset downloads: ``/dump.ttl``, ``/dump.nt`` (the default graph, i.e. every triple
once), ``/dump.trig``, ``/dump.nq`` and ``/dump.jsonld`` (every named graph).

Each dump is serialised once per process, on first request, and kept with its gzip form, a
strong ``ETag`` (a hash of the bytes) and ``Last-Modified`` (the newest loaded file).
Conditional requests get 304; clients that accept gzip get the compressed bytes. Serialising
runs under the endpoint's query clock like a query: in a worker the supervisor moves the
worker's other connections away meanwhile, and stops a build past ``--timeout`` (503).

Hazards: a dump is held in memory twice (plain and gzip), hundreds of MB per format for a
large graph (docs/endpoint.md), so only requested formats are built. A graph whose dump cannot be
serialised within ``--timeout`` cannot be downloaded until the deadline is raised.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bjaikg.endpoint.state import EndpointState
from bjaikg.negotiation import RdfChoice, choose_rdf_format, serialise_triples
from bjaikg.store import KnowledgeGraph

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
            statements = list(self.graph.store)
        else:
            triples = self.graph.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
            assert isinstance(triples, ox.QueryTriples)
            statements = list(triples)
        body = serialise_triples(statements, choice)
        etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
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


def _not_modified(request: Request, dump: Dump) -> bool:
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        tags = [tag.strip() for tag in if_none_match.split(",")]
        return dump.etag in tags or "*" in tags
    if_modified_since = request.headers.get("if-modified-since")
    if if_modified_since:
        try:
            return parsedate_to_datetime(if_modified_since).timestamp() >= int(dump.last_modified)
        except (TypeError, ValueError):
            return False
    return False


def dump_routes(cache: DumpCache) -> list[BaseRoute]:
    """``/dump.<suffix>`` for every suffix of :data:`DUMP_FORMATS`."""

    async def dump(request: Request) -> Response:
        suffix = request.url.path.rsplit(".", 1)[-1]
        current = await cache.get(suffix, request.app.state.endpoint)
        headers = {
            "ETag": current.etag,
            "Last-Modified": formatdate(current.last_modified, usegmt=True),
            "Vary": "Accept-Encoding",
            "Content-Disposition": f'attachment; filename="bjaikg.{suffix}"',
        }
        if _not_modified(request, current):
            return Response(status_code=304, headers=headers)
        body = current.body
        if "gzip" in request.headers.get("accept-encoding", ""):
            headers["Content-Encoding"] = "gzip"
            body = current.compressed
        return Response(body, 200, headers, media_type=current.choice.content_type)

    return [Route(f"/dump.{suffix}", dump, methods=["GET", "HEAD"]) for suffix in DUMP_FORMATS]
