"""An external SPARQL 1.1 query endpoint behind the server (``serve.py --store URL``).

:class:`RemoteStore` has the part of :class:`pyoxigraph.Store`'s API the project uses
(``query`` with the same keywords) and answers with pyoxigraph's own
result types, parsed from the store's answer (``parse_query_results`` for SELECT and ASK; a
CONSTRUCT or DESCRIBE answer is read into a small in-memory store and handed out as its
``QueryTriples``). So evaluation, serialisation, the result bound and the pages run unchanged
whichever store answers: the only difference is where the SPARQL goes.

What the store is told, and how:

- only queries pyoxigraph parses: each is parsed first against an empty store (a ``SyntaxError``
  is the query's, answered 400 or 403 as on the embedded store), and its form chooses what is
  asked for: SPARQL XML (else JSON) for SELECT and ASK, read in the format the store names in
  its ``Content-Type``; N-Triples for CONSTRUCT and DESCRIBE;
- the query, by POST (form-encoded), with ``default-graph-uri`` / ``named-graph-uri`` for a
  protocol dataset; ``base_iri`` becomes a ``BASE`` line in front of the query;
- ``use_default_graph_as_union`` is the store's business: its default graph must be the union
  of its named graphs (Oxigraph: ``oxigraph serve --union-default-graph``; Virtuoso: the default
  graph without ``FROM`` is every graph it holds);
- the deadline: the HTTP client gives up at :attr:`RemoteStore.seconds` (lowered for one block
  of one thread with :meth:`RemoteStore.deadline`) and raises :class:`StoreError` 503, also
  while the rows arrive. Virtuoso is also sent
  its ``timeout`` parameter (milliseconds) so that it stops the query itself; the Oxigraph
  server has no per-query limit, only ``oxigraph serve --timeout-s`` for all queries
  (docs/deployment.md#front-ends-over-one-external-store).

Hazards:

- The parse against an empty store evaluates an ``ASK`` there (instantly; a ``SERVICE`` in it,
  allowed by the allow-list, is then called once more).
- Virtuoso answers ``ASK`` with a one-column table (``__ASK_RETVAL``): turned back into the
  boolean; it labels blank nodes ``nodeID://b1`` in SPARQL XML and JSON, which pyoxigraph
  refuses: the prefix is removed from the stream. A store's SPARQL XML may write whitespace at
  either end of a literal as itself (Virtuoso does), which pyoxigraph's XML reader trims: it is
  rewritten as character references in the stream. Its other differences from the embedded
  store (computed booleans as integers, which the pages read with
  :func:`bjaikg.store.is_true`; doubles rounded to six digits; property paths answered wrongly
  until Virtuoso is restarted after loading: docs/deployment.md, "Answers compared with the
  embedded store") reach our clients as Virtuoso gives them.
- Virtuoso stopped by its ``timeout`` or ``MaxQueryExecutionTime`` answers 200 with the rows it
  had so far (an "anytime" answer, marked by the ``X-SQL-State`` header): such an answer is
  refused (503), never served as if complete.
- ``substitutions`` (SEP-0007) are written into the query as a ``VALUES`` block at the start of
  its first ``WHERE {``: only for the project's own queries, which all have one; a blank node
  cannot be named to another store, so a substitution by a blank node is a ``ValueError``.
- Blank nodes in answers are the store's labels of the moment, not addressable in a later query.
- The Oxigraph server past its ``--timeout-s`` ends a 200 answer with a line of text instead of
  the rest of the results: parsing then fails, and :meth:`RemoteStore.unreadable` says 503.
- pyoxigraph's SPARQL JSON (and TSV, and N-Triples) reader takes no value over 16 MiB
  (``MemoryError``); its XML reader takes any, so SELECT and ASK are asked for in XML. A store
  that answers JSON (it has no XML) and sends such a value is a 502 that says so; so is a
  CONSTRUCT answer holding one.
- SELECT answers are parsed as they arrive (the response stays open until read to its end or
  the same thread's next query), so a result bound stops reading early; CONSTRUCT answers are
  read whole. :meth:`RemoteStore.rows` (a dump's long read) keeps a response of its own instead.
- Threads share one store: each has its own open answer and deadline (:class:`_ThreadState`),
  and they share the process's HTTP client (httpx's ``Client`` "can be shared between
  threads"), whose pool gives each open answer a connection of its own.
- The loader (bjaikg/loading.py) uses the same client: HTTP digest credentials where given,
  :meth:`RemoteStore.send` for its Graph Store ``PUT`` and ``DELETE``.
- The HTTP client is made per process (the server forks its workers after start-up).
"""

