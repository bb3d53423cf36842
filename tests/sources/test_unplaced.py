"""The docs' list of organisations without a sourced headquarters (docs/sources.md) is the
answer of the named query ``organisations-without-headquarters``, and each of them has a row in
the organisation mapping that records what was searched."""

from __future__ import annotations

import csv
import re

from bjaikg import PROJECT_ROOT
from bjaikg.query_catalogue import ANSWER_FOLDER
from bjaikg.sources.mapping import read_organisations

SECTION = "### Organisations not yet placed"
ID = "https://w3id.org/bjaikg/id/"


def documented_slugs() -> list[str]:
    """The slugs in the first column of the table under :data:`SECTION`, in order."""
    text = (PROJECT_ROOT / "docs" / "sources.md").read_text(encoding="utf-8")
    section = text.split(SECTION, 1)[1].split("\n### ", 1)[0]
    return re.findall(r"^\| `([a-z0-9-]+)` \|", section, flags=re.MULTILINE)


def answered_slugs() -> list[str]:
    """The organisations of the query's committed answer, in its order."""
    path = ANSWER_FOLDER / "organisations-without-headquarters.tsv"
    with path.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream, delimiter="\t"))[1:]
    return [row[0].removeprefix(f"<{ID}").removesuffix(">") for row in rows]


def test_the_docs_list_is_the_named_querys_answer() -> None:
    assert documented_slugs() == answered_slugs()


def test_every_unplaced_organisation_records_its_search() -> None:
    rows = read_organisations()
    for slug in documented_slugs():
        own = [row for row in rows if row.slug == slug]
        assert own, f"{slug}: no row in the organisation mapping"
        assert not any(row.city for row in own), f"{slug} is placed by the mapping"
        assert any(row.quote.startswith("NOT FOUND: ") for row in own), slug
