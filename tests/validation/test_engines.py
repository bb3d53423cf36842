"""How the shacl check feeds the engines: the ontology mixed in as pySHACL's ``ont_graph`` would,
property shapes hoisted for pySHACL, pyshacl-turbo given the data as text — each checked against
pySHACL handed the shapes as written and the ontology as ``ont_graph``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyshacl
import pytest
from rdflib import RDFS, SH, Graph, URIRef

from bjaikg.errors import DataFileError
from bjaikg.validation import ValidationOptions, validate
from bjaikg.validation.inputs import SHAPES_FOLDER, load_input
from bjaikg.validation.shacl import (
    CONTEXTS_KEPT,
    context_additions,
    hoist_property_shapes,
    load_shapes,
    report_findings,
    run_shacl,
    shapes_files,
)
from tests.validation.conftest import PROLOGUE, SOURCE, SOURCED
from tests.validation.test_fixtures import shacl_findings

pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
INVALID = sorted(FIXTURES.glob("*/invalid/*.ttl"))
EX = "http://example.org/shapes#"

SHAPES = (
    PROLOGUE
    + """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/shapes#> .
ex:Plain a sh:NodeShape ; sh:targetClass bjo:Organisation ; sh:property ex:Plain-label .
ex:Plain-label a sh:PropertyShape ; sh:path rdfs:label ; sh:maxCount 1 .
ex:Used a sh:NodeShape ; sh:targetClass bjo:Place ; sh:property ex:Used-label .
ex:Used-label a sh:PropertyShape ; sh:path rdfs:label ; sh:minCount 1 .
ex:User a sh:NodeShape ; sh:targetClass bjo:Person ; sh:node ex:Used .
ex:Shared a sh:NodeShape ; sh:targetClass bjo:Policy ; sh:property ex:Shared-label .
ex:Other a sh:NodeShape ; sh:targetClass bjo:Event ; sh:property ex:Shared-label .
ex:Shared-label a sh:PropertyShape ; sh:path rdfs:label ; sh:minCount 1 .
ex:Off a sh:NodeShape ; sh:targetClass bjo:Product ; sh:deactivated true ;
    sh:property ex:Off-label .
ex:Off-label a sh:PropertyShape ; sh:path rdfs:label ; sh:minCount 1 .
ex:Klass a sh:NodeShape, rdfs:Class ; sh:property ex:Klass-label .
ex:Klass-label a sh:PropertyShape ; sh:path rdfs:label ; sh:minCount 1 .
"""
)


def test_only_property_shapes_reached_one_way_only_are_hoisted() -> None:
    shapes = Graph().parse(data=SHAPES, format="turtle")
    assert hoist_property_shapes(shapes) == 1
    label = URIRef(EX + "Plain-label")
    organisation = URIRef("https://w3id.org/bjaikg/ontology#Organisation")
    assert list(shapes.objects(label, SH.targetClass)) == [organisation]
    assert (URIRef(EX + "Plain"), SH.property, label) not in shapes
    for kept in ("Used", "Shared", "Other", "Off", "Klass"):  # referenced, shared, off, a class
        assert next(shapes.objects(URIRef(EX + kept), SH.property), None) is not None, kept


@pytest.mark.parametrize("path", INVALID, ids=lambda p: f"{p.parent.parent.name}/{p.stem}")
def test_findings_equal_pyshacl_given_the_ontology_as_ont_graph(path: Path) -> None:
    """The reference: pySHACL itself mixing in the ontology, with the shapes as written.

    Compared with the pyshacl engine's findings (test_fixtures.py compares pyshacl-turbo's with
    those, and checks that the valid fixtures give none).
    """
    loaded = load_input([path])
    shapes = load_shapes(shapes_files(SHAPES_FOLDER))
    _, report, _ = pyshacl.validate(
        loaded.rdflib_graph(data=True),
        shacl_graph=shapes,
        ont_graph=loaded.rdflib_graph(data=False),
        inference="none",
        allow_infos=True,
        allow_warnings=True,
    )
    assert isinstance(report, Graph)
    reference = tuple(report_findings(report, shapes, loaded))
    assert reference and shacl_findings(path) == reference


def test_engines_write_the_same_generic_messages(tmp_path: Path) -> None:
    """Shapes without sh:message: pyshacl-turbo names nodes with the project's prefixes too."""
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        PROLOGUE + "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "bj:S a sh:NodeShape ; sh:targetClass bjo:Organisation ;\n"
        "  sh:property [ sh:path bjo:locatedIn ; sh:minCount 1 ; sh:class bjo:Place ] ,\n"
        "    [ sh:path rdfs:label ; sh:maxCount 1 ] .\n",
        encoding="utf-8",
    )
    data = tmp_path / "data.ttl"
    data.write_text(
        PROLOGUE + 'bj:acme a bjo:Company ; rdfs:label "a"@en, "b"@zh .\n'
        "bj:beta a bjo:Company ; bjo:locatedIn bj:acme .\n",
        encoding="utf-8",
    )
    messages = {}
    for engine in ("pyshacl", "pyshacl-turbo"):
        options = ValidationOptions(
            paths=(data,), checks=frozenset({"parse", "shacl"}), shapes=shapes, engine=engine
        )
        findings = validate(options).findings_of("shacl")
        messages[engine] = [(f.rule, f.focus, f.message) for f in findings]
    assert len(messages["pyshacl"]) == 3
    assert messages["pyshacl-turbo"] == messages["pyshacl"]
    assert any(m == "Less than 1 values on bj:acme->bjo:locatedIn" for *_, m in messages["pyshacl"])


