"""Where organisations are: the sourced headquarters of the organisation mapping, as Turtle.

Each placed row of ``instances/mappings/organisations.csv`` becomes a site (``org:Site``) of the
organisation, ``bjo:locatedIn`` its district (in Beijing) or city, derived from the web page the
row cites, with the row's quote. Two rows that place one organisation differently give two sites,
each with its own page: the disagreement stays visible (and the validator reports it).
Organisations the graph does not hold (no hand-written entity, no generated one) are skipped.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from rdflib import RDF, RDFS, SKOS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV

from bjaikg.namespaces import BJ, BJO, PREFIXES
from bjaikg.sources.mapping import BEIJING_DISTRICTS, City, OrganisationRow

ORG = "http://www.w3.org/ns/org#"
SCHEMA_URL = URIRef("https://schema.org/url")
WIKIDATA = PREFIXES["wd"]
ROR = "https://ror.org/"
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def language_of(text: str) -> str:
    """``zh`` for text with Chinese characters, else ``en`` (the two languages of the graph)."""
    return "zh" if CHINESE.search(text) else "en"


def page_node(url: str) -> URIRef:
    """The IRI of the web page at ``url``: ``bj:page-`` and the first 12 hex digits of its hash."""
    return BJ[f"page-{hashlib.sha256(url.encode()).hexdigest()[:12]}"]


def place_of(row: OrganisationRow) -> str:
    """The slug of the most specific place the row gives: its district, else its city."""
    return row.district or row.city


def headquarters_graphs(
    rows: Iterable[OrganisationRow], cities: dict[str, City], present: set[str]
) -> dict[str, Graph]:
    """``sites.ttl``, ``pages.ttl``, ``cities.ttl`` and ``links.ttl`` for the organisations in
    ``present`` (their slugs)."""
    sites, pages, city_graph, links = Graph(), Graph(), Graph(), Graph()
    for row in rows:
        if row.slug not in present:
            continue
        organisation = BJ[row.slug]
        if row.wikidata:
            links.add((organisation, SKOS.exactMatch, URIRef(WIKIDATA + row.wikidata)))
        if row.ror:
            links.add((organisation, SKOS.exactMatch, URIRef(ROR + row.ror)))
        if not row.city:
            continue
        page = page_node(row.source_url)
        pages.add((page, RDF.type, BJO.WebPage))
        pages.add((page, SCHEMA_URL, URIRef(row.source_url)))
        title = row.source_title or row.source_url
        pages.add((page, DCTERMS.title, Literal(title, lang=language_of(title))))
        pages.add((page, BJO.dateRetrieved, Literal(row.seen, datatype=XSD.date)))
        site = BJ[f"{row.slug}-headquarters-{place_of(row)}"]
        city = cities[row.city]
        where_en, where_zh = BEIJING_DISTRICTS.get(row.district, (city.label_en, city.label_zh))
        sites.add((site, RDF.type, URIRef(ORG + "Site")))
        sites.add(
            (site, RDFS.label, Literal(f"{row.label_en} headquarters, {where_en}", lang="en"))
        )
        if row.label_zh:
            label_zh = f"{row.label_zh}总部（{where_zh}）" if where_zh else f"{row.label_zh}总部"
            sites.add((site, RDFS.label, Literal(label_zh, lang="zh")))
        sites.add((site, URIRef(ORG + "siteOf"), organisation))
        sites.add((organisation, URIRef(ORG + "hasPrimarySite"), site))
        sites.add((site, BJO.locatedIn, BJ[place_of(row)]))
        sites.add((site, PROV.wasDerivedFrom, page))
        if row.quote:
            sites.add((site, BJO.quote, Literal(row.quote, lang=language_of(row.quote))))
        if row.city != "beijing":  # bj:beijing is defined in instances/places.ttl
            node = BJ[city.slug]
            city_graph.add((node, RDF.type, BJO.City))
            city_graph.add((node, RDFS.label, Literal(city.label_en, lang="en")))
            if city.label_zh:
                city_graph.add((node, RDFS.label, Literal(city.label_zh, lang="zh")))
            city_graph.add((node, PROV.wasDerivedFrom, page))
    return {"sites.ttl": sites, "pages.ttl": pages, "cities.ttl": city_graph, "links.ttl": links}
