"""Content negotiation: which serialisation answers a request, and the bytes of that answer.

One place decides formats for the SPARQL endpoint, the Graph Store, the dumps and the resource
pages, so ``Accept: text/turtle`` means the same thing everywhere.

API
---
- :func:`parse_accept` — an ``Accept`` header as :class:`MediaRange` values (q-values, wildcards,
  parameters); a malformed entry is skipped, as HTTP asks, never an exception.
- :func:`choose_media_type` — the best of a server's ``offers`` (media types in the server's
  order of preference) for an ``Accept`` header, or ``None`` when none is acceptable. The UI uses
  it with ``["text/html", *RDF_MEDIA_TYPES]`` to decide between a page and data.
- :func:`choose_rdf_format` — an :class:`RdfChoice` for graph answers (CONSTRUCT, DESCRIBE, Graph
  Store, resource data); ``datasets=True`` offers only formats that keep named graphs.
- :func:`choose_results_format` — a :class:`ResultsChoice` for SELECT and ASK answers.
- :func:`serialise_triples` — triples (or quads) as bytes in a chosen :class:`RdfChoice`, with the
  project's prefixes in the formats that use them.

Both ``choose_*`` functions take the ``format`` request parameter, which overrides ``Accept``: a
short name from :data:`FORMAT_NAMES` (``json``, ``xml``, ``csv``, ``tsv``, ``ttl``, ``nt``,
``jsonld``, ``rdfxml``, ``trig``, ``nq``) or a media type. They raise :class:`NotAcceptableError`
(HTTP 406; its message lists what is offered) when nothing fits. No ``Accept`` header, or
``*/*``, gets the default: SPARQL JSON for results, Turtle for graphs, TriG for datasets.

Hazard: ``text/html`` is not offered by these functions; a caller that serves pages must ask
:func:`choose_media_type` first.

>>> choose_results_format("text/csv;q=0.5, application/sparql-results+xml", None).media_type
'application/sparql-results+xml'
>>> choose_rdf_format(None, "nt").media_type
'application/n-triples'
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Generic, TypeVar

import pyoxigraph as ox

from bjaikg.errors import BjaikgError
from bjaikg.namespaces import PREFIXES

Format = TypeVar("Format", ox.RdfFormat, ox.QueryResultsFormat)


class NotAcceptableError(BjaikgError):
    """No offered serialisation satisfies the request's ``Accept`` header or ``format``."""


@dataclass(frozen=True)
class MediaRange:
    """One entry of an ``Accept`` header, e.g. ``text/*;q=0.5``."""

    type: str
    subtype: str
    quality: float = 1.0
    parameters: tuple[tuple[str, str], ...] = ()
    position: int = 0

    def specificity(self, offer: str) -> int:
        """How specifically this range names ``offer``: -1 none, 0 ``*/*`` … 3 with parameters."""
        offer_type, _, offer_subtype = offer.partition("/")
        if self.type == "*":
            return 0
        if self.type != offer_type:
            return -1
        if self.subtype == "*":
            return 1
        if self.subtype != offer_subtype:
            return -1
        return 3 if self.parameters else 2


@dataclass(frozen=True)
class FormatChoice(Generic[Format]):
    """A chosen serialisation: the pyoxigraph format and the media type the answer declares."""

    format: Format
    media_type: str

    @property
    def content_type(self) -> str:
        """``media_type`` with ``charset=utf-8``: every format is UTF-8, Chinese included."""
        return f"{self.media_type}; charset=utf-8"


RdfChoice = FormatChoice[ox.RdfFormat]
"""A graph serialisation (CONSTRUCT, DESCRIBE, Graph Store, dumps, resource data)."""

ResultsChoice = FormatChoice[ox.QueryResultsFormat]
"""A SELECT/ASK results serialisation."""


@dataclass(frozen=True)
class _Offer:
    media_types: tuple[str, ...]
    names: tuple[str, ...] = field(default=())


