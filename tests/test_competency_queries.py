"""The competency questions of ``queries/``: each runs on the project graph and gives its answer.

The whole-graph tests load the project's ontology and instances once (session fixture) and run
every named query that does not need the internet with its default parameters, comparing the
outcome with the query's ``expect`` rule (``queries/answers/<name>.tsv`` for ``answer``). The
catalogue itself is checked too: at least 30 questions, complete bilingual headers, every prefix
declared, a default for every parameter, an ``X_en`` column beside every ``X_zh`` one, one
answer file per ``expect: answer`` query. The comparison (:mod:`tests.competency`) is checked on
a small inline graph.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from bjaikg.query_catalogue import ANSWER_FOLDER, NamedQuery, load_catalogue, parse_query_file
from bjaikg.store import KnowledgeGraph, load_knowledge_graph
from tests.competency import (
    DefaultAnswers,
    Table,
    bound_text,
    compare_with_answer,
    is_ordered,
    read_answer,
    run_named_query,
)

CATALOGUE = load_catalogue()
RUNNABLE = [query for query in CATALOGUE if not query.needs_network]
SLOW_QUERIES = {"chinese-designer-chips", "models-trained-on-chinese-chips"}
"""Queries that take seconds on the project graph (measured 2026-12: about 3.5 s each)."""
CHINESE = re.compile(r"[\u4e00-\u9fff]")
LATIN = re.compile(r"[A-Za-z]{3}")
BJ = "https://w3id.org/bjaikg/id/"


def by_name(name: str) -> NamedQuery:
    """The catalogue's query called ``name``."""
    return next(query for query in CATALOGUE if query.name == name)


# ---------------------------------------------------------------------------------------------
# Every question against its expected answer
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        pytest.param(query, id=query.name, marks=[pytest.mark.slow] * (query.name in SLOW_QUERIES))
        for query in RUNNABLE
    ],
)
def test_the_query_gives_its_expected_answer(
    default_answers: DefaultAnswers, query: NamedQuery
) -> None:
    problems = compare_with_answer(query, default_answers.of(query))
    assert problems == [], f"{query.path.name} ({query.expect}):\n" + "\n".join(problems)


def test_a_parameter_changes_the_answer_of_a_district_question(
    project_graph: KnowledgeGraph,
) -> None:
    # Paragraph 43: the Model-Data World lies within the Tongming Lake belt (geo:sfWithin) and
    # links with the robot industrial park and the robot data collection centre.
    outcome = run_named_query(
        project_graph, by_name("district-places"), {"district": f"{BJ}model-data-world"}
    )
    assert isinstance(outcome, Table)
    places = {(row[0].rsplit("#", 1)[-1].rstrip(">"), row[1]) for row in outcome.rows}
    assert places == {
        ("sfWithin", f"<{BJ}tongming-lake-technology-belt>"),
        ("linkedArea", f"<{BJ}robot-industrial-park>"),
        ("linkedArea", f"<{BJ}robot-data-collection-centre>"),
    }


def test_a_paragraph_parameter_finds_the_byline(project_graph: KnowledgeGraph) -> None:
    # Paragraph 44 is "文/北京青年报记者 武文娟".
    outcome = run_named_query(project_graph, by_name("sourced-from-paragraph"), {"paragraph": "44"})
    assert isinstance(outcome, Table)
    nodes = {row[0] for row in outcome.rows}
    assert {f"<{BJ}wu-wenjuan>", f"<{BJ}beijing-youth-daily>"} <= nodes


def test_a_statement_of_two_pages_gives_each_page_its_own_quote(
    project_graph: KnowledgeGraph,
) -> None:
    # vLLM-gcu's Baichuan 2 page lists the model, its introduction names the Enflame chip: each
    # quote comes with the page it is copied from (prov:qualifiedDerivation), not with both.
    outcome = run_named_query(
        project_graph, by_name("chip-support-evidence"), {"product": f"{BJ}baichuan-2-7b"}
    )
    assert isinstance(outcome, Table)
    enflame = {(row[2], row[4][:20]) for row in outcome.rows if row[0] == '"Enflame chips"@en'}
    assert enflame == {
        (f"<{BJ}page-vllm-gcu-baichuan2>", '"*  url:[baichuan2-7'),
        (f"<{BJ}page-vllm-gcu-introduction>", '"vLLM-gcu是适配于燧原S60 g'),
    }


