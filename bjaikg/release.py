"""A release folder: the dataset in every format, checksums, a DCAT/VoID description, changelog.

:func:`write_release` writes, for one version of the data (a
:class:`~bjaikg.snapshots.Snapshot` loaded with inference)::

    bjaikg-VERSION.nq         every graph, inferred triples in bjg:inferred (N-Quads)
    graphs/<graph>.ttl        one Turtle file per named graph
    graphs/<graph>.jsonld     one JSON-LD file per named graph
    CHANGELOG.md              the knowledge diff from the previous release
    void.ttl                  DCAT/VoID: version, date, licence, citation, sources,
                              one dcat:Distribution per file (media type, size, SHA-256)
    SHA256SUMS                `sha256sum -c` form, every file but itself

The files are a function of the data, the version, the date and the commit only: blank nodes
are relabelled by RDFC-1.0 (pyoxigraph's canonicalisation), statements are sorted, and no clock
is read, so the same commit gives byte-identical files.

Hazard: the whole dataset is held in memory several times over (quads, canonical dataset,
serialisations); fine at 1e6 triples, not at 1e8. An existing output folder is replaced only
when the caller asks (``replace=True``), and then removed first.
"""

from __future__ import annotations

import hashlib
import shutil
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from bjaikg import PROJECT_ROOT
from bjaikg.knowledge_diff import KnowledgeDiff, count_line, diff_snapshots, render_markdown
from bjaikg.linking.targets import SKOS_EXACT_MATCH, TARGETS
from bjaikg.metadata import (
    ABSTRACT,
    BASE,
    CREATOR,
    CREATOR_IRI,
    DATASET_IRI,
    DEFAULT_LICENCE,
    KEYWORDS,
    LANGUAGES,
    RIGHTS,
    TITLE,
)
from bjaikg.namespaces import BJ, BJG, BJO, PREFIXES, expand
from bjaikg.snapshots import (
    CHECKSUMS,
    Snapshot,
    commit_date,
    commit_of,
    load_checkout,
    load_release,
    unpacked_revision,
)
from bjaikg.sources.registry import sha256_of
from bjaikg.versioning import DataVersion, Version, check_version, latest_release

IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"
"""Where a release's description names each file's media type (``dcat:mediaType``): the https
form the registry (instances/sources.ttl) and its shape use; releases up to 1.27.1 wrote http."""
DESCRIPTION = "void.ttl"
CHANGELOG = "CHANGELOG.md"
MEDIA_TYPES = {
    ".nq": "application/n-quads",
    ".ttl": "text/turtle",
    ".jsonld": "application/ld+json",
    ".md": "text/markdown",
}
SOURCES = {ox.NamedNode(f"{BJO}{kind}") for kind in ("SourceDocument", "SourceDataset")}
SOURCE_PARTS = {
    ox.NamedNode("http://www.w3.org/ns/dcat#distribution"),
    ox.NamedNode("http://spdx.org/rdf/terms#checksum"),
}
RDF_TYPE = ox.NamedNode(f"{PREFIXES['rdf']}type")
LINKED_DATASETS = {
    "wikidata": "https://www.wikidata.org/",
    "geonames": "https://www.geonames.org/",
    "ror": "https://ror.org/",
}
"""The dataset each kind of ``skos:exactMatch`` link (:data:`~bjaikg.linking.targets.TARGETS`)
points into: the other end (``void:target``) of its ``void:Linkset``."""
LINKSETS = tuple(
    (link.key, link.name, link.namespace, LINKED_DATASETS[link.key])
    for link in TARGETS
    if link.predicate == SKOS_EXACT_MATCH
)
"""Per linkset: key, name, the namespace of its link targets, the linked dataset's IRI."""
NOT_VOCABULARIES = frozenset({str(BJ), str(BJG), PREFIXES["bjsh"]})
"""Project namespaces of things described, not of terms: never a ``void:vocabulary``."""


@dataclass(frozen=True)
class ReleaseFile:
    """One file of a release: its path in the folder, size, SHA-256 and the graph it holds."""

    path: str
    size: int
    sha256: str
    graph: str = ""

    @property
    def media_type(self) -> str:
        """The file's media type, by its suffix."""
        return MEDIA_TYPES[Path(self.path).suffix]