from __future__ import annotations

import io
import math
import os
import re
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

import httpx
import pyoxigraph as ox

from bjaikg.errors import BjaikgError, reader_limit

SOLUTIONS_ACCEPT = "application/sparql-results+xml, application/sparql-results+json;q=0.9"
"""SELECT and ASK answers are asked for in SPARQL XML, whose reader in pyoxigraph takes values of
any length (its JSON reader none over 16 MiB), else in SPARQL JSON."""
TRIPLES_ACCEPT = "application/n-triples, text/plain;q=0.9"
"""CONSTRUCT and DESCRIBE answers in N-Triples (older stores call it ``text/plain``). Asked for
alone: Virtuoso, offered JSON too, answers a CONSTRUCT with a JSON table of s, p, o."""

_EMPTY = ox.Store()
"""Parses each query before it is sent: a query pyoxigraph refuses never reaches the store (the
same 400/403 as on the embedded store), and the query's form chooses the answer's format."""

_VIRTUOSO_BLANK = re.compile(rb'(<bnode>|"type"\s*:\s*"bnode"\s*,\s*"value"\s*:\s*")nodeID://')
"""Virtuoso names blank nodes ``nodeID://b10003`` in SPARQL XML and JSON, which pyoxigraph
refuses."""

_XML_SPACE = b" \t\r\n"
_LITERAL_START = re.compile(rb"(<literal(?:\s[^>]*)?(?<!/)>)([ \t\r\n]+)")
"""A SPARQL XML literal's start tag and the whitespace its text begins with (not an empty
literal's ``<literal/>``, after which whitespace is the document's indentation)."""
_LITERAL_END = b"</literal>"


def _as_references(space: bytes) -> bytes:
    """XML whitespace written as character references (``&#32;``)."""
    return b"".join(b"&#%d;" % byte for byte in space)


def _keep_edge_whitespace(xml: bytes) -> bytes:
    """``xml`` (whole elements) with the whitespace at either end of each literal's text
    written as character references, which pyoxigraph's XML reader keeps."""
    xml = _LITERAL_START.sub(lambda match: match[1] + _as_references(match[2]), xml)
    texts = xml.split(_LITERAL_END)
    for index, text in enumerate(texts[:-1]):
        kept = text.rstrip(_XML_SPACE)
        if len(kept) < len(text):
            texts[index] = kept + _as_references(text[len(kept) :])
    return _LITERAL_END.join(texts)


CANCELLED = b"The SPARQL operation has been cancelled"
"""What the Oxigraph server writes into an answer it stops at ``--timeout-s``."""

VIRTUOSO_ASK_VARIABLE = "__ASK_RETVAL"
"""Virtuoso answers ASK with a table of this one variable (a row ``1`` for true, none for false)
instead of a boolean result; :meth:`RemoteStore.query` turns it back into the boolean."""

_FIRST_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
Result = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples


