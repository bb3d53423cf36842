"""Answers kept: the store never changes while the server runs, so an answer is a function of
the request and the loaded data.

:class:`AnswerCache` keeps a worker's serialised answers (status 200), the least recently used
leaving first, within ``--cache-size`` bytes (bodies plus query texts or query strings): a GET
answer as the whole response under the request as it arrived (:data:`RequestKey`), so the same
request again is answered without parsing its parameters, evaluating or serialising; any other
answer (POST, :meth:`~bjaikg.endpoint.state.EndpointState.answer`) under its parsed request
(:data:`Key`). A GET and a POST of one query are therefore kept apart. :meth:`AnswerCache.etag`
names a request's answer by a hash of the loaded data (:func:`data_fingerprint`) and the
request (:meth:`AnswerCache.key`: query, dataset, ``Accept``, ``format``, base IRI, result
bound), so a client can revalidate without the answer being evaluated again.

Hazards: a query whose answer is not a function of the data has no key and is never kept:
one calling ``SERVICE`` (another endpoint's answer) or ``NOW()``, ``RAND()``, ``UUID()``,
``STRUUID()``, ``BNODE()`` — found by name in the text, so a literal naming them only costs
the query its caching. The ETag names the request, not the bytes: rows without ``ORDER BY``
come in the engine's order, which the same data and engine keep (the loader labels blank nodes
canonically and adds their quads in order, so replicas agree). Each worker keeps its own
cache, inside its ``--max-memory``.
"""

from __future__ import annotations

import hashlib
import marshal
import re
from collections import OrderedDict

import pyoxigraph as ox

import bjaikg
from bjaikg.endpoint.connection import HttpResponse
from bjaikg.endpoint.evaluation import QueryAnswer, QueryRequest
from bjaikg.endpoint.query_tokens import constructs_blank_nodes, service_keywords
from bjaikg.remote_store import RemoteStore
from bjaikg.statistics import NamedGraphStatistics
from bjaikg.store import KnowledgeGraph

Key = tuple[str, tuple[str, ...], tuple[str, ...], str | None, str | None, int | None, str | None]
"""What an answer depends on besides the data (see :meth:`AnswerCache.key`)."""
RequestKey = tuple[bytes, bytes, bytes | None, bytes | None, str, str]
"""A GET request as it arrived: path, query string, ``Accept``, ``Host``, scheme and root path
(:func:`bjaikg.endpoint.protocol.request_key`); with the data they decide its answer."""

_VOLATILE = re.compile(r"\b(?:now|rand|uuid|struuid|bnode)(?:\s|#[^\r\n]*[\r\n])*\(")
"""Functions whose value changes from one evaluation to the next, in a lower-cased query (a
comment, which ends at a line break, may stand between name and bracket); looked for only when a
cheap substring test finds a name. Hazard: it runs before the query's deadline does, so it must
stay linear: a comment without its line break in the pattern (``#[^\r\n]*`` repeated) made a
run of ``#`` after ``rand`` exponential."""


def asks_fresh(cache_control: bytes | str | None) -> bool:
    """Whether a request's ``Cache-Control`` value says ``no-cache`` (the directive's name in
    any case): its answer is then evaluated, never sent from what a worker keeps, and kept
    again. Every cached route asks it: ``/sparql``, the Graph Store, the named-query API."""
    if not cache_control:
        return False
    if isinstance(cache_control, bytes):
        return b"no-cache" in cache_control.lower()
    return "no-cache" in cache_control.lower()


def body_tag(body: bytes, content_type: str) -> str:
    """The strong entity tag of an answer made from ``body`` alone (a page, a dump, the service
    description): a hash of its media type and bytes, quoted. The media type counts: TriG and
    Turtle, or N-Quads and N-Triples, of triples without a graph are the same bytes, and a
    strong tag names one representation (RFC 9110 §8.8.1)."""
    digest = hashlib.sha256(content_type.encode())
    digest.update(body)
    return f'"{digest.hexdigest()[:32]}"'


PRECONDITION_FAILED = "If-Match names no entity tag of this answer (RFC 9110 §13.1.1)"
"""Why a request is answered 412 (:func:`precondition`)."""


def precondition(
    if_match: str | None, if_none_match: str | None, etag: str | None, *, star: bool = True
) -> int | None:
    """What a GET or HEAD whose answer has the strong tag ``etag`` (``None``: no tag) is
    answered instead, in RFC 9110 §13.2.2's order: 412 when ``If-Match`` is not ``*`` and
    names no tag equal to ``etag`` (the strong comparison of §13.1.1: ``W/"…"`` never
    matches); else 304 when ``If-None-Match`` names ``etag`` (compared weakly, a ``W/`` prefix
    ignored, §13.1.2) or, with ``star``, is ``*``; else ``None``, the answer itself.

    Pass ``star=False`` where the answer is not yet known to be a 2xx: RFC 9110 §13.2.1 has a
    server ignore preconditions when the answer without them would not be (a ``/sparql``
    query's tag is made before it is evaluated; an error carries no tag, so a tag a client
    holds came with a 200). Hazard: there a 412 is decided before evaluating too, so a query
    whose answer would be an error gets the 412 instead.
    """
    if if_match:
        tags = [tag.strip() for tag in if_match.split(",")]
        if "*" not in tags and etag not in tags:
            return 412
    if if_none_match and etag is not None:
        tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
        if etag in tags or (star and "*" in tags):
            return 304
    return None


