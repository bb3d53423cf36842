"""The application `serve.py` serves (its routes but `/sparql`, which a worker answers), in-process
for tests."""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette

from bjaikg.endpoint.application import create_application
from bjaikg.endpoint.settings import Settings
from bjaikg.interface import interface_routes
from bjaikg.store import KnowledgeGraph


def application_for(graph: KnowledgeGraph, **interface_options: Path) -> Starlette:
    """The whole application on ``graph``; ``interface_options`` go to
    :func:`bjaikg.interface.interface_routes` (``query_folder``, ``node_modules`` …)."""
    return create_application(Settings(), graph, interface_routes(graph, **interface_options))