class StoreError(BjaikgError):
    """The store cannot be reached, did not answer in time, or answered with an error.

    ``status`` is the HTTP status our server answers with: 502 (unreachable, or an error of
    the store), 503 (the deadline passed), 400 (the store refused the query as malformed).
    """

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class _ResponseReader(io.RawIOBase):
    """A file over an HTTP response's body, read as pyoxigraph's parser asks for it, that
    raises :class:`StoreError` 503 once ``deadline`` (``time.monotonic``) has passed, or when
    the store stops sending for as long as the query had (a store may send the head of its
    results at once and the rows much later). Virtuoso's blank node labels (``virtuoso``) and,
    in SPARQL XML (``xml``), whitespace at a literal's ends are mended on the way."""

    chunks: Iterator[bytes]
    url: str
    deadline: float
    virtuoso: bool = False
    xml: bool = False
    pending: memoryview = field(default_factory=lambda: memoryview(b""))
    last: bytes = b""
    held: bytes = b""
    waiting: list[bytes] = field(default_factory=list)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while not self.pending:
            try:
                chunk = next(self.chunks, b"")
            except httpx.TimeoutException:
                raise _late(self.url) from None
            except httpx.HTTPError as error:
                raise StoreError(502, f"store {self.url} broke off its answer: {error}") from None
            if self.xml:
                mended = self._mend_xml(chunk)
            else:
                mended = self._mend(chunk) if self.virtuoso else chunk
            self.pending = memoryview(mended)
            if not chunk:  # the end: nothing more, or the tail _mend held back
                if not self.pending:
                    return 0
                break
            if time.monotonic() > self.deadline:
                raise _late(self.url)
            self.last = chunk
        size = min(len(buffer), len(self.pending))
        buffer[:size] = self.pending[:size]
        self.pending = self.pending[size:]
        return size

    def _mend(self, chunk: bytes) -> bytes:
        """``chunk`` with Virtuoso's blank node labels made valid; the last 64 bytes are held
        back until the next chunk (a label may be split between two), released at the end."""
        if not chunk:
            held, self.held = self.held, b""
            return _VIRTUOSO_BLANK.sub(rb"\1", held)
        text = _VIRTUOSO_BLANK.sub(rb"\1", self.held + chunk)
        self.held = text[-64:]
        return text[:-64]

    def _mend_xml(self, chunk: bytes) -> bytes:
        """``chunk`` of SPARQL XML with Virtuoso's labels made valid and whitespace at a
        literal's ends written as character references. The last ``<`` of what has come, what
        follows it and the whitespace before it wait for the next chunk holding a ``<`` (a
        literal's text ends at the next tag), and are released at the end; chunks without one
        wait as they are, so a long value is joined once."""
        if chunk and b"<" not in chunk:
            self.waiting.append(chunk)
            return b""
        text = b"".join([*self.waiting, chunk])
        self.waiting.clear()
        if chunk:
            cut = len(text[: text.rfind(b"<")].rstrip(_XML_SPACE))
            self.waiting.append(text[cut:])
            text = text[:cut]
        if self.virtuoso:
            text = _VIRTUOSO_BLANK.sub(rb"\1", text)
        return _keep_edge_whitespace(text)


def _unreadable(url: str, reader: _ResponseReader | None, error: SyntaxError) -> StoreError:
    """The :class:`StoreError` for results that did not parse: 503 when the store cut them at
    its own time limit (the Oxigraph server then ends a 200 answer with "The SPARQL operation
    has been cancelled"), else 502."""
    tail = reader.last if reader is not None else b""
    if tail.rstrip().endswith(CANCELLED):
        return StoreError(503, f"query stopped: store {url} cancelled it at its own time limit")
    return StoreError(502, f"store {url} sent unreadable results: {error}")


def _too_large(url: str, error: MemoryError) -> StoreError:
    """The :class:`StoreError` 502 for an answer holding a value longer than pyoxigraph's reader
    of its format takes (:func:`~bjaikg.errors.reader_limit`)."""
    limit = reader_limit(error)
    return StoreError(
        502, f"store {url} sent a value longer than {limit} bytes, more than can be read"
    )


def _results_format(response: httpx.Response, url: str) -> ox.QueryResultsFormat:
    """The SPARQL results format the store's ``Content-Type`` names: XML or JSON, the two
    :data:`SOLUTIONS_ACCEPT` asks for (a store may answer either); else :class:`StoreError`."""
    media_type = response.headers.get("content-type", "")
    found = ox.QueryResultsFormat.from_media_type(media_type)
    if found not in (ox.QueryResultsFormat.XML, ox.QueryResultsFormat.JSON):
        response.close()
        raise StoreError(502, f"store {url} answered in {media_type or 'no format it named'}")
    return found


