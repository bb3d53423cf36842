"""The registry of sources (``instances/sources.ttl``): what each snapshot is, and checks on it.

A snapshot is a ``dcat:Distribution`` with ``bjo:snapshotFile`` (a path relative to the sources
folder), ``dcat:byteSize``, ``spdx:checksum`` (SHA-256) and, where the publisher offers one,
``dcat:downloadURL``. The files themselves are not in the repository: they live in the sources
folder (``$BJAIKG_SOURCES``, else ``../shared/sources`` beside the checkout).

Hazard: :func:`fetch_snapshot` reaches the network; it writes to a temporary file in the target
folder and renames it only once its checksum matches, so a failed or altered download never
replaces or half-writes a snapshot.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from bjaikg import PROJECT_ROOT
from bjaikg.errors import BjaikgError, DataFileError
from bjaikg.namespaces import sparql_prologue
from bjaikg.store import load_file, term_value

REGISTRY_FILE = PROJECT_ROOT / "instances" / "sources.ttl"

_SNAPSHOTS_QUERY = """
SELECT ?source ?title ?file ?size ?sha256 ?url ?licence ?citation WHERE {
  ?source dcat:distribution ?snapshot .
  ?snapshot bjo:snapshotFile ?file ; dcat:byteSize ?size ;
            spdx:checksum [ spdx:algorithm spdx:checksumAlgorithm_sha256 ;
                            spdx:checksumValue ?sha256 ] .
  OPTIONAL { ?source dcterms:title ?dataset_title }
  OPTIONAL { ?source rdfs:label ?label FILTER(LANG(?label) = "en") }
  BIND(COALESCE(?dataset_title, ?label) AS ?title)
  OPTIONAL { ?snapshot dcat:downloadURL ?url }
  OPTIONAL { ?source dcterms:license ?licence }
  OPTIONAL { ?source dcterms:bibliographicCitation ?citation }
} ORDER BY ?file
"""


@dataclass(frozen=True)
class Snapshot:
    """One registered snapshot of a source."""

    source: str
    title: str
    file: str
    byte_size: int
    sha256: str
    download_url: str | None
    licence: str | None
    citation: str | None


@dataclass(frozen=True)
class SnapshotProblem:
    """A snapshot that is missing or differs from the registry; ``message`` is one line."""

    snapshot: Snapshot
    message: str


def sources_folder() -> Path:
    """The snapshots: ``$BJAIKG_SOURCES``, else ``../shared/sources`` beside the checkout."""
    configured = os.environ.get("BJAIKG_SOURCES")
    return Path(configured) if configured else PROJECT_ROOT.parent / "shared" / "sources"


def read_registry(path: Path = REGISTRY_FILE) -> list[Snapshot]:
    """Every snapshot the registry file describes, by file name.

    Raises :class:`~bjaikg.errors.DataFileError` for a file that cannot be read or parsed
    (file:line:column), as the loader does, and for one that describes no snapshot (another
    data file given as ``--registry`` would otherwise verify nothing, and pass).
    """
    store = ox.Store()
    load_file(store, path)
    result = store.query(sparql_prologue() + _SNAPSHOTS_QUERY, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    snapshots = [
        Snapshot(
            source=row["source"].value,
            title=term_value(row["title"]) or row["file"].value,
            file=row["file"].value,
            byte_size=int(row["size"].value),
            sha256=row["sha256"].value.lower(),
            download_url=term_value(row["url"]),
            licence=term_value(row["licence"]),
            citation=term_value(row["citation"]),
        )
        for row in result
    ]
    if not snapshots:
        message = "describes no snapshot (bjo:snapshotFile, dcat:byteSize, a SHA-256 spdx:checksum)"
        raise DataFileError(path, message)
    return snapshots


def sha256_of(path: Path) -> str:
    """The SHA-256 of the file at ``path``, in lower-case hex."""
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def how_to_get(snapshot: Snapshot) -> str:
    """The hint a problem line ends with: fetch it, or where it comes from."""
    if snapshot.download_url:
        return "run `python -m bjaikg sources fetch` to download it"
    return f"no download URL: copy it into the sources folder ({snapshot.title})"


def check_snapshot(snapshot: Snapshot, folder: Path) -> SnapshotProblem | None:
    """``None`` when the file is there with the registered checksum, else the problem."""
    path = folder / snapshot.file
    if not path.is_file():
        return SnapshotProblem(
            snapshot,
            f"{path}: missing (expected sha256 {snapshot.sha256}); {how_to_get(snapshot)}",
        )
    found = sha256_of(path)
    if found != snapshot.sha256:
        return SnapshotProblem(
            snapshot,
            f"{path}: checksum mismatch: expected sha256 {snapshot.sha256}, found {found}; "
            f"a changed source is a new snapshot: {how_to_get(snapshot)} or register the new one",
        )
    return None


def fetch_snapshot(snapshot: Snapshot, folder: Path, *, timeout: float = 60.0) -> None:
    """Download a missing snapshot from its URL and keep it only if its checksum matches.

    Raises :class:`BjaikgError` when there is no URL, the download fails, or the checksum
    differs (the downloaded bytes are then discarded).
    """
    if not snapshot.download_url:
        raise BjaikgError(f"{snapshot.file}: no download URL in the registry")
    target = folder / snapshot.file
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary_name = tempfile.mkstemp(dir=target.parent, prefix=".fetch-")
    temporary = Path(temporary_name)
    try:
        with os.fdopen(handle, "wb") as output:
            try:
                with urllib.request.urlopen(snapshot.download_url, timeout=timeout) as response:
                    for block in iter(lambda: response.read(1 << 20), b""):
                        output.write(block)
            except OSError as error:
                raise BjaikgError(
                    f"{snapshot.file}: download from {snapshot.download_url} failed: {error}"
                ) from None
        found = sha256_of(temporary)
        if found != snapshot.sha256:
            raise BjaikgError(
                f"{snapshot.file}: downloaded file has sha256 {found}, registry expects "
                f"{snapshot.sha256}; kept nothing (the publisher's file may have changed: "
                "register it as a new snapshot)"
            )
        temporary.replace(target)
    finally:
        temporary.unlink(missing_ok=True)
