"""The ontology's own terms (``bjo:``) for the documentation page at ``/ontology``: classes,
properties, their hierarchy, domains, ranges and definitions in both languages; and every other
``bjo:`` term (SKOS concepts and concept schemes, qualifiers, claim types, roles …) as an
individual, grouped by its concept scheme or else by its type.

Every ``bjo:`` IRI with a type gets an entry, so each ``/ontology#Term`` link of a page lands on
one. Only terms in the ``bjo:`` namespace are documented; the external terms they build on
appear as links. Anonymous class expressions (OWL restrictions) are left out of the hierarchy.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from bjaikg.interface.labels import LabelIndex
from bjaikg.interface.resource import Term, make_term
from bjaikg.namespaces import BJO, expand, shorten, sparql_prologue
from bjaikg.store import KnowledgeGraph

KINDS = {
    "owl:Class": {"en": "class", "zh": "类"},
    "owl:ObjectProperty": {"en": "object property", "zh": "对象属性"},
    "owl:DatatypeProperty": {"en": "datatype property", "zh": "数据属性"},
    "owl:AnnotationProperty": {"en": "annotation property", "zh": "注释属性"},
    "skos:ConceptScheme": {"en": "concept scheme", "zh": "概念体系"},
    "skos:Concept": {"en": "concept", "zh": "概念"},
    "owl:NamedIndividual": {"en": "individual", "zh": "个体"},
}
"""The kinds of term documented, by the type that makes a term one (the first a term has, in
this order; a ``bjo:`` term with none of them is an individual), with their names in both
languages."""

INDIVIDUAL_KINDS = ("skos:ConceptScheme", "skos:Concept", "owl:NamedIndividual")
"""The kinds of :data:`KINDS` that are neither classes nor properties."""

KIND_IRIS = {expand(name): name for name in KINDS}

RELATIONS = {
    "rdfs:subClassOf": "parents",
    "rdfs:subPropertyOf": "parents",
    "rdfs:domain": "domains",
    "rdfs:range": "ranges",
    "owl:inverseOf": "inverses",
    "skos:broader": "parents",
    "skos:inScheme": "schemes",
}
"""The relations between terms that the page shows, and the field of each."""

RELATION_FIELDS = {expand(name): field for name, field in RELATIONS.items()}
"""The same, by full IRI."""


@dataclass
class TermDocumentation:
    """One ontology term: kind, names, definitions by language, and its relations."""

    term: Term
    anchor: str
    kind: str
    labels: dict[str, str] = field(default_factory=dict)
    definitions: dict[str, str] = field(default_factory=dict)
    parents: list[Term] = field(default_factory=list)
    children: list[Term] = field(default_factory=list)
    domains: list[Term] = field(default_factory=list)
    ranges: list[Term] = field(default_factory=list)
    inverses: list[Term] = field(default_factory=list)
    schemes: list[Term] = field(default_factory=list)
    types: list[Term] = field(default_factory=list)
    """Its types other than the kinds of :data:`KINDS` (shown for individuals)."""

    @property
    def is_class(self) -> bool:
        """Whether the term is a class."""
        return self.kind == "owl:Class"

    @property
    def is_individual(self) -> bool:
        """Whether the term is neither a class nor a property (a concept, a role …)."""
        return self.kind in INDIVIDUAL_KINDS

    def group(self) -> str:
        """The IRI an individual is listed under: a concept scheme its own, a concept its
        scheme, else its first type (the ontology's own first), else its kind."""
        if self.kind == "skos:ConceptScheme":
            return self.term.iri
        if self.schemes:
            return self.schemes[0].iri
        own = [kind.iri for kind in self.types if kind.iri.startswith(str(BJO))]
        return next(iter(own + [kind.iri for kind in self.types]), expand(self.kind))


@dataclass
class TermGroup:
    """Individuals listed together under a concept scheme or a type (``term``); ``anchor`` is
    the id of their section, kept apart from the terms' own anchors."""

    term: Term
    anchor: str
    members: list[TermDocumentation]


@dataclass
class OntologyDocumentation:
    """The ontology header (title, version, licence) and its terms, classes first, by label;
    the individuals also in ``groups``, by the group's label (a scheme before its members)."""

    title: str
    version: str
    licence: str
    terms: list[TermDocumentation]
    groups: list[TermGroup]

    @property
    def classes(self) -> list[TermDocumentation]:
        """The classes, by label."""
        return [term for term in self.terms if term.is_class]

    @property
    def properties(self) -> list[TermDocumentation]:
        """The properties, by label."""
        return [term for term in self.terms if not term.is_class and not term.is_individual]

    def class_parents(self) -> dict[str, list[str]]:
        """Each class's superclasses among the documented classes (for the class diagram)."""
        known = {term.term.iri for term in self.classes}
        return {
            term.term.iri: [parent.iri for parent in term.parents if parent.iri in known]
            for term in self.classes
        }


def _rows(graph: KnowledgeGraph, body: str) -> list[ox.QuerySolution]:
    result = graph.query(sparql_prologue() + body)
    assert isinstance(result, ox.QuerySolutions)
    return list(result)


def document_ontology(
    graph: KnowledgeGraph, index: LabelIndex, language: str
) -> OntologyDocumentation:
    """Collect the documentation of every ``bjo:`` term with a type in ``graph``."""
    types: dict[str, list[str]] = {}
    for row in _rows(
        graph,
        """SELECT DISTINCT ?term ?type WHERE {
              ?term a ?type . FILTER(STRSTARTS(STR(?term), STR(bjo:)) && isIRI(?type))
            } ORDER BY ?term ?type""",
    ):
        types.setdefault(row["term"].value, []).append(row["type"].value)
    terms: dict[str, TermDocumentation] = {}
    for iri, term_types in types.items():
        kind = next((name for name in KINDS if expand(name) in term_types), "owl:NamedIndividual")
        terms[iri] = TermDocumentation(
            term=make_term(index, iri, language),
            anchor=iri[len(BJO) :],
            kind=kind,
            types=[
                make_term(index, other, language) for other in term_types if other not in KIND_IRIS
            ],
        )
        for name in index.names.get(iri, []):
            if name.preferred and name.language:
                terms[iri].labels.setdefault(name.language, name.text)
    relations = " ".join(RELATIONS)
    for row in _rows(
        graph,
        f"""SELECT ?term ?relation ?value WHERE {{
              VALUES ?relation {{ {relations} }} ?term ?relation ?value .
              FILTER(STRSTARTS(STR(?term), STR(bjo:)) && isIRI(?value))
            }} ORDER BY ?term ?relation ?value""",
    ):
        documentation = terms.get(row["term"].value)
        if documentation is None:
            continue
        relation = RELATION_FIELDS[row["relation"].value]
        getattr(documentation, relation).append(make_term(index, row["value"].value, language))
        if relation == "parents" and row["value"].value in terms:
            terms[row["value"].value].children.append(documentation.term)
    for row in _rows(
        graph,
        """SELECT ?term ?definition WHERE {
              VALUES ?property { skos:definition rdfs:comment } ?term ?property ?definition .
              FILTER(STRSTARTS(STR(?term), STR(bjo:)))
            } ORDER BY ?term ?property ?definition""",
    ):
        documentation = terms.get(row["term"].value)
        literal = row["definition"]
        if documentation is not None and isinstance(literal, ox.Literal):
            documentation.definitions.setdefault(literal.language or "", literal.value)
    header = OntologyHeader.read(graph, language)
    ordered = sorted(terms.values(), key=lambda term: (not term.is_class, term.term.label.lower()))
    return OntologyDocumentation(
        header.title,
        header.version,
        header.licence,
        ordered,
        group_individuals(ordered, index, language),
    )


def group_individuals(
    terms: list[TermDocumentation], index: LabelIndex, language: str
) -> list[TermGroup]:
    """The individuals among ``terms`` by :meth:`TermDocumentation.group`, groups by label; in
    each, a concept scheme first, then the members in the order of ``terms``."""
    members: dict[str, list[TermDocumentation]] = {}
    for term in terms:
        if term.is_individual:
            members.setdefault(term.group(), []).append(term)
    groups = [
        TermGroup(
            term=make_term(index, iri, language),
            anchor="group-" + shorten(iri).replace(":", "-"),
            members=sorted(listed, key=lambda term: term.term.iri != iri),
        )
        for iri, listed in members.items()
    ]
    return sorted(groups, key=lambda group: group.term.label.lower())


@dataclass(frozen=True)
class OntologyHeader:
    """Title (in the page language when there is one), version and licence of the ontology."""

    title: str
    version: str
    licence: str

    @classmethod
    def read(cls, graph: KnowledgeGraph, language: str) -> OntologyHeader:
        """Read the header of the ``owl:Ontology`` node named after the ``bjo:`` namespace."""
        rows = _rows(
            graph,
            """SELECT ?title ?version ?licence WHERE {
                 ?ontology a owl:Ontology . FILTER(STR(?ontology) = REPLACE(STR(bjo:), "#$", ""))
                 OPTIONAL { ?ontology dcterms:title ?title }
                 OPTIONAL { ?ontology owl:versionInfo ?version }
                 OPTIONAL { ?ontology dcterms:license ?licence }
               } ORDER BY ?title""",
        )
        titles = {row["title"].language: row["title"].value for row in rows if row["title"]}
        first = rows[0] if rows else None
        return cls(
            title=titles.get(language) or next(iter(titles.values()), "bjaikg ontology"),
            version=first["version"].value if first and first["version"] else "",
            licence=first["licence"].value if first and first["licence"] else "",
        )