def _checked(
    solutions: ox.QuerySolutions, url: str, reader: _ResponseReader
) -> Iterator[ox.QuerySolution]:
    """The rows of ``solutions``; results that stop parsing are a :class:`StoreError`."""
    try:
        yield from solutions
    except SyntaxError as error:
        raise _unreadable(url, reader, error) from None
    except MemoryError as error:
        raise _too_large(url, error) from None


class _ThreadState(threading.local):
    """One thread's part of a :class:`RemoteStore`: the answer of its last query (open until
    read to its end or the thread's next query) and that answer's reader, and the limit
    :meth:`RemoteStore.deadline` set for the thread (``None``: :attr:`RemoteStore.seconds`)."""

    response: httpx.Response | None = None
    reader: _ResponseReader | None = None
    seconds: float | None = None


def _late(url: str) -> StoreError:
    return StoreError(503, f"query stopped: store {url} did not answer within its time limit")


class RemoteStore:
    """A SPARQL 1.1 query endpoint at ``url``, asked with at most ``seconds`` per query."""

    def __init__(
        self, url: str, *, seconds: float, user: str | None = None, password: str | None = None
    ) -> None:
        self.url = url
        self.seconds = seconds
        self.auth = httpx.DigestAuth(user, password or "") if user else None
        """HTTP digest credentials, sent where the store asks for them (Virtuoso's
        ``/sparql-graph-crud-auth``)."""
        self.virtuoso = False
        self._client: httpx.Client | None = None
        self._client_process = 0
        self._thread = _ThreadState()

    def __repr__(self) -> str:
        return f"RemoteStore({self.url!r})"

    @property
    def client(self) -> httpx.Client:
        """This process's HTTP client (a forked worker makes its own)."""
        if self._client is None or self._client_process != os.getpid():
            self._client = httpx.Client(headers={"User-Agent": "bjaikg"}, auth=self.auth)
            self._client_process = os.getpid()
        return self._client

    @property
    def allowed_seconds(self) -> float:
        """What this thread's next query may take: :attr:`seconds`, or less within
        :meth:`deadline`."""
        lowered = self._thread.seconds
        return self.seconds if lowered is None else lowered

    @contextmanager
    def deadline(self, seconds: float) -> Iterator[None]:
        """Give every query of the block, in this thread, at most ``seconds`` (never more than
        before)."""
        thread = self._thread
        before = thread.seconds
        thread.seconds = min(self.allowed_seconds, seconds)
        try:
            yield
        finally:
            thread.seconds = before

    def check(self) -> None:
        """Ask ``ASK {}``: a :class:`StoreError` when the store does not answer it."""
        response = self._send({"query": "ASK {}"}, SOLUTIONS_ACCEPT, stream=False)
        self.virtuoso = response.headers.get("server", "").startswith("Virtuoso")

    def query(
        self,
        query: str,
        *,
        base_iri: str | None = None,
        use_default_graph_as_union: bool = False,
        default_graph: Sequence[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] | None = None,
        named_graphs: Sequence[ox.NamedNode | ox.BlankNode] | None = None,
        substitutions: Mapping[ox.Variable, Term] | None = None,
    ) -> Result:
        """The store's answer to ``query``, as :meth:`pyoxigraph.Store.query` gives it.

        ``use_default_graph_as_union`` is accepted for the same calls and not sent: the
        store's default graph is its union already (see the module's note).
        """
        self._close_open()
        if substitutions:
            query = substitute(query, substitutions)
        if base_iri is not None:
            query = f"BASE {ox.NamedNode(base_iri)}\n{query}"
        shape = _EMPTY.query(query, use_default_graph_as_union=True)  # SyntaxError: the query's
        form: dict[str, str | list[str]] = {"query": query}
        if default_graph:
            form["default-graph-uri"] = [_graph_iri(graph) for graph in default_graph]
        if named_graphs:
            form["named-graph-uri"] = [_graph_iri(graph) for graph in named_graphs]
        if isinstance(shape, ox.QueryTriples):
            return self._triples(form)
        response = self._send(form, SOLUTIONS_ACCEPT, stream=True)
        thread = self._thread
        thread.response = response
        deadline = time.monotonic() + self.allowed_seconds
        results_format = _results_format(response, self.url)
        thread.reader = _ResponseReader(
            response.iter_bytes(), self.url, deadline, self.virtuoso,
            results_format == ox.QueryResultsFormat.XML,
        )  # fmt: skip
        try:
            result = ox.parse_query_results(io.BufferedReader(thread.reader), format=results_format)
        except SyntaxError as error:
            raise self.unreadable(error) from None
        except MemoryError as error:
            raise _too_large(self.url, error) from None
        if isinstance(shape, ox.QueryBoolean) and isinstance(result, ox.QuerySolutions):
            return _boolean_from_table(result)
        return result

    def _triples(self, form: dict[str, str | list[str]]) -> ox.QueryTriples:
        """A CONSTRUCT or DESCRIBE answer, read whole into a small store and handed out as
        pyoxigraph's own ``QueryTriples``."""
        response = self._send(form, TRIPLES_ACCEPT, stream=False)
        triples = ox.Store()
        try:
            triples.load(response.content, format=ox.RdfFormat.N_TRIPLES)
        except SyntaxError as error:
            raise StoreError(502, f"store {self.url} sent unreadable triples: {error}") from None
        except MemoryError as error:
            raise _too_large(self.url, error) from None
        constructed = triples.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
        assert isinstance(constructed, ox.QueryTriples)
        return constructed

    def unreadable(self, error: SyntaxError) -> StoreError:
        """The :class:`StoreError` for results of this thread's last query that did not parse
        (:func:`_unreadable`)."""
        return _unreadable(self.url, self._thread.reader, error)

    def _close_open(self) -> None:
        """Close the answer of this thread's last query (its rows may not have been read to
        the end)."""
        thread = self._thread
        if thread.response is not None:
            thread.response.close()
            thread.response = None

    @contextmanager
    def rows(self, query: str) -> Iterator[Iterator[ox.QuerySolution]]:
        """The solutions of the SELECT ``query`` read as they arrive, for a long read (a dump).

        The answer has a response of its own, closed when the block ends (not by the next
        :meth:`query`), and no deadline as a whole: only each wait for the store's next bytes
        is bounded by :attr:`allowed_seconds`, and Virtuoso is not sent a ``timeout`` (its own
        ``MaxQueryExecutionTime`` still holds). Errors while the rows arrive are
        :class:`StoreError` (a cut, late or unreadable answer).
        """
        response = self._send({"query": query}, SOLUTIONS_ACCEPT, stream=True, limited=False)
        try:
            results_format = _results_format(response, self.url)
            reader = _ResponseReader(
                response.iter_bytes(), self.url, math.inf, self.virtuoso,
                results_format == ox.QueryResultsFormat.XML,
            )  # fmt: skip
            try:
                solutions = ox.parse_query_results(io.BufferedReader(reader), format=results_format)
            except SyntaxError as error:
                raise _unreadable(self.url, reader, error) from None
            except MemoryError as error:
                raise _too_large(self.url, error) from None
            assert isinstance(solutions, ox.QuerySolutions)
            yield _checked(solutions, self.url, reader)
        finally:
            response.close()

    def send(
        self,
        method: str,
        url: str,
        *,
        params: dict[str, str] | None = None,
        data: dict[str, str | list[str]] | None = None,
        content: bytes | None = None,
        headers: dict[str, str] | None = None,
        stream: bool = False,
    ) -> httpx.Response:
        """One request to the store (a query, or a Graph Store ``PUT``/``DELETE`` at ``url``)
        within :attr:`allowed_seconds`; a one-line :class:`StoreError` for anything but a 2xx
        answer: 502 (unreachable, credentials refused, an error of the store), 503 (late), 400
        (the store's 400)."""
        seconds = self.allowed_seconds
        request = self.client.build_request(
            method, url, params=params, data=data, content=content, headers=headers,
            timeout=httpx.Timeout(seconds, connect=min(seconds, 5.0)),
        )  # fmt: skip
        try:
            response = self.client.send(request, stream=True)
        except httpx.TimeoutException:
            raise _late(url) from None
        except httpx.HTTPError as error:
            raise StoreError(502, f"store {url} unreachable: {error}") from None
        if response.status_code in (401, 403):
            response.close()
            raise StoreError(
                502, f"store {url} refused the credentials (HTTP {response.status_code})"
            )
        if not response.is_success:
            message = " ".join(response.read().decode("utf-8", "replace").split())[:2000]
            response.close()
            status = 400 if response.status_code == 400 else 502
            raise StoreError(status, f"store {url} answered {response.status_code}: {message}")
        if not stream:
            response.read()
        return response

    def close(self) -> None:
        """Close this process's connections to the store."""
        if self._client is not None:
            self._client.close()
            self._client = None

    def _send(
        self, form: dict[str, str | list[str]], accept: str, *, stream: bool, limited: bool = True
    ) -> httpx.Response:
        """POST ``form`` and return the 200 response (streamed or read), else StoreError.
        ``limited``: Virtuoso is sent :attr:`allowed_seconds` as its ``timeout`` too."""
        if self.virtuoso and limited:
            form["timeout"] = str(max(1, int(self.allowed_seconds * 1000)))
        started = time.monotonic()
        response = self.send("POST", self.url, data=form, headers={"Accept": accept}, stream=True)
        partial = response.headers.get("x-sql-state")
        if partial:
            response.close()
            spent = time.monotonic() - started
            raise StoreError(
                503,
                f"query stopped: store {self.url} gave a partial answer after {spent:.1f} s "
                f"({partial}: {response.headers.get('x-sql-message', 'time limit')})",
            )
        if not stream:
            response.read()
        return response


