"""Session fixtures: Virtuoso and an Oxigraph server on loopback, each holding the working tree.

``virtuoso_store`` is loaded with Virtuoso's bulk loader, ``oxigraph_store`` with ``oxigraph
load`` before its server starts; both yield a :class:`tests.stores.servers.StoreServer` (query
URL, Graph Store URL, credentials, and ``target()`` for :func:`bjaikg.loading.load_dataset`).
Counts are checked by the loader, so a fixture that starts has every graph in full.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bjaikg.loading import Dataset, Target, load_dataset, read_dataset
from tests.stores.servers import StoreServer, running_oxigraph, running_virtuoso

STORE_QUERY_SECONDS = 60
"""Virtuoso's own query time limit (seconds) in the session fixture."""
OXIGRAPH_QUERY_SECONDS = 60
"""The Oxigraph server's own query time limit (seconds) in the session fixture, for the
competency questions asked directly (test_store_answers.py) and through ``serve.py --store``
(test_serve_store.py): far above what any takes (the slowest about 0.15 s, bench/QUERIES.md),
so that a query gone wrong fails within a minute, as on Virtuoso."""


@pytest.fixture(scope="session")
def working_tree() -> Dataset:
    """The working tree's named graphs with inference, as ``load`` sends them."""
    return read_dataset()


@pytest.fixture(scope="session")
def virtuoso_store(
    tmp_path_factory: pytest.TempPathFactory, working_tree: Dataset
) -> Iterator[StoreServer]:
    """Virtuoso 7 (Debian) holding the working tree, loaded by its bulk loader, then restarted:
    the server that created the database and loaded it answers property paths wrongly until
    it restarts (docs/deployment.md#virtuoso)."""
    folder = tmp_path_factory.mktemp("virtuoso")
    with running_virtuoso(folder, query_seconds=STORE_QUERY_SECONDS) as store:
        load_dataset(working_tree, "virtuoso", store.target(), replace=False)
    with running_virtuoso(folder, query_seconds=STORE_QUERY_SECONDS) as store:
        yield store


@pytest.fixture(scope="session")
def oxigraph_store(
    tmp_path_factory: pytest.TempPathFactory, working_tree: Dataset
) -> Iterator[StoreServer]:
    """The Oxigraph server (PyPI) holding the working tree, loaded by ``oxigraph load``."""
    folder: Path = tmp_path_factory.mktemp("oxigraph") / "store"
    load_dataset(working_tree, "oxigraph", Target(location=folder), replace=False)
    with running_oxigraph(folder, timeout_seconds=OXIGRAPH_QUERY_SECONDS) as store:
        yield store
