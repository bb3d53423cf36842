"""validate.py end to end: every exit code and a one-line error (never a traceback) for each
kind of unusable input, in a process of its own as CI runs it; every output format parsed back,
and the options, from its ``main`` in this process (the context's mixed-in triples are then
converted once for all of them).

Where the project's instances change no finding, a file is checked alone
(``--without-instances``, :data:`ALONE`): converting them for pySHACL is most of a process's
run, and the rules take longer over them. What a file named alone is checked against is
tested here too (``test_a_contributors_file_may_point_at_the_projects_entities``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import RDF, SH, Graph, Literal, URIRef
from rdflib.extras.shacl import parse_shacl_path

from bjaikg import PROJECT_ROOT
from bjaikg.validation.cli import main
from tests.validation.conftest import SOURCED

pytestmark = pytest.mark.slow

GOOD = 'bj:someone a bjo:Person ; rdfs:label "某人"@zh, "someone"@en ; ' + SOURCED + " ."
BAD = 'bj:someone a bjo:Person ; rdfs:label "某人"@zh ; ' + SOURCED + " ."
WARNING_ONLY = (
    GOOD + '\nbj:other a bjo:Person ; rdfs:label "某人"@zh, "other"@en ; ' + SOURCED + " ."
)
FAST = ["--checks", "parse,shacl,quality,links"]
ALONE = "--without-instances"


def run(*arguments: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``python validate.py ARGUMENTS`` from the project root, as CI runs it."""
    return subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "validate.py"), *arguments],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=PROJECT_ROOT,
        env=env,
        check=False,
    )


def validated(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str]:
    """``validate.py ARGUMENTS`` through its ``main`` in this process: exit code and output."""
    code = main(list(arguments))
    return code, capsys.readouterr().out


def test_conforming_file_exits_0(turtle_file: Callable[..., Path]) -> None:
    result = run(str(turtle_file(GOOD)), *FAST, ALONE)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "conforms" in result.stdout.splitlines()[-1]


def test_violation_exits_1_with_file_line_and_rule(turtle_file: Callable[..., Path]) -> None:
    result = run(str(turtle_file(BAD)), *FAST, ALONE, "--format", "json")
    assert result.returncode == 1
    document = json.loads(result.stdout)
    [finding] = [f for f in document["findings"] if f["rule"] == "shacl.Entity-label"]
    assert finding["focus"] == "bj:someone" and finding["focus_label"] == "某人"
    assert finding["file"].endswith("data.ttl") and isinstance(finding["line"], int)
    assert finding["message"] and finding["message_zh"] and finding["hint"]


