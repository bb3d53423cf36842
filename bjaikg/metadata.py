"""The dataset's names, licence and creator: one place for what releases, pages and citation
files (CITATION.cff, .zenodo.json, checked against these by the tests) say about it."""

from __future__ import annotations

BASE = "https://w3id.org/bjaikg"
"""The persistent root of every IRI of the project (redirected by w3id/.htaccess)."""

DEFAULT_LICENCE = "https://creativecommons.org/licenses/by/4.0/"
TITLE = {"en": "Beijing AI Knowledge Graph", "zh": "北京人工智能知识图谱"}
CREATOR = "bjaikg contributors"

DATASET_IRI = f"{BASE}/dataset"
"""The dataset's one identifier (every release ``dcterms:isVersionOf`` it; CITATION.cff's ``url``,
.zenodo.json's ``isVersionOf`` and the served description's ``dcterms:identifier`` name it)."""

CREATOR_IRI = f"{DATASET_IRI}#contributors"
"""The agent that creates and publishes the dataset (``dcterms:creator``, ``dcterms:publisher``):
a node, not a literal, as DCMI gives ``dcterms:creator`` the range ``dcterms:Agent``."""

ABSTRACT = {
    "en": (
        "An open, sourced, bilingual (Chinese / English) knowledge graph of Beijing's AI "
        "ecosystem: policies, innovation districts, institutions, products and chips, as an OWL "
        "ontology, Turtle instance data in which every fact carries the sentence of its source, "
        "and SHACL shapes."
    ),
    "zh": (
        "一个开放、注明来源、中英双语的北京人工智能生态知识图谱：政策、创新街区、机构、产品与芯片，"
        "包括 OWL 本体、每条事实都附有其来源句子的 Turtle 实例数据，以及 SHACL 形状。"
    ),
}
"""``dcterms:description`` and schema.org ``description``: the English is CITATION.cff's
``abstract`` (tests/release/test_citation.py holds them equal), the Chinese its translation."""

KEYWORDS = (
    "knowledge graph",
    "artificial intelligence",
    "Beijing",
    "linked data",
    "OWL",
    "SHACL",
)
"""``dcat:keyword`` and schema.org ``keywords``: CITATION.cff's and .zenodo.json's (tested)."""

LANGUAGES = {
    "zh": "http://id.loc.gov/vocabulary/iso639-1/zh",
    "en": "http://id.loc.gov/vocabulary/iso639-1/en",
}
"""The languages of the data (``dcterms:language``): the Library of Congress's ISO 639-1 IRIs."""

RIGHTS = {
    "en": (
        "CC BY 4.0 applies to the project's own statements. Quotations (bjo:quote) are "
        "reproduced as short quotations, each with its source, and remain under their sources' "
        "terms: the news article's (quote and cite, do not republish whole) and, for web pages, "
        "their publishers'. Data adapted from Epoch AI's datasets (CC BY 4.0) says how it was "
        "changed on each source dataset (dcterms:rights)."
    ),
    "zh": (
        "CC BY 4.0 适用于本项目自身的陈述。引文（bjo:quote）作为简短引用转载，每条注明出处，"
        "其权利仍受来源条款约束：新闻报道为“可引用并注明出处，不得全文转载”，网页为其发布者的条款。"
        "改编自 Epoch AI 数据集（CC BY 4.0）的数据，其改动在各来源数据集上说明（dcterms:rights）。"
    ),
}
"""``dcterms:rights`` of the dataset and of each release: what CC BY 4.0 covers, and what not."""

LICENCE_NAMES = {DEFAULT_LICENCE: "CC BY 4.0"}
"""How pages name a licence IRI (the link keeps the IRI)."""
