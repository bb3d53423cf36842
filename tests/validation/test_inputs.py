"""The source-line index and how focus nodes are traced back to file and line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bjaikg.validation.inputs import index_subjects, load_input

BASE = "file:///data/x.ttl"


def test_index_resolves_prefixed_names_iris_and_escapes() -> None:
    text = (
        "@prefix ex: <http://example.org/> .\n"
        "PREFIX : <http://example.org/empty#>\n"
        "\n"
        "ex:a ex:p 1 .\n"
        "<http://example.org/b> ex:p 2 .\n"
        ":c ex:p 3 .\n"
        "ex:d\\-e ex:p 4 .\n"
        "    ex:indented ex:p 5 .\n"
        "<relative> ex:p 6 .\n"
        "ex:a ex:p 7 .\n"
    )
    assert index_subjects(text, BASE) == {
        "<http://example.org/a>": 4,
        "<http://example.org/b>": 5,
        "<http://example.org/empty#c>": 6,
        "<http://example.org/d-e>": 7,
        "<file:///data/relative>": 9,
    }


def test_blank_focus_node_is_located_at_its_named_subject(
    turtle_file: Callable[..., Path],
) -> None:
    text = "@prefix ex: <http://example.org/> .\n\nex:a ex:p 1 .\n\n"
    text += "ex:b\n  ex:q [ ex:r [ ex:s 1 ] ] .\n"
    path = turtle_file(text, raw=True)
    loaded = load_input([path], context_files=[])
    [inner] = [q.subject for q in loaded.store if q.predicate.value == "http://example.org/s"]
    source, line = loaded.locate(str(inner))
    assert source is not None and source.path == path and line == 5


def test_subject_in_two_files_is_located_where_it_is_typed(
    turtle_file: Callable[..., Path],
) -> None:
    prologue = "@prefix ex: <http://example.org/> .\n"
    links = turtle_file(prologue + "ex:a ex:link ex:b .\n", name="a-links.ttl", raw=True)
    entities = turtle_file(prologue + "\nex:a a ex:Thing .\n", name="b-entities.ttl", raw=True)
    loaded = load_input([links, entities], context_files=[])
    assert loaded.locate("<http://example.org/a>") == (loaded.files[1], 3)
    assert loaded.locate("<http://example.org/a>", "<http://example.org/link>")[1] == 2
