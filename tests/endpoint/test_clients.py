"""Real SPARQL clients against the real ``serve.py``: SPARQLWrapper, rdflib's SPARQLStore,
Apache Jena's ``rsparql`` (GET and POST) and Jena ARQ using our endpoint as a ``SERVICE``."""

from __future__ import annotations

import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path
from xml.dom.minidom import Document, Text

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, N3, TSV, TURTLE, XML, SPARQLWrapper

from tests.endpoint.conftest import CHAIN
from tests.graph_rows import rdflib_rows
from tests.server_process import ServerProcess

pytestmark = pytest.mark.server

LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
CHIP_ZH = f'SELECT ?label WHERE {{ <{CHAIN}test-chip> {LABEL} ?label FILTER(lang(?label) = "zh") }}'
JAVA_LIBRARIES = Path("/usr/share/java")
# Debian's libapache-jena-java 4.5 jars and the libraries they need (from jena-arq's pom in
# /usr/share/maven-repo); the whole folder cannot be the class path (two SLF4J bindings loop).
JENA_JARS = (
    "jena-arq", "jena-base", "jena-cmds", "jena-core", "jena-iri",
    "slf4j-api", "slf4j-nop", "commons-lang3", "commons-io", "commons-codec",
    "commons-compress", "jackson-core", "jackson-databind", "jackson-annotations",
    "jsonld-java", "titanium-json-ld", "jakarta.json-api", "gson", "httpclient", "httpcore",
    "httpclient-cache", "commons-logging", "jcl-over-slf4j", "thrift", "protobuf",
    "dexx.collection", "guava",
)  # fmt: skip


def test_sparqlwrapper_select_in_every_results_format(server: ServerProcess) -> None:
    for return_format in (JSON, XML, CSV, TSV):
        client = SPARQLWrapper(server.sparql, agent="bjaikg-tests")
        client.setQuery(CHIP_ZH)
        client.setReturnFormat(return_format)
        converted = client.query().convert()
        if return_format == JSON:
            assert isinstance(converted, dict)
            assert converted["results"]["bindings"][0]["label"]["value"] == "测试芯片"
        elif return_format == XML:
            assert isinstance(converted, Document)
            text = converted.getElementsByTagName("literal")[0].firstChild
            assert isinstance(text, Text)
            assert text.data == "测试芯片"
        else:
            assert isinstance(converted, bytes)
            assert "测试芯片" in converted.decode("utf-8")


def test_sparqlwrapper_post_construct_and_ask(server: ServerProcess) -> None:
    client = SPARQLWrapper(server.sparql, agent="bjaikg-tests")
    client.setMethod("POST")
    client.setQuery(f"CONSTRUCT WHERE {{ <{CHAIN}test-chip> ?p ?o }}")
    client.setReturnFormat(TURTLE)
    turtle = client.query().convert()
    assert isinstance(turtle, bytes)
    graph = Graph().parse(data=turtle, format="turtle")
    assert Literal("测试芯片", lang="zh") in set(graph.objects())
    client.setQuery(f"ASK {{ <{CHAIN}test-chip> ?p ?o }}")
    client.setReturnFormat(JSON)
    answer = client.query().convert()
    assert isinstance(answer, dict)
    assert answer["boolean"] is True


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize(("chosen", "parsed"), [(JSONLD, "json-ld"), (N3, "turtle")])
def test_sparqlwrapper_graph_formats_it_asks_with_its_own_format_names(
    server: ServerProcess, method: str, chosen: str, parsed: str
) -> None:
    """SPARQLWrapper adds ``format=json-ld`` and ``format=<media types>`` (or ``format=n3``)
    beside ``Accept``; both must name something offered (they were 406)."""
    client = SPARQLWrapper(server.sparql, agent="bjaikg-tests")
    client.setMethod(method)
    client.setQuery(f"DESCRIBE <{CHAIN}test-chip>")
    client.setReturnFormat(chosen)
    answer = client.query()
    graph = Graph().parse(data=answer.response.read(), format=parsed)
    assert Literal("测试芯片", lang="zh") in set(graph.objects())


