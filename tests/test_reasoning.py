"""OWL consistency with HermiT (bjaikg.reasoning) on small inline graphs; the project graph
under HermiT is tests/validation/test_project.py's."""

from __future__ import annotations

from pathlib import Path

import owlready2
import pytest

from bjaikg import PROJECT_ROOT
from bjaikg.errors import DataFileError
from bjaikg.namespaces import BJ
from bjaikg.reasoning import check_consistency, to_ntriples
from bjaikg.store import KnowledgeGraph, load_knowledge_graph
from tests.graph_rows import select

ONTOLOGY = PROJECT_ROOT / "ontology"
PREFIXES = """
@prefix bj: <https://w3id.org/bjaikg/id/> .
@prefix bjo: <https://w3id.org/bjaikg/ontology#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def write(folder: Path, text: str) -> Path:
    path = folder / "data.ttl"
    path.write_text(PREFIXES + text, encoding="utf-8")
    return path


@pytest.mark.java
def test_individual_of_two_disjoint_classes_is_inconsistent(tmp_path: Path) -> None:
    data = write(tmp_path, "bj:thing a bjo:City, bjo:Company .")
    result = check_consistency([ONTOLOGY, data])
    assert result.status == "inconsistent"
    assert not result.consistent
    assert "disjoint" in result.explanation


@pytest.mark.java
def test_range_clash_is_inconsistent(tmp_path: Path) -> None:
    # bjo:developedBy ranges over organisations; a city cannot be one.
    data = write(tmp_path, "bj:tool a bjo:AIApplication ; bjo:developedBy bj:town .\n"
                           "bj:town a bjo:City .")  # fmt: skip
    assert check_consistency([ONTOLOGY, data]).status == "inconsistent"


@pytest.mark.java
def test_unsatisfiable_class_is_named(tmp_path: Path) -> None:
    data = write(tmp_path, "bjo:CityCompany a owl:Class ; rdfs:subClassOf bjo:City, bjo:Company .")
    result = check_consistency([ONTOLOGY, data])
    assert result.status == "consistent"
    assert result.unsatisfiable_classes == ["https://w3id.org/bjaikg/ontology#CityCompany"]
    assert not result.consistent


@pytest.mark.java
def test_dates_and_years_do_not_break_the_reasoner(tmp_path: Path) -> None:
    data = write(
        tmp_path,
        'bj:meeting a bjo:Meeting ; <https://schema.org/startDate> "2026-01-05"^^xsd:date .\n'
        'bj:figure a bjo:Observation ; bjo:period "2025"^^xsd:gYear ;'
        ' bjo:statedValue "4500"^^xsd:decimal .',
    )
    assert check_consistency([ONTOLOGY, data]).consistent


def test_without_java_the_check_is_not_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(owlready2, "JAVA_EXE", "no-such-java-runtime")
    result = check_consistency([ONTOLOGY])
    assert result.status == "not run"
    assert "Java" in result.explanation
    assert not result.consistent


def test_bad_turtle_names_file_and_line(tmp_path: Path) -> None:
    data = write(tmp_path, "bj:broken a bjo:City ;\n  rdfs:label .")
    with pytest.raises(DataFileError) as raised:
        check_consistency([ONTOLOGY, data])
    assert raised.value.path == data
    assert raised.value.line is not None


def test_owl_imports_are_left_out_so_nothing_is_downloaded(tmp_path: Path) -> None:
    data = tmp_path / "imports.ttl"
    data.write_text(
        "<https://example.org/data> a <http://www.w3.org/2002/07/owl#Ontology> ;\n"
        "    <http://www.w3.org/2002/07/owl#imports> <http://www.w3.org/ns/org#> .\n",
        encoding="utf-8",
    )
    text = to_ntriples([data]).decode("utf-8")
    assert "owl#Ontology" in text and "owl#imports" not in text


# PROV-O's own axioms on the PROV terms every sourced node uses, copied from W3C's prov-o.ttl
# (w3c/ns, commit d4da85343ea0d65dd7b61af8860c3de53a45bf92): ":Activity … owl:disjointWith
# :Entity", ":wasDerivedFrom … rdfs:domain :Entity ; … rdfs:range :Entity",
# ":qualifiedDerivation … rdfs:domain :Entity". ontology/external.ttl states the first only.
PROV_O_AXIOMS = """
@prefix prov: <http://www.w3.org/ns/prov#> .
prov:Activity owl:disjointWith prov:Entity .
prov:wasDerivedFrom rdfs:domain prov:Entity ; rdfs:range prov:Entity .
prov:qualifiedDerivation rdfs:domain prov:Entity .
"""


@pytest.mark.java
@pytest.mark.parametrize(
    "kind", ["bjo:Meeting", "bjo:Competition", "bjo:Initiative", "bjo:PolicyIssuance"]
)
def test_a_sourced_event_initiative_or_issuance_agrees_with_prov_o(
    kind: str, tmp_path: Path
) -> None:
    # Until 1.27.1 these classes were prov:Activity, yet each node is described as taken from a
    # source (prov:wasDerivedFrom, bjo:paragraph): a prov:Entity by PROV-O's own domain, and
    # PROV-O makes the two disjoint (an ontologist's review, 2026-12-07, finding 1).
    data = write(
        tmp_path,
        PROV_O_AXIOMS + f"bj:node a {kind} ; bjo:paragraph 3 ;\n"
        "    <http://www.w3.org/ns/prov#wasDerivedFrom> bj:source .\n"
        "bj:source a bjo:SourceDocument .",
    )
    assert check_consistency([ONTOLOGY, data]).consistent


@pytest.mark.java
def test_the_ontology_keeps_prov_o_s_activity_and_entity_apart(tmp_path: Path) -> None:
    # external.ttl copies PROV-O's disjointness, so HermiT finds an activity described as a
    # sourced entity (bjo:paragraph has the domain prov:Entity).
    data = write(
        tmp_path,
        "bj:happening a <http://www.w3.org/ns/prov#Activity> ; bjo:paragraph 3 .",
    )
    assert check_consistency([ONTOLOGY, data]).status == "inconsistent"


@pytest.mark.java
def test_a_chip_family_has_a_designer_without_becoming_a_chip(tmp_path: Path) -> None:
    # bjo:designedBy's domain is AIChip ∪ ChipFamily (the shapes require a family's designer),
    # and a family is no chip: with the domain AIChip only, every family was inferred an AI
    # chip (an ontologist's review, 2026-12-07, findings 2 and 6).
    family = "bj:family a bjo:ChipFamily ; bjo:designedBy bj:designer .\n"
    designer = "bj:designer a bjo:Company .\n"
    assert check_consistency([ONTOLOGY, write(tmp_path, family + designer)]).consistent
    as_a_chip = family + designer + "bj:family a bjo:AIChip ."
    assert check_consistency([ONTOLOGY, write(tmp_path, as_a_chip)]).status == "inconsistent"


@pytest.mark.java
@pytest.mark.parametrize(
    "types",
    [
        "bjo:Policy, bjo:PolicyIssuance",
        "bjo:AIChip, bjo:ChipSupport",
        "bjo:AIChip, bjo:ChipGenerationStatement",
        "bjo:Company, bjo:LinkStatement",
    ],
)
def test_a_thing_typed_as_a_statement_about_it_is_inconsistent(tmp_path: Path, types: str) -> None:
    data = write(tmp_path, f"bj:thing a {types} .")
    assert check_consistency([ONTOLOGY, data]).status == "inconsistent"


def test_an_organisation_has_every_site_that_is_a_site_of_it(tmp_path: Path) -> None:
    # ORG (w3c/ns org.ttl, commit 05f39add…): "org:hasSite owl:inverseOf org:siteOf"; the data
    # states org:siteOf (with org:hasPrimarySite beside it), so ORG's general question "which
    # sites does X have?" found 1 of 218 sites (an ontologist's review, 2026-12-07, finding 4).
    data = write(
        tmp_path,
        "@prefix org: <http://www.w3.org/ns/org#> .\n"
        "bj:firm a bjo:Company ; org:hasPrimarySite bj:seat .\n"
        "bj:seat a org:Site ; org:siteOf bj:firm .\n"
        "bj:campus a org:Site .\n"
        "bj:firm org:hasSite bj:campus .",
    )
    graph = load_knowledge_graph([ONTOLOGY, data])
    assert select(graph, "SELECT ?site WHERE { bj:firm org:hasSite ?site } ORDER BY ?site") == [
        {"site": str(BJ["campus"])},
        {"site": str(BJ["seat"])},
    ]
    assert select(graph, "SELECT ?firm WHERE { bj:campus org:siteOf ?firm }") == [
        {"firm": str(BJ["firm"])}
    ]


def test_every_site_of_an_organisation_of_the_project_is_one_of_its_sites(
    project_graph: KnowledgeGraph,
) -> None:
    count = "SELECT (COUNT(*) AS ?n) WHERE {{ ?organisation org:{} ?site }}"
    [[has_site], [site_of]] = [
        [row["n"] for row in select(project_graph, count.format(p))] for p in ("hasSite", "siteOf")
    ]
    assert has_site == site_of and int(has_site) > 200
