"""Counts that describe the loaded graph: triples per named graph, entities per class, VoID
partitions. Counted once (:func:`measure_dataset`) and read by ``python -m bjaikg stats``, the
endpoint's service description and the dataset page, so they never disagree.

The triples per named graph (:func:`count_named_graphs`, one pass) are counted apart: the
endpoint needs them from its start (the answers' ETags over a remote store, ``/graphs``), the
rest only for VoID and the dataset page (:meth:`bjaikg.endpoint.state.EndpointState.count_dataset`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from bjaikg import PROJECT_ROOT
from bjaikg.store import KnowledgeGraph


@dataclass(frozen=True)
class ClassCount:
    """How many distinct subjects are of ``class_iri`` (asserted or inferred)."""

    class_iri: str
    entities: int


@dataclass(frozen=True)
class NamedGraphStatistics:
    """One named graph: its IRI, its triples and the file it was loaded from (if any)."""

    name: str
    triples: int
    source: str | None


@dataclass(frozen=True)
class DatasetStatistics:
    """VoID counts of the default graph (the union of all named graphs)."""

    triples: int
    entities: int
    classes: int
    properties: int
    distinct_subjects: int
    distinct_objects: int
    class_partitions: tuple[ClassCount, ...]
    property_partitions: tuple[tuple[str, int], ...]
    named_graphs: tuple[NamedGraphStatistics, ...]

    def classes_in(self, namespace: str) -> list[ClassCount]:
        """The class partitions of the classes in ``namespace``, largest first, then by IRI."""
        return sorted(
            (count for count in self.class_partitions if count.class_iri.startswith(namespace)),
            key=lambda count: (-count.entities, count.class_iri),
        )


PER_GRAPH = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
"""Triples per named graph."""
PROPERTY_PARTITIONS = (
    "SELECT ?key (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?key ?o WHERE { ?s ?key ?o } } "
    "GROUP BY ?key ORDER BY ?key"
)
"""Distinct triples per property (the union default graph counts a triple once)."""
CLASS_PARTITIONS = (
    "SELECT ?key (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?key FILTER(isIRI(?key)) } "
    "GROUP BY ?key ORDER BY ?key"
)
"""Distinct typed subjects per class."""
DISTINCT_COUNTS = (
    "SELECT (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?o) AS ?objects) "
    "(COUNT(DISTINCT IF(isIRI(?s), ?s, ?unbound)) AS ?entities) WHERE { ?s ?p ?o }"
)
"""Distinct subjects, objects and IRI subjects."""
STEPS = {
    "per_graph": PER_GRAPH,
    "property_partitions": PROPERTY_PARTITIONS,
    "class_partitions": CLASS_PARTITIONS,
    "distinct_counts": DISTINCT_COUNTS,
}
"""The queries of :func:`measure_dataset`, by step name (bench/store_startup.py times each)."""


def _shown_path(path: Path) -> str:
    """``path`` relative to the checkout when inside it (never the server's absolute paths)."""
    resolved = path.resolve()
    return (
        resolved.relative_to(PROJECT_ROOT).as_posix()
        if resolved.is_relative_to(PROJECT_ROOT)
        else resolved.name
    )


def _partitions(graph: KnowledgeGraph, query: str) -> tuple[tuple[str, int], ...]:
    result = graph.query(query)
    assert isinstance(result, ox.QuerySolutions)
    return tuple((row["key"].value, int(row["n"].value)) for row in result)


def count_named_graphs(graph: KnowledgeGraph) -> tuple[NamedGraphStatistics, ...]:
    """The triples of each named graph of ``graph``, by graph IRI, with the file each was
    loaded from (one pass over the graph)."""
    sources = {graph_file.graph_name: _shown_path(graph_file.path) for graph_file in graph.files}
    per_graph = graph.store.query(PER_GRAPH)
    assert isinstance(per_graph, ox.QuerySolutions)
    return tuple(
        NamedGraphStatistics(
            name=row["g"].value,
            triples=int(row["n"].value),
            source=sources.get(row["g"].value),
        )
        for row in per_graph
    )


def measure_dataset(
    graph: KnowledgeGraph, named_graphs: tuple[NamedGraphStatistics, ...] | None = None
) -> DatasetStatistics:
    """Count the loaded graph: four passes over it, three when ``named_graphs``
    (:func:`count_named_graphs`) are given (about a second per 1e5 triples on a loaded 2-core
    machine, milliseconds for the project graph)."""
    if named_graphs is None:
        named_graphs = count_named_graphs(graph)
    property_partitions = _partitions(
        graph,
        PROPERTY_PARTITIONS,
    )
    class_partitions = tuple(
        ClassCount(class_iri, entities)
        for class_iri, entities in _partitions(
            graph,
            CLASS_PARTITIONS,
        )
    )
    counts = graph.query(DISTINCT_COUNTS)
    assert isinstance(counts, ox.QuerySolutions)
    row = next(iter(counts))
    return DatasetStatistics(
        triples=sum(count for _, count in property_partitions),
        entities=int(row["entities"].value),
        classes=len(class_partitions),
        properties=len(property_partitions),
        distinct_subjects=int(row["subjects"].value),
        distinct_objects=int(row["objects"].value),
        class_partitions=class_partitions,
        property_partitions=property_partitions,
        named_graphs=named_graphs,
    )
