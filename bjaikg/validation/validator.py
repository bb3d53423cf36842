"""One validation run: the checks in order (parse, shacl, quality, owl, links) into a report.

:func:`validate` is what ``validate.py`` calls and what tests call in-process. It raises only
for input that cannot be used at all (:class:`~bjaikg.errors.DataFileError` for a missing path,
a folder without RDF or a broken shapes file; :class:`~bjaikg.errors.QueryFileError` for a
broken rule file); everything wrong *in* the data is a finding. When a data file does not
parse, the parse findings are reported, the report is marked as an input error (exit 2) and
the later checks are not run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from bjaikg.store import discover_files
from bjaikg.validation.finding import (
    CHECK_IDS,
    CheckRun,
    CheckStatus,
    Finding,
    Severity,
    ValidationReport,
)
from bjaikg.validation.inputs import (
    INSTANCES_FOLDER,
    SHAPES_FOLDER,
    LoadedInput,
    load_input,
    ontology_files,
    select_data_files,
)
from bjaikg.validation.literals import ill_typed_literals
from bjaikg.validation.released import default_release, vanished_iris
from bjaikg.validation.rules import CHECK_FOLDER, check_query_prefixes, load_rules, run_rule
from bjaikg.validation.shacl import check_shapes, load_shapes, run_shacl, shapes_files

if TYPE_CHECKING:  # importing owlready2 is slow: only the owl check pays for it
    from bjaikg.reasoning import ConsistencyResult


@dataclass(frozen=True)
class ValidationOptions:
    """What to validate and how.

    ``paths`` empty means the project's own ``ontology/`` and ``instances/`` (then the query
    files in ``queries/``, the parent of ``rule_folder``, are checked for implicit prefixes
    too). ``requested`` are the checks the user named explicitly; one of them not running
    makes the exit code 3.
    """

    paths: Sequence[Path] = ()
    checks: frozenset[str] = frozenset(CHECK_IDS)
    requested: frozenset[str] = frozenset()
    shapes: Path = SHAPES_FOLDER
    rule_folder: Path = CHECK_FOLDER
    engine: str = "pyshacl"
    """The SHACL engine (:data:`bjaikg.validation.shacl.ENGINES`)."""
    release: Path | None = None
    """The release whose IRIs must not vanish (:mod:`bjaikg.validation.released`); ``None``
    means the newest of ``releases/`` when the project itself is validated, else none."""
    with_instances: bool = True
    """With ``paths``: the project's ``instances/`` (those not among them) are context, so a
    contributor's file may point at the project's entities (``bj:beijing``) and is checked
    against what the project already states, of the entities it adds to too; the findings
    are those the statements of ``paths`` bring about (``shacl.run_shacl``)."""


@dataclass
class _Run:
    options: ValidationOptions
    findings: list[Finding] = field(default_factory=list)
    checks: list[CheckRun] = field(default_factory=list)
    consistency: Future[ConsistencyResult] | None = None
    rule_findings: dict[str, Future[list[Finding]]] = field(default_factory=dict)

    def record(self, check: str, status: CheckStatus, note: str = "") -> None:
        requested = check in self.options.requested
        self.checks.append(CheckRun(check=check, status=status, note=note, requested=requested))


def validate(options: ValidationOptions) -> ValidationReport:
    """Run the chosen checks over the chosen files; see the module docstring for what raises."""
    data_files = select_data_files(options.paths, options.shapes)
    context = ontology_files()
    if options.paths and options.with_instances:
        context += discover_files([INSTANCES_FOLDER])
    loaded = load_input(data_files, context)
    run = _Run(options)
    run.findings.extend(loaded.parse_findings)
    run.record("parse", CheckStatus.RAN)
    if loaded.parse_findings:
        for check in CHECK_IDS[1:]:
            if check in options.checks:
                run.record(check, CheckStatus.NOT_RUN, "input does not parse")
        return ValidationReport(findings=run.findings, checks=run.checks, input_error=True)
    with ThreadPoolExecutor(max_workers=2) as background:
        if "owl" in options.checks:
            # HermiT runs in a Java process: start it first, so it works while SHACL runs.
            run.consistency = background.submit(
                _consistency, ontology_files() + [s.path for s in loaded.data_files]
            )
        # The SPARQL rules only read the store: they run beside the SHACL engine (pyoxigraph
        # and pyshacl-turbo release the GIL while they work). Results are recorded in order.
        for check in ("quality", "links"):
            if check in options.checks:
                run.rule_findings[check] = background.submit(_rule_findings, check, options, loaded)
        for check in CHECK_IDS[1:]:
            if check in options.checks:
                _STEPS[check](run, loaded)
    return ValidationReport(findings=run.findings, checks=run.checks)


def _consistency(paths: list[Path]) -> ConsistencyResult:
    from bjaikg.reasoning import check_consistency

    return check_consistency(paths)


def _shacl(run: _Run, loaded: LoadedInput) -> None:
    paths = shapes_files(run.options.shapes)
    if run.options.shapes.resolve() != SHAPES_FOLDER.resolve():
        # Someone else's shapes: check them against SHACL-for-SHACL first (slow; ours are
        # checked by the tests). pySHACL mutates a shapes graph, hence a second load.
        check_shapes(load_shapes(paths), paths[0])
    run.findings.extend(run_shacl(loaded, load_shapes(paths), run.options.engine))
    run.record("shacl", CheckStatus.RAN)


_Step = Callable[[_Run, LoadedInput], None]


def _rule_findings(check: str, options: ValidationOptions, loaded: LoadedInput) -> list[Finding]:
    findings = []
    for rule in load_rules(check, options.rule_folder):
        findings.extend(run_rule(rule, loaded))
    if check == "quality":
        findings.extend(ill_typed_literals(loaded))
    if check == "quality" and not options.paths:
        findings.extend(check_query_prefixes(options.rule_folder.parent))
    release = options.release or (None if options.paths else default_release())
    if check == "quality" and release is not None:
        findings.extend(vanished_iris(loaded, release))
    return findings


def _rules(check: str) -> _Step:
    def step(run: _Run, loaded: LoadedInput) -> None:
        run.findings.extend(run.rule_findings[check].result())
        run.record(check, CheckStatus.RAN)

    return step


def _owl(run: _Run, loaded: LoadedInput) -> None:
    assert run.consistency is not None, "the owl check is started by validate()"
    result = run.consistency.result()
    if result.status == "not run":
        run.record("owl", CheckStatus.NOT_RUN, result.explanation)
        return
    if result.status == "inconsistent":
        run.findings.append(
            Finding(
                check="owl",
                rule="owl.inconsistent",
                severity=Severity.VIOLATION,
                message=result.explanation,
                message_zh="本体与数据不一致（HermiT 找不到模型）",
                hint="look for an individual typed with two disjoint classes (the quality "
                "check's quality.disjoint-types names them with file and line); otherwise "
                "remove files one at a time to find the culprit",
            )
        )
    for class_iri in result.unsatisfiable_classes:
        focus = f"<{class_iri}>"
        source, line = loaded.locate(focus)
        run.findings.append(
            Finding(
                check="owl",
                rule="owl.unsatisfiable-class",
                severity=Severity.VIOLATION,
                message="The class can have no instance (it is unsatisfiable).",
                message_zh="该类不可满足，不可能有实例。",
                hint="check its superclasses and disjointness axioms for a contradiction",
                file=source.display if source else "",
                line=line,
                focus=focus,
                focus_label=loaded.label(focus),
            )
        )
    run.record("owl", CheckStatus.RAN, f"HermiT {result.seconds:.1f} s")


_STEPS = {"shacl": _shacl, "quality": _rules("quality"), "owl": _owl, "links": _rules("links")}
