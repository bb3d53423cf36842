"""The interface inside the real ``serve.py`` (project graph, 127.0.0.1): named queries go
through the endpoint's worker processes and deadline; pages and data are reachable over HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pyoxigraph as ox
import pytest

from bjaikg.query_catalogue import load_catalogue
from tests.server_process import ServerProcess, running_server

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def server() -> Iterator[ServerProcess]:
    with running_server("--workers", "2", "--timeout", "10") as process:
        yield process


def test_named_queries_run_through_the_endpoint(server: ServerProcess) -> None:
    offline = [query.name for query in load_catalogue() if not query.needs_network]
    with httpx.Client(base_url=server.url, timeout=30) as client:
        for name in offline:
            answer = client.get(f"/api/queries/{name}", headers={"Accept": "text/csv"})
            assert answer.status_code == 200, f"{name}: {answer.text}"
            assert answer.headers["content-type"].startswith("text/csv")
        refused = client.get(f"/api/queries/{offline[0]}", params={"nonsense": "1"})
        assert refused.status_code == 400


def test_pages_and_resource_data_over_http(server: ServerProcess) -> None:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        page = client.get("/id/origin-community", headers={"Accept": "text/html"})
        assert page.status_code == 200 and "<svg" in page.text
        data = client.get("/id/origin-community", headers={"Accept": "application/n-triples"})
        assert len(list(ox.parse(data.content, format=ox.RdfFormat.N_TRIPLES))) > 5
        dataset = client.get("/dataset", headers={"Accept": "text/turtle"})
        assert b"void:triples" in dataset.content
        assert client.get("/assets/yasgui/yasgui.min.css").status_code == 200
        assert client.get("/search?q=cambricon&format=json").json()["hits"]
