"""Search over labels and alternative labels, in Chinese and English, exact matches first.

Matching ignores case and Unicode width/compatibility forms (NFKC), so ``ＡＩ`` finds ``AI`` and
``Cambricon`` finds ``cambricon``. Ranking: an exact match of the whole label, then a label that
starts with the text, then one that contains it; preferred labels before alternative ones; then
by label; a deprecated resource (``owl:deprecated true``: merged into another, or withdrawn)
after every other. SHACL shapes (``bjsh:``) are left out: they carry the names of the classes
they check, and have no page here. Hazard: it scans every label (a few thousand in the
project) and ranks every match; for a graph of millions of labels a full-text index would be
needed.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import IntEnum

from bjaikg.interface.labels import LabelIndex, local_address
from bjaikg.namespaces import BJSH

MAX_RESULTS = 50
"""At most this many hits are shown (the answer says how many matched)."""


class MatchKind(IntEnum):
    """How well a label matches, best first (the value is the rank)."""

    EXACT = 0
    PREFIX = 1
    PARTIAL = 2


@dataclass(frozen=True)
class SearchHit:
    """One resource found: its label in the page language, the name that matched and how."""

    iri: str
    address: str
    label: str
    label_language: str
    matched: str
    matched_language: str
    kind: MatchKind
    preferred: bool
    types: tuple[str, ...]
    deprecated: bool


def normalise(text: str) -> str:
    """``text`` as compared: NFKC, case-folded, surrounding spaces removed."""
    return unicodedata.normalize("NFKC", text).casefold().strip()


def match_kind(needle: str, label: str) -> MatchKind | None:
    """How ``label`` matches the normalised ``needle``, or ``None``."""
    candidate = normalise(label)
    if candidate == needle:
        return MatchKind.EXACT
    if candidate.startswith(needle):
        return MatchKind.PREFIX
    if needle in candidate:
        return MatchKind.PARTIAL
    return None


def search_labels(index: LabelIndex, text: str, language: str) -> list[SearchHit]:
    """Every resource whose label or alternative label matches ``text``, best first (the
    caller shows the first :data:`MAX_RESULTS`).

    Each resource appears once, with its best-matching name. Empty text finds nothing.
    """
    needle = normalise(text)
    if not needle:
        return []
    best: dict[str, SearchHit] = {}
    for iri, names in index.names.items():
        if iri.startswith(str(BJSH)):
            continue
        for name in names:
            kind = match_kind(needle, name.text)
            if kind is None:
                continue
            label, label_language = index.label_and_language(iri, language)
            hit = SearchHit(
                iri=iri,
                address=local_address(iri) or iri,
                label=label,
                label_language=label_language,
                matched=name.text,
                matched_language=name.language,
                kind=kind,
                preferred=name.preferred,
                types=tuple(index.types.get(iri, ())),
                deprecated=iri in index.deprecated,
            )
            if iri not in best or _rank(hit) < _rank(best[iri]):
                best[iri] = hit
    return sorted(best.values(), key=_rank)


def _rank(hit: SearchHit) -> tuple[bool, int, bool, int, str, str]:
    return (
        hit.deprecated,
        hit.kind,
        not hit.preferred,
        len(hit.matched),
        hit.label.lower(),
        hit.iri,
    )
