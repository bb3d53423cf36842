"""Places: Beijing's sixteen districts with their codes, and containment in the right direction.

Containment between places is GeoSPARQL's geo:sfWithin (asserted, smaller within larger) with
geo:sfContains as its inverse; bjo:coreArea is a sub-property of geo:sfContains (the innovation
district contains its core) and bjo:hostDistrict one of geo:sfWithin; bjo:locatedIn, for what is
not a place, is carried up through geo:sfWithin by a property chain (docs/modelling.md).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bjaikg import PROJECT_ROOT
from bjaikg.namespaces import BJ, shorten, sparql_prologue
from bjaikg.store import KnowledgeGraph, load_knowledge_graph
from tests.graph_rows import select

# A place never lies within a place of a finer kind: the rank of the container is at most the
# rank of what it contains (a park may lie within an area or an innovation district, never a
# district within a park).
KIND_RANK = {
    "City": 0,
    "AdministrativeDistrict": 1,
    "DevelopmentZone": 1,
    "InnovationDistrict": 2,
    "Area": 2,
    "Park": 2,
    "Building": 3,
    "Facility": 3,
}


@pytest.fixture(scope="module")
def asserted() -> KnowledgeGraph:
    return load_knowledge_graph(with_inference=False)


def ask(graph: KnowledgeGraph, pattern: str) -> bool:
    return bool(graph.query(sparql_prologue() + f"ASK {{ {pattern} }}"))


# ---------------------------------------------------------------------------------------------
# The districts and the development zone
# ---------------------------------------------------------------------------------------------

DISTRICT_SLUGS = [
    "dongcheng-district",
    "xicheng-district",
    "chaoyang-district",
    "fengtai-district",
    "shijingshan-district",
    "haidian-district",
    "mentougou-district",
    "fangshan-district",
    "tongzhou-district",
    "shunyi-district",
    "changping-district",
    "daxing-district",
    "huairou-district",
    "pinggu-district",
    "miyun-district",
    "yanqing-district",
]


def test_all_sixteen_districts_are_in_beijing_with_their_codes(asserted: KnowledgeGraph) -> None:
    found = select(
        asserted,
        """SELECT ?district ?code ?zh ?en WHERE {
             ?district a bjo:AdministrativeDistrict ; bjo:divisionCode ?code ;
               geo:sfWithin bj:beijing ; rdfs:label ?zh, ?en .
             FILTER(LANG(?zh) = "zh" && LANG(?en) = "en") }""",
    )
    assert sorted(row["district"].removeprefix(BJ) for row in found) == sorted(DISTRICT_SLUGS)
    codes = [row["code"] for row in found]
    assert len(set(codes)) == 16
    assert all(re.fullmatch(r"110[0-9]{3}", code) for code in codes)
    by_slug = {row["district"].removeprefix(BJ): row for row in found}
    assert by_slug["haidian-district"]["code"] == "110108"
    assert by_slug["haidian-district"]["zh"] == "海淀区"


def test_the_development_zone_is_a_zone_not_a_district(asserted: KnowledgeGraph) -> None:
    zone = f"<{BJ}beijing-economic-technological-development-area>"
    assert ask(asserted, f"{zone} a bjo:DevelopmentZone ; geo:sfWithin bj:beijing")
    assert not ask(asserted, f"{zone} a bjo:AdministrativeDistrict")
    assert not ask(asserted, f"{zone} bjo:divisionCode ?code")
    assert ask(asserted, f'{zone} bjo:statisticalDivisionCode "110115403"')


# ---------------------------------------------------------------------------------------------
# Containment in the right direction, in the graph as inferred
# ---------------------------------------------------------------------------------------------


def test_an_innovation_district_contains_its_core_and_never_lies_within_it(
    project_graph: KnowledgeGraph,
) -> None:
    # 以五道口3公里区域为核心: 五道口 is within the Origin Community, not the reverse (the old
    # bjo:coreArea, a sub-property of bjo:locatedIn, placed the community inside 五道口).
    assert ask(project_graph, "bj:wudaokou geo:sfWithin bj:origin-community")
    wrong = select(
        project_graph,
        """SELECT ?district ?core WHERE {
             ?district bjo:coreArea ?core .
             { ?district geo:sfWithin ?core } UNION { ?district bjo:locatedIn ?core }
             UNION { ?core geo:sfContains ?district } UNION { ?core bjo:contains ?district } }""",
    )
    assert [(shorten(r["district"]), shorten(r["core"])) for r in wrong] == []


def test_no_place_lies_within_a_place_it_contains(project_graph: KnowledgeGraph) -> None:
    cycles = select(
        project_graph,
        """SELECT DISTINCT ?a ?b WHERE {
             ?a (geo:sfWithin|^geo:sfContains|bjo:locatedIn)+ ?b .
             ?b (geo:sfWithin|^geo:sfContains|bjo:locatedIn)+ ?a .
             ?a a bjo:Place . ?b a bjo:Place . FILTER(?a != ?b) }""",
    )
    assert [(shorten(r["a"]), shorten(r["b"])) for r in cycles] == []


def test_no_place_lies_within_a_place_of_a_finer_kind(project_graph: KnowledgeGraph) -> None:
    pairs = select(
        project_graph,
        """SELECT DISTINCT ?inner ?innerKind ?outer ?outerKind WHERE {
             { ?inner geo:sfWithin ?outer } UNION { ?outer geo:sfContains ?inner }
             UNION { ?inner bjo:locatedIn ?outer . ?inner a bjo:Place }
             ?inner a ?innerKind . ?outer a ?outerKind .
             FILTER(STRSTARTS(STR(?innerKind), STR(bjo:)) && STRSTARTS(STR(?outerKind), STR(bjo:)))
           }""",
    )
    rank = {f"https://w3id.org/bjaikg/ontology#{k}": v for k, v in KIND_RANK.items()}
    wrong = [
        (shorten(r["inner"]), shorten(r["outer"]))
        for r in pairs
        if r["innerKind"] in rank
        and r["outerKind"] in rank
        and rank[r["outerKind"]] > rank[r["innerKind"]]
    ]
    assert sorted(set(wrong)) == []
    assert pairs, "no containment at all: the query no longer sees the data"


def test_no_place_within_a_place_of_smaller_stated_land_area(project_graph: KnowledgeGraph) -> None:
    areas = select(
        project_graph,
        """SELECT ?inner ?innerArea ?outer ?outerArea WHERE {
             { ?inner geo:sfWithin ?outer } UNION { ?outer geo:sfContains ?inner }
             ?a1 bjo:indicator bjo:LandArea ; (sdmx-dimension:refArea|bjo:observationAbout) ?inner ;
               bjo:normalisedValue ?innerArea .
             ?a2 bjo:indicator bjo:LandArea ; (sdmx-dimension:refArea|bjo:observationAbout) ?outer ;
               bjo:normalisedValue ?outerArea . }""",
    )
    wrong = [
        (shorten(r["inner"]), shorten(r["outer"]))
        for r in areas
        if float(r["innerArea"]) > float(r["outerArea"])
    ]
    assert wrong == []


def test_every_innovation_district_lies_in_beijing_without_inference(
    asserted: KnowledgeGraph,
) -> None:
    outside = select(
        asserted,
        """SELECT ?district WHERE { ?district a bjo:InnovationDistrict .
             FILTER NOT EXISTS {
               ?district (bjo:hostDistrict|geo:sfWithin)/geo:sfWithin* bj:beijing } }""",
    )
    assert outside == []


# ---------------------------------------------------------------------------------------------
# bjo:locatedIn (organisations) carried up through geo:sfWithin
# ---------------------------------------------------------------------------------------------


def test_an_organisation_in_a_district_is_located_in_its_city(tmp_path: Path) -> None:
    data = tmp_path / "org.ttl"
    data.write_text(
        "@prefix bj: <https://w3id.org/bjaikg/id/> .\n"
        "@prefix bjo: <https://w3id.org/bjaikg/ontology#> .\n"
        "@prefix geo: <http://www.opengis.net/ont/geosparql#> .\n"
        "bj:t-city a bjo:City .\n"
        "bj:t-district a bjo:AdministrativeDistrict ; geo:sfWithin bj:t-city .\n"
        "bj:t-park a bjo:Park ; geo:sfWithin bj:t-district .\n"
        "bj:t-company a bjo:Company ; bjo:locatedIn bj:t-park .\n",
        encoding="utf-8",
    )
    graph = load_knowledge_graph([PROJECT_ROOT / "ontology", data])
    assert ask(graph, "bj:t-company bjo:locatedIn bj:t-district")
    assert ask(graph, "bj:t-company bjo:locatedIn bj:t-city")
    assert ask(graph, "bj:t-city bjo:contains bj:t-company")
    assert ask(graph, "bj:t-city geo:sfContains bj:t-district")
    # places stay out of bjo:locatedIn: it is for what is not a place
    assert not ask(graph, "bj:t-park bjo:locatedIn ?anything")
