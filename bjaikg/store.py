"""Loading the project's Turtle files into the embedded pyoxigraph store.

The principle: docs/architecture.md#engine.

Each file goes into a named graph of its own (``bjg:<folder>/<stem>``), the RDFS/OWL entailments
the ontology licenses into ``bjg:inferred``, and queries see the union of all of them as the
default graph (``use_default_graph_as_union=True``).

Hazard: a :class:`pyoxigraph.Store` is not copied on read; callers that mutate
``KnowledgeGraph.store`` change what every later query sees. The server never mutates it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox

from bjaikg import PROJECT_ROOT
from bjaikg.errors import DataFileError, printable, reader_limit
from bjaikg.namespaces import BJG, sparql_prologue
from bjaikg.remote_store import RemoteStore

_NO_LIMIT = nullcontext()
"""The embedded store's :meth:`KnowledgeGraph.deadline` (reusable: it holds nothing)."""

RDF_SUFFIXES = (".ttl",)
"""Files the loader reads when it is given a folder."""

MAX_FILE_BYTES = 50 * 1024 * 1024
"""A single data file larger than this is refused rather than loaded into memory."""

DEFAULT_FOLDERS = ("ontology", "instances")

INFERRED_GRAPH = ox.NamedNode(f"{BJG}inferred")

_POSITION = re.compile(r"line (\d+)[^\d]+(?:column|col\.?) (\d+)", re.IGNORECASE)


@dataclass(frozen=True)
class GraphFile:
    """One loaded Turtle file and the named graph that holds its triples."""

    path: Path
    graph_name: str
    triples: int


@dataclass
class KnowledgeGraph:
    """The loaded store and what went into it, or an external store (``files`` empty: what it
    holds was put there by ``python -m bjaikg load``, inference included)."""

    store: ox.Store | RemoteStore
    files: list[GraphFile] = field(default_factory=list)
    inferred_triples: int = 0

    def query(self, sparql: str) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """Evaluate ``sparql`` over the union default graph (no implicit prefixes)."""
        return self.store.query(sparql, use_default_graph_as_union=True)

    def deadline(self, seconds: float) -> AbstractContextManager[None]:
        """Within the block, a remote store's client gives up after ``seconds`` (the embedded
        store is stopped by the worker's clock instead)."""
        return self.store.deadline(seconds) if isinstance(self.store, RemoteStore) else _NO_LIMIT

    @property
    def embedded_store(self) -> ox.Store:
        """The embedded store of a graph loaded from files; :class:`TypeError` for a graph in an
        external store (``--store``)."""
        if not isinstance(self.store, ox.Store):
            raise TypeError("the graph is in an external store, not loaded from files")
        return self.store

    @property
    def asserted_triples(self) -> int:
        """Triples read from the files (not counting inferred ones)."""
        return sum(graph_file.triples for graph_file in self.files)


