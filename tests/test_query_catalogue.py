"""The named-query header format: parsing, required keys and errors that name the file."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from bjaikg.errors import QueryFileError
from bjaikg.namespaces import XSD_INTEGER
from bjaikg.query_catalogue import (
    Parameter,
    ParameterError,
    load_catalogue,
    parse_query_file,
)
from bjaikg.store import KnowledgeGraph

GOOD = """#+ title.en: Chips in a district
#+ title.zh: 街区的芯片
#+ description.en: Which chips are developed in the district?
#+ description.zh: 街区里开发了哪些芯片？
#+ tags: chips, districts
#+ expect: rows >= 1
#+ defaults: _district=https://w3id.org/bjaikg/id/origin-community
PREFIX bjo: <https://w3id.org/bjaikg/ontology#>
SELECT ?chip WHERE { ?_district bjo:gathers ?org . ?chip bjo:designedBy ?org . }
"""


def test_a_query_file_is_parsed_with_header_parameters_and_defaults(tmp_path: Path) -> None:
    path = tmp_path / "district-chips.rq"
    path.write_text(GOOD, encoding="utf-8")
    query = parse_query_file(path)
    assert query.name == "district-chips"
    assert query.title("zh") == "街区的芯片"
    assert query.description("en").startswith("Which chips")
    assert query.tags == ("chips", "districts")
    assert query.parameters == (
        Parameter("district", "_district", "iri", "https://w3id.org/bjaikg/id/origin-community"),
    )
    assert not query.needs_network
    assert load_catalogue(tmp_path) == [query]


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        (GOOD.replace("#+ title.zh: 街区的芯片\n", ""), "header lacks title.zh"),
        (GOOD.replace("rows >= 1", "sometimes"), "expect 'sometimes' is not a known rule"),
        (GOOD.replace("#+ tags:", "#+ tags"), ":5: header line is not"),
    ],
    ids=["missing-key", "unknown-rule", "malformed-line"],
)
def test_a_bad_header_is_refused_naming_the_file(tmp_path: Path, broken: str, message: str) -> None:
    path = tmp_path / "broken.rq"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(QueryFileError, match=message) as caught:
        parse_query_file(path)
    assert str(path) in str(caught.value)


def test_a_named_query_takes_another_named_querys_pattern(tmp_path: Path) -> None:
    (tmp_path / "chain.rq").write_text(
        "SELECT * WHERE {\n  # begin pattern hop\n  ?a ?b ?c .\n  # end pattern hop\n}\n"
    )
    header = "#+ title.en: t\n#+ title.zh: t\n#+ description.en: d\n#+ description.zh: d\n"
    evidence = tmp_path / "evidence.rq"
    evidence.write_text(
        header + "#+ expect: answer\nSELECT * WHERE {\n  # insert pattern hop from chain.rq\n"
        "  ?c ?d ?e .\n}\n"
    )
    text = parse_query_file(evidence).text
    assert "  ?a ?b ?c .\n  # end pattern hop\n  ?c ?d ?e ." in text
    assert "# insert pattern" not in text


def test_a_whole_number_default_makes_an_integer_parameter(tmp_path: Path) -> None:
    path = tmp_path / "paragraph.rq"
    path.write_text(
        GOOD.replace("_district=https://w3id.org/bjaikg/id/origin-community", "_n=17").replace(
            "?_district bjo:gathers ?org .", "?org bjo:paragraph ?_n ."
        ),
        encoding="utf-8",
    )
    [parameter] = parse_query_file(path).parameters
    assert parameter.kind == "integer"
    assert parameter.term("44") == ox.Literal("44", datatype=XSD_INTEGER)
    for wrong in ("abc", "１７", "1.5"):  # full-width digits are no xsd:integer either
        with pytest.raises(ParameterError, match="is not a whole number"):
            parameter.term(wrong)


def test_a_node_s_source_rows_come_in_row_order(project_graph: KnowledgeGraph) -> None:
    # Zhipu's nine rows of Epoch AI's models table: by number (240 … 1156), not record IRI
    query = {query.name: query for query in load_catalogue()}["source-row-of-a-statement"]
    answer = project_graph.query(query.bind({"node": "https://w3id.org/bjaikg/id/zhipu"}))
    assert isinstance(answer, ox.QuerySolutions)
    numbers = [int(row["row_number"].value) for row in answer]
    assert len(numbers) > 5 and max(numbers) > 999 and numbers == sorted(numbers)
