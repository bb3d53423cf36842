"""A version of the graph to release or compare: a git revision, a checkout, or a release folder.

:func:`open_snapshot` takes what a user types (``HEAD~3``, ``main``, ``releases/1.0.0``, ``.``)
and gives the quads of that version, each file in its named graph as :mod:`bjaikg.store` loads
it. A git revision is unpacked with ``git archive`` into a temporary folder (the working tree
and the index are never touched) and loaded from there.

Hazard: ``git`` runs as a subprocess in the checkout; a revision name is passed as one argument
(never through a shell), but it may still name any object of the repository.
"""

from __future__ import annotations

import hashlib
import io
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from bjaikg import PROJECT_ROOT
from bjaikg.errors import BjaikgError
from bjaikg.store import (
    DEFAULT_FOLDERS,
    INFERRED_GRAPH,
    load_knowledge_graph,
    parse_error,
    token_too_large,
)

RELEASE_DATA_SUFFIX = ".nq"
"""The one file of a release folder that holds the whole dataset (N-Quads)."""
CHECKSUMS = "SHA256SUMS"
"""The file of a release folder with the SHA-256 of every other file, as ``sha256sum`` writes."""


class SnapshotError(BjaikgError):
    """A version that cannot be read: an unknown revision, a folder that is not a release."""


@dataclass
class Snapshot:
    """The quads of one version of the graph and what it was read from.

    ``quads`` include ``bjg:inferred`` when the version was loaded with inference (or is a
    release); :meth:`asserted` leaves it out.
    """

    name: str
    quads: list[ox.Quad]

    def asserted(self) -> Iterator[ox.Quad]:
        """The quads read from the files, not the inferred ones."""
        return (quad for quad in self.quads if quad.graph_name != INFERRED_GRAPH)


def git(*arguments: str, cwd: Path = PROJECT_ROOT) -> bytes:
    """Run ``git ARGUMENTS`` in ``cwd`` and return its stdout; :class:`SnapshotError` on failure."""
    try:
        done = subprocess.run(["git", *arguments], cwd=cwd, capture_output=True, check=True)
    except FileNotFoundError:
        raise SnapshotError("git is not installed") from None
    except subprocess.CalledProcessError as error:
        message = error.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = message[-1] if message else "failed"
        raise SnapshotError(f"git {' '.join(arguments)}: {reason}") from None
    return done.stdout


def commit_of(revision: str, *, cwd: Path = PROJECT_ROOT) -> str:
    """The full commit id ``revision`` names; :class:`SnapshotError` naming ``revision`` and the
    repository (git's reason after it) when no commit has that name."""
    try:
        found = git("rev-parse", "--verify", f"{revision}^{{commit}}", cwd=cwd)
    except SnapshotError as error:
        message = f"{revision}: not a commit of the git repository in {cwd} ({error})"
        raise SnapshotError(message) from None
    return found.decode().strip()


def commit_date(revision: str, *, cwd: Path = PROJECT_ROOT) -> str:
    """The committer date of ``revision`` as ``YYYY-MM-DD`` (UTC), a date that never changes."""
    stamp = git("log", "-1", "--format=%cd", "--date=format-local:%Y-%m-%d", revision, cwd=cwd)
    return stamp.decode().strip()


@contextmanager
def unpacked_revision(
    revision: str, folders: tuple[str, ...] = DEFAULT_FOLDERS, *, cwd: Path = PROJECT_ROOT
) -> Iterator[Path]:
    """The ``folders`` of ``revision`` unpacked into a temporary folder, removed afterwards."""
    commit = commit_of(revision, cwd=cwd)
    archive = git("archive", "--format=tar", commit, "--", *folders, cwd=cwd)
    with tempfile.TemporaryDirectory(prefix="bjaikg-revision-") as folder:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(folder, filter="data")
        yield Path(folder)


