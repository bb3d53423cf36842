"""A value over 16 MiB from a real Oxigraph server, through :class:`bjaikg.remote_store.RemoteStore`
and ``serve.py --store``: pyoxigraph's SPARQL JSON reader takes no longer token (``MemoryError``),
so answers are asked for in SPARQL XML, whose reader takes any.

The value is made by the store's engine (a 17-character seed doubled 20 times with ``CONCAT``):
Virtuoso, the other store of the test set, holds no such value (its bulk loader dropped a 15 MiB
literal, and its ``CONCAT`` failed from about 4 MiB on, 2026-12-07).
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pyoxigraph as ox
import pytest

from bjaikg.remote_store import RemoteStore, StoreError
from tests.server_process import running_server
from tests.stores.servers import StoreServer, running_oxigraph

pytestmark = pytest.mark.server

SEED = "0123456789abcdefg"
LENGTH = len(SEED) * 2**20
"""17 MiB: more than the 16 MiB pyoxigraph's JSON and N-Triples readers take."""
DOUBLED = " ".join(f"BIND(CONCAT(?v{n}, ?v{n}) AS ?v{n + 1})" for n in range(20))
LARGE = f'SELECT ?v20 WHERE {{ BIND("{SEED}" AS ?v0) {DOUBLED} }}'
"""One row whose one value is :data:`LENGTH` characters long."""


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StoreServer]:
    """The Oxigraph server holding one triple."""
    with running_oxigraph(tmp_path_factory.mktemp("large") / "store") as server:
        loaded = httpx.put(
            server.graph_store_url,
            params={"graph": "urn:bjaikg:g"},
            content=b"<urn:bjaikg:s> <urn:bjaikg:p> <urn:bjaikg:o> .\n",
            headers={"Content-Type": "application/n-triples"},
            timeout=60.0,
        )
        assert loaded.is_success, loaded.text
        yield server


def only_value(solutions: ox.QuerySolutions | Iterator[ox.QuerySolution]) -> str:
    [row] = list(solutions)
    term = row[0]
    assert term is not None
    return term.value


def test_a_value_over_16_mib_is_read_whole(oxigraph: StoreServer) -> None:
    """Before: ``MemoryError: Reached the buffer maximal size of 16777216`` from the JSON
    reader, in a query and in a dump's long read alike."""
    store = RemoteStore(oxigraph.query_url, seconds=60.0)
    solutions = store.query(LARGE)
    assert isinstance(solutions, ox.QuerySolutions)
    assert only_value(solutions) == SEED * 2**20
    with store.rows(LARGE) as rows:
        assert len(only_value(rows)) == LENGTH
    for question, expected in (("ASK { ?s ?p ?o }", True), ("ASK { ?s ?p 1 }", False)):
        answer = store.query(question)
        assert isinstance(answer, ox.QueryBoolean) and bool(answer) is expected
    store.close()


def test_a_constructed_value_over_16_mib_is_a_502_that_says_so(oxigraph: StoreServer) -> None:
    """N-Triples has the JSON reader's bound, and the store may write no RDF/XML for a
    CONSTRUCT's triples: the answer is refused in one line (before: ``MemoryError``)."""
    store = RemoteStore(oxigraph.query_url, seconds=60.0)
    construct = LARGE.replace("SELECT ?v20", "CONSTRUCT { <urn:bjaikg:s> <urn:bjaikg:p> ?v20 }")
    with pytest.raises(StoreError) as caught:
        store.query(construct)
    assert caught.value.status == 502
    assert str(caught.value) == (
        f"store {oxigraph.query_url} sent a value longer than 16777216 bytes, more than can be read"
    )
    store.close()


def test_serve_store_answers_a_value_over_16_mib_whole(oxigraph: StoreServer) -> None:
    """Before: a 500 ``internal error: MemoryError``."""
    with running_server("--store", oxigraph.query_url, "--workers", "1") as server:
        response = httpx.post(
            server.sparql,
            data={"query": LARGE},
            headers={"Accept": "application/sparql-results+json"},
            timeout=120.0,
        )
    assert response.status_code == 200, response.text[:500]
    [row] = response.json()["results"]["bindings"]
    assert row["v20"]["value"] == SEED * 2**20
