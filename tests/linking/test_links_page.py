"""``docs/links.md`` is generated from the data, and the committed page is the current one."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bjaikg import PROJECT_ROOT
from bjaikg.linking.__main__ import LINKS_PAGE
from bjaikg.linking.link_coverage import measure_coverage, render_coverage
from bjaikg.store import KnowledgeGraph, load_knowledge_graph

DATA = Path(__file__).parent / "data"
BJ = "https://w3id.org/bjaikg/id/"


def test_committed_links_page_equals_what_the_data_gives(project_graph: KnowledgeGraph) -> None:
    page = render_coverage(measure_coverage(project_graph))
    assert LINKS_PAGE.read_text(encoding="utf-8") == page, (
        "docs/links.md is out of date: run python -m bjaikg.linking report"
    )


def test_coverage_counts_entities_per_type_and_target() -> None:
    coverage = measure_coverage(load_knowledge_graph([PROJECT_ROOT / "ontology", DATA / "local"]))
    by_iri = {entity.iri.removeprefix(BJ): entity for entity in coverage.entities}
    assert sorted(by_iri) == [
        "fixture-alpha", "fixture-beta", "fixture-delta", "fixture-epsilon",
        "fixture-eta", "fixture-gamma", "fixture-theta", "fixture-zeta",
    ]  # fmt: skip
    assert by_iri["fixture-alpha"].names == {
        "en": ("Alpha Chip Company", "Alpha Chips"),
        "zh": ("甲芯科技",),
    }
    assert by_iri["fixture-alpha"].identifiers == {
        "wikidata": ("http://www.wikidata.org/entity/Q9990001",),
        "website": ("https://alpha.example/",),
        "ticker": ("XSHG 600001",),
    }
    assert [e.iri.removeprefix(BJ) for e in coverage.unlinked()] == [
        "fixture-epsilon",
        "fixture-eta",
    ]
    page = render_coverage(coverage)
    assert "| company | 4 | 2 | 0 | 0 | 2 | 2 | 4 |" in page
    assert "| **all entities** | 8 | 3 | 0 | 1 | 2 | 2 | 6 |" in page
    assert by_iri["fixture-eta"].searched == (
        'Searched the code corpus for "Eta District" with "wikidata": no pairing found.',
        "Searched the pages corpus for every district of the fixture: nothing citable.",
    )
    assert (
        "| bj:fixture-eta | administrative district | 庚区 / Eta District | Searched the code"
        ' corpus for "Eta District" with "wikidata": no pairing found.<br>Searched the pages'
        " corpus for every district of the fixture: nothing citable. |"
    ) in page
    assert "Fixture district search" not in page  # the group is no entity of its own
    assert "| bj:fixture-epsilon |" in page and "检索过" not in page


def test_report_check_fails_on_a_stale_page_and_passes_on_a_fresh_one(tmp_path: Path) -> None:
    page = tmp_path / "links.md"
    page.write_text("# stale\n", encoding="utf-8")
    data = ["--data", str(PROJECT_ROOT / "ontology"), "--data", str(DATA / "local")]
    command = [sys.executable, "-m", "bjaikg.linking", "report", "--output", str(page), *data]
    stale = subprocess.run(
        [*command, "--check"], capture_output=True, text=True, cwd=PROJECT_ROOT, check=False
    )
    assert stale.returncode == 1
    assert "out of date" in stale.stderr
    written = subprocess.run(command, capture_output=True, text=True, cwd=PROJECT_ROOT, check=False)
    assert written.returncode == 0
    fresh = subprocess.run(
        [*command, "--check"], capture_output=True, text=True, cwd=PROJECT_ROOT, check=False
    )
    assert fresh.returncode == 0, fresh.stderr


def test_report_names_a_broken_data_file_in_one_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text(
        "@prefix bj: <https://w3id.org/bjaikg/id/> .\nbj:x bj:y .\n", encoding="utf-8"
    )
    completed = subprocess.run(
        [sys.executable, "-m", "bjaikg.linking", "report", "--check", "--data", str(broken)],
        capture_output=True, text=True, cwd=PROJECT_ROOT, check=False,
    )  # fmt: skip
    assert completed.returncode == 2
    assert completed.stderr.startswith(f"bjaikg.linking: error: {broken}:2:")
    assert len(completed.stderr.strip().splitlines()) == 1
