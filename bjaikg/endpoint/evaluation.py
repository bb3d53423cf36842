"""Evaluating one SPARQL request on the store and writing its answer: what a worker process does.

:func:`evaluate` turns a :class:`QueryRequest` (the query, the protocol's dataset, the client's
``Accept`` and ``format``, the result bound) into a :class:`QueryAnswer` (status, content type,
the final bytes). It never raises for anything a client sent: a syntax error is a 400 answer
with the parser's line:column, an update a 403 (the endpoint is read-only), a ``SERVICE`` off
the allow-list a 403, an unacceptable format a 406.

Hazard: this runs inside a worker process that the server kills at the deadline; it must not
hold anything (files, locks) that another process waits for.
"""

from __future__ import annotations

import pickle
import re
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import islice

import pyoxigraph as ox

from bjaikg.endpoint.federation import (
    ServiceRefusedError,
    UncheckableQueryError,
    check_services,
)
from bjaikg.endpoint.results import WRITERS
from bjaikg.negotiation import (
    NotAcceptableError,
    choose_rdf_format,
    choose_results_format,
    serialise_triples,
)

TEXT = "text/plain; charset=utf-8"
_ANSWER_HEADER = struct.Struct("!H?QH")  # status, truncated, results, content-type length

READ_ONLY_MESSAGE = (
    "this endpoint is read-only: SPARQL Update is not accepted here "
    "(the data changes through git, validation and review)"
)

# An update: an optional prologue, then one of the update keywords.
_UPDATE = re.compile(
    r"^\s*(?:(?:#[^\n]*\n|\s)*(?:BASE\s*<[^>]*>|PREFIX\s+[^:\s]*:\s*<[^>]*>))*"
    r"(?:#[^\n]*\n|\s)*(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class QueryRequest:
    """One query to evaluate, as the SPARQL 1.1 Protocol describes it.

    ``default_graphs`` and ``named_graphs`` are the ``default-graph-uri`` and
    ``named-graph-uri`` IRIs; when both are empty the default graph is the union of all named
    graphs. ``max_results`` bounds rows (SELECT) or triples (CONSTRUCT/DESCRIBE); ``None``
    means no bound (the Graph Store uses it for whole graphs).
    """

    query: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    accept: str | None = None
    format_parameter: str | None = None
    max_results: int | None = None

    def encode(self) -> bytes:
        """The request as bytes for a worker (a pickled tuple: cheaper than the dataclass)."""
        return pickle.dumps(
            (self.query, self.default_graphs, self.named_graphs, self.accept,
             self.format_parameter, self.max_results),
            protocol=pickle.HIGHEST_PROTOCOL,
        )  # fmt: skip

    @classmethod
    def decode(cls, data: bytes) -> QueryRequest:
        """The request :meth:`encode` wrote (only ever from the server: pickle trusts it)."""
        return cls(*pickle.loads(data))


@dataclass(frozen=True)
class QueryAnswer:
    """The HTTP answer to a :class:`QueryRequest`: status, ``Content-Type`` and body bytes.

    ``results`` counts rows, triples or 1 for ASK; ``truncated`` says that ``max_results``
    cut the answer (the response then carries ``X-SPARQL-Truncated``).
    """

    status: int
    content_type: str
    body: bytes
    results: int = 0
    truncated: bool = False

    def encode(self) -> bytes:
        """The answer as one byte string: a fixed header, the content type, then the body."""
        content_type = self.content_type.encode("utf-8")
        header = _ANSWER_HEADER.pack(self.status, self.truncated, self.results, len(content_type))
        return b"".join((header, content_type, self.body))

    @classmethod
    def decode(cls, data: bytes) -> QueryAnswer:
        """The answer :meth:`encode` wrote."""
        status, truncated, results, length = _ANSWER_HEADER.unpack_from(data)
        start = _ANSWER_HEADER.size
        content_type = data[start : start + length].decode("utf-8")
        return cls(status, content_type, data[start + length :], results, truncated)

    @property
    def text(self) -> str:
        """The body as text (every answer is UTF-8)."""
        return self.body.decode("utf-8")


def error_answer(status: int, message: str) -> QueryAnswer:
    """A plain-text answer with one line of explanation."""
    return QueryAnswer(status=status, content_type=TEXT, body=(message + "\n").encode("utf-8"))


def looks_like_update(query: str) -> bool:
    """Whether ``query`` is (after its prologue) a SPARQL Update operation."""
    return _UPDATE.match(query) is not None


def _graph_nodes(iris: Sequence[str], parameter: str) -> list[ox.NamedNode]:
    nodes = []
    for iri in iris:
        try:
            nodes.append(ox.NamedNode(iri))
        except ValueError as error:
            raise ValueError(f"{parameter}={iri!r} is not an absolute IRI: {error}") from None
    return nodes


Result = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples


def _run(store: ox.Store, request: QueryRequest) -> Result:
    if not request.default_graphs and not request.named_graphs:
        return store.query(request.query, use_default_graph_as_union=True)
    default_graphs: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = []
    default_graphs += _graph_nodes(request.default_graphs, "default-graph-uri")
    named_graphs: list[ox.NamedNode | ox.BlankNode] = []
    named_graphs += _graph_nodes(request.named_graphs, "named-graph-uri")
    return store.query(
        request.query,
        default_graph=default_graphs or None,
        named_graphs=named_graphs or [],
    )


def _answer(result: Result, request: QueryRequest) -> QueryAnswer:
    limit = request.max_results
    if isinstance(result, ox.QueryBoolean):
        choice = choose_results_format(request.accept, request.format_parameter)
        body = result.serialize(format=choice.format)
        assert body is not None  # no output file given, so pyoxigraph returns bytes
        return QueryAnswer(200, choice.content_type, body, 1)
    if isinstance(result, ox.QuerySolutions):
        results_choice = choose_results_format(request.accept, request.format_parameter)
        variables = [variable.value for variable in result.variables]
        rows = list(result if limit is None else islice(result, limit + 1))
        truncated = limit is not None and len(rows) > limit
        rows = rows[:limit] if truncated else rows
        body = WRITERS[results_choice.format](variables, rows)
        return QueryAnswer(200, results_choice.content_type, body, len(rows), truncated)
    rdf_choice = choose_rdf_format(request.accept, request.format_parameter)
    triples = list(result if limit is None else islice(result, limit + 1))
    truncated = limit is not None and len(triples) > limit
    triples = triples[:limit] if truncated else triples
    body = serialise_triples(triples, rdf_choice)
    return QueryAnswer(200, rdf_choice.content_type, body, len(triples), truncated)


def evaluate(
    store: ox.Store, request: QueryRequest, allowed_services: Sequence[str]
) -> QueryAnswer:
    """The answer to ``request`` on ``store``; client mistakes become 4xx answers, not errors.

    Evaluation errors of the engine itself (a failing ``SERVICE`` call, an I/O error) are a
    500 answer with pyoxigraph's message.
    """
    try:
        check_services(request.query, allowed_services)
        return _answer(_run(store, request), request)
    except SyntaxError as error:
        if looks_like_update(request.query):
            return error_answer(403, READ_ONLY_MESSAGE)
        message = " ".join(str(error.msg or error).split())
        return error_answer(400, f"SPARQL syntax error: {message}")
    except ServiceRefusedError as error:
        return error_answer(403, str(error))
    except UncheckableQueryError as error:
        return error_answer(400, str(error))
    except NotAcceptableError as error:
        return error_answer(406, str(error))
    except ValueError as error:
        return error_answer(400, str(error))
    except OSError as error:
        return error_answer(500, f"query evaluation failed: {error}")
