"""Resource pages whose cost does not grow with the resource's degree, and unnamed (blank) nodes
described on them, the same over the embedded store and over an external one.

A small graph has a hub (more incoming links than a page lists, and an address made of nested
blank nodes) and an entity with more statements than a page lists. It is served by ``serve.py
--data`` (embedded) and by ``serve.py --store`` over the Oxigraph server holding it; the pages
must cut the lists, say so, link to the whole list, and describe the blank nodes; the RDF
forms stay whole. The project graph's blank nodes (a snapshot's checksum) are checked on both
external stores of tests/stores/conftest.py.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pyoxigraph as ox
import pytest
from starlette.testclient import TestClient

from bjaikg.interface.resource import INCOMING_LIMIT, OUTGOING_LIMIT, read_description
from bjaikg.namespaces import BJG
from bjaikg.remote_store import connect
from bjaikg.store import KnowledgeGraph, term_value
from tests.application import application_for
from tests.interface.sections import section
from tests.server_process import running_server
from tests.stores.servers import StoreServer, running_oxigraph
from tests.stores.test_serve_store import SERVER_TIMEOUT

pytestmark = pytest.mark.server

HUB_REFERENCES = INCOMING_LIMIT + 30
SPREAD_STATEMENTS = OUTGOING_LIMIT + 30
ID = "https://w3id.org/bjaikg/id/"


def hub_graph() -> str:
    """Turtle of the hub, its referrers and the entity with many statements."""
    lines = [
        f"@prefix bj: <{ID}> .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
        "@prefix schema: <https://schema.org/> .",
        'bj:hub rdfs:label "Hub"@en ; schema:address [ schema:postalCode "100080" ;',
        '    schema:geo [ schema:latitude "39.98" ; schema:longitude "116.31" ] ] .',
        'bj:spread rdfs:label "Spread"@en .',
    ]
    lines += [f"bj:referrer-{n} schema:about bj:hub ." for n in range(HUB_REFERENCES)]
    lines += [f"bj:spread rdfs:seeAlso bj:item-{n} ." for n in range(SPREAD_STATEMENTS)]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def hub_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("hub") / "hub.ttl"
    path.write_text(hub_graph(), encoding="utf-8")
    return path


@pytest.fixture(scope="module", params=["embedded", "oxigraph"])
def hub_server(request: pytest.FixtureRequest, hub_file: Path) -> Iterator[str]:
    """Our server's URL: over the hub file itself, or over the Oxigraph server holding it."""
    if request.param == "embedded":
        with running_server("--data", str(hub_file), "--workers", "1") as server:
            yield server.url
        return
    folder = hub_file.parent / "oxigraph"
    load = ["oxigraph", "load", "--location", str(folder), "--file", str(hub_file)]
    subprocess.run([*load, "--graph", f"{BJG}hub"], check=True, capture_output=True)
    with (
        running_oxigraph(folder) as store,
        running_server("--store", store.query_url, "--workers", "1") as server,
    ):
        yield server.url


def test_incoming_relations_are_cut_and_say_so(hub_server: str) -> None:
    page = httpx.get(f"{hub_server}/id/hub", timeout=60).text
    incoming = section(page, "incoming-heading")
    assert f"Referenced by ({INCOMING_LIMIT}+)" in incoming
    assert incoming.count("<tr><td>") == INCOMING_LIMIT
    assert f"Only the first {INCOMING_LIMIT} found are shown" in incoming
    link = re.search(r'<a href="([^"]+)">See them all in the query editor', incoming)
    assert link is not None
    query = parse_qs(urlsplit(link.group(1).replace("&amp;", "&")).query)["query"][0]
    answer = ox.Store()
    answer.load(hub_graph(), format=ox.RdfFormat.TURTLE)
    listed = answer.query(query)
    assert isinstance(listed, ox.QuerySolutions)
    assert len(list(listed)) == HUB_REFERENCES  # the editor's query lists them all


def test_an_entity_with_few_references_lists_them_all(hub_server: str) -> None:
    page = httpx.get(f"{hub_server}/id/item-3", timeout=60).text
    incoming = section(page, "incoming-heading")
    assert "Referenced by (1)" in incoming and "Only the first" not in incoming


def test_outgoing_statements_are_cut_on_the_page_not_in_rdf(hub_server: str) -> None:
    page = httpx.get(f"{hub_server}/id/spread", timeout=60).text
    properties = section(page, "properties-heading")
    assert f"Only the first {OUTGOING_LIMIT} statements found are shown" in properties
    assert properties.count("<li>") <= OUTGOING_LIMIT
    triples = httpx.get(f"{hub_server}/id/spread.nt", timeout=60).text.splitlines()
    assert len(triples) == SPREAD_STATEMENTS + 1  # the label too


