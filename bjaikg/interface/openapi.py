"""The OpenAPI 3.1 document of the server: the SPARQL endpoint, the named-query operations,
search, the resource pages and the dataset description (served at ``/openapi.json``).

Each named query gets its own path with its typed parameters and defaults, like grlc; SELECT
answers are described by the SPARQL 1.1 JSON results schema below.
"""

from __future__ import annotations

from typing import Any

from bjaikg import __version__
from bjaikg.interface.operations import Operation
from bjaikg.negotiation import RDF_MEDIA_TYPES, RESULTS_MEDIA_TYPES

JsonObject = dict[str, Any]

SPARQL_RESULTS_SCHEMA: JsonObject = {
    "type": "object",
    "description": "SPARQL 1.1 Query Results JSON Format (W3C).",
    "properties": {
        "head": {
            "type": "object",
            "properties": {"vars": {"type": "array", "items": {"type": "string"}}},
        },
        "results": {
            "type": "object",
            "properties": {
                "bindings": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "additionalProperties": {"$ref": "#/components/schemas/RdfTerm"},
                    },
                }
            },
        },
        "boolean": {"type": "boolean"},
    },
    "required": ["head"],
}

RDF_TERM_SCHEMA: JsonObject = {
    "type": "object",
    "properties": {
        "type": {"type": "string", "enum": ["uri", "literal", "bnode", "triple"]},
        "value": {"type": "string"},
        "xml:lang": {"type": "string"},
        "datatype": {"type": "string"},
    },
    "required": ["type"],
}


def _text(description: str, media_types: tuple[str, ...] | list[str]) -> JsonObject:
    return {
        "description": description,
        "content": {media_type: {"schema": {"type": "string"}} for media_type in media_types},
    }


def _results(description: str) -> JsonObject:
    content: JsonObject = {
        media_type: {"schema": {"type": "string"}} for media_type in RESULTS_MEDIA_TYPES
    }
    content[RESULTS_MEDIA_TYPES[0]] = {"schema": {"$ref": "#/components/schemas/SparqlResults"}}
    return {"description": description, "content": content}


ERRORS: JsonObject = {
    "400": _text("Bad request: the message names the parameter or position.", ["text/plain"]),
    "406": _text("None of the accepted media types is offered.", ["text/plain"]),
}

FORMAT_PARAMETER: JsonObject = {
    "name": "format",
    "in": "query",
    "required": False,
    "description": "Overrides Accept: json, xml, csv, tsv (results); ttl, nt, jsonld, rdfxml.",
    "schema": {"type": "string"},
}


def operation_path(operation: Operation) -> JsonObject:
    """The OpenAPI path item of one named query."""
    parameters: list[JsonObject] = []
    for parameter in operation.parameters:
        schema: JsonObject = {"type": "string"}
        if parameter.kind == "iri":
            schema["format"] = "uri"
        if parameter.default is not None:
            schema["default"] = parameter.default
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
            "parameters": [*parameters, FORMAT_PARAMETER],
            "responses": {"200": _results("The query's answer."), **ERRORS},
        }
    }


