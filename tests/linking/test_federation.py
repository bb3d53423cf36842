"""Federation both ways, on 127.0.0.1 only.

- Our endpoint calls out: server A (our fixture data, started with ``--allow-service`` B) joins
  its data with server B (fake Wikidata fixture) through ``SERVICE``; a ``SERVICE`` to an
  endpoint not on the allow-list is refused with 403.
- Other engines call in: Apache Jena's ``arq`` (Debian package) and pyoxigraph's own
  ``SERVICE`` evaluate a query whose ``SERVICE`` is our running server.
- The example queries ``queries/federated-*.rq`` run against A with their public endpoint
  replaced by B; against the real public endpoints only with ``--run-network``.
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from SPARQLWrapper import JSON, SPARQLWrapper

from bjaikg import PROJECT_ROOT
from bjaikg.linking.remote import USER_AGENT
from bjaikg.linking.targets import PUBLIC_WIKIDATA_ENDPOINTS
from bjaikg.query_catalogue import NamedQuery, load_catalogue
from tests.server_process import ServerProcess, running_server

pytestmark = pytest.mark.server

DATA = Path(__file__).parent / "data"
BJ = "https://w3id.org/bjaikg/id/"
FEDERATED = [query for query in load_catalogue() if query.name.startswith("federated-")]

LABELS_FROM_B = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?entity ?name WHERE {
  ?entity skos:exactMatch ?item .
  SERVICE <%s> { ?item rdfs:label ?name . FILTER(LANG(?name) = "en") }
}
"""


@pytest.fixture(scope="module")
def remote() -> Iterator[ServerProcess]:
    """Server B: the fake Wikidata fixture."""
    with running_server("--data", str(DATA / "remote")) as server:
        yield server


@pytest.fixture(scope="module")
def local(remote: ServerProcess) -> Iterator[ServerProcess]:
    """Server A: the ontology and the fixture entities, allowed to call B only."""
    arguments = ["--data", str(PROJECT_ROOT / "ontology"), "--data", str(DATA / "local")]
    with running_server(*arguments, "--allow-service", remote.sparql) as server:
        yield server


def select(endpoint: str, query: str) -> list[dict[str, str]]:
    """Rows of a SELECT sent with SPARQLWrapper (the project's client for endpoints)."""
    client = SPARQLWrapper(endpoint, agent=USER_AGENT)
    client.setQuery(query)
    client.setReturnFormat(JSON)
    client.setTimeout(60)
    document = client.queryAndConvert()
    assert isinstance(document, dict)
    return [{k: v["value"] for k, v in row.items()} for row in document["results"]["bindings"]]


def test_service_joins_our_data_with_an_allowed_endpoint(
    local: ServerProcess, remote: ServerProcess
) -> None:
    rows = select(local.sparql, LABELS_FROM_B % remote.sparql)
    assert sorted(rows, key=lambda row: row["entity"]) == [
        {"entity": f"{BJ}fixture-alpha", "name": "Alpha Chip Company"},
        {"entity": f"{BJ}fixture-theta", "name": "Theta Institute"},
    ]


def test_service_to_an_endpoint_not_allowed_is_refused(local: ServerProcess) -> None:
    refused = "http://127.0.0.1:9/sparql"
    response = httpx.get(local.sparql, params={"query": LABELS_FROM_B % refused}, timeout=60)
    assert response.status_code == 403
    assert refused in response.text
    assert "allow-list" in response.text


def rewritten(text: str, endpoint: str) -> str:
    """A federated example query with its public endpoints replaced by ``endpoint``."""
    for public in PUBLIC_WIKIDATA_ENDPOINTS:
        text = text.replace(f"<{public}>", f"<{endpoint}>")
    return text


@pytest.mark.parametrize("query", FEDERATED, ids=[q.name for q in FEDERATED])
def test_federated_examples_run_against_a_local_double(
    query: NamedQuery, local: ServerProcess, remote: ServerProcess
) -> None:
    assert query.needs_network
    assert any(f"<{public}>" in query.text for public in PUBLIC_WIKIDATA_ENDPOINTS)
    select(local.sparql, rewritten(query.text, remote.sparql))


