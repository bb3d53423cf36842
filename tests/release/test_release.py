"""Release folders built from real git commits: deterministic, complete, checked by the policy."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
import rdflib

from bjaikg import PROJECT_ROOT
from bjaikg.__main__ import main
from bjaikg.knowledge_diff import Entity, EntityChange, KnowledgeDiff, count_line
from bjaikg.metadata import ABSTRACT, KEYWORDS, RIGHTS
from bjaikg.release import CHECKSUMS, DESCRIPTION, plan_release, write_release
from bjaikg.snapshots import open_snapshot
from bjaikg.versioning import Bump, Version, required_bump
from tests.release.conftest import INSTANCES, DataRepository
from tests.server_process import running_server

SPDX = "http://spdx.org/rdf/terms#"
DCTERMS = "http://purl.org/dc/terms/"
VOID = "http://rdfs.org/ns/void#"
BJ = "https://w3id.org/bjaikg/id/"
DCAT = "http://www.w3.org/ns/dcat#"


def build(repository: DataRepository, version: str, folder: Path) -> list[str]:
    """Plan and write release ``version`` of HEAD into ``folder``; returns the policy's
    problems (nothing is written when there are any)."""
    plan = plan_release(
        Version.parse(version),
        releases=repository.root / "releases",
        cwd=repository.root,
    )
    if not plan.problems:
        write_release(
            plan.snapshot,
            plan.version,
            folder,
            date=plan.date,
            commit=plan.commit,
            diff=plan.diff,
            previous=plan.previous,
        )
    return plan.problems


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_same_commit_gives_byte_identical_release(
    data_repository: DataRepository, tmp_path: Path
) -> None:
    data_repository.commit(INSTANCES, version="1.0.0")
    assert build(data_repository, "1.0.0", tmp_path / "one") == []
    assert build(data_repository, "1.0.0", tmp_path / "two") == []
    one = files_of(tmp_path / "one")
    assert one == files_of(tmp_path / "two")
    assert set(one) == {
        "bjaikg-1.0.0.nq",
        "graphs/inferred.ttl",
        "graphs/inferred.jsonld",
        "graphs/instances/data.ttl",
        "graphs/instances/data.jsonld",
        "graphs/ontology/core.ttl",
        "graphs/ontology/core.jsonld",
        "CHANGELOG.md",
        DESCRIPTION,
        CHECKSUMS,
    }
    assert b"2026-12-01" in one[DESCRIPTION]  # the commit's date, not today's


def test_checksums_and_description_match_the_files(
    data_repository: DataRepository, tmp_path: Path
) -> None:
    data_repository.commit(INSTANCES, version="1.0.0")
    folder = tmp_path / "release"
    assert build(data_repository, "1.0.0", folder) == []
    listed = {}
    for line in (folder / CHECKSUMS).read_text().splitlines():
        digest, name = line.split("  ", 1)
        listed[name] = digest
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest
    assert set(listed) == set(files_of(folder)) - {CHECKSUMS}
    description = ox.Store()
    description.load(path=folder / DESCRIPTION, format=ox.RdfFormat.TURTLE)
    rows = description.query(
        f"""SELECT ?url ?size ?sum ?type WHERE {{
          <https://w3id.org/bjaikg/releases/1.0.0> <{DCAT}distribution> ?d .
          ?d <{DCAT}downloadURL> ?url ; <{DCAT}byteSize> ?size ; <{DCAT}mediaType> ?type ;
             <{SPDX}checksum>/<{SPDX}checksumValue> ?sum }}"""
    )
    assert isinstance(rows, ox.QuerySolutions)
    described = {}
    for row in rows:
        name = row["url"].value.removeprefix("https://w3id.org/bjaikg/releases/1.0.0/")
        described[name] = (int(row["size"].value), row["sum"].value, row["type"].value)
    # one distribution per file but the description itself and the checksum list
    assert set(described) == set(listed) - {DESCRIPTION}
    for name, (size, digest, media_type) in described.items():
        assert size == (folder / name).stat().st_size
        assert digest == listed[name]
        assert media_type.startswith("https://www.iana.org/assignments/media-types/")
    text = (folder / DESCRIPTION).read_text(encoding="utf-8")
    for expected in ("dcat:version", "dcterms:license", "dcterms:bibliographicCitation"):
        assert expected in text
    # the release's sources (named ones only) and a source's snapshot with its checksum
    sources = description.query(
        f"""SELECT ?source ?sum WHERE {{
          <https://w3id.org/bjaikg/releases/1.0.0> <http://purl.org/dc/terms/source> ?source .
          OPTIONAL {{ ?source <{SPDX}checksum>/<{SPDX}checksumValue> ?sum }} }}"""
    )
    assert isinstance(sources, ox.QuerySolutions)
    found = {(row["source"].value, row["sum"].value if row["sum"] else None) for row in sources}
    assert found == {(f"{BJ}source-a", None)}  # the source, not its snapshot (1.27.1 named both)
    snapshot = description.query(
        f"""SELECT ?sum WHERE {{ <{BJ}source-a> <{DCAT}distribution>/<{SPDX}checksum>
          /<{SPDX}checksumValue> ?sum }}"""
    )
    assert isinstance(snapshot, ox.QuerySolutions)
    assert [row["sum"].value for row in snapshot] == ["ab"]


LINKED = (
    INSTANCES
    + """
