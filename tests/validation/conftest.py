"""Helpers for the validator's tests: write inline Turtle to a temporary file and validate it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bjaikg.namespaces import PREFIXES

PROLOGUE = "".join(f"@prefix {name}: <{iri}> .\n" for name, iri in PREFIXES.items())
"""Turtle prefix lines for every project prefix, so inline snippets stay short."""

SOURCE = """
bj:source-test a bjo:SourceDocument ;
    rdfs:label "测试来源"@zh, "test source"@en ;
    bjo:sourceFile "beijing-ai-first-city.zh.txt" ;
    prov:wasDerivedFrom bj:source-test ;
    bjo:quote "北京"@zh ;
    bjo:paragraph 1 .
"""
"""A valid source document for snippets that need provenance."""

SOURCED = 'prov:wasDerivedFrom bj:source-test ; bjo:quote "北京"@zh ; bjo:paragraph 1'
"""The provenance statements of a valid entity (append after ' ;')."""


@pytest.fixture
def turtle_file(tmp_path: Path) -> Callable[..., Path]:
    """Write ``PROLOGUE + SOURCE + body`` (or the raw text with ``raw=True``) to a .ttl file."""

    def write(body: str, name: str = "data.ttl", *, raw: bool = False) -> Path:
        path = tmp_path / name
        path.write_text(body if raw else PROLOGUE + SOURCE + body, encoding="utf-8")
        return path

    return write
