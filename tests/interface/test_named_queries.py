"""Named queries as REST operations: listing, running with parameters, negotiation, OpenAPI."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace
from pathlib import Path

import pytest
from openapi_spec_validator import validate
from starlette.testclient import TestClient

from bjaikg.errors import QueryFileError
from bjaikg.interface import interface_routes
from bjaikg.namespaces import BJ
from bjaikg.query_catalogue import ParameterError, load_catalogue
from bjaikg.store import KnowledgeGraph

from .conftest import QUERIES

COMPANY = "https://w3id.org/bjaikg/id/test-company"


def test_list_gives_titles_descriptions_and_typed_parameters(client: TestClient) -> None:
    queries = {query["name"]: query for query in client.get("/api/queries").json()["queries"]}
    assert set(queries) == {"chips-by-designer", "entities-per-class"}
    chips = queries["chips-by-designer"]
    assert chips["title"] == {
        "en": "Which chips does a company design?",
        "zh": "某企业设计了哪些芯片？",
    }
    assert chips["description"]["zh"].startswith("给定企业")
    assert chips["operation"] == "/api/queries/chips-by-designer"
    assert chips["parameters"] == [
        {"name": "designer", "type": "iri", "default": COMPANY, "required": False}
    ]
    assert queries["entities-per-class"]["parameters"][0]["type"] == "literal"


def test_run_with_defaults_gives_sparql_json(client: TestClient) -> None:
    answer = client.get("/api/queries/chips-by-designer")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/sparql-results+json")
    rows = answer.json()["results"]["bindings"]
    assert [row["label"]["value"] for row in rows] == ["Test Chip", "Test Chip Two"]


def test_run_with_a_parameter(client: TestClient) -> None:
    answer = client.get(
        "/api/queries/chips-by-designer",
        params={"designer": "https://w3id.org/bjaikg/id/test-model"},
    )
    assert answer.json()["results"]["bindings"] == []
    counts = client.get("/api/queries/entities-per-class", params={"text": "芯片二号"}).json()
    classes = {
        row["class"]["value"]: row["entities"]["value"] for row in counts["results"]["bindings"]
    }
    assert classes == {
        "https://w3id.org/bjaikg/ontology#AIChip": "1",
        "https://w3id.org/bjaikg/ontology#Product": "1",
    }


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("application/json", "application/sparql-results+json"),
    ],
)
def test_answer_is_negotiated(client: TestClient, accept: str, media_type: str) -> None:
    answer = client.get("/api/queries/chips-by-designer", headers={"Accept": accept})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith(media_type)
    assert "Test Chip Two" in answer.text


def test_format_parameter_gives_csv(client: TestClient) -> None:
    answer = client.get("/api/queries/chips-by-designer?format=csv")
    rows = list(csv.reader(io.StringIO(answer.text)))
    assert rows[0] == ["chip", "label"]
    assert rows[1] == ["https://w3id.org/bjaikg/id/test-chip", "Test Chip"]


def test_client_mistakes_are_one_line_4xx(client: TestClient) -> None:
    bad_iri = client.get("/api/queries/chips-by-designer", params={"designer": "not an iri"})
    assert bad_iri.status_code == 400
    assert "designer" in bad_iri.text and bad_iri.text.count("\n") == 1
    injection = client.get(
        "/api/queries/chips-by-designer", params={"designer": "http://x> } SELECT * {"}
    )
    assert injection.status_code == 400
    unknown = client.get("/api/queries/chips-by-designer", params={"colour": "red"})
    assert unknown.status_code == 400 and "colour" in unknown.text
    twice = client.get(
        "/api/queries/chips-by-designer",
        params=[("designer", "http://a/"), ("designer", "http://b/")],
    )
    assert twice.status_code == 400 and "give each parameter once (designer)" in twice.text
    missing = client.get("/api/queries/no-such-query")
    assert missing.status_code == 404 and "chips-by-designer" in missing.text
    # an IRI the graph says nothing about (was 200 with no rows, as if none held)
    nowhere = f"{BJ}no-such-designer"
    absent = client.get("/api/queries/chips-by-designer", params={"designer": nowhere})
    assert absent.status_code == 404 and absent.text.count("\n") == 1
    assert absent.text == f"chips-by-designer: designer: the graph says nothing about <{nowhere}>\n"
    refused = client.get("/api/queries/chips-by-designer", headers={"Accept": "image/png"})
    assert refused.status_code == 406


def test_literal_parameters_cannot_change_the_query() -> None:
    query = {query.name: query for query in load_catalogue(QUERIES)}["entities-per-class"]
    text = query.bind({"text": '") ) } DROP ALL #'})
    assert 'CONTAINS(?label, "\\") ) } DROP ALL #")' in text
    assert "?_text" not in text


def test_required_parameter_without_value_is_refused() -> None:
    query = load_catalogue(QUERIES)[0]
    without_defaults = replace(
        query, parameters=tuple(replace(parameter, default=None) for parameter in query.parameters)
    )
    with pytest.raises(ParameterError, match="designer is required"):
        without_defaults.bind({})


def test_openapi_document_is_valid_and_describes_every_operation(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    validate(document)
    assert {"/sparql", "/api/queries", "/search", "/id/{slug}", "/ontology", "/dataset"} <= set(
        document["paths"]
    )
    operation = document["paths"]["/api/queries/chips-by-designer"]["get"]
    designer = operation["parameters"][0]
    assert designer["name"] == "designer"
    assert designer["schema"] == {"type": "string", "format": "uri", "default": COMPANY}
    assert "post" in document["paths"]["/sparql"]


def test_api_page_has_a_form_per_get_operation(client: TestClient) -> None:
    html = client.get("/api?lang=en").text
    assert 'action="/api/queries/chips-by-designer"' in html
    assert f'value="{COMPANY}"' in html
    assert '<label for="query_chips_by_designer-designer">designer</label>' in html
    assert "POST" in html and "/sparql" in html
    # a query is written in a box of several lines; a value from a list is chosen from it
    # (R5's finding 15, session 38: one-line inputs for both)
    sparql = html[html.index('action="/sparql"') :]
    assert re.search(r'<textarea id="sparql_get-query" name="query" rows="5"', sparql)
    form = html[html.index('action="/api/queries/chips-by-designer"') :]
    form = form[: form.index("</form>")]
    formats = re.search(r'<select id="[^"]+-format" name="format">(.*?)</select>', form, re.S)
    assert formats is not None
    assert re.findall(r"<option([^>]*)>([^<]*)</option>", formats[1])[:5] == [
        (' value=""', "—"), ("", "json"), ("", "xml"), ("", "csv"), ("", "tsv"),
    ]  # fmt: skip


def test_a_query_file_with_a_bad_header_is_named(
    fixture_graph: KnowledgeGraph, tmp_path: Path
) -> None:
    (tmp_path / "broken.rq").write_text("#+ title.en: only a title\nSELECT * {}\n", "utf-8")
    with pytest.raises(QueryFileError, match=r"broken\.rq: header lacks"):
        interface_routes(fixture_graph, query_folder=tmp_path)
