"""Rendering a :class:`ValidationReport` for people and machines: one function per format.

``text`` (default; grouped by file, for a terminal or CI log), ``json``, ``junit`` (JUnit XML:
one testcase per check and one per finding), ``github`` (workflow-command annotations),
``markdown`` (a pull-request comment) and ``turtle`` (a SHACL validation report graph). Every
renderer lists findings in :meth:`Finding.sort_key` order, so output is deterministic (D9).

The ``turtle`` report writes each result's ``sh:resultPath`` as a SHACL path (rdflib reads the
finding's SPARQL form back and builds the path), the other formats give it as SPARQL writes it.
"""

from __future__ import annotations

import functools
import json
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from itertools import groupby
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode
from rdflib.extras.shacl import build_shacl_path
from rdflib.plugins.sparql import prepareQuery
from rdflib.term import Node

from bjaikg.markdown import markdown_table
from bjaikg.namespaces import BJSH, PREFIXES
from bjaikg.validation.finding import (
    IRI_TERM,
    CheckStatus,
    Finding,
    Severity,
    ValidationReport,
    display_term,
)

RULE_NAMESPACE = "https://w3id.org/bjaikg/checks/"
"""IRIs of non-SHACL rules in the Turtle report (``sh:sourceShape``); SHACL rules are shapes."""

_GITHUB_COMMANDS = {
    Severity.VIOLATION: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "notice",
}
_SHACL_SEVERITIES = {Severity.VIOLATION: "Violation", Severity.WARNING: "Warning"}
RDF_TYPE = PREFIXES["rdf"] + "type"


def _ordered(report: ValidationReport) -> list[Finding]:
    return sorted(report.findings, key=Finding.sort_key)


def _subject(finding: Finding) -> str:
    """``bj:haidian 「海淀区」`` — the focus node with its @zh label, or ''."""
    if not finding.focus:
        return ""
    shown = display_term(finding.focus)
    return f"{shown} 「{finding.focus_label}」" if finding.focus_label else shown


def _statement(finding: Finding) -> str:
    """``bj:haidian 「海淀区」 rdfs:label "x"@en`` — what the finding is about, as far as known."""
    parts = [_subject(finding), display_term(finding.path), display_term(finding.value)]
    return " ".join(part for part in parts if part)


def _summary(report: ValidationReport, fail_on: Severity) -> str:
    counts = {severity: 0 for severity in Severity}
    for finding in report.findings:
        counts[finding.severity] += 1
    verdict = {0: "conforms", 1: "FAILS", 2: "INPUT ERROR", 3: "INCOMPLETE"}[
        report.exit_code(fail_on)
    ]
    tally = ", ".join(f"{counts[s]} {s.value}(s)" for s in Severity)
    return f"{tally} — {verdict} (fail on {fail_on.value})"


def _check_line(report: ValidationReport, check: str, status: CheckStatus, note: str) -> str:
    if status is CheckStatus.NOT_RUN:
        return f"{check}: not run — {note}"
    count = len(report.findings_of(check))
    return f"{check}: {count} finding(s)" + (f" ({note})" if note else "")


def render_text(report: ValidationReport, fail_on: Severity) -> str:
    """Findings grouped by file, each with line, severity, rule, focus, message and hint."""
    lines: list[str] = []
    for file, group in groupby(_ordered(report), key=lambda finding: finding.file):
        lines.append(file or "(not located in a file)")
        for finding in group:
            where = f"{finding.line}" if finding.line is not None else "-"
            if finding.column is not None:
                where += f":{finding.column}"
            lines.append(f"  {where:>7}  {finding.severity.value:<9}  {finding.rule}")
            if statement := _statement(finding):
                lines.append(f"           {statement}")
            lines.append(f"           {finding.message}")
            if finding.message_zh:
                lines.append(f"           {finding.message_zh}")
            if finding.hint:
                lines.append(f"           fix: {finding.hint}")
        lines.append("")
    for run in report.checks:
        lines.append(_check_line(report, run.check, run.status, run.note))
    lines.append(_summary(report, fail_on))
    return "\n".join(lines) + "\n"


