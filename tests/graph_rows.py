"""Rows of a SELECT over a loaded graph, and values of terms, for tests that check data."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib.query import Result, ResultRow

from bjaikg.namespaces import sparql_prologue
from bjaikg.store import KnowledgeGraph, term_value


def select(graph: KnowledgeGraph, body: str) -> list[dict[str, str]]:
    """Rows of a SELECT over the graph (the project's prefixes declared), each variable's
    lexical value or IRI; unbound variables are left out."""
    result = graph.query(sparql_prologue() + body)
    assert isinstance(result, ox.QuerySolutions)
    names = [variable.value for variable in result.variables]
    return [{name: row[name].value for name in names if row[name] is not None} for row in result]


def value_of(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    """The IRI or lexical value of a term the test knows is not an RDF 1.2 triple term."""
    value = term_value(term)
    assert value is not None, term
    return value


def rdflib_rows(result: Result) -> list[ResultRow]:
    """The rows of an rdflib SELECT answer (rdflib types iteration for every query form)."""
    rows = []
    for row in result:
        assert isinstance(row, ResultRow)
        rows.append(row)
    return rows
