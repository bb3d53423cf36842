"""The HTTP handlers for people and programs: the query editor, resource pages (with content
negotiation), the ontology and dataset pages, search, and the named-query API.

Each handler turns a request into one of the library's results (resource description, search
hits, operation answer) and renders it; every client mistake is a short plain-text 4xx answer,
never a traceback.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pyoxigraph as ox
from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Match, Route
from starlette.templating import Jinja2Templates

from bjaikg.chinese import CHINESE_RUN
from bjaikg.endpoint.cache import asks_fresh
from bjaikg.endpoint.protocol import other_method, starlette_response
from bjaikg.endpoint.state import EndpointState
from bjaikg.errors import DataFileError, printable
from bjaikg.interface.assets import asset_address
from bjaikg.interface.dataset import (
    DUMPS,
    dataset_triples,
    describe_dataset,
    schema_org_dataset,
    source_rights,
)
from bjaikg.interface.diagram import (
    CHAIN_STAGES,
    chain_neighbourhood,
    class_tree,
    render_svg,
)
from bjaikg.interface.labels import LabelIndex, local_address
from bjaikg.interface.language import (
    LANGUAGES,
    TAG_NAMES_ZH,
    WORDS,
    YASR_CONTROLS,
    choose_language,
    other_language,
)
from bjaikg.interface.openapi import build_openapi, resolve_parameters
from bjaikg.interface.operations import Operation
from bjaikg.interface.parameters import given_once, optional
from bjaikg.interface.releases import ReleaseEntry, diff_releases
from bjaikg.interface.resource import (
    INCOMING_LIMIT,
    OUTGOING_LIMIT,
    RECORD_LIMIT,
    describe_resource,
    grouped_digits,
    incoming_listing,
    read_description,
)
from bjaikg.interface.search import MAX_RESULTS, search_labels
from bjaikg.interface.vocabulary import KINDS, OntologyHeader, document_ontology
from bjaikg.knowledge_diff import MEDIA_TYPES, render
from bjaikg.metadata import DEFAULT_LICENCE, LICENCE_NAMES
from bjaikg.namespaces import BJ, BJG, BJO, PREFIXES, expand, shorten
from bjaikg.negotiation import (
    JSON_MEDIA_TYPE,
    RDF_FORMATS,
    RDF_MEDIA_TYPES,
    RESULTS_FORMATS,
    NotAcceptableError,
    RdfChoice,
    choose_media_type,
    choose_page_format,
    choose_rdf_format,
    choose_results_format,
    serialise_triples,
)
from bjaikg.query_catalogue import ParameterError
from bjaikg.snapshots import SnapshotError
from bjaikg.statistics import DatasetStatistics
from bjaikg.store import INFERRED_GRAPH, KnowledgeGraph
from bjaikg.versioning import ONTOLOGY_IRI, Version

LOG = logging.getLogger("bjaikg.interface")
TEMPLATE_FOLDER = Path(__file__).parent / "templates"

RDF_DOWNLOADS = (
    ("ttl", "ttl", "Turtle"),
    ("nt", "nt", "N-Triples"),
    ("jsonld", "jsonld", "JSON-LD"),
    ("rdfxml", "rdf", "RDF/XML"),
)
"""The RDF forms the pages link to: ``format`` name, suffix of ``/id/<slug>.<suffix>``, name."""

DOWNLOAD_MEDIA_TYPES = {
    suffix: choose_rdf_format(None, name).media_type for name, suffix, _ in RDF_DOWNLOADS
}
"""The media type of each suffix of :data:`RDF_DOWNLOADS`."""

SUFFIX_FORMATS = {suffix: name for name, suffix, _ in RDF_DOWNLOADS} | {"html": "html"}
"""Suffixes of ``/id/<slug>.<suffix>`` and the ``format`` name each stands for."""
SUFFIX_OF_MEDIA_TYPE = {media_type: suffix for suffix, media_type in DOWNLOAD_MEDIA_TYPES.items()}
"""The suffix of the page address that sends each media type of :data:`RDF_DOWNLOADS`."""

DEFAULT_QUERY = """PREFIX bjo: <https://w3id.org/bjaikg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

# The organisations of the graph, with their names in Chinese and English.
# 图谱中的机构及其中英文名称。
SELECT ?organisation ?name_zh ?name_en WHERE {
  ?organisation a bjo:Organisation .
  OPTIONAL { ?organisation rdfs:label ?name_zh FILTER(LANG(?name_zh) = "zh") }
  OPTIONAL { ?organisation rdfs:label ?name_en FILTER(LANG(?name_en) = "en") }
}
ORDER BY ?name_en
LIMIT 100
"""


PLAIN_FORM_FORMATS = (
    ("SELECT / ASK", [(found.file_extension, found.name) for found in RESULTS_FORMATS]),
    ("CONSTRUCT / DESCRIBE", [(found.file_extension, found.name) for found in RDF_FORMATS]),
)
"""The answer formats the plain query form offers (``format`` value, name), by kind of query:
the form of the editor page without JavaScript or without the editor's files."""