def finding_record(finding: Finding) -> dict[str, object]:
    """A finding as a JSON object; the focus both short (``focus``) and full (``focus_term``)."""
    return {
        "check": finding.check,
        "rule": finding.rule,
        "severity": finding.severity.value,
        "file": finding.file,
        "line": finding.line,
        "column": finding.column,
        "focus": display_term(finding.focus) if finding.focus else "",
        "focus_term": finding.focus if not finding.focus.startswith("_:") else "[]",
        "focus_label": finding.focus_label,
        "path": display_term(finding.path) if finding.path else "",
        "value": display_term(finding.value) if finding.value else "",
        "component": finding.component,
        "message": finding.message,
        "message_zh": finding.message_zh,
        "hint": finding.hint,
    }


def render_json(report: ValidationReport, fail_on: Severity) -> str:
    """One JSON object: ``exit_code``, ``conforms``, ``checks`` and ``findings`` (UTF-8, sorted)."""
    document = {
        "conforms": report.exit_code(fail_on) == 0,
        "exit_code": report.exit_code(fail_on),
        "fail_on": fail_on.value,
        "checks": [
            {
                "check": run.check,
                "status": run.status.value,
                "note": run.note,
                "findings": len(report.findings_of(run.check)),
            }
            for run in report.checks
        ],
        "findings": [finding_record(finding) for finding in _ordered(report)],
    }
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def render_junit(report: ValidationReport, fail_on: Severity) -> str:
    """JUnit XML: a testsuite per check, a testcase for the check and one per finding.

    A finding at or above ``fail_on`` is a ``<failure>``; below it the testcase passes and
    carries the finding in ``<system-out>``; a check that was not run is ``<skipped>``.
    """
    suites = ElementTree.Element("testsuites", name="bjaikg validate")
    for run in report.checks:
        findings = report.findings_of(run.check)
        failing = [f for f in findings if f.severity.rank >= fail_on.rank]
        suite = ElementTree.SubElement(
            suites,
            "testsuite",
            name=f"bjaikg.{run.check}",
            tests=str(1 + len(findings)),
            failures=str(len(failing) + (1 if failing else 0)),
            skipped="1" if run.status is CheckStatus.NOT_RUN else "0",
        )
        case = ElementTree.SubElement(suite, "testcase", classname="bjaikg", name=run.check)
        if run.status is CheckStatus.NOT_RUN:
            ElementTree.SubElement(case, "skipped", message=run.note)
        elif failing:
            ElementTree.SubElement(
                case, "failure", message=f"{len(failing)} finding(s)", type=fail_on.value
            )
        for finding in findings:
            name = f"{finding.rule} {_statement(finding)}".strip()
            case = ElementTree.SubElement(
                suite, "testcase", classname=f"bjaikg.{run.check}", name=name
            )
            if finding.file:
                case.set("file", finding.file)
            if finding.line is not None:
                case.set("line", str(finding.line))
            body = "\n".join(
                (finding.location, finding.message, finding.message_zh, f"fix: {finding.hint}")
            )
            if finding.severity.rank >= fail_on.rank:
                failure = ElementTree.SubElement(
                    case, "failure", message=finding.message, type=finding.severity.value
                )
                failure.text = body
            else:
                ElementTree.SubElement(case, "system-out").text = body
    ElementTree.indent(suites)
    return ElementTree.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(report: ValidationReport, fail_on: Severity) -> str:
    """GitHub Actions workflow commands: ``::error file=…,line=…,title=…::message`` per finding.

    Violations are ``error``, warnings ``warning``, infos ``notice``; a check that was not run
    is a ``warning`` without a file. The last line is the plain-text summary.
    """
    lines = []
    for finding in _ordered(report):
        properties = []
        if finding.file:
            properties.append(f"file={_escape_property(finding.file)}")
        if finding.line is not None:
            properties.append(f"line={finding.line}")
        if finding.column is not None:
            properties.append(f"col={finding.column}")
        properties.append(f"title={_escape_property(finding.rule)}")
        message = " — ".join(
            part for part in (_statement(finding), finding.message, finding.message_zh) if part
        )
        if finding.hint:
            message += f"\nfix: {finding.hint}"
        command = _GITHUB_COMMANDS[finding.severity]
        lines.append(f"::{command} {','.join(properties)}::{_escape_data(message)}")
    for run in report.checks:
        if run.status is CheckStatus.NOT_RUN:
            lines.append(f"::warning title={run.check}::{_escape_data(run.note)}")
    lines.append(_summary(report, fail_on))
    return "\n".join(lines) + "\n"


