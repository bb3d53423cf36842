"""The rule ``quality.ill-typed-literal``: a value whose lexical form its datatype does not allow.

A shape that gives a property's datatype reports an ill-typed value of that property; this rule
reports one on any property, shaped or not (``"abc"^^xsd:integer`` on a note), so that no check
downstream reads a value that is not what its datatype says (HermiT's reader refuses an
ill-typed number: :func:`bjaikg.reasoning.to_ntriples` leaves such statements out).
"""

from __future__ import annotations

import pyoxigraph as ox

from bjaikg.terms import is_ill_typed
from bjaikg.validation.finding import Finding, Severity, display_term
from bjaikg.validation.inputs import LoadedInput

RULE = "quality.ill-typed-literal"


def ill_typed_literals(loaded: LoadedInput) -> list[Finding]:
    """One finding per statement of a data file whose literal is ill-typed
    (:func:`~bjaikg.terms.is_ill_typed`)."""
    findings = []
    for source in loaded.data_files:
        for quad in loaded.store.quads_for_pattern(None, None, None, source.graph):
            value = quad.object
            if not isinstance(value, ox.Literal) or not is_ill_typed(value):
                continue
            focus = str(quad.subject)
            where, line = loaded.locate(focus, str(quad.predicate), value)
            datatype = display_term(str(value.datatype))
            findings.append(
                Finding(
                    check="quality",
                    rule=RULE,
                    severity=Severity.VIOLATION,
                    message=f"The value is not a valid {datatype} (its lexical form is not one "
                    "its datatype allows).",
                    message_zh=f"该值不是有效的 {datatype}（其词法形式不符合该数据类型）。",
                    hint="write the value in the datatype's form (xsd:integer 42, xsd:date "
                    "2024-05-01, xsd:boolean true/false), or give it the datatype it has",
                    file=(where or source).display,
                    line=line,
                    focus=focus,
                    focus_label=loaded.label(focus),
                    path=str(quad.predicate),
                    value=str(value),
                )
            )
    return sorted(findings, key=Finding.sort_key)
