"""Counts that describe the loaded graph: triples per named graph and entities per class."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from bjaikg.namespaces import BJO, sparql_prologue
from bjaikg.store import KnowledgeGraph


@dataclass(frozen=True)
class ClassCount:
    """How many distinct subjects are asserted to be of ``class_iri`` in the instance files."""

    class_iri: str
    entities: int


def count_entities_per_class(graph: KnowledgeGraph) -> list[ClassCount]:
    """Entities per class of our ontology (asserted or inferred), largest first, then by IRI."""
    query = (
        sparql_prologue()
        + f"""
        SELECT ?class (COUNT(DISTINCT ?entity) AS ?entities) WHERE {{
          ?entity a ?class .
          FILTER(STRSTARTS(STR(?class), "{BJO}"))
        }} GROUP BY ?class ORDER BY DESC(?entities) ?class"""
    )
    result = graph.query(query)
    assert isinstance(result, ox.QuerySolutions)
    return [
        ClassCount(class_iri=row["class"].value, entities=int(row["entities"].value))
        for row in result
    ]
