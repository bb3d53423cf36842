"""Every SHACL shape against its fixtures: valid ones conform, invalid ones give exactly the
findings saved beside them (``<name>.expected.json``, a snapshot reviewed like code).

Regenerate the snapshots after a deliberate change with
``BJAIKG_UPDATE_SNAPSHOTS=1 python -m pytest tests/validation/test_fixtures.py`` and review the
diff.
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path

import pytest
from rdflib import RDF, SH, Graph

from bjaikg.validation import ValidationOptions, validate
from bjaikg.validation.finding import Finding
from bjaikg.validation.inputs import SHAPES_FOLDER
from bjaikg.validation.reporters import finding_record

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
VALID = sorted(FIXTURES.glob("*/valid/*.ttl"))
INVALID = sorted(FIXTURES.glob("*/invalid/*.ttl"))
SNAPSHOT_FIELDS = ("rule", "severity", "component", "focus", "path", "value", "line")


@functools.cache
def shacl_findings(path: Path, engine: str = "pyshacl") -> tuple[Finding, ...]:
    """The SHACL findings of one fixture (cached: each fixture is validated once per engine)."""
    checks = frozenset({"parse", "shacl"})
    # Fixtures are self-contained: the project's instances as context would only cost time.
    options = ValidationOptions(paths=(path,), checks=checks, engine=engine, with_instances=False)
    report = validate(options)
    assert not report.input_error, report.findings
    return tuple(report.findings_of("shacl"))


def snapshot(findings: tuple[Finding, ...]) -> list[dict[str, object]]:
    records = [finding_record(finding) for finding in findings]
    return [{key: record[key] for key in SNAPSHOT_FIELDS} for record in records]


def node_shapes() -> list[str]:
    graph = Graph()
    for path in sorted(SHAPES_FOLDER.glob("*.ttl")):
        graph.parse(path, format="turtle")
    return sorted(str(shape).rsplit("#", 1)[-1] for shape in graph.subjects(RDF.type, SH.NodeShape))


def test_every_property_shape_is_broken_by_some_invalid_fixture() -> None:
    graph = Graph()
    for path in sorted(SHAPES_FOLDER.glob("*.ttl")):
        graph.parse(path, format="turtle")
    names = {str(s).rsplit("#", 1)[-1] for s in graph.subjects(RDF.type, SH.PropertyShape)}
    broken = {
        str(record["rule"]).removeprefix("shacl.")
        for path in INVALID
        for record in json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    }
    assert names and sorted(names - broken) == []


def test_fixture_folders_are_not_empty() -> None:
    assert len(VALID) >= 10 and len(INVALID) >= 10


@pytest.mark.parametrize("shape", node_shapes())
def test_every_node_shape_has_a_valid_and_an_invalid_fixture(shape: str) -> None:
    assert list((FIXTURES / shape / "valid").glob("*.ttl")), f"no valid fixture for {shape}"
    assert list((FIXTURES / shape / "invalid").glob("*.ttl")), f"no invalid fixture for {shape}"


@pytest.mark.parametrize("path", VALID, ids=lambda p: f"{p.parent.parent.name}/{p.stem}")
def test_valid_fixture_conforms(path: Path) -> None:
    assert snapshot(shacl_findings(path)) == []


@pytest.mark.parametrize("path", INVALID, ids=lambda p: f"{p.parent.parent.name}/{p.stem}")
def test_invalid_fixture_gives_exactly_the_expected_findings(path: Path) -> None:
    found = snapshot(shacl_findings(path))
    expected_path = path.with_suffix(".expected.json")
    if os.environ.get("BJAIKG_UPDATE_SNAPSHOTS") == "1":
        text = json.dumps(found, ensure_ascii=False, indent=2, sort_keys=True)
        expected_path.write_text(text + "\n", encoding="utf-8")
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    assert found == expected
    shape = path.parent.parent.name
    assert any(str(record["rule"]).startswith(f"shacl.{shape}") for record in found), (
        f"{path.name} breaks no constraint of {shape}"
    )


@pytest.mark.slow
@pytest.mark.parametrize("path", VALID + INVALID, ids=lambda p: f"{p.parent.parent.name}/{p.stem}")
def test_turbo_engine_finds_exactly_what_pyshacl_finds(path: Path) -> None:
    turbo, reference = shacl_findings(path, engine="pyshacl-turbo"), shacl_findings(path)
    assert snapshot(turbo) == snapshot(reference)
    assert [(f.message, f.message_zh) for f in turbo] == [
        (f.message, f.message_zh) for f in reference
    ]
