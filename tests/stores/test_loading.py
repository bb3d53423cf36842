"""``python -m bjaikg load`` into real stores: Graph Store Protocol, Virtuoso's bulk loader and
``oxigraph load``; the count check, ``--replace``, and one clear line for a store that cannot be
reached or refuses the credentials.

The command runs through its ``main`` in the test process (:func:`load`), with the arguments,
password variable, standard output and error a process would have; a process of its own
(:func:`load_in_process_of_its_own`) where the exit code and the whole of standard error are
the point: a first load, and a store that cannot be reached. Each process costs about a second
of imports.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from unittest.mock import patch

import httpx
import pyoxigraph as ox
import pytest

from bjaikg import PROJECT_ROOT
from bjaikg.__main__ import main
from bjaikg.loading import (
    Dataset,
    LoadError,
    check_blank_nodes,
    check_counts,
    load_dataset,
    ours,
    read_dataset,
    store_counts,
)
from bjaikg.namespaces import BJ, BJG, PREFIXES
from bjaikg.remote_store import RemoteStore
from tests.competency import Table
from tests.server_process import free_port
from tests.stores.servers import StoreServer, ask, running_oxigraph, running_virtuoso

OLD_RELEASE = PROJECT_ROOT / "releases" / "1.0.0"
PASSWORD_VARIABLE = "BJAIKG_STORE_PASSWORD"


@dataclass(frozen=True)
class Loaded:
    """What ``python -m bjaikg load`` ended with."""

    returncode: int
    stdout: str
    stderr: str


def environment_with(env_password: str | None) -> dict[str, str]:
    """This process's environment with ``$BJAIKG_STORE_PASSWORD`` set to ``env_password``, or
    without it."""
    environment = {key: value for key, value in os.environ.items() if key != PASSWORD_VARIABLE}
    if env_password is not None:
        environment[PASSWORD_VARIABLE] = env_password
    return environment


def load(*arguments: str, env_password: str | None = None) -> Loaded:
    """``python -m bjaikg load ARGUMENTS`` (with ``$BJAIKG_STORE_PASSWORD`` if given) through
    :func:`bjaikg.__main__.main` in this process, its output captured."""
    stdout, stderr = io.StringIO(), io.StringIO()
    with (
        patch.dict(os.environ, environment_with(env_password), clear=True),
        redirect_stdout(stdout),
        redirect_stderr(stderr),
    ):
        code = main(["load", *arguments])
    return Loaded(code, stdout.getvalue(), stderr.getvalue())


def load_in_process_of_its_own(*arguments: str) -> Loaded:
    """Run ``python -m bjaikg load ARGUMENTS`` in a process (no ``$BJAIKG_STORE_PASSWORD``)."""
    command = [sys.executable, "-m", "bjaikg", "load", *arguments]
    result = subprocess.run(
        command, capture_output=True, text=True, cwd=PROJECT_ROOT, env=environment_with(None),
        timeout=300,
    )  # fmt: skip
    return Loaded(result.returncode, result.stdout, result.stderr)


def project_counts(store: StoreServer) -> dict[str, int]:
    """Triples per project graph in ``store`` now."""
    client = RemoteStore(store.query_url, seconds=60.0)
    try:
        return ours(store_counts(client))
    finally:
        client.close()


@pytest.fixture
def empty_oxigraph(tmp_path: Path) -> Iterator[StoreServer]:
    """An Oxigraph server with nothing in it."""
    with running_oxigraph(tmp_path / "store") as store:
        yield store


@pytest.fixture(scope="module")
def empty_virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StoreServer]:
    """A Virtuoso with a fresh database (its own system graphs only)."""
    with running_virtuoso(tmp_path_factory.mktemp("virtuoso-empty")) as store:
        yield store


@pytest.fixture(scope="module")
def old_release() -> Dataset:
    """Release 1.0.0: fewer graphs than the working tree."""
    return read_dataset(OLD_RELEASE)


@pytest.mark.server
def test_the_graph_store_protocol_loads_checks_refuses_and_replaces(
    empty_oxigraph: StoreServer, working_tree: Dataset, old_release: Dataset
) -> None:
    urls = ("--into", empty_oxigraph.query_url, "--graph-store", empty_oxigraph.graph_store_url)
    first = load_in_process_of_its_own(*urls)
    assert first.returncode == 0, first.stderr
    assert project_counts(empty_oxigraph) == working_tree.counts
    total = sum(working_tree.counts.values())
    assert f"{total}  triples in {len(working_tree.counts)} graphs of working tree, checked" in (
        first.stdout
    )

    again = load(*urls)
    assert again.returncode == 1
    assert again.stderr.count("\n") == 1
    assert f"already holds {len(working_tree.counts)} graph(s) of this project" in again.stderr
    assert "give --replace" in again.stderr

    older = load(*urls, "--replace", "--release", str(OLD_RELEASE))
    assert older.returncode == 0, older.stderr
    assert project_counts(empty_oxigraph) == old_release.counts  # graphs it lacks are gone
    assert len(old_release.counts) < len(working_tree.counts)


@pytest.mark.server
def test_virtuoso_takes_graph_store_writes_with_digest_auth_only(
    empty_virtuoso: StoreServer, working_tree: Dataset
) -> None:
    urls = ("--into", empty_virtuoso.query_url, "--graph-store", empty_virtuoso.graph_store_url)
    refused = load(*urls, "--user", "dba", "--password", "not-the-password", "--replace")
    assert refused.returncode == 1
    assert refused.stderr == (
        f"bjaikg load: store {empty_virtuoso.graph_store_url} refused the credentials (HTTP 401)\n"
    )
    anonymous_url = empty_virtuoso.graph_store_url.removesuffix("-auth")
    anonymous = load("--into", empty_virtuoso.query_url, "--graph-store", anonymous_url)
    assert anonymous.returncode == 1
    assert "(HTTP 403)" in anonymous.stderr

    loaded = load(*urls, "--user", "dba", "--replace", env_password="dba")
    assert loaded.returncode == 0, loaded.stderr
    assert project_counts(empty_virtuoso) == working_tree.counts


@pytest.mark.server
def test_virtuoso_takes_a_graph_store_put_whose_first_line_is_longer_than_it_sniffs(
    empty_virtuoso: StoreServer,
) -> None:
    """Virtuoso ignores a Graph Store PUT's Content-Type and guesses the type from the body's
    first 65535 bytes: N-Triples opening with a longer line were refused with HTTP 500, "the
    submitted resource is of unsupported type text/plain"."""
    graph, value = f"{BJG}test/long-literal", "x" * 100_000
    triple = ox.Triple(ox.NamedNode(f"{BJ}x"), ox.NamedNode(f"{PREFIXES['rdfs']}comment"),
                       ox.Literal(value))  # fmt: skip
    dataset = Dataset("one long literal", {graph: [triple]})
    assert load_dataset(dataset, "gsp", empty_virtuoso.target(), replace=True) == {graph: 1}
    stored = ask(empty_virtuoso, f"SELECT ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    assert stored == Table(("o",), ((f'"{value}"',),))


@pytest.mark.server
def test_virtuoso_bulk_loader_replaces_and_leaves_nothing_behind(
    empty_virtuoso: StoreServer, working_tree: Dataset, old_release: Dataset
) -> None:
    folder = empty_virtuoso.folder / "load"
    bulk: tuple[str, ...] = ("--method", "virtuoso", "--into", empty_virtuoso.query_url, "--isql")
    bulk += (str(empty_virtuoso.isql), "--load-folder", str(folder), "--user", "dba")
    older = load(*bulk, "--replace", "--release", str(OLD_RELEASE), env_password="dba")
    assert older.returncode == 0, older.stderr
    assert project_counts(empty_virtuoso) == old_release.counts
    newer = load(*bulk, "--replace", env_password="dba")
    assert newer.returncode == 0, newer.stderr
    assert project_counts(empty_virtuoso) == working_tree.counts
    assert list(folder.iterdir()) == []  # the N-Quads file is removed

    wrong = load(*bulk, "--replace", env_password="not-the-password")
    assert wrong.returncode == 1
    assert wrong.stderr.startswith(f"bjaikg load: isql-vt {empty_virtuoso.isql}: *** Error 28000")
    assert wrong.stderr.count("\n") == 1


@pytest.mark.server
def test_oxigraph_load_fills_a_folder_the_server_then_serves(
    tmp_path: Path, working_tree: Dataset, old_release: Dataset
) -> None:
    folder = tmp_path / "store"
    assert load("--method", "oxigraph", "--location", str(folder)).returncode == 0
    again = load("--method", "oxigraph", "--location", str(folder))
    assert again.returncode == 1
    holds = f"already holds {len(working_tree.counts)} graph(s)"
    assert f"bjaikg load: {folder}: {holds}" in again.stderr
    replaced = load(
        "--method",
        "oxigraph",
        "--location",
        str(folder),
        "--replace",
        "--release",
        str(OLD_RELEASE),
    )
    assert replaced.returncode == 0, replaced.stderr
    with running_oxigraph(folder) as store:
        assert project_counts(store) == old_release.counts


@pytest.mark.server
def test_the_count_check_names_every_graph_that_differs(
    empty_oxigraph: StoreServer, working_tree: Dataset
) -> None:
    urls = ("--into", empty_oxigraph.query_url, "--graph-store", empty_oxigraph.graph_store_url)
    assert load(*urls).returncode == 0
    places, inferred = f"{BJG}instances/places", f"{BJG}inferred"
    extra = "<urn:x:a> <urn:x:b> <urn:x:c> .\n"
    store = empty_oxigraph.graph_store_url
    add = httpx.post(store, params={"graph": places}, content=extra,
                     headers={"Content-Type": "application/n-triples"})  # fmt: skip
    assert add.is_success
    assert httpx.delete(store, params={"graph": inferred}).is_success
    with pytest.raises(LoadError) as error:
        check_counts(working_tree.counts, project_counts(empty_oxigraph), "the store")
    assert str(error.value).splitlines() == [
        "the store: triple counts differ:",
        f"  {inferred}: 0 triples in the store, {working_tree.counts[inferred]} loaded",
        f"  {places}: {working_tree.counts[places] + 1} triples in the store, "
        f"{working_tree.counts[places]} loaded",
    ]


@pytest.mark.parametrize(
    "url, message",
    [
        (
            "http://127.0.0.1:{port}/sparql",
            "unreachable: [Errno 111] Connection refused",
        ),
        ("store.example/sparql", "unreachable: Request URL is missing an 'http://'"),
    ],
)
def test_an_unreachable_store_is_one_line_and_exit_code_1(url: str, message: str) -> None:
    into = url.format(port=free_port())
    result = load_in_process_of_its_own("--into", into)
    assert result.returncode == 1
    assert result.stderr.startswith(f"bjaikg load: store {into} {message}")
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize(
    "arguments, missing",
    [
        ([], "the gsp method needs --into"),
        (["--method", "oxigraph"], "the oxigraph method needs --location"),
        (
            ["--method", "virtuoso", "--into", "http://127.0.0.1:1/sparql"],
            "the virtuoso method needs --isql",
        ),
    ],
)
def test_a_missing_option_of_the_method_is_a_usage_error_exit_2(
    arguments: list[str], missing: str
) -> None:
    result = load("--release", str(OLD_RELEASE), *arguments)
    assert result.returncode == 2
    assert result.stderr.startswith(f"bjaikg: error: {missing}")
    assert result.stderr.count("\n") == 1


def test_a_blank_node_in_two_graphs_is_refused_for_the_graph_store_protocol() -> None:
    node = ox.BlankNode("shared")
    triple = ox.Triple(node, ox.NamedNode("urn:x:p"), ox.Literal("o"))
    dataset = Dataset("two graphs", {"urn:x:g1": [triple], "urn:x:g2": [triple]})
    with pytest.raises(LoadError, match="blank node _:shared is in urn:x:g1 and urn:x:g2"):
        check_blank_nodes(dataset)
    check_blank_nodes(read_dataset())  # the project's own data has no such node
