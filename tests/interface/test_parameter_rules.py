"""One rule for the parameters of the pages and the named-query API, in the real ``serve.py``
(project graph, 127.0.0.1): refusals name what was asked and list, in the route's own words,
the values the parameter takes (docs/interface.md)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from openapi_spec_validator import validate

from bjaikg.interface.openapi import resolve_parameters
from bjaikg.namespaces import BJ
from bjaikg.query_catalogue import load_catalogue
from tests.server_process import ServerProcess, running_server

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    server: ServerProcess
    with (
        running_server("--workers", "2", "--timeout", "10") as server,
        httpx.Client(base_url=server.url, timeout=30) as http,
    ):
        yield http


@pytest.mark.parametrize(
    ("path", "message"),
    [
        (
            "/api/queries/district-places?format=png",
            "district-places: format=png: its answers are offered as json, xml, csv, tsv",
        ),
        (
            "/ontology?format=foo",
            "format=foo: this page is offered as html, ttl, nt, jsonld, rdfxml, trig, nq",
        ),
        (
            "/id/zhipu?format=csv",
            "format=csv: this page is offered as html, ttl, nt, jsonld, rdfxml, trig, nq",
        ),
        (
            "/dataset?format=tsv",
            "format=tsv: this page is offered as html, ttl, nt, jsonld, rdfxml, trig, nq",
        ),
        (
            "/sparql?query=ASK{}&format=png",
            "format=png: SELECT and ASK results are offered as json, xml, csv, tsv",
        ),
        ("/id/zhipu?format=a%0Ab", "format=a\\nb: this page is offered as html, ttl"),
    ],
)
def test_an_unknown_format_lists_the_values_of_the_parameter(
    client: httpx.Client, path: str, message: str
) -> None:
    answer = client.get(path)
    assert answer.status_code == 406
    assert answer.text.startswith(message) and answer.text.count("\n") == 1


def test_an_unacceptable_accept_lists_the_media_types_in_the_route_s_words(
    client: httpx.Client,
) -> None:
    page = client.get("/id/zhipu", headers={"Accept": "image/png"})
    assert page.status_code == 406
    assert page.text.startswith("Accept: image/png: this page is offered as text/html, text/turtle")
    query = client.get("/api/queries/district-places", headers={"Accept": "image/png"})
    assert query.status_code == 406
    assert query.text.startswith(
        "district-places: Accept: image/png: its answers are offered as "
        "application/sparql-results+json"
    )


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/search?q=zhipu&q=baai", "give each parameter once (q)\n"),
        ("/id/zhipu?lang=zh&lang=en", "give each parameter once (lang)\n"),
        ("/ontology?format=ttl&format=nt", "give each parameter once (format)\n"),
        ("/?query=ASK{}&query=ASK{}", "give each parameter once (query)\n"),
        ("/releases/diff?from=1.25.0&to=1.26.0&format=json&format=text",
         "give each parameter once (format)\n"),
        ("/api/queries/label-search?text=a&text=b",
         "label-search: give each parameter once (text)\n"),
        ("/api/queries/label-search?text=", "label-search: parameter text: empty; give a value, "
         "or leave it out for 智源\n"),
        ("/api/queries/district-places?district=",
         "district-places: parameter district: empty; give a value, or leave it out for "),
    ],
)  # fmt: skip
def test_a_repeated_or_empty_parameter_is_a_400_naming_it(
    client: httpx.Client, path: str, message: str
) -> None:
    answer = client.get(path, headers={"Accept": "text/html"})
    assert answer.status_code == 400
    assert answer.text.startswith(message) and answer.text.count("\n") == 1


def test_an_empty_optional_parameter_counts_as_none(client: httpx.Client) -> None:
    page = client.get("/id/zhipu?lang=&format=", headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")


def test_the_list_of_named_queries_refuses_another_format(client: httpx.Client) -> None:
    refused = client.get("/api/queries?format=csv")
    assert refused.status_code == 406
    assert refused.text == "format=csv: the list of named queries is offered as json\n"
    assert client.get("/api/queries?format=json").json()["queries"]


DEADLINE_CASES = [
    ("/id/{slug}", "/id/zhipu"),
    ("/ontology", "/ontology"),
    ("/dataset", "/dataset"),
    ("/releases/diff", "/releases/diff?from=1.25.0&to=1.26.0"),
]
"""Operations whose store accesses run over a deadline of 0.001 s: 503."""


def status_cases() -> list[tuple[str, str]]:
    """(OpenAPI path, request) pairs: R5's repro cases and one good request per operation."""
    federated = next(query.name for query in load_catalogue() if query.needs_network)
    return [
        ("/sparql", "/sparql?query=ASK{}"),
        ("/sparql", "/sparql?query=ASK{"),
        ("/sparql", "/sparql?query=ASK{}&format=png"),
        ("/sparql", "/sparql?query=ASK{SERVICE <http://example.org/sparql> {?s ?p ?o}}"),
        ("/api/queries", "/api/queries"),
        ("/api/queries", "/api/queries?format=csv"),
        ("/api/queries", "/api/queries?format=json&format=json"),
        ("/api/queries/district-places", "/api/queries/district-places"),
        ("/api/queries/district-places", "/api/queries/district-places?format=png"),
        ("/api/queries/district-places", "/api/queries/district-places?district="),
        ("/api/queries/district-places", f"/api/queries/district-places?district={BJ}nowhere"),
        (f"/api/queries/{federated}", f"/api/queries/{federated}"),
        ("/search", "/search?q=zhipu"),
        ("/search", "/search?q=zhipu&format=xml"),
        ("/search", "/search?q=zhipu&q=baai"),
        ("/id/{slug}", "/id/zhipu"),
        ("/id/{slug}", "/id/zhipu?format=csv"),
        ("/id/{slug}", "/id/zhipu?lang=zh&lang=en"),
        ("/id/{slug}", "/id/nowhere"),
        ("/ontology", "/ontology?format=foo"),
        ("/dataset", "/dataset?format=tsv"),
        ("/releases/diff", "/releases/diff?from=1.25.0&to=1.26.0"),
        ("/releases/diff", "/releases/diff?from=9.9.9&to=1.26.0"),
        ("/releases/diff", "/releases/diff?from=1.25.0&to=1.26.0&format=xml"),
    ]


