"""Putting a release (or the working tree) into an external triple store, graph by graph.

The store receives the same named graphs as the embedded one (bjaikg/store.py): one per file
(``bjg:<folder>/<stem>``) and ``bjg:inferred``. Three ways in (docs/deployment.md#stores):

- ``gsp``: the SPARQL 1.1 Graph Store Protocol, one ``PUT ?graph=IRI`` of Turtle per graph
  (any store; replaces each graph it sends). Virtuoso needs its authenticated endpoint
  ``/sparql-graph-crud-auth`` (HTTP digest, a user with SPARQL_UPDATE such as ``dba``).
- ``virtuoso``: Virtuoso's bulk loader, ``ld_dir`` + ``rdf_loader_run()`` through ``isql-vt``;
  the N-Quads file is written into a folder the server may read (its ``DirsAllowed``), so the
  loader must run on the store's machine.
- ``oxigraph``: ``oxigraph load --location DIR`` into an Oxigraph server's folder while no server
  has it open (RocksDB allows one writer); start ``oxigraph serve`` on it afterwards.

Requests to the store go through :class:`bjaikg.remote_store.RemoteStore` (its ``send`` for
the Graph Store calls, with HTTP digest credentials where given); its one-line
:class:`~bjaikg.remote_store.StoreError` becomes a :class:`LoadError`.

Afterwards the triple count of every named graph is checked with a SPARQL ``COUNT`` (over HTTP,
or for ``oxigraph`` over the folder opened read-only) and each graph that differs is named.

Hazards: the Graph Store Protocol parses each graph as a document of its own, so a blank node
shared by two graphs would become two; :func:`send_graphs` refuses such a dataset rather than
split it (the project's data has none). ``isql-vt`` takes the password on its command line,
where other users of the machine can see it in the process list.
"""

from __future__ import annotations

import subprocess
import tempfile
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from bjaikg import PROJECT_ROOT
from bjaikg.errors import BjaikgError
from bjaikg.namespaces import BJG, PREFIXES
from bjaikg.remote_store import RemoteStore, StoreError
from bjaikg.snapshots import Snapshot, load_checkout, load_release

METHODS = ("gsp", "virtuoso", "oxigraph")

GRAPH_COUNTS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
"""One row per named graph of the store with its number of triples."""

HTTP_SECONDS = 300.0
"""How long one request to the store may take (a large graph's PUT, a COUNT)."""


class LoadError(BjaikgError):
    """The store cannot be reached, refused the data, or holds other counts than were sent."""


@dataclass(frozen=True)
class Dataset:
    """The named graphs to load: graph IRI to its triples (each triple once)."""

    name: str
    graphs: dict[str, list[ox.Triple]]

    @property
    def counts(self) -> dict[str, int]:
        """Triples per graph, as the store must hold them after loading."""
        return {graph: len(triples) for graph, triples in self.graphs.items()}

    def quads(self) -> Iterable[ox.Quad]:
        """Every triple with its graph."""
        for graph, triples in self.graphs.items():
            name = ox.NamedNode(graph)
            yield from (ox.Quad(t.subject, t.predicate, t.object, name) for t in triples)


def put_graph(store: RemoteStore, url: str, graph: str, triples: list[ox.Triple]) -> None:
    """Replace ``graph`` with ``triples`` at the Graph Store endpoint ``url`` (``PUT``).

    The body is Turtle opening with ``@prefix`` lines (:data:`~bjaikg.namespaces.PREFIXES`):
    Virtuoso ignores the request's Content-Type and guesses the type from the body's first
    65535 bytes, and refuses N-Triples that open with a longer line as "unsupported type
    text/plain"; a body whose first line is ``@prefix`` it takes as Turtle.
    """
    body = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    headers = {"Content-Type": "text/turtle"}
    store.send("PUT", url, params={"graph": graph}, content=body, headers=headers)


def store_counts(store: RemoteStore) -> dict[str, int]:
    """Triples per named graph of ``store`` (:data:`GRAPH_COUNTS`)."""
    solutions = store.query(GRAPH_COUNTS)
    assert isinstance(solutions, ox.QuerySolutions)
    return graph_counts(solutions)


def read_dataset(release: Path | None = None) -> Dataset:
    """The graphs of the release folder ``release``, or of the working tree with inference."""
    snapshot: Snapshot = (
        load_release(release)
        if release is not None
        else load_checkout(PROJECT_ROOT, "working tree", with_inference=True)
    )
    graphs: dict[str, set[ox.Triple]] = defaultdict(set)
    for quad in snapshot.quads:
        if not isinstance(quad.graph_name, ox.NamedNode):
            raise LoadError(f"{snapshot.name}: a triple outside any named graph: {quad}")
        graphs[quad.graph_name.value].add(quad.triple)
    return Dataset(
        snapshot.name, {graph: sorted(triples, key=str) for graph, triples in graphs.items()}
    )


def graph_counts(solutions: ox.QuerySolutions) -> dict[str, int]:
    """Triples per graph from the answer to :data:`GRAPH_COUNTS`."""
    return {str(row["g"].value): int(row["n"].value) for row in solutions}


