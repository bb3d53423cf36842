"""Shared pytest set-up: tests that need the public internet are deselected unless asked for;
the project graph and its answers to the named queries, loaded and computed once per session
for the tests that only read them."""

from __future__ import annotations

import pytest

from bjaikg.store import KnowledgeGraph, load_knowledge_graph
from tests.competency import DefaultAnswers


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--run-network",
        action="store_true",
        help="also run tests marked 'network' (they reach public endpoints)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--run-network"):
        return
    deselected = [item for item in items if "network" in item.keywords]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if "network" not in item.keywords]


@pytest.fixture(scope="session")
def project_graph() -> KnowledgeGraph:
    """The project's own ontology and instances with the inferred triples (never changed by
    the tests)."""
    return load_knowledge_graph()


@pytest.fixture(scope="session")
def default_answers(project_graph: KnowledgeGraph) -> DefaultAnswers:
    """The project graph's answer to each named query with its defaults, computed once: the
    competency tests and the store tests compare with the same answers."""
    return DefaultAnswers(project_graph)
