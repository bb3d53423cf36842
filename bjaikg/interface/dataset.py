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
from bjaikg.endpoint.description import describe_service
from bjaikg.endpoint.dumps import DUMP_FORMATS
from bjaikg.interface.labels import LabelIndex, expand
from bjaikg.interface.releases import ReleaseEntry
from bjaikg.interface.resource import Term, make_term, tagged_value
from bjaikg.interface.vocabulary import OntologyHeader
from bjaikg.metadata import DEFAULT_LICENCE, TITLE
from bjaikg.namespaces import BJ, BJO, PREFIXES, XSD_INTEGER, sparql_prologue
from bjaikg.negotiation import choose_rdf_format
from bjaikg.release import DATASET_IRI, IANA_MEDIA_TYPES
from bjaikg.statistics import DatasetStatistics
from bjaikg.store import KnowledgeGraph, term_value

DUMPS = tuple(
    (suffix, choice.media_type, choice.format.name)
    for suffix, (name, datasets) in DUMP_FORMATS.items()
    for choice in [choose_rdf_format(None, name, datasets=datasets)]
)
"""The dumps the endpoint serves at ``/dump.<suffix>``: suffix, media type, format name."""


@dataclass(frozen=True)
class SourceSummary:
    """A registered source as the dataset page lists it: licence, citation, triples contributed.

    ``triples`` counts the statements about nodes derived from the source (directly, or through
    one of its records); a node derived from two sources counts for both.
    """

    term: Term
    licence: str | None
    rights: str | None
    citation: tuple[str, str] | None
    """With its language tag (``""`` for none)."""
    triples: int


@dataclass
class DatasetPage:
    """What the dataset page shows."""

    title: str
    version: str
    licence: str
    statistics: DatasetStatistics
    classes: list[tuple[Term, int]]
    """Entities per class of the ontology, largest first, then by label."""
    sources: list[SourceSummary]
    web_pages: int
    citation: str
    """In English, as the releases write it (Chinese only in the title), as is ``bibtex``."""
    bibtex: str
    cite_as: str
    """The IRI to cite: the served version's release, or the dataset's when unreleased."""


_SOURCES_QUERY = """
SELECT ?source (SAMPLE(?licence) AS ?licence) (SAMPLE(?rights) AS ?rights)
       (SAMPLE(?citation) AS ?citation) (COUNT(?p) AS ?triples) WHERE {
  ?source dcat:distribution ?snapshot .
  OPTIONAL { ?source dcterms:license ?licence }
  OPTIONAL { ?source dcterms:rights ?wanted FILTER(LANG(?wanted) = "{language}") }
  OPTIONAL { ?source dcterms:rights ?english FILTER(LANG(?english) = "en") }
  BIND(COALESCE(?wanted, ?english) AS ?rights)
  OPTIONAL { ?source dcterms:bibliographicCitation ?citation }
  OPTIONAL {
    { ?node prov:wasDerivedFrom ?source }
    UNION { ?node prov:wasDerivedFrom/dcterms:isPartOf ?source }
    FILTER(?node != ?source)
    ?node ?p ?o
  }
} GROUP BY ?source ORDER BY DESC(?triples) ?source
"""


def registered_sources(
    graph: KnowledgeGraph, index: LabelIndex, language: str
) -> list[SourceSummary]:
    """Every source of the registry (a source with a snapshot), largest contribution first; its
    rights statement in ``language`` (one of the page languages), else in English."""
    result = graph.query(sparql_prologue() + _SOURCES_QUERY.replace("{language}", language))
    assert isinstance(result, ox.QuerySolutions)

    return [
        SourceSummary(
            term=make_term(index, row["source"].value, language),
            licence=term_value(row["licence"]),
            rights=term_value(row["rights"]),
            citation=tagged_value(row["citation"]),
            triples=int(row["triples"].value),
        )
        for row in result
    ]


PROV = PREFIXES["prov"]
OWL = PREFIXES["owl"]
RDFS = PREFIXES["rdfs"]


def count_web_pages(graph: KnowledgeGraph) -> int:
    """How many web pages are cited as evidence: by a node that is not deprecated (as its
    source, or as what a doubt about it draws on, ``rdfs:seeAlso``), or by a qualified
    derivation (pages declared but no longer cited are left out)."""
    result = graph.query(f"""
        SELECT (COUNT(DISTINCT ?page) AS ?n) WHERE {{
          ?page a <{BJO}WebPage> .
          {{ ?node <{PROV}wasDerivedFrom>|<{RDFS}seeAlso> ?page
             FILTER NOT EXISTS {{ ?node <{OWL}deprecated> true }} }}
          UNION {{ ?derivation <{PROV}entity> ?page }}
        }}""")
    assert isinstance(result, ox.QuerySolutions)
    return int(next(iter(result))["n"].value)


