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
when a list was cut; so are a policy's issuance records (:data:`RECORD_LIMIT`). Hazard: which
rows a cut list keeps is the store's choice (the first it finds), not the first in sorted order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pyoxigraph as ox

from bjaikg.interface.labels import (
    ALTERNATIVE_LABELS,
    HIDDEN_LABELS,
    PREFERRED_LABELS,
    LabelIndex,
    Name,
    local_address,
)
from bjaikg.namespaces import XSD_INTEGER, expand, shorten
from bjaikg.store import INFERRED_GRAPH, KnowledgeGraph, is_true, term_value

RdfTerm = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
"""Any term pyoxigraph returns in a solution."""

INCOMING_LIMIT = 100
"""At most this many incoming relations on a page; one more is asked for, to know it was cut."""
OUTGOING_LIMIT = 1000
"""At most this many rows of outgoing statements (unnamed nodes' included) on a page."""
UNNAMED_DEPTH = 2
"""Unnamed (blank) objects are described this many levels deep."""
RECORD_LIMIT = 50
"""At most this many issuance records of a policy on its page; one more is asked for, to know
it was cut (the project's policies have at most six)."""
QUOTES_SHOWN_LENGTH = 80
"""A record's quotes are shown open on its policy's page when they hold at most this many
characters together, else collapsed (a long quote in a narrow column of the records' table)."""

RDF_TYPE = expand("rdf:type")
QUOTE = expand("bjo:quote")
PARAGRAPH = expand("bjo:paragraph")
DERIVED_FROM = expand("prov:wasDerivedFrom")
QUALIFIED_DERIVATION = expand("prov:qualifiedDerivation")
DERIVATION_SOURCE = expand("prov:entity")
DEPRECATED = expand("owl:deprecated")
REPLACED_BY = expand("dcterms:isReplacedBy")
SEARCH_NOTE = expand("skos:editorialNote")
ISSUANCE_OF = expand("bjo:issuanceOf")
ISSUED_BY = expand("bjo:issuedBy")
TARGETS = expand("bjo:targets")
OFFICIAL_TITLE = expand("bjo:officialTitle")
DOCUMENT_TYPE = expand("bjo:documentType")
DOCUMENT_NUMBER = expand("bjo:documentNumber")
IMPLEMENTS_POLICY = expand("bjo:implementsPolicy")
NOTE = expand("skos:note")
RECORD_DATES = {
    "issued": expand("dcterms:issued"),
    "in_force": expand("eli:first_date_entry_in_force"),
}
"""The dates of an issuance record, by the key of their word on the page (``WORDS``)."""
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
    {RDF_TYPE, QUOTE, PARAGRAPH, QUALIFIED_DERIVATION, SEARCH_NOTE, DERIVED_FROM}
    | {expand(name) for name in PREFERRED_LABELS + ALTERNATIVE_LABELS + HIDDEN_LABELS}
)
"""Properties the page shows in its own sections rather than in the property table (the
sources in theirs, rows in row order; hidden labels nowhere: they are for search; the RDF forms
hold them all)."""


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
    lexical: str = ""
    """The literal as written, when ``text`` shows it otherwise (a large double)."""


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
    dataset it belongs to and its number in the dataset (``csvw:rownum``) where the graph gives
    one; with the citation and licence of the registered source, and the quotes the resource's
    qualified derivation of this source pairs with it."""

    source: Term
    dataset: Term | None
    citation: tuple[str, str] | None
    """The registered source's citation with its language tag (``""`` for none)."""
    licence: str | None
    url: str | None
    quotes: list[tuple[str, str]] = field(default_factory=list)
    rownum: int | None = None


@dataclass(frozen=True)
class DatasetRows:
    """The rows of one source dataset that a resource derives from, as one entry: the dataset
    cited once (its citations and licences, each distinct, sorted) and the rows by IRI, each a
    :class:`SourceLine` with any quotes paired with it."""

    dataset: Term
    citations: list[tuple[str, str]]
    """Each with its language tag, as :attr:`SourceLine.citation`."""
    licences: list[str]
    rows: list[SourceLine]