def mark_chinese(text: str, language: str) -> Markup:
    """``text`` escaped, with each run of Chinese characters in ``<span lang="zh">`` unless
    ``language`` — the language in effect where the text goes — is already Chinese, or Japanese
    (whose kanji are the same characters). For text whose parts may be in either language (an
    English definition citing 推进会, a query, an English page's quote naming 模数世界)."""
    escaped = str(escape(text))
    if language.startswith(("zh", "ja")):
        return Markup(escaped)
    return Markup(CHINESE_RUN.sub(lambda run: f'<span lang="zh">{run.group(0)}</span>', escaped))


def create_templates(asset_folders: Mapping[str, Path] | None = None) -> Jinja2Templates:
    """The page templates, with the filters :func:`mark_chinese` and ``grouped`` (a count of
    five or more digits grouped by three, as values are: 28,079) and ``asset(address)``, the
    address of a style sheet or script with its version (:func:`asset_address`; the folders
    each prefix serves: ``asset_folders``)."""
    templates = Jinja2Templates(directory=TEMPLATE_FOLDER)
    templates.env.filters["mark_chinese"] = mark_chinese
    templates.env.filters["grouped"] = lambda count: grouped_digits(str(count)) or str(count)
    templates.env.filters["licence_name"] = lambda iri: LICENCE_NAMES.get(iri, iri)
    folders = dict(asset_folders or {})
    templates.env.globals["asset"] = lambda address: asset_address(folders, address)
    return templates


def chosen_language(request: Request) -> str | None:
    """The language the reader chose explicitly (``?lang=``), if any."""
    language = optional(request, "lang")
    return language if language in LANGUAGES else None


def keep_language(address: str, language: str | None) -> str:
    """A link to a local ``address`` that keeps the reader's explicit ``language`` choice
    (``?lang=`` before any ``#fragment``); other addresses and ``None`` leave it unchanged."""
    if language is None or not address.startswith("/"):
        return address
    path, hash_mark, fragment = address.partition("#")
    separator = "&" if "?" in path else "?"
    return f"{path}{separator}lang={language}{hash_mark}{fragment}"


def root_path(request: Request) -> str:
    """The path prefix the server is published under (``--root-path``; ``""`` for none)."""
    return str(request.scope.get("root_path", ""))


def local_link(request: Request, address: str) -> str:
    """``address`` as a link: a local one (``/…``) under the root path and keeping the reader's
    explicit language; others unchanged."""
    linked = keep_language(address, chosen_language(request))
    return root_path(request) + linked if linked.startswith("/") else linked


def without_slash(request: Request) -> RedirectResponse:
    """The 307 that sends a path ending in ``/`` to the same path without it (the query
    kept): the site's one rule for a trailing slash (docs/interface.md)."""
    return RedirectResponse(request.url.replace(path=request.url.path.rstrip("/")), 307)


def download_links(request: Request, stem: str) -> list[tuple[str, str, str]]:
    """The RDF downloads of the page at local path ``stem``: (label, link, media type); the
    pages link to them and name them as ``<link rel="alternate">``."""
    return [
        (label, f"{root_path(request)}{stem}.{suffix}", DOWNLOAD_MEDIA_TYPES[suffix])
        for _, suffix, label in RDF_DOWNLOADS
    ]


def editor_text(operation: Operation) -> str:
    """The query an example loads into the editor: its defaults bound, and the ``#+`` header
    (shown beside the editor) reduced to one comment line per title."""
    lines = operation.query.bind({}).splitlines()
    titles = [f"# {operation.query.title(language)}" for language in LANGUAGES]
    body = [line for line in lines if not line.startswith("#+")]
    while body and not body[0].strip():
        body.pop(0)
    return "\n".join([*titles, *body]) + "\n"


VARY = {"Vary": "Accept"}
HTML = "text/html"

ENTRY_POINTS = ("/", "/sparql", "/api", "/ontology", "/dataset", "/search")
"""The addresses the one-line 404 names: where a client starts (the dumps and releases are
listed on ``/dataset``)."""


def text_answer(
    status: int, message: str, headers: dict[str, str] | None = None
) -> PlainTextResponse:
    """A one-line plain-text answer (errors); a character of ``message`` that is not printable,
    as a value a client sent may hold (a NUL, a line break), is written as its escape
    (:func:`~bjaikg.errors.printable`)."""
    return PlainTextResponse(printable(message) + "\n", status_code=status, headers=headers)


class UnknownSuffixError(NotAcceptableError):
    """A path's suffix (``/id/x.trig``) that names no form of the page: no URL, so a 404."""


