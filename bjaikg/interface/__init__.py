"""The pages for people (query editor, resource pages, search, named-query API).

Placeholder until the query-interface issue lands: ``interface_routes`` gives the routes the
endpoint application mounts beside ``/sparql``.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import BaseRoute, Route

from bjaikg.store import KnowledgeGraph


def interface_routes(graph: KnowledgeGraph) -> list[BaseRoute]:
    """Routes for people, served by the same application as ``/sparql``."""

    async def home(request: Request) -> HTMLResponse:
        return HTMLResponse(
            "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            "<title>bjaikg SPARQL endpoint</title></head><body><h1>bjaikg</h1>"
            f"<p>{graph.asserted_triples} triples. Query at <a href='/sparql'>/sparql</a>.</p>"
            "</body></html>"
        )

    return [Route("/", home, methods=["GET", "HEAD"])]
