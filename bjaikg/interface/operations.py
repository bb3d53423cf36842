"""The named queries of ``queries/`` as REST operations (grlc/BASIL convention).

A variable ``?_name`` of a query is the operation's parameter ``name``. Its type comes from its
default (``defaults`` header): an ``http(s)://`` default makes it an IRI parameter, anything else
a plain-literal one; a name ending in ``_iri`` is an IRI parameter too. A parameter without a
default is required.

How values enter the query: pyoxigraph's ``substitutions=`` (SEP-0007) only binds variables that
the query projects, and the competency queries do not project their parameters, so the value
is first turned into an RDF term *by pyoxigraph* — ``NamedNode`` refuses anything that is not an
IRI (no spaces, ``>``, quotes), ``Literal`` escapes quotes and newlines — and that term's
N-Triples form replaces each ``?_name`` token (grlc does the same). User text is never pasted
into the query as such. Hazard: a parameter that also appears in the SELECT clause makes the
bound query invalid (a 500 naming the query file); the catalogue's queries must not do that.

Where they run: inside ``serve.py`` the handler gives the bound query to the endpoint's worker
processes (its deadline and result bound apply); :func:`run_operation` evaluates in-process, for
the routes without the endpoint (tests) — no deadline there. Either way a parameter can change a
value but never the query's shape.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import pyoxigraph as ox

from bjaikg.errors import BjaikgError
from bjaikg.negotiation import choose_rdf_format, choose_results_format, serialise_triples
from bjaikg.query_catalogue import NamedQuery
from bjaikg.store import KnowledgeGraph


class ParameterError(BjaikgError):
    """A parameter value that the operation cannot use (missing, or not of its type)."""


class NamedQueryError(BjaikgError):
    """A named query that fails to run (a fault of the query file, not of the client)."""


@dataclass(frozen=True)
class Parameter:
    """One operation parameter: ``name`` in the URL, ``variable`` in the query (``_name``)."""

    name: str
    variable: str
    kind: str
    default: str | None

    @property
    def required(self) -> bool:
        """Whether a request must give a value (no default)."""
        return self.default is None

    def term(self, value: str) -> ox.NamedNode | ox.Literal:
        """``value`` as the RDF term this parameter stands for; :class:`ParameterError` if
        an IRI parameter gets anything but an absolute http(s) IRI."""
        if self.kind == "literal":
            return ox.Literal(value)
        if not value.startswith(("http://", "https://")):
            raise ParameterError(f"parameter {self.name}: {value!r} is not an http(s) IRI")
        try:
            return ox.NamedNode(value)
        except ValueError as error:
            message = f"parameter {self.name}: {value!r} is not an IRI ({error})"
            raise ParameterError(message) from None


@dataclass(frozen=True)
class Operation:
    """A named query offered as ``GET /api/queries/<name>``."""

    query: NamedQuery
    parameters: tuple[Parameter, ...]

    @property
    def name(self) -> str:
        """The query's name (its file stem)."""
        return self.query.name

    @property
    def path(self) -> str:
        """The operation's URL path."""
        return f"/api/queries/{self.name}"

    def bound_query(self, values: Mapping[str, str]) -> str:
        """The query text with each parameter replaced by its value (or default).

        Raises :class:`ParameterError` for a missing required value or a value of the wrong
        type; parameters the request does not name keep their default.
        """
        text = self.query.text
        for parameter in self.parameters:
            value = values.get(parameter.name, parameter.default)
            if value is None:
                raise ParameterError(f"parameter {parameter.name} is required")
            term = str(parameter.term(value))
            pattern = re.compile(r"[?$]" + re.escape(parameter.variable) + r"\b")
            text = pattern.sub(term.replace("\\", "\\\\"), text)
        return text

    def describe(self) -> dict[str, object]:
        """The operation as the JSON of ``/api/queries`` lists it."""
        return {
            "name": self.name,
            "operation": self.path,
            "title": {"en": self.query.title("en"), "zh": self.query.title("zh")},
            "description": {
                "en": self.query.description("en"),
                "zh": self.query.description("zh"),
            },
            "tags": list(self.query.tags),
            "parameters": [
                {
                    "name": parameter.name,
                    "type": parameter.kind,
                    "default": parameter.default,
                    "required": parameter.required,
                }
                for parameter in self.parameters
            ],
        }


def operation_for(query: NamedQuery) -> Operation:
    """The :class:`Operation` of a named query, its parameters typed from their defaults."""
    defaults = query.defaults()
    parameters = []
    for variable in query.parameters:
        default = defaults.get(variable)
        is_iri = variable.endswith("_iri") or (
            default is not None and default.startswith(("http://", "https://"))
        )
        parameters.append(
            Parameter(
                name=variable.lstrip("_"),
                variable=variable,
                kind="iri" if is_iri else "literal",
                default=default,
            )
        )
    return Operation(query=query, parameters=tuple(parameters))


@dataclass(frozen=True)
class OperationAnswer:
    """The serialised answer of an operation and its ``Content-Type``."""

    body: bytes
    content_type: str


def run_operation(
    graph: KnowledgeGraph,
    operation: Operation,
    values: Mapping[str, str],
    accept: str | None,
    format_parameter: str | None,
) -> OperationAnswer:
    """Run ``operation`` with ``values`` and serialise its answer as the client asks.

    Raises :class:`ParameterError` (HTTP 400), :class:`bjaikg.negotiation.NotAcceptableError`
    (HTTP 406) or :class:`NamedQueryError` (HTTP 500, names the query file).
    """
    text = operation.bound_query(values)
    try:
        result = graph.query(text)
    except (SyntaxError, OSError) as error:
        raise NamedQueryError(f"{operation.query.path}: {error}") from None
    if isinstance(result, ox.QueryTriples):
        rdf_choice = choose_rdf_format(accept, format_parameter)
        return OperationAnswer(serialise_triples(list(result), rdf_choice), rdf_choice.content_type)
    results_choice = choose_results_format(accept, format_parameter)
    body = result.serialize(format=results_choice.format)
    assert body is not None  # no output file given, so pyoxigraph returns bytes
    return OperationAnswer(body, results_choice.content_type)
