"""The endpoint's Starlette application, built by :func:`create_application`.

Routes: ``/sparql`` (:mod:`bjaikg.endpoint.protocol`), ``/rdf-graph-store`` and ``/graphs``
(:mod:`bjaikg.endpoint.graph_store`), ``/dump.{ttl,nt,trig,nq,jsonld}``
(:mod:`bjaikg.endpoint.dumps`), ``/health``, ``/metrics``, and the pages of
:func:`bjaikg.interface.interface_routes`. CORS is open (``*``): the data is public.

The worker processes start in the application's lifespan, so in-process tests get them too
(``with TestClient(create_application(settings, graph)) as client``).
``request.app.state.endpoint`` is the :class:`EndpointState`; any route can run a query under
the server's deadline and limits with ``await request.app.state.endpoint.answer(query,
accept=..., format_parameter=...)`` (see :meth:`EndpointState.answer`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from bjaikg.endpoint.description import measure_dataset
from bjaikg.endpoint.dumps import DumpCache, dump_routes
from bjaikg.endpoint.graph_store import graph_store_routes
from bjaikg.endpoint.isolation import QueryPool
from bjaikg.endpoint.protocol import ALL_METHODS, sparql
from bjaikg.endpoint.settings import Settings
from bjaikg.endpoint.state import EndpointState
from bjaikg.errors import BjaikgError
from bjaikg.interface import interface_routes
from bjaikg.store import KnowledgeGraph

HEALTH_TIMEOUT = 2.0
"""Seconds within which a worker must answer ``ASK {}`` for ``/health`` to say ok."""


async def health(request: Request) -> Response:
    """``/health``: 200 when a worker answers a trivial query in time, else 503."""
    state: EndpointState = request.app.state.endpoint
    summary = {
        "triples": state.statistics.triples,
        "workers": state.pool.size,
        "pending": state.pool.pending,
    }
    try:
        answer = await state.answer("ASK {}", timeout=HEALTH_TIMEOUT)
    except BjaikgError as error:
        return JSONResponse({"status": "unavailable", "reason": str(error), **summary}, 503)
    status = "ok" if answer.status == 200 else "unavailable"
    return JSONResponse({"status": status, **summary}, 200 if status == "ok" else 503)


async def metrics(request: Request) -> Response:
    """``/metrics``: the Prometheus text exposition of :class:`Metrics` and the pool."""
    state: EndpointState = request.app.state.endpoint
    gauges = {
        "bjaikg_requests_pending": (
            "Requests in flight or waiting for a worker.",
            state.pool.pending,
        ),
        "bjaikg_workers": ("Query worker processes.", state.pool.size),
        "bjaikg_worker_restarts_total": (
            "Workers killed (deadline or crash) and replaced.",
            state.pool.restarts,
        ),
        "bjaikg_triples": ("Triples in the default graph.", state.statistics.triples),
    }
    return PlainTextResponse(
        state.metrics.render(gauges), media_type="text/plain; version=0.0.4; charset=utf-8"
    )


class EndpointApplication(Starlette):
    """The Starlette application, with a short path for the SPARQL queries that need no CORS.

    A ``/sparql`` request without an ``Origin`` header goes straight to :func:`sparql`,
    skipping the middleware and the router: CORS adds nothing to a request without
    ``Origin``, and :func:`sparql` answers every method itself (405 for writes). That saves
    about a fifth of the server's time per cheap query. Every other request, and every request
    from a browser page (it sends ``Origin``), takes the full stack.

    Hazard: an unexpected exception in :func:`sparql` on the short path reaches uvicorn, which
    logs it and answers 500, as Starlette's error middleware would.
    """

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve ``scope``: ``/sparql`` without ``Origin`` directly, the rest through Starlette."""
        if (
            scope["type"] == "http"
            and scope["path"] == "/sparql"
            and all(name != b"origin" for name, _ in scope["headers"])
        ):
            scope["app"] = self
            response = await sparql(Request(scope, receive, send))
            await response(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def create_application(settings: Settings, graph: KnowledgeGraph) -> Starlette:
    """The ASGI application serving ``graph`` under ``settings`` (counts the graph once, now)."""
    pool = QueryPool(
        graph.store,
        workers=settings.workers,
        max_pending=settings.max_pending,
        allowed_services=settings.allow_service,
        max_memory_bytes=settings.max_memory * 1024 * 1024,
    )
    statistics = measure_dataset(graph)
    state = EndpointState(settings=settings, graph=graph, statistics=statistics, pool=pool)
    dumps = DumpCache(graph)

    @asynccontextmanager
    async def lifespan(application: Starlette) -> AsyncIterator[None]:
        await pool.start()
        try:
            yield
        finally:
            await pool.close()

    routes = [
        Route("/sparql", sparql, methods=ALL_METHODS),
        Route("/health", health, methods=["GET", "HEAD"]),
        Route("/metrics", metrics, methods=["GET", "HEAD"]),
        *graph_store_routes(),
        *dump_routes(dumps),
        *interface_routes(graph),
    ]
    middleware = [
        Middleware(
            CORSMiddleware,
            allow_origins=["*"],
            allow_methods=["GET", "HEAD", "POST", "OPTIONS"],
            allow_headers=["*"],
            expose_headers=["X-SPARQL-Truncated", "X-SPARQL-Max-Results", "Retry-After"],
        )
    ]
    application = EndpointApplication(routes=routes, middleware=middleware, lifespan=lifespan)
    application.state.endpoint = state
    return application
