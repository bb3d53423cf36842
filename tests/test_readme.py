"""The README's opening example query gives the answer the README shows (so it cannot drift)."""

from __future__ import annotations

import csv
import io
import re

import pyoxigraph as ox

from bjaikg import PROJECT_ROOT
from bjaikg.store import KnowledgeGraph

FENCED = re.compile(r"```(\w*)\n(.*?)```", re.DOTALL)


def test_the_opening_example_gives_the_answer_shown(project_graph: KnowledgeGraph) -> None:
    blocks = FENCED.findall((PROJECT_ROOT / "README.md").read_text(encoding="utf-8"))
    query = next(text for kind, text in blocks if kind == "sparql")
    shown = blocks[[text for _, text in blocks].index(query) + 1][1]
    result = project_graph.query(query)
    assert isinstance(result, ox.QuerySolutions)
    csv_bytes = result.serialize(format=ox.QueryResultsFormat.CSV)
    assert csv_bytes is not None  # without an output, serialize returns the bytes
    answer = csv_bytes.decode("utf-8")
    assert list(csv.reader(io.StringIO(answer))) == list(csv.reader(io.StringIO(shown)))
