"""The endpoint's Starlette application for uvicorn: the standard-parts bound of
``bench/endpoint.py --servers uvicorn`` (never served in production).

    BJAIKG_BENCH_FILES=a.ttl:b.ttl uvicorn --factory uvicorn_application:application \
        --app-dir bench --workers 2

Each uvicorn worker loads the files itself and answers every route with the Starlette
application of ``serve.py``, plus ``/sparql`` (which ``serve.py``'s workers answer without
Starlette) as a Starlette route around the same
:func:`~bjaikg.endpoint.protocol.answer_sparql`; nothing enforces a deadline (pyoxigraph cannot
cancel a query, and uvicorn has no way to kill a worker for one request). What uvicorn reaches
so is an upper bound of any design on standard parts that keeps the deadline.
"""

from __future__ import annotations

import os
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bjaikg.endpoint.application import create_application
from bjaikg.endpoint.connection import CROSS_ORIGIN
from bjaikg.endpoint.protocol import ProtocolError, answer_sparql, http_request, starlette_response
from bjaikg.endpoint.settings import Settings
from bjaikg.store import load_knowledge_graph

FILES = "BJAIKG_BENCH_FILES"
"""The environment variable naming the Turtle files (``os.pathsep`` between them)."""


async def sparql(request: Request) -> Response:
    """``/sparql`` through Starlette: the request read, :func:`answer_sparql`, its answer."""
    state = request.app.state.endpoint
    try:
        asked = await http_request(request, state.settings.max_request_bytes)
    except ProtocolError as error:
        return starlette_response(error.response())
    answer = answer_sparql(state, asked)
    answer.headers = answer.headers + CROSS_ORIGIN  # a kept response shares its list
    return starlette_response(answer)


def application() -> Starlette:
    """The application over the files of :data:`FILES`, with ``serve.py``'s settings."""
    files = [Path(name) for name in os.environ[FILES].split(os.pathsep)]
    routes = [Route("/sparql", sparql, methods=["GET", "HEAD", "POST"])]
    return create_application(Settings(max_results=1_000_000), load_knowledge_graph(files), routes)
