"""Every competency question asked directly of Virtuoso and of the Oxigraph server over HTTP
gives the embedded store's answer, row by row (tests.competency.Table: N-Triples cells)."""

from __future__ import annotations

import httpx
import pyoxigraph as ox
import pytest

from bjaikg.query_catalogue import NamedQuery, load_catalogue
from bjaikg.store import KnowledgeGraph, load_knowledge_graph
from tests.competency import Table, bound_text, is_ordered, run_named_query
from tests.stores.servers import StoreServer

RUNNABLE = [query for query in load_catalogue() if not query.needs_network]


@pytest.fixture(scope="module")
def graph() -> KnowledgeGraph:
    return load_knowledge_graph()


def ask_store(store: StoreServer, text: str) -> Table | bool:
    response = httpx.post(
        store.query_url,
        data={"query": text},
        headers={"Accept": "application/sparql-results+json"},
        timeout=60.0,
    )
    response.raise_for_status()
    result = ox.parse_query_results(response.content, format=ox.QueryResultsFormat.JSON)
    if isinstance(result, ox.QueryBoolean):
        return bool(result)
    return Table.from_solutions(result)


def difference(expected: Table | bool, actual: Table | bool, ordered: bool) -> list[str]:
    if isinstance(expected, bool) or isinstance(actual, bool):
        return [] if expected == actual else [f"expected {expected}, got {actual}"]
    if expected.variables != actual.variables:
        return [f"columns {actual.variables}, embedded {expected.variables}"]
    rows_e, rows_a = (expected.rows, actual.rows) if ordered else (sorted(expected.rows), sorted(actual.rows))
    out = []
    for row in rows_e:
        if row not in rows_a:
            out.append("missing " + " | ".join(row))
    for row in rows_a:
        if row not in rows_e:
            out.append("extra   " + " | ".join(row))
    if not out and rows_e != rows_a:
        out.append(f"same rows, other order/multiplicity ({len(rows_e)} vs {len(rows_a)})")
    return out


@pytest.mark.server
@pytest.mark.parametrize("name", ["virtuoso_store", "oxigraph_store"])
@pytest.mark.parametrize("query", RUNNABLE, ids=[q.name for q in RUNNABLE])
def test_store_answer(request, name: str, query: NamedQuery, graph: KnowledgeGraph) -> None:
    store = request.getfixturevalue(name)
    expected = run_named_query(graph, query)
    actual = ask_store(store, bound_text(query))
    problems = difference(expected, actual, is_ordered(query))
    assert not problems, "\n".join(problems[:20])
