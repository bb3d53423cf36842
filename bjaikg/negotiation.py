"""Content negotiation: which serialisation answers a request, and the bytes of that answer.

One place decides formats for the SPARQL endpoint, the Graph Store, the dumps and the resource
pages, so ``Accept: text/turtle`` means the same thing everywhere.

API
---
- :func:`parse_accept` — an ``Accept`` header as :class:`MediaRange` values (q-values, wildcards,
  parameters); a malformed entry is skipped, as HTTP asks, never an exception.
- :func:`choose_media_type` — the best of a server's ``offers`` (media types in the server's
  order of preference) for an ``Accept`` header, or ``None`` when none is acceptable.
  :func:`choose_page_format` uses it with ``["text/html", *RDF_MEDIA_TYPES]`` to decide
  between a page and data.
- :func:`choose_rdf_format` — an :class:`RdfChoice` for graph answers (CONSTRUCT, DESCRIBE, Graph
  Store, resource data); ``datasets=True`` offers only formats that keep named graphs.
- :func:`choose_results_format` — a :class:`ResultsChoice` for SELECT and ASK answers.
- :func:`choose_page_format` — the HTML page (``None``) or an :class:`RdfChoice`, for the pages
  that have RDF forms.
- :func:`serialise_triples` — triples (or quads) as bytes in a chosen :class:`RdfChoice`, with the
  project's prefixes in the formats that use them (JSON-LD compacted on request).

Both ``choose_*`` functions take the ``format`` request parameter, which overrides ``Accept``: a
file extension (``json``, ``xml``, ``csv``, ``tsv``, ``ttl``, ``nt``, ``jsonld``, ``rdf``,
``trig``, ``nq``), a format's name with or without punctuation (``turtle``, ``rdfxml``,
``json-ld`` …), a media type, or a list of media types (``a/b,c/d``, as SPARQLWrapper sends),
negotiated like ``Accept``. N3 (``n3``, ``text/n3``, ``text/rdf+n3``) gets Turtle, which is
N3. Media types, extensions and aliases are pyoxigraph's (``RdfFormat`` and
``QueryResultsFormat``, ``from_media_type``, ``from_extension``); this module only says which
formats each kind of answer offers, in which order. They raise :class:`NotAcceptableError`
(HTTP 406; its message lists the ``format`` values offered for a refused ``format``, the media
types for a refused ``Accept``) when nothing fits. No ``Accept`` header, or
``*/*``, gets the default: SPARQL JSON for results, Turtle for graphs, TriG for datasets.

Hazard: ``text/html`` is offered by :func:`choose_page_format` only; the other functions choose
among data formats.

>>> choose_results_format("text/csv;q=0.5, application/sparql-results+xml", None).media_type
'application/sparql-results+xml'
>>> choose_rdf_format(None, "nt").media_type
'application/n-triples'
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Generic, TypeVar

import pyoxigraph as ox

from bjaikg.errors import BjaikgError, printable
from bjaikg.namespaces import PREFIXES
from bjaikg.terms import to_rdflib_graph

Format = TypeVar("Format", ox.RdfFormat, ox.QueryResultsFormat)


class NotAcceptableError(BjaikgError):
    """No offered serialisation satisfies the request's ``Accept`` header or ``format``: 406.

    ``asked`` is what the client sent (``format=png``, ``Accept: image/png``), ``offered`` what
    it may send instead: the ``format`` values (:data:`FORMAT_NAMES`) for a refused ``format``,
    the media types for a refused ``Accept``. The message says them of ``subject`` ("SELECT and
    ASK results are"); :meth:`said_of` says them of another, in a route's own words ("this page
    is", "district-places: its answers are").
    """

    def __init__(self, asked: str, offered: Sequence[str], subject: str) -> None:
        self.asked = asked
        self.offered = tuple(offered)
        super().__init__(self.said_of(subject))

    def said_of(self, subject: str) -> str:
        """The refusal as one line about ``subject`` (with its verb: "this page is"); a
        character of what the client sent that is not printable is written as its escape."""
        return printable(f"{self.asked}: {subject} offered as {', '.join(self.offered)}")


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


JSON_MEDIA_TYPE = "application/json; charset=utf-8"
"""What the server's plain JSON answers say they are: UTF-8, as every answer says
(docs/endpoint.md); Starlette adds the charset to ``text/`` types only."""

RdfChoice = FormatChoice[ox.RdfFormat]
"""A graph serialisation (CONSTRUCT, DESCRIBE, Graph Store, dumps, resource data)."""

ResultsChoice = FormatChoice[ox.QueryResultsFormat]
"""A SELECT/ASK results serialisation."""


def media_type_of(rdf_format: ox.RdfFormat | ox.QueryResultsFormat) -> str:
    """The format's media type without parameters (pyoxigraph adds ``charset`` to CSV and TSV)."""
    return rdf_format.media_type.partition(";")[0]


RESULTS_FORMATS: tuple[ox.QueryResultsFormat, ...] = (
    ox.QueryResultsFormat.JSON,
    ox.QueryResultsFormat.XML,
    ox.QueryResultsFormat.CSV,
    ox.QueryResultsFormat.TSV,
)
"""The formats of SELECT and ASK results, the server's preference first (the default)."""

RDF_FORMATS: tuple[ox.RdfFormat, ...] = (
    ox.RdfFormat.TURTLE,
    ox.RdfFormat.N_TRIPLES,
    ox.RdfFormat.JSON_LD,
    ox.RdfFormat.RDF_XML,
    ox.RdfFormat.TRIG,
    ox.RdfFormat.N_QUADS,
)
"""The formats of graphs, the server's preference first (the default)."""

DATASET_FORMATS: tuple[ox.RdfFormat, ...] = (
    ox.RdfFormat.TRIG,
    ox.RdfFormat.N_QUADS,
    ox.RdfFormat.JSON_LD,
)
"""Formats that keep named graphs, default first."""

FORMAT_NAMES: dict[ox.RdfFormat | ox.QueryResultsFormat, str] = {
    ox.QueryResultsFormat.JSON: "json",
    ox.QueryResultsFormat.XML: "xml",
    ox.QueryResultsFormat.CSV: "csv",
    ox.QueryResultsFormat.TSV: "tsv",
    ox.RdfFormat.TURTLE: "ttl",
    ox.RdfFormat.N_TRIPLES: "nt",
    ox.RdfFormat.JSON_LD: "jsonld",
    ox.RdfFormat.RDF_XML: "rdfxml",
    ox.RdfFormat.TRIG: "trig",
    ox.RdfFormat.N_QUADS: "nq",
}
"""The short ``format`` value of each format, as docs and OpenAPI give them (each also looked
up by :func:`_lookup`, like the formats' other names and media types)."""

RESULTS_MEDIA_TYPES: tuple[str, ...] = tuple(media_type_of(f) for f in RESULTS_FORMATS)
"""The media types SELECT and ASK results are served in, default first."""

RDF_MEDIA_TYPES: tuple[str, ...] = tuple(media_type_of(f) for f in RDF_FORMATS)
"""The media types graphs are served in, default first."""


def parse_accept(header: str | None) -> list[MediaRange]:
    """The media ranges of an ``Accept`` header; ``None`` or empty means ``*/*``.

    Entries without a ``/`` or with an unreadable ``q`` are skipped (RFC 9110 lets a server
    ignore what it cannot parse), and a header of nothing else counts as absent (``*/*``);
    ``q`` is clamped to 0…1.
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
    return ranges or [MediaRange("*", "*")]


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


_N3 = ("n3", "text/n3", "text/rdf+n3", "application/n3")
"""N3's names and media types: a Turtle document is an N3 document, so they get Turtle."""


def _lookup(formats: Sequence[Format], media_type_or_name: str) -> Format | None:
    """The format of ``formats`` that pyoxigraph knows by this media type, file extension or
    name (``turtle``, ``n-triples``, ``rdfxml`` …, with or without punctuation), else ``None``."""
    kind = type(formats[0])
    wanted = media_type_or_name.strip().lower()
    if wanted in _N3:
        wanted = "text/turtle"
    found = kind.from_media_type(wanted) if "/" in wanted else kind.from_extension(wanted)
    if found is None:
        by_name = {"".join(filter(str.isalnum, f.name.lower())): f for f in formats}
        found = by_name.get("".join(filter(str.isalnum, wanted)))
    return found if found in formats else None


def _choose(
    formats: Sequence[Format], accept: str | None, format_parameter: str | None, what: str
) -> Format:
    """The format of ``formats`` for a request (see the module docstring).

    ``Accept`` is matched against the formats' own media types and against every other media
    type the header names that pyoxigraph maps to one of them (``application/json``,
    ``text/xml`` …).
    """
    asked = f"Accept: {accept}"
    if format_parameter and "," in format_parameter:  # media types, as in Accept
        accept, asked = format_parameter, f"format={format_parameter}"
    elif format_parameter:
        chosen_format = _lookup(formats, format_parameter)
        if chosen_format is None:
            names = [FORMAT_NAMES[f] for f in formats]
            raise NotAcceptableError(f"format={format_parameter}", names, what)
        return chosen_format
    offers = [media_type_of(f) for f in formats]
    for media_range in parse_accept(accept):
        named = f"{media_range.type}/{media_range.subtype}"
        if "*" not in named and named not in offers and _lookup(formats, named):
            offers.append(named)
    chosen = choose_media_type(accept, offers)
    if chosen is None:
        media_types = [media_type_of(f) for f in formats]
        raise NotAcceptableError(asked, media_types, what)
    chosen_format = _lookup(formats, chosen)
    assert chosen_format is not None
    return chosen_format


@lru_cache(maxsize=512)
def choose_results_format(accept: str | None, format_parameter: str | None) -> ResultsChoice:
    """The serialisation of SELECT/ASK results; raises :class:`NotAcceptableError` (HTTP 406).

    Cached: clients send the same few ``Accept`` headers over and over.
    """
    chosen = _choose(RESULTS_FORMATS, accept, format_parameter, "SELECT and ASK results are")
    return ResultsChoice(chosen, media_type_of(chosen))


@lru_cache(maxsize=512)
def choose_rdf_format(
    accept: str | None, format_parameter: str | None, *, datasets: bool = False
) -> RdfChoice:
    """The serialisation of a graph (or, with ``datasets``, of named graphs); may raise 406."""
    formats = DATASET_FORMATS if datasets else RDF_FORMATS
    what = "datasets with named graphs are" if datasets else "graphs are"
    chosen = _choose(formats, accept, format_parameter, what)
    return RdfChoice(chosen, media_type_of(chosen))


PAGE = "html"
"""The ``format`` value of a page (HTML), beside its RDF forms."""


def choose_page_format(accept: str | None, format_parameter: str | None) -> RdfChoice | None:
    """``None`` when a page (``/id/…``, ``/ontology`` …) should be answered as HTML, else the
    RDF form asked for: ``format`` (``html`` or an RDF format's value) wins over ``Accept``,
    where ``text/html`` is offered before the RDF media types. Raises
    :class:`NotAcceptableError` saying what "this page is" offered as, the page included.
    """
    try:
        if format_parameter:
            return None if format_parameter == PAGE else choose_rdf_format(None, format_parameter)
        chosen = choose_media_type(accept, ["text/html", *RDF_MEDIA_TYPES])
        return None if chosen == "text/html" else choose_rdf_format(accept, None)
    except NotAcceptableError as error:
        page = PAGE if format_parameter else "text/html"
        raise NotAcceptableError(error.asked, [page, *error.offered], "this page is") from None


_RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
_IMPLICIT_DATATYPES = (
    ox.NamedNode(PREFIXES["xsd"] + "string"),
    ox.NamedNode(PREFIXES["rdf"] + "langString"),
)


def used_prefixes(statements: Sequence[ox.Triple] | Sequence[ox.Quad]) -> dict[str, str]:
    """The project prefixes whose namespace holds an IRI of ``statements`` (subject, predicate,
    object or datatype), in :data:`PREFIXES` order — so Turtle output declares only what it uses
    (not ``rdf:`` for a predicate ``rdf:type``, written ``a``, nor ``xsd:`` or ``rdf:`` for the
    datatypes of plain and language-tagged strings, written without one).
    """
    by_namespace = {namespace: prefix for prefix, namespace in PREFIXES.items()}
    seen: set[str] = set()
    for statement in statements:
        predicate = statement.predicate
        terms = (statement.subject, statement.object)
        for term in terms if predicate == _RDF_TYPE else (*terms, predicate):  # rdf:type: "a"
            if isinstance(term, ox.Literal):
                if term.datatype in _IMPLICIT_DATATYPES:
                    continue  # written as a plain or a language-tagged string
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


def _block(statement: ox.Triple | ox.Quad) -> tuple[str, str]:
    graph = statement.graph_name if isinstance(statement, ox.Quad) else None
    subject = statement.subject
    return (
        getattr(graph, "value", ""),
        str(subject) if isinstance(subject, ox.Triple) else subject.value,
    )


def serialise_triples(
    statements: Sequence[ox.Triple] | Sequence[ox.Quad], choice: RdfChoice, compact: bool = False
) -> bytes:
    """``statements`` in the chosen format, UTF-8, with the prefixes they use where they apply;
    in Turtle and TriG grouped by graph and subject, so that each subject is written once.
    With ``compact``, JSON-LD is compacted (:func:`compact_json_ld`); else it is expanded.

    Triples given for a dataset format land in the default graph; quads given for a graph
    format are a :class:`TypeError` from pyoxigraph (a caller's mistake, not a client's).
    """
    if compact and choice.format == ox.RdfFormat.JSON_LD:
        return compact_json_ld(statements)
    prefixes = None
    if choice.format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG):
        prefixes = used_prefixes(statements)
        # grouped by graph and subject, so each subject's statements form one block
        statements = sorted(statements, key=_block)
    output: Iterable[ox.Triple] | Iterable[ox.Quad] = statements
    if choice.format.supports_datasets:
        output = (
            ox.Quad(s.subject, s.predicate, s.object) if isinstance(s, ox.Triple) else s
            for s in statements
        )
    serialised = ox.serialize(output, format=choice.format, prefixes=prefixes)
    assert serialised is not None  # no output file given, so pyoxigraph returns bytes
    return keep_carriage_returns(serialised, choice.format)


