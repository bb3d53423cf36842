"""``python validate.py [PATH ...]`` — the command line over :func:`validate`.

Exit codes (docs/architecture.md#validation-contract, pySHACL's contract): 0 conforms; 1 findings at
or above ``--fail-on``; 2 input or tool error (missing path, folder without RDF, unreadable or
unparseable file, broken shapes or rule file); 3 a check named in ``--checks`` could not run (the
OWL check without a Java runtime). The report goes to stdout, diagnostics to stderr, and a user's
mistake is one line on stderr, never a traceback."""

from __future__ import annotations

import argparse
import io
import logging
import sys
import warnings
from pathlib import Path

from bjaikg.errors import BjaikgError
from bjaikg.validation.finding import CHECK_IDS, CheckStatus, Severity
from bjaikg.validation.inputs import SHAPES_FOLDER
from bjaikg.validation.reporters import RENDERERS
from bjaikg.validation.shacl import ENGINES
from bjaikg.validation.validator import ValidationOptions, validate

PROGRAM = "validate.py"


def _check_list(text: str) -> frozenset[str]:
    chosen = frozenset(part.strip() for part in text.split(",") if part.strip())
    unknown = sorted(chosen - set(CHECK_IDS))
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(
            f"unknown check(s) {', '.join(unknown) or '(none given)'}; choose from "
            + ", ".join(CHECK_IDS)
        )
    return chosen


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``validate.py`` (also used by the docs test)."""
    parser = argparse.ArgumentParser(
        prog=PROGRAM,
        description="Validate Turtle data against the bjaikg ontology, shapes and rules.",
        epilog="exit codes: 0 conforms, 1 findings at or above --fail-on, "
        "2 input or tool error, 3 a requested check could not run",
    )
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        help="Turtle files or folders (default: the project's ontology/ and instances/)",
    )
    parser.add_argument("--format", choices=sorted(RENDERERS), default="text")
    parser.add_argument(
        "--fail-on",
        choices=[severity.value for severity in Severity],
        default="violation",
        help="lowest severity that makes the exit code 1 (default: violation)",
    )
    parser.add_argument(
        "--checks",
        type=_check_list,
        default=None,
        help=f"comma-separated checks to run (default: all of {','.join(CHECK_IDS)}); "
        "parse always runs",
    )
    parser.add_argument("--no-owl", action="store_true", help="skip the HermiT (owl) check")
    parser.add_argument(
        "--shapes",
        type=Path,
        default=SHAPES_FOLDER,
        help="SHACL shapes file or folder (default: ontology/shapes/); others are first "
        "checked against SHACL-for-SHACL",
    )
    parser.add_argument(
        "--engine",
        choices=ENGINES,
        default="pyshacl",
        help="SHACL engine (default pyshacl; pyshacl-turbo is faster, same findings)",
    )
    parser.add_argument(
        "--without-instances",
        action="store_true",
        help="with PATHs: do not load the project's instances/ as context (by default a "
        "contributor's file may point at the project's entities, and is checked against them)",
    )
    parser.add_argument(
        "--release",
        type=Path,
        default=None,
        help="release folder whose IRIs must not vanish (default: the newest of releases/ "
        "when the project itself is validated)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run ``validate.py`` with ``argv``; print the report; return the exit code."""
    for stream in (sys.stdout, sys.stderr):  # findings are bilingual, whatever the locale
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(encoding="utf-8")
    # rdflib logs a traceback for every ill-typed literal ("one"^^xsd:integer), and warns of an
    # ill-typed boolean; the shacl check reports those as findings with file and line, so the
    # log would only be noise.
    logging.getLogger("rdflib.term").setLevel(logging.CRITICAL)
    warnings.filterwarnings("ignore", category=UserWarning, module="rdflib.term")  # "maybe"
    arguments = build_parser().parse_args(argv)
    requested = arguments.checks or frozenset()
    checks = set(arguments.checks or CHECK_IDS) | {"parse"}
    if arguments.no_owl:
        checks.discard("owl")
    options = ValidationOptions(
        paths=tuple(arguments.paths),
        checks=frozenset(checks),
        requested=frozenset(requested),
        shapes=arguments.shapes,
        engine=arguments.engine,
        release=arguments.release,
        with_instances=not arguments.without_instances,
    )
    fail_on = Severity.parse(arguments.fail_on)
    try:
        report = validate(options)
    except BjaikgError as error:
        print(f"{PROGRAM}: error: {error}", file=sys.stderr)
        return 2
    for finding in report.findings_of("parse"):
        print(f"{PROGRAM}: error: {finding.location}: {finding.message}", file=sys.stderr)
    for run in report.checks if not report.input_error else []:
        if run.status is CheckStatus.NOT_RUN:
            print(f"{PROGRAM}: {run.check} check not run: {run.note}", file=sys.stderr)
    sys.stdout.write(RENDERERS[arguments.format](report, fail_on))
    return report.exit_code(fail_on)
