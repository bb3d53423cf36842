"""The instance data (instances/*.ttl): typed, labelled in zh and en, sourced with verbatim quotes.

Integration tests over the project's real data, loaded with bjaikg.store.load_knowledge_graph
(inference off, so only what the files assert counts).
"""

from __future__ import annotations

from collections import defaultdict

import pytest

from bjaikg.article_coverage import (
    COVERAGE_FILE,
    UNMODELLED_PARAGRAPHS,
    paragraph_coverage,
    quoted_share,
    read_paragraphs,
    render_markdown,
    source_file,
)
from bjaikg.namespaces import BJ, BJG, BJO, shorten
from bjaikg.store import KnowledgeGraph, load_knowledge_graph
from tests.graph_rows import select

XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC_DATATYPES = {f"{XSD}decimal", f"{XSD}integer"}
NUMERIC_PROPERTIES = ("statedValue", "minimumValue", "maximumValue", "unitMultiplier",
                      "normalisedValue", "paragraph")  # fmt: skip


@pytest.fixture(scope="module")
def graph() -> KnowledgeGraph:
    return load_knowledge_graph(with_inference=False)


def instance_subjects(graph: KnowledgeGraph) -> list[str]:
    """Every bj: IRI that is a subject in a file of instances/."""
    rows = select(
        graph,
        f"""SELECT DISTINCT ?subject WHERE {{
              GRAPH ?file {{ ?subject ?predicate ?object }}
              FILTER(STRSTARTS(STR(?file), "{BJG}instances/"))
              FILTER(STRSTARTS(STR(?subject), "{BJ}")) }} ORDER BY ?subject""",
    )
    return [row["subject"] for row in rows]


def article_subjects(graph: KnowledgeGraph) -> list[str]:
    """The instance subjects taken from a source document with a text file (the article)."""
    rows = select(
        graph,
        """SELECT DISTINCT ?subject WHERE {
             ?subject prov:wasDerivedFrom ?source . ?source bjo:sourceFile ?file }""",
    )
    taken = {row["subject"] for row in rows}
    return [subject for subject in instance_subjects(graph) if subject in taken]


def test_instance_files_load_and_hold_entities(graph: KnowledgeGraph) -> None:
    names = {graph_file.path.name for graph_file in graph.files}
    for expected in ("sources.ttl", "places.ttl", "districts.ttl", "policies.ttl",
                     "events.ttl", "statistics.ttl"):  # fmt: skip
        assert expected in names
    assert len(instance_subjects(graph)) > 50


def test_every_entity_is_typed(graph: KnowledgeGraph) -> None:
    typed = {row["subject"] for row in select(graph, "SELECT ?subject WHERE { ?subject a ?c }")}
    untyped = [shorten(subject) for subject in instance_subjects(graph) if subject not in typed]
    assert untyped == []


def test_every_referenced_entity_is_defined(graph: KnowledgeGraph) -> None:
    rows = select(
        graph,
        f"""SELECT DISTINCT ?object WHERE {{
              ?subject ?predicate ?object .
              FILTER(isIRI(?object) && STRSTARTS(STR(?object), "{BJ}"))
              FILTER NOT EXISTS {{ ?object a ?class }} }} ORDER BY ?object""",
    )
    assert [shorten(row["object"]) for row in rows] == []


def test_every_article_entity_has_one_label_in_zh_and_one_in_en(graph: KnowledgeGraph) -> None:
    labels: dict[str, list[str]] = defaultdict(list)
    for row in select(graph, "SELECT ?subject ?label WHERE { ?subject rdfs:label ?label }"):
        labels[row["subject"]].append(row["label"])
    languages = select(
        graph, "SELECT ?subject (LANG(?label) AS ?language) WHERE { ?subject rdfs:label ?label }"
    )
    per_language: dict[tuple[str, str], int] = defaultdict(int)
    for row in languages:
        per_language[(row["subject"], row.get("language", ""))] += 1
    wrong = [
        shorten(subject)
        for subject in article_subjects(graph)
        if per_language[(subject, "zh")] != 1
        or per_language[(subject, "en")] != 1
        or len(labels[subject]) != 2
    ]
    assert wrong == []


def test_every_entity_is_derived_from_a_source(graph: KnowledgeGraph) -> None:
    """Every subject of instances/ is a source, a snapshot of one, or derived from a source (a
    source document is its own: the article no longer says it is derived from itself)."""
    rows = select(
        graph,
        """SELECT DISTINCT ?subject WHERE {
             { ?subject prov:wasDerivedFrom ?source . ?source a ?kind .
               VALUES ?kind { bjo:SourceDocument bjo:WebPage bjo:SourceDataset bjo:SourceRecord } }
             UNION { ?subject a ?kind . VALUES ?kind { bjo:SourceDocument bjo:WebPage
                         bjo:SourceDataset bjo:SourceRecord dcat:Distribution } } }""",
    )
    sourced = {row["subject"] for row in rows}
    unsourced = [shorten(s) for s in instance_subjects(graph) if s not in sourced]
    assert unsourced == []


def test_a_doubted_node_derives_only_from_the_rows_that_state_it(graph: KnowledgeGraph) -> None:
    """A doubt's comment names other rows (bj:huawei-ascend-910's names five rows it keeps as
    other chips); they are rdfs:seeAlso, not sources of the node: which rows state its facts
    must answer row 660 alone (it answered six, a researcher's review found, 2026-12-07)."""
    rows = select(
        graph,
        "SELECT ?record WHERE { GRAPH ?g { bj:huawei-ascend-910 prov:wasDerivedFrom ?record } }",
    )
    assert [shorten(row["record"]) for row in rows] == [
        "bj:epoch-ai-hardware-record-huawei-ascend-910"
    ]


