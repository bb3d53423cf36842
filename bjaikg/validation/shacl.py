"""The ``shacl`` check: pySHACL over the data, with the ontology as ``ont_graph``.

The ontology is mixed into the data graph so ``sh:targetClass`` reaches instances of
subclasses; no inference is run (RDFS inference costs ten times the time and the subclass
triples are all targeting needs). Each SHACL result becomes a :class:`Finding` whose rule is
``shacl.<local name of the source shape>`` — the shapes are named property shapes, so the rule
names the exact constraint — with the English and Chinese ``sh:message`` and a fix hint (the
shape's ``rdfs:comment``, else one derived from the constraint component).

Hazards: pySHACL adds triples to a shapes graph it is given, so the shapes are parsed afresh
for every call (:func:`load_shapes`); the data graph passed in is changed in place (it is
built for this one validation).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import RDF, RDFS, SH, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from bjaikg.errors import BjaikgError, DataFileError
from bjaikg.namespaces import shorten
from bjaikg.store import discover_files, load_file
from bjaikg.validation.finding import Finding, Severity
from bjaikg.validation.sources import LoadedInput, to_ntriples, to_rdflib_graph

_SEVERITIES: dict[Node | None, Severity] = {
    SH.Violation: Severity.VIOLATION,
    SH.Warning: Severity.WARNING,
    SH.Info: Severity.INFO,
}

_COMPONENT_HINTS = {
    "MinCountConstraintComponent": "add the missing {path} statement(s)",
    "MaxCountConstraintComponent": "keep only as many {path} values as the shape allows",
    "DatatypeConstraintComponent": "write the {path} value with the datatype the shape names",
    "ClassConstraintComponent": "point {path} to a node of the class the shape names",
    "NodeKindConstraintComponent": "use an IRI (not a literal or blank node) for {path}",
    "LanguageInConstraintComponent": "tag the {path} literal @zh or @en",
    "UniqueLangConstraintComponent": "keep one {path} per language tag",
    "PatternConstraintComponent": "write the {path} value in the form the shape's pattern gives",
    "MinExclusiveConstraintComponent": "correct the {path} value: it is out of range",
    "MinInclusiveConstraintComponent": "correct the {path} value: it is out of range",
    "MaxExclusiveConstraintComponent": "correct the {path} value: it is out of range",
    "MaxInclusiveConstraintComponent": "correct the {path} value: it is out of range",
    "InConstraintComponent": "use one of the values the shape lists for {path}",
    "SPARQLConstraintComponent": "correct the {path} value as the message says",
}


def shapes_files(folder: Path) -> list[Path]:
    """The Turtle files of the shapes folder (or the one file given)."""
    return discover_files([folder])


def load_shapes(paths: Sequence[Path]) -> Graph:
    """A fresh rdflib Graph of the shapes files (parsed like the data, by pyoxigraph).

    Raises :class:`DataFileError` (file:line:column) for a shapes file that cannot be read or
    parsed, and when the files hold no shape at all.
    """
    store = ox.Store()
    for path in paths:
        load_file(store, path.resolve())  # load_file needs an absolute path
    graph = to_rdflib_graph(store)
    if not any(graph.subjects(RDF.type, SH.NodeShape)):
        raise DataFileError(paths[0], "shapes file holds no sh:NodeShape")
    return graph


def check_shapes(shapes: Graph, origin: Path) -> None:
    """Validate ``shapes`` against SHACL-for-SHACL; raise :class:`DataFileError` if it fails.

    The error names ``origin`` (the first shapes file) and the first result: the shape
    property at fault, its value and pySHACL's message.
    """
    from pyshacl.entrypoints import meta_validate

    conforms, report, _ = meta_validate(shapes, inference="none")
    if conforms:
        return
    assert isinstance(report, Graph)
    results = sorted(report.subjects(RDF.type, SH.ValidationResult), key=str)
    first = results[0]
    path = report.value(first, SH.resultPath)
    value = report.value(first, SH.value)
    message = report.value(first, SH.resultMessage)
    where = " ".join(shorten(str(term)) for term in (path, value) if isinstance(term, URIRef))
    if isinstance(value, Literal):
        where += f' "{value}"'
    raise DataFileError(origin, f"not valid SHACL (SHACL-for-SHACL): {where.strip()}: {message}")


ENGINES = ("pyshacl", "pyshacl-turbo")
"""SHACL engines: pySHACL, and pyshacl-turbo (a Rust engine with pySHACL's API, about twice as
fast; its findings equal pySHACL's on every fixture, checked by tests/validation/)."""


def _engine(name: str) -> tuple[Callable[..., Any], type[Exception]]:
    """The ``validate`` function of engine ``name`` and the error it raises on bad shapes."""
    if name == "pyshacl-turbo":
        try:
            from pyshacl_turbo import ReportableRuntimeError as TurboError
            from pyshacl_turbo import validate as turbo_validate
        except ImportError:
            raise BjaikgError(
                "engine pyshacl-turbo is not installed: pip install pyshacl-turbo"
            ) from None
        return turbo_validate, TurboError
    from pyshacl import validate
    from pyshacl.errors import ReportableRuntimeError

    return validate, ReportableRuntimeError


def run_shacl(loaded: LoadedInput, shapes: Graph, engine: str = "pyshacl") -> list[Finding]:
    """Validate the data files against ``shapes``; one finding per SHACL result.

    Findings whose focus node is written only in context files are dropped (see
    :mod:`bjaikg.validation.rules`). Raises :class:`BjaikgError` when the engine fails on the
    shapes (a broken constraint, not broken data) or is not installed.
    """
    validate, shapes_error = _engine(engine)
    # pyshacl-turbo reads a pyoxigraph store natively: 2–3 s less per 1e5 triples.
    data = loaded.data_store() if engine == "pyshacl-turbo" else loaded.rdflib_graph(data=True)
    ontology = loaded.rdflib_graph(data=False)
    try:
        _, report, _ = validate(
            data,
            shacl_graph=shapes,
            ont_graph=ontology,
            inference="none",
            inplace=True,
            allow_infos=True,
            allow_warnings=True,
        )
    except shapes_error as error:
        raise BjaikgError(f"{engine} cannot use the shapes: {error}") from None
    assert isinstance(report, Graph)
    findings = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        finding = _finding(report, result, shapes, loaded)
        if finding is not None:
            findings.append(finding)
    return sorted(set(findings), key=Finding.sort_key)


def _finding(report: Graph, result: Node, shapes: Graph, loaded: LoadedInput) -> Finding | None:
    focus = to_ntriples(_one(report, result, SH.focusNode))
    path = _path_term(report, report.value(result, SH.resultPath))
    source, line = loaded.locate(focus, path)
    if source is not None and not source.is_data:
        return None
    shape = report.value(result, SH.sourceShape)
    component = report.value(result, SH.sourceConstraintComponent)
    component_name = str(component).rsplit("#", 1)[-1] if component else ""
    rule_name = shorten(str(shape)).split(":", 1)[-1] if isinstance(shape, URIRef) else ""
    messages = {
        (value.language or ""): str(value)
        for value in report.objects(result, SH.resultMessage)
        if isinstance(value, Literal)
    }
    value = report.value(result, SH.value)
    return Finding(
        check="shacl",
        rule=f"shacl.{rule_name or component_name}",
        severity=_SEVERITIES.get(report.value(result, SH.resultSeverity), Severity.VIOLATION),
        message=messages.get("en") or messages.get("") or component_name,
        message_zh=messages.get("zh", ""),
        hint=_hint(shapes, shape, component_name, path),
        file=source.display if source else "",
        line=line,
        focus=focus,
        focus_label=loaded.label(focus),
        path=path,
        value=to_ntriples(value) if value is not None else "",
        component=f"sh:{component_name}" if component_name else "",
    )


def _one(graph: Graph, subject: Node, predicate: URIRef) -> Node:
    value = graph.value(subject, predicate)
    if value is None:
        raise BjaikgError(f"pySHACL result without {shorten(str(predicate))}")
    return value


def _path_term(report: Graph, path: Node | None) -> str:
    if isinstance(path, URIRef):
        return to_ntriples(path)
    if isinstance(path, BNode):
        inverse = report.value(path, SH.inversePath)
        if isinstance(inverse, URIRef):
            return "^" + to_ntriples(inverse)
    return ""


def _hint(shapes: Graph, shape: Node | None, component: str, path: str) -> str:
    if shape is not None:
        for comment in shapes.objects(shape, RDFS.comment):
            if isinstance(comment, Literal) and comment.language in (None, "en"):
                return str(comment)
    template = _COMPONENT_HINTS.get(component, "correct the data as the message says")
    shown = shorten(path.strip("^<>")) if path else "the"
    return template.format(path=shown)