def test_a_product_s_chips_include_those_its_parts_support(project_graph: KnowledgeGraph) -> None:
    """FlagOS states no bjo:supportsChip itself: its modules do (dcterms:isPartOf bj:flagos).
    The question gave FlagOS no row at all (a researcher's review, 2026-12-07, finding 1); each
    chip now comes with the part that supports it and that part's page."""
    outcome = run_named_query(
        project_graph, by_name("chip-support-evidence"), {"product": f"{BJ}flagos"}
    )
    assert isinstance(outcome, Table)
    assert outcome.variables == ("chip_en", "through_en", "page", "page_title", "quote")
    through: dict[str, set[str]] = {}
    for row in outcome.rows:
        through.setdefault(row[1], set()).add(row[0])
    assert set(through) == {'"FlagTree"@en', '"FlagGems"@en', '"FlagCX"@en', '"FlagScale"@en'}
    assert len(through['"FlagTree"@en']) == 8 and len(through['"FlagCX"@en']) == 8
    assert len(through['"FlagGems"@en']) == 6 and len(through['"FlagScale"@en']) == 2
    tsingmicro = {(row[1], row[2]) for row in outcome.rows if row[0] == '"TsingMicro chips"@en'}
    assert tsingmicro == {
        ('"FlagTree"@en', f"<{BJ}page-flagtree-readme>"),
        ('"FlagCX"@en', f"<{BJ}page-flagcx-getting-started>"),
    }
    # A product stating its own support answers through itself.
    own = run_named_query(project_graph, by_name("chip-support-evidence"))
    assert isinstance(own, Table) and {row[1] for row in own.rows} == {'"ERNIE-4.5-300B-A47B"@en'}


def test_every_person_the_article_names_is_listed(project_graph: KnowledgeGraph) -> None:
    """The editors of paragraph 45 have no membership and were left out, though the question
    asks for every person the article names (a researcher's review, 2026-12-07, finding 8)."""
    outcome = run_named_query(project_graph, by_name("people-and-roles"))
    persons = project_graph.query(
        "SELECT ?person WHERE { ?person a <https://w3id.org/bjaikg/ontology#Person> ; "
        f"<http://www.w3.org/ns/prov#wasDerivedFrom> <{BJ}source-beijing-ai-first-city> }}"
    )
    assert isinstance(outcome, Table) and isinstance(persons, ox.QuerySolutions)
    named = {str(row["person"]) for row in persons}
    assert {row[0] for row in outcome.rows} == named and len(named) == 4
    assert {row[0] for row in outcome.rows if row[4] == ""} == {
        f"<{BJ}dong-xin>",
        f"<{BJ}liu-zhongyu>",
    }


def test_each_quote_comes_with_its_source(project_graph: KnowledgeGraph) -> None:
    outcome = run_named_query(project_graph, by_name("quotes-for-entity"))
    assert isinstance(outcome, Table)
    sources = {row[2]: row[1] for row in outcome.rows}
    assert sources['"北京市海淀区成府路150号"@zh'] == f"<{BJ}page-459567c17d8e>"  # its site's page
    assert sources[
        '"此次推进会上,北京智源人工智能研究院正式发布面向多种AI芯片的系统软件栈"@zh'
    ] == (f"<{BJ}source-beijing-ai-first-city>")
    assert len(sources) == len(outcome.rows)  # one source for each quote


def test_the_quotes_of_a_page_include_nodes_quoting_it_alone(project_graph: KnowledgeGraph) -> None:
    page = f"{BJ}page-mindformers-baichuan2"  # cited alone by chip-support statements
    outcome = run_named_query(project_graph, by_name("quotes-of-a-page"), {"page": page})
    assert isinstance(outcome, Table)
    assert ('"- 硬件：Ascend 910A"@zh') in {row[1] for row in outcome.rows}


TWO_DESIGNERS = """@prefix bj: <https://w3id.org/bjaikg/id/> .
@prefix bjo: <https://w3id.org/bjaikg/ontology#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
bj:beijing a bjo:City ; rdfs:label "北京"@zh, "Beijing"@en .
bj:lab org:hasPrimarySite [ bjo:locatedIn bj:beijing ] ; rdfs:label "Lab"@en .
bj:zeta org:hasPrimarySite [ bjo:locatedIn bj:beijing ] ; rdfs:label "Zeta Chips"@en .
bj:alpha org:hasPrimarySite [ bjo:locatedIn bj:beijing ] ; rdfs:label "Alpha Semiconductor"@en .
bj:chip a bjo:AIChip ; rdfs:label "Chip X"@en ; bjo:designedBy bj:zeta, bj:alpha .
bj:model a bjo:AIModel ; rdfs:label "Model M"@en ; bjo:developedBy bj:lab ;
    bjo:trainedOn bj:chip ; bjo:supportsChip bj:chip .
bj:support bjo:supportingProduct bj:model ; bjo:supportedChip bj:chip ;
    prov:wasDerivedFrom bj:page .
"""


