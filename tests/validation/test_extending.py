"""A file that adds statements about an entity the project already states ("the Ascend 910's
process node"): the shapes see what the project states of it, and the file is told what its
own statements break, never what the project already states wrong.

A small stand-in for the project's instances (``project.ttl``) is the context here, through
:func:`~bjaikg.validation.shacl.run_shacl`; one test runs ``validate.py`` with the project's
instances (``tests/validation/test_cli.py``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bjaikg.validation.finding import Finding
from bjaikg.validation.inputs import SHAPES_FOLDER, load_input, ontology_files
from bjaikg.validation.shacl import ENGINES, load_shapes, run_shacl, shapes_files
from tests.validation.conftest import PROLOGUE, SOURCED

pytestmark = pytest.mark.slow

PROJECT = f"""
bj:project-org a bjo:Organisation ; rdfs:label "项目机构"@zh, "Project organisation"@en ;
    {SOURCED} .
bj:project-chip a bjo:AIChip ; rdfs:label "项目芯片"@zh, "Project chip"@en ;
    bjo:designedBy bj:project-org ; bjo:processNode 7.0 ; {SOURCED} .
bj:faulty-chip a bjo:AIChip ; rdfs:label "缺设计者芯片"@zh, "Chip without designer"@en ;
    {SOURCED} .
bj:project-base a bjo:Product ; rdfs:label "基础产品"@zh, "Base product"@en ; {SOURCED} .
bj:project-other a bjo:Product ; rdfs:label "其他产品"@zh, "Other product"@en ; {SOURCED} .
bj:project-version a bjo:Product ; rdfs:label "产品版本"@zh, "Product version"@en ;
    bjo:versionOf bj:project-base ; {SOURCED} .
"""
"""The project, conforming but for ``bj:faulty-chip``, which names no designer."""

BODY = PROLOGUE.count("\n") + 1
"""The line of a contribution's first subject (after the prefixes)."""


@pytest.fixture
def extended(
    turtle_file: Callable[..., Path],
) -> Callable[[str, str], list[Finding]]:
    """The shacl findings of a contribution (prefixes and ``body``) with :data:`PROJECT` as
    the context, on ``engine``."""
    project = turtle_file(PROJECT, "project.ttl")

    def findings(body: str, engine: str) -> list[Finding]:
        contribution = turtle_file(PROLOGUE + body, "contribution.ttl", raw=True)
        loaded = load_input([contribution], [*ontology_files(), project])
        return run_shacl(loaded, load_shapes(shapes_files(SHAPES_FOLDER)), engine)

    return findings


def where(findings: list[Finding]) -> list[tuple[str, str, int | None]]:
    return [(f.rule, f.file.rsplit("/", 1)[-1], f.line) for f in findings]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("typed", ["", "a bjo:AIChip ;\n    "], ids=["untyped", "typed"])
def test_a_statement_about_an_entity_the_project_states_is_checked(
    extended: Callable[[str, str], list[Finding]], engine: str, typed: str
) -> None:
    """Untyped, the statement was checked by no shape; typed again, the chip was told to add
    the designer and source the project states."""
    findings = extended(f"bj:project-chip\n    {typed}bjo:processNode 5 .\n", engine)
    line = BODY + (2 if typed else 1)  # the statement's line, after the subject's (and type's)
    assert where(findings) == [("shacl.AIChip-figure", "contribution.ttl", line)]
    assert findings[0].hint.startswith("write 5.0")


@pytest.mark.parametrize("engine", ENGINES)
def test_what_the_project_states_wrong_is_not_the_contributors_to_fix(
    extended: Callable[[str, str], list[Finding]], engine: str
) -> None:
    body = "bj:faulty-chip a bjo:AIChip ;\n    bjo:processNode 5.0 .\n"
    assert extended(body, engine) == []
    # The file's own entity without a designer is told, as before.
    new = 'bj:new-chip a bjo:AIChip ; rdfs:label "New chip"@en ; ' + SOURCED + " .\n"
    assert [f.rule for f in extended(new, engine)] == ["shacl.AIChip-designedBy"]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_statement_over_a_maximum_with_the_projects_is_reported(
    extended: Callable[[str, str], list[Finding]], engine: str
) -> None:
    """A second ``bjo:versionOf`` (at most one) and a second ``@en`` label (one per language),
    each valid alone, break the shapes together with the project's statement."""
    body = 'bj:project-version\n    bjo:versionOf bj:project-other ;\n    rdfs:label "V2"@en .\n'
    assert sorted(where(extended(body, engine))) == [
        ("shacl.Entity-label", "contribution.ttl", BODY + 2),
        ("shacl.Product-versionOf", "contribution.ttl", BODY + 1),
    ]
