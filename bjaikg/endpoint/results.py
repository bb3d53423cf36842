"""SELECT results written as SPARQL JSON, XML, CSV and TSV from a list of solutions.

pyoxigraph serialises a whole :class:`pyoxigraph.QuerySolutions` iterator, which leaves no way
to stop at ``--max-results`` rows; when an answer may be longer than that, the endpoint takes
at most that many solutions and writes them here (shorter ones pyoxigraph writes itself, see
:data:`MINIMUM_ROW_BYTES`). The output follows the W3C result formats (SPARQL 1.1 Query
Results JSON, XML, CSV and TSV) and is UTF-8; RDF-star triple terms are written as SPARQL 1.2
proposes.

Hazard: CSV loses term types by design (the W3C format does); use TSV or JSON to round-trip.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from json.encoder import encode_basestring as _quote  # C-accelerated JSON string quoting
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

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


def _xml_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            attribute = f" xml:lang={quoteattr(term.language)}"
        elif term.datatype.value != XSD_STRING:
            attribute = f" datatype={quoteattr(term.datatype.value)}"
        else:
            attribute = ""
        return f"<literal{attribute}>{escape(term.value)}</literal>"
    return (
        f"<triple><subject>{_xml_term(term.subject)}</subject>"
        f"<predicate>{_xml_term(term.predicate)}</predicate>"
        f"<object>{_xml_term(term.object)}</object></triple>"
    )


def _csv_field(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        text = f"_:{term.value}"
    elif isinstance(term, ox.Triple):
        text = str(term)
    else:
        text = term.value
    if any(character in text for character in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def write_json(variables: Sequence[str], rows: Sequence[ox.QuerySolution]) -> bytes:
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


def write_xml(variables: Sequence[str], rows: Sequence[ox.QuerySolution]) -> bytes:
    """SPARQL Query Results XML."""
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>',
        *(f"<variable name={quoteattr(name)}/>" for name in variables),
        "</head><results>",
    ]
    for row in rows:
        parts.append("<result>")
        parts.extend(
            f"<binding name={quoteattr(name)}>{_xml_term(term)}</binding>"
            for name, term in zip(variables, row, strict=True)
            if term
        )
        parts.append("</result>")
    parts.append("</results></sparql>\n")
    return "".join(parts).encode("utf-8")


def write_csv(variables: Sequence[str], rows: Sequence[ox.QuerySolution]) -> bytes:
    """SPARQL 1.1 Query Results CSV (CRLF line ends, values only)."""
    lines = [",".join(variables)]
    lines.extend(",".join(_csv_field(term) for term in row) for row in rows)
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def write_tsv(variables: Sequence[str], rows: Sequence[ox.QuerySolution]) -> bytes:
    """SPARQL 1.1 Query Results TSV (terms in N-Triples/Turtle syntax)."""
    lines = ["\t".join(f"?{name}" for name in variables)]
    lines.extend("\t".join("" if term is None else str(term) for term in row) for row in rows)
    return ("\n".join(lines) + "\n").encode("utf-8")


WRITERS: dict[ox.QueryResultsFormat, Callable[[Sequence[str], Sequence[ox.QuerySolution]], bytes]]
WRITERS = {
    ox.QueryResultsFormat.JSON: write_json,
    ox.QueryResultsFormat.XML: write_xml,
    ox.QueryResultsFormat.CSV: write_csv,
    ox.QueryResultsFormat.TSV: write_tsv,
}
"""The writer of each results format the endpoint offers."""

MINIMUM_ROW_BYTES: dict[ox.QueryResultsFormat, int] = {
    ox.QueryResultsFormat.JSON: len("{},"),
    ox.QueryResultsFormat.XML: len("<result></result>"),
    ox.QueryResultsFormat.CSV: len("\r\n"),
    ox.QueryResultsFormat.TSV: len("\n"),
}
"""The fewest bytes one solution takes in each format (a solution binding nothing).

An answer of at most ``n`` times this many bytes holds at most ``n`` solutions, whoever wrote it.
"""
