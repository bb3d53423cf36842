"""The pages for people and the REST API beside ``/sparql``: query editor, resource pages,
ontology and dataset pages, search, named queries as operations, OpenAPI (docs/interface.md).

:func:`interface_routes` is what the endpoint application mounts. The editor's JavaScript
(YASGUI) comes from ``node_modules/`` (installed by ``npm ci`` from the committed lock file;
docs/architecture.md#offline-first) and is served from there; when it is missing the editor page
says how to install it and offers a plain query form instead.
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import BaseRoute, Mount, Route

from bjaikg import PROJECT_ROOT
from bjaikg.endpoint.protocol import ALL_METHODS
from bjaikg.interface.assets import AssetFiles
from bjaikg.interface.labels import build_label_index
from bjaikg.interface.operations import Operation
from bjaikg.interface.pages import Site, create_templates
from bjaikg.interface.releases import read_releases, release_files_app
from bjaikg.query_catalogue import QUERY_FOLDER, load_catalogue
from bjaikg.store import KnowledgeGraph

STATIC_FOLDER = Path(__file__).parent / "static"
NODE_MODULES = PROJECT_ROOT / "node_modules"
RELEASE_FOLDER = PROJECT_ROOT / "releases"
YASGUI_BUILD = Path("@zazuko/yasgui/build")
"""Where the YASGUI package keeps its built files, inside ``node_modules``."""


def interface_routes(
    graph: KnowledgeGraph,
    *,
    query_folder: Path = QUERY_FOLDER,
    node_modules: Path = NODE_MODULES,
    release_folder: Path = RELEASE_FOLDER,
) -> list[BaseRoute]:
    """Routes for people, served by the same application as ``/sparql``.

    Reads the labels of ``graph``, the named queries of ``query_folder`` and the releases of
    ``release_folder`` (served at ``/releases/``) once; raises
    :class:`bjaikg.errors.QueryFileError` (naming the file) for a query file with a bad header.
    """
    catalogue = load_catalogue(query_folder) if query_folder.is_dir() else []
    assets = node_modules / YASGUI_BUILD
    site = Site(
        graph=graph,
        index=build_label_index(graph),
        operations={query.name: Operation(query) for query in catalogue},
        templates=create_templates({"/static": STATIC_FOLDER, "/assets/yasgui": assets}),
        editor_installed=(assets / "yasgui.min.js").is_file(),
        release_folder=release_folder,
        releases=read_releases(release_folder),
    )
    read = ["GET", "HEAD"]
    if site.editor_installed:
        editor_assets: BaseRoute = Mount("/assets/yasgui", AssetFiles(directory=assets))
    else:
        editor_assets = Route("/assets/yasgui/{path:path}", assets_missing, methods=read)
    return [
        Route("/", site.editor, methods=read),
        Route("/id/{slug:path}", site.resource, methods=read),
        Route("/ontology", site.ontology, methods=read),
        Route("/ontology.{suffix}", site.ontology, methods=read),
        Route("/dataset", site.dataset, methods=read),
        Route("/dataset.{suffix}", site.dataset, methods=read),
        Route("/shapes", site.shapes, methods=read),
        Route("/shapes.{suffix}", site.shapes, methods=read),
        Route("/.well-known/void", site.void, methods=read),
        Route("/releases/diff", site.release_diff, methods=read),  # no version is "diff"
        Mount("/releases", release_files_app(release_folder), name="releases"),
        Route("/search", site.search, methods=read),
        Route("/api", site.api_page, methods=read),
        Route("/api/queries", site.list_queries, methods=read),
        Route("/api/queries/{name}", site.run_query, methods=read),
        Route("/openapi.json", site.openapi, methods=read),
        Route("/favicon.ico", site.favicon, methods=read),
        Mount("/static", AssetFiles(directory=STATIC_FOLDER), name="static"),
        editor_assets,
        # last: a path no route serves with the method (404, or 405 with Allow)
        Route("/{path:path}", site.unknown_path, methods=ALL_METHODS),
    ]


async def assets_missing(request: Request) -> PlainTextResponse:
    """What ``/assets/yasgui/...`` answers when the npm packages are not installed."""
    return PlainTextResponse(
        "the query editor's files are not installed: run `npm ci` in the checkout\n",
        status_code=404,
    )
