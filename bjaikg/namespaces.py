"""The namespaces of the project and of the vocabularies it reuses: one place for every prefix.

Queries, serialisations and the UI all take their prefixes from :data:`PREFIXES`, so a prefix is
never bound one way in one place and another way elsewhere (rdflib's ``ns1:`` trap).
"""

import pyoxigraph as ox
from rdflib import Graph, Namespace

BJO = Namespace("https://w3id.org/bjaikg/ontology#")
BJSH = Namespace("https://w3id.org/bjaikg/shapes#")
BJ = Namespace("https://w3id.org/bjaikg/id/")
BJG = Namespace("https://w3id.org/bjaikg/graph/")
"""Names of the named graphs: one per loaded file (``graph/<folder>/<stem>``), plus ``inferred``."""

PREFIXES: dict[str, str] = {
    "bjo": str(BJO),
    "bjsh": str(BJSH),
    "bj": str(BJ),
    "bjg": str(BJG),
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "eli": "http://data.europa.eu/eli/ontology#",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "schema": "https://schema.org/",
    "geo": "http://www.opengis.net/ont/geosparql#",
    "qb": "http://purl.org/linked-data/cube#",
    "sdmx-attribute": "http://purl.org/linked-data/sdmx/2009/attribute#",
    "sdmx-dimension": "http://purl.org/linked-data/sdmx/2009/dimension#",
    "qudt": "http://qudt.org/schema/qudt/",
    "unit": "http://qudt.org/vocab/unit/",
    "void": "http://rdfs.org/ns/void#",
    "sd": "http://www.w3.org/ns/sparql-service-description#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "spdx": "http://spdx.org/rdf/terms#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "sh": "http://www.w3.org/ns/shacl#",
    "vann": "http://purl.org/vocab/vann/",
    "time": "http://www.w3.org/2006/time#",
    "wd": "http://www.wikidata.org/entity/",
    "wdt": "http://www.wikidata.org/prop/direct/",
    "gn": "http://www.geonames.org/ontology#",
    "wikibase": "http://wikiba.se/ontology#",
    "csvw": "http://www.w3.org/ns/csvw#",
}

XSD_INTEGER = ox.NamedNode(PREFIXES["xsd"] + "integer")
"""The datatype of counts and whole-number parameters (pyoxigraph's term)."""


def expand(prefixed: str) -> str:
    """The full IRI of a prefixed name with a project prefix (``rdfs:label``)."""
    prefix, _, local = prefixed.partition(":")
    return PREFIXES[prefix] + local


def bind_prefixes(graph: Graph) -> Graph:
    """Bind every project prefix on ``graph`` (replacing rdflib's defaults) and return it."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def sparql_prologue(prefixes: dict[str, str] | None = None) -> str:
    """The ``PREFIX`` lines for ``prefixes`` (default: all project prefixes), one per line."""
    chosen = PREFIXES if prefixes is None else prefixes
    return "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in chosen.items())


def shorten(iri: str) -> str:
    """``iri`` as a prefixed name where a project prefix covers it, else ``<iri>``.

    Every namespace ends in ``#`` or ``/`` and a local name holds neither, so the only namespace
    that can make a prefixed name of ``iri`` is ``iri`` up to its last ``#`` or ``/``: one look-up
    in :data:`PREFIXES` read backwards (``bj:`` and ``bjo:`` never shadow each other). Hazard:
    that table is built once, at import; a prefix added to :data:`PREFIXES` later is not seen.
    """
    cut = max(iri.rfind("#"), iri.rfind("/")) + 1
    prefix = _PREFIX_OF.get(iri[:cut])
    local = iri[cut:]
    if prefix is not None and local and all(ch.isalnum() or ch in "-_." for ch in local):
        return f"{prefix}:{local}"
    return f"<{iri}>"


_PREFIX_OF = {namespace: prefix for prefix, namespace in PREFIXES.items()}
"""Namespace to prefix, for :func:`shorten` (each namespace ends in ``#`` or ``/``: tested)."""