def term_value(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> str | None:
    """The lexical value or IRI of an optional query-result term (``None`` when unbound, and for
    an RDF 1.2 triple term, which has no single value)."""
    return None if term is None or isinstance(term, ox.Triple) else term.value


def is_true(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> bool:
    """Whether a query result's boolean is true: ``true``, or ``1`` as Virtuoso writes the
    booleans a query computes (docs/deployment.md#answers-compared-with-the-embedded-store)."""
    return term_value(term) in ("true", "1")


def default_paths() -> list[Path]:
    """The project's own data: ``ontology/`` and ``instances/`` of this checkout."""
    return [PROJECT_ROOT / folder for folder in DEFAULT_FOLDERS]


def discover_files(paths: Sequence[Path]) -> list[Path]:
    """Expand folders into their Turtle files (``*.ttl`` in any case; sorted, recursive); keep
    files as given.

    Raises :class:`DataFileError` for a path that does not exist (a dangling or looping
    symbolic link is told apart), one that is neither file nor folder (``<(command)`` gives a
    pipe, which could be read only once), or a folder with no RDF in it.
    """
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            inside = sorted(
                p for p in path.rglob("*") if p.suffix.lower() in RDF_SUFFIXES and p.is_file()
            )  # Partner.TTL too: a file named alone is read whatever its suffix
            if not inside:
                raise DataFileError(path, "folder holds no RDF file (*.ttl)")
            found.extend(inside)
        elif path.is_file():
            found.append(path)
        elif path.is_symlink():
            raise DataFileError(path, "symbolic link to nothing (its target is missing, or loops)")
        elif path.exists():
            raise DataFileError(path, "not a file or folder (a pipe, a device or a socket)")
        else:
            raise DataFileError(path, "no such file or folder")
    return found


def graph_name_for(path: Path, root: Path = PROJECT_ROOT) -> str:
    """The named graph of ``path``: ``bjg:<folder>/<stem>`` inside ``root`` (the checkout, or a
    copy of one, such as a git revision unpacked by :mod:`bjaikg.revisions`), else by file name.

    Files outside it (anyone's data given on the command line) are named
    ``bjg:external/<stem>``; two such files with one stem share a graph, which only merges them.
    A name is percent-encoded (``my data.ttl`` is ``bjg:external/my%20data``): a space, ``#``
    or ``%`` in a file name would otherwise make no IRI, or another one.
    """
    resolved = path.resolve()
    try:
        relative = resolved.relative_to(root.resolve()).with_suffix("").as_posix()
    except ValueError:
        relative = f"external/{resolved.stem}"
    return f"{BJG}{quote(relative)}"


def read_text(path: Path) -> str:
    """The file's text, or a :class:`DataFileError` that says why it cannot be data.

    Refuses files over :data:`MAX_FILE_BYTES`, empty files, binary files and non-UTF-8 text;
    drops a leading byte-order mark (Notepad writes one; rdflib and Jena accept it, the Turtle
    parser reported an invisible character at 1:1).
    """
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise DataFileError(path, f"file too large ({size} bytes; limit {MAX_FILE_BYTES})")
        data = path.read_bytes()
    except OSError as error:  # no permission to read (chmod 000), an I/O error
        raise DataFileError(path, f"cannot read: {error.strerror}") from None
    if not data.strip():
        raise DataFileError(path, "file is empty")
    if b"\x00" in data:
        raise DataFileError(path, "binary file (contains NUL bytes), not Turtle")
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return_message = f"not UTF-8 text (byte 0x{data[error.start]:02x})"
        raise DataFileError(path, return_message, line=line) from None


def parse_error(path: Path, error: SyntaxError, syntax: str = "Turtle") -> DataFileError:
    """A :class:`DataFileError` with the parser's message and its 1-based line and column.

    The parser quotes the character it refuses; a control character among them (``<\\u0000>``
    gives a NUL) is written as its escape (``\\x00``), so that a terminal or a CI log shows the
    whole line and a log viewer does not take it for binary.
    """
    message = printable(str(error.msg if error.msg else error))
    line, column = error.lineno, error.offset
    if line is None:
        match = _POSITION.search(message)
        if match:
            line, column = int(match.group(1)), int(match.group(2))
    return DataFileError(path, f"{syntax} syntax error: {message}", line=line, column=column)


def token_too_large(path: Path, error: MemoryError, syntax: str = "Turtle") -> DataFileError:
    """A :class:`DataFileError` for a literal, IRI or comment longer than pyoxigraph's reader
    takes (:func:`~bjaikg.errors.reader_limit`, which raises any other ``MemoryError`` again).

    Hazard: pyoxigraph gives no position for it, so the error names the file without a line.
    """
    limit = reader_limit(error)
    message = f"a literal, IRI or comment longer than {limit} bytes (the {syntax} reader's limit)"
    return DataFileError(path, message)


def load_file(store: ox.Store, path: Path, root: Path = PROJECT_ROOT) -> GraphFile:
    """Parse one Turtle file into its own named graph of ``store``.

    ``Store.load`` is atomic: a file with a syntax error leaves ``store`` untouched (no
    half-loaded graph). It parses without a Python object per triple, far faster than
    ``pyoxigraph.parse`` on large files (bench/ENDPOINT.md). ``triples`` counts the triples the file
    added to the store (a triple stated twice, or already in its graph, counts once). A file
    that states none (comments and directives only) is refused as an empty one is.
    """
    text = read_text(path)
    graph = ox.NamedNode(graph_name_for(path, root))
    base = path.resolve().as_uri()
    before = len(store)
    try:
        store.load(text, format=ox.RdfFormat.TURTLE, base_iri=base, to_graph=graph)
    except SyntaxError as error:
        raise parse_error(path, error) from None
    except MemoryError as error:
        raise token_too_large(path, error) from None
    if len(store) == before and not any(ox.parse(text, format=ox.RdfFormat.TURTLE, base_iri=base)):
        raise DataFileError(path, "file states no triples (only comments or directives)")
    return GraphFile(path=path, graph_name=graph.value, triples=len(store) - before)


_INFERENCE_RULES = (
    # rdfs9: types along the class hierarchy
    """CONSTRUCT { ?x a ?super } WHERE {
         ?x a ?class . ?class rdfs:subClassOf+ ?super . FILTER(isIRI(?super))
         FILTER NOT EXISTS { ?x a ?super } }""",
    # rdfs7: statements along the property hierarchy
    """CONSTRUCT { ?s ?super ?o } WHERE {
         ?p rdfs:subPropertyOf+ ?super . ?s ?p ?o . FILTER(isIRI(?super))
         FILTER NOT EXISTS { ?s ?super ?o } }""",
    # owl:inverseOf, both directions
    """CONSTRUCT { ?o ?q ?s } WHERE {
         { ?p owl:inverseOf ?q } UNION { ?q owl:inverseOf ?p }
         ?s ?p ?o . FILTER(isIRI(?o) || isBlank(?o))
         FILTER NOT EXISTS { ?o ?q ?s } }""",
    # owl:SymmetricProperty
    """CONSTRUCT { ?o ?p ?s } WHERE {
         ?p a owl:SymmetricProperty . ?s ?p ?o . FILTER(isIRI(?o) || isBlank(?o))
         FILTER NOT EXISTS { ?o ?p ?s } }""",
    # owl:TransitiveProperty closure
    """CONSTRUCT { ?a ?p ?c } WHERE {
         ?p a owl:TransitiveProperty . ?a ?p ?b . ?b ?p ?c . FILTER(?a != ?c)
         FILTER NOT EXISTS { ?a ?p ?c } }""",
    # owl:propertyChainAxiom of two properties (bjo:locatedIn o geo:sfWithin -> bjo:locatedIn)
    """CONSTRUCT { ?a ?p ?c } WHERE {
         ?p owl:propertyChainAxiom ?chain .
         ?chain rdf:first ?first ; rdf:rest ?rest . ?rest rdf:first ?second ; rdf:rest rdf:nil .
         ?a ?first ?b . ?b ?second ?c . FILTER(?a != ?c)
         FILTER NOT EXISTS { ?a ?p ?c } }""",
)


def infer(store: ox.Store, *, max_rounds: int = 10) -> int:
    """Materialise the RDFS/OWL entailments the project relies on into ``bjg:inferred``.

    Covers subclass typing, sub-properties, inverses, symmetric and transitive properties and
    two-property chains — the closure a researcher's query expects (``?x a org:Organization``
    finds every company) — repeated until nothing new appears or ``max_rounds`` is reached.
    Returns the number of inferred triples.
    """
    prologue = sparql_prologue()
    total = 0
    for _ in range(max_rounds):
        new: set[ox.Triple] = set()
        for rule in _INFERENCE_RULES:
            result = store.query(prologue + rule, use_default_graph_as_union=True)
            assert isinstance(result, ox.QueryTriples)
            new.update(result)
        if not new:
            break
        store.extend(ox.Quad(t.subject, t.predicate, t.object, INFERRED_GRAPH) for t in new)
        total += len(new)
    return total


_BLANK_NODE_QUADS = """SELECT ?s ?p ?o ?g WHERE {
  GRAPH ?g { ?s ?p ?o FILTER(isBlank(?s) || isBlank(?o)) } }"""


def relabel_blank_nodes(store: ox.Store) -> None:
    """Give the blank nodes of ``store``'s named graphs their canonical labels (RDFC-1.0 over
    every quad that has one), put back in sorted order, so that two loads of the same files hold
    the same terms in the same order: the parser names each ``[]`` at random, and the store's
    order follows the order quads are added in; the dumps, the answers with blank nodes and
    the rows of answers without ``ORDER BY`` differed between replicas and after a reload
    under one ETag.

    Hazard: a label is a function of all the blank-node quads together, so a change to any of
    them may renumber the others; a blank node's label means nothing outside one load.
    """
    solutions = store.query(_BLANK_NODE_QUADS)
    assert isinstance(solutions, ox.QuerySolutions)
    quads = [ox.Quad(*solution) for solution in solutions]
    canonical = ox.Dataset(quads)
    canonical.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    for quad in quads:
        store.remove(quad)
    store.extend(sorted(canonical, key=str))


def load_knowledge_graph(
    paths: Iterable[Path] | None = None,
    *,
    with_inference: bool = True,
    root: Path = PROJECT_ROOT,
) -> KnowledgeGraph:
    """Load ``paths`` (default: the project's ontology and instances) into a fresh store.

    Graph names are taken relative to ``root`` (:func:`graph_name_for`).

    Raises :class:`DataFileError` (file, line, column, message) for the first file that cannot
    be read or parsed; nothing is served from a graph that did not load completely.
    """
    files = discover_files(list(paths) if paths is not None else default_paths())
    store = ox.Store()
    graph = KnowledgeGraph(store=store)
    for path in files:
        graph.files.append(load_file(store, path, root))
    relabel_blank_nodes(store)
    if with_inference:
        graph.inferred_triples = infer(store)
    return graph
