"""Every competency question asked directly of Virtuoso and of the Oxigraph server over HTTP
gives the embedded store's answer, row by row (cells in N-Triples form, :class:`Table`).

Rows compare as multisets; for a query with ``ORDER BY`` the sequence of its sort keys must be
the same too (rows that tie on every key may come in any order, as SPARQL allows). A question
listed in :data:`KNOWN_DIFFERENCES` is one where the store answers otherwise for a documented
reason (docs/deployment.md#stores; each reason is pinned by tests/stores/test_store_quirks.py):
the test then asserts that it still differs, so a store that gets it right makes the list shrink.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from bjaikg.query_catalogue import NamedQuery, load_catalogue
from tests.competency import DefaultAnswers, Table, bound_text, is_ordered
from tests.stores.servers import StoreServer, ask

RUNNABLE = [query for query in load_catalogue() if not query.needs_network]

KNOWN_DIFFERENCES: dict[str, dict[str, str]] = {
    "virtuoso": {
        "every-district-in-beijing": "ask-as-table",
        "figure-without-unit": "ask-as-table",
        "models-trained-on-chinese-chips": "boolean-as-integer",
        "one-core-multiple-points-layout": "boolean-as-integer",
        "organisations-developing-models-together": "boolean-as-integer",
        "chinese-designer-chips": "double-lexical-form",
        "largest-training-compute-per-organisation": "double-precision",
    },
    "oxigraph": {},
}
"""Store → question → the quirk that explains it (tests/stores/test_store_quirks.py pins each)."""

_ORDER_KEY = re.compile(r"(?:(?:ASC|DESC)\s*\(\s*)?\?(\w+)", re.IGNORECASE)
_ORDER_CLAUSE = re.compile(r"\bORDER\s+BY\b(.*?)(?:\bLIMIT\b|\bOFFSET\b|$)", re.I | re.S)


def sort_keys(query: NamedQuery, table: Table) -> list[tuple[str, ...]] | None:
    """The ``ORDER BY`` keys of each row, when every key is a projected variable; else None."""
    clause = _ORDER_CLAUSE.search(query.text)
    names = _ORDER_KEY.findall(clause.group(1)) if clause else []
    if not names or any(name not in table.variables for name in names):
        return None
    columns = [table.variables.index(name) for name in names]
    return [tuple(row[column] for column in columns) for row in table.rows]


def differences(query: NamedQuery, expected: Table | bool, actual: Table | bool) -> list[str]:
    """What differs between the embedded answer and the store's; empty when they agree."""
    if isinstance(expected, bool) or isinstance(actual, bool):
        return [] if expected == actual else [f"embedded {expected!r}, store {actual!r}"]
    if expected.variables != actual.variables:
        return [f"columns: embedded {expected.variables}, store {actual.variables}"]
    missing = Counter(expected.rows) - Counter(actual.rows)
    extra = Counter(actual.rows) - Counter(expected.rows)
    lines = [f"missing row: {' | '.join(row)}" for row in sorted(missing.elements())]
    lines += [f"unexpected row: {' | '.join(row)}" for row in sorted(extra.elements())]
    if not lines and is_ordered(query):
        keys = sort_keys(query, expected)
        same = keys == sort_keys(query, actual) if keys is not None else expected == actual
        if not same:
            lines.append("the rows are right but their ORDER BY order differs")
    return lines


@pytest.mark.server
@pytest.mark.timeout(600)
@pytest.mark.parametrize("store_name", ["virtuoso", "oxigraph"])
@pytest.mark.parametrize("query", RUNNABLE, ids=[query.name for query in RUNNABLE])
def test_the_store_answers_as_the_embedded_store(
    request: pytest.FixtureRequest,
    store_name: str,
    query: NamedQuery,
    default_answers: DefaultAnswers,
) -> None:
    """The embedded answer is the session's (:class:`DefaultAnswers`), computed once."""
    store: StoreServer = request.getfixturevalue(f"{store_name}_store")
    problems = differences(query, default_answers.of(query), ask(store, bound_text(query)))
    quirk = KNOWN_DIFFERENCES[store_name].get(query.name)
    if quirk is None:
        assert not problems, f"{store_name} answers {query.name} otherwise:\n" + "\n".join(
            problems[:20]
        )
    else:
        assert problems, f"{store_name} now answers {query.name} right: remove quirk {quirk!r}"


def test_every_known_difference_names_a_question_of_the_catalogue() -> None:
    names = {query.name for query in RUNNABLE}
    for store_name, known in KNOWN_DIFFERENCES.items():
        assert set(known) <= names, f"{store_name}: {sorted(set(known) - names)}"