@dataclass(frozen=True)
class DatasetNames:
    """Other names of a resource that source datasets state (a table's spellings), apart from
    the names the project gives it: the datasets (by IRI) and the names (in the
    :class:`~bjaikg.interface.labels.LabelIndex`'s order)."""

    datasets: list[Term]
    names: list[Name]


@dataclass
class IssuanceRecord:
    """One ``bjo:PolicyIssuance`` of a policy: its issuing as one source reports it, with the
    dates (each with the key of its word, ``issued`` or ``in_force``), the issuing bodies, what
    it says of the document (official titles with their language tags, document types, document
    numbers, the policies it implements), the targets and the source pages, each page with its
    URL when the graph gives one."""

    record: Term
    dates: list[tuple[str, str]] = field(default_factory=list)
    issuers: list[Term] = field(default_factory=list)
    titles: list[tuple[str, str]] = field(default_factory=list)
    document_types: list[Term] = field(default_factory=list)
    document_numbers: list[str] = field(default_factory=list)
    implements: list[Term] = field(default_factory=list)
    targets: list[Term] = field(default_factory=list)
    sources: list[tuple[Term, str | None]] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)
    """What a reviewer noted of the record (``skos:note``), with its language tag."""
    quotes: list[tuple[str, str]] = field(default_factory=list)
    """The sentences of its source that state the record (``bjo:quote``), with their language
    tags."""
    paragraphs: list[str] = field(default_factory=list)
    """The paragraphs of the source that hold the quotes (``bjo:paragraph``), where given."""

    @property
    def quotes_collapsed(self) -> bool:
        """Whether the quotes are long enough to be collapsed (:data:`QUOTES_SHOWN_LENGTH`)."""
        return sum(len(quote) for quote, _ in self.quotes) > QUOTES_SHOWN_LENGTH

    def linked(self, property_iri: str) -> list[Term] | None:
        """The list of linked values that ``property_iri`` fills (issuers, document types,
        policies implemented, targets); ``None`` for another property."""
        return {
            ISSUED_BY: self.issuers,
            DOCUMENT_TYPE: self.document_types,
            IMPLEMENTS_POLICY: self.implements,
            TARGETS: self.targets,
        }.get(property_iri)


@dataclass
class ResourceDescription:
    """Everything the resource page shows."""

    iri: str
    label: str
    label_language: str
    names: list[Name]
    """The labels and the other names, but those only source datasets state (``dataset_names``)."""
    types: list[Term]
    statements: list[Statement]
    statements_cut: bool
    """More than :data:`OUTGOING_LIMIT` rows: the statements shown are a part."""
    incoming: list[tuple[Term, Term]]
    incoming_cut: bool
    """More than :data:`INCOMING_LIMIT` incoming relations: the first found are shown."""
    sources: list[SourceLine]
    """The sources that are not rows of a dataset (documents, pages), those with quotes paired
    with them first, then by IRI."""
    datasets: list[DatasetRows]
    """The rows of datasets the resource derives from, one entry per dataset, by dataset IRI."""
    quotes: list[tuple[str, str]]
    """Each quote on the resource itself with its language tag (a web page may be quoted in
    English); quotes paired with a source are on its :class:`SourceLine`."""
    paragraphs: list[str]
    external_links: list[ExternalLink]
    search_notes: list[tuple[str, str]]
    """Each ``skos:editorialNote`` with its language tag: what was searched for the resource
    (links to other graphs), shown apart from the statements."""
    deprecated: bool = False
    """``owl:deprecated true``: the IRI is kept so links still resolve; see ``replaced_by``."""
    replaced_by: list[Term] = field(default_factory=list)
    records: list[IssuanceRecord] = field(default_factory=list)
    """The issuance records of a policy (``bjo:issuanceOf`` it), the earliest first."""
    stated: IssuanceRecord | None = None
    """A policy with records: what it states itself of the same properties, to compare."""
    records_cut: bool = False
    """More than :data:`RECORD_LIMIT` records: the first found are shown."""
    dataset_names: list[DatasetNames] = field(default_factory=list)
    """The other names that only source datasets state, one entry per set of datasets."""

    @property
    def has_inferred(self) -> bool:
        """Whether a value of the statements shown (not of nested nodes) is only inferred."""
        return any(value.inferred for statement in self.statements for value in statement.values)


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
        if datatype in ("xsd:double", "xsd:float"):
            text = readable_double(node.value)
        else:
            text = grouped_digits(node.value) if datatype in DECIMAL_TYPES else None
        return Value(
            text or node.value,
            language=node.language or "",
            datatype=datatype,
            inferred=inferred,
            lexical=node.value if text else "",
        )
    return Value(text="", inferred=inferred)


SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
DOUBLE = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
"""xsd:double's lexical space without INF and NaN."""


def readable_double(lexical: str) -> str | None:
    """A floating-point literal of 10⁶ or more (or under 10⁻³) in scientific notation with four
    significant digits, as a reader compares such figures (training compute in FLOP: 7.344 ×
    10²³); ``None`` for other values and for text that is no number.

    >>> readable_double("734400000000000000000000"), readable_double("0.5"), readable_double("1_0")
    ('7.344 × 10²³', None, None)
    """
    if not DOUBLE.fullmatch(lexical):  # float() would also take "1_000" and " 1"
        return None
    number = float(lexical)
    if number == 0 or 1e-3 <= abs(number) < 1e6:
        return None
    mantissa, exponent = f"{number:.3e}".split("e")
    return f"{mantissa.rstrip('0').rstrip('.')} × 10{str(int(exponent)).translate(SUPERSCRIPTS)}"


DECIMAL_TYPES = frozenset(
    f"xsd:{name}"
    for name in ("decimal", "integer", "nonNegativeInteger", "positiveInteger", "long", "int")
)
"""Datatypes whose values a page writes with grouped digits (:func:`grouped_digits`)."""
DECIMAL = re.compile(r"([+-]?)([0-9]+)(\.[0-9]+)?")


def grouped_digits(lexical: str) -> str | None:
    """An integer or decimal literal of five or more digits before its point with them grouped
    by three, as a reader counts them (450,000,000,000); ``None`` for shorter numbers and for
    text that is no such number.

    >>> grouped_digits("450000000000"), grouped_digits("4500.0"), grouped_digits("-12345.50")
    ('450,000,000,000', None, '-12,345.50')
    """
    match = DECIMAL.fullmatch(lexical)
    if match is None or len(match[2]) < 5:
        return None
    return f"{match[1]}{int(match[2]):,}{match[3] or ''}"


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
RecordRow = tuple[str, str, RdfTerm, str | None]
"""(record IRI, property IRI, value, the value's ``schema:url``) of an issuance record."""
NameRow = tuple[RdfTerm, str, str | None]
"""(other name, the named graph stating it, a dataset whose rows that graph derives the
resource from, or ``None``) of a resource."""


@dataclass
class Description:
    """The statements about a resource and about the unnamed nodes under it (``nested``, by
    node, :data:`UNNAMED_DEPTH` levels deep), read in one query; ``cut`` when the rows were
    more than the limit asked for. With its neighbours (same query): the (subject, property)
    IRIs of its incoming relations, at most :data:`INCOMING_LIMIT` (``incoming_cut`` when
    there were more), the rows of its sources (``source``, ``dataset``, ``citation``,
    ``licence``, ``url``), the (record, property, value, page URL) rows of the issuance
    records of a policy, at most :data:`RECORD_LIMIT` records (``records_cut`` when there were
    more), and the rows of its other names with the graphs that state them
    (:data:`NameRow`)."""

    rows: list[Row]
    nested: dict[ox.BlankNode, list[Row]]
    cut: bool = False
    incoming: list[tuple[str, str]] = field(default_factory=list)
    incoming_cut: bool = False
    sources: list[ox.QuerySolution] = field(default_factory=list)
    records: list[RecordRow] = field(default_factory=list)
    records_cut: bool = False
    names: list[NameRow] = field(default_factory=list)

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
  {{ SELECT ?parent ?property ?value (MIN(?graph = {inferred}) AS ?onlyInferred)
            (COUNT(*) AS ?copies) WHERE {{
    {{ SELECT ?parent ?property ?value ?graph WHERE {{
        {{ GRAPH ?graph {{ {node} ?property ?value }} BIND({node} AS ?parent) }}
        UNION {{ {node} ?first ?parent . FILTER(isBlank(?parent))
                GRAPH ?graph {{ ?parent ?property ?value }} }}
        UNION {{ {node} ?first ?middle . ?middle ?second ?parent
                FILTER(isBlank(?middle) && isBlank(?parent))
                GRAPH ?graph {{ ?parent ?property ?value }} }}
    }} {limit} }}
  }} GROUP BY ?parent ?property ?value }}