def data_fingerprint(graph: KnowledgeGraph, named_graphs: tuple[NamedGraphStatistics, ...]) -> str:
    """A hash of the files ``graph`` was loaded from (names and bytes) and of the code that
    loads and answers (bjaikg's and pyoxigraph's versions); for a remote store, of its URL and
    ``named_graphs``, the triples of each of its named graphs, counted at start-up.

    Hazard: a remote store's data can change while the server runs, and an edit that keeps
    every graph's count (a literal corrected in place) keeps the fingerprint: such answers stay
    cached, and their ETags valid, until the server restarts (docs/deployment.md).
    """
    digest = hashlib.sha256(f"{bjaikg.__version__} {ox.__version__}".encode())
    if isinstance(graph.store, RemoteStore):
        digest.update(f"{graph.store.url} {named_graphs!r}".encode())
    for graph_file in graph.files:
        digest.update(str(graph_file.path).encode() + b"\0" + graph_file.path.read_bytes())
    return digest.hexdigest()


class AnswerCache:
    """Answers by request, at most ``size`` bytes of them (0: none kept)."""

    def __init__(self, size: int, fingerprint: str) -> None:
        self.size = size
        self._fingerprint_hash = hashlib.sha256(fingerprint.encode())
        self.bytes = 0
        self._kept: OrderedDict[Key | RequestKey, tuple[QueryAnswer | HttpResponse, int]] = (
            OrderedDict()
        )

    @staticmethod
    def key(request: QueryRequest) -> Key | None:
        """What the answer to ``request`` depends on; ``None`` when not only on the data."""
        text = request.query.lower()
        if (
            service_keywords(request.query)
            or (
                ("now" in text or "rand" in text or "uuid" in text or "bnode" in text)
                and _VOLATILE.search(text)
            )
            or ("construct" in text and constructs_blank_nodes(request.query))
        ):
            return None
        return (
            request.query, request.default_graphs, request.named_graphs, request.accept,
            request.format_parameter, request.max_results, request.base_iri,
        )  # fmt: skip

    def etag(self, key: Key) -> str:
        """The strong entity tag of the answer to the request of ``key``: a hash of the data's
        fingerprint and ``key`` (``marshal`` format 2, which writes equal tuples alike).

        Hazard: ``marshal`` may change between Python versions; replicas on different ones give
        one answer different tags (a client then gets the answer again instead of a 304).
        """
        digest = self._fingerprint_hash.copy()
        digest.update(marshal.dumps(key, 2))
        return f'"{digest.hexdigest()[:32]}"'

    def get(self, key: Key | None) -> QueryAnswer | None:
        """The answer kept for ``key``, if any (it becomes the most recently used)."""
        kept = self._take(key) if key is not None else None
        return kept if isinstance(kept, QueryAnswer) else None

    def response(self, key: RequestKey) -> HttpResponse | None:
        """The response kept for the GET request ``key``, if any (see :meth:`keep_response`)."""
        kept = self._take(key)
        return kept if isinstance(kept, HttpResponse) else None

    def put(self, key: Key, answer: QueryAnswer) -> None:
        """Keep ``answer`` (status 200 only), dropping the least recently used past the bound."""
        if answer.status == 200:
            self._keep(key, answer, len(answer.body) + len(key[0]))

    def keep_response(self, key: RequestKey, response: HttpResponse) -> None:
        """Keep ``response`` (status 200, its record what the access log says of it once sent
        again) to send again for the GET request ``key``.

        Hazard: every response sent from it shares its header list and body; never change them.
        """
        if response.status == 200:
            self._keep(key, response, len(response.body) + len(key[1]))

    def _take(self, key: Key | RequestKey) -> QueryAnswer | HttpResponse | None:
        kept = self._kept.get(key)
        if kept is None:
            return None
        self._kept.move_to_end(key)
        return kept[0]

    def _keep(self, key: Key | RequestKey, value: QueryAnswer | HttpResponse, size: int) -> None:
        if size > self.size or key in self._kept:
            return
        self._kept[key] = (value, size)
        self.bytes += size
        while self.bytes > self.size:
            _, (_, dropped) = self._kept.popitem(last=False)
            self.bytes -= dropped

    def __contains__(self, key: Key | RequestKey) -> bool:
        return key in self._kept

    def __len__(self) -> int:
        return len(self._kept)
