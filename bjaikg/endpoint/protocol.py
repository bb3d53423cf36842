"""The SPARQL 1.1 Protocol at ``/sparql``: reading a request and answering it.

- ``GET``/``HEAD`` with ``query=``; ``POST`` form-encoded (``query=``) or with the query as an
  ``application/sparql-query`` body; ``default-graph-uri`` and ``named-graph-uri`` (repeatable,
  in the URL or the form, not both); ``format`` (overrides ``Accept``) and ``timeout``
  (seconds, at most the server's ``--timeout``).
- No query: the Service Description in an RDF format, or a redirect to ``/`` for a browser.
- Refusals: SPARQL Update (``update=``, ``application/sparql-update``, or an update in
  ``query=``) 403; other methods 405; a body over ``--max-request-bytes`` 413; a URL over the
  limit 414; an unknown body type 415. Past the deadline the supervisor kills the evaluating
  worker and answers 503 itself (:mod:`bjaikg.endpoint.supervisor`).

:func:`answer_sparql` works on a framework-free :class:`~bjaikg.endpoint.connection.HttpRequest`:
a worker answers every ``/sparql`` request with it, without Starlette. :func:`run_query` is the
one path from a request to the store (the Graph Store uses it too): it registers the deadline
and turns the answer into a response whose access record the caller counts and logs once it is
sent (:meth:`~bjaikg.endpoint.state.EndpointState.account`).
A client never sees a traceback.
"""

from __future__ import annotations

import time
from codecs import escape_decode
from urllib.parse import quote, unquote_to_bytes

from starlette.requests import Request
from starlette.responses import Response

from bjaikg.endpoint.cache import (
    PRECONDITION_FAILED,
    RequestKey,
    asks_fresh,
    body_tag,
    precondition,
)
from bjaikg.endpoint.connection import (
    RECORD,
    AccessRecord,
    HttpRequest,
    HttpResponse,
    body_too_large,
    not_implemented,
)
from bjaikg.endpoint.description import describe_service
from bjaikg.endpoint.evaluation import READ_ONLY_MESSAGE, TEXT, QueryRequest
from bjaikg.endpoint.state import EndpointState
from bjaikg.errors import BjaikgError
from bjaikg.negotiation import (
    RDF_MEDIA_TYPES,
    NotAcceptableError,
    choose_media_type,
    choose_rdf_format,
    serialise_triples,
)
from bjaikg.remote_store import StoreError

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
DATASET = frozenset({"default-graph-uri", "named-graph-uri"})
"""The protocol's dataset parameters: repeatable, in the URL or in a form body, not in both."""
DESCRIPTION_CACHE_SIZE = 64
"""Service descriptions kept (one per endpoint URL, i.e. Host header, and format)."""
ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"]
"""RFC 9110's methods and PATCH, the methods the server knows (any other: 501, see
:func:`refuse_method`): routed to handlers that answer the ones they do not take themselves
(:func:`other_method`: a plain OPTIONS 204, others a 405 that says why; a CORS preflight never
reaches them), and to the catch-all of the interface (a 404 for a path no route serves)."""


SPARQL_METHODS = "GET, HEAD, POST"
"""What ``/sparql`` takes besides OPTIONS (answered with 204, or as a CORS preflight)."""
ERROR_IN_LOG = 120
"""Characters of an error answer's first line written as its access-log detail."""


