"""The online link check end to end: the real ``serve.py`` plays the Wikidata query service
with fake fixture data (``data/remote/``), and the check runs against it over HTTP.

Fixture data (``data/local/`` and ``data/remote/``) is invented and marked as such in its
files; nothing here touches the internet.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bjaikg import PROJECT_ROOT
from bjaikg.linking.link_coverage import LinkCoverage, measure_coverage
from bjaikg.linking.online import Candidate, Mismatch, review_links
from bjaikg.linking.remote import RemoteEndpoint
from bjaikg.store import load_knowledge_graph
from tests.server_process import ServerProcess, running_server

pytestmark = pytest.mark.server

DATA = Path(__file__).parent / "data"
LOCAL = [PROJECT_ROOT / "ontology", DATA / "local"]
BJ = "https://w3id.org/bjaikg/id/"
WD = "http://www.wikidata.org/entity/"


@pytest.fixture(scope="module")
def wikidata_double() -> Iterator[ServerProcess]:
    """``serve.py`` serving the fake Wikidata fixture on 127.0.0.1."""
    with running_server("--data", str(DATA / "remote")) as server:
        yield server


@pytest.fixture(scope="module")
def coverage() -> LinkCoverage:
    """The fixture entities and links, with the project ontology for their classes."""
    return measure_coverage(load_knowledge_graph(LOCAL))


def test_mismatches_are_found_for_each_aspect(
    wikidata_double: ServerProcess, coverage: LinkCoverage
) -> None:
    review = review_links(coverage, RemoteEndpoint(wikidata_double.sparql, timeout=30))
    assert review.checked == 3
    assert review.mismatches == [
        Mismatch(f"{BJ}fixture-alpha", f"{WD}Q9990001", "ror", "", "0aaaaaa01"),
        Mismatch(f"{BJ}fixture-alpha", f"{WD}Q9990001", "ticker", "XSHG 600001", "600009"),
        Mismatch(f"{BJ}fixture-beta", f"{WD}Q9990002", "item", f"{WD}Q9990002", ""),
        Mismatch(f"{BJ}fixture-theta", f"{WD}Q9990007", "label@zh", "辛研究所", "辛研究院"),
    ]
    # The English label of Q9990001 differs from bj:fixture-alpha's rdfs:label but equals its
    # skos:altLabel, so it is not reported.


def test_candidates_are_found_by_website_ror_ticker_and_label(
    wikidata_double: ServerProcess, coverage: LinkCoverage
) -> None:
    review = review_links(coverage, RemoteEndpoint(wikidata_double.sparql, timeout=30))
    found = {
        (c.entity.removeprefix(BJ), c.item.removeprefix(WD), c.method) for c in review.candidates
    }
    assert found == {
        ("fixture-gamma", "Q9990003", "website"),
        ("fixture-gamma", "Q9990003", "label"),
        ("fixture-delta", "Q9990004", "ror"),
        ("fixture-delta", "Q9990004", "label"),
        ("fixture-epsilon", "Q9990005", "label"),
        ("fixture-zeta", "Q9990006", "ticker"),
        ("fixture-zeta", "Q9990006", "label"),
    }
    linked = {f"{BJ}fixture-alpha", f"{BJ}fixture-beta", f"{BJ}fixture-theta"}
    assert not any(candidate.entity in linked for candidate in review.candidates)
    website = Candidate(f"{BJ}fixture-gamma", f"{WD}Q9990003", "website", "https://gamma.example/")
    assert website.evidence == "wd:Q9990003 wdt:P856 (official website) = https://gamma.example/"


def test_command_writes_the_review_and_exits_1_on_mismatches(
    wikidata_double: ServerProcess, tmp_path: Path
) -> None:
    before = {path: path.read_bytes() for path in (DATA / "local").iterdir()}
    review = tmp_path / "link-review.md"
    arguments = ["check", "--endpoint", wikidata_double.sparql, "--review", str(review)]
    for path in LOCAL:
        arguments += ["--data", str(path)]
    completed = subprocess.run(
        [sys.executable, "-m", "bjaikg.linking", *arguments],
        capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=120, check=False,
    )  # fmt: skip
    assert completed.returncode == 1, completed.stderr
    assert "3 Wikidata links checked, 4 mismatches, 8 candidates" in completed.stdout
    text = review.read_text(encoding="utf-8")
    row = "| bj:fixture-alpha | 甲芯科技 / Alpha Chips | wd:Q9990001 | ticker | XSHG 600001 |"
    assert f"{row} 600009 |" in text
    assert "wd:Q9990006 wdt:P249 or pq:P249 (ticker symbol) = 9999" in text
    assert {path: path.read_bytes() for path in (DATA / "local").iterdir()} == before


def test_command_reports_an_unreachable_endpoint_in_one_line(tmp_path: Path) -> None:
    completed = subprocess.run(
        [
            sys.executable, "-m", "bjaikg.linking", "check", "--attempts", "1",
            "--endpoint", "http://127.0.0.1:9/sparql", "--review", str(tmp_path / "review.md"),
            "--data", str(LOCAL[0]), "--data", str(LOCAL[1]),
        ],
        capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=120, check=False,
    )  # fmt: skip
    assert completed.returncode == 2
    assert completed.stderr.startswith("bjaikg.linking: error: http://127.0.0.1:9/sparql: ")
    assert len(completed.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "review.md").exists()


@pytest.mark.network
def test_command_against_the_wikidata_query_service(tmp_path: Path) -> None:
    """Opt-in (``--run-network``): the project's links checked against the real WDQS."""
    review = tmp_path / "link-review.md"
    completed = subprocess.run(
        [sys.executable, "-m", "bjaikg.linking", "check", "--review", str(review)],
        capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=900, check=False,
    )  # fmt: skip
    assert completed.returncode in (0, 1), completed.stderr
    assert review.read_text(encoding="utf-8").startswith("# Link review")