def test_federated_company_example_joins_wikidata_facts(
    local: ServerProcess, remote: ServerProcess
) -> None:
    query = next(q for q in FEDERATED if q.name == "federated-companies-wikidata")
    rows = select(local.sparql, rewritten(query.text, remote.sparql))
    assert rows == [
        {
            "company": f"{BJ}fixture-beta",
            "name": "乙数据",
            "item": "http://www.wikidata.org/entity/Q9990002",
        },
        {
            "company": f"{BJ}fixture-alpha",
            "name": "甲芯科技",
            "item": "http://www.wikidata.org/entity/Q9990001",
            "website": "http://www.alpha.example",
            "exchange": "http://www.wikidata.org/entity/Q9990100",
            "ticker": "600009",
        },
    ]
    # Rows in code-point order of the names (乙 before 甲). Q9990002 is not on the double: its
    # row stays, with empty Wikidata columns (the SERVICE is OPTIONAL).


@pytest.fixture(scope="module")
def jena_classpath(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A class path for Debian's Apache Jena 4.5 command-line tools.

    Debian's ``jena-core.jar`` moves Xerces to the package ``xerces`` but keeps its message
    files under ``org/apache/jena/ext/xerces``; without them Jena fails at start with
    "internal error" in ``XSSimpleTypeDecl``. The files are copied where Xerces looks.
    """
    if shutil.which("java") is None:
        pytest.fail("java is not installed (Debian: default-jre-headless)")
    java = Path("/usr/share/java")
    messages = tmp_path_factory.mktemp("jena-xerces-messages")
    prefix = "org/apache/jena/ext/xerces/impl/"
    with zipfile.ZipFile(java / "jena-core.jar") as archive:
        for name in archive.namelist():
            if name.startswith(prefix) and name.endswith(".properties"):
                target = messages / "xerces" / "impl" / name[len(prefix) :]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(archive.read(name))
    jena = sorted(str(p) for p in java.glob("jena-*.jar") if not p.stem[-1].isdigit())
    dependencies = [
        "slf4j-api", "slf4j-nop", "commons-cli", "commons-codec", "commons-compress",
        "commons-csv", "commons-io", "commons-lang3", "dexx.collection", "gson", "guava",
        "jsonld-java", "jackson-core", "jackson-databind", "jackson-annotations",
        "titanium-json-ld", "jakarta.json-api", "thrift", "protobuf", "httpclient", "httpcore",
        "commons-logging",
    ]  # fmt: skip
    return ":".join([str(messages), *jena, *(str(java / f"{d}.jar") for d in dependencies)])


@pytest.mark.java
def test_jena_arq_queries_our_endpoint_through_service(
    local: ServerProcess, jena_classpath: str, tmp_path: Path
) -> None:
    query = tmp_path / "through-service.rq"
    query.write_text(
        "PREFIX bjo: <https://w3id.org/bjaikg/ontology#>\n"
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT ?company ?name WHERE {\n"
        f"  SERVICE <{local.sparql}> {{\n"
        '    ?company a bjo:Company ; rdfs:label ?name . FILTER(LANG(?name) = "en")\n'
        "  }\n"
        "} ORDER BY ?company\n",
        encoding="utf-8",
    )
    completed = subprocess.run(
        ["java", "-cp", jena_classpath, "arq.sparql", "--query", str(query), "--results", "TSV"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.splitlines() == [
        "?company\t?name",
        f'<{BJ}fixture-alpha>\t"Alpha Chips"@en',
        f'<{BJ}fixture-beta>\t"Beta Data"@en',
    ]


def test_pyoxigraph_queries_our_endpoint_through_service(local: ServerProcess) -> None:
    result = ox.Store().query(
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        f"SELECT ?name WHERE {{ SERVICE <{local.sparql}> {{\n"
        f'  <{BJ}fixture-delta> rdfs:label ?name . FILTER(LANG(?name) = "zh") }} }}'
    )
    assert isinstance(result, ox.QuerySolutions)
    assert [row["name"] for row in result] == [ox.Literal("丁研究院", language="zh")]


@pytest.mark.network
@pytest.mark.parametrize("query", FEDERATED, ids=[q.name for q in FEDERATED])
def test_federated_examples_against_the_public_endpoints(query: NamedQuery) -> None:
    allow = [
        argument for public in PUBLIC_WIKIDATA_ENDPOINTS for argument in ("--allow-service", public)
    ]
    with running_server(*allow) as server:
        select(server.sparql, query.text)
