"""The project's own graph: it parses, the shapes are not data, and it conforms."""

from __future__ import annotations

import pytest

from bjaikg.validation import (
    CheckStatus,
    Severity,
    ValidationOptions,
    ValidationReport,
    validate,
)
from bjaikg.validation.reporters import render_text

ALL_BUT_OWL = frozenset({"parse", "shacl", "quality", "links"})


@pytest.fixture(scope="module")
def report() -> ValidationReport:
    return validate(ValidationOptions(checks=ALL_BUT_OWL))


def test_every_project_file_parses_and_every_check_runs(report: ValidationReport) -> None:
    assert not report.input_error
    assert [run.check for run in report.checks if run.status is CheckStatus.RAN] == [
        "parse",
        "shacl",
        "quality",
        "links",
    ]


def test_shapes_are_not_validated_as_data(report: ValidationReport) -> None:
    assert not [f for f in report.findings if f.file.startswith("ontology/shapes/")]


def test_project_graph_has_no_violation(report: ValidationReport) -> None:
    failing = report.failing(Severity.VIOLATION)
    assert failing == [], render_text(report, Severity.VIOLATION)


@pytest.mark.java
def test_project_graph_is_consistent_under_hermit() -> None:
    owl = validate(ValidationOptions(checks=frozenset({"parse", "owl"})))
    [run] = [run for run in owl.checks if run.check == "owl"]
    assert run.status is CheckStatus.RAN and owl.findings_of("owl") == []
