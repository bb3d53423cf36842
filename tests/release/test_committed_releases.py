"""Every committed release in ``releases/`` checked against itself (never the working tree,
which moves on): its checksums, the sizes and checksums its description states, and its
N-Quads loaded into a fresh pyoxigraph store with the triple count of each graph that its
``void.ttl`` states; the newest release's N-Quads into rdflib too.

rdflib reads the newest release only: it takes ten times as long as pyoxigraph, and an older
release's bytes are pinned by its checksums, so what rdflib could newly fail on is a change of
rdflib, which the newest release meets as well."""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from bjaikg import PROJECT_ROOT
from bjaikg.release import CHECKSUMS, DESCRIPTION
from bjaikg.snapshots import release_data_file
from bjaikg.versioning import release_versions

RELEASES = release_versions(PROJECT_ROOT / "releases")
VOID = "http://rdfs.org/ns/void#"
SD = "http://www.w3.org/ns/sparql-service-description#"
DCAT = "http://www.w3.org/ns/dcat#"
SPDX = "http://spdx.org/rdf/terms#"


def test_there_is_a_release() -> None:
    assert [str(version) for version, _ in RELEASES][:1] == ["1.0.0"]


def description(folder: Path) -> ox.Store:
    store = ox.Store()
    store.load(path=folder / DESCRIPTION, format=ox.RdfFormat.TURTLE)
    return store


def solutions(store: ox.Store, query: str) -> list[ox.QuerySolution]:
    result = store.query(query)
    assert isinstance(result, ox.QuerySolutions)
    return list(result)


@pytest.mark.parametrize("folder", [folder for _, folder in RELEASES], ids=lambda f: f.name)
def test_checksums(folder: Path) -> None:
    lines = (folder / CHECKSUMS).read_text(encoding="ascii").splitlines()
    listed = {name: digest for digest, name in (line.split("  ", 1) for line in lines)}
    present = {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}
    assert set(listed) == present - {CHECKSUMS}
    for name, digest in listed.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name
    rows = solutions(
        description(folder),
        f"""SELECT ?url ?size ?sum WHERE {{
          ?release <{DCAT}distribution> ?d .
          ?d <{DCAT}downloadURL> ?url ; <{DCAT}byteSize> ?size ;
             <{SPDX}checksum>/<{SPDX}checksumValue> ?sum
          FILTER(CONTAINS(STR(?url), "/releases/{folder.name}/")) }}""",
    )  # from 1.23.1 on, the sources' snapshots have checksums too: theirs are not the release's
    assert {row["url"].value.rsplit(f"/{folder.name}/", 1)[1] for row in rows} == set(listed) - {
        DESCRIPTION
    }
    for row in rows:
        name = row["url"].value.rsplit(f"/{folder.name}/", 1)[1]
        assert int(row["size"].value) == (folder / name).stat().st_size
        assert row["sum"].value == listed[name]


@pytest.mark.parametrize("folder", [folder for _, folder in RELEASES], ids=lambda f: f.name)
def test_nquads_load_with_the_described_counts(folder: Path) -> None:
    stated = {
        row["graph"].value: int(row["triples"].value)
        for row in solutions(
            description(folder),
            f"SELECT ?graph ?triples WHERE {{ ?s <{SD}name> ?graph ; <{VOID}triples> ?triples }}",
        )
    }
    assert stated, "the description states triples per graph"
    data = release_data_file(folder)
    store = ox.Store()
    store.load(path=data, format=ox.RdfFormat.N_QUADS)
    in_oxigraph = Counter(quad.graph_name.value for quad in store)
    assert dict(in_oxigraph) == stated
    if folder == RELEASES[-1][1]:
        dataset = rdflib.Dataset()
        dataset.parse(data, format="nquads")
        in_rdflib = {
            str(graph.identifier): len(graph)
            for graph in dataset.graphs()
            if graph.identifier != rdflib.graph.DATASET_DEFAULT_GRAPH_ID
        }
        assert in_rdflib == stated
    # each graph's own Turtle and JSON-LD file holds the same triples
    for graph, count in stated.items():
        stem = folder / "graphs" / graph.removeprefix("https://w3id.org/bjaikg/graph/")
        for suffix, form in ((".ttl", ox.RdfFormat.TURTLE), (".jsonld", ox.RdfFormat.JSON_LD)):
            with Path(f"{stem}{suffix}").open("rb") as text:
                assert len(set(ox.parse(text, format=form))) == count, f"{stem}{suffix}"
