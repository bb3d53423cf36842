"""A small git repository of graph data, for the release and diff tests (real git, real files)."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

PREFIXES = """\
@prefix bj: <https://w3id.org/bjaikg/id/> .
@prefix bjo: <https://w3id.org/bjaikg/ontology#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""

ONTOLOGY = (
    PREFIXES
    + """
<https://w3id.org/bjaikg/ontology> a owl:Ontology ;
    owl:versionInfo "{version}" ;
    owl:versionIRI <https://w3id.org/bjaikg/ontology/{version}> .
bjo:Company a owl:Class ; rdfs:label "company"@en, "公司"@zh .
bjo:Organisation a owl:Class ; rdfs:label "organisation"@en, "机构"@zh .
bjo:Company rdfs:subClassOf bjo:Organisation .
"""
)

INSTANCES = (
    PREFIXES
    + """
bj:source-a a bjo:SourceDocument ; rdfs:label "来源甲"@zh, "Source A"@en ;
    schema:datePublished "2026-01-05"^^xsd:date ;
    <http://www.w3.org/ns/dcat#distribution> bj:snapshot-a .
bj:snapshot-a <http://spdx.org/rdf/terms#checksum> [
    <http://spdx.org/rdf/terms#checksumValue> "ab"^^xsd:hexBinary ] .
bj:acme a bjo:Company ; rdfs:label "艾克米"@zh, "Acme"@en ;
    bjo:locatedIn bj:haidian ; bjo:employees 100 ;
    bjo:range [ bjo:minimum 1 ; bjo:maximum 2 ] ;
    prov:wasDerivedFrom bj:source-a .
bj:globex a bjo:Company ; rdfs:label "环球"@zh, "Globex"@en ; prov:wasDerivedFrom bj:source-a .
bj:haidian rdfs:label "海淀"@zh, "Haidian"@en .
bj:chaoyang rdfs:label "朝阳"@zh, "Chaoyang"@en .
"""
)

ENVIRONMENT = {
    **os.environ,
    "GIT_AUTHOR_NAME": "test",
    "GIT_AUTHOR_EMAIL": "test@example.org",
    "GIT_COMMITTER_NAME": "test",
    "GIT_COMMITTER_EMAIL": "test@example.org",
    "GIT_AUTHOR_DATE": "2026-12-01T10:00:00+00:00",
    "GIT_COMMITTER_DATE": "2026-12-01T10:00:00+00:00",
}


@dataclass
class DataRepository:
    """A git repository with ``ontology/core.ttl`` and ``instances/data.ttl``."""

    root: Path

    def git(self, *arguments: str) -> str:
        done = subprocess.run(
            ["git", *arguments],
            cwd=self.root,
            env=ENVIRONMENT,
            check=True,
            capture_output=True,
            text=True,
        )
        return done.stdout.strip()

    def commit(self, instances: str, *, version: str, message: str = "data") -> str:
        """Write the two files and commit them; returns the commit id."""
        (self.root / "ontology").mkdir(exist_ok=True)
        (self.root / "instances").mkdir(exist_ok=True)
        core = ONTOLOGY.replace("{version}", version)
        (self.root / "ontology" / "core.ttl").write_text(core, encoding="utf-8")
        (self.root / "instances" / "data.ttl").write_text(instances, encoding="utf-8")
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)
        return self.git("rev-parse", "HEAD")


@pytest.fixture
def data_repository(tmp_path: Path) -> DataRepository:
    """An empty git repository in a temporary folder."""
    root = tmp_path / "repository"
    root.mkdir()
    repository = DataRepository(root)
    repository.git("init", "-q")
    return repository
