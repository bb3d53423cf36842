"""The interface on the project's own graph and query catalogue: every resource page, the
ontology and dataset pages and every named query that needs no internet answer without error."""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from openapi_spec_validator import validate
from starlette.testclient import TestClient
from starlette.types import ASGIApp

from bjaikg import PROJECT_ROOT
from bjaikg.interface.dataset import count_web_pages
from bjaikg.interface.search import MAX_RESULTS
from bjaikg.namespaces import BJ, BJO
from bjaikg.query_catalogue import load_catalogue
from bjaikg.store import KnowledgeGraph, load_knowledge_graph
from bjaikg.versioning import release_versions

from .accessibility import accessibility_problems

pytestmark = pytest.mark.slow

GENERATED = ("instances/epoch/", "instances/headquarters/")
PER_GENERATED_CLASS = 12
"""Generated resources are rendered as a sample: the first of each class, and every one whose
labels hold Chinese (the case that needs marking); the hand-written ones all."""


def resource_slugs(graph: KnowledgeGraph) -> list[str]:
    """Every resource of the hand-written files, and a sample of each generated class."""
    result = graph.query(
        f"""SELECT ?s (SAMPLE(?class) AS ?kind) (MAX(?generated) AS ?only_generated)
                   (MAX(?chinese) AS ?has_chinese)
            WHERE {{
              GRAPH ?g {{ ?s ?p ?o }}
              FILTER(STRSTARTS(STR(?s), "{BJ}"))
              BIND(REGEX(STR(?g), "{"|".join(GENERATED)}") AS ?generated)
              OPTIONAL {{ ?s a ?class }}
              OPTIONAL {{ ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label
                          BIND(REGEX(?label, "[\\u4e00-\\u9fff]") AS ?chinese) }}
            }} GROUP BY ?s ORDER BY ?s"""
    )
    assert isinstance(result, ox.QuerySolutions)
    slugs, sampled = [], Counter[str]()
    for row in result:
        slug = row["s"].value[len(BJ) :]
        generated = row["only_generated"].value == "true"
        kind = row["kind"].value if row["kind"] else ""
        if generated and not (row["has_chinese"] and row["has_chinese"].value == "true"):
            sampled[kind] += 1
            if sampled[kind] > PER_GENERATED_CLASS:
                continue
        slugs.append(slug)
    return slugs


def test_every_resource_page_renders(
    project_graph: KnowledgeGraph, project_client: TestClient
) -> None:
    slugs = resource_slugs(project_graph)
    assert len(slugs) > 20
    failures = asyncio.run(resource_page_failures(project_client.app, slugs))
    assert failures == []


async def resource_page_failures(application: ASGIApp, slugs: list[str]) -> list[str]:
    """What is wrong with each slug's pages (English, Chinese, Turtle). Asked of the
    application in this thread: the test client's hop to its own thread for every request
    doubled this test's time."""
    failures = []
    transport = httpx.ASGITransport(app=application)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        for slug in slugs:
            for language in ("en", "zh"):
                answer = await client.get(f"/id/{slug}?lang={language}")
                if answer.status_code != 200 or "<h1" not in answer.text:
                    failures.append(f"{slug} ({language}): {answer.status_code}")
                problems = accessibility_problems(answer.text, language)
                failures += [f"{slug} ({language}): {problem}" for problem in problems]
            turtle = await client.get(f"/id/{slug}.ttl")
            ox.parse(turtle.content, format=ox.RdfFormat.TURTLE)
    return failures


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("path", ["/", "/ontology", "/dataset", "/api"])
def test_other_pages_render_accessibly(
    project_client: TestClient, path: str, language: str
) -> None:
    answer = project_client.get(f"{path}?lang={language}")
    assert answer.status_code == 200
    assert accessibility_problems(answer.text, language) == []


