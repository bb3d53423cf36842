"""The SPARQL 1.1 Protocol at ``/sparql``: reading a request and answering it through the pool.

- ``GET``/``HEAD`` with ``query=``; ``POST`` form-encoded (``query=``) or with the query as an
  ``application/sparql-query`` body; ``default-graph-uri`` and ``named-graph-uri`` (repeatable,
  in the URL or the form); ``format`` (overrides ``Accept``) and ``timeout`` (seconds, at most
  the server's ``--timeout``).
- No query: the Service Description in an RDF format, or a redirect to ``/`` for a browser.
- Refusals: SPARQL Update (``update=``, ``application/sparql-update``, or an update in
  ``query=``) 403; other methods 405; a body over ``--max-request-bytes`` 413; a URL over the
  limit 414; an unknown body type 415; too many requests in flight 503 with ``Retry-After``;
  over the deadline 503 (the query's process is killed).

:func:`run_query` is the one path from an HTTP request to the pool (the Graph Store uses it
too): it enforces the deadline, counts the request, writes the access-log line and turns the
pool's answer or error into a response. A client never sees a traceback.
"""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bjaikg.endpoint.description import describe_service
from bjaikg.endpoint.evaluation import READ_ONLY_MESSAGE, QueryRequest
from bjaikg.endpoint.isolation import PoolBusyError, QueryTimeoutError, WorkerDiedError
from bjaikg.endpoint.state import ACCESS_LOG, EndpointState
from bjaikg.errors import BjaikgError
from bjaikg.negotiation import (
    RDF_MEDIA_TYPES,
    NotAcceptableError,
    choose_media_type,
    choose_rdf_format,
    serialise_triples,
)

TEXT = "text/plain; charset=utf-8"
FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
DESCRIPTION_CACHE_SIZE = 64
"""Service descriptions kept (one per endpoint URL, i.e. Host header, and format)."""
ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"]
SERVICE_KEYWORD = re.compile(r"\bSERVICE\b", re.IGNORECASE)
"""Cheap test for federation; the worker parses the query before any SERVICE call is made."""
"""Methods routed to handlers that refuse writes themselves (a 405 that says why)."""


