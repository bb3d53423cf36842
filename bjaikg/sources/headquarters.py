"""Where organisations are: the sourced headquarters of the organisation mapping, as Turtle.

Each placed row of ``instances/mappings/organisations.csv`` becomes a site (``org:Site``) of the
organisation, ``bjo:locatedIn`` its district (in Beijing) or city, derived from the web page the
row cites, with the row's quote. Two rows that place one organisation differently give two sites,
each with its own page: the disagreement stays visible. Where ``headquarters-ranks.csv`` reviews
it, the sites get Wikidata's statement ranks (``wikibase:rank``): the preferred one with the
reason (``bjo:rankReason``) and the page it rests on (``bjo:rankSource``), the others normal; the
validator warns only about disagreements nobody ranked.
A row's Wikidata item and ROR id (``skos:exactMatch``) each get a link statement
(``bjo:LinkStatement``) per source in the row's evidence cell, derived from that source's page
with its quote, so that each identifier names what pairs it with the organisation (docs/links.md).
Organisations the graph does not hold (no hand-written entity, no generated one) are skipped.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import RDF, RDFS, SKOS, XSD, BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV

from bjaikg.chinese import CHINESE_RUN
from bjaikg.errors import DataFileError
from bjaikg.namespaces import BJ, BJO, PREFIXES
from bjaikg.sources.mapping import (
    BEIJING_DISTRICTS,
    MAPPING_FOLDER,
    City,
    Evidence,
    HeadquartersRank,
    OrganisationRow,
)

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


@dataclass
class EvidencePages:
    """The pages the rows' evidence cites, by URL, declared once each after the rows' own pages
    (:meth:`declare`): a page's title is the one a cell gives (cells that give two differ, an
    error), its date the earliest day a cell saw it; a page a row already declares keeps its
    title and date."""

    titles: dict[str, tuple[str, str, int]] = field(default_factory=dict)
    seen: dict[str, str] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)

    def cite(self, evidence: Evidence, line: int) -> None:
        """Note the page of ``evidence`` (of the row on ``line``) for :meth:`declare`."""
        url = evidence.url
        self.lines.setdefault(url, line)
        if evidence.title:
            known = self.titles.setdefault(url, (evidence.title, evidence.language, line))
            if known[0] != evidence.title:
                message = f"{url} is titled {known[0]!r} on line {known[2]}: one title per page"
                raise DataFileError(MAPPING_FOLDER / "organisations.csv", message, line=line)
        self.seen[url] = min(self.seen.get(url, evidence.seen), evidence.seen)

    def title(self, pages: Graph, url: str) -> str:
        """The title ``url``'s page has or will have (for a statement's label)."""
        declared = pages.value(page_node(url), DCTERMS.title)
        return str(declared) if declared is not None else self.titles.get(url, ("", "", 0))[0]

    def declare(self, pages: Graph) -> None:
        """Declare in ``pages`` each cited page no row declares; a page without a title in any
        cell (nor a row) is an error naming the first row that cites it."""
        for url, seen in sorted(self.seen.items()):
            if (page_node(url), RDF.type, BJO.WebPage) in pages:
                continue
            if url not in self.titles:
                message = f"{url} needs its title in one evidence cell: <URL> (<title>, seen …)"
                path = MAPPING_FOLDER / "organisations.csv"
                raise DataFileError(path, message, line=self.lines[url])
            title, language, _ = self.titles[url]
            add_page(pages, url, title, seen, language)


IDENTIFIER_COLUMNS = {"wikidata": ("Wikidata", WIKIDATA), "ror": ("ROR", ROR)}
"""The identifier columns of the mapping: the name of the target graph and its IRI namespace."""


def add_link_statements(
    links: Graph,
    evidence_pages: EvidencePages,
    pages: Graph,
    row: OrganisationRow,
    column: str,
) -> None:
    """Link the row's organisation to its identifier in ``column`` (``wikidata`` or ``ror``) with
    ``skos:exactMatch`` and add one ``bjo:LinkStatement`` per source of its evidence: the
    organisation, the identifier, the page and the source's quote (and our note)."""
    identifier = getattr(row, column)
    if not identifier:
        return
    name, namespace = IDENTIFIER_COLUMNS[column]
    organisation, target = BJ[row.slug], URIRef(namespace + identifier)
    links.add((organisation, SKOS.exactMatch, target))
    for evidence in row.sources(column):
        page = page_node(evidence.url)
        statement = BJ[f"link-{row.slug}-{column}-{identifier.lower()}-{page.removeprefix(BJ)}"]
        title = evidence_pages.title(pages, evidence.url)
        label = f"{row.label_en} matches {name} {identifier}: {title}"
        links.add((statement, RDF.type, BJO.LinkStatement))
        links.add((statement, RDFS.label, Literal(label, lang="en")))
        links.add((statement, BJO.linkedEntity, organisation))
        links.add((statement, BJO.statedMatch, target))
        links.add((statement, PROV.wasDerivedFrom, page))
        language = language_of(evidence.quote, evidence.language)
        links.add((statement, BJO.quote, Literal(evidence.quote, lang=language)))
        if evidence.note:
            links.add((statement, SKOS.note, Literal(evidence.note, lang="en")))


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
    evidence_pages = EvidencePages()
    linked: list[tuple[OrganisationRow, str]] = []
    for row in rows:
        if row.slug not in present:
            continue
        organisation = BJ[row.slug]
        linked.extend((row, column) for column in IDENTIFIER_COLUMNS)
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
    for row, column in linked:  # every cited page first: the statements' labels use its title
        for evidence in row.sources(column):
            evidence_pages.cite(evidence, row.line)
    for row, column in linked:  # after the rows' pages too, whose titles win
        add_link_statements(links, evidence_pages, pages, row, column)
    evidence_pages.declare(pages)
    return {"sites.ttl": sites, "pages.ttl": pages, "cities.ttl": city_graph, "links.ttl": links}