class ProtocolError(BjaikgError):
    """A request the protocol refuses, with the HTTP status and headers to answer with."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.headers = headers or {}

    def response(self) -> HttpResponse:
        """The plain-text answer that says what was wrong."""
        headers = [("Content-Type", TEXT), *self.headers.items()]
        return HttpResponse(self.status, headers, f"{self}\n".encode())


def refuse_method(method: str, allowed: str) -> ProtocolError:
    """The 405 for ``method`` on a resource that takes ``allowed`` and OPTIONS (its ``Allow``
    header); the 501 for a method that is none of :data:`ALL_METHODS`, unknown to the server
    for every resource (RFC 9110 §15.6.2). OPTIONS itself is answered: :func:`other_method`."""
    if method not in ALL_METHODS:
        return ProtocolError(501, not_implemented(method))
    reason = f"{method} is not supported: {READ_ONLY_MESSAGE}"
    return ProtocolError(405, reason, {"Allow": f"{allowed}, OPTIONS"})


def other_method(method: str, allowed: str) -> HttpResponse:
    """The answer to ``method`` on a resource that takes only ``allowed`` (e.g. ``GET, HEAD``)
    and OPTIONS: a plain OPTIONS (not a CORS preflight: ``CORSMiddleware`` answers those for
    every path) gets 204 and the ``Allow`` it asks for (RFC 9110 §9.3.7), as the server takes
    OPTIONS wherever it answers a preflight; any other method :func:`refuse_method`'s refusal."""
    if method == "OPTIONS":
        return HttpResponse(204, [("Allow", f"{allowed}, OPTIONS")], b"")
    return refuse_method(method, allowed).response()


def starlette_response(response: HttpResponse) -> Response:
    """``response`` as a Starlette response (for the routes of the application)."""
    return Response(response.body, response.status, dict(response.headers))


