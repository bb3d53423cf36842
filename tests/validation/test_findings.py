"""What a finding tells the contributor who reads it: the property they wrote, where they wrote
it, and a fix they can copy."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bjaikg.validation.finding import Finding
from bjaikg.validation.inputs import SHAPES_FOLDER
from bjaikg.validation.validator import ValidationOptions, validate
from tests.validation.conftest import PROLOGUE, SOURCED

BJO = "https://w3id.org/bjaikg/ontology#"
pytestmark = pytest.mark.slow

CHIP = 'bj:chip a bjo:AIChip ;\n    rdfs:label "芯片"@zh, "chip"@en ;\n'


def shacl_findings(path: Path, shapes: Path = SHAPES_FOLDER) -> list[Finding]:
    options = ValidationOptions(
        paths=(path,), checks=frozenset({"parse", "shacl"}), with_instances=False, shapes=shapes
    )
    return validate(options).findings_of("shacl")


def test_an_alternative_path_names_the_property_written(
    turtle_file: Callable[..., Path],
) -> None:
    path = turtle_file(
        CHIP + '    bjo:peakPerformanceFP16 "-1.0E14"^^xsd:double ; ' + SOURCED + " ."
    )
    [finding] = [f for f in shacl_findings(path) if f.rule == "shacl.AIChip-peakPerformance"]
    assert finding.path == f"<{BJO}peakPerformanceFP16>"
    assert "bjo:peakPerformanceFP16 value" in finding.hint and "FP64" not in finding.hint


def test_an_alternative_path_the_node_does_not_use_is_named_whole(
    turtle_file: Callable[..., Path], tmp_path: Path
) -> None:
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        PROLOGUE + "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "bj:S a sh:NodeShape ; sh:targetClass bjo:AIChip ; sh:property bj:S-figure .\n"
        "bj:S-figure sh:path [ sh:alternativePath ( bjo:memorySize bjo:processNode ) ] ;\n"
        "    sh:minCount 1 .\n",
        encoding="utf-8",
    )
    path = turtle_file(CHIP + "    " + SOURCED + " .")
    [finding] = shacl_findings(path, shapes)
    assert finding.path == f"<{BJO}memorySize>|<{BJO}processNode>"


def test_a_finding_points_at_the_line_of_the_statement_or_of_the_subject(
    turtle_file: Callable[..., Path],
) -> None:
    body = CHIP + "    bjo:memorySize 16.0 ;\n    bjo:processNode -7.0 ;\n    " + SOURCED + " ."
    path = turtle_file(body)
    lines = path.read_text(encoding="utf-8").splitlines()
    written = {f.rule: lines[f.line - 1] for f in shacl_findings(path) if f.line is not None}
    assert written["shacl.AIChip-figure"] == "    bjo:processNode -7.0 ;"
    assert written["shacl.AIChip-designedBy"] == "bj:chip a bjo:AIChip ;"  # none is written


@pytest.mark.parametrize(
    ("written", "wanted", "replacement"),
    [
        ("bjo:processNode 7", "xsd:decimal", "7.0"),
        ("bjo:memorySize 1.5E1", "xsd:decimal", "15.0"),
        ("bjo:peakPerformanceFP16 150000000000000", "xsd:double", "1.5E+14"),
        ("bjo:peakPerformanceINT8 2.5", "xsd:double", "2.5E+0"),
    ],
)
def test_a_number_of_another_datatype_is_told_how_to_write_it_and_that_passes(
    written: str, wanted: str, replacement: str, turtle_file: Callable[..., Path]
) -> None:
    prop, number = written.split()
    path = turtle_file(CHIP + f"    bjo:designedBy bj:chip ;\n    {written} ;\n    {SOURCED} .")
    [finding] = [f for f in shacl_findings(path) if f.path == f"<{BJO}{prop[4:]}>"]
    told = {"xsd:decimal": "a decimal point", "xsd:double": "an exponent"}[wanted]
    kind = "xsd:double" if "E" in number else ("xsd:decimal" if "." in number else "xsd:integer")
    assert finding.hint == (
        f"write {replacement} ({prop} takes an {wanted}, written with {told}; the value given "
        f"is an {kind})"
    )
    path.write_text(path.read_text(encoding="utf-8").replace(written, f"{prop} {replacement}"))
    assert not [f for f in shacl_findings(path) if f.path == f"<{BJO}{prop[4:]}>"]


@pytest.mark.parametrize(
    ("written", "hint"),
    [
        ('bjo:processNode "7"', "write 7.0, without quotes (bjo:processNode takes an xsd:dec"),
        ('bjo:processNode "7 nm"', "write the bjo:processNode value as an xsd:decimal, in that "),
        ('bjo:processNode "INF"^^xsd:double', "write the bjo:processNode value as an xsd:decim"),
        ("bjo:processNode true", "write the bjo:processNode value as an xsd:decimal, in that "),
        ('bjo:processNode "2024-01-01"^^xsd:date', "write the bjo:processNode value as an xsd:"),
        ("bjo:processNode bj:chip", "write the bjo:processNode value as an xsd:decimal, in that"),
    ],
)
def test_a_value_that_is_no_decimal_is_told_the_datatype_not_a_range_nor_a_number_form(
    written: str, hint: str, turtle_file: Callable[..., Path]
) -> None:
    # "7" was "out of range" with a hint naming no datatype, and so were a boolean, a date and
    # an IRI; INF was told to "write Infinity.0"; a number's hint ended with how dates are written
    path = turtle_file(CHIP + f"    bjo:designedBy bj:chip ;\n    {written} ;\n    {SOURCED} .")
    [finding] = [f for f in shacl_findings(path) if f.path == f"<{BJO}processNode>"]
    assert finding.component == "sh:DatatypeConstraintComponent"
    assert finding.hint.startswith(hint) and "YYYY" not in finding.hint


def test_a_finding_shows_the_value_as_the_file_writes_it(
    turtle_file: Callable[..., Path],
) -> None:
    # pySHACL's report is read by rdflib, which normalises a literal's text ("-9", "15.0")
    figures = "    bjo:processNode -9.0 ;\n    bjo:memorySize 1.5E1 ;\n"
    path = turtle_file(CHIP + "    bjo:designedBy bj:chip ;\n" + figures + f"    {SOURCED} .")
    values = {f.path: f.value for f in shacl_findings(path)}
    decimal, double = (
        f"<http://www.w3.org/2001/XMLSchema#{name}>" for name in ("decimal", "double")
    )
    assert values[f"<{BJO}processNode>"] == f'"-9.0"^^{decimal}'
    assert values[f"<{BJO}memorySize>"] == f'"1.5E1"^^{double}'


def test_a_rule_s_finding_shows_the_value_as_the_file_writes_it(
    turtle_file: Callable[..., Path],
) -> None:
    # the store keeps a number's value, not its text: both files' "7.00" is "7" there
    paths = [turtle_file(CHIP + f"    bjo:processNode 7.00 ;\n    {SOURCED} .", name=name)
             for name in ("a.ttl", "b.ttl")]  # fmt: skip
    options = ValidationOptions(
        paths=tuple(paths), checks=frozenset({"parse", "quality"}), with_instances=False
    )
    findings = validate(options).findings_of("quality")
    values = {f.value for f in findings if f.path == f"<{BJO}processNode>"}
    assert values == {'"7.00"^^<http://www.w3.org/2001/XMLSchema#decimal>'}


def test_a_property_written_twice_is_reported_at_the_statement_with_the_bad_value(
    turtle_file: Callable[..., Path],
) -> None:
    body = (
        CHIP + "    bjo:designedBy bj:chip ;\n"
        "    bjo:processNode 7.0 ;\n"
        f"    {SOURCED} ;\n"
        "    bjo:processNode -7.0 ;\n"  # the second statement has the bad number
        '    bjo:quote "say \\"hi\\"" .\n'  # and the second quote no language tag
    )
    path = turtle_file(body)
    lines = path.read_text(encoding="utf-8").splitlines()
    written = {f.path: lines[f.line - 1] for f in shacl_findings(path) if f.line is not None}
    assert written[f"<{BJO}processNode>"] == "    bjo:processNode -7.0 ;"
    assert written[f"<{BJO}quote>"] == '    bjo:quote "say \\"hi\\"" .'


def test_a_blank_node_s_finding_points_at_the_statement_that_holds_it(
    turtle_file: Callable[..., Path],
) -> None:
    body = (
        CHIP + "    bjo:designedBy bj:chip ;\n"
        f"    {SOURCED} ;\n"
        "    prov:qualifiedDerivation\n"
        '        [ prov:entity bj:source-test ; bjo:quote "no language" ] .\n'
    )
    path = turtle_file(body)
    lines = path.read_text(encoding="utf-8").splitlines()
    blank = [f for f in shacl_findings(path) if f.focus.startswith("_:")]
    assert blank and {lines[f.line - 1] for f in blank if f.line} == {
        "    prov:qualifiedDerivation"
    }


def test_a_bad_value_in_a_second_block_or_file_is_found_where_it_is_written(
    turtle_file: Callable[..., Path],
) -> None:
    # a block (or a file) stating a valid 7.0 came first, and the finding pointed at it
    first = CHIP + f"    bjo:designedBy bj:chip ;\n    bjo:processNode 7.0 ;\n    {SOURCED} ."
    second = "\nbj:chip bjo:processNode -7.00 .\n"
    path = turtle_file(first + "\n" + second)
    lines = path.read_text(encoding="utf-8").splitlines()
    [finding] = [f for f in shacl_findings(path) if f.path == f"<{BJO}processNode>"]
    assert finding.line is not None and lines[finding.line - 1] == second.strip()
    other = turtle_file(second, name="other.ttl")
    options = ValidationOptions(
        paths=(turtle_file(first), other), checks=frozenset({"parse", "shacl"}),
        with_instances=False,
    )  # fmt: skip
    [finding] = [f for f in validate(options).findings_of("shacl") if "processNode" in f.path]
    assert finding.file.endswith("other.ttl") and finding.line is not None
    assert other.read_text(encoding="utf-8").splitlines()[finding.line - 1] == second.strip()