def test_every_offline_named_query_answers(project_client: TestClient) -> None:
    offline = [query.name for query in load_catalogue() if not query.needs_network]
    assert offline, "the catalogue has no query that runs offline"
    for name in offline:
        answer = project_client.get(f"/api/queries/{name}")
        assert answer.status_code == 200, f"{name}: {answer.text}"
        assert "results" in answer.json() or "boolean" in answer.json()


def test_a_whole_number_parameter_takes_whole_numbers_only(project_client: TestClient) -> None:
    path = "/api/queries/sourced-from-paragraph"
    byline = project_client.get(path, params={"paragraph": "44", "format": "csv"})
    assert byline.status_code == 200 and byline.text.count("\n") > 1
    refused = project_client.get(path, params={"paragraph": "abc"})
    assert refused.status_code == 400 and "'abc' is not a whole number" in refused.text
    document = project_client.get("/openapi.json").json()
    parameter = document["paths"][path]["get"]["parameters"][0]
    assert (parameter["name"], parameter["schema"]) == (
        "paragraph",
        {"type": "integer", "default": 17},
    )


def test_the_dataset_page_lists_the_newest_releases_graph_files_only(
    project_client: TestClient,
) -> None:
    page = project_client.get("/dataset").text
    *older, newest = [path.name for _, path in release_versions(PROJECT_ROOT / "releases")]
    assert f"/releases/{newest}/graphs/" in page
    assert not [version for version in older if f"/releases/{version}/graphs/" in page]
    assert all(f"/releases/{version}/SHA256SUMS" in page for version in [*older, newest])


def test_each_release_on_the_dataset_page_names_its_ontology_version_iri(
    project_client: TestClient,
) -> None:
    """w3id redirects an ``owl:versionIRI`` to its release's section of the dataset page, which
    names that IRI as the release's own ontology file states it."""
    page = project_client.get("/dataset").text
    for _, folder in release_versions(PROJECT_ROOT / "releases"):
        core = (folder / "graphs" / "ontology" / "core.ttl").read_text(encoding="utf-8")
        [version_iri] = re.findall(r"owl:versionIRI <([^>]+)>", core)
        section = page.split(f'id="release-{folder.name}"')[1].split('<section class="release"')[0]
        assert f"<code>{version_iri}</code>" in section


def test_search_finds_a_district_of_the_article(project_client: TestClient) -> None:
    hits = project_client.get("/search", params={"q": "原点社区", "format": "json"}).json()["hits"]
    assert hits[0]["address"] == "/id/origin-community"
    assert hits[0]["match"] == "exact"


def test_the_search_answer_varies_with_the_language_of_its_labels(
    project_client: TestClient,
) -> None:
    answer = project_client.get("/search", params={"q": "北京", "format": "json"})
    assert "Accept-Language" in answer.headers["vary"]


def test_search_says_how_many_of_how_many_it_shows(project_client: TestClient) -> None:
    answer = project_client.get("/search", params={"q": "北京", "format": "json"}).json()
    assert len(answer["hits"]) == MAX_RESULTS < answer["total"]
    html = project_client.get("/search", params={"q": "北京", "lang": "en"}).text
    assert f"{answer['total']} found; showing the first {MAX_RESULTS}." in html


def test_search_lists_no_shape_and_links_only_to_this_server(project_client: TestClient) -> None:
    hits = project_client.get("/search", params={"q": "chip", "format": "json"}).json()["hits"]
    assert any(hit["address"] == "/ontology#ChipFamily" for hit in hits)
    assert [hit["iri"] for hit in hits if not hit["address"].startswith("/")] == []


