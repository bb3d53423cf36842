"""The version policy of the dataset (docs/releases.md) as code: which bump a change needs.

A release's version is ``MAJOR.MINOR.PATCH``. From the knowledge diff between the last release
and the new data, :func:`required_bump` says the least bump the change needs:

- **major** — an IRI of the last release is gone (its entity removed, not kept as a deprecated
  IRI with ``owl:deprecated true`` and ``dcterms:isReplacedBy``): links to it break;
- **minor** — entities, terms or sources added, or IRIs deprecated: everything that worked
  still works, and there is more;
- **patch** — only statements of existing entities changed (a value corrected, a link added
  or removed, a label or quote fixed), or blank-node structures that no IRI holds added or
  removed (nothing can link to one).

:func:`check_version` compares that with the version asked for and the one the data carries.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from bjaikg.knowledge_diff import KnowledgeDiff, structure_counts
from bjaikg.namespaces import PREFIXES
from bjaikg.snapshots import Snapshot

_SEMANTIC = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)")
ONTOLOGY_IRI = "https://w3id.org/bjaikg/ontology"
VERSION_INFO = ox.NamedNode(f"{PREFIXES['owl']}versionInfo")
VERSION_IRI = ox.NamedNode(f"{PREFIXES['owl']}versionIRI")


OWN_IRIS = "https://w3id.org/bjaikg/"
"""The namespace of every IRI the project mints (ontology, shapes, resources, graphs)."""


class Bump(enum.IntEnum):
    """The kinds of change, least to most; ``NONE`` for a version that is not newer."""

    NONE = 0
    PATCH = 1
    MINOR = 2
    MAJOR = 3


@dataclass(frozen=True, order=True)
class Version:
    """A semantic version ``major.minor.patch`` (ordered as numbers)."""

    major: int
    minor: int
    patch: int

    @classmethod
    def parse(cls, text: str) -> Version:
        """The version ``text`` names; ValueError unless it is ``N.N.N`` without leading 0s."""
        match = _SEMANTIC.fullmatch(text.strip())
        if not match:
            raise ValueError(f"{text!r} is not a version MAJOR.MINOR.PATCH (such as 1.0.0)")
        return cls(*(int(part) for part in match.groups()))

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"

    def bump_from(self, previous: Version) -> Bump:
        """The kind of bump from ``previous`` to this version (``NONE`` if not newer)."""
        if self <= previous:
            return Bump.NONE
        if self.major > previous.major:
            return Bump.MAJOR
        if self.minor > previous.minor:
            return Bump.MINOR
        return Bump.PATCH


def required_bump(diff: KnowledgeDiff) -> tuple[Bump, list[str]]:
    """The least bump the change ``diff`` needs and the reasons for it (docs/releases.md).

    Only the project's own IRIs count as removed: a declaration of another vocabulary's term
    (``qb:DataSet`` in ontology/external.ttl) that is no longer needed is not a released IRI.
    """
    removed = [change for change in diff.removed if change.entity.iri.startswith(OWN_IRIS)]
    if removed:
        names = ", ".join(change.entity.name for change in removed[:5])
        more = f" and {len(removed) - 5} more" if len(removed) > 5 else ""
        return Bump.MAJOR, [f"{len(removed)} IRI(s) removed without deprecation: {names}{more}"]
    reasons = []
    if diff.added:
        reasons.append(f"{len(diff.added)} entities added")
    if diff.deprecated:
        reasons.append(f"{len(diff.deprecated)} IRI(s) deprecated")
    if reasons:
        return Bump.MINOR, reasons
    if diff.changed:
        reasons.append(f"{len(diff.changed)} entities changed")
    if counts := structure_counts(diff):  # no IRI: nothing links to them
        reasons.append(counts)
    return Bump.PATCH, reasons or ["no change to the knowledge"]


@dataclass(frozen=True)
class DataVersion:
    """The version the data carries on the ontology header (``owl:versionInfo``,
    ``owl:versionIRI``); empty strings when absent."""

    info: str
    iri: str

    @classmethod
    def read(cls, snapshot: Snapshot) -> DataVersion:
        """The version statements of ``<https://w3id.org/bjaikg/ontology>`` in ``snapshot``."""
        header = ox.NamedNode(ONTOLOGY_IRI)
        info = iri = ""
        for quad in snapshot.asserted():
            if quad.subject != header or isinstance(quad.object, ox.Triple):
                continue
            if quad.predicate == VERSION_INFO:
                info = quad.object.value
            elif quad.predicate == VERSION_IRI:
                iri = quad.object.value
        return cls(info, iri)


def check_version(
    version: Version,
    data: DataVersion,
    previous: Version | None,
    diff: KnowledgeDiff | None,
) -> list[str]:
    """Why ``version`` may not be released (empty when it may).

    The data must carry ``version`` (``owl:versionInfo`` and an ``owl:versionIRI`` ending in
    ``/VERSION``); it must be newer than ``previous`` by at least the bump ``diff`` requires.
    """
    problems = []
    if data.info != str(version):
        problems.append(
            f"the data says owl:versionInfo {data.info or '(none)'!r}, not {str(version)!r}: "
            f"set it in ontology/core.ttl"
        )
    if not data.iri.endswith(f"/{version}"):
        problems.append(
            f"owl:versionIRI {data.iri or '(none)'} does not end in /{version}: "
            f"set it to <{ONTOLOGY_IRI}/{version}>"
        )
    if previous is not None and diff is not None:
        bump = version.bump_from(previous)
        needed, reasons = required_bump(diff)
        if bump is Bump.NONE:
            problems.append(f"{version} is not newer than the last release {previous}")
        elif bump < needed:
            problems.append(
                f"{previous} → {version} is a {bump.name.lower()} bump; the change needs a "
                f"{needed.name.lower()} one ({'; '.join(reasons)})"
            )
    return problems


def release_versions(folder: Path) -> list[tuple[Version, Path]]:
    """The release folders below ``folder`` named by a version, oldest first."""
    found = []
    if folder.is_dir():
        for child in folder.iterdir():
            try:
                found.append((Version.parse(child.name), child))
            except ValueError:
                continue
    return sorted(found)


def latest_release(folder: Path, *, before: Version | None = None) -> tuple[Version, Path] | None:
    """The newest release below ``folder`` (older than ``before`` when given), or ``None``."""
    found = [item for item in release_versions(folder) if before is None or item[0] < before]
    return found[-1] if found else None