def describe_dataset(
    graph: KnowledgeGraph,
    index: LabelIndex,
    statistics: DatasetStatistics,
    language: str,
    releases: Sequence[ReleaseEntry] = (),
) -> DatasetPage:
    """The dataset page's content. The citation is the release of the served version as
    README, CITATION.cff and the release's void.ttl give it (year, version, "[Data set]", the
    release IRI), with a BibTeX entry of the same; served data of no release is cited by the
    dataset's IRI and called unreleased."""
    header = OntologyHeader.read(graph, language)
    title = TITLE[language]
    version = header.version or __version__
    licence = header.licence or DEFAULT_LICENCE
    release = next((entry for entry in releases if entry.version == version), None)
    if release is not None:
        citation, year, url = release.citation, release.date[:4], release.iri
    else:
        url = DATASET_IRI
        citation = (
            f"bjaikg contributors. {TITLE['en']} ({TITLE['zh']}), version {version} (unreleased) "
            f"[Data set]. {url}"
        )
        year = ""
    bibtex = "\n".join(
        [
            f"@misc{{bjaikg-{version},",
            "  author = {{bjaikg contributors}},",
            f"  title = {{{TITLE['en']} ({TITLE['zh']})}},",
            *([f"  year = {{{year}}},"] if year else []),
            f"  version = {{{version}}},",
            "  howpublished = {Data set},",
            f"  url = {{{url}}},",
            f"  note = {{Licence: {licence}}}",
            "}",
        ]
    )
    classes = sorted(
        (
            (make_term(index, count.class_iri, language), count.entities)
            for count in statistics.classes_in(BJO)
        ),
        key=lambda count: (-count[1], count[0].label.lower()),
    )
    return DatasetPage(
        title=title,
        version=version,
        licence=licence,
        statistics=statistics,
        classes=classes,
        sources=registered_sources(graph, index, language),
        web_pages=count_web_pages(graph),
        citation=citation,
        bibtex=bibtex,
        cite_as=url,
    )


def dataset_triples(
    page: DatasetPage, base: str, releases: Sequence[ReleaseEntry] = ()
) -> list[ox.Triple]:
    """The VoID/DCAT description: the endpoint's service description (VoID counts, partitions,
    named graphs) plus DCAT title, licence, version, one distribution per dump, and each
    release (``dcat:hasVersion``, its full description at ``/releases/VERSION/void.ttl``).
    The served dataset (``…/sparql#dataset``, named by the server's URL) is a version of the
    dataset's persistent IRI, as each release is, so the two descriptions join."""
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
    persistent = ox.NamedNode(DATASET_IRI)  # what w3id's /dataset names, and every release
    add(dataset, "dcterms:isVersionOf", persistent)
    add(dataset, "void:uriSpace", ox.Literal(str(BJ)))
    add(persistent, "rdf:type", ox.NamedNode(expand("dcat:Dataset")))
    for language, title in TITLE.items():
        add(persistent, "dcterms:title", ox.Literal(title, language=language))
    add(persistent, "dcterms:license", ox.NamedNode(page.licence))
    add(dataset, "owl:versionInfo", ox.Literal(page.version))
    for source in page.sources:
        iri = ox.NamedNode(source.term.iri)
        add(dataset, "dcterms:source", iri)
        subset = ox.NamedNode(f"{endpoint}#source-{source.term.iri.rsplit('/', 1)[-1]}")
        add(dataset, "void:subset", subset)
        add(subset, "rdf:type", ox.NamedNode(expand("void:Dataset")))
        add(subset, "dcterms:source", iri)
        add(subset, "void:triples", ox.Literal(str(source.triples), datatype=XSD_INTEGER))
        if source.licence:
            add(subset, "dcterms:license", ox.NamedNode(source.licence))
    for suffix, media_type, _ in DUMPS:
        distribution = ox.NamedNode(f"{base}/dataset#dump-{suffix}")
        add(dataset, "dcat:distribution", distribution)
        add(distribution, "rdf:type", ox.NamedNode(expand("dcat:Distribution")))
        add(distribution, "dcat:downloadURL", ox.NamedNode(f"{base}/dump.{suffix}"))
        add(distribution, "dcat:mediaType", ox.NamedNode(IANA_MEDIA_TYPES + media_type))
        add(distribution, "dcterms:license", ox.NamedNode(page.licence))
    for release in releases:
        version = ox.NamedNode(release.iri)
        add(persistent, "dcat:hasVersion", version)
        add(version, "dcterms:isVersionOf", persistent)
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