def not_acceptable(error: NotAcceptableError) -> PlainTextResponse:
    """The 406 answer for ``error`` (404 for an :class:`UnknownSuffixError`): one line saying
    what is offered, varying with ``Accept``."""
    status = 404 if isinstance(error, UnknownSuffixError) else 406
    return PlainTextResponse(f"{error}\n", status_code=status, headers=VARY)


def json_answer(content: Any, headers: dict[str, str] | None = None) -> JSONResponse:
    """``content`` as JSON (UTF-8, non-ASCII kept as it is), saying its charset."""
    return JSONResponse(content, media_type=JSON_MEDIA_TYPE, headers=headers)


def wants_page(request: Request, suffix: str | None = None) -> RdfChoice | None:
    """``None`` when the client should get the HTML page, else the RDF serialisation it asks
    for: a ``suffix`` of the path (``.ttl``) wins over the ``format`` parameter, which wins over
    ``Accept`` (:func:`~bjaikg.negotiation.choose_page_format`). Raises
    :class:`NotAcceptableError` (HTTP 406), whose message lists what is offered, the page
    included; :class:`UnknownSuffixError` for a suffix that names none of them."""
    format_name = optional(request, "format")
    if suffix is not None:
        if suffix not in SUFFIX_FORMATS:
            offered = [f".{known}" for known in SUFFIX_FORMATS]
            raise UnknownSuffixError(f"no .{suffix} form", offered, "this page is")
        format_name = SUFFIX_FORMATS[suffix]
    return choose_page_format(request.headers.get("accept"), format_name)


def rdf_answer(
    triples: list[ox.Triple],
    choice: RdfChoice,
    stem: str = "",
    links: dict[str, str] | None = None,
    negotiated: bool = True,
) -> Response:
    """Triples serialised as ``choice`` says (JSON-LD compacted), with ``links`` (a ``Link``
    header). A ``negotiated`` answer varies with ``Accept`` and, for a page at ``stem`` (its
    address under the root path), names the address of the form sent in ``Content-Location``
    (``/id/x.ttl``), as RFC 9110 §8.7 asks (TriG and N-Quads have no address of their own); an
    answer at a suffixed address (``/id/x.ttl``) is that form whatever the client accepts."""
    headers = dict(VARY) if negotiated else {}
    suffix = SUFFIX_OF_MEDIA_TYPE.get(choice.media_type)
    if stem and suffix and negotiated:
        headers["Content-Location"] = f"{stem}.{suffix}"
    headers.update(links or {})
    return Response(
        serialise_triples(triples, choice, compact=True),
        media_type=choice.content_type,
        headers=headers,
    )


def signposting(request: Request, stem: str, cite_as: str, licence: str) -> dict[str, str]:
    """The ``Link`` header (RFC 8288) of the page at local path ``stem`` and of its RDF forms,
    as FAIR Signposting (https://signposting.org/FAIR/, level 1) asks of a landing page: the
    persistent IRI to cite (``cite-as``), each RDF form (``describedby``, with its media type)
    and the licence (``license``)."""
    links = [f'<{cite_as}>; rel="cite-as"']
    links += [
        f'<{href}>; rel="describedby"; type="{media_type}"'
        for _, href, media_type in download_links(request, stem)
    ]
    links.append(f'<{licence}>; rel="license"')
    return {"Link": ", ".join(links)}


def base_url(request: Request) -> str:
    """The server's root URL as the client reached it, without a trailing slash."""
    return str(request.base_url).rstrip("/")