def build_openapi(operations: list[Operation]) -> JsonObject:
    """The whole OpenAPI document (deterministic: paths in a fixed order, queries by name)."""
    sparql_parameters: list[JsonObject] = [
        {
            "name": "query",
            "in": "query",
            "required": True,
            "description": "A SPARQL 1.1 query (SELECT, ASK, CONSTRUCT, DESCRIBE).",
            "schema": {"type": "string"},
        },
        {
            "name": "default-graph-uri",
            "in": "query",
            "required": False,
            "schema": {"type": "array", "items": {"type": "string", "format": "uri"}},
        },
        {
            "name": "named-graph-uri",
            "in": "query",
            "required": False,
            "schema": {"type": "array", "items": {"type": "string", "format": "uri"}},
        },
        FORMAT_PARAMETER,
    ]
    sparql_answers: JsonObject = {
        "200": {
            "description": "Results (SELECT, ASK) or a graph (CONSTRUCT, DESCRIBE).",
            "content": {
                **_results("")["content"],
                **{media_type: {"schema": {"type": "string"}} for media_type in RDF_MEDIA_TYPES},
            },
        },
        **ERRORS,
        "403": _text("Updates, and SERVICE outside the allow-list, are refused.", ["text/plain"]),
        "503": _text("The query ran over the deadline or the server is busy.", ["text/plain"]),
    }
    paths: JsonObject = {
        "/sparql": {
            "get": {
                "operationId": "sparql_get",
                "summary": "SPARQL 1.1 Protocol query by GET",
                "tags": ["SPARQL"],
                "parameters": sparql_parameters,
                "responses": sparql_answers,
            },
            "post": {
                "operationId": "sparql_post",
                "summary": "SPARQL 1.1 Protocol query by POST (form or direct body)",
                "tags": ["SPARQL"],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/x-www-form-urlencoded": {
                            "schema": {
                                "type": "object",
                                "properties": {"query": {"type": "string"}},
                                "required": ["query"],
                            }
                        },
                        "application/sparql-query": {"schema": {"type": "string"}},
                    },
                },
                "responses": sparql_answers,
            },
        },
        "/api/queries": {
            "get": {
                "operationId": "list_queries",
                "summary": "The named queries (competency questions) and their parameters",
                "tags": ["named queries"],
                "responses": {
                    "200": {
                        "description": "Each query: name, title and description in en/zh, "
                        "tags, parameters.",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    }
                },
            }
        },
        **{operation.path: operation_path(operation) for operation in operations},
        "/search": {
            "get": {
                "operationId": "search",
                "summary": "Search labels and alternative labels (zh, en), exact matches first",
                "tags": ["pages"],
                "parameters": [
                    {"name": "q", "in": "query", "required": True, "schema": {"type": "string"}},
                    {
                        "name": "lang",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "string", "enum": ["en", "zh"]},
                    },
                ],
                "responses": {
                    "200": _text("Hits as an HTML page or JSON.", ["text/html", "application/json"])
                },
            }
        },
        "/id/{slug}": {
            "get": {
                "operationId": "resource",
                "summary": "A resource of the graph: an HTML page or its description in RDF",
                "tags": ["pages"],
                "parameters": [
                    {
                        "name": "slug",
                        "in": "path",
                        "required": True,
                        "description": "The slug; a suffix .ttl, .nt, .jsonld or .rdf picks RDF.",
                        "schema": {"type": "string"},
                    },
                    FORMAT_PARAMETER,
                ],
                "responses": {
                    "200": _text("The page or the description.", ["text/html", *RDF_MEDIA_TYPES]),
                    "404": _text("The graph says nothing about this IRI.", ["text/html"]),
                    "406": ERRORS["406"],
                },
            }
        },
        "/ontology": {
            "get": {
                "operationId": "ontology",
                "summary": "The ontology: documentation page or the ontology in RDF "
                "(also /ontology.ttl, .nt, .jsonld, .rdf)",
                "tags": ["pages"],
                "parameters": [FORMAT_PARAMETER],
                "responses": {
                    "200": _text("Page or RDF.", ["text/html", *RDF_MEDIA_TYPES]),
                    "406": ERRORS["406"],
                },
            }
        },
        "/dataset": {
            "get": {
                "operationId": "dataset",
                "summary": "The dataset: statistics, licence, how to cite; VoID/DCAT in RDF "
                "(also /dataset.ttl, .nt, .jsonld, .rdf)",
                "tags": ["pages"],
                "parameters": [FORMAT_PARAMETER],
                "responses": {
                    "200": _text("Page or RDF.", ["text/html", *RDF_MEDIA_TYPES]),
                    "406": ERRORS["406"],
                },
            }
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Beijing AI Knowledge Graph (bjaikg) API",
            "version": __version__,
            "description": "SPARQL endpoint, named queries as REST operations, search and "
            "Linked Data pages. 北京人工智能知识图谱接口。",
            "license": {"name": "CC-BY-4.0 (data), MIT (code)", "identifier": "CC-BY-4.0"},
        },
        "paths": paths,
        "components": {
            "schemas": {"SparqlResults": SPARQL_RESULTS_SCHEMA, "RdfTerm": RDF_TERM_SCHEMA}
        },
    }
