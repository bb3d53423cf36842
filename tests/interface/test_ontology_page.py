"""The ontology page documents every ``bjo:`` term, not only classes and properties: each
``/ontology#Term`` link of a page lands on an entry with the term's labels and definitions."""

from __future__ import annotations

import re

import pyoxigraph as ox
from starlette.testclient import TestClient

from bjaikg.namespaces import BJ
from bjaikg.store import KnowledgeGraph

ONTOLOGY_LINK = re.compile(r'href="/ontology(?:\?lang=\w+)?#([^"]+)"')


def anchors(html: str) -> set[str]:
    """The ids of the elements of ``html``."""
    return set(re.findall(r'\sid="([^"]+)"', html))


def entry(html: str, anchor: str) -> str:
    """The HTML of the entry with id ``anchor`` (up to the end of its section)."""
    start = html.index(f'<section class="term" id="{anchor}"')
    return html[start : html.index("</section>", start)]


def test_every_ontology_link_of_a_resource_page_lands_on_an_entry(
    client: TestClient, fixture_graph: KnowledgeGraph
) -> None:
    resources = fixture_graph.query(
        f'SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{BJ}")) }}'
    )
    assert isinstance(resources, ox.QuerySolutions)
    linked: set[str] = set()
    for row in resources:
        page = client.get(f"/id/{row['s'].value[len(BJ) :]}?lang=en")
        assert page.status_code == 200
        linked |= set(ONTOLOGY_LINK.findall(page.text))
    assert {"QuantumComputing", "InnovationDistrict", "focusesOn"} <= linked
    for language in ("en", "zh"):
        assert linked - anchors(client.get(f"/ontology?lang={language}").text) == set()


def test_concepts_and_individuals_have_entries_grouped_by_scheme_or_type(
    client: TestClient,
) -> None:
    html = client.get("/ontology?lang=en").text
    quantum = entry(html, "QuantumComputing")
    assert (
        "quantum computing" in quantum
        and '<span class="other-language" lang="zh">量子计算' in quantum
    )
    assert "Computing with quantum states." in quantum
    assert '<dd lang="zh">利用量子态进行的计算。</dd>' in quantum
    assert "Broader" in quantum and 'href="/ontology?lang=en#NextGenerationComputing"' in quantum
    assert "Narrower" in entry(html, "NextGenerationComputing")
    scheme = html.split(
        '<section class="term-group" aria-labelledby="group-bjo-TechnologyScheme">'
    )[1]
    scheme = scheme.split('<section class="term-group"')[0]
    assert scheme.index('id="TechnologyScheme"') < scheme.index('id="NextGenerationComputing"')
    assert 'id="QuantumComputing"' in scheme
    qualifiers = html.split('aria-labelledby="group-bjo-Qualifier">')[1].split("</section>\n")[0]
    assert 'id="Target"' in qualifiers and "The figure is a goal." in qualifiers
    chinese = client.get("/ontology?lang=zh").text
    assert "概念与其他个体" in chinese and "上位概念" in entry(chinese, "QuantumComputing")