# Order is the server's preference when the client does not say (the first is the default).
# The first media type of each offer is what the response declares.
_RESULTS_OFFERS: dict[ox.QueryResultsFormat, _Offer] = {
    ox.QueryResultsFormat.JSON: _Offer(
        ("application/sparql-results+json", "application/json"), ("json",)
    ),
    ox.QueryResultsFormat.XML: _Offer(
        ("application/sparql-results+xml", "application/xml", "text/xml"), ("xml",)
    ),
    ox.QueryResultsFormat.CSV: _Offer(("text/csv",), ("csv",)),
    ox.QueryResultsFormat.TSV: _Offer(("text/tab-separated-values",), ("tsv",)),
}

_RDF_OFFERS: dict[ox.RdfFormat, _Offer] = {
    ox.RdfFormat.TURTLE: _Offer(("text/turtle", "application/x-turtle"), ("ttl", "turtle")),
    ox.RdfFormat.N_TRIPLES: _Offer(("application/n-triples", "text/plain"), ("nt", "ntriples")),
    ox.RdfFormat.JSON_LD: _Offer(("application/ld+json", "application/json"), ("jsonld", "json")),
    ox.RdfFormat.RDF_XML: _Offer(
        ("application/rdf+xml", "application/xml", "text/xml"), ("rdfxml", "rdf", "xml")
    ),
    ox.RdfFormat.TRIG: _Offer(("application/trig", "application/x-trig"), ("trig",)),
    ox.RdfFormat.N_QUADS: _Offer(("application/n-quads", "text/x-nquads"), ("nq", "nquads")),
}

FORMAT_NAMES: tuple[str, ...] = tuple(
    name for offers in (_RESULTS_OFFERS, _RDF_OFFERS) for o in offers.values() for name in o.names
)
"""Every short name the ``format`` parameter accepts (some mean different things for graphs)."""

RESULTS_MEDIA_TYPES: tuple[str, ...] = tuple(o.media_types[0] for o in _RESULTS_OFFERS.values())
"""The media types SELECT and ASK results are served in, default first."""

RDF_MEDIA_TYPES: tuple[str, ...] = tuple(o.media_types[0] for o in _RDF_OFFERS.values())
"""The media types graphs are served in, default first."""

DATASET_FORMATS: tuple[ox.RdfFormat, ...] = (
    ox.RdfFormat.TRIG,
    ox.RdfFormat.N_QUADS,
    ox.RdfFormat.JSON_LD,
)
"""Formats that keep named graphs, default first."""


def parse_accept(header: str | None) -> list[MediaRange]:
    """The media ranges of an ``Accept`` header; ``None`` or empty means ``*/*``.

    Entries without a ``/`` or with an unreadable ``q`` are skipped (RFC 9110 lets a server
    ignore what it cannot parse); ``q`` is clamped to 0…1.
    """
    if not header or not header.strip():
        return [MediaRange("*", "*")]
    ranges: list[MediaRange] = []
    for position, entry in enumerate(header.split(",")):
        media_type, *raw_parameters = (part.strip() for part in entry.split(";"))
        kind, slash, subkind = media_type.lower().partition("/")
        if not slash or not kind or not subkind:
            continue
        quality = 1.0
        parameters: list[tuple[str, str]] = []
        readable = True
        for raw in raw_parameters:
            name, _, value = raw.partition("=")
            name, value = name.strip().lower(), value.strip().strip('"')
            if name == "q":
                try:
                    quality = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    readable = False
            elif name and name != "charset":
                parameters.append((name, value))
        if readable:
            ranges.append(MediaRange(kind, subkind, quality, tuple(parameters), position))
    return ranges


def choose_media_type(accept: str | None, offers: Sequence[str]) -> str | None:
    """The offer the client prefers most, or ``None`` if it accepts none of them.

    For each offer the most specific matching range gives its quality; the highest quality
    wins, then the more specific match, then the range the client listed first, then the
    server's order in ``offers``. A quality of 0 means "not acceptable".
    """
    ranges = parse_accept(accept)
    best: tuple[float, int, int, int] | None = None
    chosen: str | None = None
    for offer_index, offer in enumerate(offers):
        matches = [(r.specificity(offer), r) for r in ranges]
        matches = [(specificity, r) for specificity, r in matches if specificity >= 0]
        if not matches:
            continue
        specificity, media_range = max(matches, key=lambda match: (match[0], -match[1].position))
        if media_range.quality <= 0:
            continue
        key = (media_range.quality, specificity, -media_range.position, -offer_index)
        if best is None or key > best:
            best, chosen = key, offer
    return chosen


