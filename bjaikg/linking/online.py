"""The online link check: compare our Wikidata links with Wikidata, propose links for the rest.

For every entity linked to a Wikidata item, :func:`check_wikidata_links` fetches the item's
labels and key identifiers (official website, ROR id, GeoNames id, ticker) and reports each
disagreement with our data as a :class:`Mismatch`. For every entity without a Wikidata link,
:func:`propose_candidates` looks items up by our official website, ticker, ROR id, GeoNames id
and exact label (``rdfs:label`` or ``skos:altLabel``) and reports each hit as a
:class:`Candidate` with the evidence it was found by. A label counts as agreeing when the item's
label equals any of our labels or alternative labels in that language.
:func:`render_review` writes both to a review file for a person to read.

Hazard: candidates are never written into ``instances/``; a wrong link is worse than none, so a
person confirms each one and copies it into ``instances/links.ttl`` with its evidence.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from bjaikg.linking.link_coverage import LinkCoverage, LinkedEntity
from bjaikg.linking.remote import BATCH_SIZE, RemoteEndpoint
from bjaikg.linking.targets import (
    GEONAMES_FEATURE,
    ROR_ORGANISATION,
    WIKIDATA_ENTITY,
    WIKIDATA_GEONAMES_ID,
    WIKIDATA_OFFICIAL_WEBSITE,
    WIKIDATA_ROR_ID,
    WIKIDATA_STOCK_EXCHANGE,
    WIKIDATA_TICKER_SYMBOL,
)
from bjaikg.markdown import markdown_table
from bjaikg.namespaces import shorten

_PROLOGUE = (
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    "PREFIX wd: <http://www.wikidata.org/entity/>\n"
    "PREFIX wdt: <http://www.wikidata.org/prop/direct/>\n"
    "PREFIX p: <http://www.wikidata.org/prop/>\n"
    "PREFIX pq: <http://www.wikidata.org/prop/qualifier/>\n"
)

CHINESE_LABEL_LANGUAGES = ("zh", "zh-hans", "zh-cn")
"""Wikidata language codes whose labels are compared with our ``@zh`` labels."""
_LABEL_LANGUAGES = ", ".join(f'"{code}"' for code in (*CHINESE_LABEL_LANGUAGES, "en"))

_ITEM_FACTS = f"""
SELECT ?item ?aspect ?value WHERE {{
  VALUES ?item {{ %(items)s }}
  {{ ?item rdfs:label ?value .
     FILTER(LANG(?value) IN ({_LABEL_LANGUAGES}))
     BIND(IF(LANG(?value) = "en", "label@en", "label@zh") AS ?aspect) }}
  UNION {{ ?item wdt:{WIKIDATA_OFFICIAL_WEBSITE} ?value . BIND("website" AS ?aspect) }}
  UNION {{ ?item wdt:{WIKIDATA_ROR_ID} ?value . BIND("ror" AS ?aspect) }}
  UNION {{ ?item wdt:{WIKIDATA_GEONAMES_ID} ?value . BIND("geonames" AS ?aspect) }}
  UNION {{ ?item wdt:{WIKIDATA_TICKER_SYMBOL} ?value . BIND("ticker" AS ?aspect) }}
  UNION {{ ?item p:{WIKIDATA_STOCK_EXCHANGE} ?listing .
           ?listing pq:{WIKIDATA_TICKER_SYMBOL} ?value . BIND("ticker" AS ?aspect) }}
}}
"""

_CANDIDATE_PATTERNS: dict[str, str] = {
    "website": f"?item wdt:{WIKIDATA_OFFICIAL_WEBSITE} ?key .",
    "ticker": (
        f"{{ ?item wdt:{WIKIDATA_TICKER_SYMBOL} ?key }} UNION "
        f"{{ ?item p:{WIKIDATA_STOCK_EXCHANGE} ?listing . "
        f"?listing pq:{WIKIDATA_TICKER_SYMBOL} ?key }}"
    ),
    "ror": f"?item wdt:{WIKIDATA_ROR_ID} ?key .",
    "geonames": f"?item wdt:{WIKIDATA_GEONAMES_ID} ?key .",
    "label": "?item rdfs:label ?key .",
}
"""How an item is found from one of our identifiers (``?key``) for each way of searching."""

_EVIDENCE: dict[str, str] = {
    "website": f"wdt:{WIKIDATA_OFFICIAL_WEBSITE} (official website)",
    "ticker": f"wdt:{WIKIDATA_TICKER_SYMBOL} or pq:{WIKIDATA_TICKER_SYMBOL} (ticker symbol)",
    "ror": f"wdt:{WIKIDATA_ROR_ID} (ROR ID)",
    "geonames": f"wdt:{WIKIDATA_GEONAMES_ID} (GeoNames ID)",
    "label": "rdfs:label (exact label)",
}

_CANDIDATE_QUERY = """
SELECT DISTINCT ?item ?key ?item_label WHERE {
  VALUES ?key { %(keys)s }
  %(pattern)s
  FILTER(STRSTARTS(STR(?item), "%(wikidata)s"))
  OPTIONAL { ?item rdfs:label ?item_label . FILTER(LANG(?item_label) = "en") }
}
"""


@dataclass(frozen=True, order=True)
class Mismatch:
    """Our data and the endpoint disagree on one aspect of one linked entity.

    ``ours`` is empty when the endpoint has an identifier we do not; ``theirs`` is empty when
    the item has nothing at all (deleted, redirected, or not on the endpoint).
    """

    entity: str
    item: str
    aspect: str
    ours: str
    theirs: str

    def cells(self, labels: dict[str, str]) -> list[str]:
        """The row of the review table: entity, its label, item, aspect, ours, theirs."""
        return [
            shorten(self.entity),
            labels.get(self.entity, ""),
            shorten(self.item),
            self.aspect,
            self.ours,
            self.theirs,
        ]


@dataclass(frozen=True, order=True)
class Candidate:
    """An item that may be the same thing as an unlinked entity, and how it was found."""

    entity: str
    item: str
    method: str
    key: str
    item_label: str = ""

    def cells(self, labels: dict[str, str], endpoint: str) -> list[str]:
        """The row of the review table, the evidence naming the endpoint it was seen at."""
        return [
            shorten(self.entity),
            labels.get(self.entity, ""),
            shorten(self.item),
            self.item_label,
            self.method,
            f"{self.evidence} at {endpoint}",
        ]

    @property
    def evidence(self) -> str:
        """What the endpoint said: the item has ``key`` as its value of the searched property."""
        return f"{shorten(self.item)} {_EVIDENCE[self.method]} = {self.key}"


@dataclass
class LinkReview:
    """The outcome of one online check: what disagrees, and what might be linked."""

    endpoint: str
    checked: int
    mismatches: list[Mismatch] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)


def comparable(aspect: str, value: str) -> str:
    """``value`` (ours or the endpoint's) in the form both sides are compared in.

    Web addresses lose scheme, ``www.`` and trailing slash; ROR and GeoNames IRIs become their
    ids; a ticker ``"XSHG 688256"`` becomes ``688256``; labels are case-folded and trimmed.
    """
    text = value.strip()
    if aspect == "website":
        text = re.sub(r"^https?://(www\.)?", "", text.lower()).rstrip("/")
    elif aspect == "ror":
        text = text.removeprefix(ROR_ORGANISATION)
    elif aspect == "geonames":
        text = text.removeprefix(GEONAMES_FEATURE).rstrip("/")
    elif aspect == "ticker":
        text = text.split()[-1] if text.split() else text
    return text.casefold()


def _ours(entity: LinkedEntity, aspect: str) -> tuple[str, ...]:
    if aspect.startswith("label@"):
        return entity.names.get(aspect.removeprefix("label@"), ())
    return entity.identifiers.get(aspect, ())


def _batches(values: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(values), BATCH_SIZE):
        yield values[start : start + BATCH_SIZE]


def _item_facts(endpoint: RemoteEndpoint, items: list[str]) -> dict[str, dict[str, set[str]]]:
    facts: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for batch in _batches(items):
        values = " ".join(f"<{item}>" for item in batch)
        for row in endpoint.select(_PROLOGUE + _ITEM_FACTS % {"items": values}):
            facts[row["item"]][row["aspect"]].add(row["value"])
    return facts


def _compare(entity: LinkedEntity, item: str, facts: dict[str, set[str]]) -> list[Mismatch]:
    if not facts:
        return [Mismatch(entity.iri, item, "item", item, "")]
    found: list[Mismatch] = []
    for aspect in ("label@zh", "label@en", "website", "ror", "geonames", "ticker"):
        ours = _ours(entity, aspect)
        theirs = facts.get(aspect, set())
        ours_forms = {comparable(aspect, value) for value in ours}
        theirs_forms = {comparable(aspect, value) for value in theirs}
        if ours and theirs and not ours_forms & theirs_forms:
            found.append(Mismatch(entity.iri, item, aspect, " ; ".join(ours), _join(theirs)))
        elif theirs and not ours and not aspect.startswith("label"):
            found.append(Mismatch(entity.iri, item, aspect, "", _join(theirs)))
    return found


def _join(values: Iterable[str]) -> str:
    return " ; ".join(sorted(values))


def check_wikidata_links(coverage: LinkCoverage, endpoint: RemoteEndpoint) -> list[Mismatch]:
    """Each disagreement between our linked entities and their Wikidata items, sorted."""
    pairs = [
        (entity, item)
        for entity in coverage.entities
        for item in entity.identifiers.get("wikidata", ())
    ]
    facts = _item_facts(endpoint, sorted({item for _, item in pairs}))
    mismatches = [
        mismatch
        for entity, item in pairs
        for mismatch in _compare(entity, item, facts.get(item, {}))
    ]
    return sorted(mismatches)


def _search_keys(entity: LinkedEntity) -> Iterator[tuple[str, str, str]]:
    """(method, SPARQL term, comparable key) for each way ``entity`` can be looked up."""
    for url in entity.identifiers.get("website", ()):
        for variant in _website_variants(url):
            yield "website", f"<{variant}>", comparable("website", variant)
    for ticker in entity.identifiers.get("ticker", ()):
        instrument = comparable("ticker", ticker)
        yield "ticker", _literal(instrument), instrument
    for ror in entity.identifiers.get("ror", ()):
        yield "ror", _literal(comparable("ror", ror)), comparable("ror", ror)
    for feature in entity.identifiers.get("geonames", ()):
        yield "geonames", _literal(comparable("geonames", feature)), comparable("geonames", feature)
    for language, names in entity.names.items():
        for name in names:
            yield "label", _literal(name, language), comparable("label", name)


def _website_variants(url: str) -> list[str]:
    """The spellings under which an official website may be recorded (scheme, www, slash)."""
    bare = comparable("website", url)
    return sorted(
        f"{scheme}://{www}{bare}{slash}"
        for scheme in ("http", "https")
        for www in ("", "www.")
        for slash in ("", "/")
    )


def _literal(text: str, language: str = "") -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"@{language}' if language else f'"{escaped}"'


def propose_candidates(coverage: LinkCoverage, endpoint: RemoteEndpoint) -> list[Candidate]:
    """Items that may match each entity without a Wikidata link, with how they were found."""
    wanted: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    terms: dict[str, set[str]] = defaultdict(set)
    for entity in coverage.entities:
        if entity.identifiers.get("wikidata"):
            continue
        for method, term, key in _search_keys(entity):
            wanted[method][key].add(entity.iri)
            terms[method].add(term)
    candidates: set[Candidate] = set()
    for method in _CANDIDATE_PATTERNS:
        for batch in _batches(sorted(terms[method])):
            query = _PROLOGUE + _CANDIDATE_QUERY % {
                "keys": " ".join(batch),
                "pattern": _CANDIDATE_PATTERNS[method],
                "wikidata": WIKIDATA_ENTITY,
            }
            for row in endpoint.select(query):
                key = comparable(method, row["key"])
                for entity_iri in wanted[method].get(key, ()):
                    label = row.get("item_label", "")
                    candidates.add(Candidate(entity_iri, row["item"], method, row["key"], label))
    return _lowest_label_per_candidate(candidates)


def _lowest_label_per_candidate(candidates: set[Candidate]) -> list[Candidate]:
    """One candidate per (entity, item, method, key): the one with the smallest item label."""
    chosen: dict[tuple[str, str, str, str], Candidate] = {}
    for candidate in sorted(candidates):
        chosen.setdefault(
            (candidate.entity, candidate.item, candidate.method, candidate.key), candidate
        )
    return sorted(chosen.values())


def review_links(coverage: LinkCoverage, endpoint: RemoteEndpoint) -> LinkReview:
    """Check every Wikidata link and look for candidates for the unlinked entities."""
    checked = sum(len(e.identifiers.get("wikidata", ())) for e in coverage.entities)
    return LinkReview(
        endpoint=endpoint.url,
        checked=checked,
        mismatches=check_wikidata_links(coverage, endpoint),
        candidates=propose_candidates(coverage, endpoint),
        labels={entity.iri: entity.label() for entity in coverage.entities},
    )


def render_review(review: LinkReview) -> str:
    """The review file: mismatches and candidates as Markdown tables, sorted, no timestamps."""
    lines = [
        "# Link review",
        "",
        f"Written by `python -m bjaikg.linking check --endpoint {review.endpoint}`.",
        "Nothing here is in `instances/`: a person checks each row and copies a confirmed link",
        "into `instances/links.ttl` with its evidence beside it",
        "([architecture: links to external graphs](architecture.md#links-to-external-graphs)).",
        "",
        f"Wikidata links checked: {review.checked}; mismatches: {len(review.mismatches)}; "
        f"candidates for unlinked entities: {len(review.candidates)}.",
        "",
        "## Mismatches",
        "",
        "An empty *ours* means the item has an identifier we lack; an empty *endpoint* means",
        "the item has no labels or identifiers there (deleted, redirected or unknown).",
        "",
    ]
    lines += markdown_table(
        ["Entity", "Label", "Item", "Aspect", "Ours", "Endpoint"],
        (mismatch.cells(review.labels) for mismatch in review.mismatches),
    )
    lines += ["", "## Candidates for unlinked entities", ""]
    lines += markdown_table(
        ["Entity", "Label", "Candidate", "Candidate label", "Found by", "Evidence"],
        (candidate.cells(review.labels, review.endpoint) for candidate in review.candidates),
    )
    return "\n".join(lines) + "\n"