def ours(counts: dict[str, int]) -> dict[str, int]:
    """The graphs of this project (``bjg:``) among ``counts``; a store has graphs of its own."""
    return {graph: count for graph, count in counts.items() if graph.startswith(str(BJG))}


def count_differences(expected: dict[str, int], found: dict[str, int]) -> list[str]:
    """One line per project graph whose count in the store differs from what was loaded."""
    lines = []
    for graph in sorted(expected.keys() | ours(found).keys()):
        sent, held = expected.get(graph, 0), found.get(graph, 0)
        if sent != held:
            lines.append(f"{graph}: {held} triples in the store, {sent} loaded")
    return lines


def check_counts(expected: dict[str, int], found: dict[str, int], where: str) -> None:
    """Raise a :class:`LoadError` naming every graph whose count differs."""
    problems = count_differences(expected, found)
    if problems:
        raise LoadError(f"{where}: triple counts differ:\n  " + "\n  ".join(problems))


def refuse_existing(found: dict[str, int], where: str) -> None:
    """A :class:`LoadError` when the store already holds graphs of this project."""
    present = ours(found)
    if present:
        names = ", ".join(sorted(present)[:3]) + (" …" if len(present) > 3 else "")
        raise LoadError(
            f"{where}: already holds {len(present)} graph(s) of this project ({names}); "
            "give --replace to replace them"
        )


def check_blank_nodes(dataset: Dataset) -> None:
    """Refuse a dataset with a blank node in two graphs (the Graph Store Protocol splits it)."""
    seen: dict[ox.BlankNode, str] = {}
    for graph, triples in dataset.graphs.items():
        for triple in triples:
            for term in (triple.subject, triple.object):
                if isinstance(term, ox.BlankNode) and seen.setdefault(term, graph) != graph:
                    raise LoadError(
                        f"{dataset.name}: blank node {term} is in {seen[term]} and {graph}; "
                        "the Graph Store Protocol cannot keep it one node (use a bulk loader)"
                    )


def send_graphs(dataset: Dataset, store: RemoteStore, url: str, *, replace: bool) -> None:
    """Load ``dataset`` through the Graph Store Protocol at ``url``, one ``PUT`` per graph.

    With ``replace``, project graphs the store holds that the dataset lacks are deleted.
    """
    check_blank_nodes(dataset)
    found = store_counts(store)
    if not replace:
        refuse_existing(found, store.url)
    for graph in sorted(ours(found).keys() - dataset.graphs.keys()):
        store.send("DELETE", url, params={"graph": graph})
    for graph, triples in dataset.graphs.items():
        put_graph(store, url, graph, triples)


@dataclass(frozen=True)
class VirtuosoConsole:
    """Virtuoso's SQL console (``isql-vt``) and a folder its server may read (``DirsAllowed``)."""

    address: str
    """``HOST:PORT`` of the server's SQL port (``ServerPort`` of [Parameters])."""
    user: str
    password: str
    folder: Path

    def run(self, statements: str) -> str:
        """Run SQL ``statements`` (separated by ``;``) and return the console's output.

        Raises :class:`LoadError` when ``isql-vt`` is missing or reports an error.
        """
        command = ["isql-vt", self.address, self.user, self.password]
        command += ["VERBOSE=OFF", "BANNER=OFF", "PROMPT=OFF", "ECHO=OFF", "ERRORS=STDOUT"]
        try:
            result = subprocess.run(
                [*command, f"EXEC={statements}"], capture_output=True, text=True, check=False
            )
        except FileNotFoundError:
            raise LoadError("isql-vt not found (Debian package virtuoso-opensource)") from None
        output = result.stdout + result.stderr
        errors = [line for line in output.splitlines() if line.startswith("*** Error")]
        if errors or result.returncode != 0:
            detail = errors[0] if errors else output.strip().splitlines()[-1:]
            raise LoadError(f"isql-vt {self.address}: {detail}")
        return output


