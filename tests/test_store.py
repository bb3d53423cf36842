"""The loader: named graph per file, union default graph, inference, and errors that say where."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from bjaikg.__main__ import main
from bjaikg.errors import DataFileError
from bjaikg.namespaces import BJG, sparql_prologue
from bjaikg.store import (
    INFERRED_GRAPH,
    discover_files,
    graph_name_for,
    load_knowledge_graph,
    token_too_large,
)
from tests.graph_rows import value_of
from tests.hash_seeds import outputs_under_hash_seeds

ONTOLOGY = """@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix ex: <http://example.org/> .
ex:Company rdfs:subClassOf ex:Organisation .
ex:develops owl:inverseOf ex:developedBy .
ex:locatedIn a owl:TransitiveProperty ; rdfs:subPropertyOf ex:near .
ex:partner a owl:SymmetricProperty .
"""

DATA = """@prefix ex: <http://example.org/> .
ex:cambricon a ex:Company ; ex:develops ex:chip ; ex:locatedIn ex:haidian .
ex:haidian ex:locatedIn ex:beijing .
ex:label ex:says "寒武纪" .
ex:cambricon ex:partner ex:kunlunxin .
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def ask(store: ox.Store, pattern: str) -> bool:
    result = store.query(
        sparql_prologue({"ex": "http://example.org/"}) + f"ASK {{ {pattern} }}",
        use_default_graph_as_union=True,
    )
    assert isinstance(result, ox.QueryBoolean)
    return bool(result)


def test_each_file_has_its_own_named_graph_and_the_default_graph_is_their_union(
    tmp_path: Path,
) -> None:
    write(tmp_path, "a.ttl", ONTOLOGY)
    write(tmp_path, "b.ttl", DATA)
    graph = load_knowledge_graph([tmp_path], with_inference=False)
    store = graph.embedded_store
    names = {graph_file.graph_name for graph_file in graph.files}
    assert names == {f"{BJG}external/a", f"{BJG}external/b"}
    assert {n.value for n in store.named_graphs()} == names
    assert graph.asserted_triples == 5 + 6
    assert ask(store, "ex:cambricon a ex:Company . ex:Company ?p ex:Organisation")


def test_inference_adds_types_inverses_superproperties_symmetry_and_transitive_closure(
    tmp_path: Path,
) -> None:
    write(tmp_path, "a.ttl", ONTOLOGY)
    write(tmp_path, "b.ttl", DATA)
    graph = load_knowledge_graph([tmp_path])
    store = graph.embedded_store
    assert ask(store, "ex:cambricon a ex:Organisation")
    assert ask(store, "ex:chip ex:developedBy ex:cambricon")
    assert ask(store, "ex:cambricon ex:locatedIn ex:beijing")
    assert ask(store, "ex:cambricon ex:near ex:haidian")
    assert ask(store, "ex:kunlunxin ex:partner ex:cambricon")
    inferred = list(store.quads_for_pattern(None, None, None, INFERRED_GRAPH))
    assert len(inferred) == graph.inferred_triples > 0
    # nothing asserted is repeated in the inferred graph
    assert not any(
        value_of(quad.subject).endswith("cambricon") and value_of(quad.object).endswith("Company")
        for quad in inferred
    )


def test_relative_paths_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "b.ttl", DATA)
    monkeypatch.chdir(tmp_path)
    graph = load_knowledge_graph([Path("b.ttl")], with_inference=False)
    assert graph.asserted_triples == 6


def test_project_files_are_named_by_folder_and_stem() -> None:
    from bjaikg import PROJECT_ROOT

    assert graph_name_for(PROJECT_ROOT / "instances" / "chips.ttl") == f"{BJG}instances/chips"


def test_a_file_name_that_is_no_iri_is_percent_encoded(tmp_path: Path) -> None:
    path = write(tmp_path, "my data#1.ttl", DATA)
    assert graph_name_for(path) == f"{BJG}external/my%20data%231"
    assert load_knowledge_graph([path], with_inference=False).asserted_triples == 6


def test_a_syntax_error_names_file_line_and_column(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "bad.ttl",
        "@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b\n ex:c ex:d .\n",
    )
    with pytest.raises(DataFileError) as caught:
        load_knowledge_graph([path])
    assert caught.value.line == 4
    assert caught.value.column == 7
    assert str(caught.value).startswith(f"{path}:4:7: Turtle syntax error:")


