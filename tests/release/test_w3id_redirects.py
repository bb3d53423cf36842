"""w3id/bjaikg/.htaccess run by a real Apache httpd (Debian's ``apache2``) on 127.0.0.1, in
front of a real ``serve.py``: every persistent IRI redirects to the server, and the client's
``Accept`` still chooses the form (HTML, Turtle, JSON-LD, RDF/XML). Also the release files
and ``/.well-known/void`` as the server answers them."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from bjaikg import PROJECT_ROOT
from tests.graph_rows import value_of
from tests.server_process import (
    ServerProcess,
    answers_http,
    free_port,
    running,
    running_server,
)

pytestmark = pytest.mark.server

HTACCESS = PROJECT_ROOT / "w3id" / "bjaikg" / ".htaccess"
PLACEHOLDER = "https://bjaikg.example.org"
APACHE = shutil.which("apache2") or "/usr/sbin/apache2"
MODULES = Path("/usr/lib/apache2/modules")
RESOURCE = "id/beijing-academy-of-artificial-intelligence"


def apache_configuration(folder: Path, port: int) -> str:
    """An httpd.conf of its own: the w3id layout (a folder per project, .htaccess allowed)."""
    user = "User nobody\nGroup nogroup\n" if os.geteuid() == 0 else ""
    modules = "".join(
        f"LoadModule {name}_module {MODULES}/mod_{name}.so\n"
        for name in ("mpm_event", "authz_core", "rewrite")
    )
    return f"""ServerRoot "{folder}"
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
PidFile "{folder}/httpd.pid"
DefaultRuntimeDir "{folder}"
ErrorLog "{folder}/error.log"
LogLevel warn rewrite:trace2
{modules}{user}DocumentRoot "{folder}/www"
<Directory "{folder}/www">
    Options FollowSymLinks
    AllowOverride All
    Require all granted
</Directory>
"""


@pytest.fixture(scope="module")
def server() -> Iterator[ServerProcess]:
    with running_server("--workers", "1") as process:
        yield process


@pytest.fixture(scope="module")
def w3id(server: ServerProcess) -> Iterator[str]:
    """Apache with the project's .htaccess at /bjaikg/, redirecting to ``server``; its base."""
    if not Path(APACHE).is_file():
        pytest.fail("apache2 is not installed: bash scripts/setup-system.sh installs it")
    folder = Path(tempfile.mkdtemp(prefix="bjaikg-apache-"))
    try:
        folder.chmod(0o755)  # the worker runs as nobody when the tests run as root
        (folder / "www" / "bjaikg").mkdir(parents=True)
        rules = HTACCESS.read_text(encoding="utf-8").replace(PLACEHOLDER, server.url)
        (folder / "www" / "bjaikg" / ".htaccess").write_text(rules, encoding="utf-8")
        port = free_port()
        (folder / "httpd.conf").write_text(apache_configuration(folder, port), encoding="utf-8")
        base = f"http://127.0.0.1:{port}/bjaikg"
        command = [APACHE, "-f", str(folder / "httpd.conf"), "-DFOREGROUND"]
        log = folder / "error.log"  # its ErrorLog too
        with running(command, answers_http(base + "/"), ready_seconds=20, log=log):
            yield base
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.parametrize(
    ("path", "target"),
    [
        (RESOURCE, f"/{RESOURCE}"),
        ("ontology", "/ontology"),
        ("ontology.ttl", "/ontology.ttl"),
        ("shapes", "/shapes"),
        ("dataset", "/dataset"),
        ("ontology/1.0.0", "/dataset#release-1.0.0"),
        (
            "graph/instances/chips",
            "/rdf-graph-store?graph=https://w3id.org/bjaikg/graph/instances/chips",
        ),
        ("releases/1.0.0/SHA256SUMS", "/releases/1.0.0/SHA256SUMS"),
    ],
)
def test_redirect_targets(w3id: str, server: ServerProcess, path: str, target: str) -> None:
    answer = httpx.get(f"{w3id}/{path}", follow_redirects=False)
    assert answer.status_code in (302, 303)
    assert answer.headers["location"] == server.url + target