def test_openapi_document_of_the_project_is_valid(project_client: TestClient) -> None:
    document = project_client.get("/openapi.json").json()
    validate(document)
    for query in load_catalogue():
        assert f"/api/queries/{query.name}" in document["paths"]


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("GLM-4", "glm-4"),  # a model of Epoch AI's table, by its English name
        ("Ascend 910B", "huawei-ascend-910b"),  # a chip
        ("昇腾", "ascend-910"),  # a chip whose source name carries Chinese
        ("寒武纪", "cambricon-ai-chips"),  # the article's chip family
        ("百度", "baidu"),  # an organisation the mapping names in Chinese
    ],
)
def test_search_finds_models_chips_and_organisations(
    project_client: TestClient, text: str, slug: str
) -> None:
    answer = project_client.get("/search", params={"q": text, "format": "json"})
    assert answer.status_code == 200
    assert f"{BJ}{slug}" in {hit["iri"] for hit in answer.json()["hits"]}


def test_a_quote_is_shown_with_the_page_it_comes_from(project_client: TestClient) -> None:
    html = project_client.get(
        "/id/beijing-academy-of-artificial-intelligence-headquarters-haidian-district?lang=en"
    ).text
    sources = html.split('<ul class="source-lines">', 1)[1].split("</ul>", 1)[0]
    items = sources.split("<li>")[1:]
    github = next(item for item in items if "https://github.com/BAAI-WuDao" in item)
    report = next(item for item in items if "bs178.com" in item)
    assert '<blockquote lang="zh">北京市海淀区成府路150号</blockquote>' in github
    assert "位于海淀区" not in github and "位于海淀区" in report
    assert "prov:qualifiedDerivation" not in html and "qualified derivation" not in html


def test_a_source_stated_in_two_files_is_listed_once(project_client: TestClient) -> None:
    # instances/organisations.ttl and instances/source-doubts.ttl both cite the report
    html = project_client.get("/id/zhongguancun-academy?lang=en").text
    sources = html.split('<ul class="source-lines">', 1)[1].split("</ul>", 1)[0]
    assert sources.count('href="/id/page-ce734d5fc371') == 1
    assert sources.count("一所打破传统教育边界的新型机构") == 1  # and its quote once


def test_every_ontology_term_of_the_graph_has_an_entry_on_the_ontology_page(
    project_graph: KnowledgeGraph, project_client: TestClient
) -> None:
    """Every ``bjo:`` IRI the graph mentions (so any ``/ontology#Term`` link a page makes) has
    an element with its anchor on ``/ontology``: SKOS concepts, qualifiers, roles … too."""
    result = project_graph.query(
        f"""SELECT DISTINCT ?term WHERE {{
              {{ ?term ?p ?o }} UNION {{ ?s ?term ?o }} UNION {{ ?s ?p ?term }}
              FILTER(isIRI(?term) && STRSTARTS(STR(?term), "{BJO}"))
            }}"""
    )
    assert isinstance(result, ox.QuerySolutions)
    terms = {row["term"].value[len(BJO) :] for row in result}
    assert {"AIAgents", "Target", "CoBuilder", "ActionPlanDocument"} <= terms
    for language in ("en", "zh"):
        html = project_client.get(f"/ontology?lang={language}").text
        assert terms - set(re.findall(r'\sid="([^"]+)"', html)) == set(), language


def test_a_large_double_reads_in_scientific_notation_with_its_literal_kept(
    project_client: TestClient,
) -> None:
    page = project_client.get("/id/yi-1-5-34b", headers={"Accept": "text/html"}).text
    assert '<span title="734400000000000000000000">7.344 × 10²³</span>' in page


def test_a_large_decimal_reads_with_grouped_digits_and_its_literal_kept(
    project_client: TestClient,
) -> None:
    """R5's finding 13, session 38: "normalised value 450000000000" had to be counted."""
    for language in ("en", "zh"):
        page = project_client.get(f"/id/beijing-ai-core-industry-scale-2025?lang={language}").text
        assert '<span title="450000000000">450,000,000,000</span>' in page, language
        assert '<span title="100000000">100,000,000</span>' in page, language  # the multiplier
    dataset = project_client.get("/dataset").text  # and the page's own counts ("28079" before)
    total = re.search(r"<th scope=\"row\">Triples[^<]*</th><td>([^<]+)</td>", dataset)
    assert total is not None and re.fullmatch(r"[1-9][0-9]{0,2}(,[0-9]{3})+", total[1]), total


