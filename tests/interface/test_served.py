"""The interface inside the real ``serve.py`` (project graph, 127.0.0.1): named queries go
through the endpoint's worker processes and deadline; pages and data are reachable over HTTP."""

from __future__ import annotations

import re
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
import rdflib
from openapi_spec_validator import validate

from bjaikg import PROJECT_ROOT
from bjaikg.interface.releases import read_releases
from bjaikg.knowledge_diff import diff_snapshots, render
from bjaikg.metadata import ABSTRACT, DATASET_IRI, KEYWORDS, RIGHTS, TITLE
from bjaikg.query_catalogue import load_catalogue
from bjaikg.snapshots import load_release
from bjaikg.versioning import release_versions
from tests.server_process import (
    ServerProcess,
    logged,
    running,
    running_server,
    serve_announced,
    serve_command,
)

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


DIFF = "/releases/diff"
SKIPPING = {"from": "1.23.1", "to": "1.23.3"}
"""Two committed releases with one between them: 1.23.2 rewrote Epoch AI's training compute
(360Zhinao-7B's among them), 1.23.3 put the TX5368 into TsingMicro's family; neither
CHANGELOG.md holds both."""


def test_the_knowledge_diff_of_two_releases_is_served_in_every_form(
    server: ServerProcess,
) -> None:
    expected = render(
        diff_snapshots(
            load_release(PROJECT_ROOT / "releases" / SKIPPING["from"]),
            load_release(PROJECT_ROOT / "releases" / SKIPPING["to"]),
        ),
        "text",
    )
    with httpx.Client(base_url=server.url, timeout=30) as client:
        text = client.get(DIFF, params={**SKIPPING, "format": "text"})
        assert text.status_code == 200, text.text
        assert text.headers["content-type"] == "text/plain; charset=utf-8"
        assert text.text == expected
        assert "bj:360zhinao-7b 360Zhinao-7B\n    bjo:trainingCompute: " in text.text  # 1.23.2
        assert "bjo:familyMember: link gained → bj:tsingmicro-tx5368" in text.text  # 1.23.3
        document = client.get(DIFF, params=SKIPPING, headers={"Accept": "application/json"})
        assert document.headers["content-type"] == "application/json; charset=utf-8"
        assert (document.json()["old"], document.json()["new"]) == ("1.23.1", "1.23.3")
        markdown = client.get(DIFF, params={**SKIPPING, "format": "markdown"})
        assert markdown.text.startswith("## Knowledge diff `1.23.1` → `1.23.3`")
        page = client.get(DIFF, params={**SKIPPING, "lang": "zh"})
        assert page.headers["content-type"].startswith("text/html")
        assert "<h1>知识差异 1.23.1 → 1.23.3</h1>" in page.text
        assert 'href="/id/tsingmicro-ai-chips?lang=zh"' in page.text and "TX5368" in page.text
        tag = text.headers["etag"]  # a function of the two versions: tagged like every page
        assert tag.startswith('"') and text.headers["cache-control"].startswith("public")
        again = client.get(
            DIFF, params={**SKIPPING, "format": "text"}, headers={"If-None-Match": tag}
        )
        assert again.status_code == 304


@pytest.mark.parametrize(
    ("parameters", "message"),
    [
        ({"from": "1.23.1"}, "to: missing"),
        ({"from": "1.23.1", "to": "9.9.9"}, "to=9.9.9: no such release"),
        ({"from": "../1.23.1", "to": "1.23.3"}, "from=../1.23.1: no such release"),
        ({"from": "", "to": "1.23.3"}, "from: missing"),
        ({"from": ["1.23.1", "1.23.2"], "to": "1.23.3"}, "give each parameter once (from)"),
    ],
)
def test_a_knowledge_diff_asked_wrongly_is_a_400_naming_the_parameter(
    server: ServerProcess, parameters: dict[str, str | list[str]], message: str
) -> None:
    answer = httpx.get(f"{server.url}{DIFF}", params=parameters, timeout=30)
    assert answer.status_code == 400
    assert message in answer.text and answer.text.count("\n") == 1


def test_the_dataset_page_offers_to_compare_two_releases(server: ServerProcess) -> None:
    page = httpx.get(f"{server.url}/dataset?lang=en", timeout=30).text
    form = page.split('<form class="compare-releases"')[1].split("</form>")[0]
    assert f'action="{DIFF}"' in form and 'name="from"' in form and 'name="to"' in form
    *older, newest = [path.name for _, path in release_versions(PROJECT_ROOT / "releases")]
    assert f"<option selected>{newest}</option>" in form.split('name="to"')[1]
    assert f"<option selected>{older[-1]}</option>" in form.split('name="to"')[0]


