"""Named graphs (Graph Store Protocol, read-only), whole-dataset dumps, /health and /metrics."""

from __future__ import annotations

import gzip
from email.utils import formatdate, parsedate_to_datetime

import httpx
import pyoxigraph as ox
import pytest

GRAPHS = "https://w3id.org/bjaikg/graph/tests/endpoint/data/"


def test_graphs_are_listed(http: httpx.Client) -> None:
    listing = http.get("/graphs").json()
    assert [(g["graph"], g["triples"], g["source"]) for g in listing["graphs"]] == [
        (f"{GRAPHS}extra", 2, "tests/endpoint/data/extra.ttl"),
        (f"{GRAPHS}fixture", 21, "tests/endpoint/data/fixture.ttl"),
    ]


def test_named_graph_is_readable_in_any_graph_format(http: httpx.Client) -> None:
    url = http.get("/graphs").json()["graphs"][0]["url"]
    response = http.get(url, headers={"Accept": "application/n-triples"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/n-triples; charset=utf-8"
    prefix = "<https://w3id.org/bjaikg/id/test-extra> <http://www.w3.org/2000/01/rdf-schema#label>"
    assert sorted(response.text.splitlines()) == [
        f'{prefix} "Extra"@en .',
        f'{prefix} "额外"@zh .',
    ]
    turtle = http.get("/rdf-graph-store", params={"graph": f"{GRAPHS}extra", "format": "ttl"})
    assert '"额外"@zh' in turtle.text


def test_default_graph_is_the_union(http: httpx.Client) -> None:
    response = http.get("/rdf-graph-store?default", headers={"Accept": "application/n-triples"})
    assert len(response.text.splitlines()) == 23


@pytest.mark.parametrize(
    ("query", "status"),
    [(f"graph={GRAPHS}missing", 404), ("", 400), (f"graph={GRAPHS}extra&default", 400)],
)
def test_unknown_or_missing_graph(http: httpx.Client, query: str, status: int) -> None:
    assert http.get(f"/rdf-graph-store?{query}").status_code == status


@pytest.mark.parametrize("method", ["PUT", "POST", "DELETE", "PATCH"])
def test_graph_store_writes_are_refused(http: httpx.Client, method: str) -> None:
    response = http.request(
        method, "/rdf-graph-store", params={"graph": f"{GRAPHS}extra"},
        content=b"<urn:a> <urn:b> <urn:c> .", headers={"Content-Type": "application/n-triples"},
    )  # fmt: skip
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD, OPTIONS"
    assert "read-only" in response.text
    after = http.get("/rdf-graph-store", params={"graph": f"{GRAPHS}extra", "format": "nt"})
    assert len(after.text.splitlines()) == 2


@pytest.mark.parametrize(
    ("suffix", "rdf_format", "statements"),
    [("ttl", ox.RdfFormat.TURTLE, 23), ("nt", ox.RdfFormat.N_TRIPLES, 23),
     ("trig", ox.RdfFormat.TRIG, 23), ("nq", ox.RdfFormat.N_QUADS, 23),
     ("jsonld", ox.RdfFormat.JSON_LD, 23)],
)  # fmt: skip
def test_dumps_with_validators_and_gzip(
    http: httpx.Client, suffix: str, rdf_format: ox.RdfFormat, statements: int
) -> None:
    plain = http.get(f"/dump.{suffix}", headers={"Accept-Encoding": "identity"})
    assert plain.status_code == 200
    parsed = list(ox.parse(plain.content, format=rdf_format))
    assert len(parsed) == statements
    assert any(getattr(q.object, "value", None) == "测试芯片" for q in parsed)
    if rdf_format.supports_datasets:
        assert {q.graph_name.value for q in parsed} == {f"{GRAPHS}extra", f"{GRAPHS}fixture"}
    etag, last_modified = plain.headers["etag"], plain.headers["last-modified"]
    unchanged = {"If-None-Match": etag, "Accept-Encoding": "identity"}  # the plain bytes' tag
    assert http.get(f"/dump.{suffix}", headers=unchanged).status_code == 304
    since = http.get(f"/dump.{suffix}", headers={"If-Modified-Since": last_modified})
    assert since.status_code == 304
    before = formatdate(parsedate_to_datetime(last_modified).timestamp() - 1, usegmt=True)
    for unmodified, status in ((last_modified, 200), (before, 412), ("not a date", 200)):
        answer = http.get(f"/dump.{suffix}", headers={"If-Unmodified-Since": unmodified})
        assert answer.status_code == status, (unmodified, answer.text)
    changed = http.get(f"/dump.{suffix}", headers={"If-Unmodified-Since": before})
    assert "If-Unmodified-Since" in changed.text
    either = {"If-Unmodified-Since": before, "If-Match": etag, "Accept-Encoding": "identity"}
    assert http.get(f"/dump.{suffix}", headers=either).status_code == 200  # If-Match decides
    request = http.build_request("GET", f"/dump.{suffix}", headers={"Accept-Encoding": "gzip"})
    compressed = http.send(request, stream=True)
    assert compressed.headers["content-encoding"] == "gzip"
    assert gzip.decompress(b"".join(compressed.iter_raw())) == plain.content
    compressed.close()


def test_health(http: httpx.Client) -> None:
    response = http.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "triples": 23, "workers": 2, "evaluating": 0}


def test_metrics_count_requests_and_latency(http: httpx.Client) -> None:
    def count() -> float:
        for line in http.get("/metrics").text.splitlines():
            if line.startswith('bjaikg_requests_total{route="sparql",status="400"}'):
                return float(line.split()[-1])
        return 0.0

    before = count()
    http.get("/sparql", params={"query": "SELECT"})
    text = http.get("/metrics").text
    assert count() == before + 1
    assert 'bjaikg_request_seconds_bucket{route="sparql",le="+Inf"}' in text
    assert "bjaikg_query_timeouts_total" in text and "bjaikg_rejections_total" in text
    assert "bjaikg_workers 2" in text
