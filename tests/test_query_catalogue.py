"""The named-query header format: parsing, required keys and errors that name the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from bjaikg.errors import QueryFileError
from bjaikg.query_catalogue import Parameter, load_catalogue, parse_query_file

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