def test_rdflib_sparqlstore(server: ServerProcess) -> None:
    store = SPARQLStore(server.sparql, returnFormat="json")
    graph = Graph(store=store)
    rows = rdflib_rows(graph.query(CHIP_ZH))
    assert [str(row[0]) for row in rows] == ["测试芯片"]
    assert len(graph) == 23


@pytest.fixture(scope="session")
def jena_class_path(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The class path for Jena's command-line tools, with Debian's packaging gap filled.

    Debian relocates Jena's bundled Xerces classes to ``xerces.*`` but leaves their message
    bundles under ``org/apache/jena/ext/xerces``; without copies at the relocated path Jena
    fails to start ("internal error" in XSSimpleTypeDecl). The copies go to a temp folder.
    """
    jars = [JAVA_LIBRARIES / f"{name}.jar" for name in JENA_JARS]
    missing = [str(jar) for jar in jars if not jar.exists()]
    assert not missing, f"Jena's libraries are missing (install libapache-jena-java): {missing}"
    resources = tmp_path_factory.mktemp("jena-resources")
    prefix = "org/apache/jena/ext/xerces/"
    with zipfile.ZipFile(JAVA_LIBRARIES / "jena-core.jar") as archive:
        for name in archive.namelist():
            if name.startswith(prefix) and name.endswith(".properties"):
                target = resources / "xerces" / name.removeprefix(prefix)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(archive.read(name))
    return ":".join([str(resources), *map(str, jars)])


def run_jena(class_path: str, tool: str, *arguments: str) -> str:
    completed = subprocess.run(
        ["java", "-cp", class_path, tool, *arguments],
        capture_output=True, text=True, encoding="utf-8", timeout=120, check=False,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    return completed.stdout


@pytest.fixture
def query_file(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "query.rq"
    path.write_text(CHIP_ZH, encoding="utf-8")
    yield path


@pytest.mark.java
@pytest.mark.parametrize("method", [[], ["--post"]], ids=["get", "post"])
def test_jena_rsparql(
    server: ServerProcess, jena_class_path: str, query_file: Path, method: list[str]
) -> None:
    output = run_jena(
        jena_class_path, "arq.rsparql", "--service", server.sparql, "--query", str(query_file),
        "--results", "TSV", *method,
    )  # fmt: skip
    assert output.splitlines() == ["?label", '"测试芯片"@zh']


@pytest.mark.java
def test_jena_arq_uses_our_endpoint_as_a_service(
    server: ServerProcess, jena_class_path: str, tmp_path: Path
) -> None:
    local = tmp_path / "local.ttl"
    local.write_text(f"<urn:x:mine> <urn:x:sameChip> <{CHAIN}test-chip> .\n", encoding="utf-8")
    query = tmp_path / "federated.rq"
    query.write_text(
        f"SELECT ?label WHERE {{ <urn:x:mine> <urn:x:sameChip> ?chip .\n"
        f"  SERVICE <{server.sparql}> {{ ?chip {LABEL} ?label FILTER(lang(?label) = 'zh') }} }}",
        encoding="utf-8",
    )
    output = run_jena(
        jena_class_path, "arq.sparql", "--data", str(local), "--query", str(query),
        "--results", "TSV",
    )  # fmt: skip
    assert output.splitlines() == ["?label", '"测试芯片"@zh']


def test_pyoxigraph_uses_our_endpoint_as_a_service(server: ServerProcess) -> None:
    store = ox.Store()
    query = f"SELECT ?label WHERE {{ SERVICE <{server.sparql}> {{ {CHIP_ZH.split('{', 1)[1]} }}"
    solutions = store.query(query)
    assert isinstance(solutions, ox.QuerySolutions)
    assert [s["label"].value for s in solutions] == ["测试芯片"]
