"""RDF terms between pyoxigraph and rdflib: one conversion for every module that hands a graph
from the store to an rdflib tool (pySHACL, canonicalisation, the JSON-LD writer) and back.

Blank nodes keep their labels both ways, and literals their lexical form, so what goes through
rdflib comes back as it was. Hazard: RDF-star triple terms have no rdflib form
(:class:`TypeError`).
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import XSD, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from bjaikg.namespaces import bind_prefixes


def to_rdflib(term: object, cache: dict[str, URIRef] | None = None) -> Node:
    """The rdflib term for a pyoxigraph term; ``cache`` shares IRIs between triples."""
    if isinstance(term, ox.NamedNode):
        if cache is None:
            return URIRef(term.value)
        found = cache.get(term.value)
        if found is None:
            found = cache[term.value] = URIRef(term.value)
        return found
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        # rdflib would rewrite the lexical form ("01" as "1", an ill-typed "maybe"^^xsd:boolean
        # as "false"), and a finding would show a value the file does not hold
        return Literal(term.value, datatype=URIRef(term.datatype.value), normalize=False)
    raise TypeError(f"not an RDF 1.1 term: {term}")


_UNCHECKED = frozenset({str(XSD.string), "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"})


def is_ill_typed(literal: ox.Literal) -> bool:
    """True when the literal's lexical form is not one its XSD datatype allows
    (``"abc"^^xsd:integer``, ``"2020-13-45"^^xsd:date``), as rdflib reads it.

    Hazards: a datatype rdflib does not check (``xsd:gYear``, one outside XSD) is never
    ill-typed here; rdflib logs a traceback on the ``rdflib.term`` logger (and warns of a boolean
    it cannot read) for each ill-typed literal it reads.
    """
    if literal.language or literal.datatype.value in _UNCHECKED:
        return False
    converted = to_rdflib(literal)
    return isinstance(converted, Literal) and converted.ill_typed is True


def from_rdflib(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """The pyoxigraph term for an rdflib term (the inverse of :func:`to_rdflib`)."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        datatype = term.datatype or XSD.string
        return ox.Literal(str(term), datatype=ox.NamedNode(str(datatype)))
    raise TypeError(f"not an RDF 1.1 term: {term!r}")


def to_rdflib_graph(statements: Iterable[ox.Triple] | Iterable[ox.Quad]) -> Graph:
    """An rdflib Graph of ``statements`` (graph names dropped), prefixes bound, the triples
    added in the order given (rdflib's memory store keeps it for a subject's statements)."""
    graph = bind_prefixes(Graph())
    cache: dict[str, URIRef] = {}
    graph.addN(
        (
            to_rdflib(statement.subject, cache),
            to_rdflib(statement.predicate, cache),
            to_rdflib(statement.object, cache),
            graph,
        )
        for statement in statements
    )
    return graph