def test_a_control_character_in_the_parser_s_message_is_escaped(tmp_path: Path) -> None:
    path = write(tmp_path, "nul.ttl", "<urn:a> <urn:b> <\\u0000> .\n")
    with pytest.raises(DataFileError) as caught:
        load_knowledge_graph([path])
    assert caught.value.line == 1
    assert "Invalid IRI code point '\\x00'" in str(caught.value)
    assert str(caught.value).isprintable()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "file is empty"),
        (b"   \n", "file is empty"),
        (b"\x00\x01binary", "binary file"),
        (b'ex:a ex:b "\xff\xfe" .', "not UTF-8"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "input.ttl"
    path.write_bytes(content)
    with pytest.raises(DataFileError, match=message):
        load_knowledge_graph([path])


OVER_THE_READER_S_LIMIT = "x" * 2**24
"""One token more than pyoxigraph's readers take: 16 MiB of UTF-8 and the delimiters."""


@pytest.mark.parametrize(
    "token",
    [f'"{OVER_THE_READER_S_LIMIT}"', f"<urn:{OVER_THE_READER_S_LIMIT}>"],
    ids=["literal", "IRI"],
)
def test_a_token_over_the_reader_s_limit_is_refused_naming_the_file(
    tmp_path: Path, token: str
) -> None:
    """pyoxigraph raised ``MemoryError: Reached the buffer maximal size of 16777216``, and every
    command that loads files ended in a traceback."""
    path = write(tmp_path, "large.ttl", f"<urn:a> <urn:b> <urn:c> .\n<urn:a> <urn:d> {token} .\n")
    with pytest.raises(DataFileError) as caught:
        load_knowledge_graph([path])
    assert str(caught.value) == (
        f"{path}: a literal, IRI or comment longer than 16777216 bytes (the Turtle reader's limit)"
    )


def test_stats_refuses_a_comment_over_the_reader_s_limit_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "large.ttl", f"<urn:a> <urn:b> <urn:c> .\n#{OVER_THE_READER_S_LIMIT}\n")
    assert main(["stats", str(path)]) == 2
    assert capsys.readouterr().err == (
        f"bjaikg: error: {path}: a literal, IRI or comment longer than 16777216 bytes "
        "(the Turtle reader's limit)\n"
    )


def test_a_memory_error_that_is_no_token_over_the_limit_is_raised_again(tmp_path: Path) -> None:
    """Running out of memory is not a fault of the file, and is not reported as one."""
    out_of_memory = MemoryError()
    with pytest.raises(MemoryError) as caught:
        token_too_large(tmp_path / "data.ttl", out_of_memory)
    assert caught.value is out_of_memory


def test_a_file_that_cannot_be_read_is_refused_with_the_reason() -> None:
    """A file the system refuses to read (chmod 000 for any user but root, who reads it; here a
    file of /proc that every read fails with EIO) is refused with why, not a traceback."""
    with pytest.raises(DataFileError, match=r"^/proc/self/mem: cannot read: Input/output error"):
        load_knowledge_graph([Path("/proc/self/mem")])


def test_missing_paths_and_folders_without_rdf_are_refused(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="no such file or folder"):
        discover_files([tmp_path / "missing"])
    (tmp_path / "notes.txt").write_text("not rdf")
    with pytest.raises(DataFileError, match="no RDF file"):
        discover_files([tmp_path])


def test_the_project_graph_loads() -> None:
    graph = load_knowledge_graph()
    assert graph.asserted_triples > 0
    assert all(graph_file.triples > 0 for graph_file in graph.files)


DUMP_DIGEST = """
import hashlib, pyoxigraph as ox
from bjaikg.store import load_knowledge_graph
store = load_knowledge_graph().embedded_store
print(hashlib.sha256(ox.serialize(store, format=ox.RdfFormat.N_QUADS)).hexdigest())
"""


def test_two_loads_hold_the_same_quads_in_the_same_order() -> None:
    """Replicas and reloads: the same blank-node labels and the same order, so the dumps and
    the answers with blank nodes agree byte for byte (each load in a process of its own)."""
    digests = outputs_under_hash_seeds(DUMP_DIGEST)
    assert len(digests) == 1
    blank = load_knowledge_graph().store.query(
        "SELECT ?b WHERE { ?b ?p ?o FILTER(isBlank(?b)) } LIMIT 1", use_default_graph_as_union=True
    )
    assert isinstance(blank, ox.QuerySolutions)
    assert next(iter(blank))[0].value.startswith("c14n")  # canonical labels (RDFC-1.0)


def test_a_leading_byte_order_mark_is_read_past(tmp_path: Path) -> None:
    path = tmp_path / "bom.ttl"
    path.write_bytes("\ufeff<urn:a> <urn:b> <urn:c> .\n".encode())
    assert len(load_knowledge_graph([path], with_inference=False).embedded_store) == 1


def test_a_folder_s_turtle_files_are_found_whatever_the_suffix_s_case(tmp_path: Path) -> None:
    (tmp_path / "Partner.TTL").write_text("<urn:a> <urn:b> <urn:c> .\n", encoding="utf-8")
    assert discover_files([tmp_path]) == [tmp_path / "Partner.TTL"]
