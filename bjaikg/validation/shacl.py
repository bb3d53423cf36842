"""The ``shacl`` check: pySHACL (or pyshacl-turbo) over the data, with the ontology mixed in.

The ontology is mixed into the data graph as pySHACL's ``ont_graph`` option does it (its
``inoculate``: class and property declarations, RDFS/OWL axioms, labels, and whole
``owl:NamedIndividual`` descriptions), so ``sh:targetClass`` reaches instances of subclasses and
``sh:class`` sees the ontology's individuals; no inference is run (RDFS inference costs ten times
the time and the subclass triples are all targeting needs). We compute those triples once from
the ontology with pySHACL's own ``inoculate`` (:func:`ontology_additions`) and hand each engine
data it reads fast, instead of letting the engine mix the ontology into a copy of the data (see
docs/validation.md, Speed). Each SHACL result becomes a :class:`Finding` whose rule is
``shacl.<local name of the source shape>`` — the shapes are named property shapes, so the rule
names the exact constraint — with the English and Chinese ``sh:message`` and a fix hint (the
shape's ``rdfs:comment``, else one derived from the constraint component).

Hazards: pySHACL adds triples to a shapes graph it is given, so the shapes are parsed afresh
for every call (:func:`load_shapes`), and :func:`hoist_property_shapes` changes them too; the
data graph passed to pySHACL is built for this one validation.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from itertools import chain
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import OWL, RDF, RDFS, SH, XSD, BNode, Graph, Literal, URIRef
from rdflib.extras.shacl import parse_shacl_path
from rdflib.paths import AlternativePath
from rdflib.term import Node

from bjaikg.errors import BjaikgError, DataFileError
from bjaikg.namespaces import shorten
from bjaikg.store import discover_files
from bjaikg.terms import from_rdflib, to_rdflib_graph
from bjaikg.validation.finding import Finding, Severity, display_term
from bjaikg.validation.inputs import LoadedInput, load_turtle, to_ntriples

_SEVERITIES: dict[Node | None, Severity] = {
    SH.Violation: Severity.VIOLATION,
    SH.Warning: Severity.WARNING,
    SH.Info: Severity.INFO,
}

RANGE_COMPONENTS = frozenset(
    f"sh:{bound}{kind}ConstraintComponent"
    for bound in ("Min", "Max")
    for kind in ("Exclusive", "Inclusive")
)

_DATE_FORMS = (
    " (an xsd:date is YYYY-MM-DD, a gYear YYYY; a literal of the right datatype that breaks its "
    "form fails too)"
)
"""How dates are written, for a datatype hint naming a date datatype (or none)."""

_COMPONENT_HINTS = {
    "MinCountConstraintComponent": "add the missing {path} statement(s)",
    "MaxCountConstraintComponent": "keep only as many {path} values as the shape allows",
    "DatatypeConstraintComponent": "write the {path} value as an {datatype}, in that "
    "datatype's form{form}",
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
        load_turtle(store, path)
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


_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)


def hoist_property_shapes(shapes: Graph) -> int:
    """Give each property shape of a node shape the node shape's targets; return how many.

    pySHACL validates a property shape reached through ``sh:property`` once per focus node
    (re-reading the shape's parameters, rebuilding its constraint objects each time); a
    property shape with targets of its own is validated once for all its focus nodes — 4–5
    times faster on our shapes. The results are the same: a property shape's results carry
    its own source shape, message and severity, whichever way it is reached, and a node shape
    only passes them on. Only the safe case is rewritten: node shape N has explicit targets
    only (not a class itself, no ``sh:target``), is neither deactivated nor referenced by
    another shape; property shape P is named by N's ``sh:property`` and nowhere else, and has
    no targets or deactivation of its own. pyshacl-turbo does not need this (it evaluates
    shapes set-wise) and runs slower with it.
    """
    hoisted = 0
    for node in sorted(set(shapes.subjects(RDF.type, SH.NodeShape)), key=str):
        targets = [(p, o) for p in _TARGETS for o in shapes.objects(node, p)]
        if not targets or _referenced(shapes, node) or not _plain(shapes, node):
            continue
        if {RDFS.Class, OWL.Class} & set(shapes.objects(node, RDF.type)):
            continue
        if (node, SH.target, None) in shapes:
            continue
        for prop in list(shapes.objects(node, SH.property)):
            if sum(1 for _ in shapes.subject_predicates(prop)) != 1 or not _plain(shapes, prop):
                continue
            if any((prop, p, None) in shapes for p in _TARGETS):
                continue
            for predicate, target in targets:
                shapes.add((prop, predicate, target))
            shapes.remove((node, SH.property, prop))
            hoisted += 1
    return hoisted


def _referenced(shapes: Graph, node: Node) -> bool:
    return next(iter(shapes.subject_predicates(node)), None) is not None


def _plain(shapes: Graph, shape: Node) -> bool:
    return (shape, SH.deactivated, None) not in shapes


def ontology_additions(ontology: Graph) -> Graph:
    """The triples pySHACL's ``ont_graph`` option mixes into any data graph: its ``inoculate``
    applied to an empty graph (what it adds does not depend on the data).

    pySHACL is imported here, not at module level: a pyshacl-turbo run need not pay its import.
    """
    from pyshacl.rdfutil.inoculate import inoculate

    return inoculate(Graph(), ontology)  # type: ignore[arg-type]


CONTEXTS_KEPT = 4
"""How many contexts' additions :func:`context_additions` keeps (the project's instances make
about 6,000 triples): a process that switches between the project with and without its
instances, or between two ontologies, keeps both."""

_additions_by_context: dict[tuple[tuple[Path, bytes], ...], Graph] = {}


def context_additions(loaded: LoadedInput) -> Graph:
    """:func:`ontology_additions` of ``loaded``'s context files, kept for the last
    :data:`CONTEXTS_KEPT` contexts used (:meth:`LoadedInput.context_key`): one process
    validating file after file against the project (the tests, a notebook, a tool) converts
    each context to rdflib once, not each time.

    Hazard: the graph returned is shared by every later call: copy from it, never change it.
    """
    key = loaded.context_key()
    additions = _additions_by_context.pop(key, None)  # put back last: the most recently used
    if additions is None:
        additions = ontology_additions(loaded.rdflib_graph(data=False))
        while len(_additions_by_context) >= CONTEXTS_KEPT:
            del _additions_by_context[next(iter(_additions_by_context))]  # the least recent
    _additions_by_context[key] = additions
    return additions


def run_shacl(loaded: LoadedInput, shapes: Graph, engine: str = "pyshacl") -> list[Finding]:
    """Validate the data files against ``shapes``; one finding per SHACL result (results that
    differ only in their constraint component merged: :func:`report_findings`).

    The engine sees the data files' statements, what the context states of their subjects
    (:meth:`LoadedInput.described`) and the context's types of the nodes either points at.
    Reported are the findings the data files' statements bring about: when the context
    describes any of their subjects, the shapes run a second time over that description
    alone (the project's own statements about those nodes), and a finding of that run is
    not reported again; nor is a finding whose focus node is written only in context files
    (see :mod:`bjaikg.validation.rules`). Raises :class:`BjaikgError` when the engine fails
    on the shapes (a broken constraint, not broken data) or is not installed, and
    :class:`DataFileError` for an RDF 1.2 triple term.
    """
    validate, shapes_error = _engine(engine)
    loaded.check_triple_terms()
    additions = context_additions(loaded)
    described = loaded.described()
    known: set[Finding] = set()
    try:
        with _collector_paused():
            if described:
                statements = described + loaded.referenced_types(described)
                report = _report(validate, engine, loaded, statements, additions, _copy(shapes))
                known = set(_findings(report, shapes, loaded))
            referenced = loaded.referenced_types(chain(loaded.quads(data=True), described))
            statements = described + referenced
            report = _report(validate, engine, loaded, statements, additions, shapes, data=True)
    except shapes_error as error:
        raise BjaikgError(f"{engine} cannot use the shapes: {error}") from None
    return report_findings(report, shapes, loaded, known)


def _report(
    validate: Callable[..., Any],
    engine: str,
    loaded: LoadedInput,
    statements: list[ox.Triple],
    additions: Graph,
    shapes: Graph,
    *,
    data: bool = False,
) -> Graph:
    """The engine's report on ``statements`` with the ontology's ``additions`` and, with
    ``data``, the data files' statements."""
    options: dict[str, Any] = {
        "shacl_graph": shapes,
        "inference": "none",
        "allow_infos": True,
        "allow_warnings": True,
    }
    if engine == "pyshacl-turbo":
        text = _ntriples(chain(_triples(additions), statements))
        if data:
            text = loaded.ntriples(data=True) + text
        turbo_input = _turbo_input(text, dict(additions.namespaces()))
        _, report, _ = validate(turbo_input, inplace=False, **options)
    else:
        graph = loaded.rdflib_graph(data=True) if data else to_rdflib_graph(())
        graph.addN((s, p, o, graph) for s, p, o in additions)
        graph.addN((s, p, o, graph) for s, p, o in to_rdflib_graph(statements))
        hoist_property_shapes(shapes)
        _, report, _ = validate(graph, inplace=True, **options)
    assert isinstance(report, Graph)
    return report


def _copy(shapes: Graph) -> Graph:
    """A copy of ``shapes`` with its prefixes, for an engine that changes the graph it gets."""
    copy = Graph()
    for prefix, namespace in shapes.namespaces():
        copy.bind(prefix, namespace, override=True)
    copy.addN((s, p, o, copy) for s, p, o in shapes)
    return copy


def report_findings(
    report: Graph, shapes: Graph, loaded: LoadedInput, known: Collection[Finding] = ()
) -> list[Finding]:
    """The findings of a SHACL validation report (sorted, distinct), minus those whose focus
    node is written only in context files and those in ``known``. Results that differ only in
    the constraint they broke (an untagged quote breaks ``sh:datatype`` and ``sh:languageIn``
    of one property shape, with one message) are one finding, naming both components and
    both hints."""
    merged: dict[tuple[object, ...], Finding] = {}
    for finding in _findings(report, shapes, loaded):
        if finding in known:
            continue
        key = (finding.rule, finding.file, finding.line, finding.focus, finding.path,
               finding.value, finding.message)  # fmt: skip
        kept = merged.get(key)
        if kept is None or kept == finding:
            merged[key] = finding
        elif finding.component not in kept.component.split(", "):
            hint = kept.hint if finding.hint in kept.hint else f"{kept.hint}; {finding.hint}"
            component = ", ".join(sorted({*kept.component.split(", "), finding.component}))
            merged[key] = replace(kept, component=component, hint=hint)
    return sorted(merged.values(), key=Finding.sort_key)


def _findings(report: Graph, shapes: Graph, loaded: LoadedInput) -> Iterator[Finding]:
    """One finding per result of ``report`` whose focus node a data file writes; a range
    constraint broken by a value that is no number or date to compare (:func:`_not_comparable`)
    is left out: its datatype's finding, and ``quality.ill-typed-literal``, say what is wrong."""
    for result in report.subjects(RDF.type, SH.ValidationResult):
        finding = _finding(report, result, shapes, loaded)
        if finding is None:
            continue
        value = report.value(result, SH.value)
        if finding.component in RANGE_COMPONENTS and _not_comparable(
            shapes, report.value(result, SH.sourceShape), value
        ):
            continue  # "many"^^xsd:integer, "7", true or a date where a decimal is wanted
        yield finding


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for the block (and back on after, if it was on).

    Building the rdflib graph and pySHACL's run allocate millions of objects; each full
    collection walks the whole growing graph again (docs/validation.md, Speed, has the figures).
    What it would free is little: peak memory is the same with it off.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _triples(graph: Graph) -> Iterator[ox.Triple]:
    """The triples of an rdflib ``graph`` as pyoxigraph's."""
    for s, p, o in graph:
        subject, predicate, value = from_rdflib(s), from_rdflib(p), from_rdflib(o)
        assert not isinstance(subject, ox.Literal) and isinstance(predicate, ox.NamedNode)
        yield ox.Triple(subject, predicate, value)


def _ntriples(triples: Iterable[ox.Triple]) -> str:
    """``triples`` as N-Triples text, written by pyoxigraph."""
    text = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    return text.decode("utf-8") if text else ""


def _turbo_input(ntriples: str, prefixes: dict[str, URIRef]) -> object:
    """The data as pyshacl-turbo's own input record: N-Triples text it parses natively,
    blank-node labels kept, and ``prefixes`` (the ontology graph's, as with ``ont_graph``).

    This is what pyshacl-turbo makes of a pyoxigraph store (``pyshacl_turbo.rdf.Input``, not
    in its ``__all__``), plus the prefixes a store cannot carry: without them, messages that
    pyshacl-turbo writes itself (shapes without ``sh:message``) would show full IRIs where
    pySHACL shows ``bj:…``. Passing the ontology as ``ont_graph`` would carry them too, but
    the data would be copied to mix it in.
    """
    try:
        from pyshacl_turbo.rdf import Input

        return Input(ntriples, "oxigraph-nquads", None, {}, prefixes, preserve_ids=True)
    except (ImportError, TypeError):
        raise BjaikgError(
            "this pyshacl-turbo's pyshacl_turbo.rdf.Input is not the one validate.py was "
            "written for: pip install 'pyshacl-turbo>=0.6.5,<0.7'"
        ) from None


def _finding(report: Graph, result: Node, shapes: Graph, loaded: LoadedInput) -> Finding | None:
    focus = to_ntriples(_one(report, result, SH.focusNode))
    value = report.value(result, SH.value)
    path = _path_term(report, report.value(result, SH.resultPath), focus, value, loaded)
    written = loaded.written_term(focus, path, from_rdflib(value)) if value is not None else None
    source, line = loaded.locate(focus, path, written)
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
    return Finding(
        check="shacl",
        rule=f"shacl.{rule_name or component_name}",
        severity=_SEVERITIES.get(report.value(result, SH.resultSeverity), Severity.VIOLATION),
        message=messages.get("en") or messages.get("") or component_name,
        message_zh=messages.get("zh", ""),
        hint=_number_hint(shapes, shape, component_name, path, value)
        or _hint(shapes, shape, component_name, path),
        file=source.display if source else "",
        line=line,
        focus=focus,
        focus_label=loaded.label(focus),
        path=path,
        value=str(written) if written is not None else "",
        component=f"sh:{component_name}" if component_name else "",
    )


def _one(graph: Graph, subject: Node, predicate: URIRef) -> Node:
    value = graph.value(subject, predicate)
    if value is None:
        raise BjaikgError(f"pySHACL result without {shorten(str(predicate))}")
    return value


def _path_term(
    report: Graph, path: Node | None, focus: str, value: Node | None, loaded: LoadedInput
) -> str:
    """A SHACL property path as SPARQL writes it, IRIs in N-Triples form (``<p>``, ``^<p>``,
    ``<p>|(<q>/<r>)``, ``<p>*``: rdflib's reading of the SHACL path); empty when there is none.

    An alternative of properties (``<p>|<q>|<r>``) is narrowed to the ones the data files
    state ``focus`` with: with the result's ``value``, else with any value (a count result has
    none); the whole path when the focus node is stated with none of them.
    """
    if isinstance(path, URIRef):
        return to_ntriples(path)
    if not isinstance(path, BNode):
        return ""
    parsed = parse_shacl_path(report, path)  # well formed: the shapes passed SHACL-for-SHACL
    members = parsed.args if isinstance(parsed, AlternativePath) else []
    properties = [to_ntriples(p) for p in members if isinstance(p, URIRef)]
    if properties and len(properties) == len(members):
        stated = value is not None and loaded.written_predicates(
            focus, properties, from_rdflib(value)
        )
        if written := stated or loaded.written_predicates(focus, properties):
            return "|".join(written)
    return parsed.n3()


def _with_point(number: Decimal) -> str:
    text = format(number, "f")
    return text if "." in text else f"{text}.0"


def _with_exponent(number: Decimal) -> str:
    return format(number.normalize(), "E")


def _whole(number: Decimal) -> str:
    return format(number, "f") if number == number.to_integral_value() else ""


_NUMBER_FORMS: dict[Node, tuple[str, Callable[[Decimal], str]]] = {
    XSD.integer: ("digits only", _whole),
    XSD.decimal: ("a decimal point", _with_point),
    XSD.double: ("an exponent", _with_exponent),
}
"""The datatypes a Turtle number is written in without quotes, what tells each apart, and how
a number is written in each (``7``, ``7.0``, ``7E+0``; '' where it cannot be: ``7.5`` as an
integer)."""

_STRINGS = frozenset({XSD.string, RDF.langString})
_DATES = frozenset({XSD.date, XSD.dateTime, XSD.gYear, XSD.gYearMonth})


def _not_comparable(shapes: Graph, shape: Node | None, value: Node | None) -> bool:
    """Whether a range result's ``value`` is no number or date to compare, where the shape names
    a datatype (whose own result says what to write): an IRI, an ill-typed literal, a literal of
    no numeric datatype and not of the one named (a string, a boolean, a date where a number is
    wanted), or not a number (``NaN``)."""
    named = shapes.value(shape, SH.datatype) if shape is not None else None
    if named is None:
        return False
    if not isinstance(value, Literal):
        return True
    if value.ill_typed or value.datatype not in (named, *_NUMBER_FORMS, XSD.float):
        return True
    return value.datatype in (XSD.double, XSD.float) and str(value) == "NaN"


def _number_hint(
    shapes: Graph, shape: Node | None, component: str, path: str, value: Node | None
) -> str:
    """For a number of another numeric datatype than the one the shape names (Turtle's ``7``
    is an ``xsd:integer``; ``bjo:processNode`` takes an ``xsd:decimal``): write it as ``7.0``.
    '' for any other finding (an ill-typed number is no number: the general hint says why).

    Hazard: the value is the report's, of the store's data, where a number has its canonical
    text (``1.5E1`` is ``15``): the hint names its datatype, not its text."""
    wanted = shapes.value(shape, SH.datatype) if shape is not None else None
    if component != "DatatypeConstraintComponent" or wanted not in _NUMBER_FORMS:
        return ""
    readable = (*_NUMBER_FORMS, XSD.string)  # a number, or one written in quotes ("7")
    if not isinstance(value, Literal) or value.language or value.ill_typed:
        return ""
    given = value.datatype or XSD.string
    try:
        number = Decimal(str(value).strip()) if given in readable else None
    except InvalidOperation:  # "75 W"
        number = None
    if number is None or not number.is_finite():  # "INF"^^xsd:double: no decimal is written so
        return ""
    told_by, write = _NUMBER_FORMS[wanted]
    written = write(number)
    if not written:  # 7.5 where an integer is wanted: the general hint
        return ""
    quotes = ", without quotes" if given == XSD.string else ""
    return (
        f"write {written}{quotes} ({display_term(path)} takes an {display_term(f'<{wanted}>')}, "
        f"written with {told_by}; the value given is an {display_term(f'<{given}>')})"
    )


def _hint(shapes: Graph, shape: Node | None, component: str, path: str) -> str:
    if shape is not None:
        for comment in shapes.objects(shape, RDFS.comment):
            if isinstance(comment, Literal) and comment.language in (None, "en"):
                return str(comment)
    template = _COMPONENT_HINTS.get(component, "correct the data as the message says")
    shown = display_term(path) if path else ""  # a node's own constraint: "write the value …"
    named = shapes.value(shape, SH.datatype) if shape is not None else None
    if component == "DatatypeConstraintComponent" and named == RDF.langString:
        template = _COMPONENT_HINTS["LanguageInConstraintComponent"]  # merged with it, once
    datatype = display_term(f"<{named}>") if named is not None else "the datatype the shape names"
    form = _DATE_FORMS if named is None or named in _DATES else ""
    return " ".join(template.format(path=shown, datatype=datatype, form=form).split())
