"""The releases in ``releases/`` as the /dataset page lists them: version, date, how to cite,
and every file with its media type, size and SHA-256, read from each release's ``void.ttl``.

The release files themselves are served as they are at ``/releases/VERSION/FILE``
(:func:`release_files_app`); :func:`diff_releases` compares two releases. Hazard: the folder
is read when the routes are made; a release added later appears after a restart, and a diff
once made is kept (a release folder is written once, by its release commit).
"""

from __future__ import annotations

import mimetypes
import os
from dataclasses import dataclass, field
from functools import lru_cache
from os import PathLike
from pathlib import Path

import pyoxigraph as ox
from starlette.responses import FileResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from bjaikg.interface.assets import KEPT
from bjaikg.knowledge_diff import KnowledgeDiff, diff_snapshots
from bjaikg.release import DESCRIPTION, IANA_MEDIA_TYPES, MEDIA_TYPES
from bjaikg.snapshots import load_release
from bjaikg.versioning import ONTOLOGY_IRI, release_versions

DCAT = "http://www.w3.org/ns/dcat#"
DCTERMS = "http://purl.org/dc/terms/"
SPDX = "http://spdx.org/rdf/terms#"

for _suffix, _media_type in MEDIA_TYPES.items():  # StaticFiles answers with these types
    mimetypes.add_type(_media_type, _suffix)


@dataclass(frozen=True)
class ReleaseDownload:
    """One file of a release."""

    path: str
    media_type: str
    size: int
    sha256: str


@dataclass
class ReleaseEntry:
    """One release: its version, date, IRI, citation and files (data files first)."""

    version: str
    date: str
    iri: str
    citation: str
    downloads: list[ReleaseDownload] = field(default_factory=list)

    @property
    def main_downloads(self) -> list[ReleaseDownload]:
        """The whole dataset and the changelog (the per-graph files are listed apart)."""
        return [d for d in self.downloads if not d.path.startswith("graphs/")]

    @property
    def graph_downloads(self) -> list[ReleaseDownload]:
        """One Turtle and one JSON-LD file per named graph."""
        return [d for d in self.downloads if d.path.startswith("graphs/")]

    @property
    def ontology_version(self) -> str:
        """The ontology's ``owl:versionIRI`` in this release (w3id redirects it here)."""
        return f"{ONTOLOGY_IRI}/{self.version}"

    @property
    def ontology_downloads(self) -> list[ReleaseDownload]:
        """The Turtle files of the ontology's graphs (the shapes apart)."""
        return [
            d
            for d in self.downloads
            if d.path.startswith("graphs/ontology/")
            and d.path.count("/") == 2
            and d.path.endswith(".ttl")
        ]


def media_type_of(iri: str) -> str:
    """The media type an IANA media-type IRI names, in either form: https (releases after 1.27.1,
    :data:`~bjaikg.release.IANA_MEDIA_TYPES`) or http (the releases before)."""
    for start in (IANA_MEDIA_TYPES, IANA_MEDIA_TYPES.replace("https://", "http://", 1)):
        if iri.startswith(start):
            return iri[len(start) :]
    return iri


def read_release(folder: Path) -> ReleaseEntry:
    """The entry of the release folder ``folder``, from its ``void.ttl``."""
    store = ox.Store()
    store.load(path=folder / DESCRIPTION, format=ox.RdfFormat.TURTLE)
    [row] = _select(
        store,
        f"""SELECT ?release ?date ?citation WHERE {{
          ?release <{DCAT}version> "{folder.name}" ; <{DCTERMS}issued> ?date ;
                   <{DCTERMS}bibliographicCitation> ?citation }}""",
    )
    release = row["release"].value
    entry = ReleaseEntry(folder.name, row["date"].value, release, row["citation"].value)
    for file in _select(
        store,
        f"""SELECT ?url ?type ?size ?sum WHERE {{
          <{release}> <{DCAT}distribution> ?d .
          ?d <{DCAT}downloadURL> ?url ; <{DCAT}mediaType> ?type ; <{DCAT}byteSize> ?size ;
             <{SPDX}checksum>/<{SPDX}checksumValue> ?sum }}""",
    ):
        entry.downloads.append(
            ReleaseDownload(
                path=file["url"].value.removeprefix(f"{release}/"),
                media_type=media_type_of(file["type"].value),
                size=int(file["size"].value),
                sha256=file["sum"].value,
            )
        )
    entry.downloads.sort(key=lambda d: (d.path.startswith("graphs/"), d.path))
    return entry


def _select(store: ox.Store, query: str) -> list[ox.QuerySolution]:
    result = store.query(query)
    assert isinstance(result, ox.QuerySolutions)
    return list(result)


def read_releases(folder: Path) -> list[ReleaseEntry]:
    """Every release below ``folder``, newest first (none when the folder is missing)."""
    return [read_release(path) for _, path in reversed(release_versions(folder))]


DIFFS_KEPT = 8
"""Knowledge diffs each process keeps (:func:`diff_releases`), the least recently asked leaving
first: the diff of the committed releases farthest apart holds a few MB of Python objects."""


def diff_releases(folder: Path, old: ReleaseEntry, new: ReleaseEntry) -> KnowledgeDiff:
    """The knowledge diff from release ``old`` to release ``new``, both folders of ``folder``
    (entries of :func:`read_releases`, so no name a client typed becomes a path).

    Hazards: the first call for a pair reads both N-Quads files whole, checks their checksums
    and canonicalises their blank nodes; the diff is then kept (:data:`DIFFS_KEPT` pairs per
    process) and given again, shared: never change it. A file changed after its pair's diff
    was made is therefore not read again. A file that no longer matches its ``SHA256SUMS``,
    that the list does not name (every release folder has one), or is missing, raises
    :class:`~bjaikg.snapshots.SnapshotError` (one that does not parse,
    :class:`~bjaikg.errors.DataFileError`), and nothing is kept for the pair.
    """
    return _kept_diff(folder, old.version, new.version)


@lru_cache(maxsize=DIFFS_KEPT)
def _kept_diff(folder: Path, old: str, new: str) -> KnowledgeDiff:
    return diff_snapshots(
        load_release(folder / old, listed=True), load_release(folder / new, listed=True)
    )


class ReleaseFiles(StaticFiles):
    """Static files whose every answer says ``charset=utf-8`` (every release file is UTF-8
    text), ``SHA256SUMS`` as ``text/plain`` (it has no suffix to guess a type from), and that
    they never change (``Cache-Control: public, max-age=31536000, immutable``): a release
    folder is written once, by its release commit, and its checksums are published."""

    def file_response(
        self, full_path: PathLike[str] | str, stat_result: os.stat_result, scope: Scope,
        status_code: int = 200,
    ) -> Response:  # fmt: skip
        response = super().file_response(full_path, stat_result, scope, status_code)
        if isinstance(response, FileResponse):
            plain = Path(full_path).name == "SHA256SUMS"
            media_type = "text/plain" if plain else response.media_type
            response.headers["content-type"] = f"{media_type}; charset=utf-8"
            response.headers["cache-control"] = KEPT
        return response


def release_files_app(folder: Path) -> StaticFiles:
    """Static files of ``folder`` (``/releases/VERSION/FILE``), with the release media types."""
    return ReleaseFiles(directory=folder, check_dir=False)