def keep_carriage_returns(body: bytes, written_in: ox.RdfFormat | ox.QueryResultsFormat) -> bytes:
    r"""``body`` with each carriage return written ``&#13;`` when it is XML (RDF/XML, SPARQL
    XML); other formats as they are.

    pyoxigraph writes a carriage return inside a value as itself, and an XML reader turns
    ``\r\n`` and ``\r`` into ``\n`` (XML 1.0 §2.11), so the client would read another
    value. Its writers put none in markup, so every one is a value's.
    """
    if written_in in (ox.RdfFormat.RDF_XML, ox.QueryResultsFormat.XML) and b"\r" in body:
        return body.replace(b"\r", b"&#13;")
    return body


def compact_json_ld(statements: Sequence[ox.Triple] | Sequence[ox.Quad]) -> bytes:
    """``statements`` as compacted JSON-LD (graph names dropped): an ``@context`` of the project
    prefixes they use, IRIs written with them, a blank node used once embedded where it is
    used; nodes in the order of their ``@id``, each node's statements in N-Triples order, blank
    nodes keeping their labels, so one graph gives the same bytes in every process. rdflib writes it
    (pyoxigraph's writer only expands).

    Hazard: rdflib's writer holds the graph in memory and takes milliseconds per hundred
    statements — for page-sized graphs, not query answers or dumps.
    """
    ordered: list[ox.Triple] = sorted(
        (ox.Triple(s.subject, s.predicate, s.object) for s in statements), key=str
    )
    document = json.loads(
        to_rdflib_graph(ordered).serialize(
            format="json-ld", context=used_prefixes(ordered), auto_compact=True
        )
    )
    if isinstance(document, dict) and "@graph" in document:
        document["@graph"].sort(key=lambda node: node.get("@id", ""))
    return json.dumps(document, ensure_ascii=False, indent=2).encode() + b"\n"
