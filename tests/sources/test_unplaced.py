"""The docs' list of organisations without a sourced headquarters (docs/sources.md) is the
answer of the named query ``organisations-without-headquarters``, and each of them has a row in
the organisation mapping that records what was searched; the section's counts of organisations
placed are the project graph's."""

from __future__ import annotations

import csv
import re

from bjaikg import PROJECT_ROOT
from bjaikg.query_catalogue import ANSWER_FOLDER
from bjaikg.sources.mapping import read_organisations
from bjaikg.store import KnowledgeGraph
from tests.graph_rows import select

SECTION = "### Organisations not yet placed"
ID = "https://w3id.org/bjaikg/id/"


def section_text() -> str:
    """The text under :data:`SECTION` (up to the next heading of its level)."""
    text = (PROJECT_ROOT / "docs" / "sources.md").read_text(encoding="utf-8")
    return text.split(SECTION, 1)[1].split("\n### ", 1)[0]


def documented_slugs() -> list[str]:
    """The slugs in the first column of the table under :data:`SECTION`, in order."""
    section = section_text()
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


COUNTS = re.compile(
    r"(\d+) of the graph's (\d+) organisations have a sourced headquarters \((\d+) in Beijing, "
    r"(\d+) of them with their district or Beijing E-Town\)"
)


def count_organisations(graph: KnowledgeGraph, pattern: str) -> int:
    """How many organisations (not deprecated) of ``graph`` match ``pattern`` (on ``?o``)."""
    [row] = select(
        graph,
        "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?o a/rdfs:subClassOf* bjo:Organisation . "
        f"{pattern} FILTER NOT EXISTS {{ ?o owl:deprecated true }} }}",
    )
    return int(row["n"])


def test_the_docs_counts_of_placed_organisations_are_the_graph_s(
    project_graph: KnowledgeGraph,
) -> None:
    """The district count said 62 when the graph gave 63 (a researcher's review, 2026-12-07,
    finding 5): the sentence's four counts are computed here."""
    text = " ".join(section_text().split())
    found = COUNTS.search(text)
    assert found, "docs/sources.md: the sentence of counts is missing"
    placed, total, in_beijing, with_district = (int(number) for number in found.groups())
    assert total == count_organisations(project_graph, "")
    assert placed == count_organisations(project_graph, "?o org:hasPrimarySite ?site .")
    assert f"The other {total - placed} are" in text and total - placed == len(documented_slugs())
    site = "?o org:hasPrimarySite/bjo:locatedIn ?place ."
    assert in_beijing == count_organisations(
        project_graph, f"{site} ?place geo:sfWithin* bj:beijing ."
    )
    assert with_district == count_organisations(
        project_graph, f"{site} ?place geo:sfWithin+ bj:beijing ."
    )