async def http_request(request: Request, limit: int) -> HttpRequest:
    """A Starlette request as an :class:`HttpRequest`, its body read (413 past ``limit``)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise ProtocolError(413, body_too_large(limit, int(declared)))
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise ProtocolError(413, body_too_large(limit))
    client = (request.client.host, request.client.port) if request.client else ("-", 0)
    root_path = request.scope.get("root_path", "")
    path = request.scope.get("raw_path") or request.scope["path"].encode()
    return HttpRequest(
        method=request.method,
        path=path.removeprefix(root_path.encode()),
        query_string=request.scope.get("query_string", b""),
        headers=list(request.scope["headers"]),
        body=bytes(body),
        client=client,
        scheme=request.url.scheme,
        root_path=root_path,
    )


def _decode(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ProtocolError(400, f"{what} is not UTF-8 (byte {error.start})") from None


def _percent_decoded(data: bytes) -> bytes:
    """``data`` with ``+`` as space and every ``%XX`` as its byte (others left as they are).

    The same result as :func:`urllib.parse.unquote_to_bytes` after ``+`` → space, in four C
    calls: each ``%`` becomes ``\\x`` (backslashes doubled first, so no other escape exists)
    and ``codecs.escape_decode`` (the decoder of Python's bytes escapes, which :mod:`pickle`
    uses) turns them into bytes. The standard library loops in Python over each escape, and
    a query has dozens. A ``%`` without two hex digits after it makes the decoder fail; such
    rare data goes the standard library's way.

    Hazard: ``escape_decode`` is not in the library reference; the test that compares
    :func:`parse_form` with :func:`urllib.parse.parse_qsl` on 20,000 random strings guards it.
    """
    data = data.replace(b"+", b" ")
    if b"%" not in data:
        return data
    escaped = data.replace(b"\\", b"\\\\").replace(b"%", b"\\x")
    try:
        return escape_decode(escaped)[0]
    except ValueError:
        return unquote_to_bytes(data)


def parse_form(encoded: bytes, what: str) -> list[tuple[str, str]]:
    """``name=value&…`` (a URL query or a form body) as decoded pairs, in order.

    Like :func:`urllib.parse.parse_qsl` with ``keep_blank_values`` and strict UTF-8: 400 for a
    body or URL that is not UTF-8, raw or once percent-decoded.
    """
    if not encoded.isascii():  # ASCII is UTF-8: only other bytes need the check
        _decode(encoded, what)
    pairs = []
    for field in encoded.split(b"&"):
        if not field:
            continue
        name, _, value = field.partition(b"=")
        try:
            pairs.append((_percent_decoded(name).decode(), _percent_decoded(value).decode()))
        except UnicodeDecodeError:
            raise ProtocolError(
                400, f"{what} has percent-encoded bytes that are not UTF-8"
            ) from None
    return pairs


def read_parameters(request: HttpRequest, state: EndpointState) -> list[tuple[str, str]]:
    """The protocol parameters of the URL and (for a form) the body, in order.

    A direct ``application/sparql-query`` body becomes a ``query`` parameter. A dataset
    parameter (:data:`DATASET`) in both the URL and a form body is a 400, as a second ``query``
    is: which one the client meant is not for the server to guess. A POST with neither a query
    nor an update is a 400 (the SPARQL Protocol asks one of POST); only a GET without one is
    the service description.
    """
    settings = state.settings
    raw_query = request.query_string
    if len(raw_query) > settings.max_url_bytes:
        raise ProtocolError(
            414,
            f"URL query of {len(raw_query)} bytes is over the limit of "
            f"{settings.max_url_bytes}; send long queries with POST",
        )
    parameters = parse_form(raw_query, "URL query")
    if request.method != "POST":
        return parameters
    media_type = (request.header(b"content-type") or "").split(";")[0].strip().lower()
    if media_type == SPARQL_UPDATE:
        raise ProtocolError(403, READ_ONLY_MESSAGE)
    if media_type not in (FORM, SPARQL_QUERY):
        raise ProtocolError(
            415,
            f"POST body of type {media_type or '(none)'} is not a SPARQL request; "
            f"send {FORM} or {SPARQL_QUERY}",
        )
    if media_type == FORM:
        form = parse_form(request.body, "form body")
        in_url = sorted({name for name, _ in parameters} & DATASET)
        in_form = sorted({name for name, _ in form} & DATASET)
        if in_url and in_form:  # the dataset is one: its graphs are named in one place
            raise ProtocolError(
                400,
                f"{in_url[0]} is given in the URL and {in_form[0]} in the form body; give the "
                "dataset in one of them",
            )
        return parameters + form
    return [*parameters, ("query", _decode(request.body, "request body"))]


def _deadline(values: list[str], limit: float) -> float:
    """The ``timeout`` parameter (the last one given) as seconds, at most ``limit``."""
    if not values:
        return limit
    try:
        seconds = float(values[-1])
    except ValueError:
        raise ProtocolError(400, f"timeout={values[-1]!r} is not a number of seconds") from None
    if not seconds > 0:
        raise ProtocolError(400, f"timeout={values[-1]!r} must be more than 0 seconds")
    return min(seconds, limit)


def request_key(request: HttpRequest) -> RequestKey:
    """What the answer to a GET or HEAD request depends on besides the data, as it arrived
    (:data:`~bjaikg.endpoint.cache.RequestKey`): the base IRI comes from the scheme, ``Host``
    and root path, every parameter from the query string, the format from it and ``Accept``."""
    fields = request.fields
    return (
        request.path, request.query_string, fields.get(b"accept"), fields.get(b"host"),
        request.scheme, request.root_path,
    )  # fmt: skip


def _kept_response(
    state: EndpointState, request: HttpRequest, started: float
) -> HttpResponse | None:
    """The response kept for a GET or HEAD request like ``request``, with a record of its own;
    ``None`` when none is kept. Ask it only of a request that does not say ``Cache-Control:
    no-cache`` (:func:`~bjaikg.endpoint.cache.asks_fresh`)."""
    kept = state.cache.response(request_key(request))
    if kept is None:
        return None
    record = kept.record
    assert record is not None  # AnswerCache.keep_response is given responses with a record
    return HttpResponse(
        kept.status, kept.headers, kept.body,
        AccessRecord(record.route, started, record.detail, record.query),
    )  # fmt: skip


def run_query(
    state: EndpointState,
    request: HttpRequest,
    query_request: QueryRequest,
    timeout: float,
    route: str,
    started: float,
) -> HttpResponse:
    """Evaluate ``query_request`` under ``timeout`` (:meth:`EndpointState.evaluate`) and
    answer; the response's record is for :meth:`EndpointState.account` once it is sent.

    An answer kept for the same request is sent without evaluating (unless the request says
    ``Cache-Control: no-cache``): a GET answer as the whole response, kept under the request as
    it arrived (:func:`request_key`). A GET answer that depends only on the data carries a strong
    ``ETag`` and ``Cache-Control: public, max-age=…``; ``If-None-Match`` with its tag gets 304
    without evaluating, and ``If-Match`` without it (any tag, for an answer that has none) 412
    (:func:`~bjaikg.endpoint.cache.precondition`).
    """
    cache, query = state.cache, query_request.query
    key = cache.key(query_request)
    headers = [("Vary", "Accept")]
    tagged = key is not None and request.method != "POST"  # a GET or HEAD answer of the data
    fresh = asks_fresh(request.fields.get(b"cache-control"))
    etag = None
    if tagged:
        assert key is not None
        etag = cache.etag(key)
        max_age = state.settings.cache_max_age
        headers += [("ETag", etag), ("Cache-Control", f"public, max-age={max_age}")]
    if request.method != "POST":
        if_match, if_none_match = request.header(b"if-match"), request.header(b"if-none-match")
        status = precondition(if_match, if_none_match, etag, star=False)
        if status == 412:
            refused = ProtocolError(412, PRECONDITION_FAILED).response()
            refused.record = AccessRecord(route, started, "refused", query)
            return refused
        if status == 304:
            return HttpResponse(304, headers, b"", AccessRecord(route, started, "unchanged", query))
    if tagged and not fresh and (response := _kept_response(state, request, started)) is not None:
        return response
    kept = None if fresh or tagged else cache.get(key)
    answer = kept or state.evaluate(query_request, timeout, route, None if tagged else key)
    if answer.status != 200:
        del headers[1:]
    headers.append(("Content-Type", answer.content_type))
    if answer.truncated:
        headers.append(("X-SPARQL-Truncated", "true"))
        headers.append(("X-SPARQL-Max-Results", str(query_request.max_results)))
    if answer.status != 200:  # refused or failed by the evaluation: the log says why
        detail = answer.text.partition("\n")[0][:ERROR_IN_LOG]
    elif answer.results is None:
        detail = f"bytes={len(answer.body)}"
    else:
        detail = f"results={answer.results}"
    detail += " truncated" if answer.truncated else ""
    if tagged and answer.status == 200 and (arrived := request_key(request)) not in cache:
        again = AccessRecord(route, 0.0, f"{detail} cached", query)
        cache.keep_response(arrived, HttpResponse(200, headers, answer.body, again))
    detail += " cached" if kept else ""
    return HttpResponse(
        answer.status, headers, answer.body, AccessRecord(route, started, detail, query)
    )


def service_url(request: HttpRequest) -> str:
    """The URL the client asked for, without its query string:
    ``<scheme>://<Host><root path><path>`` (as a trusted proxy says, :mod:`bjaikg.endpoint.proxy`).

    Hazard: the Host header is the client's; use the result only for what the client gets back.
    """
    host = request.header(b"host") or "localhost"
    return f"{request.scheme}://{host}{request.root_path}{request.path.decode('latin-1')}"


def _service_description(state: EndpointState, request: HttpRequest) -> HttpResponse:
    accept = request.header(b"accept")
    parameters = dict(parse_form(request.query_string, "URL query"))
    if choose_media_type(accept, [*RDF_MEDIA_TYPES, "text/html"]) == "text/html":
        language = parameters.get("lang")
        page = f"{request.root_path}/" + (f"?lang={quote(language)}" if language else "")
        return HttpResponse(303, [("Location", page), ("Vary", "Accept")])
    choice = choose_rdf_format(accept, parameters.get("format"))
    endpoint = service_url(request)
    base = endpoint.removesuffix(request.path.decode("latin-1"))  # with the root path
    key = (endpoint, choice.media_type)
    if key not in state.description_cache:
        if len(state.description_cache) >= DESCRIPTION_CACHE_SIZE:
            state.description_cache.clear()  # the Host header is the client's: bound the cache
        statistics = state.count_dataset("sparql")
        federation = bool(state.settings.allow_service)
        triples = describe_service(endpoint, statistics, federation=federation, base=base)
        body = serialise_triples(triples, choice)
        state.description_cache[key] = (body, body_tag(body, choice.content_type))  # once
    body, etag = state.description_cache[key]
    max_age = state.settings.cache_max_age
    headers = [("Vary", "Accept"), ("ETag", etag), ("Cache-Control", f"public, max-age={max_age}")]
    status = precondition(request.header(b"if-match"), request.header(b"if-none-match"), etag)
    if status == 412:
        raise ProtocolError(412, PRECONDITION_FAILED)
    if status == 304:
        return HttpResponse(304, headers, b"")
    return HttpResponse(200, [("Content-Type", choice.content_type), *headers], body)


def answer_sparql(state: EndpointState, request: HttpRequest) -> HttpResponse:
    """``/sparql``: a query by GET or POST, or the Service Description when there is none.

    The response carries its access record: send it, then :meth:`EndpointState.account`.
    """
    started = time.perf_counter()
    fields = request.fields
    if (
        request.method in ("GET", "HEAD")
        and b"if-none-match" not in fields
        and b"if-match" not in fields
        and not asks_fresh(fields.get(b"cache-control"))
        and (response := _kept_response(state, request, started)) is not None
    ):
        return response  # parameters, evaluation and serialisation all skipped
    if request.method not in ("GET", "HEAD", "POST"):  # OPTIONS: no preflight (worker: CORS's)
        response = other_method(request.method, SPARQL_METHODS)
        detail = "options" if response.status == 204 else "refused"
        response.record = AccessRecord("sparql", started, detail)
        return response
    try:
        found: dict[str, list[str]] = {}
        for name, value in read_parameters(request, state):
            found.setdefault(name, []).append(value)
        if "update" in found:
            raise ProtocolError(403, READ_ONLY_MESSAGE)
        queries = found.get("query", [])
        dataset = [name for name in ("default-graph-uri", "named-graph-uri") if name in found]
        if not queries and dataset:
            raise ProtocolError(400, f"{dataset[0]} is given but no query to apply it to")
        if not queries and request.method == "POST":
            raise ProtocolError(
                400, f"a POST needs a query: query= in a form, or a {SPARQL_QUERY} body"
            )
        if not queries:
            detail = "service description"
            try:
                response = _service_description(state, request)
            except StoreError as error:  # its VoID counts, counted on first need, failed
                response, detail = ProtocolError(error.status, str(error)).response(), "store"
            response.record = AccessRecord("sparql", started, detail)
            return response
        if len(queries) > 1:
            raise ProtocolError(400, "give exactly one query (the request has several)")
        # a byte-order mark (an editor saved the query file with it) is no part of the query,
        # whether the file was sent as the body or as a form's or the URL's query=
        query = queries[0].removeprefix("\ufeff")
        if not query.strip():
            raise ProtocolError(400, "the query is empty")
        formats = found.get("format")
        query_request = QueryRequest(
            query=query,
            default_graphs=tuple(found.get("default-graph-uri", ())),
            named_graphs=tuple(found.get("named-graph-uri", ())),
            accept=request.header(b"accept"),
            format_parameter=formats[-1] if formats else None,
            max_results=state.settings.max_results,
            base_iri=state.settings.base or service_url(request),
        )
        timeout = _deadline(found.get("timeout", []), state.settings.timeout)
    except NotAcceptableError as error:  # what was acceptable came from Accept (RFC 9110)
        response = ProtocolError(406, str(error), {"Vary": "Accept"}).response()
        response.record = AccessRecord("sparql", started, "not acceptable")
        return response
    except ProtocolError as error:
        response = error.response()
        response.record = AccessRecord("sparql", started, "refused")
        return response
    return run_query(state, request, query_request, timeout, "sparql", started)


def note(request: Request, response: HttpResponse) -> Response:
    """``response`` for Starlette, its access record copied to the one the worker logs."""
    record, ours = response.record, request.scope.get(RECORD)
    if record is not None and ours is not None:
        ours.route, ours.detail, ours.query = record.route, record.detail, record.query
    return starlette_response(response)
