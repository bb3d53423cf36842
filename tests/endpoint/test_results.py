"""Answers cut at ``--max-results`` rows are written as pyoxigraph writes uncut ones, a value
of any length included."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree

import httpx
import pyoxigraph as ox
import pytest

from bjaikg.endpoint.evaluation import QueryRequest, evaluate
from tests.server_process import running_server

TERMS = """\
@prefix ex: <http://example.org/> .
ex:a ex:p "plain", "中文"@zh, "مرحبا"@ar--rtl, "3"^^<http://www.w3.org/2001/XMLSchema#integer>,
    "comma, \\"quote\\"\\nline\\ttab", "<&> ]]> \\r\\u0001 &amp;", _:node, ex:b,
    " lead", "trail ", "\\n", "  ", "x\\r", "\\ttab\\t" .
ex:b ex:p <<( ex:a ex:p ex:b )>> .
"""
"""Every kind of term a binding can hold (a literal with a base direction too), text that
CSV, TSV and XML must escape, and whitespace at either end of a value, which an XML reader
trims unless it is written as character references."""
QUERY = "SELECT ?s ?o ?x WHERE { ?s ?p ?o OPTIONAL { ?o ?p ?x } } ORDER BY STR(?o)"
"""Fifteen rows, the variable ``?x`` unbound in all but one."""


@pytest.mark.parametrize(
    "results_format",
    [
        ox.QueryResultsFormat.JSON,
        ox.QueryResultsFormat.XML,
        ox.QueryResultsFormat.CSV,
        ox.QueryResultsFormat.TSV,
    ],
    ids=lambda results_format: results_format.file_extension,
)
def test_a_cut_answer_is_written_as_an_uncut_one(results_format: ox.QueryResultsFormat) -> None:
    """The rows of an answer cut at ``limit`` are written as the answer of the query with
    ``LIMIT limit``, which pyoxigraph writes itself, byte for byte."""
    store = ox.Store()
    store.load(TERMS, format=ox.RdfFormat.TURTLE)
    for limit in (1, 4, 7, 14):
        request = QueryRequest(QUERY, accept=results_format.media_type, max_results=limit)
        answer = evaluate(store, request, ())
        limited = QueryRequest(f"{QUERY} LIMIT {limit}", accept=results_format.media_type)
        expected = evaluate(store, limited, ())
        assert (answer.status, answer.results, answer.truncated) == (200, limit, True)
        assert (expected.status, expected.results, expected.truncated) == (200, None, False)
        assert answer.body == expected.body


CARRIAGE_RETURNS = "a\r\nb\rc"


@pytest.mark.parametrize("max_results", [None, 1])
def test_an_xml_reader_gets_a_values_carriage_returns(max_results: int | None) -> None:
    """pyoxigraph writes a carriage return in SPARQL XML and RDF/XML as itself, which an XML
    reader reads as a line feed (R4's finding 11, session 38): the answers write ``&#13;``."""
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.Literal(CARRIAGE_RETURNS)))
    for query, accept, element in (
        ("SELECT ?o WHERE { ?s ?p ?o }", "application/sparql-results+xml",
         "{http://www.w3.org/2005/sparql-results#}literal"),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "application/rdf+xml", "{urn:}p"),
    ):  # fmt: skip
        request = QueryRequest(query, accept=accept, max_results=max_results)
        answer = evaluate(store, request, ())
        assert answer.status == 200
        [value] = [node.text for node in ElementTree.fromstring(answer.body).iter(element)]
        assert value == CARRIAGE_RETURNS


SEED = "长" + "x" * 16
DOUBLINGS = 20
"""A value of ``SEED`` doubled this many times: 19 MiB, longer than one token of pyoxigraph's
JSON and TSV readers may be (16 MiB); made by the engine, as a Turtle or N-Triples file holding
one does not load (pyoxigraph's Turtle reader has the same bound)."""


@pytest.mark.server
def test_a_value_over_16_mib_in_a_cut_answer_is_answered_whole_in_every_format(
    tmp_path: Path,
) -> None:
    data = tmp_path / "two.nt"
    data.write_text(
        "<http://example.org/a> <http://example.org/p> 1 .\n"
        "<http://example.org/b> <http://example.org/p> 2 .\n"
    )
    doubled = " ".join(
        f"BIND(CONCAT(?v{step}, ?v{step}) AS ?v{step + 1})" for step in range(DOUBLINGS)
    )
    query = (
        f'SELECT ?s (?v{DOUBLINGS} AS ?o) WHERE {{ ?s ?p ?n BIND("{SEED}" AS ?v0) {doubled} }} '
        "ORDER BY ?s"
    )
    value = SEED * 2**DOUBLINGS
    with (
        running_server("--data", str(data), "--workers", "1", "--max-results", "1") as server,
        httpx.Client(timeout=60) as client,
    ):
        for name in ("json", "xml", "csv", "tsv"):
            answer = client.get(server.sparql, params={"query": query, "format": name})
            assert answer.status_code == 200, f"{name}: {answer.text[:300]}"
            assert answer.headers["x-sparql-truncated"] == "true"
            if name == "json":  # pyoxigraph's reader stops at 16 MiB, the standard one does not
                [row] = answer.json()["results"]["bindings"]
                assert row["o"] == {"type": "literal", "value": value}
            elif name == "xml":
                solutions = ox.parse_query_results(answer.content, ox.QueryResultsFormat.XML)
                assert isinstance(solutions, ox.QuerySolutions)
                [solution] = solutions
                assert solution["o"] == ox.Literal(value)
            elif name == "csv":  # nothing in it to quote
                assert answer.text == f"s,o\r\nhttp://example.org/a,{value}\r\n"
            else:
                assert answer.text == f'?s\t?o\n<http://example.org/a>\t"{value}"\n'
