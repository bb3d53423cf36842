"""Where organisations are: the sourced headquarters of the organisation mapping, as Turtle.

Each placed row of ``instances/mappings/organisations.csv`` becomes a site (``org:Site``) of the
organisation, ``bjo:locatedIn`` its district (in Beijing) or city, derived from the web page the
row cites, with the row's quote. Two rows that place one organisation differently give two sites,
each with its own page: the disagreement stays visible. Where ``headquarters-ranks.csv`` reviews
it, the sites get Wikidata's statement ranks (``wikibase:rank``): the preferred one with the
reason (``bjo:rankReason``) and the page it rests on (``bjo:rankSource``), the others normal; the
validator warns only about disagreements nobody ranked.
Organisations the graph does not hold (no hand-written entity, no generated one) are skipped.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from rdflib import RDF, RDFS, SKOS, XSD, BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV

from bjaikg.chinese import CHINESE_RUN
from bjaikg.namespaces import BJ, BJO, PREFIXES
from bjaikg.sources.mapping import BEIJING_DISTRICTS, City, HeadquartersRank, OrganisationRow

ORG = "http://www.w3.org/ns/org#"
WIKIBASE = PREFIXES["wikibase"]
SCHEMA_URL = URIRef("https://schema.org/url")
WIKIDATA = PREFIXES["wd"]
ROR = "https://ror.org/"


def language_of(text: str, language: str = "") -> str:
    """``language`` when a row gives one, else ``zh`` for text with Chinese characters and ``en``
    for the rest (the graph's two languages)."""
    return language or ("zh" if CHINESE_RUN.search(text) else "en")


def page_node(url: str) -> URIRef:
    """The IRI of the web page at ``url``: ``bj:page-`` and the first 12 hex digits of its hash."""
    return BJ[f"page-{hashlib.sha256(url.encode()).hexdigest()[:12]}"]


def add_page(pages: Graph, url: str, title: str, seen: str, language: str = "") -> URIRef:
    """Declare the web page at ``url`` in ``pages`` (its title, or the URL, in ``language`` when
    given, and the date seen)."""
    page = page_node(url)
    pages.add((page, RDF.type, BJO.WebPage))
    pages.add((page, SCHEMA_URL, URIRef(url)))
    title = title or url
    pages.add((page, DCTERMS.title, Literal(title, lang=language_of(title, language))))
    pages.add((page, BJO.dateRetrieved, Literal(seen, datatype=XSD.date)))
    return page


def add_rank(sites: Graph, pages: Graph, site: URIRef, rank: HeadquartersRank, place: str) -> None:
    """Give ``site`` (the site in ``place``) its Wikibase rank from the review ``rank``: preferred
    with the reason and its page (declared in ``pages``) when ``place`` is the one preferred,
    else normal."""
    preferred = place == rank.preferred
    level = "PreferredRank" if preferred else "NormalRank"
    sites.add((site, URIRef(WIKIBASE + "rank"), URIRef(WIKIBASE + level)))
    if preferred:
        sites.add((site, BJO.rankReason, Literal(rank.reason, lang="en")))
        page = add_page(pages, rank.source_url, rank.source_title, rank.seen)
        sites.add((site, BJO.rankSource, page))


def add_quotes(sites: Graph, site: URIRef, quotes_by_page: dict[URIRef, list[Literal]]) -> None:
    """Give ``site`` its rows' quotes: on the site when one page places it, else each page's on a
    ``prov:qualifiedDerivation`` of that page, so that every quote names the page it is copied
    from (``quality.quote-unpaired``). The derivations' blank-node labels are made from the site
    and the page, so the Turtle written is the same on every build."""
    if len(quotes_by_page) == 1:
        for quote in next(iter(quotes_by_page.values())):
            sites.add((site, BJO.quote, quote))
        return
    for page, quotes in quotes_by_page.items():
        derivation = BNode(f"{site.removeprefix(BJ)}-from-{page.removeprefix(BJ)}")
        sites.add((site, PROV.qualifiedDerivation, derivation))
        sites.add((derivation, PROV.entity, page))
        for quote in quotes:
            sites.add((derivation, BJO.quote, quote))


def headquarters_graphs(
    rows: Iterable[OrganisationRow],
    cities: dict[str, City],
    present: set[str],
    ranks: dict[str, HeadquartersRank],
) -> dict[str, Graph]:
    """``sites.ttl``, ``pages.ttl``, ``cities.ttl`` and ``links.ttl`` for the organisations in
    ``present`` (their slugs), the sites of an organisation reviewed in ``ranks`` ranked."""
    sites, pages, city_graph, links = Graph(), Graph(), Graph(), Graph()
    quoted: dict[URIRef, dict[URIRef, list[Literal]]] = {}
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
        page = add_page(pages, row.source_url, row.source_title, row.seen, row.language)
        site = BJ[f"{row.slug}-headquarters-{row.place}"]
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
        sites.add((site, BJO.locatedIn, BJ[row.place]))
        sites.add((site, PROV.wasDerivedFrom, page))
        quoted.setdefault(site, {}).setdefault(page, []).extend(
            Literal(quote, lang=language_of(quote, row.language)) for quote in row.quotes
        )
        if row.slug in ranks:
            add_rank(sites, pages, site, ranks[row.slug], row.place)
        if row.city != "beijing":  # bj:beijing is defined in instances/places.ttl
            node = BJ[city.slug]
            city_graph.add((node, RDF.type, BJO.City))
            city_graph.add((node, RDFS.label, Literal(city.label_en, lang="en")))
            if city.label_zh:
                city_graph.add((node, RDFS.label, Literal(city.label_zh, lang="zh")))
            city_graph.add((node, PROV.wasDerivedFrom, page))
    for site, quotes_by_page in quoted.items():
        add_quotes(sites, site, quotes_by_page)
    return {"sites.ttl": sites, "pages.ttl": pages, "cities.ttl": city_graph, "links.ttl": links}