bj:acme <http://www.w3.org/2004/02/skos/core#exactMatch> <http://www.wikidata.org/entity/Q1>,
    <https://ror.org/000000001> .
bj:globex <http://www.w3.org/2004/02/skos/core#exactMatch> <http://www.wikidata.org/entity/Q2> .
"""
)


def test_a_release_describes_itself_as_dcat_recommends(
    data_repository: DataRepository, tmp_path: Path
) -> None:
    """The release's void.ttl: description and rights (quotations keep their sources' terms)
    in both languages, creator and publisher as an agent with a name (DCMI's range of
    dcterms:creator is an agent, not a string), keywords, landing page, languages, the
    vocabularies its data uses, and a linkset per linked dataset counted from the data."""
    data_repository.commit(LINKED, version="1.0.0")
    folder = tmp_path / "release"
    assert build(data_repository, "1.0.0", folder) == []
    graph = rdflib.Graph().parse(folder / DESCRIPTION, format="turtle")
    me = rdflib.URIRef("https://w3id.org/bjaikg/releases/1.0.0")
    dct, dcat = rdflib.Namespace(DCTERMS), rdflib.Namespace(DCAT)
    void, foaf = rdflib.Namespace(VOID), rdflib.Namespace("http://xmlns.com/foaf/0.1/")
    for predicate, expected in ((dct.description, ABSTRACT), (dct.rights, RIGHTS)):
        texts = {
            getattr(value, "language", None): str(value) for value in graph.objects(me, predicate)
        }
        assert texts == expected
    [creator] = graph.objects(me, dct.creator)
    assert isinstance(creator, rdflib.URIRef) and graph.value(me, dct.publisher) == creator
    assert str(graph.value(creator, foaf.name)) == "bjaikg contributors"
    assert {str(word) for word in graph.objects(me, dcat.keyword)} == set(KEYWORDS)
    assert str(graph.value(me, dcat.landingPage)) == "https://w3id.org/bjaikg/dataset"
    assert {str(lang).rsplit("/", 1)[-1] for lang in graph.objects(me, dct.language)} == {
        "zh",
        "en",
    }
    vocabularies = {str(v) for v in graph.objects(me, void.vocabulary)}
    assert {
        "https://w3id.org/bjaikg/ontology#",
        "http://www.w3.org/2004/02/skos/core#",
        "http://www.w3.org/ns/prov#",
    } <= vocabularies
    assert BJ not in vocabularies
    linksets = {
        str(graph.value(linkset, void.triples)): sorted(
            str(target) for target in graph.objects(linkset, void.target)
        )
        for linkset in graph.subjects(rdflib.RDF.type, void.Linkset)
    }
    assert linksets == {
        "2": sorted([str(me), "https://www.wikidata.org/"]),
        "1": sorted([str(me), "https://ror.org/"]),
    }
    text = (folder / DESCRIPTION).read_text(encoding="utf-8")
    assert "http://www.iana.org/" not in text  # one form of media-type IRI, the registry's


def test_data_must_carry_the_version(data_repository: DataRepository, tmp_path: Path) -> None:
    data_repository.commit(INSTANCES, version="0.9.0")
    problems = build(data_repository, "1.0.0", tmp_path / "release")
    assert any("owl:versionInfo '0.9.0'" in problem for problem in problems)
    assert not (tmp_path / "release").exists()


@pytest.mark.parametrize(
    ("change", "refused", "accepted"),
    [
        # a removed IRI breaks links: major
        (
            lambda t: t.replace("bj:globex a bjo:Company ;", "bj:x a bjo:Company ;"),
            "1.1.0",
            "2.0.0",
        ),
        # deprecated with its replacement: minor
        (
            lambda t: t.replace(
                "bj:globex a bjo:Company ;",
                "bj:globex owl:deprecated true ; dcterms:isReplacedBy bj:acme .\n"
                "bj:g2 a bjo:Company ;",
            ),
            "1.0.1",
            "1.1.0",
        ),
        # a value corrected: patch
        (lambda t: t.replace("bjo:employees 100", "bjo:employees 101"), "1.0.0", "1.0.1"),
    ],
)
def test_version_policy(
    data_repository: DataRepository, tmp_path: Path, change, refused: str, accepted: str
) -> None:
    data_repository.commit(INSTANCES, version="1.0.0")
    assert build(data_repository, "1.0.0", data_repository.root / "releases" / "1.0.0") == []
    data_repository.commit(change(INSTANCES), version=refused)
    assert build(data_repository, refused, tmp_path / "refused") != []
    data_repository.commit(change(INSTANCES), version=accepted)
    folder = data_repository.root / "releases" / accepted
    assert build(data_repository, accepted, folder) == []
    assert "dcat:previousVersion" in (folder / DESCRIPTION).read_text(encoding="utf-8")
    assert "Knowledge diff" not in (folder / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "entities" in (folder / "CHANGELOG.md").read_text(encoding="utf-8")


def test_required_bump_names_the_removed_iris(
    data_repository: DataRepository, tmp_path: Path
) -> None:
    data_repository.commit(INSTANCES, version="1.0.0")
    assert build(data_repository, "1.0.0", data_repository.root / "releases" / "1.0.0") == []
    data_repository.commit(INSTANCES.replace("bj:globex", "bj:globex-2"), version="1.0.1")
    plan = plan_release(
        Version.parse("1.0.1"), releases=data_repository.root / "releases", cwd=data_repository.root
    )
    assert plan.diff is not None
    bump, reasons = required_bump(plan.diff)
    assert bump is Bump.MAJOR
    assert "bj:globex 「环球」 Globex" in reasons[0]
    assert plan.problems == [
        f"1.0.0 → 1.0.1 is a patch bump; the change needs a major one ({reasons[0]})"
    ]


def test_a_dropped_declaration_of_another_vocabulary_is_no_removed_iri() -> None:
    """Only the project's own IRIs are released IRIs: ontology/external.ttl may stop declaring
    a term of another vocabulary (qb:DataSet) without a major bump."""
    ours = EntityChange(Entity("https://w3id.org/bjaikg/id/globex"), "removed")
    theirs = EntityChange(Entity("http://purl.org/linked-data/cube#DataSet"), "removed")
    assert required_bump(KnowledgeDiff("a", "b", removed=[theirs]))[0] is Bump.PATCH
    assert required_bump(KnowledgeDiff("a", "b", removed=[theirs, ours]))[0] is Bump.MAJOR


def test_the_release_command_refuses_a_version_and_writes_nothing(tmp_path: Path) -> None:
    """``python -m bjaikg release`` on the project: a refused version exits 1, says why on
    stderr, and leaves no folder."""
    newest = max(Version.parse(folder.name) for folder in (PROJECT_ROOT / "releases").iterdir())
    folder = tmp_path / "release"
    completed = subprocess.run(
        [sys.executable, "-m", "bjaikg", "release", "0.0.1", "--output", str(folder)],
        capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=120, check=False,
    )  # fmt: skip
    assert completed.returncode == 1
    assert completed.stderr == (
        f"bjaikg release: refused: 0.0.1 is not newer than the last release {newest}\n"
    )
    assert not folder.exists()


def test_an_output_that_is_a_file_or_cannot_be_made_is_an_error_not_a_traceback(
    data_repository: DataRepository,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data_repository.commit(INSTANCES, version="1.0.0")
    plan = plan_release(Version.parse("1.0.0"), releases=tmp_path, cwd=data_repository.root)
    monkeypatch.setattr("bjaikg.__main__.plan_release", lambda *_, **__: plan)
    file = tmp_path / "notes.txt"
    file.write_text("not a folder", encoding="utf-8")
    expected = {
        file: f"{file} exists and is not a folder",
        file / "1.0.0": f"{file}: File exists",
    }
    for output, message in expected.items():
        assert main(["release", "1.0.0", "--output", str(output)]) == 2
        assert capsys.readouterr().err == f"bjaikg: error: {message}\n"
    assert file.read_text(encoding="utf-8") == "not a folder"


FAILING_WRITE = """
import resource, signal, sys
from pathlib import Path
from bjaikg.release import plan_release, write_release
from bjaikg.versioning import Version