"""
"""The statements of a resource and of the unnamed nodes two levels under it, in one answer:
blank nodes keep their identity within one answer, also from an external store, where they
cannot be named in a later query. ``?copies`` counts the rows behind each statement (one per
graph that holds it), so that the rows read can be compared with the limit."""

_NEIGHBOURS = """
  UNION {{ SELECT DISTINCT ?subject ?incoming WHERE {{
      ?subject ?incoming {node} . FILTER(isIRI(?subject))
  }} LIMIT {incoming_limit} }}
  UNION {{ SELECT DISTINCT ?source ?dataset ?rownum ?citation ?licence ?url WHERE {{
    {node} <http://www.w3.org/ns/prov#wasDerivedFrom> ?source .
    OPTIONAL {{ ?source <http://purl.org/dc/terms/isPartOf> ?dataset
               OPTIONAL {{ ?source <http://www.w3.org/ns/csvw#rownum> ?rownum }} }}
    BIND(COALESCE(?dataset, ?source) AS ?registered)
    OPTIONAL {{ ?registered <http://purl.org/dc/terms/bibliographicCitation> ?citation }}
    OPTIONAL {{ ?registered <http://purl.org/dc/terms/license> ?licence }}
    OPTIONAL {{ ?source <https://schema.org/url> ?url }}
  }} }}
  UNION {{ SELECT DISTINCT ?record ?recordProperty ?recordValue ?pageUrl WHERE {{
    {{ SELECT DISTINCT ?record WHERE {{
        ?record <https://w3id.org/bjaikg/ontology#issuanceOf> {node} . FILTER(isIRI(?record))
    }} LIMIT {record_limit} }}
    ?record ?recordProperty ?recordValue . FILTER(?recordProperty IN ({record_properties}))
    OPTIONAL {{ ?recordValue <https://schema.org/url> ?pageUrl }}
  }} }}
  UNION {{ SELECT DISTINCT ?otherName ?nameGraph ?nameDataset WHERE {{
    GRAPH ?nameGraph {{ {node} {alternative_labels} ?otherName }} FILTER(?nameGraph != {inferred})
    OPTIONAL {{ GRAPH ?nameGraph {{ {node} <http://www.w3.org/ns/prov#wasDerivedFrom> ?nameRow }}
               ?nameRow <http://purl.org/dc/terms/isPartOf> ?nameDataset }}
  }} }}
"""
"""The incoming relations (a LIMITed sub-select the store can stop early), the sources of a
resource and, for a policy, what its page shows of its issuance records (the records chosen by a
LIMITed sub-select; ``bjo:issuanceOf`` is among the properties read so that a record with
nothing else is still listed) and its other names (``skos:altLabel``, ``schema:alternateName``),
each with the named graph (a file) stating it and the datasets whose rows that graph derives the
resource from (:func:`split_names`), as further branches of :data:`_DESCRIPTION`'s query: a page
is one round trip to the store. A source's row number (``csvw:rownum``) is read only for a row of a
dataset, so that a number stated of another source cannot double its line. The records' properties
are a ``FILTER … IN``: with a ``VALUES`` block there pyoxigraph read every statement of them in the
graph before the join, on every page (figures in e37dfc1's message); the other names' two properties
are a path of alternatives (a bound predicate each: with ``FILTER … IN`` every statement of the
resource, in every graph, was read for them, on every page). Hazard: all of a record's values of
these properties are read (the project's records state a few dates, issuers, titles, targets and
quotes each). The sources and the records' rows are DISTINCT: the default graph, a union of one
graph per file, gives a statement made in two files twice (the validator refuses that in the
project's data, but a served store may hold other data). Each branch binds its own variables. The
answer is ordered by ``?property ?value`` only (the statements; the other rows, with both unbound,
come first): the incoming relations (by property, then subject), the sources (by source) and the
records (:func:`issuance_records`) are sorted after reading, as strings, which for IRIs is SPARQL's
order — sorting them in the store by three more keys cost more than the two round trips saved
(bench/STORES.md)."""

RECORD_PROPERTIES = (
    ISSUANCE_OF,
    *RECORD_DATES.values(),
    ISSUED_BY,
    OFFICIAL_TITLE,
    DOCUMENT_TYPE,
    DOCUMENT_NUMBER,
    IMPLEMENTS_POLICY,
    TARGETS,
    DERIVED_FROM,
    NOTE,
    QUOTE,
    PARAGRAPH,
)
"""What the page shows of an issuance record; the source's URL comes with it."""
STATED_ELSEWHERE = frozenset({NOTE, QUOTE, PARAGRAPH})
"""Of :data:`RECORD_PROPERTIES`, those a policy's page shows of the policy itself in other
sections (its notes among its statements, its quotes and paragraphs under its sources), so not
in the row of what it states."""


def read_description(
    graph: KnowledgeGraph,
    node: ox.NamedNode,
    limit: int | None = OUTGOING_LIMIT,
    *,
    neighbours: bool = False,
) -> Description:
    """What the store says about ``node`` and the unnamed nodes under it, in
    :data:`_DESCRIPTION`'s order; at most ``limit`` rows (``None``: all); with ``neighbours``,
    its incoming relations, sources and issuance records too (:data:`_NEIGHBOURS`), in the same
    query."""
    bound = "" if limit is None else f"LIMIT {limit + 1}"
    branches = _DESCRIPTION.format(inferred=INFERRED_GRAPH, node=node, limit=bound)
    if neighbours:
        branches += _NEIGHBOURS.format(
            node=node,
            incoming_limit=INCOMING_LIMIT + 1,
            record_limit=RECORD_LIMIT + 1,
            record_properties=", ".join(f"<{iri}>" for iri in RECORD_PROPERTIES),
            alternative_labels="|".join(f"<{expand(name)}>" for name in ALTERNATIVE_LABELS),
            inferred=INFERRED_GRAPH,
        )
    result = graph.query(
        "SELECT ?parent ?property ?value ?onlyInferred ?copies ?subject ?incoming"
        " ?source ?dataset ?rownum ?citation ?licence ?url ?record ?recordProperty ?recordValue"
        " ?pageUrl ?otherName ?nameGraph ?nameDataset"
        f" WHERE {{{branches}}} ORDER BY ?property ?value"
    )
    assert isinstance(result, ox.QuerySolutions)
    description = Description(rows=[], nested={})
    statements = []
    for solution in result:
        if solution["parent"] is not None:
            statements.append(solution)
        elif solution["subject"] is not None:
            description.incoming.append((solution["subject"].value, solution["incoming"].value))
        elif solution["record"] is not None:
            description.records.append(
                (
                    solution["record"].value,
                    solution["recordProperty"].value,
                    solution["recordValue"],
                    term_value(solution["pageUrl"]),
                )
            )
        elif solution["otherName"] is not None:
            description.names.append(
                (
                    solution["otherName"],
                    solution["nameGraph"].value,
                    term_value(solution["nameDataset"]),
                )
            )
        else:
            description.sources.append(solution)
    copies = sum(int(solution["copies"].value) for solution in statements)
    description.cut = limit is not None and copies > limit
    for solution in statements[:-1] if description.cut else statements:  # one more was read
        parent = solution["parent"]
        row = (solution["property"].value, solution["value"], is_true(solution["onlyInferred"]))
        if parent == node:
            description.rows.append(row)
        elif isinstance(parent, ox.BlankNode):
            description.nested.setdefault(parent, []).append(row)
    description.incoming.sort(key=lambda relation: (relation[1], relation[0]))
    description.sources.sort(key=lambda solution: solution["source"].value)
    description.incoming_cut = len(description.incoming) > INCOMING_LIMIT
    del description.incoming[INCOMING_LIMIT:]
    records = sorted({record for record, *_ in description.records})
    description.records_cut = len(records) > RECORD_LIMIT
    if description.records_cut:  # one more was read: leave out the last by IRI
        description.records = [row for row in description.records if row[0] != records[-1]]
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
    description = read_description(graph, node, neighbours=True)
    rows = description.rows
    incoming = incoming_terms(index, description.incoming, language)
    if not rows and not incoming:
        return None
    shown = [row for row in rows if row[0] not in SHOWN_ELSEWHERE]
    paired = paired_quotes(rows, description.nested)
    statements = group_statements(index, shown, description.nested, language)

    def iris(property_iri: str) -> list[str]:
        return [o.value for p, o, _ in rows if p == property_iri and isinstance(o, ox.NamedNode)]

    def texts(property_iri: str) -> list[str]:
        return [o.value for p, o, _ in rows if p == property_iri and isinstance(o, ox.Literal)]

    sources, datasets = grouped_sources(
        [
            source_line(index, row, language, paired.get(row["source"].value, []))
            for row in description.sources
        ]
    )
    label, label_language = index.label_and_language(iri, language)
    visible = [name for name in index.names.get(iri, []) if not name.hidden]  # hidden: searched
    names, dataset_names = split_names(index, visible, description.names, language)
    return ResourceDescription(
        iri=iri,
        label=label,
        label_language=label_language,
        names=names,
        types=sorted(
            (make_term(index, type_iri, language) for type_iri in iris(RDF_TYPE)),
            key=lambda term: (not term.is_local, term.label.lower()),
        ),
        statements=statements,
        statements_cut=description.cut,
        incoming=incoming,
        incoming_cut=description.incoming_cut,
        sources=sources,
        datasets=datasets,
        quotes=tagged_texts(rows, QUOTE),
        paragraphs=sorted(texts(PARAGRAPH), key=_number_first),
        external_links=[
            ExternalLink(url, site_of(url), make_term(index, property_iri, language))
            for property_iri in sorted(EXTERNAL_LINK_PROPERTIES)
            for url in iris(property_iri)
        ],
        search_notes=tagged_texts(rows, SEARCH_NOTE),
        deprecated=any(
            is_true(o) for p, o, _ in rows if p == DEPRECATED and isinstance(o, ox.Literal)
        ),
        replaced_by=[make_term(index, successor, language) for successor in iris(REPLACED_BY)],
        records=issuance_records(index, description.records, language),
        records_cut=description.records_cut,
        stated=stated_record(index, iri, rows, description.sources, language)
        if description.records
        else None,
        dataset_names=dataset_names,
    )


def _number_first(text: str) -> tuple[int, str]:
    return (int(text), text) if text.isdigit() else (1 << 30, text)


def incoming_terms(
    index: LabelIndex, incoming: list[tuple[str, str]], language: str
) -> list[tuple[Term, Term]]:
    """(subject, property) terms of incoming relations given as IRIs."""
    properties: dict[str, Term] = {}  # a hub's links share a few properties
    relations = []
    for subject, property_iri in incoming:
        if property_iri not in properties:
            properties[property_iri] = make_term(index, property_iri, language)
        relations.append((make_term(index, subject, language), properties[property_iri]))
    return relations


def tagged_texts(rows: list[Row], property_iri: str) -> list[tuple[str, str]]:
    """The literal values of ``property_iri`` among ``rows``, each with its language tag."""
    return [
        (o.value, o.language or "")
        for p, o, _ in rows
        if p == property_iri and isinstance(o, ox.Literal)
    ]


def tagged_value(term: RdfTerm | None) -> tuple[str, str] | None:
    """An optional query-result term's value with its language tag (``""`` for none): a page
    marks a text in another language than its own by it. ``None`` when unbound."""
    value = term_value(term)
    if value is None:
        return None
    return value, (term.language or "") if isinstance(term, ox.Literal) else ""


def paired_quotes(
    rows: list[Row], nested: dict[ox.BlankNode, list[Row]]
) -> dict[str, list[tuple[str, str]]]:
    """The quotes of the resource's qualified derivations (``prov:qualifiedDerivation``), by the
    IRI of the source each names (``prov:entity``)."""
    paired: dict[str, list[tuple[str, str]]] = {}
    for property_iri, node, _ in rows:
        if property_iri == QUALIFIED_DERIVATION and isinstance(node, ox.BlankNode):
            inner = nested.get(node, [])
            for p, source, _ in inner:
                if p == DERIVATION_SOURCE and isinstance(source, ox.NamedNode):
                    paired.setdefault(source.value, []).extend(tagged_texts(inner, QUOTE))
    return paired


def source_line(
    index: LabelIndex, row: ox.QuerySolution, language: str, quotes: list[tuple[str, str]]
) -> SourceLine:
    """One source of a resource from a row of :data:`_NEIGHBOURS`' sources branch, with the
    ``quotes`` paired with it."""
    return SourceLine(
        source=make_term(index, row["source"].value, language),
        dataset=make_term(index, row["dataset"].value, language) if row["dataset"] else None,
        citation=tagged_value(row["citation"]),
        licence=term_value(row["licence"]),
        url=term_value(row["url"]),
        quotes=quotes,
        rownum=row_number(row["rownum"]),
    )


def row_number(term: RdfTerm | None) -> int | None:
    """The row number a ``csvw:rownum`` value gives: an ``xsd:integer`` from 1, else ``None``
    (a served store may hold a number the shapes refuse: the row is then listed after the
    numbered ones, not lost).

    >>> [row_number(ox.Literal(text, datatype=XSD_INTEGER)) for text in ("12", "0", "x")]
    [12, None, None]
    """
    if not isinstance(term, ox.Literal) or term.datatype != XSD_INTEGER:
        return None
    try:
        number = int(term.value)
    except ValueError:
        return None
    return number if number >= 1 else None


def row_order(line: SourceLine) -> tuple[bool, int, str, str]:
    """The sort key of a dataset's rows: by number (``csvw:rownum``), the rows without one
    after, then by label and IRI."""
    return (line.rownum is None, line.rownum or 0, line.source.label, line.source.iri)


def grouped_sources(lines: list[SourceLine]) -> tuple[list[SourceLine], list[DatasetRows]]:
    """The source lines (in :data:`_NEIGHBOURS`' order, by source IRI) split into those that are
    not rows of a dataset, the ones with quotes first, and one :class:`DatasetRows` per dataset,
    by dataset IRI, its rows in :func:`row_order`. A source the store gives more than once (with
    two citations or licences of its dataset, or two numbers) is one row of its dataset, with
    its smallest number, and one line per pair otherwise, as the store gives it. Hazard: a row
    that is part of two datasets is listed under each, with the same number (the graph gives a
    row's number, not the dataset it counts in)."""
    single = [line for line in lines if line.dataset is None]
    by_dataset: dict[Term, list[SourceLine]] = {}
    for line in lines:
        if line.dataset is not None:
            by_dataset.setdefault(line.dataset, []).append(line)
    datasets = []
    for dataset in sorted(by_dataset, key=lambda term: term.iri):
        rows = by_dataset[dataset]
        # of a source's lines, the last in reverse order (its smallest number) is the one kept
        distinct = {line.source.iri: line for line in sorted(rows, key=row_order, reverse=True)}
        datasets.append(
            DatasetRows(
                dataset=dataset,
                citations=sorted({line.citation for line in rows if line.citation}),
                licences=sorted({line.licence for line in rows if line.licence}),
                rows=sorted(distinct.values(), key=row_order),
            )
        )
    return sorted(single, key=lambda line: not line.quotes), datasets


def split_names(
    index: LabelIndex, names: list[Name], rows: list[NameRow], language: str
) -> tuple[list[Name], list[DatasetNames]]:
    """A resource's ``names`` (its label index entry) split into the project's and those only
    source datasets state, grouped by the datasets, by their IRIs. From ``rows`` (:data:`NameRow`):
    an other name is a dataset's where a named graph states it that derives the resource from
    rows of the dataset (a generated file: the table's spelling, with the rows that use it as
    sources); a name that a graph without such rows states too (a hand-written file), or that
    is also a label, stays the project's. Hazard: the graph says which rows a file cites for
    the resource, not which row states which name, so a file citing rows of two datasets gives
    its names under both together; and a hand-written file that cites a dataset's row for the
    resource gives its own names as the dataset's."""
    datasets: dict[tuple[str, str], set[str]] = {}
    own: set[tuple[str, str]] = set()
    by_graph: dict[tuple[str, str, str], set[str]] = {}
    for other, graph, dataset in rows:
        if isinstance(other, ox.Literal):
            cited = by_graph.setdefault((other.value, other.language or "", graph), set())
            if dataset is not None:
                cited.add(dataset)
    for (text, language_tag, _), cited in by_graph.items():
        if cited:
            datasets.setdefault((text, language_tag), set()).update(cited)
        else:
            own.add((text, language_tag))
    groups: dict[tuple[str, ...], list[Name]] = {}
    kept = []
    for name in names:
        key = (name.text, name.language)
        if name.preferred or key in own or key not in datasets:
            kept.append(name)
        else:
            groups.setdefault(tuple(sorted(datasets[key])), []).append(name)
    return kept, [
        DatasetNames([make_term(index, dataset, language) for dataset in group], groups[group])
        for group in sorted(groups)
    ]


def issuance_records(
    index: LabelIndex, rows: list[RecordRow], language: str
) -> list[IssuanceRecord]:
    """The issuance records of :data:`_NEIGHBOURS`' (record, property, value, page URL) rows:
    ordered by their earliest date (records without one last), then by record IRI; within a
    record dates and numbers by value, titles, notes and quotes by language tag, then text,
    paragraphs by number, the linked values by label. A literal where an IRI is expected, or the
    reverse, is left out."""
    records: dict[str, IssuanceRecord] = {}
    date_words = {iri: word for word, iri in RECORD_DATES.items()}
    for record_iri, property_iri, value, page_url in rows:
        record = records.setdefault(
            record_iri, IssuanceRecord(make_term(index, record_iri, language))
        )
        if isinstance(value, ox.Literal):
            if property_iri in date_words:
                record.dates.append((value.value, date_words[property_iri]))
            elif property_iri == OFFICIAL_TITLE:
                record.titles.append((value.value, value.language or ""))
            elif property_iri == DOCUMENT_NUMBER:
                record.document_numbers.append(value.value)
            elif property_iri == NOTE:
                record.notes.append((value.value, value.language or ""))
            elif property_iri == QUOTE:
                record.quotes.append((value.value, value.language or ""))
            elif property_iri == PARAGRAPH:
                record.paragraphs.append(value.value)
        elif isinstance(value, ox.NamedNode):
            term = make_term(index, value.value, language)
            if property_iri == DERIVED_FROM:
                record.sources.append((term, page_url))
            elif (terms := record.linked(property_iri)) is not None:
                terms.append(term)
    for record in records.values():
        record.dates.sort()
        record.titles.sort(key=lambda title: (title[1], title[0]))
        record.document_numbers.sort()
        record.notes.sort(key=lambda note: (note[1], note[0]))
        record.quotes.sort(key=lambda quote: (quote[1], quote[0]))
        record.paragraphs.sort(key=_number_first)
        for terms in (record.issuers, record.document_types, record.implements, record.targets):
            terms.sort(key=_by_label)
        record.sources.sort(key=lambda source: _by_label(source[0]))
    return sorted(
        records.values(),
        key=lambda record: (not record.dates, record.dates[:1], record.record.iri),
    )


def stated_record(
    index: LabelIndex,
    iri: str,
    rows: list[Row],
    sources: list[ox.QuerySolution],
    language: str,
) -> IssuanceRecord | None:
    """The statements of the resource ``iri`` (``rows``) of :data:`RECORD_PROPERTIES` as an
    issuance record, its sources with the URLs of their ``sources`` rows; values only inferred
    are left out (a record's are asserted), and so are :data:`STATED_ELSEWHERE`. ``None`` when
    it states none."""
    urls = {row["source"].value: term_value(row["url"]) for row in sources}
    own: list[RecordRow] = [
        (iri, property_iri, value, urls.get(term_value(value) or ""))
        for property_iri, value, inferred in rows
        if property_iri in RECORD_PROPERTIES
        and property_iri not in STATED_ELSEWHERE
        and not inferred
    ]
    return next(iter(issuance_records(index, own, language)), None)


def _by_label(term: Term) -> tuple[str, str]:
    return term.label.lower(), term.iri


def incoming_listing(iri: str) -> str:
    """The query that lists every incoming relation of ``iri``, for the query editor."""
    return (
        "SELECT DISTINCT ?subject ?property WHERE {\n"
        f"  ?subject ?property {ox.NamedNode(iri)} . FILTER(isIRI(?subject))\n"
        "} ORDER BY ?property ?subject\n"
    )
