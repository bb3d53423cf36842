"""The ontology (ontology/*.ttl, not the shapes): header, bilingual labels and definitions,
declarations of every term used, no punning, no xsd:string range on language-tagged values."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS
from rdflib.term import Node

from bjaikg import PROJECT_ROOT
from bjaikg.namespaces import BJO, PREFIXES
from bjaikg.versioning import Version, latest_release

ONTOLOGY_IRI = URIRef("https://w3id.org/bjaikg/ontology")
VANN = PREFIXES["vann"]
DECLARATION_TYPES = (
    OWL.Class,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.AnnotationProperty,
    OWL.NamedIndividual,
)
BUILT_IN = (str(RDF), str(RDFS), str(OWL), str(XSD))


def parse(paths: Iterator[Path]) -> Graph:
    graph = Graph()
    for path in paths:
        graph.parse(path, format="turtle")
    return graph


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return parse(
        path for path in sorted((PROJECT_ROOT / "ontology").glob("*.ttl")) if path.is_file()
    )


@pytest.fixture(scope="module")
def instances() -> Graph:
    return parse(iter(sorted((PROJECT_ROOT / "instances").glob("*.ttl"))))


def declared(ontology: Graph) -> set[URIRef]:
    return {
        subject
        for kind in DECLARATION_TYPES
        for subject in ontology.subjects(RDF.type, kind)
        if isinstance(subject, URIRef)
    } | {s for s in ontology.subjects(RDF.type, None) if isinstance(s, URIRef)}


def language_of(value: Node) -> str | None:
    """The language tag of a value the ontology states as a literal."""
    assert isinstance(value, Literal), value
    return value.language


def own_terms(ontology: Graph) -> list[URIRef]:
    return sorted(term for term in declared(ontology) if term.startswith(str(BJO)))


def test_header_is_complete(ontology: Graph) -> None:
    header = ontology
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in header
    for language in ("en", "zh"):
        assert any(language_of(t) == language for t in header.objects(ONTOLOGY_IRI, DCTERMS.title))
        assert any(
            language_of(t) == language for t in header.objects(ONTOLOGY_IRI, DCTERMS.description)
        )
    assert (
        ONTOLOGY_IRI,
        DCTERMS.license,
        URIRef("https://creativecommons.org/licenses/by/4.0/"),
    ) in header
    assert header.value(ONTOLOGY_IRI, DCTERMS.creator) is not None
    for date in (DCTERMS.created, DCTERMS.modified):
        value = header.value(ONTOLOGY_IRI, date)
        assert isinstance(value, Literal) and value.datatype == XSD.date
    version = str(header.value(ONTOLOGY_IRI, OWL.versionInfo))
    Version.parse(version)  # the data's version (docs/releases.md), checked by `release`
    assert header.value(ONTOLOGY_IRI, OWL.versionIRI) == URIRef(
        f"https://w3id.org/bjaikg/ontology/{version}"
    )
    assert str(header.value(ONTOLOGY_IRI, URIRef(f"{VANN}preferredNamespacePrefix"))) == "bjo"
    assert str(header.value(ONTOLOGY_IRI, URIRef(f"{VANN}preferredNamespaceUri"))) == str(BJO)


def test_there_is_one_ontology_header(ontology: Graph) -> None:
    assert list(ontology.subjects(RDF.type, OWL.Ontology)) == [ONTOLOGY_IRI]
    assert list(ontology.objects(None, OWL.imports)) == []


def test_every_own_term_has_labels_and_definitions_in_zh_and_en(ontology: Graph) -> None:
    missing = []
    for term in own_terms(ontology):
        for predicate in (RDFS.label, SKOS.definition):
            languages = {language_of(value) for value in ontology.objects(term, predicate)}
            if not {"zh", "en"} <= languages:
                missing.append(f"{term} {predicate} has {sorted(map(str, languages))}")
    assert missing == []
    assert len(own_terms(ontology)) > 150


def test_every_bjo_term_used_anywhere_is_declared(ontology: Graph, instances: Graph) -> None:
    terms = declared(ontology)
    used = {
        node
        for graph in (ontology, instances)
        for triple in graph
        for node in triple
        if isinstance(node, URIRef) and node.startswith(str(BJO))
    }
    assert sorted(used - terms) == []


def test_every_predicate_and_class_used_is_declared(ontology: Graph, instances: Graph) -> None:
    """OWL 2 DL needs every property and class declared; owlready2 reads nothing else."""
    terms = declared(ontology)
    used_predicates = {p for graph in (ontology, instances) for p in graph.predicates()}
    used_classes = {c for graph in (ontology, instances) for c in graph.objects(None, RDF.type)}
    undeclared = sorted(
        str(term)
        for term in used_predicates | used_classes
        if not str(term).startswith(BUILT_IN) and term not in terms
    )
    assert undeclared == []


def test_no_punning(ontology: Graph) -> None:
    kinds: dict[URIRef, set[URIRef]] = {}
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty):
        for term in ontology.subjects(RDF.type, kind):
            if isinstance(term, URIRef):
                kinds.setdefault(term, set()).add(kind)
    individuals = {s for s in ontology.subjects(RDF.type, OWL.NamedIndividual)}
    punned = sorted(str(term) for term, found in kinds.items() if len(found) > 1)
    punned += sorted(str(term) for term in individuals if term in kinds)
    assert punned == []


def test_no_string_range_on_language_tagged_values(ontology: Graph, instances: Graph) -> None:
    string_ranged = set(ontology.subjects(RDFS.range, XSD.string))
    tagged = sorted(
        str(predicate)
        for predicate in string_ranged
        for graph in (ontology, instances)
        for value in graph.objects(None, predicate)
        if isinstance(value, Literal) and value.language
    )
    assert tagged == []


def test_locatedin_is_transitive_with_its_inverse(ontology: Graph) -> None:
    assert (BJO.locatedIn, RDF.type, OWL.TransitiveProperty) in ontology
    assert (BJO.locatedIn, OWL.inverseOf, BJO.contains) in ontology


def test_every_instance_class_says_where_its_instances_live(ontology: Graph) -> None:
    """Every bjo: class that instance data uses tells (skos:scopeNote) which file holds them."""
    classes = {
        c
        for c in ontology.subjects(RDF.type, OWL.Class)
        if isinstance(c, URIRef) and c.startswith(str(BJO))
    }
    silent = sorted(
        str(c)
        for c in classes
        if ontology.value(c, RDFS.subClassOf) != SKOS.Concept
        and "instances/" not in str(ontology.value(c, SKOS.scopeNote) or "")
    )
    assert silent == []


def test_every_property_has_a_domain_and_a_range(ontology: Graph) -> None:
    """No standard in name only: every object and datatype property of bjo: says what it links."""
    properties = {
        p
        for kind in (OWL.ObjectProperty, OWL.DatatypeProperty)
        for p in ontology.subjects(RDF.type, kind)
        if str(p).startswith(str(BJO))
    }
    assert len(properties) > 60
    incomplete = sorted(
        str(p)
        for p in properties
        if (p, RDFS.domain, None) not in ontology or (p, RDFS.range, None) not in ontology
    )
    assert incomplete == []


def test_every_own_concept_has_its_labels_as_skos_preflabels(ontology: Graph) -> None:
    """SKOS tools read skos:prefLabel ("the preferred lexical label for a resource, in a given
    language", a sub-property of rdfs:label, so rdfs:label does not entail it): each of the
    project's concepts gives its rdfs:label again as skos:prefLabel, one per language (SKOS: no
    more than one per language tag); an ontologist's review, 2026-12-07, finding 10."""
    concept_classes = {SKOS.Concept, *ontology.transitive_subjects(RDFS.subClassOf, SKOS.Concept)}
    concepts = {
        c
        for cls in concept_classes
        for c in ontology.subjects(RDF.type, cls)
        if c in own_terms(ontology)
    }
    assert len(concepts) > 80
    wrong = sorted(
        str(c)
        for c in concepts
        if set(ontology.objects(c, SKOS.prefLabel)) != set(ontology.objects(c, RDFS.label))
    )
    assert wrong == []


