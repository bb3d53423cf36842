"""The evidence of every identifier names a source a reader can open (issue 13 §6): a URL or a
repository path, never the number a search index gave a file."""

from __future__ import annotations

import csv
import re

from bjaikg import PROJECT_ROOT

LINKS = PROJECT_ROOT / "instances" / "links.ttl"
ORGANISATIONS = PROJECT_ROOT / "instances" / "mappings" / "organisations.csv"
INDEX_NUMBER = re.compile(r"GitHub file|#\s?\d{6,}")
"""How earlier evidence cited search-index ids: "GitHub file #29528802680", "(#63107049309)"."""


def test_index_number_pattern_catches_the_old_citations() -> None:
    assert INDEX_NUMBER.search('"Haidian Qu"} (GitHub file #29528802680).')
    assert INDEX_NUMBER.search('"XSHG", # Shanghai (6xxxxx) (#63107049309).')
    assert not INDEX_NUMBER.search("KY0602/city_simulator js/sanhe.js, relation/2988900")


def test_links_cite_no_search_index_number() -> None:
    cited = [
        f"{LINKS.name}:{number}: {line.strip()}"
        for number, line in enumerate(LINKS.read_text(encoding="utf-8").splitlines(), start=1)
        if INDEX_NUMBER.search(line)
    ]
    assert cited == []


def test_organisation_mappings_cite_no_search_index_number() -> None:
    with ORGANISATIONS.open(encoding="utf-8", newline="") as table:
        cited = [
            f"{ORGANISATIONS.name}:{row['slug']}: {row['wikidata_evidence']}"
            for row in csv.DictReader(table)
            if INDEX_NUMBER.search(row["wikidata_evidence"])
        ]
    assert cited == []
