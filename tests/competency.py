"""Running the competency questions of ``queries/`` and checking them against their answers.

A named query runs with its parameters bound the way the API binds them
(:meth:`bjaikg.query_catalogue.NamedQuery.bind`), so the tests check what researchers get.

The outcome of a SELECT query is a :class:`Table` whose cells are the N-Triples form of each
term (``""`` when unbound), so ``3`` in a TSV file and ``"3"^^xsd:integer`` from the store
compare equal. pyoxigraph stores numbers in canonical form (``4500.0`` becomes ``4500``), which
is the form an answer file must use.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from bjaikg.query_catalogue import ANSWER_FOLDER, NamedQuery
from bjaikg.store import KnowledgeGraph

_ORDER_BY = re.compile(r"\bORDER\s+BY\b", re.IGNORECASE)
_ROW_RULE = re.compile(r"^rows\s*(==|>=)\s*(\d+)$")


@dataclass(frozen=True)
class Table:
    """The answer of a SELECT query: its variables and its rows of N-Triples cells."""

    variables: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    @classmethod
    def from_solutions(cls, solutions: ox.QuerySolutions) -> Table:
        """The table of ``solutions`` (a pyoxigraph SELECT result, read once)."""
        variables = tuple(variable.value for variable in solutions.variables)
        rows = tuple(
            tuple("" if term is None else str(term) for term in solution) for solution in solutions
        )
        return cls(variables, rows)


def is_ordered(query: NamedQuery) -> bool:
    """Whether the order of the query's rows is part of its answer (it has ``ORDER BY``)."""
    return bool(_ORDER_BY.search(query.text))


def bound_text(query: NamedQuery, values: Mapping[str, str] | None = None) -> str:
    """The query's text with its parameters bound to ``values`` or else to their defaults.

    ``values`` are keyed by parameter name without the leading underscore, as in the API.
    """
    return query.bind(values or {})


def run_named_query(
    graph: KnowledgeGraph, query: NamedQuery, values: Mapping[str, str] | None = None
) -> Table | bool:
    """Run ``query`` over ``graph``: a :class:`Table` for SELECT, a bool for ASK."""
    result = graph.query(bound_text(query, values))
    if isinstance(result, ox.QueryBoolean):
        return bool(result)
    if isinstance(result, ox.QuerySolutions):
        return Table.from_solutions(result)
    raise TypeError(f"{query.path}: a competency query is a SELECT or an ASK query")


@dataclass
class DefaultAnswers:
    """The answer of ``graph`` to each named query with its default parameters, computed once
    and kept: several modules compare a store's answer with the embedded one, and the slowest
    questions take seconds each. Hazard: only for a graph no test changes."""

    graph: KnowledgeGraph
    answers: dict[str, Table | bool] = field(default_factory=dict)

    def of(self, query: NamedQuery) -> Table | bool:
        """:func:`run_named_query` of ``query`` with its defaults, run at the first call only."""
        if query.name not in self.answers:
            self.answers[query.name] = run_named_query(self.graph, query)
        return self.answers[query.name]


def read_answer(path: Path) -> Table:
    """The expected answer kept in ``path`` (SPARQL TSV results, as pyoxigraph writes them)."""
    solutions = ox.parse_query_results(path.read_bytes(), format=ox.QueryResultsFormat.TSV)
    assert isinstance(solutions, ox.QuerySolutions)
    return Table.from_solutions(solutions)


def _rows_differences(
    expected: Iterable[tuple[str, ...]], actual: Iterable[tuple[str, ...]]
) -> list[str]:
    """Rows missing from ``actual`` and rows it has that ``expected`` lacks, one line each."""
    expected_count, actual_count = Counter(expected), Counter(actual)
    missing = expected_count - actual_count
    extra = actual_count - expected_count
    lines = [f"missing row: {' | '.join(row)}" for row in sorted(missing.elements())]
    lines += [f"unexpected row: {' | '.join(row)}" for row in sorted(extra.elements())]
    return lines


def compare_with_answer(
    query: NamedQuery, outcome: Table | bool, answer_folder: Path = ANSWER_FOLDER
) -> list[str]:
    """What differs between ``outcome`` and the query's ``expect`` rule; empty when it holds.

    ``answer`` compares with ``<answer_folder>/<name>.tsv`` (in order when the query has
    ``ORDER BY``, else as a multiset); ``true``/``false`` with an ASK result; ``rows == N`` and
    ``rows >= N`` with the row count.
    """
    rule = query.expect
    if rule in ("true", "false"):
        return [] if outcome is (rule == "true") else [f"expected {rule}, got {outcome}"]
    if isinstance(outcome, bool):
        return [f"expected rows ({rule}), got the boolean {outcome}"]
    row_rule = _ROW_RULE.match(rule)
    if row_rule:
        count, bound = len(outcome.rows), int(row_rule.group(2))
        holds = count == bound if row_rule.group(1) == "==" else count >= bound
        return [] if holds else [f"expected {rule}, got {count} rows"]
    expected = read_answer(answer_folder / f"{query.name}.tsv")
    if expected.variables != outcome.variables:
        return [f"expected columns {expected.variables}, got {outcome.variables}"]
    problems = _rows_differences(expected.rows, outcome.rows)
    if not problems and is_ordered(query) and expected.rows != outcome.rows:
        problems.append("the rows are right but in another order than the answer file's")
    return problems