def test_every_article_entity_has_quote_and_paragraph(graph: KnowledgeGraph) -> None:
    quoted = {
        row["subject"]
        for row in select(
            graph,
            """SELECT ?subject WHERE {
                 ?subject bjo:quote ?quote ; bjo:paragraph ?n . FILTER(LANG(?quote) = "zh") }""",
        )
    }
    unquoted = [shorten(s) for s in article_subjects(graph) if s not in quoted]
    assert unquoted == []


def test_every_quote_is_verbatim_in_a_paragraph_it_names(graph: KnowledgeGraph) -> None:
    paragraphs = read_paragraphs(source_file(graph))
    quotes: dict[str, set[str]] = defaultdict(set)
    numbers: dict[str, set[int]] = defaultdict(set)
    article = set(article_subjects(graph))
    for row in select(graph, "SELECT ?s ?quote WHERE { ?s bjo:quote ?quote }"):
        if row["s"] in article:
            quotes[row["s"]].add(row["quote"])
    for row in select(graph, "SELECT ?s ?n WHERE { ?s bjo:paragraph ?n }"):
        numbers[row["s"]].add(int(row["n"]))
    problems = []
    for subject, texts in sorted(quotes.items()):
        named = [paragraphs[n - 1] for n in sorted(numbers[subject]) if 1 <= n <= len(paragraphs)]
        problems += [
            f"{shorten(subject)}: quote not in paragraphs {sorted(numbers[subject])}: {text}"
            for text in sorted(texts)
            if not any(text in paragraph for paragraph in named)
        ]
        problems += [
            f"{shorten(subject)}: paragraph {n} named but no quote from it"
            for n in sorted(numbers[subject])
            if not 1 <= n <= len(paragraphs) or not any(t in paragraphs[n - 1] for t in texts)
        ]
    assert problems == []


def test_numbers_are_typed(graph: KnowledgeGraph) -> None:
    wrong = []
    for name in NUMERIC_PROPERTIES:
        for row in select(
            graph, f"SELECT ?s ?value (DATATYPE(?value) AS ?type) WHERE {{ ?s bjo:{name} ?value }}"
        ):
            if row.get("type") not in NUMERIC_DATATYPES:
                wrong.append(f"{shorten(row['s'])} bjo:{name} {row['value']!r}")
    assert wrong == []


def test_every_observation_has_indicator_value_and_unit(graph: KnowledgeGraph) -> None:
    rows = select(
        graph,
        """SELECT ?observation WHERE {
             ?observation a bjo:Observation .
             FILTER NOT EXISTS {
               ?observation bjo:indicator ?indicator ;
                            sdmx-attribute:unitMeasure ?unit .
               { ?observation bjo:statedValue ?value ; bjo:normalisedValue ?normalised }
               UNION { ?observation bjo:minimumValue ?low ; bjo:maximumValue ?high } } }""",
    )
    assert rows == []


def test_normalised_value_is_stated_value_times_multiplier(graph: KnowledgeGraph) -> None:
    rows = select(
        graph,
        """SELECT ?o WHERE {
             ?o bjo:statedValue ?value ; bjo:normalisedValue ?normalised .
             OPTIONAL { ?o bjo:unitMultiplier ?multiplier }
             FILTER(?value * COALESCE(?multiplier, 1) != ?normalised) }""",
    )
    assert rows == []


def test_the_article_figures_keep_scale_period_and_qualifier(graph: KnowledgeGraph) -> None:
    rows = select(
        graph,
        """SELECT ?value ?multiplier ?normalised ?period ?qualifier ?unit WHERE {
             bj:beijing-ai-core-industry-scale-2025 bjo:statedValue ?value ;
               bjo:unitMultiplier ?multiplier ; bjo:normalisedValue ?normalised ;
               bjo:period ?period ; bjo:qualifier ?qualifier ;
               sdmx-attribute:unitMeasure ?unit }""",
    )
    assert rows == [
        {
            "value": "4500",
            "multiplier": "100000000",
            "normalised": "450000000000",
            "period": "2025",
            "qualifier": f"{BJO}Estimated",
            "unit": "http://qudt.org/vocab/unit/CCY_CNY",
        }
    ]


def test_every_paragraph_is_covered_or_explained(graph: KnowledgeGraph) -> None:
    coverage = paragraph_coverage(graph)
    assert len(coverage) == 45
    missing = [p.number for p in coverage if not p.subjects and p.reason is None]
    assert missing == []
    assert set(UNMODELLED_PARAGRAPHS) <= {p.number for p in coverage}


ARTICLE_QUOTED_CAP = 0.870
"""The largest share of the article's characters (line breaks not counted) the graph's quotes
may cover: 86.7 % (3,050 of 3,518) on 2026-12-07, when every quote became one sentence
(docs/decisions/20261207-article-quotes.md). The article's rights are "quote and cite, do not
republish whole"; raise the cap only with a decision that says why."""


def test_the_article_quotes_stay_below_their_cap(graph: KnowledgeGraph) -> None:
    covered, total = quoted_share(graph)
    assert total > 3000  # the article was read
    assert covered / total <= ARTICLE_QUOTED_CAP, (
        f"the quotes cover {covered} of the article's {total} characters "
        f"({covered / total:.1%}), above the cap of {ARTICLE_QUOTED_CAP:.1%}: quote the sentence "
        "that states a fact, not the headings, rhetoric or whole paragraphs around it"
    )


def test_coverage_document_is_up_to_date(graph: KnowledgeGraph) -> None:
    expected = render_markdown(paragraph_coverage(graph))
    assert COVERAGE_FILE.read_text(encoding="utf-8") == expected, (
        "docs/coverage.md is stale: run python -m bjaikg.article_coverage"
    )
