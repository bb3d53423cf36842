"""``quality.released-iri-vanished``: an IRI of the last release that is gone is reported,
unless it is kept as a deprecated IRI; the project's data keeps every IRI of its releases."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bjaikg.release import write_release
from bjaikg.snapshots import load_checkout
from bjaikg.validation import ValidationOptions, validate
from bjaikg.validation.released import RULE
from bjaikg.versioning import Version
from tests.validation.conftest import SOURCED

COMPANIES = (
    'bj:acme a bjo:Company ; rdfs:label "艾克米"@zh, "Acme"@en ; ' + SOURCED + " .\n"
    'bj:globex a bjo:Company ; rdfs:label "环球"@zh, "Globex"@en ; ' + SOURCED + " .\n"
)


@pytest.fixture
def release(tmp_path: Path, turtle_file: Callable[..., Path]) -> Path:
    """A release of a checkout whose instances hold the two companies."""
    data = turtle_file(COMPANIES)
    checkout = tmp_path / "checkout"
    (checkout / "instances").mkdir(parents=True)
    (checkout / "instances" / "companies.ttl").write_bytes(data.read_bytes())
    snapshot = load_checkout(checkout, "checkout", with_inference=False)
    folder = tmp_path / "releases" / "1.0.0"
    write_release(snapshot, Version(1, 0, 0), folder, date="2026-12-01")
    return folder


def released_findings(path: Path, release: Path) -> list[tuple[str, str]]:
    options = ValidationOptions(
        paths=(path,), checks=frozenset({"parse", "quality"}), release=release
    )
    found = validate(options).findings
    return [(f.focus, f.focus_label) for f in found if f.rule == RULE]


def test_vanished_iri_is_reported(release: Path, turtle_file: Callable[..., Path]) -> None:
    without_globex = COMPANIES.split("\n")[0]
    assert released_findings(turtle_file(without_globex, "new.ttl"), release) == [
        ("<https://w3id.org/bjaikg/id/globex>", "Globex")
    ]


def test_deprecated_iri_is_kept(release: Path, turtle_file: Callable[..., Path]) -> None:
    deprecated = (
        COMPANIES.split("\n")[0]
        + '\nbj:globex owl:deprecated true ; dcterms:isReplacedBy bj:acme ; rdfs:label "环球"@zh, '
        '"Globex"@en .'
    )
    path = turtle_file(deprecated, "new.ttl")
    # one run: the release's rule (a quality rule) and the shapes and other rules all find nothing
    checks = frozenset({"parse", "shacl", "quality"})
    options = ValidationOptions(paths=(path,), checks=checks, release=release)
    assert [f.rule for f in validate(options).findings] == []


def test_unchanged_data_passes(release: Path, turtle_file: Callable[..., Path]) -> None:
    assert released_findings(turtle_file(COMPANIES, "same.ttl"), release) == []


def test_project_keeps_the_iris_of_its_newest_release() -> None:
    options = ValidationOptions(checks=frozenset({"parse", "quality"}))
    assert [f for f in validate(options).findings if f.rule == RULE] == []
