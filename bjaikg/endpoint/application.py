"""The endpoint's Starlette application, built by :func:`create_application`, and CORS.

Routes: ``/rdf-graph-store`` and ``/graphs`` (:mod:`bjaikg.endpoint.graph_store`),
``/dump.{ttl,nt,trig,nq,jsonld}`` (:mod:`bjaikg.endpoint.dumps`), ``/health``, ``/metrics``, and
the routes the caller adds (``serve.py`` adds the pages of
:func:`bjaikg.interface.interface_routes`: the interface sits above the endpoint, which never
imports it). ``/sparql`` is not among them: a worker answers it itself
(:func:`~bjaikg.endpoint.protocol.answer_sparql`), with the same CORS policy
(:func:`cross_origin`). CORS is open (``*``): the data is public.

The server's workers (:mod:`bjaikg.endpoint.worker`) run this application for every request
but ``/sparql``, each request whole on the query clock (its store accesses, a page's included,
are stopped at ``--timeout``); tests run it in-process
(``TestClient(create_application(settings, graph, routes))``), where nothing enforces the
deadline.
``request.app.state.endpoint`` is the :class:`EndpointState`; any route can run a query under
the server's deadline and limits with ``request.app.state.endpoint.answer(query,
accept=..., format_parameter=...)`` (see :meth:`EndpointState.answer`).
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from bjaikg.endpoint.connection import AccessRecord, HttpRequest, HttpResponse
from bjaikg.endpoint.dumps import DumpCache, dump_routes
from bjaikg.endpoint.graph_store import graph_store_routes
from bjaikg.endpoint.settings import Settings
from bjaikg.endpoint.state import EndpointState
from bjaikg.remote_store import StoreError
from bjaikg.statistics import measure_dataset
from bjaikg.store import KnowledgeGraph

HEALTH_TIMEOUT = 2.0
"""Seconds within which ``ASK {}`` must be answered for ``/health`` to say ok."""
CORS_METHODS = ("GET", "HEAD", "POST", "OPTIONS")
CORS_EXPOSED = ("X-SPARQL-Truncated", "X-SPARQL-Max-Results", "Retry-After")
CORS_MAX_AGE = 600
"""Seconds a browser may keep a preflight's answer (Starlette's default)."""
CROSS_ORIGIN = [
    ("Access-Control-Allow-Origin", "*"),
    ("Access-Control-Expose-Headers", ", ".join(CORS_EXPOSED)),
]
"""The CORS headers of every ``/sparql`` answer. Sent whether or not the request has
``Origin``, so an answer an HTTP cache keeps serves browsers too (no ``Vary: Origin``)."""
_PREFLIGHT_VARY = (
    "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, "
    "Access-Control-Request-Private-Network"
)


def cross_origin(request: HttpRequest, started: float) -> HttpResponse | None:
    """The answer to a CORS preflight at ``/sparql`` (``OPTIONS`` with ``Origin`` and
    ``Access-Control-Request-Method``), as Starlette's ``CORSMiddleware`` configured in
    :func:`create_application` gives it for the other routes; ``None`` for any other request."""
    method = request.header(b"access-control-request-method")
    if request.method != "OPTIONS" or method is None or request.header(b"origin") is None:
        return None
    headers = [
        ("Vary", _PREFLIGHT_VARY),
        ("Access-Control-Allow-Origin", "*"),
        ("Access-Control-Allow-Methods", ", ".join(CORS_METHODS)),
        ("Access-Control-Max-Age", str(CORS_MAX_AGE)),
        ("Content-Type", "text/plain; charset=utf-8"),
    ]
    if (asked := request.header(b"access-control-request-headers")) is not None:
        headers.append(("Access-Control-Allow-Headers", asked))  # every header is allowed
    failures = [name for name, failed in (
        ("method", method not in CORS_METHODS),
        ("private-network", request.header(b"access-control-request-private-network") is not None),
    ) if failed]  # fmt: skip
    status, body = (400, f"Disallowed CORS {', '.join(failures)}") if failures else (200, "OK")
    record = AccessRecord("sparql", started, "preflight")
    return HttpResponse(status, headers, body.encode(), record)


def _workers(state: EndpointState) -> tuple[int, int]:
    """Workers running, and those evaluating but the one answering (0, 0 in-process): a
    worker answers every request of this application on the clock."""
    board = state.scoreboard
    if board is None:
        return 0, 0
    return board.alive, board.evaluating - 1


async def health(request: Request) -> Response:
    """``/health``: 200 when the answering worker evaluates a trivial query, else 503."""
    state: EndpointState = request.app.state.endpoint
    workers, evaluating = _workers(state)
    summary = {"triples": state.statistics.triples, "workers": workers, "evaluating": evaluating}
    answer = state.answer("ASK {}", timeout=HEALTH_TIMEOUT, fresh=True)
    status = "ok" if answer.status == 200 else "unavailable"
    return JSONResponse({"status": status, **summary}, 200 if status == "ok" else 503)


async def metrics(request: Request) -> Response:
    """``/metrics``: the Prometheus text exposition of every process's counters."""
    state: EndpointState = request.app.state.endpoint
    workers, evaluating = _workers(state)
    gauges = {
        "bjaikg_requests_evaluating": ("Queries being evaluated now.", evaluating),
        "bjaikg_workers": ("Worker processes running.", workers),
        "bjaikg_triples": ("Triples in the default graph.", state.statistics.triples),
    }
    return PlainTextResponse(
        state.metrics.render(gauges), media_type="text/plain; version=0.0.4; charset=utf-8"
    )


async def store_failed(request: Request, error: Exception) -> Response:
    """A page or API call whose remote store failed: the store's status and message."""
    assert isinstance(error, StoreError)
    return PlainTextResponse(f"{error}\n", error.status)


def create_application(
    settings: Settings, graph: KnowledgeGraph, routes: Sequence[BaseRoute] = ()
) -> Starlette:
    """The ASGI application serving ``graph`` under ``settings``, with ``routes`` beside the
    endpoint's own (counts the graph once, now)."""
    statistics = measure_dataset(graph)
    state = EndpointState(settings=settings, graph=graph, statistics=statistics)
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
        )
    ]
    application = Starlette(
        routes=[*endpoint_routes, *routes],
        middleware=middleware,
        exception_handlers={StoreError: store_failed},
    )
    application.state.endpoint = state
    return application