def test_triple_term_is_refused_before_either_engine_runs(
    turtle_file: Callable[..., Path],
) -> None:
    body = 'bj:a a bjo:Person ; rdfs:label "甲"@zh, "a"@en ; ' + SOURCED + " .\n"
    path = turtle_file(body + "bj:a bjo:quote << bj:a bjo:quote bj:a >> .\n")
    for engine in ("pyshacl", "pyshacl-turbo"):
        with pytest.raises(DataFileError, match=r"RDF 1\.2 triple term"):
            run_shacl(load_input([path]), load_shapes(shapes_files(SHAPES_FOLDER)), engine)


def test_two_files_sharing_a_graph_give_the_same_findings_with_either_engine(
    tmp_path: Path,
) -> None:
    """Files outside the project with one stem share a named graph (bjaikg.store)."""
    paths = []
    for folder, body in (("a", 'bj:p a bjo:Person ; rdfs:label "甲"@zh ; '), ("b", "bj:p ")):
        (tmp_path / folder).mkdir()
        path = tmp_path / folder / "people.ttl"
        path.write_text(PROLOGUE + SOURCE + body + SOURCED + " .\n", encoding="utf-8")
        paths.append(path)
    found = {}
    for engine in ("pyshacl", "pyshacl-turbo"):
        options = ValidationOptions(
            paths=tuple(paths), checks=frozenset({"parse", "shacl"}), engine=engine
        )
        found[engine] = [(f.rule, f.focus, f.value) for f in validate(options).findings_of("shacl")]
    assert found["pyshacl"] == [("shacl.Entity-label", "<https://w3id.org/bjaikg/id/p>", "")]
    assert found["pyshacl-turbo"] == found["pyshacl"]


@pytest.fixture
def own_contexts(monkeypatch: pytest.MonkeyPatch) -> None:
    """The contexts kept start empty for the test and are put back after it: its contexts do
    not push out those of the tests after it (the project's instances)."""
    monkeypatch.setattr("bjaikg.validation.shacl._additions_by_context", {})


@pytest.mark.usefixtures("own_contexts")
def test_the_context_is_mixed_in_once_until_a_context_file_changes(tmp_path: Path) -> None:
    """The additions of an unchanged context are the same graph on a second load (no second
    conversion); a context file whose bytes changed gives new additions with its change."""
    data = tmp_path / "data.ttl"
    data.write_text(PROLOGUE + 'bj:acme a bjo:Company ; rdfs:label "a"@en .\n', encoding="utf-8")
    context = tmp_path / "context.ttl"
    context.write_text(PROLOGUE + 'bjo:Gadget a owl:Class ; rdfs:label "gadget"@en .\n',
                       encoding="utf-8")  # fmt: skip
    first = context_additions(load_input([data], [context]))
    assert context_additions(load_input([data], [context])) is first
    context.write_text(PROLOGUE + 'bjo:Gadget a owl:Class ; rdfs:label "widget"@en .\n',
                       encoding="utf-8")  # fmt: skip
    changed = context_additions(load_input([data], [context]))
    labels = {str(label) for label in changed.objects(None, RDFS.label)}
    assert "widget" in labels and "gadget" not in labels


@pytest.mark.usefixtures("own_contexts")
def test_the_contexts_used_last_are_kept(tmp_path: Path) -> None:
    """Validations that switch between contexts (with and without the project's instances)
    convert each once: the :data:`CONTEXTS_KEPT` used last are kept, the least recent is
    dropped."""
    data = tmp_path / "data.ttl"
    data.write_text(PROLOGUE + 'bj:acme a bjo:Company ; rdfs:label "a"@en .\n', encoding="utf-8")
    contexts = []
    for number in range(CONTEXTS_KEPT + 1):
        path = tmp_path / f"context-{number}.ttl"
        path.write_text(PROLOGUE + f"bjo:Gadget{number} a owl:Class .\n", encoding="utf-8")
        contexts.append([path])
    first, *others, last = contexts
    kept = context_additions(load_input([data], first))
    converted = []
    for context in others:
        converted.append(context_additions(load_input([data], context)))
        assert context_additions(load_input([data], first)) is kept  # used again: kept longest
    assert context_additions(load_input([data], others[0])) is converted[0]
    context_additions(load_input([data], last))  # drops the least recently used: others[1]
    assert context_additions(load_input([data], first)) is kept
    assert context_additions(load_input([data], others[0])) is converted[0]
    assert context_additions(load_input([data], others[1])) is not converted[1]
