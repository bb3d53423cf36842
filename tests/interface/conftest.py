"""The application in-process, on the small fixture graph and fixture queries of data/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from bjaikg.store import KnowledgeGraph, load_knowledge_graph
from tests.application import application_for

DATA = Path(__file__).resolve().parent / "data"
QUERIES = DATA / "queries"


@pytest.fixture(scope="session")
def fixture_graph() -> KnowledgeGraph:
    """The fixture ontology and instances, loaded once (never mutated by the tests)."""
    return load_knowledge_graph(
        [DATA / "ontology.ttl", DATA / "instances.ttl", DATA / "generated.ttl"]
    )


@pytest.fixture(scope="session")
def client(fixture_graph: KnowledgeGraph) -> Iterator[TestClient]:
    """A client of the application on the fixture graph and the fixture queries."""
    with TestClient(application_for(fixture_graph, query_folder=QUERIES)) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def project_client(project_graph: KnowledgeGraph) -> Iterator[TestClient]:
    """A client of the application on the project graph and the project's queries."""
    with TestClient(application_for(project_graph)) as test_client:
        yield test_client
