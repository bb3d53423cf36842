"""Search over labels and alternative labels, in Chinese and English, exact matches first.

Matching ignores case, Unicode width/compatibility forms (NFKC) and the accents of Latin letters,
so ``ＡＩ`` finds ``AI``, ``Cambricon`` finds ``cambricon`` and ``Montreal`` finds
``Montréal``. Ranking: an exact match of the whole name, then the text as a whole word or phrase
of it (``UCL`` in "University College London (UCL)"), then a name that starts with it, then one
that contains it; the things the graph describes before the records that state them (sources,
sites, issuance records, chip-support statements: a page titled "ByteDance" after the company);
preferred names before alternative ones; then by name; a deprecated resource (``owl:deprecated
true``: merged into another, or withdrawn) after every other. SHACL shapes (``bjsh:``) are left
out: they carry the names of the classes they check, and have no page here. Hazard: it scans
every label (a few thousand in the project) and ranks every match; for a graph of millions of
labels a full-text index would be needed."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import IntEnum

from bjaikg.interface.labels import LabelIndex, local_address
from bjaikg.namespaces import BJO

MAX_RESULTS = 50
"""At most this many hits are shown (the answer says how many matched)."""

RECORD_TYPES = frozenset(
    {
        str(BJO.Source),
        str(BJO.PolicyIssuance),
        str(BJO.ChipSupport),
        str(BJO.LinkStatement),
        "http://www.w3.org/ns/org#Site",
    }
)
"""Types of the nodes that record what a source states (a page, a row, an organisation's site
as one source gives it, a page's issuance record, a chip-support statement, a link statement):
ranked after the things they describe when both match alike."""

_LATIN_ACCENTS = re.compile("[\u0300-\u036f]")
"""Combining diacritical marks (é is e + U+0301 once decomposed); the Japanese voicing marks
(U+3099, U+309A) are outside the range and stay."""


class MatchKind(IntEnum):
    """How well a label matches, best first (the value is the rank)."""

    EXACT = 0
    WORD = 1
    PREFIX = 2
    PARTIAL = 3


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
    """``text`` as compared: NFKC, Latin accents dropped, case-folded, outer spaces removed
    (ASCII text, which none of these change but case, skips the Unicode steps)."""
    if not text.isascii():
        decomposed = _LATIN_ACCENTS.sub("", unicodedata.normalize("NFKD", text))
        text = unicodedata.normalize("NFKC", decomposed)
    return text.casefold().strip()


def whole_word(needle: str) -> re.Pattern[str]:
    """``needle`` as a whole word or phrase: between two characters that are not letters or
    digits, or a name's ends. Chinese is written without spaces, so a Chinese text inside a
    Chinese name is a prefix or a part."""
    return re.compile(rf"(?<!\w){re.escape(needle)}(?!\w)")


def match_kind(needle: str, label: str, word: re.Pattern[str]) -> MatchKind | None:
    """How ``label`` matches the normalised ``needle`` (``word`` its :func:`whole_word`), or
    ``None``."""
    candidate = normalise(label)
    if needle not in candidate:
        return None
    if candidate == needle:
        return MatchKind.EXACT
    if word.search(candidate):
        return MatchKind.WORD
    if candidate.startswith(needle):
        return MatchKind.PREFIX
    return MatchKind.PARTIAL


def search_labels(index: LabelIndex, text: str, language: str) -> list[SearchHit]:
    """Every resource whose label or alternative label matches ``text``, best first (the
    caller shows the first :data:`MAX_RESULTS`).

    Each resource of the site appears once, with its best-matching name. Empty text finds
    nothing.
    """
    needle = normalise(text)
    if not needle:
        return []
    word = whole_word(needle)
    best: dict[str, SearchHit] = {}
    for iri, names in index.names.items():
        address = local_address(iri)
        if address is None:  # a shape, or another vocabulary's term labelled for the pages
            continue
        for name in names:
            kind = match_kind(needle, name.text, word)
            if kind is None:
                continue
            label, label_language = index.label_and_language(iri, language)
            hit = SearchHit(
                iri=iri,
                address=address,
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


def _rank(hit: SearchHit) -> tuple[bool, int, bool, bool, int, str, str]:
    return (
        hit.deprecated,
        hit.kind,
        not RECORD_TYPES.isdisjoint(hit.types),
        not hit.preferred,
        len(hit.matched),
        hit.label.lower(),
        hit.iri,
    )