def test_blank_nodes_are_described_two_levels_deep(hub_server: str) -> None:
    page = httpx.get(f"{hub_server}/id/hub", timeout=60).text
    properties = section(page, "properties-heading")
    assert properties.count('<table class="nested">') == 2
    for text in ("100080", "39.98", "116.31"):
        assert text in properties
    turtle = httpx.get(f"{hub_server}/id/hub.nt", timeout=60).text
    described = ox.Dataset(ox.parse(turtle.encode(), format=ox.RdfFormat.N_TRIPLES))
    outgoing = [quad for quad in described if not isinstance(quad.object, ox.NamedNode)
                or not quad.object.value.endswith("/id/hub")]  # fmt: skip
    assert len(outgoing) == 6  # label, address, postal code, geo, latitude, longitude


@pytest.mark.parametrize("store_name", ["oxigraph_store", "virtuoso_store"])
def test_the_project_s_blank_nodes_on_a_store_backed_page(
    request: pytest.FixtureRequest, store_name: str
) -> None:
    """A snapshot's checksum (a blank node) is shown on its page over each store."""
    store: StoreServer = request.getfixturevalue(store_name)
    arguments = ["--store", store.query_url, "--timeout", str(SERVER_TIMEOUT), "--workers", "1"]
    with running_server(*arguments) as server:
        page = httpx.get(f"{server.url}/id/snapshot-beijing-ai-first-city", timeout=60).text
        properties = section(page, "properties-heading")
        assert '<table class="nested">' in properties
        assert "9064baabf9f8ceb22103112824b5f1f6ff6e69460d1866439f140d5b5251c507" in properties
        rdf = httpx.get(f"{server.url}/id/snapshot-beijing-ai-first-city.nt", timeout=60).text
        assert "9064baabf9f8ceb22103112824b5f1f6ff6e69460d1866439f140d5b5251c507" in rdf


@pytest.mark.parametrize("store_name", ["oxigraph_store", "virtuoso_store"])
@pytest.mark.parametrize(
    "slug",
    [
        "baidu",
        "cambricon",
        "beijing-ai-plus-action-plan",
        "beijing-academy-of-artificial-intelligence",
        "zhipu",
    ],
)
def test_one_query_gives_the_embedded_page_s_incoming_relations_and_sources(
    request: pytest.FixtureRequest, store_name: str, slug: str, project_graph: KnowledgeGraph
) -> None:
    """The page's one query (statements, incoming relations, sources, a policy's issuance
    records, other names with their graphs as UNION branches) reads from each store the incoming
    relations and sources, in order, and the records and names that the embedded store gives
    (baidu: 18 sources from a dataset, with citation and licence; the "AI+" action plan: three
    records; BAAI: hand-written names; Zhipu: the name Epoch AI's tables give it, from the file
    generated from them)."""
    store: StoreServer = request.getfixturevalue(store_name)
    node = ox.NamedNode(f"{ID}{slug}")
    embedded = read_description(project_graph, node, neighbours=True)
    external = KnowledgeGraph(store=connect(store.query_url, seconds=SERVER_TIMEOUT))
    found = read_description(external, node, neighbours=True)
    assert embedded.sources and embedded.incoming and not embedded.incoming_cut
    assert found.incoming == embedded.incoming
    assert not found.incoming_cut
    columns = ("source", "dataset", "citation", "licence", "url")
    assert [[term_value(row[name]) for name in columns] for row in found.sources] == [
        [term_value(row[name]) for name in columns] for row in embedded.sources
    ]
    records = sorted((*row[:2], term_value(row[2]), row[3]) for row in embedded.records)
    assert sorted((*row[:2], term_value(row[2]), row[3]) for row in found.records) == records
    assert (len({row[0] for row in records}) == 3) == (slug == "beijing-ai-plus-action-plan")
    names = sorted((str(name), graph, dataset) for name, graph, dataset in embedded.names)
    assert sorted((str(name), graph, dataset) for name, graph, dataset in found.names) == names
    assert names or not slug.startswith("beijing-academy")  # its hand-written ones at least
    assert any(dataset for *_, dataset in names) or slug != "zhipu"  # Epoch AI's "Zhipu AI"


@pytest.mark.parametrize("store_name", ["oxigraph_store", "virtuoso_store"])
def test_an_entity_s_dataset_rows_are_one_entry_per_dataset_on_a_store_backed_page(
    request: pytest.FixtureRequest, store_name: str, project_graph: KnowledgeGraph
) -> None:
    """Baidu's sources over each store: the section the embedded store gives, each of Epoch
    AI's two tables one entry with its rows collapsed."""
    store: StoreServer = request.getfixturevalue(store_name)
    with TestClient(application_for(project_graph)) as client:
        embedded = client.get("/id/baidu?lang=en").text
    arguments = ["--store", store.query_url, "--timeout", str(SERVER_TIMEOUT), "--workers", "1"]
    with running_server(*arguments) as server:
        page = httpx.get(f"{server.url}/id/baidu?lang=en", timeout=60).text
    sources = section(page, "sources-heading")
    assert sources == section(embedded, "sources-heading")
    assert sources.count("<details>") == 2 and sources.count("Epoch AI, &#39;Data on AI") == 1