root, folder = Path(sys.argv[1]), Path(sys.argv[2])
plan = plan_release(Version.parse("1.0.0"), releases=root / "releases", cwd=root)
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
resource.setrlimit(resource.RLIMIT_FSIZE, (1000, resource.RLIM_INFINITY))
write_release(plan.snapshot, plan.version, folder, date=plan.date, replace=True)
"""
"""Replace release 1.0.0 with files at most 1,000 bytes long: a write that fails mid-way, for
real, as on a full disk (``EFBIG`` here, ``ENOSPC`` there)."""


def test_a_replacing_write_that_fails_leaves_the_old_release(
    data_repository: DataRepository, tmp_path: Path
) -> None:
    data_repository.commit(INSTANCES, version="1.0.0")
    folder = tmp_path / "1.0.0"
    assert build(data_repository, "1.0.0", folder) == []
    before = files_of(folder)
    assert max(map(len, before.values())) > 1000
    failed = subprocess.run(
        [sys.executable, "-c", FAILING_WRITE, str(data_repository.root), str(folder)],
        capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=120, check=False,
    )  # fmt: skip
    assert failed.returncode == 1 and "File too large" in failed.stderr, failed.stderr[-500:]
    assert files_of(folder) == before
    assert not (tmp_path / ".1.0.0.partial").exists()


def test_a_structure_no_iri_holds_is_a_patch_with_its_reason() -> None:
    """A blank-node structure that no IRI holds (a ``skos:Collection`` of search notes) added:
    a patch that says so, not "no change to the knowledge"; the counts line names it too."""
    diff = KnowledgeDiff("a", "b", structures_added=["[ a skos:Collection ]"], triples_added=1)
    assert required_bump(diff) == (Bump.PATCH, ["1 blank-node structures added, 0 removed"])
    assert count_line(diff) == (
        "0 entities added, 0 removed, 0 changed; 1 blank-node structures added, 0 removed; "
        "1 triples added, 0 removed"
    )


@pytest.mark.server
def test_the_served_nquads_dump_is_the_release_file_of_the_same_data(tmp_path: Path) -> None:
    """``/dump.nq`` is written as a release writes ``bjaikg-VERSION.nq`` (blank nodes labelled
    by RDFC-1.0, sorted), so a researcher can check a download against a release's SHA256SUMS
    (R5's finding 12, session 38: the same lines in another order)."""
    snapshot = open_snapshot(str(PROJECT_ROOT), with_inference=True)
    write_release(snapshot, Version.parse("0.0.1"), tmp_path / "release", date="2026-12-07")
    released = (tmp_path / "release" / "bjaikg-0.0.1.nq").read_bytes()
    with running_server("--workers", "1") as server:
        served = httpx.get(server.url + "/dump.nq", timeout=60.0)
    assert served.status_code == 200
    assert hashlib.sha256(served.content).hexdigest() == hashlib.sha256(released).hexdigest()