@dataclass
class Release:
    """What :func:`write_release` wrote and what it says about it."""

    version: Version
    date: str
    folder: Path
    commit: str
    files: list[ReleaseFile] = field(default_factory=list)
    triples_per_graph: dict[str, int] = field(default_factory=dict)

    @property
    def iri(self) -> str:
        """The release's IRI, ``https://w3id.org/bjaikg/releases/VERSION``."""
        return f"{BASE}/releases/{self.version}"

    @property
    def citation(self) -> str:
        """How to cite this release."""
        return citation(str(self.version), self.date)


def citation(version: str, date: str) -> str:
    """The citation of release ``version`` issued on ``date`` (``YYYY-MM-DD``)."""
    return (
        f"{CREATOR} ({date[:4]}). {TITLE['en']} ({TITLE['zh']}), version {version} "
        f"[Data set]. {BASE}/releases/{version}"
    )


def graph_file_stem(graph: ox.NamedNode) -> str:
    """Where a graph's files go in the release: ``graphs/instances/chips`` for
    ``bjg:instances/chips``; ValueError for a graph outside ``bjg:``."""
    if not graph.value.startswith(str(BJG)):
        raise ValueError(f"graph {graph} is not a project graph (bjg:)")
    local = graph.value[len(str(BJG)) :]
    if not local or ".." in local.split("/"):
        raise ValueError(f"graph {graph} has no usable name")
    return f"graphs/{local}"


def canonical_quads(quads: list[ox.Quad]) -> list[ox.Quad]:
    """``quads`` with blank nodes relabelled by RDFC-1.0, sorted by graph then statement."""
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return sorted(dataset, key=lambda quad: (str(quad.graph_name), str(quad.triple)))


def _serialize(
    statements: list[ox.Quad] | list[ox.Triple],
    *,
    format: ox.RdfFormat,
    prefixes: dict[str, str] | None = None,
) -> bytes:
    data = ox.serialize(statements, format=format, prefixes=prefixes)
    assert data is not None, "serialize returns bytes when given no output"
    return data


def _write(folder: Path, relative: str, data: bytes, graph: str = "") -> ReleaseFile:
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return ReleaseFile(relative, len(data), hashlib.sha256(data).hexdigest(), graph)


def changelog(version: Version, date: str, diff: KnowledgeDiff | None, snapshot: Snapshot) -> str:
    """The release's CHANGELOG.md: the knowledge diff from the previous release (Markdown)."""
    lines = [f"# {TITLE['en']} {version} ({date})", ""]
    if diff is None:
        asserted = sum(1 for _ in snapshot.asserted())
        subjects = {q.subject for q in snapshot.asserted() if isinstance(q.subject, ox.NamedNode)}
        lines.append(
            f"First release: {asserted} asserted triples about {len(subjects)} IRIs "
            f"({len(snapshot.quads) - asserted} more inferred)."
        )
        return "\n".join(lines) + "\n"
    lines.append(count_line(diff) + ".")
    body = render_markdown(diff).split("\n", 3)
    return "\n".join(lines) + "\n" + (body[3] if len(body) > 3 else "")


