"""The offline link rules of ``queries/checks/links/`` on small inline graphs: each rule finds
what it is for and stays silent on a graph that does it right."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from bjaikg.validation.rules import CHECK_FOLDER, Rule, parse_rule_file

PREFIXES = """
@prefix bj: <https://w3id.org/bjaikg/id/> .
@prefix bjo: <https://w3id.org/bjaikg/ontology#> .
@prefix schema: <https://schema.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix wd: <http://www.wikidata.org/entity/> .
"""

ENTITIES = """
bj:alpha a bjo:Company .
bj:beta a bjo:Company .
"""


def rule(name: str) -> Rule:
    """The rule in ``queries/checks/links/<name>.rq``."""
    return parse_rule_file(CHECK_FOLDER / "links" / f"{name}.rq", "links")


def findings(rule_name: str, turtle: str) -> set[tuple[str, str]]:
    """(focus, value) of each row the rule gives on ``turtle`` (prefixes added)."""
    store = ox.Store()
    store.load((PREFIXES + turtle).encode("utf-8"), ox.RdfFormat.TURTLE)
    result = store.query(rule(rule_name).query, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    rows = set()
    for row in result:
        value = row["value"]
        rows.add((row["focus"].value, value.value if value is not None else ""))
    return rows


def test_every_link_rule_has_a_links_id() -> None:
    names = sorted(path.stem for path in (CHECK_FOLDER / "links").glob("*.rq"))
    assert {"one-identifier-per-kind", "shared-identifier", "subject-defined"} <= set(names)
    for name in names:
        assert rule(name).id.startswith("links.")


@pytest.mark.parametrize(
    ("turtle", "expected"),
    [
        (
            "bj:alpha skos:exactMatch wd:Q1, wd:Q2 .",
            {("https://w3id.org/bjaikg/id/alpha", "http://www.wikidata.org/entity/Q2")},
        ),
        (
            "bj:alpha skos:exactMatch <https://ror.org/0aaaaaa00>, <https://ror.org/0bbbbbb00> .",
            {("https://w3id.org/bjaikg/id/alpha", "https://ror.org/0bbbbbb00")},
        ),
        (
            'bj:alpha schema:tickerSymbol "XSHG 600001", "XSHG 600002" .',
            {("https://w3id.org/bjaikg/id/alpha", "XSHG 600002")},
        ),
    ],
    ids=["two-wikidata-items", "two-ror-ids", "two-tickers-on-one-exchange"],
)
def test_one_identifier_per_kind_reports_the_extra_identifier(
    turtle: str, expected: set[tuple[str, str]]
) -> None:
    assert findings("one-identifier-per-kind", ENTITIES + turtle) == expected


def test_one_identifier_per_kind_accepts_one_of_each_kind() -> None:
    turtle = """
    bj:alpha skos:exactMatch wd:Q1, <https://ror.org/0aaaaaa00>, <http://sws.geonames.org/1/> ;
        schema:tickerSymbol "XSHG 600001", "XHKG 1001" .
    """
    assert findings("one-identifier-per-kind", ENTITIES + turtle) == set()


def test_one_official_website_warns_on_the_second_address() -> None:
    two = "bj:alpha schema:url <https://a.example/>, <https://b.example/> ."
    assert findings("one-official-website", ENTITIES + two) == {
        ("https://w3id.org/bjaikg/id/alpha", "https://b.example/")
    }
    one = "bj:alpha schema:url <https://a.example/> ."
    assert findings("one-official-website", ENTITIES + one) == set()


def test_shared_identifier_reports_both_holders_of_a_wikidata_item() -> None:
    turtle = "bj:alpha skos:exactMatch wd:Q1 . bj:beta skos:exactMatch wd:Q1 ."
    assert findings("shared-identifier", ENTITIES + turtle) == {
        ("https://w3id.org/bjaikg/id/alpha", "http://www.wikidata.org/entity/Q1"),
        ("https://w3id.org/bjaikg/id/beta", "http://www.wikidata.org/entity/Q1"),
    }


def test_shared_identifier_reports_a_shared_ticker_and_accepts_distinct_ones() -> None:
    shared = """
    bj:alpha schema:tickerSymbol "XSHE 300001" .
    bj:beta schema:tickerSymbol "XSHE 300001" .
    """
    assert len(findings("shared-identifier", ENTITIES + shared)) == 2
    distinct = """
    bj:alpha skos:exactMatch wd:Q1 ; schema:tickerSymbol "XSHE 300001" .
    bj:beta skos:exactMatch wd:Q2 ; schema:tickerSymbol "XSHE 300002" .
    """
    assert findings("shared-identifier", ENTITIES + distinct) == set()


def test_subject_defined_reports_a_link_on_an_undefined_slug() -> None:
    turtle = "bj:alhpa skos:exactMatch wd:Q1 . bj:alpha skos:exactMatch wd:Q2 ."
    assert findings("subject-defined", ENTITIES + turtle) == {
        ("https://w3id.org/bjaikg/id/alhpa", "http://www.wikidata.org/entity/Q1")
    }


@pytest.mark.parametrize(
    "ticker", ['"688256"', '"SSE: 688256"', '"xshg 688256"', "<https://x.example/>"]
)
def test_ticker_form_rejects_values_that_are_not_mic_and_code(ticker: str) -> None:
    turtle = f"bj:alpha schema:tickerSymbol {ticker} ."
    assert len(findings("ticker-form", ENTITIES + turtle)) == 1


def test_ticker_form_accepts_mic_and_code() -> None:
    turtle = 'bj:alpha schema:tickerSymbol "XSHG 688256", "XHKG 1024", "XNAS LI" .'
    assert findings("ticker-form", ENTITIES + turtle) == set()
