"""What a validation run produces: findings (data about the data), check runs and the report.

A finding is never an exception (docs/architecture.md#validation-contract): the checks return
:class:`Finding` values and only input that cannot be read at all raises. RDF terms are kept in
N-Triples form (``<iri>``, ``"text"@zh``, ``_:id``) so a finding can be written back as a SHACL
report graph; :func:`display_term` gives the short form people read."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field

from bjaikg.namespaces import shorten


class Severity(enum.Enum):
    """The SHACL severities, most severe first; ``rank`` orders them for ``--fail-on``."""

    VIOLATION = "violation"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """3 for a violation, 2 for a warning, 1 for an info."""
        return {"violation": 3, "warning": 2, "info": 1}[self.value]

    @classmethod
    def parse(cls, text: str) -> Severity:
        """The severity named ``text`` (``violation``, ``warning``, ``info``, any case).

        Raises ValueError naming the accepted words for anything else.
        """
        try:
            return cls(text.strip().lower())
        except ValueError:
            raise ValueError(f"unknown severity {text!r} (violation, warning or info)") from None


class CheckStatus(enum.Enum):
    """How a check ended: it ran, or it was not run (the run's note says why)."""

    RAN = "ran"
    NOT_RUN = "not run"


CHECK_IDS = ("parse", "shacl", "quality", "owl", "links")
"""The checks in the order they run; each finding's ``check`` is one of these."""


@dataclass(frozen=True)
class Finding:
    """One problem in the data, located in the Turtle source.

    ``focus``, ``value`` are N-Triples terms; ``path`` is an N-Triples IRI, ``^<iri>`` for an
    inverse path, another SHACL path as SPARQL writes it (``<p>|(<q>/<r>)``), or empty.
    ``rule`` is the stable id of what was broken: a check-file id such as
    ``quality.duplicate-label`` or, for SHACL, ``shacl.<property shape local name>``.
    """

    check: str
    rule: str
    severity: Severity
    message: str
    message_zh: str = ""
    hint: str = ""
    file: str = ""
    line: int | None = None
    column: int | None = None
    focus: str = ""
    focus_label: str = ""
    path: str = ""
    value: str = ""
    component: str = ""

    @property
    def location(self) -> str:
        """``file:line:column`` as far as known (empty when the finding has no file)."""
        where = self.file
        if where and self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return where

    def sort_key(self) -> tuple[str, int, str, str, str, str, str, str, str]:
        """Findings sort by file, line, rule, focus, path, value, component (deterministic output:
        docs/architecture.md#determinism)."""
        return (
            self.file,
            self.line or 0,
            self.check,
            self.rule,
            self.focus,
            self.path,
            self.value,
            self.component,
            self.message,
        )


@dataclass(frozen=True)
class CheckRun:
    """One check of the run: its id, whether it ran, and a one-line note when it did not."""

    check: str
    status: CheckStatus
    note: str = ""
    requested: bool = False
    """True when the user named the check in ``--checks``; a requested check that could not
    run makes the exit code 3."""


@dataclass
class ValidationReport:
    """Everything a run found, in check order, and which checks ran."""

    findings: list[Finding] = field(default_factory=list)
    checks: list[CheckRun] = field(default_factory=list)
    input_error: bool = False
    """True when some input could not be read or parsed (exit code 2)."""

    def findings_of(self, check: str) -> list[Finding]:
        """The findings of one check, sorted."""
        return sorted((f for f in self.findings if f.check == check), key=Finding.sort_key)

    def failing(self, fail_on: Severity) -> list[Finding]:
        """The findings at or above ``fail_on``."""
        return [f for f in self.findings if f.severity.rank >= fail_on.rank]

    def exit_code(self, fail_on: Severity) -> int:
        """2 input error; 1 findings at or above fail_on; 3 a requested check not run; else 0."""
        if self.input_error:
            return 2
        if self.failing(fail_on):
            return 1
        if any(run.requested and run.status is CheckStatus.NOT_RUN for run in self.checks):
            return 3
        return 0


IRI_TERM = re.compile(r"<([^<>]*)>")
"""An IRI in N-Triples form: a whole term (``fullmatch``), or each IRI of a property path."""


def display_term(term: str) -> str:
    """A term in the form people read: prefixed names, ``[]`` for blank nodes, literals as written.

    >>> display_term("<https://w3id.org/bjaikg/id/haidian>")
    'bj:haidian'
    >>> display_term("^<http://www.w3.org/2000/01/rdf-schema#label>")
    '^rdfs:label'
    >>> bjo = "https://w3id.org/bjaikg/ontology#"
    >>> display_term(f"<{bjo}quote>|(<{bjo}paragraph>/<{bjo}quote>)")
    'bjo:quote|(bjo:paragraph/bjo:quote)'
    """
    if term.startswith(("<", "^", "(")):  # an IRI or a property path: each IRI shortened
        return IRI_TERM.sub(lambda match: shorten(match.group(1)), term)
    if term.startswith("_:"):
        return "[]"
    if term.startswith('"'):
        body, _, suffix = term.rpartition('"')
        if suffix.startswith("^^<") and suffix.endswith(">"):
            return f'{body}"^^{shorten(suffix[3:-1])}'
    return term