@dataclass
class Site:
    """The state the handlers share: the graph, its label index, the operations and templates.

    Built once when the routes are made; nothing in it changes afterwards. The dataset's counts
    and the evaluation of named queries are the endpoint's (``request.app.state.endpoint``).
    """

    graph: KnowledgeGraph
    index: LabelIndex
    operations: dict[str, Operation]
    templates: Jinja2Templates
    editor_installed: bool
    release_folder: Path
    releases: list[ReleaseEntry] = field(default_factory=list)
    """The releases of ``release_folder``, newest first."""

    @cached_property
    def licence(self) -> str:
        """The licence the ontology's header names (the first page that needs it reads it)."""
        return OntologyHeader.read(self.graph, "en").licence or DEFAULT_LICENCE

    @cached_property
    def source_rights(self) -> dict[str, dict[str, str]]:
        """The rights statement of each registered source by language (the first resource page
        that needs them reads them): shown beside the source's licence."""
        return source_rights(self.graph)

    # -- rendering ---------------------------------------------------------------------------

    def render(
        self,
        request: Request,
        template: str,
        title: str,
        context: dict[str, Any],
        status: int = 200,
        links: dict[str, str] | None = None,
    ) -> Response:
        """Render ``template`` in the request's language with the shared page context, with
        ``links`` (a ``Link`` header), its ``Content-Language`` and, on a found page, the
        address of each language's version and the negotiated one (``x-default``) for the
        head's ``<link rel="alternate" hreflang>``: one URL serves both languages, so a
        crawler (no ``Accept-Language``) finds the Chinese pages by these."""
        language = self.language(request)
        other = other_language(language)
        words = {key: texts[language] for key, texts in WORDS.items()}
        switch = request.url.include_query_params(lang=other)

        def link(address: str) -> str:
            return local_link(request, address)

        page = {
            "request": request,
            "language": language,
            "other_language": other,
            "words": words,
            "title": title,
            # one leading slash: "//host/x" would be another site's address (link injection)
            "switch_url": f"/{switch.path.lstrip('/')}?{switch.query}",
            "link": link,
            "root": root_path(request),
            "alternates": [
                (version, str(request.url.include_query_params(lang=version)))
                for version in LANGUAGES
            ]
            + [("x-default", str(request.url.remove_query_params("lang")))]
            if status == 200
            else [],
            **context,
        }
        return self.templates.TemplateResponse(
            request,
            template,
            page,
            status_code=status,
            headers={
                "Vary": "Accept, Accept-Language",
                "Content-Language": language,
                **(links or {}),
            },
        )

    def language(self, request: Request) -> str:
        """The page language of ``request``."""
        return choose_language(optional(request, "lang"), request.headers.get("accept-language"))

    # -- the query editor --------------------------------------------------------------------

    def editor_configuration(self, language: str, root: str = "") -> dict[str, Any]:
        """What the editor's script needs: endpoint, prefixes, ontology terms, examples
        (local addresses under the root path ``root``)."""
        classes, properties = [], []
        for iri, types in sorted(self.index.types.items()):
            if not iri.startswith(str(BJO)):
                continue
            if expand("owl:Class") in types:
                classes.append(iri)
            elif any(kind.endswith("Property") for kind in types):
                properties.append(iri)
        return {
            "endpoint": f"{root}/sparql",
            "language": language,
            "prefixes": PREFIXES,
            "classes": classes,
            "properties": properties,
            "defaultQuery": DEFAULT_QUERY,
            "localNamespaces": {str(BJ): f"{root}/id/", str(BJO): f"{root}/ontology#"},
            "chartLabel": WORDS["chart"][language],
            "viewLabels": {view: WORDS[view][language] for view in ("table", "response")},
            "yasrWords": None
            if language == "en"
            else {
                "controls": {WORDS[word]["en"]: WORDS[word][language] for word in YASR_CONTROLS},
                "rows": WORDS["result_rows"][language],
                "seconds": WORDS["result_seconds"][language],
                "response": WORDS["response"][language],
                "table": {  # DataTables' language option
                    "info": WORDS["table_info"][language],
                    "infoEmpty": WORDS["table_info_empty"][language],
                    "infoFiltered": WORDS["table_info_filtered"][language],
                    "emptyTable": WORDS["table_empty"][language],
                    "zeroRecords": WORDS["table_no_match"][language],
                    "aria": {
                        "orderable": WORDS["sort"][language],
                        "orderableReverse": WORDS["sort_reverse"][language],
                        "orderableRemove": WORDS["sort_remove"][language],
                        "paginate": {
                            page: WORDS[f"page_{page}"][language]
                            for page in ("first", "previous", "next", "last")
                        },
                    },
                },
                "pager": WORDS["pager"][language],
                "tryQuery": WORDS["try_query"][language],
            },
            "tabName": WORDS["query"][language],
            "names": {
                "query": WORDS["sparql_query"][language],
                "endpoint": WORDS["sparql_endpoint"][language],
                "accept": WORDS["answer_format"][language],
                "tab": WORDS["tab_name"][language],
            },
        }

    def examples(self) -> list[dict[str, Any]]:
        """The named queries with their defaults bound, for the examples panel; those that
        need the internet (federation) last."""
        ordered = sorted(
            self.operations.values(),
            key=lambda operation: (operation.query.needs_network, operation.name),
        )
        return [{"operation": operation, "text": editor_text(operation)} for operation in ordered]

    async def editor(self, request: Request) -> Response:
        """``/``: YASGUI on ``/sparql`` with the examples; a plain form (GET to ``/sparql``)
        where it cannot run: without JavaScript, or when it is not installed. The form holds
        the ``query`` parameter, so the examples' links fill it in without JavaScript."""
        language = self.language(request)
        configuration = json.dumps(
            self.editor_configuration(language, root_path(request)), ensure_ascii=False
        )
        return self.render(
            request,
            "editor.html",
            WORDS["site"][language],
            {
                "configuration": configuration.replace("</", "<\\/"),
                "examples": self.examples(),
                "editor_installed": self.editor_installed,
                "plain_query": optional(request, "query") or DEFAULT_QUERY,
                "plain_formats": PLAIN_FORM_FORMATS,
                "tag_names": TAG_NAMES_ZH,
            },
        )

    # -- resource pages ----------------------------------------------------------------------

    async def favicon(self, request: Request) -> Response:
        """``/favicon.ico``: no icon (204), which browsers ask for beside a JSON or text answer
        they show (the pages name none: ``<link rel="icon" href="data:,">``); kept a day."""
        return Response(status_code=204, headers={"Cache-Control": "public, max-age=86400"})

    async def unknown_path(self, request: Request) -> Response:
        """Any path no route serves with the request's method: 404, a page naming the path for
        a browser (which links the site), one line naming the site's entry points for anyone
        else; a path ending in ``/`` is first sent to the same path without it (307), as
        Starlette's routing did before this route caught every path. A path that a route serves
        with other methods gets 405 and their ``Allow``."""
        path = request.url.path
        if len(path) > 1 and path.endswith("/"):
            return without_slash(request)
        allowed = [
            method
            for route in request.app.router.routes
            if isinstance(route, Route) and route.matches(request.scope)[0] is Match.PARTIAL
            for method in sorted(route.methods or ())
        ]
        if allowed:
            return starlette_response(other_method(request.method, ", ".join(allowed)))
        if choose_media_type(request.headers.get("accept"), ["text/plain", "text/html"]) != (
            "text/html"
        ):
            return text_answer(404, f"no page at {path}; the site has {', '.join(ENTRY_POINTS)}")
        language = self.language(request)
        words = WORDS["no_page_text"][language]
        context = {"iri": path, "text": words}
        return self.render(request, "not_found.html", WORDS["not_found"][language], context, 404)

    async def resource(self, request: Request) -> Response:
        """``/id/<slug>[.<suffix>]``: the resource as HTML or RDF by negotiation; an unknown
        suffix is a 404 that lists the known ones (the project's slugs have no dot)."""
        slug = request.path_params["slug"]
        if slug.endswith("/"):  # the route takes the slash into the slug
            return without_slash(request)
        stem, dot, suffix = slug.rpartition(".")
        given_suffix = None
        if dot and stem:
            slug, given_suffix = stem, suffix
        iri = f"{BJ}{slug}"
        try:
            choice = wants_page(request, given_suffix)
        except NotAcceptableError as error:
            return not_acceptable(error)
        language = self.language(request)
        try:
            description = describe_resource(self.graph, self.index, iri, language)
        except ValueError:
            description = None
        if description is None:
            if choice is not None:  # varies as the HTML 404 does
                vary = {"Vary": "Accept, Accept-Language"}
                return text_answer(404, f"the graph says nothing about <{iri}>", vary)
            return self.render(
                request, "not_found.html", WORDS["not_found"][language], {"iri": iri}, 404
            )
        links = signposting(request, f"/id/{slug}", iri, self.licence)
        if choice is not None:
            stem = f"{root_path(request)}/id/{slug}"
            negotiated = given_suffix is None
            return rdf_answer(resource_triples(self.graph, iri), choice, stem, links, negotiated)
        boxes, lines, reached = chain_neighbourhood(self.graph, self.index, iri, language)
        boxes = [replace(box, address=local_link(request, box.address)) for box in boxes]
        caption = ("" if language == "zh" else " ").join(  # no space after a Chinese full stop
            [WORDS["neighbourhood_hint"][language]]
            + [
                WORDS["neighbourhood_cut"][language].format(
                    stage=CHAIN_STAGES[stage][1][language],
                    shown=sum(box.column == stage for box in boxes),
                    reached=count,
                )
                for stage, count in sorted(reached.items())
            ]
        )
        diagram = ""
        if boxes:
            diagram = render_svg(
                boxes,
                lines,
                f"{WORDS['neighbourhood'][language]}: {description.label}",
                caption,
                [names[language] for _, names in CHAIN_STAGES],
            )
        return self.render(
            request,
            "resource.html",
            description.label,
            {
                "resource": description,
                "source_rights": self.source_rights,
                "diagram": diagram,
                "diagram_caption": caption,
                "formats": download_links(request, f"/id/{slug}"),
                "limits": {
                    "incoming": INCOMING_LIMIT,
                    "outgoing": OUTGOING_LIMIT,
                    "records": RECORD_LIMIT,
                },
                "all_incoming": local_link(
                    request, "/?" + urlencode({"query": incoming_listing(iri)})
                ),
            },
            links=links,
        )

    # -- ontology and dataset ----------------------------------------------------------------

    async def ontology(self, request: Request) -> Response:
        """``/ontology``: documentation page, or the ontology's triples in RDF."""
        suffix = request.path_params.get("suffix")
        try:
            choice = wants_page(request, suffix)
        except NotAcceptableError as error:
            return not_acceptable(error)
        links = signposting(request, "/ontology", ONTOLOGY_IRI, self.licence)
        if choice is not None:
            stem = f"{root_path(request)}/ontology"
            return rdf_answer(ontology_triples(self.graph), choice, stem, links, suffix is None)
        language = self.language(request)
        documentation = document_ontology(self.graph, self.index, language)
        boxes, lines = class_tree(self.index, documentation.class_parents(), language)
        boxes = [replace(box, address=local_link(request, box.address)) for box in boxes]
        diagram = render_svg(
            boxes,
            lines,
            WORDS["class_diagram"][language],
            WORDS["hierarchy"][language],
            [],
        )
        return self.render(
            request,
            "ontology.html",
            documentation.title,
            {
                "ontology": documentation,
                "diagram": diagram,
                "kinds": {name: texts[language] for name, texts in KINDS.items()},
                "formats": download_links(request, "/ontology"),
            },
            links=links,
        )

    def statistics(self, request: Request) -> DatasetStatistics:
        """The dataset's counts, made by the endpoint when first needed
        (:meth:`EndpointState.count_dataset`)."""
        endpoint: EndpointState = request.app.state.endpoint
        return endpoint.count_dataset("other")

    async def dataset(self, request: Request) -> Response:
        """``/dataset``: statistics, licence, citation, dumps; VoID/DCAT in RDF."""
        suffix = request.path_params.get("suffix")
        try:
            choice = wants_page(request, suffix)
        except NotAcceptableError as error:
            return not_acceptable(error)
        language = self.language(request)
        base = base_url(request)
        page = describe_dataset(
            self.graph, self.index, self.statistics(request), language, self.releases
        )
        links = signposting(request, "/dataset", page.cite_as, page.licence)
        triples = dataset_triples(page, base, self.releases)
        if choice is not None:
            stem = f"{root_path(request)}/dataset"
            return rdf_answer(triples, choice, stem, links, suffix is None)
        return self.render(
            request,
            "dataset.html",
            page.title,
            {
                "dataset": page,
                "named_graphs": page.statistics.named_graphs,
                "inferred_graph": INFERRED_GRAPH.value,
                "dumps": DUMPS,
                "releases": self.releases,
                "formats": download_links(request, "/dataset"),
                "schema_org": schema_org_dataset(triples, f"{base}/sparql#dataset", language),
            },
            links=links,
        )

    async def shapes(self, request: Request) -> Response:
        """``/shapes[.<suffix>]``: the SHACL shapes in RDF (``bjsh:`` IRIs resolve here);
        Turtle when the client asks for a page, as there is no HTML form of them."""
        suffix = request.path_params.get("suffix")
        if suffix == "html":
            return text_answer(
                404, "the shapes have no HTML form; offered: .ttl, .nt, .jsonld, .rdf"
            )
        try:
            choice = wants_page(request, suffix)
        except NotAcceptableError as error:
            return not_acceptable(error)
        return rdf_answer(shapes_triples(self.graph), choice or choose_rdf_format(None, "turtle"))

    async def void(self, request: Request) -> Response:
        """``/.well-known/void`` (RFC 8615, VoID §7.2): the dataset's VoID/DCAT description,
        in the RDF format ``Accept`` asks for, Turtle when it asks for none (or ``*/*``). A
        client that prefers HTML (a browser) is sent to ``/dataset`` (303 See Other, keeping
        ``lang``), as ``GET /sparql`` sends it to the query editor."""
        try:
            choice = wants_page(request)
        except NotAcceptableError as error:
            return not_acceptable(error)
        accept = request.headers.get("accept")
        if choice is None and choose_media_type(accept, [*RDF_MEDIA_TYPES, HTML]) == HTML:
            return RedirectResponse(local_link(request, "/dataset"), 303, headers=VARY)
        if choice is None:
            choice = choose_rdf_format(None, "turtle")
        language = self.language(request)
        base = base_url(request)
        page = describe_dataset(
            self.graph, self.index, self.statistics(request), language, self.releases
        )
        return rdf_answer(dataset_triples(page, base, self.releases), choice)

    async def release_diff(self, request: Request) -> Response:
        """``/releases/diff?from=A&to=B``: the knowledge diff between two released versions
        (:func:`~bjaikg.knowledge_diff.diff_snapshots`), as a page or, by ``format`` or
        ``Accept``, in each form :func:`~bjaikg.knowledge_diff.render` writes. A parameter
        missing, given twice or naming no release is a 400 naming it; ``from`` may be newer
        than ``to`` (what going back changes: the page says so in one line, the diff is as for
        any pair) or the same (no change)."""
        given_once(request, ["from", "to", "format"])
        known = {release.version: release for release in self.releases}
        released = ", ".join(reversed(known)) or "none"
        chosen = []
        for name in ("from", "to"):
            version = optional(request, name)
            if not version:
                return text_answer(400, f"{name}: missing; released: {released}")
            if version not in known:
                return text_answer(400, f"{name}={version}: no such release; released: {released}")
            chosen.append(known[version])
        form = optional(request, "format")
        offered = {"html": "text/html", **MEDIA_TYPES}
        if form is None:
            wanted = choose_media_type(request.headers.get("accept"), list(offered.values()))
            form = next((name for name, media in offered.items() if media == wanted), None)
            if form is None:
                listed = ", ".join(offered.values())
                return text_answer(406, f"the knowledge diff is offered as {listed}", VARY)
        elif form not in offered:
            names = ", ".join(offered)
            return text_answer(406, f"format={form}: the knowledge diff is offered as {names}")
        try:
            diff = diff_releases(self.release_folder, *chosen)
        except (SnapshotError, DataFileError) as error:  # a release file changed or missing
            old, new = chosen[0].version, chosen[1].version
            LOG.error("%s: %s", WORDS["diff_unreadable"]["en"].format(old=old, new=new), error)
            language = self.language(request) if form == "html" else "en"  # the others: English
            made = WORDS["diff_unreadable"][language].format(old=old, new=new)
            public = str(error).replace(str(self.release_folder), "releases")
            return text_answer(500, f"{made}: {public}")
        if form != "html":
            return Response(
                render(diff, form),
                media_type=f"{offered[form]}; charset=utf-8",
                headers=VARY,
            )
        versions = {"from": diff.old, "to": diff.new}
        forms = [
            (other, f"{root_path(request)}/releases/diff?{urlencode(versions | {'format': other})}")
            for other in MEDIA_TYPES
        ]
        language = self.language(request)
        return self.render(
            request,
            "release_diff.html",
            f"{WORDS['knowledge_diff'][language]} {diff.old} → {diff.new}",
            {
                "diff": diff,
                "newer_first": Version.parse(diff.old) > Version.parse(diff.new),
                "forms": forms,
                "releases": self.releases,
                "shorten": shorten,
                "local_address": local_address,
            },
        )

    # -- search ------------------------------------------------------------------------------

    async def search(self, request: Request) -> Response:
        """``/search?q=``: the first :data:`MAX_RESULTS` hits and how many matched, as HTML, or
        as JSON for ``format=json`` / ``Accept: json``."""
        text = optional(request, "q") or ""
        language = self.language(request)
        found = search_labels(self.index, text, language)
        hits = found[:MAX_RESULTS]
        format_name = optional(request, "format")
        wanted = choose_media_type(request.headers.get("accept"), ["text/html", "application/json"])
        if format_name == "json" or (format_name is None and wanted == "application/json"):
            return json_answer(
                {
                    "query": text,
                    "total": len(found),
                    "hits": [
                        {
                            "iri": hit.iri,
                            "address": root_path(request) + hit.address,
                            "label": hit.label,
                            "labelLanguage": hit.label_language,
                            "matched": hit.matched,
                            "matchedLanguage": hit.matched_language,
                            "match": hit.kind.name.lower(),
                            "types": list(hit.types),
                            "deprecated": hit.deprecated,
                        }
                        for hit in hits
                    ],
                },
                headers={"Vary": "Accept, Accept-Language"},  # the labels are in the language
            )
        if format_name not in (None, "html", "json"):
            return text_answer(406, f"format={format_name}: the search is offered as html, json")
        kinds = {
            "EXACT": WORDS["match_exact"][language],
            "WORD": WORDS["match_word"][language],
            "PREFIX": WORDS["match_prefix"][language],
            "PARTIAL": WORDS["match_partial"][language],
        }
        hit_types = {
            hit.iri: [
                self.index.label(type_iri, language)
                for type_iri in hit.types
                if type_iri.startswith(str(BJO))
            ]
            for hit in hits
        }
        return self.render(
            request,
            "search.html",
            f"{WORDS['search'][language]}: {text}",
            {
                "text": text,
                "hits": hits,
                "total": len(found),
                "kinds": kinds,
                "hit_types": hit_types,
            },
        )

    # -- named queries as an API -------------------------------------------------------------

    async def list_queries(self, request: Request) -> Response:
        """``/api/queries``: every operation with its titles, descriptions and parameters, as
        JSON (the only form: another ``format`` is a 406)."""
        format_name = optional(request, "format")
        if format_name not in (None, "json"):
            return text_answer(
                406, f"format={format_name}: the list of named queries is offered as json"
            )
        return json_answer(
            {
                "queries": [
                    operation.describe(root_path(request)) for operation in self.operations.values()
                ]
            }
        )

    async def run_query(self, request: Request) -> Response:
        """``/api/queries/<name>``: run one named query with the request's parameters (an
        answer the worker keeps is sent again unless the request says ``no-cache``)."""
        name = request.path_params["name"]
        operation = self.operations.get(name)
        if operation is None:
            known = ", ".join(self.operations) or "none"
            return text_answer(404, f"no named query {name!r}; known: {known}")
        given_once(request, context=f"{name}: ")
        parameters = request.query_params
        values = {key: value for key, value in parameters.items() if key != "format"}
        unknown = sorted(set(values) - {parameter.name for parameter in operation.parameters})
        if unknown:
            return text_answer(400, f"{name}: unknown parameter(s) {', '.join(unknown)}")
        accept, format_name = request.headers.get("accept"), optional(request, "format")
        endpoint: EndpointState = request.app.state.endpoint
        try:
            text = operation.query.bind(values)
            nodes = [
                (parameter.name, parameter.term(values[parameter.name]))
                for parameter in operation.parameters
                if parameter.kind == "iri" and parameter.name in values
            ]
            choose_results_format(accept, format_name)  # the named queries are SELECT or ASK
        except ParameterError as error:
            return text_answer(400, f"{name}: {error}")
        except NotAcceptableError as error:
            return text_answer(406, f"{name}: {error.said_of('its answers are')}", VARY)
        for parameter_name, node in nodes:  # a mistyped IRI answered 0 rows, as if none held
            if not self.graph.query(f"ASK {{ {{ {node} ?p ?o }} UNION {{ ?s ?p {node} }} }}"):
                return text_answer(
                    404, f"{name}: {parameter_name}: the graph says nothing about {node}"
                )
        served = endpoint.answer(
            text, accept=accept, format_parameter=format_name,
            fresh=asks_fresh(request.headers.get("cache-control")),
        )  # fmt: skip
        if served.status == 400:  # the bound query does not parse: the query file's fault
            return text_answer(500, f"{operation.query.path}: {served.text.strip()}")
        # an answer of another endpoint (SERVICE) is no function of this data: never kept
        headers = {**VARY, "Cache-Control": "no-store"} if operation.query.needs_network else VARY
        return Response(
            served.body, status_code=served.status, media_type=served.content_type, headers=headers
        )

    async def openapi(self, request: Request) -> Response:
        """``/openapi.json``: the OpenAPI document."""
        document = build_openapi(list(self.operations.values()))
        document["servers"] = [{"url": base_url(request)}]
        return json_answer(document)

    async def api_page(self, request: Request) -> Response:
        """``/api``: the OpenAPI document as a browsable page with a form per operation."""
        language = self.language(request)
        document = build_openapi(list(self.operations.values()))
        operations = [
            (path, method, resolve_parameters(document, details))
            for path, item in document["paths"].items()
            for method, details in item.items()
        ]
        return self.render(
            request,
            "api.html",
            f"{WORDS['api'][language]} · {WORDS['site'][language]}",
            {
                "operations": operations,
                "named": {operation.path: operation for operation in self.operations.values()},
            },
        )