def test_every_own_concept_is_in_a_scheme_and_every_scheme_has_top_concepts(
    ontology: Graph,
) -> None:
    """Every concept is skos:inScheme a declared scheme, and every scheme has top concepts
    (skos:topConceptOf, a sub-property of skos:inScheme), so a hierarchy browser does not show
    it empty; a top concept states both, as the schemes of domains.ttl do. A deprecated concept
    (owl:deprecated, with its dcterms:isReplacedBy) has left its scheme."""
    concept_classes = {SKOS.Concept, *ontology.transitive_subjects(RDFS.subClassOf, SKOS.Concept)}
    terms = set(own_terms(ontology))
    concepts = {
        c
        for cls in concept_classes
        for c in ontology.subjects(RDF.type, cls)
        if c in terms and (c, OWL.deprecated, Literal(True)) not in ontology
    }
    schemes = {s for s in ontology.subjects(RDF.type, SKOS.ConceptScheme) if s in terms}
    assert (
        sorted(str(c) for c in concepts if not set(ontology.objects(c, SKOS.inScheme)) & schemes)
        == []
    )
    assert sorted(str(s) for s in schemes if not set(ontology.subjects(SKOS.topConceptOf, s))) == []
    assert [
        (str(c), str(s))
        for c, s in ontology.subject_objects(SKOS.topConceptOf)
        if (c, SKOS.inScheme, s) not in ontology
    ] == []


def test_the_header_names_the_release_before_its_version_as_prior_version(
    ontology: Graph,
) -> None:
    """owl:priorVersion ("the annotation property that indicates the predecessor ontology of a
    given ontology", OWL 2's schema vocabulary) names the version IRI of the newest release
    older than the header's owl:versionInfo: setting the version for a release
    (docs/releases.md) moves it too. An ontologist's review, 2026-12-07, finding 11."""
    version = Version.parse(str(ontology.value(ONTOLOGY_IRI, OWL.versionInfo)))
    previous = latest_release(PROJECT_ROOT / "releases", before=version)
    expected = [] if previous is None else [URIRef(f"{ONTOLOGY_IRI}/{previous[0]}")]
    assert list(ontology.objects(ONTOLOGY_IRI, OWL.priorVersion)) == expected


def test_every_own_class_and_property_is_defined_by_the_ontology(ontology: Graph) -> None:
    """rdfs:isDefinedBy (RDFS: "the definition of the subject resource") on every bjo: class and
    property names the ontology IRI, as the W3C vocabularies do for their terms."""
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    terms = {t for kind in kinds for t in ontology.subjects(RDF.type, kind)} & set(
        own_terms(ontology)
    )
    assert len(terms) > 150
    wrong = sorted(
        str(t) for t in terms if list(ontology.objects(t, RDFS.isDefinedBy)) != [ONTOLOGY_IRI]
    )
    assert wrong == []