def _boolean_from_table(table: ox.QuerySolutions) -> ox.QueryBoolean:
    """Virtuoso's answer to ASK (a table of :data:`VIRTUOSO_ASK_VARIABLE`, a row ``1`` for
    true, none for false) as the boolean result it stands for."""
    names = [variable.value for variable in table.variables]
    if names != [VIRTUOSO_ASK_VARIABLE]:
        raise StoreError(502, f"store answered ASK with a table of {names}")
    answer = any(row[0] is not None and row[0].value == "1" for row in table)
    boolean = ox.parse_query_results(
        b'{"head":{},"boolean":%s}' % (b"true" if answer else b"false"),
        format=ox.QueryResultsFormat.JSON,
    )
    assert isinstance(boolean, ox.QueryBoolean)
    return boolean


def _graph_iri(graph: ox.NamedNode | ox.BlankNode | ox.DefaultGraph) -> str:
    if not isinstance(graph, ox.NamedNode):
        raise ValueError(f"a store over HTTP is given graphs by IRI only, not {graph}")
    return graph.value


def substitute(query: str, substitutions: Mapping[ox.Variable, Term]) -> str:
    """``query`` with a ``VALUES`` block binding ``substitutions`` at the start of its first
    ``WHERE {`` (ValueError for a blank node, or a query without ``WHERE {``)."""
    match = _FIRST_WHERE.search(query)
    if match is None:
        raise ValueError("substitutions need a query with WHERE {")
    for term in substitutions.values():
        if isinstance(term, ox.BlankNode):
            raise ValueError("a blank node cannot be named in a query to another store")
    variables = " ".join(str(variable) for variable in substitutions)
    values = " ".join(str(term) for term in substitutions.values())
    block = f" VALUES ({variables}) {{ ({values}) }} "
    return query[: match.end()] + block + query[match.end() :]


def connect(
    url: str, *, seconds: float, user: str | None = None, password: str | None = None
) -> RemoteStore:
    """A :class:`RemoteStore` at ``url`` that has answered ``ASK {}`` (else StoreError)."""
    store = RemoteStore(url, seconds=seconds, user=user, password=password)
    store.check()
    return store
