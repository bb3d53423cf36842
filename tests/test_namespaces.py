"""The project's prefixes: :func:`shorten` gives the same prefixed names as a scan of every
namespace would, longest first."""

from __future__ import annotations

import pytest

from bjaikg.namespaces import PREFIXES, shorten


def scanned(iri: str) -> str:
    """``iri`` shortened by trying every namespace, the longest match winning."""
    matches = [(ns, prefix) for prefix, ns in PREFIXES.items() if iri.startswith(ns)]
    if matches:
        namespace, prefix = max(matches, key=lambda match: len(match[0]))
        local = iri[len(namespace) :]
        if local and all(ch.isalnum() or ch in "-_." for ch in local):
            return f"{prefix}:{local}"
    return f"<{iri}>"


def test_every_namespace_ends_a_path() -> None:
    assert [ns for ns in PREFIXES.values() if not ns.endswith(("#", "/"))] == []


LOCAL_NAMES = ["cambricon", "company-1", "a.b_c", "北京", "", "x/y", "x#y", "a b", "q?x=1"]


@pytest.mark.parametrize("namespace", [*PREFIXES.values(), "https://example.org/", "urn:x:"])
@pytest.mark.parametrize("local", LOCAL_NAMES)
def test_shorten_matches_the_scan(namespace: str, local: str) -> None:
    assert shorten(namespace + local) == scanned(namespace + local)


@pytest.mark.parametrize(
    ("iri", "short"),
    [
        ("https://w3id.org/bjaikg/id/cambricon", "bj:cambricon"),
        ("https://w3id.org/bjaikg/ontology#Company", "bjo:Company"),
        ("https://w3id.org/bjaikg/ontology#", "<https://w3id.org/bjaikg/ontology#>"),
        ("https://w3id.org/bjaikg/id/a/b", "<https://w3id.org/bjaikg/id/a/b>"),
        ("http://www.wikidata.org/prop/direct/P31", "wdt:P31"),
        ("https://example.org/x", "<https://example.org/x>"),
        ("no-separator", "<no-separator>"),
    ],
)
def test_shorten(iri: str, short: str) -> None:
    assert shorten(iri) == short
