"""The OpenAPI 3.1 document of the server (served at ``/openapi.json``): a static base
(``openapi-base.json``: the SPARQL endpoint, search, the resource, ontology and dataset pages,
the knowledge diff of two releases, their schemas) and what is generated — one path per named
query with its typed parameters and defaults, like grlc, the media types the server offers
(from :mod:`bjaikg.negotiation` and :mod:`bjaikg.knowledge_diff`, so the document cannot list
a format the server does not serve), the answers every operation can give (400 for a parameter
given twice, 503 over the deadline or when busy: docs/interface.md#parameters) and the package
version.

Hazard: the base is read once and copied per call; a caller may change what it gets.
"""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path
from typing import Any

from bjaikg import __version__
from bjaikg.interface.operations import Operation
from bjaikg.knowledge_diff import MEDIA_TYPES as DIFF_MEDIA_TYPES
from bjaikg.negotiation import (
    FORMAT_NAMES,
    PAGE,
    RDF_FORMATS,
    RDF_MEDIA_TYPES,
    RESULTS_FORMATS,
    RESULTS_MEDIA_TYPES,
)

JsonObject = dict[str, Any]
BASE = Path(__file__).with_name("openapi-base.json")
TEXT: JsonObject = {"schema": {"type": "string"}}
RESULTS_SCHEMA: JsonObject = {"schema": {"$ref": "#/components/schemas/SparqlResults"}}
DIFF_SCHEMA: JsonObject = {"schema": {"$ref": "#/components/schemas/KnowledgeDiff"}}


@functools.cache
def _base() -> JsonObject:
    document: JsonObject = json.loads(BASE.read_text(encoding="utf-8"))
    return document


def operation_path(operation: Operation) -> JsonObject:
    """The OpenAPI path item of one named query."""
    parameters: list[JsonObject] = []
    for parameter in operation.parameters:
        schema: JsonObject = {"type": "integer" if parameter.kind == "integer" else "string"}
        if parameter.kind == "iri":
            schema["format"] = "uri"
        if parameter.default is not None:
            integer = parameter.kind == "integer"
            schema["default"] = int(parameter.default) if integer else parameter.default
        parameters.append(
            {
                "name": parameter.name,
                "in": "query",
                "required": parameter.required,
                "description": f"Value of ?{parameter.variable} ({parameter.kind}).",
                "schema": schema,
            }
        )
    return {
        "get": {
            "operationId": "query_" + operation.name.replace("-", "_"),
            "summary": operation.query.title("en"),
            "description": (
                f"{operation.query.description('en')}\n\n{operation.query.title('zh')}"
                f"\n{operation.query.description('zh')}"
            ),
            "tags": ["named queries"],
            "parameters": [*parameters, {"$ref": "#/components/parameters/ResultsFormat"}],
            "responses": {
                "200": {"$ref": "#/components/responses/Results"},
                "400": {"$ref": "#/components/responses/BadRequest"},
                **(FEDERATION_OFF if operation.query.needs_network else {}),
                **(UNKNOWN_NODE if any(p.kind == "iri" for p in operation.parameters) else {}),
                "406": {"$ref": "#/components/responses/NotAcceptable"},
            },
        }
    }


UNKNOWN_NODE: JsonObject = {
    "404": {
        "description": "An IRI parameter names a node the graph says nothing about.",
        "content": {"text/plain": TEXT},
    }
}
"""The answer of a named query whose IRI parameter names no node of the graph."""

FEDERATION_OFF: JsonObject = {
    "403": {
        "description": "The query calls SERVICE, and this server's allow-list (--allow-service) "
        "does not hold the endpoint: always, while federation is off.",
        "content": {"text/plain": TEXT},
    }
}
"""The answer of a named query that needs the network (``SERVICE``) on a server that does not
allow its endpoint."""

EVERY_OPERATION: JsonObject = {
    "400": {"$ref": "#/components/responses/BadRequest"},
    "503": {"$ref": "#/components/responses/Unavailable"},
}
"""What any operation can answer: each reads a parameter (given twice: 400), and each runs on
the server's clock and worker pool (503)."""


def build_openapi(operations: list[Operation]) -> JsonObject:
    """The whole OpenAPI document (deterministic: the base's paths, the queries by name)."""
    document = copy.deepcopy(_base())
    document["info"]["version"] = __version__
    results = {media_type: TEXT for media_type in RESULTS_MEDIA_TYPES}
    results[RESULTS_MEDIA_TYPES[0]] = RESULTS_SCHEMA
    responses = document["components"]["responses"]
    responses["Results"]["content"] = results
    responses["SparqlAnswer"]["content"] = results | dict.fromkeys(RDF_MEDIA_TYPES, TEXT)
    responses["PageOrRdf"]["content"] = dict.fromkeys(["text/html", *RDF_MEDIA_TYPES], TEXT)
    diff_forms = {"text/html": TEXT} | dict.fromkeys(DIFF_MEDIA_TYPES.values(), TEXT)
    responses["KnowledgeDiff"]["content"] = diff_forms | {"application/json": DIFF_SCHEMA}
    parameters = document["components"]["parameters"]
    parameters["DiffFormat"]["schema"]["enum"] = ["html", *DIFF_MEDIA_TYPES]
    parameters["ResultsFormat"]["schema"]["enum"] = [FORMAT_NAMES[f] for f in RESULTS_FORMATS]
    parameters["PageFormat"]["schema"]["enum"] = [PAGE, *(FORMAT_NAMES[f] for f in RDF_FORMATS)]
    paths = document["paths"]
    queries = {operation.path: operation_path(operation) for operation in operations}
    document["paths"] = {
        **{path: item for path, item in paths.items() if path in ("/sparql", "/api/queries")},
        **queries,
        **{path: item for path, item in paths.items() if path not in ("/sparql", "/api/queries")},
    }
    for item in document["paths"].values():
        for operation in item.values():
            answers = EVERY_OPERATION | operation["responses"]
            operation["responses"] = dict(sorted(answers.items()))
    return document


def resolve_parameters(document: JsonObject, operation: JsonObject) -> JsonObject:
    """``operation`` with each ``$ref`` parameter replaced by the component it names (for the
    /api page, which shows every parameter)."""
    components = document["components"]["parameters"]
    parameters = [
        components[parameter["$ref"].rsplit("/", 1)[1]] if "$ref" in parameter else parameter
        for parameter in operation.get("parameters", [])
    ]
    return {**operation, "parameters": parameters}