@pytest.mark.parametrize(
    "name",
    [
        "chinese-chips-training-and-running-models",
        "chinese-designer-chips",
        "chips-used-to-train-beijing-models",
        "models-and-the-chips-they-run-on",
    ],
)
def test_a_chip_with_two_designers_is_one_row_with_both(tmp_path: Path, name: str) -> None:
    # Epoch AI's rows 177 and 5419 give the Ascend 910B two designers (Huawei, HiSilicon): both
    # statements stay, and a question per chip neither counts nor lists the chip twice.
    data = tmp_path / "two-designers.ttl"
    data.write_text(TWO_DESIGNERS, encoding="utf-8")
    outcome = run_named_query(load_knowledge_graph([data], with_inference=False), by_name(name))
    assert isinstance(outcome, Table)
    designers = outcome.variables.index("designers_en")
    assert [row[designers] for row in outcome.rows] == ['"Alpha Semiconductor | Zeta Chips"@en']


# ---------------------------------------------------------------------------------------------
# The catalogue
# ---------------------------------------------------------------------------------------------


def test_there_are_at_least_30_competency_questions() -> None:
    assert len(RUNNABLE) >= 30


@pytest.mark.parametrize("query", CATALOGUE, ids=[query.name for query in CATALOGUE])
def test_the_query_declares_every_prefix_it_uses(query: NamedQuery) -> None:
    # pyoxigraph knows no prefix unless it is given one: an undeclared prefix is a syntax error.
    # The result is not read, so a SERVICE clause is never sent anywhere.
    ox.Store().query(query.text)
    ox.Store().query(bound_text(query))


@pytest.mark.parametrize("query", CATALOGUE, ids=[query.name for query in CATALOGUE])
def test_the_header_is_complete_in_both_languages(query: NamedQuery) -> None:
    for language, script in (("zh", CHINESE), ("en", LATIN)):
        assert script.search(query.title(language)), f"title.{language} is not in {language}"
        assert script.search(query.description(language)), f"description.{language}"
    assert query.tags, "no tags"
    assert not any(parameter.required for parameter in query.parameters), (
        "a parameter lacks a default"
    )


@pytest.mark.parametrize("query", CATALOGUE, ids=[query.name for query in CATALOGUE])
def test_every_chinese_column_has_its_english_twin(query: NamedQuery) -> None:
    # Every entity has a label in both languages (entities-without-english-label), so a column
    # X_zh comes with X_en. Not the reverse: Epoch AI's models and chips have English labels
    # only, and their X_en columns have no Chinese twin to give. The variables are read from
    # the query on an empty store; nothing is evaluated, so a SERVICE clause is never sent.
    result = ox.Store().query(bound_text(query))
    if not isinstance(result, ox.QuerySolutions):
        return  # an ASK question has no columns
    variables = {variable.value for variable in result.variables}
    missing = sorted(
        f"{name.removesuffix('_zh')}_en"
        for name in variables
        if name.endswith("_zh") and f"{name.removesuffix('_zh')}_en" not in variables
    )
    assert missing == [], f"{query.path.name}: lacks the English twin {missing} of a _zh column"


def test_every_answer_query_has_its_answer_file_and_no_file_is_orphaned() -> None:
    expecting = {query.name for query in CATALOGUE if query.expect == "answer"}
    files = {path.stem for path in ANSWER_FOLDER.glob("*.tsv")}
    assert expecting == files


# ---------------------------------------------------------------------------------------------
# The comparison, on an inline graph
# ---------------------------------------------------------------------------------------------

TURTLE = """@prefix ex: <https://example.org/> .
ex:a ex:size 2 . ex:b ex:size 1 .
"""
SELECT = """#+ title.en: Sizes
#+ title.zh: 大小
#+ description.en: The sizes.
#+ description.zh: 大小。
#+ tags: test
#+ expect: {expect}
#+ defaults: _minimum=1
PREFIX ex: <https://example.org/>
SELECT ?thing ?size WHERE {{ ?thing ex:size ?size FILTER(?size >= ?_minimum) }}
{order}
"""


