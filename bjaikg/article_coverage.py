"""Which paragraphs of a source document the graph draws on, rendered as ``docs/coverage.md``.

A paragraph is a non-empty line of the source's text file (``bjo:sourceFile`` on the
:class:`bjo:SourceDocument` node); nodes name the paragraphs their quotes come from with
``bjo:paragraph``. :func:`paragraph_coverage` lists, for each paragraph, the nodes that cite it,
and for the paragraphs no node cites the reason recorded in :data:`UNMODELLED_PARAGRAPHS`.

Run ``python -m bjaikg.article_coverage`` to rewrite ``docs/coverage.md`` after changing instance
data; ``tests/test_instances.py`` fails while the file is out of date.

Hazard: the reasons are keyed by paragraph number, so editing the source text file (adding or
removing a non-empty line) shifts them, and every ``bjo:paragraph`` in the data with them.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from bjaikg import PROJECT_ROOT
from bjaikg.namespaces import shorten, sparql_prologue
from bjaikg.sources.registry import sources_folder
from bjaikg.store import KnowledgeGraph, load_knowledge_graph, read_text

SOURCE_DOCUMENT = "https://w3id.org/bjaikg/id/source-beijing-ai-first-city"
"""The article the coverage report is about."""

COVERAGE_FILE = PROJECT_ROOT / "docs" / "coverage.md"

UNMODELLED_PARAGRAPHS: dict[int, str] = {
    2: "rhetorical opening: the weight of the “一” in “人工智能第一城”",
    3: "section heading (内涵1)",
    4: "section heading: 一马当先的首都责任",
    8: "rhetorical: the requirement of the new era, a historical duty",
    10: "heading of the figures that follow; they are observations of paragraph 11 "
    "(instances/statistics.ttl)",
    12: "heading of the applications that follow; its domain 文商旅体展 is the concept "
    "bjo:CultureCommerceTourismSportsExhibitions (ontology/domains.ttl)",
    14: "rhetorical introduction to the list of “firsts” that follows",
    18: "section heading (内涵2)",
    19: "section heading: 一体化布局的产业思路",
    29: "rhetorical summary of the application scenarios above",
    30: "section heading (内涵3)",
    31: "section heading: 一区一策的实施路径",
    32: "rhetorical: Beijing keeps launching practical measures",
}
"""Paragraphs of the article that state no fact the graph could hold, and why."""

EXCERPT_LENGTH = 24


@dataclass(frozen=True)
class ParagraphCoverage:
    """One paragraph: its number, text, the nodes citing it (prefixed names) or why none do."""

    number: int
    text: str
    subjects: tuple[str, ...]
    reason: str | None


def read_paragraphs(path: Path) -> list[str]:
    """The non-empty lines of the UTF-8 text file ``path``; paragraph N is element N-1.

    Raises :class:`~bjaikg.errors.DataFileError` when the file cannot be read as text.
    """
    return [line for line in read_text(path).splitlines() if line.strip()]


def source_file(graph: KnowledgeGraph, source: str = SOURCE_DOCUMENT) -> Path:
    """The text file of ``source``: its ``bjo:sourceFile`` name in :func:`sources_folder`."""
    result = graph.query(
        sparql_prologue() + f"SELECT ?file WHERE {{ <{source}> bjo:sourceFile ?file }} LIMIT 1"
    )
    assert isinstance(result, ox.QuerySolutions)
    rows = list(result)
    if not rows:
        raise LookupError(f"{source} has no bjo:sourceFile")
    return sources_folder() / rows[0]["file"].value


def citing_subjects(graph: KnowledgeGraph, source: str = SOURCE_DOCUMENT) -> dict[int, list[str]]:
    """For each paragraph number, the sorted prefixed names of the nodes citing it."""
    result = graph.query(
        sparql_prologue()
        + f"""SELECT DISTINCT ?subject ?paragraph WHERE {{
              ?subject prov:wasDerivedFrom <{source}> ; bjo:paragraph ?paragraph .
              FILTER(isIRI(?subject)) }}"""
    )
    assert isinstance(result, ox.QuerySolutions)
    cited: dict[int, list[str]] = {}
    for row in result:
        cited.setdefault(int(row["paragraph"].value), []).append(shorten(row["subject"].value))
    return {number: sorted(subjects) for number, subjects in cited.items()}


def paragraph_coverage(
    graph: KnowledgeGraph, source: str = SOURCE_DOCUMENT
) -> list[ParagraphCoverage]:
    """Every paragraph of ``source`` with the nodes citing it or the reason none does."""
    paragraphs = read_paragraphs(source_file(graph, source))
    cited = citing_subjects(graph, source)
    return [
        ParagraphCoverage(
            number=number,
            text=text,
            subjects=tuple(cited.get(number, [])),
            reason=UNMODELLED_PARAGRAPHS.get(number),
        )
        for number, text in enumerate(paragraphs, start=1)
    ]


def quoted_share(graph: KnowledgeGraph, source: str = SOURCE_DOCUMENT) -> tuple[int, int]:
    """How much of ``source`` the graph quotes: (characters covered, characters in all).

    Characters are counted without line breaks. A character is covered when it lies in an
    occurrence of a ``bjo:quote`` of a node derived from ``source`` in a paragraph the node names
    (``bjo:paragraph``; tests/test_instances.py checks that each quote is in one of them), so a
    quote counts once however many nodes carry it.
    """
    paragraphs = read_paragraphs(source_file(graph, source))
    result = graph.query(
        sparql_prologue()
        + f"""SELECT DISTINCT ?quote ?paragraph WHERE {{
              ?subject prov:wasDerivedFrom <{source}> ;
                       bjo:quote ?quote ; bjo:paragraph ?paragraph .
              FILTER(isIRI(?subject)) }}"""
    )
    assert isinstance(result, ox.QuerySolutions)
    covered = [[False] * len(text) for text in paragraphs]
    for row in result:
        number, quote = int(row["paragraph"].value), row["quote"].value
        if not quote or not 1 <= number <= len(paragraphs):
            continue
        text, marks = paragraphs[number - 1], covered[number - 1]
        start = text.find(quote)
        while start >= 0:
            marks[start : start + len(quote)] = [True] * len(quote)
            start = text.find(quote, start + 1)
    return sum(sum(marks) for marks in covered), sum(len(text) for text in paragraphs)


def render_markdown(coverage: list[ParagraphCoverage]) -> str:
    """The coverage table as Markdown (deterministic: paragraph order, sorted names)."""
    lines = [
        "# Coverage of the source article",
        "",
        "Generated by `python -m bjaikg.article_coverage` from the data: for each paragraph "
        "(non-empty",
        "line) of the article's text (`beijing-ai-first-city.zh.txt` in the sources folder), the",
        "nodes whose `bjo:paragraph`",
        "names it, or why nothing is modelled from it. Do not edit by hand.",
        "",
        "| ¶ | begins | nodes citing it, or why none |",
        "|---:|---|---|",
    ]
    for paragraph in coverage:
        excerpt = paragraph.text[:EXCERPT_LENGTH].replace("|", "\\|")
        if len(paragraph.text) > EXCERPT_LENGTH:
            excerpt += "…"
        if paragraph.subjects:
            cell = ", ".join(f"`{name}`" for name in paragraph.subjects)
        else:
            cell = f"*not modelled: {paragraph.reason or 'NO REASON GIVEN'}*"
        lines.append(f"| {paragraph.number} | {excerpt} | {cell} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    """Rewrite :data:`COVERAGE_FILE` from the project's data; return the exit code."""
    coverage = paragraph_coverage(load_knowledge_graph())
    COVERAGE_FILE.write_text(render_markdown(coverage), encoding="utf-8")
    print(f"bjaikg: wrote {COVERAGE_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
