"""The ontology's own terms (``bjo:``) for the documentation page at ``/ontology``: classes,
properties, their hierarchy, domains, ranges and definitions in both languages.

Only terms in the ``bjo:`` namespace are documented; the external terms they build on appear as
links. Anonymous class expressions (OWL restrictions) are left out of the hierarchy.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from bjaikg.interface.labels import LabelIndex, expand
from bjaikg.interface.resource import Term, make_term
from bjaikg.namespaces import BJO, sparql_prologue
from bjaikg.store import KnowledgeGraph

KINDS = {
    "owl:Class": {"en": "class", "zh": "类"},
    "owl:ObjectProperty": {"en": "object property", "zh": "对象属性"},
    "owl:DatatypeProperty": {"en": "datatype property", "zh": "数据属性"},
    "owl:AnnotationProperty": {"en": "annotation property", "zh": "注释属性"},
}
"""The kinds of term documented, by their OWL type, with their names in both languages."""

RELATIONS = {
    "rdfs:subClassOf": "parents",
    "rdfs:subPropertyOf": "parents",
    "rdfs:domain": "domains",
    "rdfs:range": "ranges",
    "owl:inverseOf": "inverses",
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

    @property
    def is_class(self) -> bool:
        """Whether the term is a class (else a property)."""
        return self.kind == "owl:Class"


@dataclass
class OntologyDocumentation:
    """The ontology header (title, version, licence) and its terms, classes first, by label."""

    title: str
    version: str
    licence: str
    terms: list[TermDocumentation]

    @property
    def classes(self) -> list[TermDocumentation]:
        """The classes, by label."""
        return [term for term in self.terms if term.is_class]

    @property
    def properties(self) -> list[TermDocumentation]:
        """The properties, by label."""
        return [term for term in self.terms if not term.is_class]

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
    """Collect the documentation of every ``bjo:`` class and property in ``graph``."""
    kinds = " ".join(KINDS)
    terms: dict[str, TermDocumentation] = {}
    for row in _rows(
        graph,
        f"""SELECT ?term (MIN(?type) AS ?kind) WHERE {{
              VALUES ?type {{ {kinds} }} ?term a ?type .
              FILTER(STRSTARTS(STR(?term), STR(bjo:)))
            }} GROUP BY ?term ORDER BY ?term""",
    ):
        iri = row["term"].value
        kind = next(name for name in KINDS if name.endswith(row["kind"].value.split("#")[-1]))
        terms[iri] = TermDocumentation(
            term=make_term(index, iri, language), anchor=iri[len(BJO) :], kind=kind
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
    return OntologyDocumentation(header.title, header.version, header.licence, ordered)


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