def test_the_web_pages_counted_are_those_cited(tmp_path: Path) -> None:
    page = 'a bjo:WebPage ; schema:url <https://example.org/{0}> ; dcterms:title "{0}"@en .'
    (tmp_path / "data.ttl").write_text(
        "PREFIX bj: <https://w3id.org/bjaikg/id/>\nPREFIX bjo: <https://w3id.org/bjaikg/ontology#>\n"
        "PREFIX dcterms: <http://purl.org/dc/terms/>\nPREFIX owl: <http://www.w3.org/2002/07/owl#>\n"
        "PREFIX prov: <http://www.w3.org/ns/prov#>\nPREFIX schema: <https://schema.org/>\n"
        + "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        + "".join(
            f"bj:{name} {page.format(name)}\n"
            for name in ("cited", "paired", "old", "none", "seen")
        )
        + "bj:a prov:wasDerivedFrom bj:cited .\n"
        + "bj:d rdfs:seeAlso bj:seen .\n"
        + "bj:b prov:qualifiedDerivation [ prov:entity bj:paired ] .\n"
        + "bj:c owl:deprecated true ; prov:wasDerivedFrom bj:old .\n",
        encoding="utf-8",
    )
    assert count_web_pages(load_knowledge_graph([tmp_path / "data.ttl"])) == 3


def test_an_english_label_on_a_chinese_page_says_it_is_english(project_client: TestClient) -> None:
    page = project_client.get("/id/huawei-ascend-910b?lang=zh").text
    assert '<h1 lang="en">Huawei Ascend 910B</h1>' in page
    hits = project_client.get("/search", params={"q": "Huawei Ascend 910B", "lang": "zh"}).text
    assert 'href="/id/huawei-ascend-910b?lang=zh" lang="en">Huawei Ascend 910B</a>' in hits


def test_the_openapi_document_describes_the_parameters_each_route_takes(
    project_client: TestClient,
) -> None:
    document = project_client.get("/openapi.json").json()
    validate(document)
    sparql = document["paths"]["/sparql"]
    names = {p.get("name") or p["$ref"].rsplit("/", 1)[-1] for p in sparql["get"]["parameters"]}
    assert {"query", "default-graph-uri", "named-graph-uri", "Timeout", "Format"} <= names
    assert not sparql["get"]["parameters"][0]["required"]  # without a query: the description
    form = sparql["post"]["requestBody"]["content"]["application/x-www-form-urlencoded"]
    assert set(form["schema"]["properties"]) >= {"query", "named-graph-uri", "format", "timeout"}
    formats = document["components"]["parameters"]["ResultsFormat"]["schema"]["enum"]
    for value in formats:  # every format a named query's document offers is answered
        answer = project_client.get("/api/queries/instances-per-class", params={"format": value})
        assert answer.status_code == 200, value
    search = {p["name"] for p in document["paths"]["/search"]["get"]["parameters"]}
    assert "format" in search


def test_the_api_page_in_chinese_gives_every_operation_a_chinese_summary(
    project_client: TestClient,
) -> None:
    page = project_client.get("/api?lang=zh").text
    assert "<strong>SPARQL 1.1 协议查询（GET）</strong>" in page
    document = project_client.get("/openapi.json").json()
    for path, item in document["paths"].items():
        if not path.startswith("/api/queries/"):
            assert all("x-summary-zh" in details for details in item.values()), path


def test_a_sources_rights_are_given_in_the_page_language(project_client: TestClient) -> None:
    assert "新闻报道：可引用并注明出处" in project_client.get("/dataset?lang=zh").text
    assert "News article: quote and cite" in project_client.get("/dataset?lang=en").text


