"""Validation of Turtle data: parse, SHACL, SPARQL quality rules, OWL consistency, link forms.

Entry points: :func:`validate` (in-process, returns a :class:`ValidationReport`) and
:func:`bjaikg.validation.cli.main` (``validate.py``). Findings are data
(:class:`Finding`); only unusable input raises (:class:`~bjaikg.errors.BjaikgError`).
"""

from bjaikg.validation.finding import (
    CHECK_IDS,
    CheckRun,
    CheckStatus,
    Finding,
    Severity,
    ValidationReport,
)
from bjaikg.validation.validator import ValidationOptions, validate

__all__ = [
    "CHECK_IDS",
    "CheckRun",
    "CheckStatus",
    "Finding",
    "Severity",
    "ValidationOptions",
    "ValidationReport",
    "validate",
]
