"""The ``SERVICE`` allow-list: which remote endpoints a query may make the server call.

pyoxigraph evaluates ``SERVICE <iri>`` by itself, over HTTP, to any host. Before a query is
evaluated the endpoint finds every ``SERVICE`` clause in it (including those nested in
sub-queries, ``EXISTS`` and ``OPTIONAL``) and refuses the query unless each names an IRI on the
allow-list. ``SERVICE ?variable`` is always refused: its target is unknown before evaluation.

The keyword cannot be written with escapes (SPARQL ``\\u`` escapes are not processed in
keywords), so a query whose text does not contain "service" in any letter case has no
``SERVICE`` clause and skips the check; the others are parsed with rdflib's SPARQL parser.

The first such query in each worker process imports rdflib's SPARQL parser (a noticeable pause).

The check rests on two parsers reading one text alike, and they do not always: SPARQL ends a
comment at a carriage return, rdflib only at a line feed, so ``# x\r SERVICE <…>`` hid the clause
from rdflib while pyoxigraph called the host (found by a review, 2026-12-07). rdflib therefore
reads the query with each carriage return made a line feed, and the ``SERVICE`` keywords in
the query's tokens are counted (:func:`~bjaikg.endpoint.query_tokens.service_keywords`): a query
with more keywords than rdflib found clauses is refused, whatever the parsers disagree on next.
rdflib also reads a line break before each keyword: it cannot parse a ``SERVICE`` that follows a
``#`` on its line (in ``<…ontology#>`` or a string), which refused one-line federated queries.

Hazard: a query that mentions "service" and that rdflib cannot parse (rdflib lags behind
pyoxigraph on SPARQL-star; a few hundred nested groups, or one ``SERVICE`` inside another,
exhaust its recursive descent) is refused with 400 rather than evaluated unchecked.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Any

import pyoxigraph as ox

from bjaikg.endpoint.query_tokens import service_keywords
from bjaikg.errors import BjaikgError


class ServiceRefusedError(BjaikgError):
    """A ``SERVICE`` clause that names an endpoint not on the allow-list."""


class UncheckableQueryError(BjaikgError):
    """A query that mentions ``SERVICE`` but that could not be parsed to check it."""


def nodes_named(node: Any, name: str) -> Iterator[Any]:
    """Every node called ``name`` (a ``CompValue``) in ``node``, a tree of rdflib's SPARQL
    parser or algebra, in the order of the tree."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(node, CompValue):
        if node.name == name:
            yield node
        for value in node.values():
            yield from nodes_named(value, name)
    elif isinstance(node, list | tuple | ParseResults):
        for value in node:
            yield from nodes_named(value, name)
    elif isinstance(node, dict):
        for value in node.values():
            yield from nodes_named(value, name)


CHECKS_KEPT = 256
"""Checks of queries a worker keeps (the last used), so that a query asked again, which names
``sparql-service-description`` in a prefix or "service" in a comment, is parsed once."""
CHECKED_CHARACTERS = 20_000
"""The longest query whose check is kept: the kept texts stay under 5 MB."""


def service_targets(query: str) -> list[str | None]:
    """The IRI of every ``SERVICE`` clause of ``query`` (``None`` for ``SERVICE ?variable``).

    Raises :class:`UncheckableQueryError` when the query mentions "service" but does not parse,
    or when rdflib finds fewer clauses than the query's tokens hold ``SERVICE`` keywords. A
    query of at most :data:`CHECKED_CHARACTERS` is checked once per worker while it is among
    the :data:`CHECKS_KEPT` last used.
    """
    if len(query) <= CHECKED_CHARACTERS:
        return list(_kept_targets(query))
    return list(_targets(query))


@lru_cache(maxsize=CHECKS_KEPT)
def _kept_targets(query: str) -> tuple[str | None, ...]:
    return _targets(query)  # an error is raised again on each call: errors are not kept


def _targets(query: str) -> tuple[str | None, ...]:
    if "service" not in query.lower():
        return ()
    keywords = service_keywords(query)
    if "\\u" in query or "\\U" in query:
        raise UncheckableQueryError(
            "the query mentions SERVICE and holds a \\u or \\U escape, which the allow-list "
            "check (rdflib: everywhere) and the engine (pyoxigraph: in strings and IRIs only) "
            "read differently; write the characters themselves"
        )
    # Imported here: rdflib's SPARQL parser takes a quarter of a second to import, which
    # start-up should not pay for the rare query that mentions SERVICE.
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.term import URIRef

    # a carriage return ends a comment in SPARQL and for pyoxigraph, not for rdflib; and rdflib
    # finds a SERVICE clause only at the start of a line or with no "#" before it on its line
    ends = [*keywords, len(query)]
    text = "\n".join(query[start:end] for start, end in zip([0, *keywords], ends, strict=True))
    try:
        algebra = translateQuery(parseQuery(text.replace("\r", "\n"))).algebra
    except Exception as error:  # whatever rdflib raises (a bare Exception for an undeclared
        # prefix, RecursionError for deep nesting …): the query is not checked, so refused
        message = " ".join(str(error).split())
        raise UncheckableQueryError(
            f"the query mentions SERVICE but could not be parsed to check it against the "
            f"allow-list: {message}"
        ) from None
    terms = [node.get("term") for node in nodes_named(algebra, "ServiceGraphPattern")]
    if len(terms) < len(keywords):
        raise UncheckableQueryError(
            f"the query holds the keyword SERVICE {len(keywords)} time(s) but the allow-list "
            f"check found {len(terms)} SERVICE clause(s): it cannot be checked, so it is refused"
        )
    return tuple(str(term) if isinstance(term, URIRef) else None for term in terms)


def resolved(iri: str, base_iri: str | None) -> str:
    """``iri`` resolved against ``base_iri`` as pyoxigraph resolves a query's IRIs (its own IRI
    resolution, through its Turtle parser); ``iri`` itself when it is absolute, when there is
    no base, or when it is no IRI pyoxigraph reads (the engine then refuses the query)."""
    if base_iri is None:
        return iri
    try:
        [quad] = ox.parse(f"<{iri}> <{iri}> <{iri}> .", ox.RdfFormat.TURTLE, base_iri=base_iri)
    except (SyntaxError, ValueError):
        return iri
    return quad.object.value


def check_services(query: str, allowed: Sequence[str], base_iri: str | None = None) -> None:
    """Raise :class:`ServiceRefusedError` unless every ``SERVICE`` target, resolved against
    ``base_iri`` (the IRI pyoxigraph would call), is in ``allowed``; a refusal quotes the IRI
    checked and, for a relative one, the form the query writes."""
    for target in service_targets(query):
        if target is None:
            raise ServiceRefusedError(
                "SERVICE with a variable endpoint is not allowed: the server calls only the "
                "endpoints on its allow-list (--allow-service)"
            )
        if (checked := resolved(target, base_iri)) not in allowed:
            listed = ", ".join(allowed) if allowed else "none: federation is off"
            written = f" (written <{target}> in the query)" if checked != target else ""
            raise ServiceRefusedError(
                f"SERVICE <{checked}>{written} is not on this server's allow-list "
                f"(--allow-service; allowed: {listed})"
            )
