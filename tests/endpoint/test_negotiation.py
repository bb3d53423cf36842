"""Content negotiation: Accept parsing, q-values, wildcards, the format override, 406."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from bjaikg.negotiation import (
    NotAcceptableError,
    choose_media_type,
    choose_rdf_format,
    choose_results_format,
    parse_accept,
    serialise_triples,
)
from tests.hash_seeds import outputs_under_hash_seeds


def test_parse_accept_reads_quality_and_skips_garbage() -> None:
    ranges = parse_accept("text/turtle;q=0.5, garbage, application/json;q=x, */*;q=0.1")
    assert [(r.type, r.subtype, r.quality) for r in ranges] == [
        ("text", "turtle", 0.5),
        ("*", "*", 0.1),
    ]


def test_no_accept_and_wildcard_get_the_defaults() -> None:
    assert choose_results_format(None, None).media_type == "application/sparql-results+json"
    assert choose_results_format("*/*", None).media_type == "application/sparql-results+json"
    assert choose_rdf_format(None, None).media_type == "text/turtle"
    assert choose_rdf_format("*/*", None, datasets=True).media_type == "application/trig"


def test_highest_quality_wins_over_order() -> None:
    accept = "text/csv;q=0.2, application/sparql-results+xml;q=0.9, text/tab-separated-values"
    assert choose_results_format(accept, None).format == ox.QueryResultsFormat.TSV


def test_specific_range_overrides_wildcard_quality() -> None:
    accept = "text/*;q=0.9, text/xml;q=0, text/csv;q=0.1, application/sparql-results+json;q=0.5"
    assert choose_results_format(accept, None).media_type == "text/tab-separated-values"


def test_zero_quality_excludes_a_type() -> None:
    assert choose_media_type("text/turtle;q=0, */*", ["text/turtle", "application/n-triples"]) == (
        "application/n-triples"
    )


def test_generic_json_and_xml_map_per_answer_kind() -> None:
    assert choose_results_format("application/json", None).format == ox.QueryResultsFormat.JSON
    assert choose_rdf_format("application/json", None).format == ox.RdfFormat.JSON_LD
    assert choose_rdf_format("application/xml", None).format == ox.RdfFormat.RDF_XML


@pytest.mark.parametrize(
    ("name", "media_type"),
    [("ttl", "text/turtle"), ("nt", "application/n-triples"), ("jsonld", "application/ld+json"),
     ("rdfxml", "application/rdf+xml"), ("trig", "application/trig"),
     ("nq", "application/n-quads"), ("text/turtle", "text/turtle")],
)  # fmt: skip
def test_format_parameter_overrides_accept(name: str, media_type: str) -> None:
    assert choose_rdf_format("application/sparql-results+json", name).media_type == media_type


def test_unacceptable_requests_raise_with_the_offers() -> None:
    with pytest.raises(NotAcceptableError, match="text/csv"):
        choose_results_format("image/png", None)
    with pytest.raises(
        NotAcceptableError, match=r"^format=ttl: .* offered as json, xml, csv, tsv$"
    ):
        choose_results_format(None, "ttl")
    with pytest.raises(NotAcceptableError):
        choose_rdf_format("text/turtle", None, datasets=True)


def test_serialise_triples_declares_only_used_prefixes_and_keeps_chinese() -> None:
    triple = ox.Triple(
        ox.NamedNode("https://w3id.org/bjaikg/id/x"),
        ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
        ox.Literal("北京", language="zh"),
    )
    turtle = serialise_triples([triple], choose_rdf_format(None, "ttl")).decode("utf-8")
    assert "@prefix bj: <https://w3id.org/bjaikg/id/>" in turtle
    assert "@prefix schema:" not in turtle
    assert 'bj:x rdfs:label "北京"@zh' in turtle
    quads = serialise_triples([triple], choose_rdf_format(None, "nq")).decode("utf-8")
    label = "<http://www.w3.org/2000/01/rdf-schema#label>"
    assert quads == f'<https://w3id.org/bjaikg/id/x> {label} "北京"@zh .\n'


def test_turtle_writes_each_subject_once_and_declares_no_prefix_it_writes_implicitly() -> None:
    bj, rdfs = "https://w3id.org/bjaikg/id/", "http://www.w3.org/2000/01/rdf-schema#"
    label, kind = ox.NamedNode(rdfs + "label"), ox.NamedNode(rdfs + "comment")
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    x, y = ox.NamedNode(bj + "x"), ox.NamedNode(bj + "y")
    triples = [  # x's statements apart, as a CONSTRUCT may give them
        ox.Triple(x, label, ox.Literal("x")),
        ox.Triple(y, label, ox.Literal("y")),
        ox.Triple(x, rdf_type, ox.NamedNode(rdfs + "Resource")),
        ox.Triple(x, kind, ox.Literal("北京", language="zh")),
    ]
    turtle = serialise_triples(triples, choose_rdf_format(None, "ttl")).decode("utf-8")
    assert turtle.count("bj:x ") == 1 and turtle.count("bj:y ") == 1, turtle
    assert "@prefix rdf:" not in turtle and "@prefix xsd:" not in turtle, turtle
    parsed = ox.parse(turtle.encode(), format=ox.RdfFormat.TURTLE)
    assert {ox.Triple(q.subject, q.predicate, q.object) for q in parsed} == set(triples)


def test_an_accept_header_of_nothing_readable_counts_as_absent() -> None:
    for header in (";;;", "text/csv;q=abc", "garbage"):
        assert choose_results_format(header, None).media_type == "application/sparql-results+json"
    with pytest.raises(NotAcceptableError):  # a readable header that accepts none still refuses
        choose_results_format("image/png", None)


COMPACT_DIGEST = """
import hashlib, pyoxigraph as ox
from bjaikg.negotiation import compact_json_ld
data = '''@prefix bjo: <https://w3id.org/bjaikg/ontology#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
<https://w3id.org/bjaikg/id/a> a bjo:AIChip ; bjo:quote "一", "two"@en ;
    prov:qualifiedDerivation _:d1, _:d2 .
_:d1 prov:entity <https://w3id.org/bjaikg/id/p1> ; bjo:quote "q1" .
_:d2 prov:entity <https://w3id.org/bjaikg/id/p2> ; bjo:quote "q2" .
<https://w3id.org/bjaikg/id/b> bjo:designedBy <https://w3id.org/bjaikg/id/a> .
<https://w3id.org/bjaikg/id/c> bjo:designedBy <https://w3id.org/bjaikg/id/a> .
'''
triples = list(ox.parse(data.encode(), format=ox.RdfFormat.TURTLE))
print(hashlib.sha256(compact_json_ld(triples)).hexdigest())
"""


def test_compacted_json_ld_is_the_same_bytes_in_every_process() -> None:
    """Workers and replicas send one page's JSON-LD under one strong ETag: rdflib's writer
    orders nodes by hash, which differs between processes unless the output is ordered."""
    digests = outputs_under_hash_seeds(COMPACT_DIGEST)
    assert len(digests) == 1
