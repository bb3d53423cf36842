"""docs/endpoint.md names what ``serve.py`` has: every option of its command line, each with its
default, and no option it does not have; every metric of ``/metrics`` (issue 14: the docs say
what the code does).

In-process, no server: the command line is :func:`bjaikg.endpoint.cli.build_parser`'s, the
metrics those of the application on the fixture data.
"""

from __future__ import annotations

import re

import pyoxigraph as ox
from starlette.testclient import TestClient

from bjaikg import PROJECT_ROOT
from bjaikg.endpoint.application import create_application
from bjaikg.endpoint.cli import build_parser
from bjaikg.endpoint.settings import Settings
from bjaikg.namespaces import PREFIXES
from bjaikg.store import load_knowledge_graph
from tests.endpoint.conftest import DATA

DOCS = (PROJECT_ROOT / "docs" / "endpoint.md").read_text(encoding="utf-8")
COMPUTED = {"--workers": "CPUs, at least 2"}
"""Options whose default depends on the machine: the words the table gives instead."""


def command_line_options() -> dict[str, object]:
    """Every option of ``serve.py`` (``--help`` aside) and its default."""
    return {
        option: action.default
        for action in build_parser()._actions
        for option in action.option_strings
        if option.startswith("--") and option != "--help"
    }


def synopsis(text: str) -> str:
    """The first code block of ``text``: the command line at the top of docs/endpoint.md."""
    match = re.search(r"```\n(python serve\.py .*?)```", text, re.S)
    assert match, "docs/endpoint.md has no synopsis block"
    return match.group(1)


def option_rows(text: str) -> dict[str, str]:
    """The options table: each option a row names in its first cell, with its default (the
    second cell; a row naming two options gives two defaults, comma-separated)."""
    rows = {}
    for line in text.splitlines():
        if not line.startswith("| `--"):
            continue
        named, default = [cell.strip() for cell in line.strip("|").split(" | ")[:2]]
        options = re.findall(r"`(--[a-z][a-z-]*)", named)
        defaults = [value.strip(" `") for value in default.split(", ")]
        for position, option in enumerate(options):
            rows[option] = defaults[position] if len(options) > 1 else default.strip("`")
    return rows


def test_every_option_is_in_the_synopsis_and_the_table_and_no_other() -> None:
    options = set(command_line_options())
    assert len(options) > 20
    assert set(re.findall(r"--[a-z][a-z-]*", synopsis(DOCS))) == options
    assert set(option_rows(DOCS)) == options


def test_the_table_gives_each_numeric_default() -> None:
    rows = option_rows(DOCS)
    wrong = {}
    for option, default in command_line_options().items():
        if option in COMPUTED:
            shown = COMPUTED[option]
        elif isinstance(default, float):
            shown = f"{default:g}"
        elif isinstance(default, int | str) and not isinstance(default, bool) and default != "":
            shown = str(default)
        else:
            continue  # a flag, or no default the command line states (--data, --base: words)
        if rows.get(option) != shown:
            wrong[option] = (rows.get(option), shown)
    assert wrong == {}


def test_every_metric_is_named() -> None:
    """Every metric ``/metrics`` writes (its ``# TYPE`` lines) is named on the page."""
    settings = Settings(workers=2)
    application = create_application(settings, load_knowledge_graph([DATA]))
    application.state.endpoint.count_dataset("other")  # else bjaikg_triples is left out
    with TestClient(application) as client:
        text = client.get("/metrics").text
    names = re.findall(r"^# TYPE (\S+) ", text, re.M)
    assert "bjaikg_triples" in names and len(names) > 8
    assert [name for name in names if f"`{name}`" not in DOCS] == []


def test_the_written_form_of_a_double_is_the_one_the_docs_give() -> None:
    """docs/endpoint.md says how an ``xsd:double`` of the data comes out of the store (a
    researcher's review, 2026-12-07, finding 11): in plain decimal notation, in every results
    format. A pyoxigraph that writes it otherwise makes the paragraph stale."""
    text = " ".join(DOCS.split())
    for stated, written in (
        ("3.600000000000001E+25", "36000000000000010000000000"),
        ("1E-7", "0.0000001"),
    ):
        assert f"`{written}`" in text
        store = ox.Store()
        subject, predicate = (
            ox.NamedNode("https://example.org/s"),
            ox.NamedNode("https://example.org/p"),
        )
        store.add(
            ox.Quad(
                subject,
                predicate,
                ox.Literal(stated, datatype=ox.NamedNode(PREFIXES["xsd"] + "double")),
            )
        )
        for results_format in (ox.QueryResultsFormat.CSV, ox.QueryResultsFormat.JSON):
            answer = store.query("SELECT ?o WHERE { ?s ?p ?o }")
            assert isinstance(answer, ox.QuerySolutions)
            serialised = answer.serialize(format=results_format)
            assert serialised is not None and written in serialised.decode()
