"""The page of a deprecated IRI says that it is deprecated and what replaced it."""

from __future__ import annotations

from pathlib import Path

from starlette.testclient import TestClient

from bjaikg.store import load_knowledge_graph
from tests.application import application_for

DATA = """\
@prefix bj: <https://w3id.org/bjaikg/id/> .
@prefix bjo: <https://w3id.org/bjaikg/ontology#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
bj:old-name owl:deprecated true ; dcterms:isReplacedBy bj:new-name ;
    rdfs:label "旧名"@zh, "old name"@en .
bj:new-name a bjo:Organisation ; rdfs:label "新名"@zh, "new name"@en .
"""


def test_deprecated_page_names_its_replacement(tmp_path: Path) -> None:
    path = tmp_path / "deprecated.ttl"
    path.write_text(DATA, encoding="utf-8")
    graph = load_knowledge_graph([path])
    application = application_for(graph, query_folder=tmp_path)
    with TestClient(application) as client:
        old = client.get("/id/old-name?lang=en")
        new = client.get("/id/new-name?lang=en")
    assert old.status_code == 200
    assert 'class="deprecated"' in old.text
    assert "This IRI is deprecated." in old.text
    assert 'href="/id/new-name?lang=en"' in old.text.split('class="deprecated"', 1)[1]
    assert 'class="deprecated"' not in new.text