@pytest.fixture
def small_graph(tmp_path: Path) -> KnowledgeGraph:
    data = tmp_path / "data.ttl"
    data.write_text(TURTLE, encoding="utf-8")
    return load_knowledge_graph([data], with_inference=False)


def write_query(folder: Path, expect: str, order: str = "") -> NamedQuery:
    path = folder / "sizes.rq"
    path.write_text(SELECT.format(expect=expect, order=order), encoding="utf-8")
    return parse_query_file(path)


def write_answer(folder: Path, *rows: str) -> None:
    text = "?thing\t?size\n" + "".join(f"{row}\n" for row in rows)
    (folder / "sizes.tsv").write_text(text, encoding="utf-8")


def test_an_unordered_answer_matches_as_a_multiset(
    small_graph: KnowledgeGraph, tmp_path: Path
) -> None:
    query = write_query(tmp_path, "answer")
    write_answer(tmp_path, "<https://example.org/b>\t1", "<https://example.org/a>\t2")
    assert not is_ordered(query)
    assert compare_with_answer(query, run_named_query(small_graph, query), tmp_path) == []


def test_an_ordered_answer_must_match_in_order(small_graph: KnowledgeGraph, tmp_path: Path) -> None:
    query = write_query(tmp_path, "answer", "ORDER BY ?size")
    write_answer(tmp_path, "<https://example.org/a>\t2", "<https://example.org/b>\t1")
    problems = compare_with_answer(query, run_named_query(small_graph, query), tmp_path)
    assert problems == ["the rows are right but in another order than the answer file's"]


def test_a_wrong_answer_names_the_missing_and_unexpected_rows(
    small_graph: KnowledgeGraph, tmp_path: Path
) -> None:
    query = write_query(tmp_path, "answer")
    write_answer(tmp_path, "<https://example.org/a>\t2", "<https://example.org/c>\t3")
    problems = compare_with_answer(query, run_named_query(small_graph, query), tmp_path)
    assert problems == [
        'missing row: <https://example.org/c> | "3"^^<http://www.w3.org/2001/XMLSchema#integer>',
        'unexpected row: <https://example.org/b> | "1"^^<http://www.w3.org/2001/XMLSchema#integer>',
    ]


def test_a_parameter_value_is_bound_as_a_term(small_graph: KnowledgeGraph, tmp_path: Path) -> None:
    query = write_query(tmp_path, "rows == 1")
    assert compare_with_answer(query, run_named_query(small_graph, query, {"minimum": "2"})) == []
    assert compare_with_answer(query, run_named_query(small_graph, query)) == [
        "expected rows == 1, got 2 rows"
    ]


@pytest.mark.parametrize(
    ("expect", "holds"), [("rows >= 2", True), ("rows >= 3", False), ("rows == 2", True)]
)
def test_row_count_rules(
    small_graph: KnowledgeGraph, tmp_path: Path, expect: str, holds: bool
) -> None:
    query = write_query(tmp_path, expect)
    assert (compare_with_answer(query, run_named_query(small_graph, query)) == []) is holds


def test_ask_queries_give_booleans(small_graph: KnowledgeGraph, tmp_path: Path) -> None:
    path = tmp_path / "any.rq"
    path.write_text(
        SELECT.split("PREFIX")[0].format(expect="false")
        + "PREFIX ex: <https://example.org/>\nASK { ?thing ex:size 2 }\n",
        encoding="utf-8",
    )
    query = parse_query_file(path)
    outcome = run_named_query(small_graph, query)
    assert outcome is True
    assert compare_with_answer(query, outcome) == ["expected false, got True"]


def test_an_answer_file_reads_back_what_pyoxigraph_writes(tmp_path: Path) -> None:
    text = """SELECT ?x ?y ?z WHERE {
      VALUES (?x ?y ?z) { (2.5 "tab\\there"@zh UNDEF) (<https://example.org/a> "q\\"" 1) }
    }"""
    written = ox.Store().query(text)
    assert isinstance(written, ox.QuerySolutions)
    path = tmp_path / "written.tsv"
    path.write_bytes(written.serialize(format=ox.QueryResultsFormat.TSV) or b"")
    again = ox.Store().query(text)
    assert isinstance(again, ox.QuerySolutions)
    assert read_answer(path) == Table.from_solutions(again)
    assert read_answer(path).rows[0][1] == '"tab\\there"@zh'
