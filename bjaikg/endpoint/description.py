"""The SPARQL 1.1 Service Description of the endpoint, with VoID statistics of its dataset.

:func:`describe_service` turns the counts of :func:`bjaikg.statistics.measure_dataset` (made
once at start-up) and the endpoint's URL into the triples served at ``GET /sparql`` without a
query. Nothing is counted per request.
"""

from __future__ import annotations

import pyoxigraph as ox

from bjaikg.namespaces import XSD_INTEGER
from bjaikg.negotiation import DATASET_FORMATS
from bjaikg.statistics import DatasetStatistics

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
DCTERMS_SOURCE = "http://purl.org/dc/terms/source"

RESULT_FORMATS: tuple[ox.QueryResultsFormat | ox.RdfFormat, ...] = (
    ox.QueryResultsFormat.JSON,
    ox.QueryResultsFormat.XML,
    ox.QueryResultsFormat.CSV,
    ox.QueryResultsFormat.TSV,
    ox.RdfFormat.TURTLE,
    ox.RdfFormat.N_TRIPLES,
    ox.RdfFormat.JSON_LD,
    ox.RdfFormat.RDF_XML,
    *(rdf_format for rdf_format in DATASET_FORMATS if rdf_format != ox.RdfFormat.JSON_LD),
)


W3C_FORMATS = "http://www.w3.org/ns/formats/"


def format_iri(result_format: ox.QueryResultsFormat | ox.RdfFormat) -> str:
    """The IRI of ``result_format`` in W3C's register of file formats (https://www.w3.org/ns/formats).

    Hazard: pyoxigraph 0.5 names JSON-LD ``https://www.w3.org/ns/formats/data/JSON-LD``, which
    the register does not list; a client matching the register's IRIs would not find it.
    """
    if result_format == ox.RdfFormat.JSON_LD:
        return f"{W3C_FORMATS}JSON-LD"
    return result_format.iri


def _integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=XSD_INTEGER)


def describe_service(
    endpoint: str, statistics: DatasetStatistics, *, federation: bool, base: str
) -> list[ox.Triple]:
    """The service description of ``endpoint`` (its absolute URL) as triples.

    ``base`` is the server's root URL (for the dump links); ``federation`` says whether
    ``SERVICE`` is allowed to any endpoint at all (``sd:BasicFederatedQuery``).
    """
    service = ox.NamedNode(endpoint)
    dataset = ox.NamedNode(f"{endpoint}#dataset")
    default_graph = ox.NamedNode(f"{endpoint}#default-graph")
    triples: list[ox.Triple] = []

    def add(subject: ox.NamedNode, predicate: str, value: ox.Literal | ox.NamedNode) -> None:
        triples.append(ox.Triple(subject, ox.NamedNode(predicate), value))

    add(service, RDF_TYPE, ox.NamedNode(f"{SD}Service"))
    add(service, f"{SD}endpoint", service)
    add(service, f"{SD}supportedLanguage", ox.NamedNode(f"{SD}SPARQL11Query"))
    features = ["UnionDefaultGraph"]
    if federation:
        features.append("BasicFederatedQuery")
    for feature in features:
        add(service, f"{SD}feature", ox.NamedNode(f"{SD}{feature}"))
    for result_format in RESULT_FORMATS:
        add(service, f"{SD}resultFormat", ox.NamedNode(format_iri(result_format)))
    add(service, f"{SD}defaultDataset", dataset)
    add(dataset, RDF_TYPE, ox.NamedNode(f"{SD}Dataset"))
    add(dataset, RDF_TYPE, ox.NamedNode(f"{VOID}Dataset"))
    add(dataset, f"{SD}defaultGraph", default_graph)
    add(dataset, f"{VOID}sparqlEndpoint", service)
    for suffix in ("ttl", "nt", "trig", "nq", "jsonld"):
        add(dataset, f"{VOID}dataDump", ox.NamedNode(f"{base}/dump.{suffix}"))
    add(default_graph, RDF_TYPE, ox.NamedNode(f"{SD}Graph"))
    add(default_graph, RDF_TYPE, ox.NamedNode(f"{VOID}Dataset"))
    counts = {
        "triples": statistics.triples,
        "entities": statistics.entities,
        "classes": statistics.classes,
        "properties": statistics.properties,
        "distinctSubjects": statistics.distinct_subjects,
        "distinctObjects": statistics.distinct_objects,
    }
    for name, value in counts.items():
        add(default_graph, f"{VOID}{name}", _integer(value))
    for index, count in enumerate(statistics.class_partitions):
        partition = ox.NamedNode(f"{endpoint}#class-partition-{index}")
        add(default_graph, f"{VOID}classPartition", partition)
        add(partition, f"{VOID}class", ox.NamedNode(count.class_iri))
        add(partition, f"{VOID}entities", _integer(count.entities))
    for index, (property_iri, triples_of) in enumerate(statistics.property_partitions):
        partition = ox.NamedNode(f"{endpoint}#property-partition-{index}")
        add(default_graph, f"{VOID}propertyPartition", partition)
        add(partition, f"{VOID}property", ox.NamedNode(property_iri))
        add(partition, f"{VOID}triples", _integer(triples_of))
    for index, named in enumerate(statistics.named_graphs):
        node = ox.NamedNode(f"{endpoint}#named-graph-{index}")
        graph = ox.NamedNode(f"{endpoint}#graph-{index}")
        add(dataset, f"{SD}namedGraph", node)
        add(node, RDF_TYPE, ox.NamedNode(f"{SD}NamedGraph"))
        add(node, f"{SD}name", ox.NamedNode(named.name))
        add(node, f"{SD}graph", graph)
        add(graph, RDF_TYPE, ox.NamedNode(f"{SD}Graph"))
        add(graph, f"{VOID}triples", _integer(named.triples))
        if named.source is not None:
            add(graph, DCTERMS_SOURCE, ox.Literal(named.source))
    return triples
