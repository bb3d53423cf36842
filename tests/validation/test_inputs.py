"""The source-line index and how focus nodes are traced back to file and line."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from bjaikg.store import default_paths, discover_files
from bjaikg.validation.inputs import (
    SHAPES_FOLDER,
    index_statements,
    index_subjects,
    load_input,
    select_data_files,
)

BASE = "file:///data/x.ttl"
PREFIX_LINE = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([\w.-]*):\s*<([^>]*)>", re.MULTILINE | re.I)


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


def test_blank_focus_node_is_located_at_its_named_subject_s_statement_that_holds_it(
    turtle_file: Callable[..., Path],
) -> None:
    text = "@prefix ex: <http://example.org/> .\n\nex:a ex:p 1 .\n\n"
    text += "ex:b\n  ex:q [ ex:r [ ex:s 1 ] ] .\n"
    path = turtle_file(text, raw=True)
    loaded = load_input([path], context_files=[])
    [inner] = [q.subject for q in loaded.store if q.predicate.value == "http://example.org/s"]
    source, line = loaded.locate(str(inner))
    assert source is not None and source.path == path and line == 6  # ex:q's, which holds it


def test_subject_in_two_files_is_located_where_it_is_typed(
    turtle_file: Callable[..., Path],
) -> None:
    prologue = "@prefix ex: <http://example.org/> .\n"
    links = turtle_file(prologue + "ex:a ex:link ex:b .\n", name="a-links.ttl", raw=True)
    entities = turtle_file(prologue + "\nex:a a ex:Thing .\n", name="b-entities.ttl", raw=True)
    loaded = load_input([links, entities], context_files=[])
    assert loaded.locate("<http://example.org/a>") == (loaded.files[1], 3)
    assert loaded.locate("<http://example.org/a>", "<http://example.org/link>")[1] == 2


def test_statement_index_gives_the_line_of_each_predicate_of_the_subject_s_blocks() -> None:
    text = (
        "@prefix ex: <http://example.org/> .\n"  # 1
        "ex:a a ex:Thing ; ex:p 1 ;\n"  # 2: two predicates on the subject's line
        "    # ex:q in a comment\n"  # 3
        "    ex:q ex:b ,\n"  # 4
        "        ex:r ;\n"  # 5: an object after ',', not a predicate
        '    ex:note """two\n'  # 6
        'ex:s lines""" ;\n'  # 7: inside a long string, not a subject or predicate
        "    ex:d [ ex:t 1 ;\n"  # 8
        "        ex:u 2 ] ;\n"  # 9: ex:u is the blank node's
        "    <http://example.org/v> 3 .\n"  # 10
        "ex:b ex:w 4 .\n"  # 11
        "ex:a ex:x 5 .\n"  # 12: a later block of ex:a, indexed with its own block line
    )
    statements = index_statements(text, BASE)
    lines = {key: [(s.block, s.line) for s in found] for key, found in statements.items()}
    ex, rdf = "http://example.org/", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    a = f"<{ex}a>"
    assert {key: found for key, found in lines.items() if key[0] == a} == {
        (a, f"<{rdf}type>"): [(2, 2)],
        (a, f"<{ex}p>"): [(2, 2)],
        (a, f"<{ex}q>"): [(2, 4)],
        (a, f"<{ex}note>"): [(2, 6)],
        (a, f"<{ex}d>"): [(2, 8)],
        (a, f"<{ex}v>"): [(2, 10)],
        (a, f"<{ex}x>"): [(12, 12)],
    }
    assert lines[(f"<{ex}b>", f"<{ex}w>")] == [(11, 11)]


def test_statement_index_gives_each_statement_of_a_repeated_predicate_and_its_objects() -> None:
    text = (
        "@prefix ex: <http://example.org/> .\n"  # 1
        'ex:a ex:label "a"@en ;\n'  # 2
        "    ex:n 17, <http://example.org/b> ;\n"  # 3
        '    ex:label """b""", \'c\\\'s\' ;\n'  # 4: an escape
        "    ex:n -7.0 ;\n"  # 5
        '    ex:n "2"^^ex:t ; ex:n [ ex:n 3 ] .\n'  # 6: ex:n 3 is the blank node's
    )
    statements = index_statements(text, BASE)
    a, b, label, n = (f"<http://example.org/{name}>" for name in ("a", "b", "label", "n"))
    assert [(s.line, s.objects) for s in statements[(a, label)]] == [
        (2, ("a", "@en")),
        (4, ("b", "c's")),
    ]
    assert [(s.line, s.objects) for s in statements[(a, n)]] == [
        (3, ("17", "<http://example.org/b>")),
        (5, ("-7.0",)),
        (6, ("2", "^^ex:t")),
        (6, ()),
    ]
    decimal = ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")
    assert [s.line for s in statements[(a, n)] if s.writes(ox.Literal("-7.0", datatype=decimal))]
    assert [s.line for s in statements[(a, n)] if s.writes(ox.NamedNode(b[1:-1]))] == [3]


def test_the_statement_lines_of_the_project_s_files_hold_their_predicates_and_values() -> None:
    """Every (subject, predicate) the index gives for the project's files is a statement of
    the file, and each of its lines spells the predicate; about all statements are found, and
    about all their values (as pyoxigraph's parser reads them) in a statement that writes them."""
    stated = indexed = valued = values_found = 0
    for path in discover_files(default_paths()):
        text = path.read_text(encoding="utf-8")
        base = path.resolve().as_uri()
        prefixes = dict(PREFIX_LINE.findall(text))
        triples = list(ox.parse(text, format=ox.RdfFormat.TURTLE, base_iri=base))
        pairs = {(str(t.subject), str(t.predicate)) for t in triples}
        lines = text.splitlines()
        subjects = index_subjects(text, base)
        index = index_statements(text, base)
        for (subject, predicate), statements in index.items():
            assert (subject, predicate) in pairs
            iri = predicate[1:-1]
            spellings = [predicate]
            spellings += [
                f"{name}:{iri[len(ns) :]}" for name, ns in prefixes.items() if iri.startswith(ns)
            ]
            for statement in statements:
                assert statement.block >= subjects[subject]  # its first block, or a later one
                written = lines[statement.line - 1]
                assert any(s in written for s in spellings) or (
                    iri.endswith("-ns#type") and re.search(r"(^|\s)a\s", written)
                ), f"{path}:{statement.line}: {written!r} does not write {predicate}"
            indexed += 1
        stated += sum(1 for subject, _ in pairs if subject in subjects)
        for triple in triples:
            statements = index.get((str(triple.subject), str(triple.predicate)), [])
            if statements and not isinstance(triple.object, ox.BlankNode):
                valued += 1
                values_found += any(s.writes(triple.object) for s in statements)
    assert indexed > 10_000 and indexed / stated > 0.99
    assert values_found / valued > 0.99, (values_found, valued)


def test_the_project_s_shapes_are_never_data_whatever_shapes_are_given(tmp_path: Path) -> None:
    # docs/validation.md: files below ontology/shapes/ are never data, also when --shapes
    # names another folder (they were validated as data then: class against node shape
    # duplicate labels)
    other_shapes = tmp_path / "shapes"
    other_shapes.mkdir()
    files = select_data_files(None, other_shapes)
    assert files
    assert not [path for path in files if SHAPES_FOLDER.resolve() in path.resolve().parents]
    assert select_data_files(None, SHAPES_FOLDER) == files
