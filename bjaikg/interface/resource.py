"""What the graph says about one resource: the content of its page at ``/id/<slug>``.

Every query here is the project's own, about one IRI written in as a
:class:`pyoxigraph.NamedNode` (which refuses anything that is not an IRI), so the same text goes
to the embedded store and to an external one: a sub-select must be about the resource itself,
which a ``VALUES`` block or ``substitutions`` in front of the query would not bind. Values carry
their labels from the :class:`~bjaikg.interface.labels.LabelIndex`, so the page never shows a
raw IRI where a label is known.

A page costs the same whatever the resource's degree: outgoing statements are read at most
:data:`OUTGOING_LIMIT` rows and incoming relations :data:`INCOMING_LIMIT`, each by a LIMITed
sub-select that the store can stop early (only the rows kept are sorted), and the page says
when a list was cut. Hazard: which rows a cut list keeps is the store's choice (the first it
finds), not the first in sorted order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from bjaikg.interface.labels import (
    ALTERNATIVE_LABELS,
    PREFERRED_LABELS,
    LabelIndex,
    Name,
    expand,
    local_address,
)
from bjaikg.namespaces import shorten
from bjaikg.store import INFERRED_GRAPH, KnowledgeGraph, is_true, term_value

RdfTerm = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
"""Any term pyoxigraph returns in a solution."""

INCOMING_LIMIT = 100
"""At most this many incoming relations on a page; one more is asked for, to know it was cut."""
OUTGOING_LIMIT = 1000
"""At most this many rows of outgoing statements (unnamed nodes' included) on a page."""
UNNAMED_DEPTH = 2
"""Unnamed (blank) objects are described this many levels deep."""

RDF_TYPE = expand("rdf:type")
QUOTE = expand("bjo:quote")
PARAGRAPH = expand("bjo:paragraph")
DERIVED_FROM = expand("prov:wasDerivedFrom")
DEPRECATED = expand("owl:deprecated")
REPLACED_BY = expand("dcterms:isReplacedBy")
EXTERNAL_LINK_PROPERTIES = frozenset(
    expand(name)
    for name in (
        "skos:exactMatch",
        "skos:closeMatch",
        "owl:sameAs",
        "schema:sameAs",
        "schema:url",
        "foaf:page",
    )
)
SHOWN_ELSEWHERE = frozenset(
    {RDF_TYPE, QUOTE, PARAGRAPH} | {expand(name) for name in PREFERRED_LABELS + ALTERNATIVE_LABELS}
)
"""Properties the page shows in its own sections rather than in the property table."""


@dataclass(frozen=True)
class Term:
    """An IRI with the label to show and where to follow it (``address``)."""

    iri: str
    label: str
    label_language: str
    address: str

    @property
    def is_local(self) -> bool:
        """Whether the link stays on this server."""
        return not self.address.startswith(("http://", "https://"))


@dataclass
class Value:
    """One object of a statement: an IRI (``term``), a literal or an unnamed node."""

    text: str
    term: Term | None = None
    language: str = ""
    datatype: str = ""
    inferred: bool = False
    nested: list[Statement] = field(default_factory=list)


@dataclass
class Statement:
    """A property with its values, in the order the page lists them."""

    property: Term
    values: list[Value]


@dataclass(frozen=True)
class ExternalLink:
    """A link out of the graph (Wikidata, GeoNames, ROR, a website) and what it is."""

    url: str
    site: str
    property: Term


@dataclass(frozen=True)
class SourceLine:
    """One source of a resource: the document, page or dataset row, and — for a row — the
    dataset it belongs to; with the citation and licence of the registered source."""

    source: Term
    dataset: Term | None
    citation: str | None
    licence: str | None
    url: str | None


_SOURCE_LINES = """
SELECT ?source ?dataset ?citation ?licence ?url WHERE {
  {node} <http://www.w3.org/ns/prov#wasDerivedFrom> ?source .
  OPTIONAL { ?source <http://purl.org/dc/terms/isPartOf> ?dataset }
  BIND(COALESCE(?dataset, ?source) AS ?registered)
  OPTIONAL { ?registered <http://purl.org/dc/terms/bibliographicCitation> ?citation }
  OPTIONAL { ?registered <http://purl.org/dc/terms/license> ?licence }
  OPTIONAL { ?source <https://schema.org/url> ?url }
} ORDER BY ?source
"""


def source_lines(
    graph: KnowledgeGraph, index: LabelIndex, node: ox.NamedNode, language: str
) -> list[SourceLine]:
    """The sources ``node`` is derived from, each with what a reader needs to cite it."""
    result = graph.query(_SOURCE_LINES.replace("{node}", str(node)))
    assert isinstance(result, ox.QuerySolutions)

    return [
        SourceLine(
            source=make_term(index, row["source"].value, language),
            dataset=make_term(index, row["dataset"].value, language) if row["dataset"] else None,
            citation=term_value(row["citation"]),
            licence=term_value(row["licence"]),
            url=term_value(row["url"]),
        )
        for row in result
    ]


@dataclass
class ResourceDescription:
    """Everything the resource page shows."""

    iri: str
    label: str
    names: list[Name]
    types: list[Term]
    statements: list[Statement]
    statements_cut: bool
    """More than :data:`OUTGOING_LIMIT` rows: the statements shown are a part."""
    incoming: list[tuple[Term, Term]]
    incoming_cut: bool
    """More than :data:`INCOMING_LIMIT` incoming relations: the first found are shown."""
    sources: list[SourceLine]
    quotes: list[tuple[str, str]]
    """Each quote with its language tag (a web page may be quoted in English)."""
    paragraphs: list[str]
    external_links: list[ExternalLink]
    deprecated: bool = False
    """``owl:deprecated true``: the IRI is kept so links still resolve; see ``replaced_by``."""
    replaced_by: list[Term] = field(default_factory=list)


def make_term(index: LabelIndex, iri: str, language: str) -> Term:
    """The :class:`Term` for ``iri``: its label in ``language`` and its local or own address."""
    label, label_language = index.label_and_language(iri, language)
    return Term(iri, label, label_language, local_address(iri) or iri)


def make_value(index: LabelIndex, node: RdfTerm, language: str, inferred: bool) -> Value:
    """A :class:`Value` for an object term of the store."""
    if isinstance(node, ox.NamedNode):
        term = make_term(index, node.value, language)
        return Value(text=term.label, term=term, inferred=inferred)
    if isinstance(node, ox.Literal):
        datatype = "" if node.language else shorten(node.datatype.value)
        if datatype in ("xsd:string", "rdf:langString"):
            datatype = ""
        return Value(node.value, language=node.language or "", datatype=datatype, inferred=inferred)
    return Value(text="", inferred=inferred)


def site_of(url: str) -> str:
    """A short name for the site an external link goes to."""
    known = {
        "http://www.wikidata.org/entity/": "Wikidata",
        "http://sws.geonames.org/": "GeoNames",
        "https://ror.org/": "ROR",
    }
    for start, name in known.items():
        if url.startswith(start):
            return f"{name} {url[len(start) :].strip('/')}"
    return url.split("//", 1)[-1].split("/", 1)[0]


Row = tuple[str, RdfTerm, bool]
"""(property IRI, object, only-inferred) of one statement."""


@dataclass
class Description:
    """The statements about a resource and about the unnamed nodes under it (``nested``, by
    node, :data:`UNNAMED_DEPTH` levels deep), read in one query; ``cut`` when the rows were
    more than the limit asked for."""

    rows: list[Row]
    nested: dict[ox.BlankNode, list[Row]]
    cut: bool = False

    def triples(self, node: ox.NamedNode) -> list[ox.Triple]:
        """The statements as triples, the resource's first, then each unnamed node's."""
        subjects: list[tuple[ox.NamedNode | ox.BlankNode, list[Row]]] = [(node, self.rows)]
        subjects += self.nested.items()
        return [
            ox.Triple(subject, ox.NamedNode(property_iri), value)
            for subject, rows in subjects
            for property_iri, value, _ in rows
        ]


_DESCRIPTION = """
SELECT ?parent ?property ?value (MIN(?graph = {inferred}) AS ?onlyInferred) (COUNT(*) AS ?copies)
WHERE {{
  {{ SELECT ?parent ?property ?value ?graph WHERE {{
      {{ GRAPH ?graph {{ {node} ?property ?value }} BIND({node} AS ?parent) }}
      UNION {{ {node} ?first ?parent . FILTER(isBlank(?parent))
              GRAPH ?graph {{ ?parent ?property ?value }} }}
      UNION {{ {node} ?first ?middle . ?middle ?second ?parent
              FILTER(isBlank(?middle) && isBlank(?parent))
              GRAPH ?graph {{ ?parent ?property ?value }} }}
  }} {limit} }}
}} GROUP BY ?parent ?property ?value ORDER BY ?property ?value
"""
"""The statements of a resource and of the unnamed nodes two levels under it, in one answer:
blank nodes keep their identity within one answer, also from an external store, where they
cannot be named in a later query. ``?copies`` counts the rows behind each statement (one per
graph that holds it), so that the rows read can be compared with the limit."""


def read_description(
    graph: KnowledgeGraph, node: ox.NamedNode, limit: int | None = OUTGOING_LIMIT
) -> Description:
    """What the store says about ``node`` and the unnamed nodes under it, in
    :data:`_DESCRIPTION`'s order; at most ``limit`` rows (``None``: all)."""
    bound = "" if limit is None else f"LIMIT {limit + 1}"
    text = _DESCRIPTION.format(inferred=INFERRED_GRAPH, node=node, limit=bound)
    result = graph.query(text)
    assert isinstance(result, ox.QuerySolutions)
    solutions = list(result)
    copies = sum(int(solution["copies"].value) for solution in solutions)
    cut = limit is not None and copies > limit
    description = Description(rows=[], nested={}, cut=cut)
    for solution in solutions[:-1] if cut else solutions:  # one row was read to see the cut
        parent = solution["parent"]
        row = (solution["property"].value, solution["value"], is_true(solution["onlyInferred"]))
        if parent == node:
            description.rows.append(row)
        elif isinstance(parent, ox.BlankNode):
            description.nested.setdefault(parent, []).append(row)
    return description


def group_statements(
    index: LabelIndex,
    rows: list[Row],
    nested: dict[ox.BlankNode, list[Row]],
    language: str,
    depth: int = UNNAMED_DEPTH,
) -> list[Statement]:
    """Group (property, object, inferred) rows into statements, properties ordered by label;
    an unnamed (blank) object is described inline from ``nested``, ``depth`` levels deep."""
    by_property: dict[str, list[Value]] = {}
    for property_iri, node, inferred in rows:
        value = make_value(index, node, language, inferred)
        if isinstance(node, ox.BlankNode) and depth > 0:
            inner = nested.get(node, [])
            value.nested = group_statements(index, inner, nested, language, depth - 1)
        by_property.setdefault(property_iri, []).append(value)
    statements = [
        Statement(make_term(index, property_iri, language), values)
        for property_iri, values in by_property.items()
    ]
    return sorted(statements, key=lambda statement: statement.property.label.lower())


def describe_resource(
    graph: KnowledgeGraph, index: LabelIndex, iri: str, language: str
) -> ResourceDescription | None:
    """What the graph says about ``iri`` (outgoing and incoming), or ``None`` if nothing."""
    node = ox.NamedNode(iri)
    description = read_description(graph, node)
    rows = description.rows
    incoming, incoming_cut = incoming_relations(graph, index, node, language)
    if not rows and not incoming:
        return None
    shown = [row for row in rows if row[0] not in SHOWN_ELSEWHERE]
    statements = group_statements(index, shown, description.nested, language)

    def iris(property_iri: str) -> list[str]:
        return [o.value for p, o, _ in rows if p == property_iri and isinstance(o, ox.NamedNode)]

    def texts(property_iri: str) -> list[str]:
        return [o.value for p, o, _ in rows if p == property_iri and isinstance(o, ox.Literal)]

    return ResourceDescription(
        iri=iri,
        label=index.label(iri, language),
        names=index.names.get(iri, []),
        types=sorted(
            (make_term(index, type_iri, language) for type_iri in iris(RDF_TYPE)),
            key=lambda term: (not term.is_local, term.label.lower()),
        ),
        statements=statements,
        statements_cut=description.cut,
        incoming=incoming,
        incoming_cut=incoming_cut,
        sources=source_lines(graph, index, node, language),
        quotes=[
            (o.value, o.language or "")
            for p, o, _ in rows
            if p == QUOTE and isinstance(o, ox.Literal)
        ],
        paragraphs=sorted(texts(PARAGRAPH), key=_number_first),
        external_links=[
            ExternalLink(url, site_of(url), make_term(index, property_iri, language))
            for property_iri in sorted(EXTERNAL_LINK_PROPERTIES)
            for url in iris(property_iri)
        ],
        deprecated=any(
            is_true(o) for p, o, _ in rows if p == DEPRECATED and isinstance(o, ox.Literal)
        ),
        replaced_by=[make_term(index, successor, language) for successor in iris(REPLACED_BY)],
    )


def _number_first(text: str) -> tuple[int, str]:
    return (int(text), text) if text.isdigit() else (1 << 30, text)


_INCOMING = """
SELECT ?subject ?property WHERE {{
  {{ SELECT DISTINCT ?subject ?property WHERE {{
      ?subject ?property {node} . FILTER(isIRI(?subject))
  }} LIMIT {limit} }}
}} ORDER BY ?property ?subject
"""


def incoming_relations(
    graph: KnowledgeGraph, index: LabelIndex, node: ox.NamedNode, language: str
) -> tuple[list[tuple[Term, Term]], bool]:
    """(subject, property) of the statements whose object is ``node`` (IRI subjects only),
    ordered by property and subject: at most :data:`INCOMING_LIMIT` of them, the first the
    store finds, and whether there were more."""
    result = graph.query(_INCOMING.format(node=node, limit=INCOMING_LIMIT + 1))
    assert isinstance(result, ox.QuerySolutions)
    properties: dict[str, Term] = {}  # a hub's links share a few properties
    relations = []
    for row in result:
        property_iri = row["property"].value
        if property_iri not in properties:
            properties[property_iri] = make_term(index, property_iri, language)
        relations.append(
            (make_term(index, row["subject"].value, language), properties[property_iri])
        )
    return relations[:INCOMING_LIMIT], len(relations) > INCOMING_LIMIT


def incoming_listing(iri: str) -> str:
    """The query that lists every incoming relation of ``iri``, for the query editor."""
    return (
        "SELECT DISTINCT ?subject ?property WHERE {\n"
        f"  ?subject ?property {ox.NamedNode(iri)} . FILTER(isIRI(?subject))\n"
        "} ORDER BY ?property ?subject\n"
    )
