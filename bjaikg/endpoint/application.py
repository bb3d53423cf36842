"""The endpoint's Starlette application, built by :func:`create_application`, and CORS.

Routes: ``/rdf-graph-store`` and ``/graphs`` (:mod:`bjaikg.endpoint.graph_store`),
``/dump.{ttl,nt,trig,nq,jsonld}`` (:mod:`bjaikg.endpoint.dumps`), ``/health``, ``/metrics``, and
the routes the caller adds (``serve.py`` adds the pages of
:func:`bjaikg.interface.interface_routes`: the interface sits above the endpoint, which never
imports it). ``/sparql`` is not among them: a worker answers it itself
(:func:`~bjaikg.endpoint.protocol.answer_sparql`) with
:data:`~bjaikg.endpoint.connection.CROSS_ORIGIN`, and hands its CORS preflights to this
application, whose ``CORSMiddleware`` answers them as for every route. CORS is open (``*``): the
data is public.

The server's workers (:mod:`bjaikg.endpoint.worker`) run this application for every request
but ``/sparql`` (its preflights excepted), each request whole on the query clock (its store
accesses, a page's included, are stopped at ``--timeout``); tests run it in-process
(``TestClient(create_application(settings, graph, routes))``), where nothing enforces the
deadline.
``request.app.state.endpoint`` is the :class:`EndpointState`; any route can run a query under
the server's deadline and limits with ``request.app.state.endpoint.answer(query,
accept=..., format_parameter=...)`` (see :meth:`EndpointState.answer`).
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.applications import Starlette
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bjaikg.endpoint.cache import PRECONDITION_FAILED, body_tag, precondition
from bjaikg.endpoint.connection import CORS_EXPOSED
from bjaikg.endpoint.dumps import DumpCache, dump_routes
from bjaikg.endpoint.graph_store import graph_store_routes
from bjaikg.endpoint.protocol import other_method, starlette_response
from bjaikg.endpoint.settings import Settings
from bjaikg.endpoint.state import EndpointState
from bjaikg.negotiation import JSON_MEDIA_TYPE
from bjaikg.remote_store import StoreError
from bjaikg.statistics import count_named_graphs
from bjaikg.store import KnowledgeGraph

HEALTH_TIMEOUT = 2.0
"""Seconds within which ``ASK {}`` must be answered for ``/health`` to say ok."""
CORS_METHODS = ("GET", "HEAD", "POST", "OPTIONS")
CORS_MAX_AGE = 600
"""Seconds a browser may keep a preflight's answer (Starlette's default)."""


NOT_STORED = {"Cache-Control": "no-store"}
"""The answers of ``/health`` and ``/metrics``: the server's state, not the data's."""


class EntityTags:
    """ASGI middleware: a GET or HEAD answered 200 in one body that has neither ``ETag`` nor
    ``Cache-Control`` gets a strong ``ETag`` (a hash of the body) and ``Cache-Control: public,
    max-age=…``; one whose ``If-None-Match`` names that tag gets 304 without the body, one whose
    ``If-Match`` does not 412 (:func:`~bjaikg.endpoint.cache.precondition`), as does an
    ``If-Match`` other than ``*`` on an answer its route made untagged (``no-store``).

    The store is read-only while the server runs, so a page or an API answer changes only with
    the data: the routes whose answers do not (``/health``, ``/metrics``) say ``no-store``.
    Hazards: the body is hashed after the route made it, so a 304 saves the transfer, not the
    work (the named-query API's evaluation is kept by the answer cache); a streamed answer
    (more than one body message) passes unchanged, and so does a HEAD whose route made no body
    (the server never sends a HEAD's body, but only a body gives the tag GET would get).
    """

    def __init__(self, app: ASGIApp, max_age: int) -> None:
        self.app = app
        self.max_age = max_age

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        asked = Headers(scope=scope)
        held: list[Message] = []

        async def tag(message: Message) -> None:
            if message["type"] == "http.response.start":
                held.append(message)
                return
            if not held:  # the start already went out
                await send(message)
                return
            start = held.pop()
            headers = MutableHeaders(scope=start)
            whole = message["type"] == "http.response.body" and not message.get("more_body")
            as_made = (
                start["status"] != 200 or not whole or "etag" in headers or not message["body"]
            )
            etag, status = None, None
            if not as_made:  # a route's Cache-Control without a tag (no-store): If-Match names none
                if "cache-control" not in headers:
                    etag = body_tag(message["body"], headers.get("content-type", ""))
                status = precondition(asked.get("if-match"), asked.get("if-none-match"), etag)
            if status == 412:
                await PlainTextResponse(f"{PRECONDITION_FAILED}\n", 412)(scope, receive, send)
                return
            if etag is None:
                await send(start)
                await send(message)
                return
            headers["ETag"] = etag
            headers["Cache-Control"] = f"public, max-age={self.max_age}"
            if status == 304:
                start["status"] = 304
                del headers["content-length"]
                del headers["content-type"]
                message = {"type": "http.response.body", "body": b""}
            await send(start)
            await send(message)

        await self.app(scope, receive, tag)


def _workers(state: EndpointState) -> tuple[int, int]:
    """Workers running, and those evaluating but the one answering (0, 0 in-process): a
    worker answers every request of this application on the clock."""
    board = state.scoreboard
    if board is None:
        return 0, 0
    return board.alive, board.evaluating - 1


def _triples(state: EndpointState) -> int | None:
    """The default graph's triples if this process has made the VoID counts, else ``None``
    (``/health`` and ``/metrics`` never count: :meth:`EndpointState.count_dataset`)."""
    return None if state.statistics is None else state.statistics.triples


async def health(request: Request) -> Response:
    """``/health``: 200 when the answering worker evaluates a trivial query, else 503."""
    state: EndpointState = request.app.state.endpoint
    workers, evaluating = _workers(state)
    summary = {"triples": _triples(state), "workers": workers, "evaluating": evaluating}
    answer = state.answer("ASK {}", timeout=HEALTH_TIMEOUT, fresh=True)
    status = "ok" if answer.status == 200 else "unavailable"
    return JSONResponse(
        {"status": status, **summary},
        200 if status == "ok" else 503,
        NOT_STORED,
        media_type=JSON_MEDIA_TYPE,
    )


async def metrics(request: Request) -> Response:
    """``/metrics``: the Prometheus text exposition of every process's counters."""
    state: EndpointState = request.app.state.endpoint
    workers, evaluating = _workers(state)
    gauges = {
        "bjaikg_requests_evaluating": ("Queries being evaluated now.", evaluating),
        "bjaikg_workers": ("Worker processes running.", workers),
    }
    triples = _triples(state)
    if triples is not None:
        gauges["bjaikg_triples"] = ("Triples in the default graph.", triples)
    return PlainTextResponse(
        state.metrics.render(gauges),
        headers=NOT_STORED,
        media_type="text/plain; version=0.0.4; charset=utf-8",
    )


async def store_failed(request: Request, error: Exception) -> Response:
    """A page or API call whose remote store failed: the store's status and message."""
    assert isinstance(error, StoreError)
    return PlainTextResponse(f"{error}\n", error.status)


async def method_refused(request: Request, error: Exception) -> Response:
    """Starlette's own 405 (a route, or static files, not taking the method) as the endpoint's
    answer (:func:`~bjaikg.endpoint.protocol.other_method`): a plain OPTIONS 204, another
    method the refusal with the ``Allow`` Starlette gives (and OPTIONS), or 501 for a method the
    server does not know."""
    assert isinstance(error, HTTPException)
    allowed = (error.headers or {}).get("Allow", "")
    return starlette_response(other_method(request.method, allowed))


def create_application(
    settings: Settings, graph: KnowledgeGraph, routes: Sequence[BaseRoute] = ()
) -> Starlette:
    """The ASGI application serving ``graph`` under ``settings``, with ``routes`` beside the
    endpoint's own (counts the triples of each named graph now, the VoID counts when first
    needed: :meth:`EndpointState.count_dataset`)."""
    state = EndpointState(settings=settings, graph=graph, named_graphs=count_named_graphs(graph))
    dumps = DumpCache(graph)

    endpoint_routes = [
        Route("/health", health, methods=["GET", "HEAD"]),
        Route("/metrics", metrics, methods=["GET", "HEAD"]),
        *graph_store_routes(),
        *dump_routes(dumps),
    ]
    middleware = [
        Middleware(
            CORSMiddleware,
            allow_origins=["*"],
            allow_methods=CORS_METHODS,
            allow_headers=["*"],
            expose_headers=CORS_EXPOSED,
            max_age=CORS_MAX_AGE,
        ),
        Middleware(EntityTags, max_age=settings.cache_max_age),
    ]
    application = Starlette(
        routes=[*endpoint_routes, *routes],
        middleware=middleware,
        exception_handlers={StoreError: store_failed, 405: method_refused},
    )
    application.state.endpoint = state
    return application