def test_the_openapi_document_offers_each_form_of_the_knowledge_diff(
    server: ServerProcess,
) -> None:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        document = client.get("/openapi.json").json()
        validate(document)
        parameters = document["paths"][DIFF]["get"]["parameters"]
        assert [p["name"] for p in parameters[:2]] == ["from", "to"]
        formats = document["components"]["parameters"]["DiffFormat"]["schema"]["enum"]
        content = document["components"]["responses"]["KnowledgeDiff"]["content"]
        assert len(formats) == len(content) == 4
        for value in formats:  # every form the document offers is answered, as it says
            answer = client.get(DIFF, params={**SKIPPING, "format": value})
            assert answer.status_code == 200, value
            assert answer.headers["content-type"].split(";")[0] in content


COPIED = ("1.23.0", "1.23.1", "1.23.2", "1.23.3", "1.23.4", "1.24.0")
"""Releases copied (description, checksums, N-Quads) into the home of :func:`copied_releases`."""
FIXTURE_DATA = PROJECT_ROOT / "tests" / "interface" / "data"


@pytest.fixture(scope="module")
def copied_releases(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[ServerProcess, Path]]:
    """``serve.py`` (one worker, the small fixture graph) over copies of :data:`COPIED` in a
    ``BJAIKG_HOME`` of its own, which the tests may damage; the server and its release folder.
    1.23.2's N-Quads file has a byte changed, 1.23.4's is missing, 1.23.0's SHA256SUMS is
    missing, before the server starts."""
    home = tmp_path_factory.mktemp("home")
    for version in COPIED:
        folder = home / "releases" / version
        folder.mkdir(parents=True)
        for name in ("void.ttl", "SHA256SUMS", f"bjaikg-{version}.nq"):
            shutil.copy(PROJECT_ROOT / "releases" / version / name, folder / name)
    damaged = home / "releases" / "1.23.2" / "bjaikg-1.23.2.nq"
    damaged.write_bytes(damaged.read_bytes().replace(b"Baidu", b"Baido", 1))
    (home / "releases" / "1.23.4" / "bjaikg-1.23.4.nq").unlink()
    (home / "releases" / "1.23.0" / "SHA256SUMS").unlink()
    data = [f"--data={FIXTURE_DATA / name}" for name in ("ontology.ttl", "instances.ttl")]
    with running(
        serve_command("--workers", "1", "--timeout", "20", *data), serve_announced,
        ready_seconds=60, cwd=PROJECT_ROOT, stop_signal=signal.SIGINT, stop_seconds=10,
        environment={"PYTHONUNBUFFERED": "1", "BJAIKG_HOME": str(home)},
    ) as server:  # fmt: skip
        yield server, home / "releases"


def test_a_pair_s_knowledge_diff_is_computed_once_per_worker(
    copied_releases: tuple[ServerProcess, Path],
) -> None:
    server, releases = copied_releases
    pair = {"from": "1.23.1", "to": "1.23.3"}
    with httpx.Client(base_url=server.url, timeout=30) as client:
        first = client.get(DIFF, params={**pair, "format": "text"})
        assert first.status_code == 200, first.text
        (releases / "1.23.3" / "bjaikg-1.23.3.nq").unlink()  # no longer read: the diff is kept
        for form in ("text", "markdown", "json", "html"):
            again = client.get(DIFF, params={**pair, "format": form})
            assert again.status_code == 200, again.text
        assert client.get(DIFF, params={**pair, "format": "text"}).text == first.text


@pytest.mark.parametrize(
    ("pair", "reason"),
    [
        (
            {"from": "1.23.1", "to": "1.23.2"},
            "releases/1.23.2/bjaikg-1.23.2.nq: its SHA-256 is not the one SHA256SUMS lists",
        ),
        (
            {"from": "1.23.4", "to": "1.23.1"},
            "releases/1.23.4: not a release folder (no single *.nq)",
        ),
        (
            {"from": "1.23.0", "to": "1.23.1"},
            "releases/1.23.0/bjaikg-1.23.0.nq: the release folder has no SHA256SUMS to check it",
        ),
    ],
)
def test_a_damaged_release_is_a_one_line_error_naming_its_file_and_logged(
    copied_releases: tuple[ServerProcess, Path], pair: dict[str, str], reason: str
) -> None:
    server, _ = copied_releases
    with httpx.Client(base_url=server.url, timeout=30) as client:
        english = f"the knowledge diff {pair['from']} → {pair['to']} cannot be made"
        chinese = f"无法生成知识差异 {pair['from']} → {pair['to']}"
        for form, language, made in (
            ("text", "zh", english),  # the text, Markdown and JSON forms are English
            ("html", "en", english),
            ("html", "zh", chinese),
        ):
            answer = client.get(DIFF, params={**pair, "format": form, "lang": language})
            assert answer.status_code == 500
            assert answer.text.startswith(f"{made}: {reason}") and answer.text.count("\n") == 1
        assert logged(server, reason)
        fine = client.get(DIFF, params={"from": "1.23.1", "to": "1.24.0", "format": "text"})
        assert fine.status_code == 200, fine.text


