"""Answers cut at ``--max-results`` rows are written as pyoxigraph writes uncut ones."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from bjaikg.endpoint.evaluation import QueryRequest, evaluate

TERMS = """\
@prefix ex: <http://example.org/> .
ex:a ex:p "plain", "中文"@zh, "مرحبا"@ar--rtl, "3"^^<http://www.w3.org/2001/XMLSchema#integer>,
    "comma, \\"quote\\"\\nline\\ttab", _:node, ex:b .
ex:b ex:p <<( ex:a ex:p ex:b )>> .
"""
"""Every kind of term a binding can hold (a literal with a base direction too), and text that
CSV and TSV must escape."""
QUERY = "SELECT ?s ?o ?x WHERE { ?s ?p ?o OPTIONAL { ?o ?p ?x } } ORDER BY STR(?o)"
"""Eight rows, one with an unbound variable per row but one."""


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
def test_a_cut_answer_is_written_as_pyoxigraph_writes_it(
    results_format: ox.QueryResultsFormat,
) -> None:
    store = ox.Store()
    store.load(TERMS, format=ox.RdfFormat.TURTLE)
    for limit in (1, 4, 7):
        request = QueryRequest(QUERY, accept=results_format.media_type, max_results=limit)
        answer = evaluate(store, request, ())
        expected = store.query(f"{QUERY} LIMIT {limit}")
        assert isinstance(expected, ox.QuerySolutions)
        assert (answer.status, answer.results, answer.truncated) == (200, limit, True)
        assert answer.body == expected.serialize(format=results_format)
