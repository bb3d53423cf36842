"""Labels of every labelled IRI of the graph, read once, and where each IRI is shown locally.

The server's graph never changes while it runs (data changes go through git:
docs/architecture.md#serving), so the pages read labels from this index instead of asking the store
for each value they show. Hazard: an index built before the store is changed does not see the
change; build a new one."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from bjaikg.namespaces import BJ, BJO, shorten, sparql_prologue
from bjaikg.store import KnowledgeGraph, is_true
from bjaikg.versioning import ONTOLOGY_IRI

PREFERRED_LABELS = ("skos:prefLabel", "rdfs:label", "dcterms:title", "schema:name")
"""Properties whose values name a resource, most preferred first."""

ALTERNATIVE_LABELS = ("skos:altLabel", "schema:alternateName")
"""Properties whose values are other names (searched, shown on the resource page)."""

HIDDEN_LABELS = ("skos:hiddenLabel",)
"""Properties whose values are searched but never shown (SKOS: a label "hidden when generating
visual displays of the resource", "accessible to free text search operations")."""


LABELS_QUERY = sparql_prologue() + (
    "SELECT DISTINCT ?iri ?text ?preferred ?hidden WHERE { "
    "VALUES (?property ?preferred ?hidden) { "
    + " ".join(f"({name} true false)" for name in PREFERRED_LABELS)
    + " "
    + " ".join(f"({name} false false)" for name in ALTERNATIVE_LABELS)
    + " "
    + " ".join(f"({name} false true)" for name in HIDDEN_LABELS)
    + " } ?iri ?property ?text . FILTER(isIRI(?iri) && isLiteral(?text)) }"
)
"""Every label of an IRI, flagged preferred, alternative or hidden (unordered)."""

TYPES_QUERY = (
    "SELECT DISTINCT ?iri ?type WHERE { ?iri a ?type . FILTER(isIRI(?iri) && isIRI(?type)) }"
)
"""Every IRI's asserted or inferred types (unordered)."""

DEPRECATED_QUERY = "SELECT ?iri WHERE { ?iri <http://www.w3.org/2002/07/owl#deprecated> true }"
"""Every IRI marked ``owl:deprecated true`` (a merged or withdrawn resource)."""


@dataclass(frozen=True)
class Name:
    """One label literal: its text, language tag ('' for none), whether it is preferred, and
    whether it is hidden (searched, not shown)."""

    text: str
    language: str
    preferred: bool
    hidden: bool = False


@dataclass
class LabelIndex:
    """Names and types of every IRI that has a label, by IRI."""

    names: dict[str, list[Name]] = field(default_factory=dict)
    types: dict[str, list[str]] = field(default_factory=dict)
    deprecated: frozenset[str] = frozenset()

    def label(self, iri: str, language: str) -> str:
        """The preferred label of ``iri`` in ``language``, else its first preferred label in any
        language, else its prefixed name (``bj:cambricon``), else the IRI itself."""
        return self.label_and_language(iri, language)[0]

    def label_and_language(self, iri: str, language: str) -> tuple[str, str]:
        """:meth:`label` and its language tag ('' for a prefixed name or an IRI)."""
        names = [name for name in self.names.get(iri, []) if name.preferred]
        for candidate in names:
            if candidate.language == language:
                return candidate.text, candidate.language
        if names:
            return names[0].text, names[0].language
        short = shorten(iri)
        return (iri if short.startswith("<") else short), ""


def build_label_index(graph: KnowledgeGraph) -> LabelIndex:
    """Read the labels (preferred, alternative and hidden) and the asserted or inferred types of
    every labelled IRI; deterministic order (by IRI, then preference, shown before hidden,
    language and text). A text stated as two of them, in one language (a source's spelling that
    is also the label), is one name, the first of that order.

    The order is made here, not by ``ORDER BY``: a store sorting the whole answer before
    sending it took most of ``serve.py --store``'s start-up (bench/store_startup.py)."""
    result = graph.query(LABELS_QUERY)
    assert isinstance(result, ox.QuerySolutions)
    labels: list[tuple[str, Name]] = []
    for row in result:
        text = row["text"]
        assert isinstance(text, ox.Literal)
        name = Name(
            text.value, text.language or "", is_true(row["preferred"]), is_true(row["hidden"])
        )
        labels.append((row["iri"].value, name))
    labels.sort(
        key=lambda label: (
            label[0], not label[1].preferred, label[1].hidden, label[1].language, label[1].text
        )
    )  # fmt: skip
    index = LabelIndex()
    for iri, name in labels:
        names = index.names.setdefault(iri, [])
        if all((name.text, name.language) != (kept.text, kept.language) for kept in names):
            names.append(name)  # a name also preferred (or shown) stays once, as that
    types = graph.query(TYPES_QUERY)
    assert isinstance(types, ox.QuerySolutions)
    for iri, type_iri in sorted((row["iri"].value, row["type"].value) for row in types):
        index.types.setdefault(iri, []).append(type_iri)
    deprecated = graph.query(DEPRECATED_QUERY)
    assert isinstance(deprecated, ox.QuerySolutions)
    index.deprecated = frozenset(row["iri"].value for row in deprecated)
    return index


def local_address(iri: str) -> str | None:
    """Where this server shows ``iri``: ``/id/<slug>`` for resources, ``/ontology#<term>`` for
    ontology terms, ``/ontology`` for the ontology itself; ``None`` for anyone else's IRI."""
    if iri.startswith(str(BJ)) and len(iri) > len(BJ):
        return "/id/" + iri[len(BJ) :]
    if iri.startswith(str(BJO)) and len(iri) > len(BJO):
        return "/ontology#" + iri[len(BJO) :]
    if iri in (ONTOLOGY_IRI, str(BJO)):
        return "/ontology"
    return None