SCHEMA = rdflib.Namespace("https://schema.org/")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")
DCAT_NS = rdflib.Namespace("http://www.w3.org/ns/dcat#")
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
FOAF = rdflib.Namespace("http://xmlns.com/foaf/0.1/")
JSON_LD_BLOCK = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def served_description(client: httpx.Client) -> rdflib.Graph:
    answer = client.get("/dataset", headers={"Accept": "text/turtle"})
    assert answer.status_code == 200
    return rdflib.Graph().parse(data=answer.text, format="turtle")


def test_the_dataset_page_carries_schema_org_json_ld_made_from_its_description(
    server: ServerProcess,
) -> None:
    """Google Dataset Search reads schema.org ``Dataset`` JSON-LD in the page's head: one block,
    parsed here by rdflib's JSON-LD parser (its context inline, nothing fetched), saying what
    the served DCAT description says (name, description, licence, version, date, creator,
    keywords, languages, sources, the dumps and the release's N-Quads as downloads)."""
    newest = read_releases(PROJECT_ROOT / "releases")[0]
    with httpx.Client(base_url=server.url, timeout=30) as client:
        page = client.get("/dataset?lang=en", headers={"Accept": "text/html"})
        head = page.text[: page.text.index("</head>")]
        [block] = JSON_LD_BLOCK.findall(head)
        described = served_description(client)
    found = rdflib.Graph().parse(data=block, format="json-ld", base=server.url)
    dataset = rdflib.URIRef(f"{server.url}/sparql#dataset")
    assert (dataset, rdflib.RDF.type, SCHEMA.Dataset) in found

    def one(predicate: rdflib.URIRef) -> str:
        [value] = found.objects(dataset, predicate)
        return str(value)

    assert one(SCHEMA.name) == TITLE["en"] and one(SCHEMA.alternateName) == TITLE["zh"]
    assert one(SCHEMA.description) == ABSTRACT["en"] and len(ABSTRACT["en"]) >= 50
    assert one(SCHEMA.url) == DATASET_IRI == one(SCHEMA.identifier)
    assert one(SCHEMA.version) == newest.version
    assert one(SCHEMA.datePublished) == newest.date
    assert one(SCHEMA.isAccessibleForFree) == "true"
    [licence] = described.objects(dataset, DCT.license)
    assert one(SCHEMA.license) == str(licence)
    assert {str(k) for k in found.objects(dataset, SCHEMA.keywords)} == set(KEYWORDS)
    assert {str(k) for k in found.objects(dataset, SCHEMA.inLanguage)} == {"zh", "en"}
    [creator] = found.objects(dataset, SCHEMA.creator)
    assert str(found.value(creator, SCHEMA.name)) == "bjaikg contributors"
    assert (creator, rdflib.RDF.type, SCHEMA.Organization) in found
    based_on = {str(source) for source in found.objects(dataset, SCHEMA.isBasedOn)}
    assert based_on == {str(source) for source in described.objects(dataset, DCT.source)}
    assert "https://w3id.org/bjaikg/id/source-epoch-ai-models" in based_on
    citations = {str(text) for text in found.objects(dataset, SCHEMA.citation)}
    assert any(text.startswith("Epoch AI, 'Data on AI Models'") for text in citations)
    downloads = {
        str(found.value(item, SCHEMA.contentUrl)): str(found.value(item, SCHEMA.encodingFormat))
        for item in found.objects(dataset, SCHEMA.distribution)
        if (item, rdflib.RDF.type, SCHEMA.DataDownload) in found
    }
    nquads = f"{newest.iri}/bjaikg-{newest.version}.nq"
    assert downloads[nquads] == "application/n-quads"
    assert downloads[f"{server.url}/dump.nq"] == "application/n-quads"
    dumps = {str(url) for url in described.objects(None, DCAT_NS.downloadURL)}
    assert set(downloads) <= dumps  # each download is a distribution of the description