def write_release(
    snapshot: Snapshot,
    version: Version,
    folder: Path,
    *,
    date: str,
    commit: str = "",
    diff: KnowledgeDiff | None = None,
    previous: Version | None = None,
    replace: bool = False,
) -> Release:
    """Write the release ``version`` of ``snapshot`` into ``folder`` (see the module docstring).

    ``diff`` is the knowledge diff from the ``previous`` release (``None`` for the first).
    Raises FileExistsError when ``folder`` is a file, or exists and is not empty, unless
    ``replace``; OSError when it cannot be made or written.

    The files are written into a hidden sibling folder (``.VERSION.partial``, which no
    version-named folder listing takes for a release) that takes ``folder``'s place once
    complete: a write that fails (a full disk) leaves ``folder``, and under ``replace`` the old
    release in it, as it was.
    """
    if folder.exists() and not folder.is_dir():
        raise FileExistsError(f"{folder} exists and is not a folder")
    if folder.exists() and any(folder.iterdir()) and not replace:
        raise FileExistsError(f"{folder} exists and is not empty")
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = folder.with_name(f".{folder.name}.partial")
    shutil.rmtree(staging, ignore_errors=True)  # left by a run that was killed
    staging.mkdir()
    try:
        release = Release(version=version, date=date, folder=folder, commit=commit)
        quads = canonical_quads(snapshot.quads)
        nquads = _serialize(quads, format=ox.RdfFormat.N_QUADS)
        release.files.append(_write(staging, f"bjaikg-{version}.nq", nquads))
        by_graph: dict[ox.NamedNode, list[ox.Triple]] = defaultdict(list)
        for quad in quads:
            assert isinstance(quad.graph_name, ox.NamedNode), "every triple is in a named graph"
            by_graph[quad.graph_name].append(quad.triple)
        for graph, triples in sorted(by_graph.items(), key=lambda item: item[0].value):
            stem = graph_file_stem(graph)
            release.triples_per_graph[graph.value] = len(triples)
            for suffix, form in ((".ttl", ox.RdfFormat.TURTLE), (".jsonld", ox.RdfFormat.JSON_LD)):
                data = _serialize(triples, format=form, prefixes=PREFIXES)
                release.files.append(_write(staging, stem + suffix, data, graph.value))
        text = changelog(version, date, diff, snapshot)
        release.files.append(_write(staging, CHANGELOG, text.encode("utf-8")))
        description = describe_release(release, snapshot, previous)
        _write(staging, DESCRIPTION, description)
        listed = sorted([*release.files, _file_entry(staging, DESCRIPTION)], key=lambda f: f.path)
        sums = "".join(f"{item.sha256}  {item.path}\n" for item in listed)
        _write(staging, CHECKSUMS, sums.encode("ascii"))
        if folder.exists():
            shutil.rmtree(folder)
        staging.rename(folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # nothing left after the rename
    return release


def _file_entry(folder: Path, relative: str) -> ReleaseFile:
    path = folder / relative
    return ReleaseFile(relative, path.stat().st_size, sha256_of(path))


def _term(prefixed: str) -> ox.NamedNode:
    return ox.NamedNode(expand(prefixed))


def dataset_metadata(subject: str) -> list[ox.Triple]:
    """What the served dataset and every release say of themselves alike (DCAT's recommended
    properties): description (CITATION.cff's abstract) and rights in Chinese and English,
    creator and publisher (one ``foaf:Organization`` with its ``foaf:name``), keywords, landing
    page and the languages of the data."""
    me = ox.NamedNode(subject)
    agent = ox.NamedNode(CREATOR_IRI)
    triples = [
        *(ox.Triple(me, _term("dcterms:description"), ox.Literal(text, language=language))
          for language, text in ABSTRACT.items()),
        *(ox.Triple(me, _term("dcterms:rights"), ox.Literal(text, language=language))
          for language, text in RIGHTS.items()),
        ox.Triple(me, _term("dcterms:creator"), agent),
        ox.Triple(me, _term("dcterms:publisher"), agent),
        ox.Triple(agent, RDF_TYPE, _term("foaf:Organization")),
        ox.Triple(agent, _term("foaf:name"), ox.Literal(CREATOR)),
        *(ox.Triple(me, _term("dcat:keyword"), ox.Literal(word)) for word in KEYWORDS),
        ox.Triple(me, _term("dcat:landingPage"), ox.NamedNode(DATASET_IRI)),
        *(ox.Triple(me, _term("dcterms:language"), ox.NamedNode(iri))
          for iri in LANGUAGES.values()),
    ]  # fmt: skip
    return triples


def count_links(triples: Iterable[ox.Triple]) -> dict[str, int]:
    """How many distinct ``skos:exactMatch`` links from a project IRI (``bj:``) go to each
    linked dataset of :data:`LINKSETS`, by key (a key with none is left out)."""
    exact_match = ox.NamedNode(SKOS_EXACT_MATCH)
    seen: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for triple in triples:
        subject, value = triple.subject, triple.object
        if (
            triple.predicate != exact_match
            or not isinstance(subject, ox.NamedNode)
            or not isinstance(value, ox.NamedNode)
            or not subject.value.startswith(str(BJ))
        ):
            continue
        for key, _, namespace, _ in LINKSETS:
            if value.value.startswith(namespace):
                seen[key].add((subject.value, value.value))
    return {key: len(seen[key]) for key, *_ in LINKSETS if seen[key]}


def linkset_triples(subject: str, counts: dict[str, int]) -> list[ox.Triple]:
    """One ``void:Linkset`` per linked dataset with links (``counts``, by :func:`count_links`):
    a subset of ``subject`` whose targets are ``subject`` and the other dataset, its link
    predicate ``skos:exactMatch`` and its ``void:triples`` the count."""
    me = ox.NamedNode(subject)
    triples = []
    for key, name, _, dataset in LINKSETS:
        if key not in counts:
            continue
        linkset = ox.NamedNode(f"{subject.split('#', 1)[0]}#linkset-{key}")
        other = ox.NamedNode(dataset)
        triples += [
            ox.Triple(me, _term("void:subset"), linkset),
            ox.Triple(linkset, RDF_TYPE, _term("void:Linkset")),
            ox.Triple(linkset, _term("void:linkPredicate"), ox.NamedNode(SKOS_EXACT_MATCH)),
            ox.Triple(linkset, _term("void:target"), me),
            ox.Triple(linkset, _term("void:target"), other),
            ox.Triple(linkset, _term("void:triples"),
                      ox.Literal(str(counts[key]), datatype=_term("xsd:integer"))),
            ox.Triple(other, RDF_TYPE, _term("void:Dataset")),
            ox.Triple(other, _term("dcterms:title"), ox.Literal(name)),
        ]  # fmt: skip
    return triples


def vocabularies(terms: Iterable[str]) -> list[str]:
    """The namespaces of :data:`~bjaikg.namespaces.PREFIXES` that ``terms`` (the properties and
    classes the data uses) are in, sorted: its ``void:vocabulary``. Terms of no listed namespace
    and the project's namespaces of described things (``bj:``, ``bjg:``) are left out."""
    known = set(PREFIXES.values()) - NOT_VOCABULARIES
    found = set()
    for iri in terms:
        namespace = iri[: max(iri.rfind("#"), iri.rfind("/")) + 1]
        if namespace in known:
            found.add(namespace)
    return sorted(found)


def terms_used(triples: Iterable[ox.Triple]) -> set[str]:
    """The properties and classes (objects of ``rdf:type``) of ``triples``."""
    used = set()
    for triple in triples:
        used.add(triple.predicate.value)
        if triple.predicate == RDF_TYPE and isinstance(triple.object, ox.NamedNode):
            used.add(triple.object.value)
    return used


def describe_release(release: Release, snapshot: Snapshot, previous: Version | None) -> bytes:
    """The DCAT/VoID description of ``release`` as Turtle (sorted, so deterministic)."""
    triples: set[ox.Triple] = set()
    node = ox.NamedNode

    def add(subject: str, predicate: str, value: ox.NamedNode | ox.Literal) -> None:
        triples.add(ox.Triple(node(subject), _term(predicate), value))

    def typed(text: str | int, datatype: str) -> ox.Literal:
        return ox.Literal(str(text), datatype=_term(datatype))

    me, version = release.iri, str(release.version)
    for kind in ("dcat:Dataset", "void:Dataset"):
        add(me, "rdf:type", _term(kind))
    for language, title in TITLE.items():
        add(me, "dcterms:title", ox.Literal(f"{title} {version}", language=language))
    add(me, "dcat:version", ox.Literal(version))
    add(me, "owl:versionInfo", ox.Literal(version))
    add(me, "dcterms:isVersionOf", node(DATASET_IRI))
    add(me, "dcterms:issued", typed(release.date, "xsd:date"))
    add(me, "dcterms:license", node(DEFAULT_LICENCE))
    add(me, "dcterms:bibliographicCitation", ox.Literal(release.citation))
    statements = [quad.triple for quad in snapshot.quads]
    triples.update(dataset_metadata(me))
    triples.update(linkset_triples(me, count_links(quad.triple for quad in snapshot.asserted())))
    for vocabulary in vocabularies(terms_used(statements)):
        add(me, "void:vocabulary", node(vocabulary))
    add(me, "dcterms:conformsTo", node(f"{BASE}/ontology"))
    add(me, "void:uriSpace", ox.Literal(f"{BASE}/id/"))
    add(me, "void:triples", typed(sum(release.triples_per_graph.values()), "xsd:integer"))
    if release.commit:
        add(me, "rdfs:comment", ox.Literal(f"Built from commit {release.commit}.", language="en"))
    if previous is not None:
        add(me, "dcat:previousVersion", node(f"{BASE}/releases/{previous}"))
    for source in _sources(snapshot):  # the checksum nodes keep their canonical labels
        is_source = source.predicate == RDF_TYPE and source.object in SOURCES
        if is_source and isinstance(source.subject, ox.NamedNode):
            add(me, "dcterms:source", source.subject)  # the sources, not their snapshots
        triples.add(source)
    for graph, count in release.triples_per_graph.items():
        subset = f"{me}#{graph_file_stem(node(graph))}"
        add(me, "void:subset", node(subset))
        add(subset, "rdf:type", _term("void:Dataset"))
        add(subset, "sd:name", node(graph))
        add(subset, "void:triples", typed(count, "xsd:integer"))
    for item in release.files:
        distribution = f"{me}/{item.path}"
        add(me, "dcat:distribution", node(distribution))
        if item.graph:
            add(
                f"{me}#{graph_file_stem(node(item.graph))}", "dcat:distribution", node(distribution)
            )
        add(distribution, "rdf:type", _term("dcat:Distribution"))
        add(distribution, "dcterms:title", ox.Literal(item.path))
        add(distribution, "dcat:downloadURL", node(distribution))
        add(
            distribution,
            "dcat:mediaType",
            node(IANA_MEDIA_TYPES + item.media_type),
        )
        add(distribution, "dcat:byteSize", typed(item.size, "xsd:nonNegativeInteger"))
        add(distribution, "dcterms:license", node(DEFAULT_LICENCE))
        checksum = f"{distribution}#sha256"
        add(distribution, "spdx:checksum", node(checksum))
        add(checksum, "rdf:type", _term("spdx:Checksum"))
        add(checksum, "spdx:algorithm", _term("spdx:checksumAlgorithm_sha256"))
        add(checksum, "spdx:checksumValue", typed(item.sha256, "xsd:hexBinary"))
    ordered = sorted(triples, key=lambda t: (str(t.subject), t.predicate.value, str(t.object)))
    return _serialize(ordered, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)


def _sources(snapshot: Snapshot) -> list[ox.Triple]:
    """The statements about each registered source (a document or dataset: what it is, its
    licence and citation) and its snapshot (file, version, size, SHA-256), so a release says
    which version of each source it was built from."""
    asserted = [quad.triple for quad in snapshot.asserted()]
    described = {t.subject for t in asserted if t.predicate == RDF_TYPE and t.object in SOURCES}
    while True:  # the snapshots of the sources, and their checksum nodes
        reached = {
            t.object
            for t in asserted
            if t.subject in described and t.predicate in SOURCE_PARTS
            and isinstance(t.object, ox.NamedNode | ox.BlankNode)
        }  # fmt: skip
        if reached <= described:
            return [t for t in asserted if t.subject in described]
        described |= reached


@dataclass
class ReleasePlan:
    """A release to make from a git revision, checked against the version policy."""

    version: Version
    snapshot: Snapshot
    commit: str
    date: str
    previous: Version | None = None
    diff: KnowledgeDiff | None = None
    problems: list[str] = field(default_factory=list)


def plan_release(
    version: Version,
    *,
    revision: str = "HEAD",
    date: str | None = None,
    releases: Path | None = None,
    cwd: Path | None = None,
    replace: bool = False,
) -> ReleasePlan:
    """Load ``revision`` (with inference), find the last release in ``releases`` older than
    ``version``, diff it, and check ``version`` against the policy (:mod:`bjaikg.versioning`).
    A version not newer than every release is refused, unless it is the newest and ``replace``
    (building it again, say to check that it is reproducible).

    The date is ``date`` or the commit's date, never today's: the same commit gives the same
    release. Raises :class:`~bjaikg.snapshots.SnapshotError` for an unknown revision.
    """
    where = cwd or PROJECT_ROOT
    commit = commit_of(revision, cwd=where)
    with unpacked_revision(commit, cwd=where) as root:
        snapshot = load_checkout(root, revision, with_inference=True)
    plan = ReleasePlan(version, snapshot, commit, date or commit_date(commit, cwd=where))
    folder = releases or where / "releases"
    newest = latest_release(folder)
    if newest is not None and newest[0] >= version and not (replace and newest[0] == version):
        plan.problems.append(f"{version} is not newer than the last release {newest[0]}")
        return plan
    last = latest_release(folder, before=version)
    if last is not None:
        plan.previous = last[0]
        plan.diff = diff_snapshots(load_release(last[1]), snapshot)
    plan.problems = check_version(version, DataVersion.read(snapshot), plan.previous, plan.diff)
    return plan