def test_a_file_name_with_spaces_and_chinese_is_validated(
    turtle_file: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = turtle_file(BAD, name="my data 数据.ttl")  # its graph name is percent-encoded
    code, output = validated(capsys, str(path), *FAST, ALONE, "--format", "json")
    assert code == 1, capsys.readouterr().err
    [finding] = [f for f in json.loads(output)["findings"] if f["rule"] == "shacl.Entity-label"]
    assert finding["file"].endswith("my data 数据.ttl") and isinstance(finding["line"], int)


def test_ill_typed_literal_is_a_finding_not_a_log(turtle_file: Callable[..., Path]) -> None:
    path = turtle_file(GOOD.replace("bjo:paragraph 1", 'bjo:paragraph "one"^^xsd:integer'))
    for engine in ("pyshacl", "pyshacl-turbo"):
        result = run(str(path), "--checks", "parse,shacl", ALONE, "--engine", engine)
        assert result.returncode == 1 and result.stderr == ""
        assert "shacl.Entity-paragraph" in result.stdout


def test_an_ill_typed_boolean_is_reported_as_written_without_a_warning(
    turtle_file: Callable[..., Path],
) -> None:
    path = turtle_file(GOOD.replace("bjo:paragraph 1", 'bjo:paragraph "maybe"^^xsd:boolean'))
    result = run(str(path), "--checks", "parse,shacl", ALONE, "--format", "json")
    assert result.returncode == 1 and result.stderr == ""
    [finding] = [f for f in json.loads(result.stdout)["findings"] if f["focus"] == "bj:someone"]
    assert finding["value"] == '"maybe"^^xsd:boolean'  # rdflib's reading was "false"


def test_fail_on_chooses_the_threshold(
    turtle_file: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(turtle_file(WARNING_ONLY))  # a duplicate @zh label: a warning only
    assert validated(capsys, path, *FAST, ALONE)[0] == 0
    assert validated(capsys, path, *FAST, ALONE, "--fail-on", "warning")[0] == 1


def test_syntax_error_exits_2_with_file_line_column(turtle_file: Callable[..., Path]) -> None:
    text = '@prefix ex: <http://example.org/> .\nex:a ex:b ex:c ;\n  ex:d "x .\n'
    path = turtle_file(text, raw=True)
    result = run(str(path), "--format", "github")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1 and f"{path.name}:3:" in result.stderr
    assert result.stdout.startswith("::error file=") and ",line=3," in result.stdout


def test_owl_check_requested_without_java_exits_3(turtle_file: Callable[..., Path]) -> None:
    # A PATH with only the Python interpreter on it: no java executable can be found.
    environment = {**os.environ, "PATH": str(Path(sys.executable).parent)}
    result = run(str(turtle_file(GOOD)), "--checks", "owl", env=environment)
    assert result.returncode == 3, result.stderr
    assert result.stderr.strip().startswith("validate.py: owl check not run: no Java runtime")


def test_owl_check_not_requested_is_skipped_quietly_without_java(
    turtle_file: Callable[..., Path],
) -> None:
    environment = {**os.environ, "PATH": str(Path(sys.executable).parent)}
    result = run(str(turtle_file(GOOD)), ALONE, env=environment)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.java
def test_owl_check_passes_consistent_data(turtle_file: Callable[..., Path]) -> None:
    result = run(str(turtle_file(GOOD)), "--checks", "owl")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "owl: 0 finding(s) (HermiT" in result.stdout


@pytest.mark.java
def test_owl_check_finds_an_individual_of_disjoint_classes(
    turtle_file: Callable[..., Path],
) -> None:
    path = turtle_file(GOOD + "\nbj:someone a bjo:Organisation .")
    result = run(str(path), "--checks", "owl", "--format", "json")
    assert result.returncode == 1, result.stderr
    rules = {f["rule"] for f in json.loads(result.stdout)["findings"]}
    assert rules == {"owl.inconsistent"}


def unusable_inputs(tmp_path: Path) -> dict[str, tuple[list[str], str]]:
    """Each kind of bad input: (arguments, what the one-line error says)."""
    empty_folder = tmp_path / "no-rdf"
    empty_folder.mkdir()
    (empty_folder / "notes.txt").write_text("not RDF")
    (tmp_path / "empty.ttl").write_text("")
    (tmp_path / "binary.ttl").write_bytes(b"\x00\x01\x02@prefix")
    (tmp_path / "latin1.ttl").write_bytes("# caf\xe9\n".encode("latin-1"))
    (tmp_path / "broken-shapes.ttl").write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\nsh:x")
    (tmp_path / "not-shacl.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <http://example.org/> .\n"
        'ex:S a sh:NodeShape ; sh:property [ sh:path ex:p ; sh:minCount "one" ] .'
    )
    (tmp_path / "star.ttl").write_text(
        "@prefix ex: <http://example.org/> .\nex:a ex:b << ex:c ex:d ex:e >> ."
    )
    (tmp_path / "good.ttl").write_text("<http://example.org/a> <http://example.org/b> 1 .")
    (tmp_path / "loop.ttl").symlink_to(tmp_path / "loop.ttl")
    os.mkfifo(tmp_path / "pipe.ttl")
    return {
        "missing path": ([str(tmp_path / "absent.ttl")], "no such file or folder"),
        "symbolic link loop": ([str(tmp_path / "loop.ttl")], "loop.ttl: symbolic link to nothing"),
        "pipe": ([str(tmp_path / "pipe.ttl")], "pipe.ttl: not a file or folder"),
        "folder without RDF": ([str(empty_folder)], "folder holds no RDF file"),
        "empty file": ([str(tmp_path / "empty.ttl")], "file is empty"),
        "binary file": ([str(tmp_path / "binary.ttl")], "binary file"),
        "not UTF-8": ([str(tmp_path / "latin1.ttl")], "not UTF-8"),
        "broken shapes": (
            [str(tmp_path / "good.ttl"), "--shapes", str(tmp_path / "broken-shapes.ttl")],
            "broken-shapes.ttl:2",
        ),
        "triple term": ([str(tmp_path / "star.ttl")], "star.ttl:2: RDF 1.2 triple term"),
        "shapes not valid SHACL": (
            [str(tmp_path / "good.ttl"), "--shapes", str(tmp_path / "not-shacl.ttl")],
            'not valid SHACL (SHACL-for-SHACL): sh:minCount "one"',
        ),
    }


UNUSABLE = (
    "missing path",
    "symbolic link loop",
    "pipe",
    "folder without RDF",
    "empty file",
    "binary file",
    "not UTF-8",
    "broken shapes",
    "shapes not valid SHACL",
    "triple term",
)


def test_every_unusable_input_case_is_run(tmp_path: Path) -> None:
    assert set(unusable_inputs(tmp_path)) == set(UNUSABLE)


@pytest.mark.parametrize("case", UNUSABLE)
def test_unusable_input_is_one_line_and_exit_2(case: str, tmp_path: Path) -> None:
    arguments, expected = unusable_inputs(tmp_path)[case]
    result = run(*arguments, "--checks", "parse,shacl")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith("validate.py: error: ") and expected in line


def test_file_too_large_is_refused(
    turtle_file: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    project = [
        *(PROJECT_ROOT / "ontology").rglob("*.ttl"),
        *(PROJECT_ROOT / "instances").rglob("*.ttl"),
    ]
    limit = max(path.stat().st_size for path in project) + 1  # above every file of the context
    monkeypatch.setattr("bjaikg.store.MAX_FILE_BYTES", limit)
    path = turtle_file(GOOD + "\n# padding\n" * (limit // 10))
    assert main([str(path), "--checks", "parse"]) == 2
    [line] = capsys.readouterr().err.splitlines()
    assert "file too large" in line


def test_a_literal_over_the_reader_s_limit_is_a_parse_finding_naming_the_file(
    turtle_file: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """pyoxigraph's Turtle reader takes no token over 16 MiB; it was a traceback, exit 1."""
    path = turtle_file(GOOD + f'\nbj:someone rdfs:comment "{"x" * 2**24}" .\n')
    assert main([str(path), "--checks", "parse", "--format", "json"]) == 2
    message = "a literal, IRI or comment longer than 16777216 bytes (the Turtle reader's limit)"
    output = capsys.readouterr()
    assert output.err == f"validate.py: error: {path}: {message}\n"
    [finding] = json.loads(output.out)["findings"]
    assert finding["check"] == "parse" and finding["line"] is None
    assert finding["message"] == message


def test_unknown_check_is_a_usage_error() -> None:
    result = run("--checks", "spelling")
    assert result.returncode == 2 and "unknown check(s) spelling" in result.stderr


@pytest.fixture
def findings_run(
    turtle_file: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> Callable[[str], str]:
    """Validate data with a violation and a warning, alone (the project's instances change no
    finding of it); return the output in a format."""
    path = str(
        turtle_file(
            BAD + '\nbj:other a bjo:Person ; rdfs:label "某人"@zh, "o"@en ; ' + SOURCED + " ."
        )
    )

    def render(output_format: str) -> str:
        code, output = validated(capsys, path, *FAST, ALONE, "--format", output_format)
        assert code == 1, output
        return output

    return render


def test_json_output(findings_run: Callable[[str], str]) -> None:
    document = json.loads(findings_run("json"))
    assert document["exit_code"] == 1 and not document["conforms"]
    assert {run["check"] for run in document["checks"]} == {"parse", "shacl", "quality", "links"}
    severities = {f["severity"] for f in document["findings"]}
    assert severities == {"violation", "warning"}


def test_sarif_output(findings_run: Callable[[str], str]) -> None:
    """SARIF 2.1.0 as GitHub code scanning reads it: rules, and results with their places."""
    document = json.loads(findings_run("sarif"))
    assert document["version"] == "2.1.0"
    [run_] = document["runs"]
    rule_ids = {rule["id"] for rule in run_["tool"]["driver"]["rules"]}
    results = run_["results"]
    assert {result["ruleId"] for result in results} == rule_ids
    assert {result["level"] for result in results} == {"error", "warning"}
    for result in results:
        [location] = result["locations"]
        assert location["physicalLocation"]["artifactLocation"]["uri"].endswith(".ttl")
        assert location["physicalLocation"]["region"]["startLine"] >= 1


def test_junit_output(findings_run: Callable[[str], str]) -> None:
    root = ElementTree.fromstring(findings_run("junit"))
    suites = {suite.get("name"): suite for suite in root.iter("testsuite")}
    assert set(suites) == {"bjaikg.parse", "bjaikg.shacl", "bjaikg.quality", "bjaikg.links"}
    shacl_cases = suites["bjaikg.shacl"].findall("testcase")
    assert shacl_cases[0].get("name") == "shacl" and shacl_cases[0].find("failure") is not None
    assert any(case.find("failure") is not None and case.get("line") for case in shacl_cases[1:])
    quality_cases = suites["bjaikg.quality"].findall("testcase")[1:]
    assert quality_cases and all(case.find("system-out") is not None for case in quality_cases)


def test_github_output(findings_run: Callable[[str], str]) -> None:
    lines = findings_run("github").splitlines()
    commands = [line for line in lines if line.startswith("::")]
    assert any(line.startswith("::error file=") and ",line=" in line for line in commands)
    assert any(line.startswith("::warning file=") for line in commands)
    assert all("::" in line[2:] and "\n" not in line for line in commands)


def test_markdown_output(findings_run: Callable[[str], str]) -> None:
    text = findings_run("markdown")
    assert text.startswith("## bjaikg validation")
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    assert rows and all(line.count(" | ") >= 5 for line in rows)
    assert any("shacl.Entity-label" in line for line in rows)


def test_turtle_output_is_a_shacl_report(findings_run: Callable[[str], str]) -> None:
    graph = Graph().parse(data=findings_run("turtle"), format="turtle")
    [report] = graph.subjects(RDF.type, SH.ValidationReport)
    assert graph.value(report, SH.conforms) == Literal(False)
    results = list(graph.objects(report, SH.result))
    severities = {graph.value(result, SH.resultSeverity) for result in results}
    assert severities == {SH.Violation, SH.Warning}
    shapes = {str(graph.value(result, SH.sourceShape)) for result in results}
    assert "https://w3id.org/bjaikg/shapes#Entity-label" in shapes


def test_text_output_groups_by_file(findings_run: Callable[[str], str]) -> None:
    lines = findings_run("text").splitlines()
    assert lines[0].endswith("data.ttl")
    assert lines[-1].startswith("1 violation(s), 2 warning(s)")  # both duplicates


def test_a_longer_shacl_path_is_given_as_sparql_writes_it_and_as_shacl_in_turtle(
    capsys: pytest.CaptureFixture[str],
) -> None:
    fixture = str(
        PROJECT_ROOT
        / "tests/fixtures/ChipSupport/invalid"
        / "statement-without-source-naming-two-products.ttl"
    )
    shacl = ["--checks", "parse,shacl"]  # the finding is SHACL's: the rules need not run
    findings = json.loads(validated(capsys, fixture, *shacl, "--format", "json")[1])["findings"]
    [quote] = [f for f in findings if f["rule"] == "shacl.ChipSupport-quote"]
    assert quote["path"] == "bjo:quote|(prov:qualifiedDerivation/bjo:quote)"
    report = Graph().parse(data=validated(capsys, fixture, *shacl, "--format", "turtle")[1])
    shapes = Graph().parse(PROJECT_ROOT / "ontology/shapes/products.ttl")
    shape = URIRef("https://w3id.org/bjaikg/shapes#ChipSupport-quote")
    [result] = report.subjects(SH.sourceShape, shape)
    written, declared = report.value(result, SH.resultPath), shapes.value(shape, SH.path)
    assert written is not None and declared is not None
    assert parse_shacl_path(report, written) == parse_shacl_path(shapes, declared)


CONTRIBUTION = (
    'bj:contributed-model a bjo:AIModel ; rdfs:label "贡献模型"@zh, "Contributed model"@en ; '
    "bjo:developedBy bj:baidu ; bjo:trainedOn bj:ascend-910 ; " + SOURCED + " ."
)


def test_a_contributors_file_may_point_at_the_projects_entities(
    turtle_file: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """A file named alone is checked with the project's instances as context: links to
    ``bj:baidu`` and a chip resolve and satisfy the shapes; a typo among them does not."""
    good = str(turtle_file(CONTRIBUTION, "contribution.ttl"))
    assert validated(capsys, good, *FAST)[0] == 0
    typo = turtle_file(CONTRIBUTION.replace("bj:baidu", "bj:baidoo"), "typo.ttl")
    code, output = validated(capsys, str(typo), *FAST)
    assert code == 1 and "quality.dangling-reference" in output
    code, output = validated(capsys, good, *FAST, "--without-instances")
    assert code == 1 and "quality.dangling-reference" in output


def test_a_contributors_statements_about_a_projects_entity_are_checked(
    turtle_file: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """A figure added to a chip of Epoch AI's table: checked against the chip's shape with what
    the project states of it (its designer and source), so only the file's two wrong values
    are told (tests/validation/test_extending.py has the cases on a small project)."""
    body = "bj:ascend-910 a bjo:AIChip ;\n    bjo:processNode 7 ;\n"
    body += '    bjo:peakPerformanceFP16 "3.2E14" .\n'
    path = turtle_file(body, "extend.ttl")
    code, output = validated(capsys, str(path), "--checks", "parse,shacl", "--format", "json")
    findings = json.loads(output)["findings"]
    assert code == 1
    assert sorted((f["rule"], f["path"]) for f in findings) == [
        ("shacl.AIChip-figure", "bjo:processNode"),
        ("shacl.AIChip-peakPerformance", "bjo:peakPerformanceFP16"),
    ]


def test_a_project_file_validated_alone_conforms(capsys: pytest.CaptureFixture[str]) -> None:
    """As the pre-commit hook validates a staged file: instances/links.ttl adds links to
    entities that other files type and source (91 false "add prov:wasDerivedFrom" findings
    before those files' statements were given to the shapes)."""
    links = str(PROJECT_ROOT / "instances" / "links.ttl")
    code, output = validated(capsys, links, "--checks", "parse,shacl")
    assert code == 0, output


def test_turtle_output_names_each_constraint_a_merged_finding_breaks(
    turtle_file: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    # one value breaking the datatype and the range of its shape (-5, an integer, where a
    # positive double is wanted) is one finding naming both
    # components; the report wrote them as one IRI and could not be written (a traceback)
    path = turtle_file(
        'bj:fast-chip a bjo:AIChip ; rdfs:label "快芯片"@zh, "Fast chip"@en ; '
        "bjo:designedBy bj:some-designer ; bjo:peakPerformanceFP32 -5 ; " + SOURCED + " ."
    )
    code, output = validated(capsys, str(path), *FAST, ALONE, "--format", "turtle")
    assert code == 1, capsys.readouterr().err
    report = Graph().parse(data=output, format="turtle")
    shape = URIRef("https://w3id.org/bjaikg/shapes#AIChip-peakPerformance")
    [result] = report.subjects(SH.sourceShape, shape)
    assert set(report.objects(result, SH.sourceConstraintComponent)) == {
        SH.DatatypeConstraintComponent,
        SH.MinExclusiveConstraintComponent,
    }