class ProtocolError(BjaikgError):
    """A request the protocol refuses, with the HTTP status and headers to answer with."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.headers = headers or {}

    def response(self) -> Response:
        """The plain-text answer that says what was wrong."""
        return Response(f"{self}\n", self.status, self.headers, media_type=TEXT)


def _decode(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ProtocolError(400, f"{what} is not UTF-8 (byte {error.start})") from None


def _parse_parameters(encoded: str, what: str) -> list[tuple[str, str]]:
    try:
        return parse_qsl(encoded, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        raise ProtocolError(400, f"{what} has percent-encoded bytes that are not UTF-8") from None


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, or 413 as soon as it is known to exceed ``limit`` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise ProtocolError(413, f"request body of {declared} bytes is over the limit of {limit}")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise ProtocolError(413, f"request body is over the limit of {limit} bytes")
    return bytes(body)


async def read_parameters(request: Request, state: EndpointState) -> list[tuple[str, str]]:
    """The protocol parameters of the URL and (for a form) the body, in order.

    A direct ``application/sparql-query`` body becomes a ``query`` parameter.
    """
    settings = state.settings
    raw_query = request.scope.get("query_string", b"")
    if len(raw_query) > settings.max_url_bytes:
        raise ProtocolError(
            414,
            f"URL query of {len(raw_query)} bytes is over the limit of "
            f"{settings.max_url_bytes}; send long queries with POST",
        )
    parameters = _parse_parameters(_decode(raw_query, "URL query"), "URL query")
    if request.method != "POST":
        return parameters
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type == SPARQL_UPDATE:
        raise ProtocolError(403, READ_ONLY_MESSAGE)
    if media_type not in (FORM, SPARQL_QUERY):
        raise ProtocolError(
            415,
            f"POST body of type {media_type or '(none)'} is not a SPARQL request; "
            f"send {FORM} or {SPARQL_QUERY}",
        )
    body = _decode(await read_body(request, settings.max_request_bytes), "request body")
    if media_type == FORM:
        return parameters + _parse_parameters(body, "form body")
    return [*parameters, ("query", body)]


def _deadline(parameters: list[tuple[str, str]], limit: float) -> float:
    values = [value for name, value in parameters if name == "timeout"]
    if not values:
        return limit
    try:
        seconds = float(values[-1])
    except ValueError:
        raise ProtocolError(400, f"timeout={values[-1]!r} is not a number of seconds") from None
    if not seconds > 0:
        raise ProtocolError(400, f"timeout={values[-1]!r} must be more than 0 seconds")
    return min(seconds, limit)


def _log(
    state: EndpointState, request: Request, route: str, status: int, started: float, detail: str
) -> None:
    seconds = time.perf_counter() - started
    state.metrics.observe(route, status, seconds)
    client = request.client.host if request.client else "-"
    ACCESS_LOG.info(
        '%s "%s %s" %d %.1f ms %s', client, request.method, request.scope["path"], status,
        seconds * 1000, detail,
    )  # fmt: skip


async def run_query(
    state: EndpointState,
    request: Request,
    query_request: QueryRequest,
    timeout: float,
    route: str,
    started: float,
) -> Response:
    """Evaluate ``query_request`` under ``timeout`` and answer, counting and logging it.

    A query that names ``SERVICE`` gets at most the server's ``service_timeout``: it waits on
    endpoints that are not ours, and must not hold a worker for the full query deadline.
    """
    one_line = " ".join(query_request.query.split())[:200]
    if SERVICE_KEYWORD.search(query_request.query):
        timeout = min(timeout, state.settings.service_timeout)
    try:
        answer = await state.pool.run(query_request, timeout)
    except QueryTimeoutError:
        state.metrics.timeouts += 1
        error = ProtocolError(
            503, f"query stopped: it ran longer than its time limit of {timeout:g} s "
            f"(server limit {state.settings.timeout:g} s, {state.settings.service_timeout:g} s "
            "for a query calling SERVICE; a client can ask for less with timeout=SECONDS)",
        )  # fmt: skip
    except PoolBusyError as busy:
        state.metrics.rejections += 1
        error = ProtocolError(503, f"server busy: {busy}; retry shortly", {"Retry-After": "1"})
    except WorkerDiedError as died:
        error = ProtocolError(500, f"query failed: {died}")
    else:
        headers = {"Vary": "Accept"}
        if answer.truncated:
            headers["X-SPARQL-Truncated"] = "true"
            headers["X-SPARQL-Max-Results"] = str(query_request.max_results)
        detail = f"results={answer.results}{' truncated' if answer.truncated else ''}"
        _log(state, request, route, answer.status, started, f"{detail} query={one_line}")
        return Response(answer.body, answer.status, headers, media_type=answer.content_type)
    _log(state, request, route, error.status, started, f"error query={one_line}")
    return error.response()


def _service_description(state: EndpointState, request: Request) -> Response:
    accept = request.headers.get("accept")
    if choose_media_type(accept, [*RDF_MEDIA_TYPES, "text/html"]) == "text/html":
        return RedirectResponse("/", status_code=303)
    parameters = dict(parse_qsl(request.url.query))
    choice = choose_rdf_format(accept, parameters.get("format"))
    base = f"{request.url.scheme}://{request.url.netloc}"
    endpoint = f"{base}{request.url.path}"
    key = (endpoint, choice.media_type)
    if key not in state.description_cache:
        if len(state.description_cache) >= DESCRIPTION_CACHE_SIZE:
            state.description_cache.clear()  # the Host header is the client's: bound the cache
        triples = describe_service(
            endpoint, state.statistics, federation=bool(state.settings.allow_service), base=base
        )
        state.description_cache[key] = serialise_triples(triples, choice)
    return Response(
        state.description_cache[key], 200, {"Vary": "Accept"}, media_type=choice.content_type
    )


async def sparql(request: Request) -> Response:
    """``/sparql``: a query by GET or POST, or the Service Description when there is none."""
    state: EndpointState = request.app.state.endpoint
    started = time.perf_counter()
    try:
        if request.method not in ("GET", "HEAD", "POST"):
            raise ProtocolError(
                405, f"{request.method} is not supported: {READ_ONLY_MESSAGE}",
                {"Allow": "GET, HEAD, POST"},
            )  # fmt: skip
        parameters = await read_parameters(request, state)
        names = {name for name, _ in parameters}
        if "update" in names:
            raise ProtocolError(403, READ_ONLY_MESSAGE)
        queries = [value for name, value in parameters if name == "query"]
        if not queries:
            response = _service_description(state, request)
            _log(state, request, "sparql", response.status_code, started, "service description")
            return response
        if len(queries) > 1:
            raise ProtocolError(400, "give exactly one query (the request has several)")
        if not queries[0].strip():
            raise ProtocolError(400, "the query is empty")
        formats = [value for name, value in parameters if name == "format"]
        query_request = QueryRequest(
            query=queries[0],
            default_graphs=tuple(v for n, v in parameters if n == "default-graph-uri"),
            named_graphs=tuple(v for n, v in parameters if n == "named-graph-uri"),
            accept=request.headers.get("accept"),
            format_parameter=formats[-1] if formats else None,
            max_results=state.settings.max_results,
        )
        timeout = _deadline(parameters, state.settings.timeout)
    except NotAcceptableError as error:
        _log(state, request, "sparql", 406, started, "not acceptable")
        return ProtocolError(406, str(error)).response()
    except ProtocolError as error:
        _log(state, request, "sparql", error.status, started, "refused")
        return error.response()
    return await run_query(state, request, query_request, timeout, "sparql", started)
