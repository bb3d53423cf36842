"""Values the data states wrongly without breaking Turtle: an ill-typed literal on any property
(``quality.ill-typed-literal``; the owl check still runs) and a file of comments only."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from bjaikg.validation.cli import main
from bjaikg.validation.validator import ValidationOptions, validate
from tests.validation.conftest import PROLOGUE, SOURCE, SOURCED
from tests.validation.test_cli import GOOD

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    "value", ['"many"^^xsd:integer', '"1.5 million"^^xsd:double', '"2020-13-45"^^xsd:date']
)
def test_an_ill_typed_value_of_any_property_is_found_at_its_line_and_hermit_still_runs(
    value: str, turtle_file: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = turtle_file(GOOD.removesuffix(" .") + f" ;\n    skos:note {value} .\n")
    line = (PROLOGUE + SOURCE).count("\n") + 2  # the statement's line in bj:someone's block
    assert main([str(path), "--format", "json"]) == 1
    captured = capsys.readouterr()
    assert captured.err == ""  # owlready2 refused an ill-typed number: exit 2, no file or line
    document = json.loads(captured.out)
    [finding] = [f for f in document["findings"] if f["rule"] == "quality.ill-typed-literal"]
    assert finding["value"] == value and finding["path"] == "skos:note"
    assert finding["file"].endswith("data.ttl") and finding["line"] == line
    assert {run["check"]: run["status"] for run in document["checks"]}["owl"] == "ran"
    assert not [f for f in document["findings"] if f["rule"] != "quality.ill-typed-literal"]


def test_infinite_and_not_a_number_doubles_are_valid_and_hermit_still_runs(
    turtle_file: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    # valid XSD, but owlready2 wrote them as HermiT cannot read ("inf"): the whole run ended,
    # exit 2, with the last line of a Java stack trace and no finding at all
    path = turtle_file(
        'bj:designer a bjo:Company ; rdfs:label "设计者"@zh, "Designer"@en ; ' + SOURCED + " .\n"
        'bj:chip a bjo:AIChip ; rdfs:label "芯片"@zh, "Chip"@en ; bjo:designedBy bj:designer ; '
        'bjo:peakPerformanceFP16 "INF"^^xsd:double ; bjo:powerConsumption "NaN"^^xsd:double ; '
        + SOURCED
        + " ."
    )
    main([str(path), "--format", "json"])
    captured = capsys.readouterr()
    assert captured.err == ""
    document = json.loads(captured.out)
    assert {run["check"]: run["status"] for run in document["checks"]}["owl"] == "ran"
    assert not [f for f in document["findings"] if f["check"] == "owl"]


def test_a_file_of_comments_only_is_refused_as_an_empty_one(
    turtle_file: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = turtle_file(PROLOGUE + "# bj:someone a bjo:Person .\n", raw=True)
    assert main([str(path), "--checks", "parse", "--format", "json"]) == 2
    captured = capsys.readouterr()
    [finding] = json.loads(captured.out)["findings"]
    assert "position" not in finding["hint"]  # there is none to give
    [line] = captured.err.splitlines()
    assert (
        line == f"validate.py: error: {path}: file states no triples (only comments or directives)"
    )


@pytest.mark.parametrize(
    ("value", "components"),
    [
        ('"many"^^xsd:integer', "sh:DatatypeConstraintComponent"),  # no number: not "out of range"
        ("-5", "sh:DatatypeConstraintComponent, sh:MinExclusiveConstraintComponent"),
        ("-5.0", "sh:MinExclusiveConstraintComponent"),
    ],
)
def test_a_range_is_reported_only_for_a_value_that_is_a_number(
    value: str, components: str, turtle_file: Callable[..., Path]
) -> None:
    chip = f'bj:chip a bjo:AIChip ; rdfs:label "芯片"@zh, "chip"@en ; bjo:processNode {value} ; '
    path = turtle_file(chip + SOURCED + " .")
    options = ValidationOptions(
        paths=(path,), checks=frozenset({"parse", "shacl"}), with_instances=False
    )
    [finding] = [f for f in validate(options).findings if f.rule == "shacl.AIChip-figure"]
    assert finding.component == components
    assert ("out of range" in finding.hint) is ("MinExclusive" in components)
