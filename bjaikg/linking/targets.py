"""The external graphs and identifier kinds that ``instances/links.ttl`` links to.

The principle: docs/architecture.md#links-to-external-graphs.

One table, :data:`TARGETS`, says for each kind of link which predicate carries it and what its
values look like; the coverage report, the online check and the candidate search all read it,
so a new target graph is added here once.

Hazard: the Wikidata property ids below (P856, P6782, P1566, P414/P249) are Wikidata's own
schema; each was checked in public queries before it was written here (see the comments).
"""

from __future__ import annotations

from dataclasses import dataclass

from bjaikg.namespaces import BJO, PREFIXES

WIKIDATA_QUERY_SERVICE = "https://query.wikidata.org/sparql"
QLEVER_WIKIDATA = "https://qlever.cs.uni-freiburg.de/api/wikidata"
"""QLever's Wikidata endpoint (University of Freiburg), as public scripts use it, e.g.
``QLEVER_URL = "https://qlever.cs.uni-freiburg.de/api/wikidata"`` beside
``WD_URL = "https://query.wikidata.org/sparql"``."""

PUBLIC_WIKIDATA_ENDPOINTS = (WIKIDATA_QUERY_SERVICE, QLEVER_WIKIDATA)
"""The public endpoints the federated example queries (``queries/federated-*.rq``) call; an
operator enables both with ``serve.py --allow-public-wikidata`` (or one by one with
``--allow-service``)."""

SKOS_EXACT_MATCH = PREFIXES["skos"] + "exactMatch"
SCHEMA_URL = PREFIXES["schema"] + "url"
SCHEMA_TICKER_SYMBOL = PREFIXES["schema"] + "tickerSymbol"

WIKIDATA_ENTITY = "http://www.wikidata.org/entity/"
GEONAMES_FEATURE = "http://sws.geonames.org/"
ROR_ORGANISATION = "https://ror.org/"


@dataclass(frozen=True)
class LinkTarget:
    """One kind of link: its key, its name for people, its predicate and its value form.

    ``namespace`` is the IRI prefix of the values for links to another graph; it is empty for
    identifiers given as a web address (``schema:url``) or a literal (``schema:tickerSymbol``).
    ``form`` says in a few words what a value looks like, for the reports.
    """

    key: str
    name: str
    predicate: str
    form: str
    namespace: str = ""

    def holds(self, predicate: str, value: str) -> bool:
        """Whether a triple with ``predicate`` and object ``value`` is a link of this kind."""
        return predicate == self.predicate and value.startswith(self.namespace)


TARGETS: tuple[LinkTarget, ...] = (
    LinkTarget(
        "wikidata", "Wikidata", SKOS_EXACT_MATCH, f"`<{WIKIDATA_ENTITY}Q…>`", WIKIDATA_ENTITY
    ),
    LinkTarget(
        "geonames", "GeoNames", SKOS_EXACT_MATCH, f"`<{GEONAMES_FEATURE}…/>`", GEONAMES_FEATURE
    ),
    LinkTarget("ror", "ROR", SKOS_EXACT_MATCH, f"`<{ROR_ORGANISATION}…>`", ROR_ORGANISATION),
    LinkTarget("website", "official website", SCHEMA_URL, "web address (IRI)"),
    LinkTarget("ticker", "stock ticker", SCHEMA_TICKER_SYMBOL, '`"MIC code"` (schema.org)'),
)
"""Every kind of link, in the order reports list them."""

LINKABLE_CLASSES: tuple[str, ...] = (
    f"{BJO}Organisation",
    f"{BJO}Person",
    f"{BJO}Place",
    f"{BJO}Product",
    f"{BJO}Event",
)
"""Entities of these classes (and their subclasses) are expected to have links some day; the
coverage report counts them and lists the ones still unlinked."""

WIKIDATA_OFFICIAL_WEBSITE = "P856"
"""Wikidata "official website" — seen as ``?item wdt:P856 ?website`` in public WDQS queries."""
WIKIDATA_ROR_ID = "P6782"
"""Wikidata "ROR ID" — seen as ``OPTIONAL {{ ?item wdt:P6782 ?ror. }}  # ROR ID``."""
WIKIDATA_GEONAMES_ID = "P1566"
"""Wikidata "GeoNames ID" — seen as ``OPTIONAL { ?place wdt:P1566 ?GeoNames_ID. }``."""
WIKIDATA_STOCK_EXCHANGE = "P414"
WIKIDATA_TICKER_SYMBOL = "P249"
"""Wikidata "ticker symbol", mostly a qualifier of a "stock exchange" (P414) statement: a public
script notes "only ~30 items use wdt:P249 directly, while ~15k carry a ticker as a pq:P249
qualifier", so the queries read both forms."""


def target(key: str) -> LinkTarget:
    """The target with ``key``; raises KeyError naming the known keys otherwise."""
    for candidate in TARGETS:
        if candidate.key == key:
            return candidate
    raise KeyError(f"unknown link target {key!r} (known: {', '.join(t.key for t in TARGETS)})")