def _choose(
    offers: dict[Format, _Offer], accept: str | None, format_parameter: str | None, what: str
) -> tuple[Format, str]:
    """The format and declared media type from ``offers`` for a request (see module docstring)."""
    if format_parameter:
        wanted = format_parameter.strip().lower()
        for rdf_format, offer in offers.items():
            if wanted in offer.names or wanted in offer.media_types:
                return rdf_format, offer.media_types[0]
        raise NotAcceptableError(
            f"format={format_parameter!r} is not available for {what}; use one of: "
            + ", ".join(name for offer in offers.values() for name in offer.names)
        )
    by_media_type = {
        media_type: (rdf_format, offer.media_types[0])
        for rdf_format, offer in reversed(offers.items())
        for media_type in reversed(offer.media_types)
    }
    ordered = [media_type for offer in offers.values() for media_type in offer.media_types]
    chosen = choose_media_type(accept, ordered)
    if chosen is None:
        raise NotAcceptableError(
            f"none of the media types in Accept: {accept} is available for {what}; offered: "
            + ", ".join(offer.media_types[0] for offer in offers.values())
        )
    return by_media_type[chosen]


@lru_cache(maxsize=512)
def choose_results_format(accept: str | None, format_parameter: str | None) -> ResultsChoice:
    """The serialisation of SELECT/ASK results; raises :class:`NotAcceptableError` (HTTP 406).

    Cached: clients send the same few ``Accept`` headers over and over.
    """
    results_format, media_type = _choose(
        _RESULTS_OFFERS, accept, format_parameter, "SELECT and ASK results"
    )
    return ResultsChoice(results_format, media_type)


@lru_cache(maxsize=512)
def choose_rdf_format(
    accept: str | None, format_parameter: str | None, *, datasets: bool = False
) -> RdfChoice:
    """The serialisation of a graph (or, with ``datasets``, of named graphs); may raise 406."""
    offers = (
        {rdf_format: _RDF_OFFERS[rdf_format] for rdf_format in DATASET_FORMATS}
        if datasets
        else _RDF_OFFERS
    )
    what = "a dataset with named graphs" if datasets else "graph results"
    rdf_format, media_type = _choose(offers, accept, format_parameter, what)
    return RdfChoice(rdf_format, media_type)


def used_prefixes(statements: Sequence[ox.Triple] | Sequence[ox.Quad]) -> dict[str, str]:
    """The project prefixes whose namespace holds an IRI of ``statements`` (subject, predicate,
    object or datatype), in :data:`PREFIXES` order — so Turtle output declares only what it uses.
    """
    by_namespace = {namespace: prefix for prefix, namespace in PREFIXES.items()}
    seen: set[str] = set()
    for statement in statements:
        for term in (statement.subject, statement.predicate, statement.object):
            if isinstance(term, ox.Literal):
                iri = term.datatype.value
            elif isinstance(term, ox.NamedNode):
                iri = term.value
            else:
                continue
            for separator in ("#", "/"):
                cut = iri.rfind(separator)
                if cut > 0 and iri[: cut + 1] in by_namespace:
                    seen.add(iri[: cut + 1])
    return {prefix: namespace for prefix, namespace in PREFIXES.items() if namespace in seen}


def serialise_triples(
    statements: Sequence[ox.Triple] | Sequence[ox.Quad], choice: RdfChoice
) -> bytes:
    """``statements`` in the chosen format, UTF-8, with the prefixes they use where they apply.

    Triples given for a dataset format land in the default graph; quads given for a graph
    format are a :class:`TypeError` from pyoxigraph (a caller's mistake, not a client's).
    """
    prefixes = None
    if choice.format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG):
        prefixes = used_prefixes(statements)
    output: Iterable[ox.Triple] | Iterable[ox.Quad] = statements
    if choice.format.supports_datasets:
        output = (
            ox.Quad(s.subject, s.predicate, s.object) if isinstance(s, ox.Triple) else s
            for s in statements
        )
    serialised = ox.serialize(output, format=choice.format, prefixes=prefixes)
    assert serialised is not None  # no output file given, so pyoxigraph returns bytes
    return serialised