@pytest.mark.parametrize(
    ("accept", "media_type", "marker"),
    [
        ("text/html", "text/html", b"<html"),
        ("text/turtle", "text/turtle", b"@prefix"),
        ("application/ld+json", "application/ld+json", b"@id"),
        ("application/rdf+xml", "application/rdf+xml", b"<rdf:RDF"),
    ],
)
@pytest.mark.parametrize("path", [RESOURCE, "ontology"])
def test_content_negotiation_survives_the_redirect(
    w3id: str, path: str, accept: str, media_type: str, marker: bytes
) -> None:
    answer = httpx.get(f"{w3id}/{path}", headers={"Accept": accept}, follow_redirects=True)
    assert answer.status_code == 200
    assert answer.history and answer.history[0].status_code == 303
    assert answer.headers["content-type"].split(";")[0] == media_type
    assert marker in answer.content[:4000]


@pytest.mark.parametrize("path", ["releases/1.27.1", "releases/1.27.1/", "ontology/1.27.1"])
def test_a_release_asked_for_as_rdf_is_its_own_description(
    w3id: str, server: ServerProcess, path: str
) -> None:
    """An RDF client gets the release's void.ttl (its files, checksums and counts), not the
    live dataset's description; a browser, or a client preferring HTML, its dataset-page line."""
    answer = httpx.get(f"{w3id}/{path}", headers={"Accept": "application/ld+json, text/turtle"})
    assert answer.status_code == 303
    assert answer.headers["location"] == f"{server.url}/releases/1.27.1/void.ttl"
    followed = httpx.get(answer.headers["location"])
    store = ox.Store()
    store.load(followed.content, format=ox.RdfFormat.TURTLE)
    release = ox.NamedNode("https://w3id.org/bjaikg/releases/1.27.1")
    version = ox.NamedNode("http://www.w3.org/ns/dcat#version")
    versions = [value_of(quad.object) for quad in store.quads_for_pattern(release, version, None)]
    assert versions == ["1.27.1"]
    for accept in ("text/html,application/xhtml+xml,*/*;q=0.8", "text/html, text/turtle;q=0.5"):
        page = httpx.get(f"{w3id}/{path}", headers={"Accept": accept})
        assert page.headers["location"] == f"{server.url}/dataset#release-1.27.1"


def test_shapes_resolve_as_turtle(w3id: str) -> None:
    answer = httpx.get(f"{w3id}/shapes", headers={"Accept": "text/turtle"}, follow_redirects=True)
    assert answer.status_code == 200
    store = ox.Store()
    store.load(answer.content, format=ox.RdfFormat.TURTLE)
    shape = ox.NamedNode("https://w3id.org/bjaikg/shapes#Entity")
    assert list(store.quads_for_pattern(shape, None, None))


def test_release_file_arrives_whole(w3id: str) -> None:
    folder = PROJECT_ROOT / "releases" / "1.0.0"
    answer = httpx.get(f"{w3id}/releases/1.0.0/bjaikg-1.0.0.nq", follow_redirects=True)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/n-quads; charset=utf-8"
    sums = (folder / "SHA256SUMS").read_text(encoding="ascii")
    assert f"{hashlib.sha256(answer.content).hexdigest()}  bjaikg-1.0.0.nq" in sums
    listed = httpx.get(f"{w3id}/releases/1.0.0/SHA256SUMS", follow_redirects=True)
    assert listed.headers["content-type"] == "text/plain; charset=utf-8"  # shown, not saved
    assert listed.text == sums
    for file_answer in (answer, listed):  # a release never changes: caches keep it
        assert file_answer.headers["cache-control"] == "public, max-age=31536000, immutable"


def test_well_known_void_and_dataset_page(server: ServerProcess) -> None:
    void = httpx.get(f"{server.url}/.well-known/void")
    assert void.status_code == 200
    assert void.headers["content-type"].startswith("text/turtle")
    store = ox.Store()
    store.load(void.content, format=ox.RdfFormat.TURTLE)
    has_version = ox.NamedNode("http://www.w3.org/ns/dcat#hasVersion")
    versions = {
        (value_of(q.subject), value_of(q.object))
        for q in store.quads_for_pattern(None, has_version, None)
    }  # the releases hang from the dataset's persistent IRI, as each release's void.ttl says
    assert ("https://w3id.org/bjaikg/dataset", "https://w3id.org/bjaikg/releases/1.0.0") in versions
    page = httpx.get(f"{server.url}/dataset?lang=en").text
    assert 'id="release-1.0.0"' in page
    digest = (PROJECT_ROOT / "releases" / "1.0.0" / "SHA256SUMS").read_text().split()[0]
    assert digest in page
    assert "[Data set]. https://w3id.org/bjaikg/releases/1.0.0" in page