def declared(document: dict[str, Any], path: str, method: str = "get") -> set[str]:
    return set(document["paths"][path][method]["responses"])


POST_CASES: list[tuple[dict[str, str] | str, str]] = [
    ({"query": "ASK {}"}, "application/x-www-form-urlencoded"),
    ({"query": "ASK {"}, "application/x-www-form-urlencoded"),
    ("ASK {}", "text/plain"),
    ("ASK {} #" + "x" * 2_000_000, "application/sparql-query"),
]
"""POST /sparql bodies: a form, a malformed one, another type (415), one over the server's
body limit (413; R7, session 38: the OpenAPI declared neither)."""


def test_openapi_declares_every_status_the_server_gives(client: httpx.Client) -> None:
    document = client.get("/openapi.json").json()
    validate(document)
    given = {(path, request, client.get(request).status_code) for path, request in status_cases()}
    with (
        running_server("--workers", "1", "--timeout", "0.001") as hurried,
        httpx.Client(base_url=hurried.url, timeout=30) as late,
    ):
        given |= {
            (path, request, late.get(request).status_code) for path, request in DEADLINE_CASES
        }
    assert {status for _, _, status in given} >= {200, 400, 403, 404, 406, 503}
    undeclared = [case for case in given if str(case[2]) not in declared(document, case[0])]
    posted = set()
    for body, media_type in POST_CASES:
        sent = {"data": body} if isinstance(body, dict) else {"content": body.encode()}
        answer = client.post("/sparql", headers={"Content-Type": media_type}, **sent)
        posted.add(answer.status_code)
        if str(answer.status_code) not in declared(document, "/sparql", "post"):
            undeclared.append(("/sparql", f"POST {media_type}", answer.status_code))
    assert posted == {200, 400, 413, 415}
    assert not undeclared


def test_the_pages_declare_the_language_they_take(client: httpx.Client) -> None:
    document = client.get("/openapi.json").json()
    for path in ("/id/{slug}", "/ontology", "/dataset"):
        operation = resolve_parameters(document, document["paths"][path]["get"])
        (lang,) = [p for p in operation["parameters"] if p["name"] == "lang"]
        assert lang["schema"]["enum"] == ["en", "zh"], path


@pytest.mark.parametrize("path", ["/id/zhipu", "/ontology", "/dataset"])
def test_a_page_takes_every_format_its_openapi_declares(client: httpx.Client, path: str) -> None:
    document = client.get("/openapi.json").json()
    template = "/id/{slug}" if path.startswith("/id/") else path
    operation = resolve_parameters(document, document["paths"][template]["get"])
    (formats,) = [p["schema"]["enum"] for p in operation["parameters"] if p["name"] == "format"]
    assert formats == ["html", "ttl", "nt", "jsonld", "rdfxml", "trig", "nq"]
    for name in formats:
        assert client.get(path, params={"format": name}).status_code == 200, name