def test_the_ontology_rdf_describes_every_blank_node_it_names(project_client: TestClient) -> None:
    """Class unions, property chains and the disjointness axiom are blank nodes of the
    ontology's files: the ontology's RDF carries them (it had left 25 undescribed)."""
    answer = project_client.get("/ontology", headers={"Accept": "application/n-triples"})
    triples = list(ox.parse(answer.content, format=ox.RdfFormat.N_TRIPLES))
    described = {triple.subject for triple in triples}
    named = {triple.object for triple in triples if isinstance(triple.object, ox.BlankNode)}
    assert named and named <= described
    disjoint = ox.NamedNode("http://www.w3.org/2002/07/owl#AllDisjointClasses")
    assert any(triple.object == disjoint for triple in triples)
    shapes = "http://www.w3.org/ns/shacl#"
    assert not any(triple.predicate.value.startswith(shapes) for triple in triples)


def test_the_dataset_page_cites_the_release_of_the_served_version(
    project_client: TestClient, project_graph: KnowledgeGraph
) -> None:
    """The citation README, CITATION.cff and the release's void.ttl give (it had no year, the
    unversioned URL and the address of the server that drew the page)."""
    answer = project_graph.query(
        "SELECT ?version WHERE { ?o a <http://www.w3.org/2002/07/owl#Ontology> ; "
        "<http://www.w3.org/2002/07/owl#versionInfo> ?version }"
    )
    assert isinstance(answer, ox.QuerySolutions)
    [row] = list(answer)
    version = row[0].value
    released = {path.name for _, path in release_versions(PROJECT_ROOT / "releases")}
    html = project_client.get("/dataset?lang=en").text
    cited = html.split('class="citation">', 1)[1].split("</p>", 1)[0]
    assert "Served at" not in cited and "[Data set]" in cited
    if version in released:
        assert cited.endswith(
            f"version {version} [Data set]. https://w3id.org/bjaikg/releases/{version}"
        )
        assert (
            f"url = {{https://w3id.org/bjaikg/releases/{version}}}" in html and "year = {" in html
        )
    else:
        assert "(unreleased)" in cited


def test_a_page_with_inferred_values_says_where_they_come_from(project_client: TestClient) -> None:
    # Kimi's developer is Moonshot AI's statement (bj:moonshot-ai bjo:developed bj:kimi), from
    # a page Kimi's own sources do not list (a researcher's review R8, finding 7)
    for language, marker in (("en", "Referenced by"), ("zh", "被引用")):
        html = project_client.get(f"/id/kimi?lang={language}").text
        properties = html.split('id="properties-heading"', 1)[1].split("</section>", 1)[0]
        note = properties.split('<p class="hint" role="note">', 1)[1].split("</p>", 1)[0]
        assert marker in note
        incoming = html.split('id="incoming-heading"', 1)[1].split("</section>", 1)[0]
        assert "/id/moonshot-ai" in incoming and "/ontology#developed" in incoming
    glm = project_client.get("/id/glm-4?lang=en").text  # nothing inferred among its values
    assert 'class="tag inferred"' not in glm and "not stated of this resource" not in glm


def test_a_link_s_evidence_is_its_statement_with_the_page_and_its_words(
    project_client: TestClient,
) -> None:
    # the entity lists its link statements among the relations to it, as a product its chip
    # support statements; each statement's page shows the page it rests on with the quote
    html = project_client.get("/id/baidu?lang=en").text
    statement = "link-baidu-wikidata-q14772-page-"
    assert f'href="/id/{statement}' in html and ">linked entity</a>" in html
    address = html.split(f'href="/id/{statement}', 1)[1].split('"', 1)[0]
    page = project_client.get(f"/id/{statement}{address}").text
    sources = page.split('<ul class="source-lines">', 1)[1].split("</ul>", 1)[0]
    assert "folder_to_push/03vs3wt56.ttl [ror-community/ror-records]" in sources
    assert "schema:sameAs &lt;http://www.wikidata.org/entity/Q14772&gt;" in page
    assert "Wikidata Q14772" in page or "Q14772" in page