def sql_string(text: str) -> str:
    """``text`` as an SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def bulk_load_virtuoso(
    dataset: Dataset, console: VirtuosoConsole, store: RemoteStore, *, replace: bool
) -> None:
    """Load ``dataset`` with Virtuoso's bulk loader (one N-Quads file, ``rdf_loader_run``).

    With ``replace`` every project graph in the store is cleared first. The file is removed and
    its row deleted from ``DB.DBA.load_list`` afterwards; a row with ``ll_error`` is reported.
    """
    found = store_counts(store)
    if not replace:
        refuse_existing(found, store.url)
    clear = "".join(f"SPARQL CLEAR GRAPH <{graph}>;" for graph in sorted(ours(found)))
    path = console.folder / f"bjaikg-{uuid.uuid4().hex}.nq"
    path.write_bytes(ox.serialize(dataset.quads(), format=ox.RdfFormat.N_QUADS) or b"")
    try:
        output = console.run(
            f"{clear}ld_dir({sql_string(str(console.folder))}, {sql_string(path.name)}, "
            f"{sql_string(str(BJG) + 'unnamed')});"
            "rdf_loader_run();checkpoint;"
            f"SELECT 'LOADERROR', ll_error FROM DB.DBA.load_list WHERE ll_file = "
            f"{sql_string(str(path))} AND ll_error IS NOT NULL;"
            f"DELETE FROM DB.DBA.load_list WHERE ll_file = {sql_string(str(path))};"
        )
    finally:
        path.unlink(missing_ok=True)
    failed = [line for line in output.splitlines() if line.startswith("LOADERROR")]
    if failed:
        raise LoadError(f"Virtuoso's bulk loader failed on {path.name}: {failed[0][9:].strip()}")


def load_oxigraph_folder(dataset: Dataset, location: Path, *, replace: bool) -> dict[str, int]:
    """Load ``dataset`` into an Oxigraph server's folder with ``oxigraph load``; its counts after.

    No server may have ``location`` open. With ``replace`` the project graphs are dropped first
    (``oxigraph update``).
    """
    found = folder_counts(location) if location.exists() else {}
    if not replace:
        refuse_existing(found, str(location))
    drops = ";".join(f"DROP GRAPH <{graph}>" for graph in sorted(ours(found)))
    with tempfile.TemporaryDirectory() as temporary:
        path = Path(temporary) / "bjaikg.nq"
        path.write_bytes(ox.serialize(dataset.quads(), format=ox.RdfFormat.N_QUADS) or b"")
        if drops:
            run_oxigraph(["update", "--location", str(location), "--update", drops])
        run_oxigraph(["load", "--location", str(location), "--file", str(path)])
    return folder_counts(location)


def run_oxigraph(arguments: list[str]) -> None:
    """Run the ``oxigraph`` command (PyPI package oxigraph); a :class:`LoadError` if it fails."""
    try:
        result = subprocess.run(["oxigraph", *arguments], capture_output=True, text=True)
    except FileNotFoundError:
        raise LoadError("the oxigraph command is not installed (PyPI package oxigraph)") from None
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["no message"])[-1]
        raise LoadError(f"oxigraph {arguments[0]} failed: {last}")


def folder_counts(location: Path) -> dict[str, int]:
    """Triples per named graph of an Oxigraph folder opened read-only."""
    try:
        store = ox.Store.read_only(str(location))
    except OSError as error:
        raise LoadError(f"{location}: not an Oxigraph folder: {error}") from None
    solutions = store.query(GRAPH_COUNTS)
    assert isinstance(solutions, ox.QuerySolutions)
    return graph_counts(solutions)


@dataclass(frozen=True)
class Target:
    """Where and how to load: the store's URLs and credentials, and what its bulk loader needs."""

    query_url: str | None = None
    graph_store_url: str | None = None
    user: str | None = None
    password: str | None = None
    isql: str | None = None
    """Virtuoso's SQL port ``HOST:PORT`` (``virtuoso`` method)."""
    load_folder: Path | None = None
    """A folder in Virtuoso's ``DirsAllowed`` on this machine (``virtuoso`` method)."""
    location: Path | None = None
    """The Oxigraph server's folder (``oxigraph`` method)."""


def load_dataset(dataset: Dataset, method: str, target: Target, *, replace: bool) -> dict[str, int]:
    """Load ``dataset`` into ``target`` by ``method`` and check every graph's triple count.

    Returns the counts of the project's graphs found in the store. Raises :class:`LoadError`
    (one line for a store that cannot be reached or refuses; a line per graph that differs),
    and :class:`~bjaikg.errors.BjaikgError` when ``target`` lacks what ``method`` needs (a
    usage error: exit 2, not the store's 1).
    """
    if method == "oxigraph":
        if target.location is None:
            raise BjaikgError("the oxigraph method needs --location (the server's folder)")
        found = load_oxigraph_folder(dataset, target.location, replace=replace)
        check_counts(dataset.counts, found, str(target.location))
        return ours(found)
    if target.query_url is None:
        raise BjaikgError(f"the {method} method needs --into (the store's SPARQL query URL)")
    store = RemoteStore(
        target.query_url, seconds=HTTP_SECONDS, user=target.user, password=target.password
    )
    try:
        if method == "gsp":
            url = target.graph_store_url or target.query_url
            send_graphs(dataset, store, url, replace=replace)
        elif method == "virtuoso":
            isql, folder, user, password = (
                target.isql,
                target.load_folder,
                target.user,
                target.password,
            )
            if isql is None or folder is None or user is None or password is None:
                raise BjaikgError(
                    "the virtuoso method needs --isql, --load-folder, --user, a password"
                )
            console = VirtuosoConsole(isql, user, password, folder)
            bulk_load_virtuoso(dataset, console, store, replace=replace)
        else:
            raise LoadError(f"unknown method {method!r} (one of {', '.join(METHODS)})")
        found = store_counts(store)
    except StoreError as error:
        raise LoadError(str(error)) from None
    finally:
        store.close()
    check_counts(dataset.counts, found, target.query_url)
    return ours(found)
