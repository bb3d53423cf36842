"""The ontology triples that pySHACL's ``ont_graph`` option mixes into a data graph.

pySHACL "inoculates" the data graph with the ontology: every node typed with an RDFS or OWL
class (``owl:Class``, ``owl:ObjectProperty``, ``owl:NamedIndividual`` …) gets that typing, every
RDFS/OWL axiom (``rdfs:subClassOf``, ``rdfs:label``, ``owl:inverseOf`` …) is copied with its
blank nodes cloned, an ``owl:NamedIndividual`` is copied whole (every statement about it, and
about the IRIs it points to, ten levels deep), and the statements pointing to such an
individual follow. What is added does not depend on the data, so :func:`ontology_additions`
computes it once from the ontology, and the shacl check hands both engines data that already
holds it — instead of letting the engine copy the whole data graph to mix the ontology in.

This module follows pySHACL 0.40.1's ``rdfutil/inoculate.py`` and ``rdfutil/clone.py``
(Apache-2.0, © Ashley Sommer, CSIRO) step by step, to the same result without importing
pySHACL (0.2 s, which pyshacl-turbo runs need not pay); tests/validation/test_engines.py checks
the result against pySHACL's own ``inoculate`` on the project's ontology.
"""

from __future__ import annotations

from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

RDFS_CLASSES = (
    RDFS.Class,
    RDFS.Container,
    RDFS.ContainerMembershipProperty,
    RDFS.Datatype,
    RDFS.Literal,
    RDFS.Resource,
)
OWL_CLASSES = (
    OWL.AllDifferent,
    OWL.AllDisjointClasses,
    OWL.AllDisjointProperties,
    OWL.Annotation,
    OWL.AnnotationProperty,
    OWL.AsymmetricProperty,
    OWL.Axiom,
    OWL.Class,
    OWL.DataRange,
    OWL.DatatypeProperty,
    OWL.DeprecatedClass,
    OWL.DeprecatedProperty,
    OWL.FunctionalProperty,
    OWL.InverseFunctionalProperty,
    OWL.IrreflexiveProperty,
    OWL.NamedIndividual,
    OWL.NegativePropertyAssertion,
    OWL.ObjectProperty,
    OWL.Ontology,
    OWL.OntologyProperty,
    OWL.ReflexiveProperty,
    OWL.Restriction,
    OWL.SymmetricProperty,
    OWL.TransitiveProperty,
)
RDFS_PROPERTIES = (
    RDFS.comment,
    RDFS.domain,
    RDFS.isDefinedBy,
    RDFS.label,
    RDFS.member,
    RDFS.range,
    RDFS.seeAlso,
    RDFS.subClassOf,
    RDFS.subPropertyOf,
)
OWL_PROPERTIES = (
    OWL.allValuesFrom,
    OWL.annotatedProperty,
    OWL.annotatedSource,
    OWL.annotatedTarget,
    OWL.assertionProperty,
    OWL.cardinality,
    OWL.complementOf,
    OWL.datatypeComplementOf,
    OWL.differentFrom,
    OWL.disjointUnionOf,
    OWL.disjointWith,
    OWL.distinctMembers,
    OWL.equivalentClass,
    OWL.equivalentProperty,
    OWL.hasKey,
    OWL.hasSelf,
    OWL.hasValue,
    OWL.intersectionOf,
    OWL.inverseOf,
    OWL.maxCardinality,
    OWL.maxQualifiedCardinality,
    OWL.members,
    OWL.minCardinality,
    OWL.minQualifiedCardinality,
    OWL.onClass,
    OWL.onDataRange,
    OWL.onDatatype,
    OWL.onProperties,
    OWL.onProperty,
    OWL.oneOf,
    OWL.propertyChainAxiom,
    OWL.propertyDisjointWith,
    OWL.qualifiedCardinality,
    OWL.sameAs,
    OWL.someValuesFrom,
    OWL.sourceIndividual,
    OWL.targetIndividual,
    OWL.targetValue,
    OWL.unionOf,
    OWL.withRestrictions,
    OWL.backwardCompatibleWith,
    OWL.deprecated,
    OWL.incompatibleWith,
    OWL.priorVersion,
    OWL.versionInfo,
    OWL.bottomDataProperty,
    OWL.topDataProperty,
    OWL.bottomObjectProperty,
    OWL.topObjectProperty,
    OWL.imports,
    OWL.versionIRI,
)
"""The classes and properties pySHACL copies (``rdfutil/consts.py``), in its order."""

