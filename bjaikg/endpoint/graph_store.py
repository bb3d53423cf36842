"""The Graph Store Protocol, read-only: ``/rdf-graph-store?graph=IRI`` or ``?default``.

``GET``/``HEAD`` return one named graph, or with ``?default`` the default graph (the union of
all named graphs), in any graph format (``Accept`` or ``format``). Writes (``PUT``, ``POST``,
``DELETE``, ``PATCH``) are refused with 405: the data changes through git. ``/graphs`` lists
the named graphs as JSON, with their triples, source file and Graph Store URL.

Graphs are read with :func:`~bjaikg.endpoint.protocol.run_query` (no result bound, the
server's deadline), so a huge graph cannot hold a worker past the deadline either.
"""

from __future__ import annotations

import time
from urllib.parse import quote

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from bjaikg.endpoint.evaluation import QueryRequest
from bjaikg.endpoint.protocol import (
    ALL_METHODS,
    ProtocolError,
    http_request,
    note,
    other_method,
    run_query,
    starlette_response,
)
from bjaikg.endpoint.state import EndpointState
from bjaikg.negotiation import JSON_MEDIA_TYPE

GRAPH_STORE_PATH = "/rdf-graph-store"


async def graph_store(request: Request) -> Response:
    """One graph of the store, read-only."""
    state: EndpointState = request.app.state.endpoint
    started = time.perf_counter()
    parameters = request.query_params
    graph = parameters.get("graph")
    names = [named.name for named in state.named_graphs]
    try:
        if request.method not in ("GET", "HEAD"):
            return starlette_response(other_method(request.method, "GET, HEAD"))
        if graph is not None and "default" in parameters:
            raise ProtocolError(400, "give either ?graph=IRI or ?default, not both")
        if graph is not None and graph not in names:
            listed = ", ".join(sorted(names))
            raise ProtocolError(404, f"no named graph <{graph}>; named graphs: {listed}")
        if graph is None and "default" not in parameters:
            raise ProtocolError(
                400, "give ?graph=IRI (see /graphs) or ?default; the whole dataset is at /dump.trig"
            )
        received = await http_request(request, state.settings.max_request_bytes)
    except ProtocolError as error:
        return starlette_response(error.response())
    pattern = "?s ?p ?o" if graph is None else f"GRAPH {ox.NamedNode(graph)} {{ ?s ?p ?o }}"
    query_request = QueryRequest(
        query=f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {pattern} }}",
        accept=request.headers.get("accept"),
        format_parameter=parameters.get("format"),
    )
    answer = run_query(
        state, received, query_request, state.settings.timeout, "graph-store", started
    )
    return note(request, answer)


async def graph_list(request: Request) -> Response:
    """``/graphs``: the named graphs, their size, source file and where to read them (a path
    under the root path the server is published at)."""
    state: EndpointState = request.app.state.endpoint
    store = request.scope.get("root_path", "") + GRAPH_STORE_PATH
    graphs = [
        {
            "graph": named.name,
            "triples": named.triples,
            "source": named.source,
            "url": f"{store}?graph={quote(named.name, safe='')}",
        }
        for named in state.named_graphs
    ]
    return JSONResponse(
        {"default": f"{store}?default", "graphs": graphs}, media_type=JSON_MEDIA_TYPE
    )


def graph_store_routes() -> list[BaseRoute]:
    """The Graph Store routes (every method reaches the handler, which refuses writes)."""
    return [
        Route(GRAPH_STORE_PATH, graph_store, methods=ALL_METHODS),
        Route("/graphs", graph_list, methods=["GET", "HEAD"]),
    ]
