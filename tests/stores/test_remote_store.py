""":class:`bjaikg.remote_store.RemoteStore` shared by threads, against a real Oxigraph server:
a thread's answer stays open until that thread's next query, and a deadline holds only in the
thread that set it."""

from __future__ import annotations

import io
import math
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pyoxigraph as ox
import pytest

from bjaikg.remote_store import RemoteStore, StoreError, _ResponseReader
from tests.stores.servers import StoreServer, running_oxigraph

pytestmark = pytest.mark.server

ROWS = 20000
"""Rows of each answer: about 2 MB of SPARQL XML, far more than one read of a socket."""
ASCENDING = "SELECT ?s ?o WHERE { ?s <urn:bjaikg:p> ?o } ORDER BY ?s"
DESCENDING = "SELECT ?o ?s WHERE { ?s <urn:bjaikg:p> ?o } ORDER BY DESC(?o)"
ROWS_ASCENDING = [(f"urn:bjaikg:s{n:05}", f"{n:05}") for n in range(ROWS)]
Row = tuple[str, ...]


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StoreServer]:
    """The Oxigraph server holding :data:`ROWS` triples."""
    triples = "".join(
        f'<{subject}> <urn:bjaikg:p> "{value}" .\n' for subject, value in ROWS_ASCENDING
    )
    with running_oxigraph(tmp_path_factory.mktemp("threads") / "store") as server:
        loaded = httpx.put(
            server.graph_store_url,
            params={"graph": "urn:bjaikg:g"},
            content=triples.encode(),
            headers={"Content-Type": "application/n-triples"},
            timeout=60.0,
        )
        assert loaded.is_success, loaded.text
        yield server


def opened(store: RemoteStore, query: str) -> tuple[Row, Iterator[ox.QuerySolution]]:
    """``query``'s first row, and the rest of its answer (still arriving)."""
    solutions = store.query(query)
    assert isinstance(solutions, ox.QuerySolutions)
    rows = iter(solutions)
    return values(next(rows)), rows


def values(row: ox.QuerySolution) -> Row:
    return tuple(term.value for term in row if term is not None)


def test_two_threads_read_two_answers_at_once(oxigraph: StoreServer) -> None:
    """The first thread asks and reads a row; then the second asks and reads a row; then both
    read on, together: each gets its own answer whole (before, the second query closed the
    first thread's answer)."""
    store = RemoteStore(oxigraph.query_url, seconds=60.0)
    first_open, both_open = threading.Event(), threading.Barrier(2, timeout=60.0)

    def read(query: str) -> list[Row]:
        if query == DESCENDING:
            assert first_open.wait(timeout=60.0)
        first, rest = opened(store, query)
        first_open.set()
        both_open.wait()
        return [first, *map(values, rest)]

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(read, (ASCENDING, DESCENDING)))
    store.close()
    assert answers[0] == ROWS_ASCENDING
    assert answers[1] == [(value, subject) for subject, value in reversed(ROWS_ASCENDING)]


def test_a_deadline_holds_only_in_its_thread(oxigraph: StoreServer) -> None:
    """One thread lowers its deadline to 0.5 s and opens an answer; the other opens one and
    reads it over 1 s: it gets it whole, while the first, reading as slowly, is stopped."""
    store = RemoteStore(oxigraph.query_url, seconds=60.0)
    lowered, slow = threading.Event(), 1.0

    def hurried() -> str:
        """Why the answer stopped (said in this thread: pyoxigraph's answers are not to be
        dropped in another, as the exception's frames would be)."""
        with store.deadline(0.5):
            _, rest = opened(store, ASCENDING)
            lowered.set()
            time.sleep(slow)
            try:
                list(rest)
            except StoreError as error:
                return str(error)
            return "read whole"

    def patient() -> list[Row]:
        assert lowered.wait(timeout=60.0)
        first, rest = opened(store, ASCENDING)
        time.sleep(slow)
        return [first, *map(values, rest)]

    with ThreadPoolExecutor(max_workers=2) as pool:
        stopped, whole = pool.submit(hurried), pool.submit(patient)
        assert whole.result() == ROWS_ASCENDING
        assert "did not answer within its time limit" in stopped.result()
    store.close()


EDGED_XML = (
    b'<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>'
    b'<variable name="v"/></head><results>'
    b'<result><binding name="v"><literal xml:lang="en"> x </literal></binding></result>'
    b'<result><binding name="v"><literal>\ttab\n</literal></binding></result>'
    b'<result><binding name="v"><literal>   </literal></binding></result>'
    b'<result><binding name="v"><bnode>nodeID://b1</bnode></binding></result>'
    b'<result>\n  <binding name="v"><literal/>\n  </binding>\n</result>'
    b'<result><binding name="v"><literal xml:lang="en"/> </binding></result>'
    b"</results></sparql>"
)
"""SPARQL XML as Virtuoso writes it: whitespace at a literal's ends as itself, blank nodes
labelled ``nodeID://``; and empty literals written ``<literal/>`` with indentation after them
(R7, session 38: that indentation was rewritten as text outside any literal)."""


def test_xml_literals_keep_their_whitespace_across_any_two_chunks() -> None:
    """The mending holds back what follows the last ``<`` of a chunk, so a split anywhere (in
    a tag, in a run of whitespace) reads the same values; before, pyoxigraph's reader trimmed
    the whitespace."""
    expected = [" x ", "\ttab\n", "   ", "b1", "", ""]
    for split in range(1, len(EDGED_XML)):
        chunks = iter([EDGED_XML[:split], EDGED_XML[split:]])
        reader = _ResponseReader(chunks, "urn:store", math.inf, virtuoso=True, xml=True)
        solutions = ox.parse_query_results(
            io.BufferedReader(reader), format=ox.QueryResultsFormat.XML
        )
        assert isinstance(solutions, ox.QuerySolutions)
        assert [values(row)[0] for row in solutions] == expected, split
