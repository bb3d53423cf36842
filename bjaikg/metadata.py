"""The dataset's names, licence and creator: one place for what releases, pages and citation
files (CITATION.cff, .zenodo.json, checked against these by the tests) say about it."""

from __future__ import annotations

BASE = "https://w3id.org/bjaikg"
"""The persistent root of every IRI of the project (redirected by w3id/.htaccess)."""

DEFAULT_LICENCE = "https://creativecommons.org/licenses/by/4.0/"
TITLE = {"en": "Beijing AI Knowledge Graph", "zh": "北京人工智能知识图谱"}
CREATOR = "bjaikg contributors"
