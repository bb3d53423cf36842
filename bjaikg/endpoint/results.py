"""SELECT results cut to ``--max-results`` rows, in every results format the endpoint offers.

pyoxigraph serialises a whole :class:`pyoxigraph.QuerySolutions` iterator, which leaves no way
to stop at ``--max-results`` rows; when an answer may be longer than that, the endpoint takes
at most that many solutions and writes them here (shorter ones pyoxigraph writes itself, see
:data:`MINIMUM_ROW_BYTES`). The rows are written as SPARQL 1.1 Query Results JSON; for another
format they are written as SPARQL XML, which pyoxigraph reads back and writes in the format
itself, so a cut answer is written as pyoxigraph writes an uncut one (RDF-star triple terms
included). XML, not JSON, is what pyoxigraph reads back: its JSON and TSV readers refuse a
value longer than 16 MiB (``MemoryError``), its XML reader takes any.

Hazard: the XML is for pyoxigraph's reader alone, which keeps every character of a text as
written (a carriage return, a control character XML 1.0 forbids); only ``&``, ``<`` and ``>``,
and ``"`` in attributes, are escaped, and the whitespace of a value that begins or ends with
some (which that reader trims otherwise).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape as _escape  # str.replace in C: &, <, > (and " ' with quote=True)
from json.encoder import encode_basestring as _quote  # C-accelerated JSON string quoting

import pyoxigraph as ox

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
SPARQL_RESULTS = "http://www.w3.org/2005/sparql-results#"
ITS = "http://www.w3.org/2005/11/its"
"""The namespace of ``its:dir``, a literal's base direction in SPARQL XML (RDF 1.2)."""

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


def _json_term(term: Term) -> str:
    """One RDF term as a SPARQL JSON binding object, written directly (the hot path)."""
    kind = type(term)
    if kind is ox.NamedNode:
        return f'{{"type":"uri","value":{_quote(term.value)}}}'  # type: ignore[union-attr]
    if kind is ox.Literal:
        value = _quote(term.value)  # type: ignore[union-attr]
        language = term.language  # type: ignore[union-attr]
        if language:
            direction = term.direction  # type: ignore[union-attr]
            if direction is not None:  # RDF 1.2 "x"@en--rtl, as pyoxigraph writes it
                return (
                    f'{{"type":"literal","value":{value},"xml:lang":{_quote(language)},'
                    f'"its:dir":{_quote(str(direction))}}}'
                )
            return f'{{"type":"literal","value":{value},"xml:lang":{_quote(language)}}}'
        datatype = term.datatype.value  # type: ignore[union-attr]
        if datatype == XSD_STRING:
            return f'{{"type":"literal","value":{value}}}'
        return f'{{"type":"literal","value":{value},"datatype":{_quote(datatype)}}}'
    if kind is ox.BlankNode:
        return f'{{"type":"bnode","value":{_quote(term.value)}}}'  # type: ignore[union-attr]
    assert isinstance(term, ox.Triple)
    return (
        f'{{"type":"triple","value":{{"subject":{_json_term(term.subject)},'
        f'"predicate":{_json_term(term.predicate)},"object":{_json_term(term.object)}}}}}'
    )


_WHITESPACE = str.maketrans({" ": "&#32;", "\t": "&#9;", "\n": "&#10;", "\r": "&#13;"})
"""XML's whitespace as character references: pyoxigraph's XML reader trims whitespace at the
ends of a text, but keeps what a reference writes."""


def _xml_term(term: Term) -> str:
    """One RDF term as a SPARQL XML binding's content (what pyoxigraph writes)."""
    kind = type(term)
    if kind is ox.NamedNode:
        return f"<uri>{_escape(term.value, False)}</uri>"  # type: ignore[union-attr]
    if kind is ox.Literal:
        value = _escape(term.value, False)  # type: ignore[union-attr]
        if value[:1].isspace() or value[-1:].isspace():
            value = value.translate(_WHITESPACE)
        language = term.language  # type: ignore[union-attr]
        if language:
            direction = term.direction  # type: ignore[union-attr]
            if direction is not None:
                return (
                    f'<literal xml:lang="{_escape(language)}" its:dir="{direction}" '
                    f'xmlns:its="{ITS}" its:version="2.0">{value}</literal>'
                )
            return f'<literal xml:lang="{_escape(language)}">{value}</literal>'
        datatype = term.datatype.value  # type: ignore[union-attr]
        if datatype == XSD_STRING:
            return f"<literal>{value}</literal>"
        return f'<literal datatype="{_escape(datatype)}">{value}</literal>'
    if kind is ox.BlankNode:
        return f"<bnode>{_escape(term.value, False)}</bnode>"  # type: ignore[union-attr]
    assert isinstance(term, ox.Triple)
    return (
        f"<triple><subject>{_xml_term(term.subject)}</subject><predicate>"
        f"{_xml_term(term.predicate)}</predicate><object>{_xml_term(term.object)}</object></triple>"
    )


def write_solutions(
    variables: Sequence[str],
    rows: Sequence[ox.QuerySolution],
    results_format: ox.QueryResultsFormat,
) -> bytes:
    """``rows`` (of ``variables``) in ``results_format``."""
    if results_format == ox.QueryResultsFormat.JSON:
        return _write_json(variables, rows)
    written = ox.parse_query_results(
        _write_xml(variables, rows), format=ox.QueryResultsFormat.XML
    ).serialize(format=results_format)
    assert written is not None  # no output file given, so pyoxigraph returns bytes
    return written


def _write_json(variables: Sequence[str], rows: Sequence[ox.QuerySolution]) -> bytes:
    """SPARQL 1.1 Query Results JSON."""
    names = [f"{_quote(name)}:" for name in variables]
    bindings = ",".join(
        "{"
        + ",".join(name + _json_term(term) for name, term in zip(names, row, strict=True) if term)
        + "}"
        for row in rows
    )
    head = ",".join(_quote(name) for name in variables)
    return f'{{"head":{{"vars":[{head}]}},"results":{{"bindings":[{bindings}]}}}}'.encode()


def _write_xml(variables: Sequence[str], rows: Sequence[ox.QuerySolution]) -> bytes:
    """SPARQL Query Results XML, for pyoxigraph's reader (see the module's hazard)."""
    names = [f'<binding name="{_escape(name)}">' for name in variables]
    results = "".join(
        "<result>"
        + "".join(
            f"{name}{_xml_term(term)}</binding>"
            for name, term in zip(names, row, strict=True)
            if term
        )
        + "</result>"
        for row in rows
    )
    head = "".join(f'<variable name="{_escape(name)}"/>' for name in variables)
    return (
        f'<?xml version="1.0"?><sparql xmlns="{SPARQL_RESULTS}"><head>{head}</head>'
        f"<results>{results}</results></sparql>"
    ).encode()


MINIMUM_ROW_BYTES: dict[ox.QueryResultsFormat, int] = {
    ox.QueryResultsFormat.JSON: len("{},"),
    ox.QueryResultsFormat.XML: len("<result></result>"),
    ox.QueryResultsFormat.CSV: len("\r\n"),
    ox.QueryResultsFormat.TSV: len("\n"),
}
"""The fewest bytes one solution takes in each format (a solution binding nothing).

An answer of at most ``n`` times this many bytes holds at most ``n`` solutions, whoever wrote it.
"""
