"""The dataset page at ``/dataset``: statistics, files, licence, sources, how to cite, dumps, and
the VoID/DCAT description in RDF.

The counts and the VoID part come from the endpoint's service description
(:mod:`bjaikg.endpoint.description`), so the page and ``GET /sparql`` never disagree; this module
adds the DCAT distributions (the dumps), the title, licence and citation, what the dataset and
each release say of themselves alike (:func:`~bjaikg.release.dataset_metadata`: description,
rights, creator, keywords, languages), the vocabularies, one linkset per linked dataset, and the
sources as the registry describes them. :func:`schema_org_dataset` makes the page's schema.org
JSON-LD from those triples.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from bjaikg import __version__
from bjaikg.endpoint.description import describe_service
from bjaikg.endpoint.dumps import DUMP_FORMATS
from bjaikg.interface.labels import LabelIndex
from bjaikg.interface.releases import ReleaseEntry
from bjaikg.interface.resource import RdfTerm, Term, make_term, tagged_value
from bjaikg.interface.vocabulary import OntologyHeader
from bjaikg.metadata import DATASET_IRI, DEFAULT_LICENCE, RIGHTS, TITLE
from bjaikg.namespaces import BJ, BJO, PREFIXES, XSD_INTEGER, expand, sparql_prologue
from bjaikg.negotiation import choose_rdf_format
from bjaikg.release import (
    IANA_MEDIA_TYPES,
    count_links,
    dataset_metadata,
    linkset_triples,
    vocabularies,
)
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
    rights: str = ""
    """What the licence covers and what not (:data:`~bjaikg.metadata.RIGHTS`), in the page's
    language."""
    source_statements: list[ox.Triple] = field(default_factory=list)
    """What the registry says of each source: type, title, licence, rights, citation."""
    links: dict[str, int] = field(default_factory=dict)
    """``skos:exactMatch`` links per linked dataset (:func:`~bjaikg.release.count_links`)."""


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
XSD_DATE = ox.NamedNode(PREFIXES["xsd"] + "date")
OWL = PREFIXES["owl"]
RDFS = PREFIXES["rdfs"]


_SOURCE_STATEMENTS = """
CONSTRUCT { ?source ?p ?o } WHERE {
  ?source dcat:distribution ?snapshot .
  ?source ?p ?o .
  VALUES ?p { rdf:type rdfs:label dcterms:title dcterms:license dcterms:rights
              dcterms:bibliographicCitation dcat:landingPage }
}
"""

_LINKS = """
SELECT DISTINCT ?s ?o WHERE {
  GRAPH ?g { ?s skos:exactMatch ?o }
  FILTER(?g != bjg:inferred && isIRI(?s) && isIRI(?o) && STRSTARTS(STR(?s), STR(bj:)))
}
"""


def source_statements(graph: KnowledgeGraph) -> list[ox.Triple]:
    """What the registry says of each source (a source with a snapshot), for the description:
    its type, names, licence, rights, citation and landing page."""
    result = graph.query(sparql_prologue() + _SOURCE_STATEMENTS)
    return sorted(result, key=str)  # type: ignore[arg-type]


def source_rights(graph: KnowledgeGraph) -> dict[str, dict[str, str]]:
    """Each registered source's rights statements (``dcterms:rights``), by language tag: read
    from :func:`source_statements`."""
    rights = expand("dcterms:rights")
    found: dict[str, dict[str, str]] = {}
    for triple in source_statements(graph):
        source, text = triple.subject, triple.object
        if triple.predicate.value != rights or not isinstance(text, ox.Literal):
            continue
        if isinstance(source, ox.NamedNode | ox.BlankNode):
            found.setdefault(source.value, {})[text.language or ""] = text.value
    return found


def link_counts(graph: KnowledgeGraph) -> dict[str, int]:
    """The asserted ``skos:exactMatch`` links per linked dataset (the inferred graph, which
    would add their inverses, left out)."""
    result = graph.query(sparql_prologue() + _LINKS)
    assert isinstance(result, ox.QuerySolutions)
    exact_match = ox.NamedNode(f"{PREFIXES['skos']}exactMatch")
    return count_links(ox.Triple(row["s"], exact_match, row["o"]) for row in result)


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
        rights=RIGHTS[language],
        source_statements=source_statements(graph),
        links=link_counts(graph),
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
    add(dataset, "dcterms:identifier", ox.Literal(DATASET_IRI))
    persistent = ox.NamedNode(DATASET_IRI)  # what w3id's /dataset names, and every release
    add(dataset, "dcterms:isVersionOf", persistent)
    triples += dataset_metadata(dataset.value)
    triples += dataset_metadata(persistent.value)
    triples += linkset_triples(dataset.value, page.links)
    used = [*(count.class_iri for count in page.statistics.class_partitions)]
    used += [iri for iri, _ in page.statistics.property_partitions]
    for vocabulary in vocabularies(used):
        add(dataset, "void:vocabulary", ox.NamedNode(vocabulary))
    triples += page.source_statements
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
    served = next((release for release in releases if release.version == page.version), None)
    if served is not None:  # the served data is that release's: its date, its N-Quads file
        add(dataset, "dcterms:issued", ox.Literal(served.date, datatype=XSD_DATE))
        add(dataset, "dcterms:bibliographicCitation", ox.Literal(served.citation))
        for download in served.main_downloads:
            if download.media_type != "application/n-quads":
                continue
            file = ox.NamedNode(f"{served.iri}/{download.path}")
            add(ox.NamedNode(served.iri), "dcat:distribution", file)
            add(file, "rdf:type", ox.NamedNode(expand("dcat:Distribution")))
            add(file, "dcterms:title", ox.Literal(download.path))
            add(file, "dcat:downloadURL", file)
            add(file, "dcat:mediaType", ox.NamedNode(IANA_MEDIA_TYPES + download.media_type))
            add(file, "dcterms:license", ox.NamedNode(page.licence))
    for release in releases:
        version = ox.NamedNode(release.iri)
        add(persistent, "dcat:hasVersion", version)
        add(version, "dcterms:isVersionOf", persistent)
        add(version, "rdf:type", ox.NamedNode(expand("dcat:Dataset")))
        add(version, "dcat:version", ox.Literal(release.version))
        add(
            version,
            "dcterms:issued",
            ox.Literal(release.date, datatype=XSD_DATE),
        )
        add(version, "dcterms:bibliographicCitation", ox.Literal(release.citation))
        add(version, "rdfs:seeAlso", ox.NamedNode(f"{base}/releases/{release.version}/void.ttl"))
    return list(dict.fromkeys(triples))  # once each (the agent is the creator of both)


SCHEMA = PREFIXES["schema"]
FREE_OF_CHARGE = True
"""schema.org ``isAccessibleForFree``: the data, the dumps and the endpoint cost nothing."""


def schema_org_dataset(triples: Sequence[ox.Triple], dataset: str, language: str) -> dict:
    """The schema.org ``Dataset`` (JSON-LD, for Google Dataset Search) that the DCAT/VoID
    ``triples`` of :func:`dataset_triples` give for ``dataset`` (the served dataset's IRI):
    made from them, so the page's JSON-LD and the RDF description cannot disagree. Texts in
    ``language`` (the page's) where the description has it, the other titles as
    ``alternateName``. The context is inline (``@vocab``): a reader needs no fetch."""
    about: dict[str, dict[str, list[RdfTerm]]] = {}
    for triple in triples:
        if isinstance(triple.subject, ox.NamedNode):
            about.setdefault(triple.subject.value, {}).setdefault(
                triple.predicate.value, []
            ).append(triple.object)

    def values(node: str, predicate: str) -> list[RdfTerm]:
        return about.get(node, {}).get(expand(predicate), [])

    def iris(node: str, predicate: str) -> list[str]:
        return [v.value for v in values(node, predicate) if isinstance(v, ox.NamedNode)]

    def texts(node: str, predicate: str) -> list[ox.Literal]:
        return [v for v in values(node, predicate) if isinstance(v, ox.Literal)]

    def text(node: str, *predicates: str) -> str | None:
        found = [literal for predicate in predicates for literal in texts(node, predicate)]
        for wanted in (language, "en", "zh", None):
            for literal in found:
                if wanted is None or literal.language == wanted:
                    return literal.value
        return None

    def agent(iri: str) -> dict:
        kind = "Organization" if expand("foaf:Organization") in iris(iri, "rdf:type") else "Person"
        return {"@type": kind, "@id": iri, "name": text(iri, "foaf:name")}

    def download(iri: str) -> dict:
        media_type = next(iter(iris(iri, "dcat:mediaType")), "")
        return {
            "@type": "DataDownload",
            "@id": iri,
            "name": text(iri, "dcterms:title") or media_type.removeprefix(IANA_MEDIA_TYPES),
            "contentUrl": next(iter(iris(iri, "dcat:downloadURL")), iri),
            "encodingFormat": media_type.removeprefix(IANA_MEDIA_TYPES),
        }

    version = text(dataset, "owl:versionInfo")
    releases = [
        subject
        for subject in about
        if version is not None and text(subject, "dcat:version") == version
    ]
    distributions = iris(dataset, "dcat:distribution")
    for release in releases:
        distributions = iris(release, "dcat:distribution") + distributions
    sources = iris(dataset, "dcterms:source")
    names = texts(dataset, "dcterms:title")
    name = text(dataset, "dcterms:title")
    document: dict = {
        "@context": {"@vocab": SCHEMA},
        "@type": "Dataset",
        "@id": dataset,
        "name": name,
        "alternateName": [n.value for n in names if n.value != name],
        "description": text(dataset, "dcterms:description"),
        "url": next(iter(iris(dataset, "dcat:landingPage")), None),
        "identifier": text(dataset, "dcterms:identifier"),
        "version": version,
        "datePublished": text(dataset, "dcterms:issued"),
        "license": next(iter(iris(dataset, "dcterms:license")), None),
        "creator": [agent(iri) for iri in iris(dataset, "dcterms:creator")],
        "publisher": [agent(iri) for iri in iris(dataset, "dcterms:publisher")],
        "keywords": [literal.value for literal in texts(dataset, "dcat:keyword")],
        "inLanguage": [iri.rsplit("/", 1)[-1] for iri in iris(dataset, "dcterms:language")],
        "isAccessibleForFree": FREE_OF_CHARGE,
        "citation": [
            citation
            for source in sources
            if (citation := text(source, "dcterms:bibliographicCitation")) is not None
        ],
        "isBasedOn": [
            {
                "@type": "Dataset"
                if f"{BJO}SourceDataset" in iris(source, "rdf:type")
                else "CreativeWork",
                "@id": source,
                "name": text(source, "dcterms:title", "rdfs:label"),
                "license": next(iter(iris(source, "dcterms:license")), None),
            }
            for source in sources
        ],
        "distribution": [download(iri) for iri in distributions],
    }

    def pruned(value: object) -> object:  # no null, no empty list: absent is what they mean
        if isinstance(value, dict):
            return {k: pruned(v) for k, v in value.items() if v is not None and v != []}
        if isinstance(value, list):
            return [pruned(item) for item in value]
        return value

    result = pruned(document)
    assert isinstance(result, dict)
    return result