RDF_NAMES = (("ttl", "Turtle"), ("nt", "N-Triples"), ("jsonld", "JSON-LD"), ("rdfxml", "RDF/XML"))
RDF_SUFFIX_NAMES = (
    ("ttl", "Turtle"),
    ("nt", "N-Triples"),
    ("jsonld", "JSON-LD"),
    ("rdf", "RDF/XML"),
)


def resource_triples(graph: KnowledgeGraph, iri: str) -> list[ox.Triple]:
    """The description served for ``iri`` in RDF: all its statements (asserted and inferred,
    never cut), with the statements of the unnamed nodes under it (two levels deep), and the
    statements of named resources about it, at most :data:`INCOMING_LIMIT` as on the page (a
    crawler can walk back; the rest by SPARQL, as the page's link says)."""
    node = ox.NamedNode(iri)
    description = read_description(graph, node, limit=None, neighbours=True)
    incoming = [
        ox.Triple(ox.NamedNode(subject), ox.NamedNode(property_iri), node)
        for subject, property_iri in description.incoming
    ]
    return description.triples(node) + incoming


SHAPES_GRAPHS = f"{BJG}ontology/shapes/"
"""The named graphs of the SHACL shapes (``ontology/shapes/*.ttl``)."""


def ontology_triples(graph: KnowledgeGraph) -> list[ox.Triple]:
    """The asserted statements about the ontology and its ``bjo:`` terms, with the blank nodes
    of the ontology's files (class unions, property chains, lists, ``owl:AllDisjointClasses``),
    so that no blank node the answer names is left undescribed; the shapes are not in it."""
    result = graph.store.query(
        f"""CONSTRUCT {{ ?term ?property ?value }} WHERE {{
              GRAPH ?graph {{ ?term ?property ?value }}
              FILTER(?graph != {INFERRED_GRAPH})
              FILTER(STRSTARTS(STR(?term), "{str(BJO).rstrip("#")}") || (isBlank(?term)
                && STRSTARTS(STR(?graph), "{BJG}ontology/")
                && !STRSTARTS(STR(?graph), "{SHAPES_GRAPHS}")))
            }}"""
    )
    assert isinstance(result, ox.QueryTriples)
    return sorted(result, key=str)


def shapes_triples(graph: KnowledgeGraph) -> list[ox.Triple]:
    """The SHACL shapes (every ``bjsh:`` shape with its property shapes and lists), sorted."""
    result = graph.store.query(
        f"""CONSTRUCT {{ ?s ?p ?o }} WHERE {{
              GRAPH ?graph {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?graph), "{SHAPES_GRAPHS}"))
            }}"""
    )
    assert isinstance(result, ox.QueryTriples)
    return sorted(result, key=str)