MAX_DEPTH = 10
"""pySHACL's clone depth: deeper nodes are copied as bare (blank) nodes."""


def ontology_additions(ontology: Graph) -> Graph:
    """The triples pySHACL's ``ont_graph`` option adds to any data graph, from ``ontology``.

    Blank nodes are fresh copies, as pySHACL makes them (so equal up to blank-node renaming).
    """
    return _Inoculation(ontology).run()


class _Inoculation:
    def __init__(self, ontology: Graph) -> None:
        self.source = ontology
        self.target = Graph()
        self.blank_copies: dict[Node, BNode] = {}
        self.individuals: dict[Node, Node] = {}

    def run(self) -> Graph:
        source, target = self.source, self.target
        for ontology_class in RDFS_CLASSES + OWL_CLASSES:
            for subject in list(source.subjects(RDF.type, ontology_class)):
                if isinstance(subject, BNode):
                    copy: Node = self._blank_copy(subject)
                elif ontology_class == OWL.NamedIndividual:
                    if subject not in self.individuals:
                        self.individuals[subject] = self._clone(subject, 0, deep=True)
                    copy = self.individuals[subject]
                else:
                    copy = URIRef(str(subject))
                target.add((copy, RDF.type, ontology_class))
        for predicate in RDFS_PROPERTIES + OWL_PROPERTIES:
            for subject, value in list(source.subject_objects(predicate)):
                target.add((self._shared(subject), predicate, self._shared(value)))
        for individual in self.individuals:
            for subject, link in list(source.subject_predicates(individual)):
                if isinstance(link, URIRef):
                    target.add((self._shared(subject), link, individual))
        return target

    def _shared(self, node: Node) -> Node:
        """A blank node's one copy for the top-level axioms; other nodes as they are."""
        return self._blank_copy(node) if isinstance(node, BNode) else node

    def _blank_copy(self, node: BNode) -> BNode:
        if node not in self.blank_copies:
            self.blank_copies[node] = self._clone_blank(node, 0)
        return self.blank_copies[node]

    def _clone(self, node: Node, depth: int, *, deep: bool = False) -> Node:
        """pySHACL's ``clone_node``: literals re-made, blank nodes copied, IRIs copied whole
        when ``deep``."""
        if isinstance(node, Literal):
            return Literal(str(node), node.language, node.datatype)
        if isinstance(node, BNode):
            return self._clone_blank(node, depth + 1)
        copy = URIRef(str(node))
        if not deep or depth >= MAX_DEPTH:
            return copy
        predicates = set(self.source.predicates(node))
        if RDF.first in predicates:
            return self._clone_list(node, depth)
        for predicate in predicates:
            # (pySHACL copies ``x owl:sameAs x`` shallowly, but tests for it by object identity
            # with its own constants, which never holds for graphs built by to_rdflib_graph.)
            for value in list(self.source.objects(node, predicate)):
                self.target.add((copy, predicate, self._clone(value, depth + 1, deep=True)))
        return copy

    def _clone_blank(self, node: BNode, depth: int) -> BNode:
        """pySHACL's ``clone_blank_node``: a fresh blank node with copies of what ``node`` says."""
        copy = BNode()
        if depth >= MAX_DEPTH:
            return copy
        predicates = set(self.source.predicates(node))
        if RDF.first in predicates:
            clone = self._clone_list(node, depth)
            assert isinstance(clone, BNode)
            return clone
        for predicate in predicates:
            for value in list(self.source.objects(node, predicate)):
                self.target.add((copy, predicate, self._clone(value, depth + 1)))
        return copy

    def _clone_list(self, node: Node, depth: int) -> Node:
        """pySHACL's ``clone_list``: the RDF list's items cloned into a new list."""
        copy: Node = BNode() if isinstance(node, BNode) else URIRef(str(node))
        items = Collection(self.target, copy)
        for item in list(self.source.items(node)):
            items.append(self._clone(item, depth + 1))
        return copy