def load_checkout(root: Path, name: str, *, with_inference: bool) -> Snapshot:
    """The ``ontology/`` and ``instances/`` of a checkout (or unpacked revision) at ``root``."""
    paths = [root / folder for folder in DEFAULT_FOLDERS if (root / folder).is_dir()]
    if not paths:
        raise SnapshotError(f"{name}: holds neither ontology/ nor instances/")
    graph = load_knowledge_graph(paths, with_inference=with_inference, root=root)
    return Snapshot(name=name, quads=list(graph.embedded_store))


def release_data_file(folder: Path) -> Path:
    """The N-Quads file of the release folder ``folder``."""
    found = sorted(folder.glob(f"*{RELEASE_DATA_SUFFIX}"))
    if len(found) != 1:
        raise SnapshotError(f"{folder}: not a release folder (no single *{RELEASE_DATA_SUFFIX})")
    return found[0]


def load_release(folder: Path, *, listed: bool = False) -> Snapshot:
    """The dataset of the release folder ``folder`` (its N-Quads file).

    Raises :class:`SnapshotError` when the file's SHA-256 is not the one the folder's
    ``SHA256SUMS`` lists for it (a folder without the list, or a file it does not list, is read
    unchecked, unless ``listed``: then it is refused too), and
    :class:`~bjaikg.errors.DataFileError` (file:line:column) when the file does not parse: a
    truncated download, a hand edit.
    """
    path = release_data_file(folder)
    expected = listed_checksums(folder).get(path.name)
    if expected is None and listed:
        if not (folder / CHECKSUMS).is_file():
            raise SnapshotError(f"{path}: the release folder has no {CHECKSUMS} to check it by")
        raise SnapshotError(f"{path}: {CHECKSUMS} beside it does not list it")
    data = path.read_bytes()
    if expected is not None and hashlib.sha256(data).hexdigest() != expected:
        raise SnapshotError(
            f"{path}: its SHA-256 is not the one {CHECKSUMS} lists: the file was changed or "
            "is incomplete; download the release again"
        )
    try:
        quads = list(ox.parse(data, format=ox.RdfFormat.N_QUADS))
    except SyntaxError as error:
        raise parse_error(path, error, "N-Quads") from None
    except MemoryError as error:
        raise token_too_large(path, error, "N-Quads") from None
    return Snapshot(name=folder.name, quads=quads)


def listed_checksums(folder: Path) -> dict[str, str]:
    """File name to lower-case SHA-256 hex, from ``folder``'s ``SHA256SUMS`` (empty without one)."""
    listing = folder / CHECKSUMS
    if not listing.is_file():
        return {}
    listed = {}
    for line in listing.read_text(encoding="ascii", errors="replace").splitlines():
        digest, _, name = line.partition(" ")
        name = name.strip().lstrip("*")  # "*name": sha256sum's binary mode
        listed[name.removeprefix("./")] = digest.lower()  # "./name": sha256sum ./name
    return listed


def open_snapshot(spec: str, *, with_inference: bool = False, cwd: Path = PROJECT_ROOT) -> Snapshot:
    """The version ``spec`` names: a release folder, a checkout folder, or a git revision.

    A folder holding ``*.nq`` is a release; a folder with ``ontology/`` or ``instances/`` is a
    checkout (its working tree as it is); any other folder, and a file, is refused; anything
    else is given to ``git rev-parse``.
    """
    path = Path(spec)
    if path.is_dir():
        if list(path.glob(f"*{RELEASE_DATA_SUFFIX}")):
            return load_release(path)
        if not any((path / folder).is_dir() for folder in DEFAULT_FOLDERS):
            raise SnapshotError(
                f"{spec}: neither a release folder (no *{RELEASE_DATA_SUFFIX}) nor a checkout "
                "(no ontology/ or instances/)"
            )
        return load_checkout(path, spec, with_inference=with_inference)
    if path.exists():
        raise SnapshotError(f"{spec}: a file; give a release folder, a checkout or a git revision")
    with unpacked_revision(spec, cwd=cwd) as root:
        return load_checkout(root, spec, with_inference=with_inference)
