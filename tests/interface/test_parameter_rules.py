"""One rule for the parameters of the pages and the named-query API, in the real ``serve.py``
(project graph, 127.0.0.1): refusals name what was asked and list, in the route's own words,
the values the parameter takes (docs/interface.md)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

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
