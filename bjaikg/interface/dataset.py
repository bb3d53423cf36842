"""The dataset page at ``/dataset``: statistics, files, licence, sources, how to cite, dumps, and
the VoID/DCAT description in RDF.

The counts and the VoID part come from the endpoint's service description
(:mod:`bjaikg.endpoint.description`), so the page and ``GET /sparql`` never disagree; this module
adds the DCAT distributions (the dumps), the title, licence and citation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from bjaikg import __version__
from bjaikg.endpoint.description import DatasetStatistics, describe_service
from bjaikg.endpoint.dumps import DUMP_FORMATS
from bjaikg.interface.labels import LabelIndex, expand
from bjaikg.interface.releases import ReleaseEntry
from bjaikg.interface.resource import Term, make_term
from bjaikg.interface.vocabulary import OntologyHeader
from bjaikg.metadata import DEFAULT_LICENCE, TITLE
from bjaikg.namespaces import BJO
from bjaikg.negotiation import choose_rdf_format
from bjaikg.store import KnowledgeGraph

DUMPS = tuple(
    (suffix, choice.media_type, choice.format.name)
    for suffix, (name, datasets) in DUMP_FORMATS.items()
    for choice in [choose_rdf_format(None, name, datasets=datasets)]
)
"""The dumps the endpoint serves at ``/dump.<suffix>``: suffix, media type, format name."""


@dataclass(frozen=True)
class ClassCount:
    """Entities of one class, with the class's label."""

    term: Term
    entities: int


@dataclass
class DatasetPage:
    """What the dataset page shows."""

    title: str
    version: str
    licence: str
    statistics: DatasetStatistics
    classes: list[ClassCount]
    sources: list[Term]
    citation: str
    bibtex: str


def source_documents(graph: KnowledgeGraph, index: LabelIndex, language: str) -> list[Term]:
    """Every ``bjo:SourceDocument`` of the graph, by IRI."""
    result = graph.query(
        f"SELECT DISTINCT ?source WHERE {{ ?source a <{BJO}SourceDocument> }} ORDER BY ?source"
    )
    assert isinstance(result, ox.QuerySolutions)
    return [make_term(index, row["source"].value, language) for row in result]


def describe_dataset(
    graph: KnowledgeGraph,
    index: LabelIndex,
    statistics: DatasetStatistics,
    language: str,
    base: str,
) -> DatasetPage:
    """The dataset page's content; ``base`` is the server's root URL (for the citation)."""
    header = OntologyHeader.read(graph, language)
    title = TITLE[language]
    version = header.version or __version__
    citation = (
        f"bjaikg contributors. {TITLE['en']} ({TITLE['zh']}), version {version}. "
        f"https://w3id.org/bjaikg. Served at {base}/. Licence: {header.licence or DEFAULT_LICENCE}."
    )
    bibtex = (
        "@misc{bjaikg,\n"
        "  author = {{bjaikg contributors}},\n"
        f"  title = {{{TITLE['en']} ({TITLE['zh']})}},\n"
        f"  version = {{{version}}},\n"
        "  url = {https://w3id.org/bjaikg},\n"
        f"  note = {{Licence: {header.licence or DEFAULT_LICENCE}}}\n"
        "}"
    )
    classes = sorted(
        (
            ClassCount(make_term(index, class_iri, language), entities)
            for class_iri, entities in statistics.class_partitions
            if class_iri.startswith(str(BJO))
        ),
        key=lambda count: (-count.entities, count.term.label.lower()),
    )
    return DatasetPage(
        title=title,
        version=version,
        licence=header.licence or DEFAULT_LICENCE,
        statistics=statistics,
        classes=classes,
        sources=source_documents(graph, index, language),
        citation=citation,
        bibtex=bibtex,
    )


def dataset_triples(
    page: DatasetPage, base: str, releases: Sequence[ReleaseEntry] = ()
) -> list[ox.Triple]:
    """The VoID/DCAT description: the endpoint's service description (VoID counts, partitions,
    named graphs) plus DCAT title, licence, version, one distribution per dump, and each
    release (``dcat:hasVersion``, its full description at ``/releases/VERSION/void.ttl``)."""
    endpoint = f"{base}/sparql"
    triples = describe_service(endpoint, page.statistics, federation=False, base=base)
    dataset = ox.NamedNode(f"{endpoint}#dataset")

    def add(subject: ox.NamedNode, predicate: str, value: ox.NamedNode | ox.Literal) -> None:
        triples.append(ox.Triple(subject, ox.NamedNode(expand(predicate)), value))

    add(dataset, "rdf:type", ox.NamedNode(expand("dcat:Dataset")))
    for language, title in TITLE.items():
        add(dataset, "dcterms:title", ox.Literal(title, language=language))
    add(dataset, "dcterms:license", ox.NamedNode(page.licence))
    add(dataset, "dcterms:identifier", ox.Literal("https://w3id.org/bjaikg"))
    add(dataset, "owl:versionInfo", ox.Literal(page.version))
    for source in page.sources:
        add(dataset, "dcterms:source", ox.NamedNode(source.iri))
    for suffix, media_type, _ in DUMPS:
        distribution = ox.NamedNode(f"{base}/dataset#dump-{suffix}")
        add(dataset, "dcat:distribution", distribution)
        add(distribution, "rdf:type", ox.NamedNode(expand("dcat:Distribution")))
        add(distribution, "dcat:downloadURL", ox.NamedNode(f"{base}/dump.{suffix}"))
        add(distribution, "dcat:mediaType", ox.Literal(media_type))
        add(distribution, "dcterms:license", ox.NamedNode(page.licence))
    for release in releases:
        version = ox.NamedNode(release.iri)
        add(dataset, "dcat:hasVersion", version)
        add(version, "rdf:type", ox.NamedNode(expand("dcat:Dataset")))
        add(version, "dcat:version", ox.Literal(release.version))
        add(
            version,
            "dcterms:issued",
            ox.Literal(release.date, datatype=ox.NamedNode(expand("xsd:date"))),
        )
        add(version, "dcterms:bibliographicCitation", ox.Literal(release.citation))
        add(version, "rdfs:seeAlso", ox.NamedNode(f"{base}/releases/{release.version}/void.ttl"))
    return triples