def test_the_served_description_has_dcats_recommended_properties(server: ServerProcess) -> None:
    """Description and rights in both languages, creator and publisher as an agent with a
    name, keywords, landing page, languages, vocabularies, the endpoint, and one linkset per
    linked dataset whose size is the endpoint's own count of those links."""
    with httpx.Client(base_url=server.url, timeout=60) as client:
        described = served_description(client)
        counted = {}
        for namespace in ("http://www.wikidata.org/entity/", "https://ror.org/",
                          "http://sws.geonames.org/"):  # fmt: skip
            answer = client.get("/sparql", params={"query": f"""
                SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?o WHERE {{
                  GRAPH ?g {{ ?s <http://www.w3.org/2004/02/skos/core#exactMatch> ?o }}
                  FILTER(?g != <https://w3id.org/bjaikg/graph/inferred>
                         && STRSTARTS(STR(?s), "https://w3id.org/bjaikg/id/")
                         && STRSTARTS(STR(?o), "{namespace}")) }} }}"""},
                headers={"Accept": "application/sparql-results+json"})  # fmt: skip
            counted[namespace] = int(answer.json()["results"]["bindings"][0]["n"]["value"])
    dataset = rdflib.URIRef(f"{server.url}/sparql#dataset")
    for predicate, expected in ((DCT.description, ABSTRACT), (DCT.rights, RIGHTS)):
        texts = {
            getattr(value, "language", None): str(value)
            for value in described.objects(dataset, predicate)
        }
        assert texts == expected
    assert str(described.value(dataset, DCT.identifier)) == DATASET_IRI
    [creator] = described.objects(dataset, DCT.creator)
    assert isinstance(creator, rdflib.URIRef)
    assert described.value(dataset, DCT.publisher) == creator
    assert str(described.value(creator, FOAF.name)) == "bjaikg contributors"
    assert (creator, rdflib.RDF.type, FOAF.Organization) in described
    assert {str(k) for k in described.objects(dataset, DCAT_NS.keyword)} == set(KEYWORDS)
    assert str(described.value(dataset, DCAT_NS.landingPage)) == DATASET_IRI
    assert {str(lang) for lang in described.objects(dataset, DCT.language)} == {
        "http://id.loc.gov/vocabulary/iso639-1/zh",
        "http://id.loc.gov/vocabulary/iso639-1/en",
    }
    vocabularies = {str(v) for v in described.objects(dataset, VOID.vocabulary)}
    assert {"https://w3id.org/bjaikg/ontology#", "http://www.w3.org/2004/02/skos/core#"} <= (
        vocabularies
    )
    assert "https://w3id.org/bjaikg/id/" not in vocabularies
    assert str(described.value(dataset, VOID.sparqlEndpoint)) == f"{server.url}/sparql"
    linksets = {}
    for linkset in described.subjects(rdflib.RDF.type, VOID.Linkset):
        assert (dataset, VOID.subset, linkset) in described
        assert str(described.value(linkset, VOID.linkPredicate)) == (
            "http://www.w3.org/2004/02/skos/core#exactMatch"
        )
        targets = {str(t) for t in described.objects(linkset, VOID.target)}
        assert str(dataset) in targets and len(targets) == 2
        linksets[str(linkset).rsplit("-", 1)[-1]] = int(str(described.value(linkset, VOID.triples)))
    assert linksets == {
        "wikidata": counted["http://www.wikidata.org/entity/"],
        "ror": counted["https://ror.org/"],
        "geonames": counted["http://sws.geonames.org/"],
    }
    assert all(count > 0 for count in linksets.values())


def test_the_pages_name_the_licence_and_what_it_does_not_cover(server: ServerProcess) -> None:
    """The dataset page links "CC BY 4.0" and says that quotations keep their sources' terms;
    Epoch AI's datasets say how the project adapted them, on the dataset page and on the page
    of a chip derived from their rows, beside the licence."""
    with httpx.Client(base_url=server.url, timeout=30) as client:
        page = client.get("/dataset?lang=en").text
        chip = client.get("/id/cambricon-mlu370-x8?lang=en").text
        chinese = client.get("/id/cambricon-mlu370-x8?lang=zh").text
    licence = '<a href="https://creativecommons.org/licenses/by/4.0/" rel="license">CC BY 4.0</a>'
    assert licence in page
    assert RIGHTS["en"].replace("'", "&#39;") in page
    for html in (page, chip):
        assert ">https://creativecommons.org/licenses/by/4.0/</a>" not in html
        assert "Adapted by bjaikg (changes indicated as CC BY 4.0 §3(a)(1)(B) asks)" in html
    assert "本项目改编（按 CC BY 4.0 第 3(a)(1)(B) 条注明改动）" in chinese


def test_well_known_void_sends_a_browser_to_the_dataset_page(server: ServerProcess) -> None:
    """As ``GET /sparql`` does for the editor: a client preferring HTML gets 303 to
    ``/dataset`` (its language kept); ``*/*`` and no ``Accept`` still get Turtle."""
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    with httpx.Client(base_url=server.url, timeout=30) as client:
        answer = client.get("/.well-known/void?lang=zh", headers={"Accept": browser})
        assert answer.status_code == 303
        assert answer.headers["location"] == "/dataset?lang=zh"
        assert "Accept" in answer.headers["vary"]
        for accept in ("*/*", None):
            headers = {"Accept": accept} if accept else {}
            plain = client.get("/.well-known/void", headers=headers)
            assert plain.status_code == 200
            assert plain.headers["content-type"].startswith("text/turtle")