_SARIF_LEVELS = {Severity.VIOLATION: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def render_sarif(report: ValidationReport, fail_on: Severity) -> str:
    """SARIF 2.1.0 (OASIS), the format GitHub code scanning reads (``upload-sarif``): one run,
    one rule per rule id, one result per finding with its file, line and column, at level
    ``error``, ``warning`` or ``note``. Unlike workflow annotations, code scanning shows every
    result. A finding without a file (``owl.inconsistent``) has no location."""
    findings = _ordered(report)
    rules = {finding.rule: finding for finding in findings}
    results = []
    for finding in findings:
        message = " — ".join(
            part for part in (_statement(finding), finding.message, finding.message_zh) if part
        )
        result: dict[str, object] = {
            "ruleId": finding.rule,
            "level": _SARIF_LEVELS[finding.severity],
            "message": {"text": message + (f"\nfix: {finding.hint}" if finding.hint else "")},
        }
        if finding.file:
            region = {"startLine": finding.line or 1}
            if finding.column is not None:
                region["startColumn"] = finding.column
            path = Path(finding.file)  # relative to the working directory, as GitHub wants it
            uri = path.as_uri() if path.is_absolute() else path.as_posix()
            result["locations"] = [
                {"physicalLocation": {"artifactLocation": {"uri": uri}, "region": region}}
            ]
        results.append(result)
    document = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "bjaikg validate",
                        "rules": [
                            {
                                "id": rule,
                                "shortDescription": {"text": rule},
                                "help": {"text": finding.hint or rule},
                            }
                            for rule, finding in sorted(rules.items())
                        ],
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def render_markdown(report: ValidationReport, fail_on: Severity) -> str:
    """A pull-request comment: the verdict, a table of checks, then a table of findings."""
    lines = ["## bjaikg validation", "", f"**{_summary(report, fail_on)}**", ""]
    lines += markdown_table(
        ["check", "status", "findings"],
        (
            [
                run.check,
                run.status.value + (f" — {run.note}" if run.note else ""),
                str(len(report.findings_of(run.check))),
            ]
            for run in report.checks
        ),
    )
    if report.findings:
        lines.append("")
        lines += markdown_table(
            ["where", "severity", "rule", "focus", "message", "fix"],
            (
                [
                    f"`{finding.location}`" if finding.location else "",
                    finding.severity.value,
                    f"`{finding.rule}`",
                    _statement(finding),
                    finding.message + (f"<br>{finding.message_zh}" if finding.message_zh else ""),
                    finding.hint,
                ]
                for finding in _ordered(report)
            ),
        )
    return "\n".join(lines) + "\n"


def report_triples(report: ValidationReport, fail_on: Severity) -> list[ox.Triple]:
    """The findings as a SHACL ``sh:ValidationReport`` (non-SHACL rules as SPARQL constraints).

    Built as N-Triples text from the findings' terms and parsed by pyoxigraph: rdflib's term
    construction and Turtle writer took seconds for a few thousand findings.
    """
    sh = PREFIXES["sh"]
    lines = [
        f"_:report <{RDF_TYPE}> <{sh}ValidationReport> .",
        f"_:report <{sh}conforms> {_boolean(report.exit_code(fail_on) == 0)} .",
    ]
    for index, finding in enumerate(_ordered(report)):
        result = f"_:result{index}"
        severity = _SHACL_SEVERITIES.get(finding.severity, "Info")
        if finding.check == "shacl":
            shape = f"<{BJSH}{finding.rule.removeprefix('shacl.')}>"
            # a finding merged from one value's results names each of their components
            components = [name.removeprefix("sh:") for name in finding.component.split(", ")]
        else:
            shape, components = f"<{RULE_NAMESPACE}{finding.rule}>", ["SPARQLConstraintComponent"]
        statements = [
            (f"<{sh}result>", result, "_:report"),
            (f"<{RDF_TYPE}>", f"<{sh}ValidationResult>", result),
            (f"<{sh}resultSeverity>", f"<{sh}{severity}>", result),
            (f"<{sh}sourceShape>", shape, result),
            (f"<{sh}resultMessage>", str(ox.Literal(finding.message, language="en")), result),
        ]
        statements += [
            (f"<{sh}sourceConstraintComponent>", f"<{sh}{component}>", result)
            for component in components
            if component
        ]
        if finding.focus:
            statements.append((f"<{sh}focusNode>", finding.focus, result))
        statements += _path_statements(finding.path, result)
        if finding.value:
            statements.append((f"<{sh}value>", finding.value, result))
        if finding.message_zh:
            zh = str(ox.Literal(finding.message_zh, language="zh"))
            statements.append((f"<{sh}resultMessage>", zh, result))
        if finding.location:
            statements.append((f"<{sh}detail>", str(ox.Literal(finding.location)), result))
        lines += [f"{subject} {predicate} {value} ." for predicate, value, subject in statements]
    text = "\n".join(lines).encode("utf-8")
    return [quad.triple for quad in ox.parse(text, format=ox.RdfFormat.N_TRIPLES)]


def _path_statements(path: str, result: str) -> list[tuple[str, str, str]]:
    """(predicate, object, subject) statements giving ``result`` its ``sh:resultPath``: ``path``
    as a finding holds it (SPARQL syntax), a longer one as the SHACL path of
    :func:`_shacl_path`, its blank nodes labelled after ``result``."""
    if not path:
        return []
    result_path = f"<{PREFIXES['sh']}resultPath>"
    if IRI_TERM.fullmatch(path):
        return [(result_path, path, result)]

    def label(term: str) -> str:
        return result + term if term.startswith("path") else term  # a blank node of the path

    statements = [
        (predicate, label(value), label(node)) for predicate, value, node in _shacl_path(path)
    ]
    return [(result_path, label("path0"), result), *statements]


@functools.cache
def _shacl_path(path: str) -> tuple[tuple[str, str, str], ...]:
    """The SHACL path (RDF) of a SPARQL property path: (predicate, object, subject) statements,
    rdflib's SPARQL parser reading it and rdflib's ``build_shacl_path`` writing it; blank nodes
    named ``path0`` (the path itself), ``path1`` … in a fixed order. Cached: a report repeats the
    few paths of the shapes over many findings."""
    parsed = prepareQuery(f"ASK {{ ?s {path} ?o }}").algebra.p.p["triples"][0][1]
    root, graph = build_shacl_path(parsed)
    labels: dict[Node, str] = {}

    def name(node: Node) -> str:
        if isinstance(node, BNode):
            return labels.setdefault(node, f"path{len(labels)}")
        return node.n3()

    name(root)
    statements = []
    stack = [root]
    while stack:
        node = stack.pop()
        for predicate, value in sorted(graph.predicate_objects(node) if graph else ()):
            statements.append((name(predicate), name(value), name(node)))
            if isinstance(value, BNode):
                stack.append(value)
    return tuple(statements)


def _boolean(value: bool) -> str:
    return f'"{str(value).lower()}"^^<{PREFIXES["xsd"]}boolean>'


def render_turtle(report: ValidationReport, fail_on: Severity) -> str:
    """:func:`report_triples` as Turtle with the project's prefixes."""
    triples = report_triples(report, fail_on)
    text = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    return (text or b"").decode("utf-8")


RENDERERS: dict[str, Callable[[ValidationReport, Severity], str]] = {
    "text": render_text,
    "json": render_json,
    "junit": render_junit,
    "github": render_github,
    "markdown": render_markdown,
    "sarif": render_sarif,
    "turtle": render_turtle,
}
"""Every output format by its ``--format`` name."""
