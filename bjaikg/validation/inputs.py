"""The parse check and the input of every later check: which files are data, which are context.

The *data* are the files the user asked to validate (default: the project's ``ontology/`` and
``instances/``). The *context* is the project's ontology (``ontology/*.ttl``), always loaded so
that shapes can target subclasses and quality rules can see declarations, and, when files are
named, the project's instances, so that a contributor's file can point at them and add to
them (:meth:`LoadedInput.described`). The shapes (``ontology/shapes/``) are never data and
never context: they are what the data is checked against.

Every file goes into a named graph of its own in one pyoxigraph store (as the endpoint does),
so a finding's focus node can be traced back to the file, and the line, where its subject block
starts (:meth:`LoadedInput.locate`).

Hazard: blank-node identifiers are minted afresh on every parse, so they never appear in
output; a blank focus node is located through the nearest named subject that refers to it, at
that subject's statement that holds it.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from bjaikg import PROJECT_ROOT
from bjaikg.errors import DataFileError
from bjaikg.namespaces import PREFIXES
from bjaikg.store import default_paths, discover_files, load_file, read_text
from bjaikg.terms import from_rdflib, to_rdflib, to_rdflib_graph
from bjaikg.validation.finding import IRI_TERM, Finding, Severity

ONTOLOGY_FOLDER = PROJECT_ROOT / "ontology"
INSTANCES_FOLDER = PROJECT_ROOT / "instances"
SHAPES_FOLDER = ONTOLOGY_FOLDER / "shapes"

_PREFIX_DECLARATION = re.compile(
    r"^\s*(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.IGNORECASE | re.MULTILINE
)
_BASE_DECLARATION = re.compile(r"^\s*(?:@base|BASE)\s+<([^>]*)>", re.IGNORECASE | re.MULTILINE)
_SUBJECT = re.compile(r"^(<[^>\s]*>|(?:[A-Za-z][\w.-]*)?:(?:[^\s;,<>\"'()\[\]{}\\]|\\.)*)")
_ESCAPED = re.compile(r"\\(.)")
_PROPERTIES = re.compile(r"<[^<>]*>(?:\|<[^<>]*>)*")
_TOKEN = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'  # long strings first: they may hold newlines and quotes
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\s]*>"
    r"|#[^\n]*"
    r"|[\[\]();,]"
    r"|\.(?![^\s#])"  # a dot before a space, a comment or the end: a statement's end
    r"|(?:[^\s\[\]();,\"'<>#.]|\.(?=[^\s#]))+"  # a word: a name, a number, a tag, a keyword
)
_STRING_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.DOTALL)
_CHARACTER_ESCAPES = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f"}
_LABEL_PREDICATES = (
    ox.NamedNode(PREFIXES["rdfs"] + "label"),
    ox.NamedNode(PREFIXES["skos"] + "prefLabel"),
)
_MAX_PARENT_STEPS = 32

Object = ox.NamedNode | ox.BlankNode | ox.Literal
"""A statement's object in the store (an RDF 1.2 triple term is refused before any check)."""


def display_path(path: Path) -> str:
    """``path`` relative to the working directory when it lies below it, else absolute.

    CI annotations (``::error file=…``) need repository-relative paths, so run from the root.
    """
    absolute = path.resolve()
    relative = os.path.relpath(absolute)
    return absolute.as_posix() if relative.startswith("..") else Path(relative).as_posix()


def _declarations(text: str, base: str) -> tuple[dict[str, str], str]:
    """The prefixes ``text`` declares (``@prefix``/``PREFIX`` lines) and its base IRI (``base``
    as ``@base``/``BASE`` changes it)."""
    prefixes = {name or "": iri for name, iri in _PREFIX_DECLARATION.findall(text)}
    base_match = _BASE_DECLARATION.search(text)
    return prefixes, urljoin(base, base_match.group(1)) if base_match else base


def _resolve(token: str, prefixes: dict[str, str], base: str) -> str | None:
    """The N-Triples IRI a Turtle token writes (``<iri>``, relative or not, or a prefixed name
    of a declared prefix); None for any other token."""
    if token.startswith("<") and token.endswith(">"):
        return f"<{urljoin(base, token[1:-1])}>"
    prefix, colon, local = token.partition(":")
    if not colon or prefix not in prefixes or prefix.lower() in ("prefix", "base"):
        return None
    return "<" + prefixes[prefix] + _ESCAPED.sub(r"\1", local.rstrip(".")) + ">"


def index_subjects(text: str, base: str) -> dict[str, int]:
    """Map each subject written at column 0 of ``text`` to the 1-based line where it first starts.

    Keys are N-Triples IRIs (``<iri>``). Prefixed names are resolved with the file's own
    ``@prefix``/``PREFIX`` lines, relative IRIs against ``@base`` or ``base``. Lines inside
    multi-line literals may match too; callers only look up terms that are subjects.
    """
    prefixes, base = _declarations(text, base)
    lines: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        match = _SUBJECT.match(line)
        iri = _resolve(match.group(1), prefixes, base) if match else None
        if iri is not None:
            lines.setdefault(iri, number)
    return lines


@dataclass(frozen=True)
class Statement:
    """Where a subject's first block writes one predicate (:func:`index_statements`)."""

    block: int
    """The line where the block starts."""
    line: int
    """The line where the predicate is written."""
    objects: tuple[str, ...]
    """Its objects outside brackets as written: an IRI or prefixed name as an N-Triples IRI, a
    string's text between its quotes (its escapes read), any other word as it stands (a
    number, ``true``, a language tag)."""

    def writes(self, value: Object | None) -> bool:
        """Whether ``value`` is among :attr:`objects`: an IRI, or a literal's text."""
        if isinstance(value, ox.Literal):
            return value.value in self.objects
        return isinstance(value, ox.NamedNode) and str(value) in self.objects


def index_statements(text: str, base: str) -> dict[tuple[str, str], list[Statement]]:
    """Map (subject, predicate), N-Triples IRIs, to the statements of that predicate in the
    subject's blocks, in the order written (each with the line its block starts on).

    A block starts with a subject at column 0 (as in :func:`index_subjects`) and ends at its
    ``.`` or at the next token at column 0. A predicate counts where the block's own predicates
    stand: after the subject, or after a ``;`` outside brackets (so ``a bjo:AIChip ;
    bjo:processNode 7`` on one line gives both that line); its objects are the tokens up to the
    next ``;`` or ``.`` outside brackets. Not indexed: the predicates of a ``[ … ]`` inside the
    block, and objects continued after ``,`` as predicates. The file
    is split into strings, IRIs, comments, punctuation and words by one regular expression, not
    parsed: hazard: an unusual spelling (a ``#`` escaped in a local name, a triple term) can
    misplace a line, never a statement, since callers look up pairs the graph states.
    """
    prefixes, base = _declarations(text, base)
    rdf_type = f"<{PREFIXES['rdf']}type>"
    found: dict[tuple[str, str], list[Statement]] = {}
    subject: str | None = None  # the subject whose block is being read
    block_line = depth = 0
    expect_predicate = False
    statement: tuple[str, int, list[str]] | None = None  # predicate, line, objects being read
    line, position = 1, 0

    def close() -> None:
        if subject is not None and statement is not None:
            predicate, written, objects = statement
            key = (subject, predicate)
            found.setdefault(key, []).append(Statement(block_line, written, tuple(objects)))

    for match in _TOKEN.finditer(text):
        line += text.count("\n", position, match.start())
        position, token = match.start(), match.group()
        if token.startswith("#"):
            continue
        if depth == 0 and (position == 0 or text[position - 1] == "\n"):  # column 0: a new block
            close()
            statement = None
            subject = _resolve(token, prefixes, base)
            block_line, expect_predicate = line, subject is not None
            if token not in ("[", "("):
                continue
        if token in ("[", "("):
            depth += 1
        elif token in ("]", ")"):
            depth = max(depth - 1, 0)
        elif depth == 0 and token in (".", ";"):
            close()
            statement = None
            subject = subject if token == ";" else None
            expect_predicate = token == ";"
            continue
        elif depth == 0 and expect_predicate and subject is not None:
            predicate = rdf_type if token == "a" else _resolve(token, prefixes, base)
            statement = (predicate, line, []) if predicate is not None else None
        elif depth == 0 and statement is not None and token != ",":
            statement[2].append(_written(token, prefixes, base))
        expect_predicate = False
    close()
    return found


def _written(token: str, prefixes: dict[str, str], base: str) -> str:
    """An object token as :attr:`Statement.objects` holds it."""
    for quotes in ('"""', "'''", '"', "'"):
        if len(token) >= 2 * len(quotes) and token.startswith(quotes) and token.endswith(quotes):
            return _STRING_ESCAPE.sub(_unescape, token[len(quotes) : -len(quotes)])
    return _resolve(token, prefixes, base) or token


def _unescape(match: re.Match[str]) -> str:
    """The character a Turtle string escape (``\\"``, ``\\n``, ``\\u00e9``) stands for."""
    code, character = match.group(1) or match.group(2), match.group(3)
    return chr(int(code, 16)) if code else _CHARACTER_ESCAPES.get(character, character)


@dataclass
class SourceFile:
    """One loaded Turtle file: its path, its named graph and whether it is data or context."""

    path: Path
    graph: ox.NamedNode
    is_data: bool
    _subject_lines: dict[str, int] | None = field(default=None, repr=False)
    _statements: dict[tuple[str, str], list[Statement]] | None = field(default=None, repr=False)
    _written_literals: dict[tuple[str, str], list[ox.Literal]] | None = field(
        default=None, repr=False
    )

    @property
    def display(self) -> str:
        """The path as findings print it (see :func:`display_path`)."""
        return display_path(self.path)

    def subject_line(self, term: str) -> int | None:
        """The line where the subject block of ``term`` starts (the file is scanned once)."""
        if self._subject_lines is None:
            text = self.path.read_text(encoding="utf-8")
            self._subject_lines = index_subjects(text, self.path.resolve().as_uri())
        return self._subject_lines.get(term)

    def written_literals(self, term: str, predicate: str) -> list[ox.Literal]:
        """The typed literals (not strings) with which the file states ``term`` by ``predicate``
        (N-Triples IRIs), as it writes them.

        The file is parsed once more, by pyoxigraph's parser, which keeps a literal's text; its
        store keeps the value of a number or a boolean, not its text (``-9.0`` is ``-9`` there,
        ``1.5E1`` is ``15``). Hazard: a blank subject's literals are not found (a parse names
        blank nodes afresh).
        """
        if self._written_literals is None:
            self._written_literals = {}
            base = self.path.resolve().as_uri()
            plain = (f"{PREFIXES['xsd']}string", f"{PREFIXES['rdf']}langString")
            triples = ox.parse(read_text(self.path), format=ox.RdfFormat.TURTLE, base_iri=base)
            for triple in triples:
                value = triple.object
                if isinstance(value, ox.Literal) and value.datatype.value not in plain:
                    key = (str(triple.subject), str(triple.predicate))
                    self._written_literals.setdefault(key, []).append(value)
        return self._written_literals.get((term, predicate), [])

    def statement_line(self, term: str, path: str = "", value: Object | None = None) -> int | None:
        """The line where ``term`` (N-Triples) writes ``path`` when ``path`` is one property or
        an alternative of properties (``<p>|<q>``): of the first statement, in any of its
        blocks, that writes ``value`` (:meth:`value_line`), else of the first statement of its
        first block; else where that block starts (:func:`index_statements`)."""
        line = self.subject_line(term)
        if line is None or not _PROPERTIES.fullmatch(path):
            return line
        holding = self.value_line(term, path, value)
        if holding is not None:
            return holding
        statements = self._statements_of(term, path)
        return min((s.line for s in statements if s.block == line), default=line)

    def value_line(self, term: str, path: str, value: Object | None) -> int | None:
        """The line of the first statement of ``term`` that writes ``path`` with ``value``
        (:meth:`Statement.writes`; the value as written, :meth:`LoadedInput.written_term`), in
        any of its blocks; ``None`` where none does (the file is scanned once more, once)."""
        if value is None or not _PROPERTIES.fullmatch(path):
            return None
        statements = self._statements_of(term, path)
        return min((s.line for s in statements if s.writes(value)), default=None)

    def _statements_of(self, term: str, path: str) -> list[Statement]:
        if self._statements is None:
            text = self.path.read_text(encoding="utf-8")
            self._statements = index_statements(text, self.path.resolve().as_uri())
        return [
            statement
            for iri in IRI_TERM.findall(path)
            for statement in self._statements.get((term, f"<{iri}>"), [])
        ]


@dataclass
class LoadedInput:
    """The data and context files in one store, and the parse check's findings."""

    store: ox.Store
    files: list[SourceFile]
    parse_findings: list[Finding]

    @property
    def data_files(self) -> list[SourceFile]:
        """The files being validated."""
        return [source for source in self.files if source.is_data]

    def quads(self, *, data: bool) -> Iterator[ox.Quad]:
        """The quads of the data files (``data=True``) or of the context files."""
        for source in self.files:
            if source.is_data is data:
                yield from self.store.quads_for_pattern(None, None, None, source.graph)

    def context_key(self) -> tuple[tuple[Path, bytes], ...]:
        """What the context files hold: each one's absolute path (relative IRIs resolve against
        it) and the SHA-256 of its bytes, read again from disk (the store keeps no text).

        Hazard: a context file changed on disk after it was loaded gives a key of the new
        contents for a store of the old.
        """
        return tuple(
            (source.path.resolve(), hashlib.sha256(source.path.read_bytes()).digest())
            for source in self.files
            if not source.is_data
        )

    def check_triple_terms(self) -> None:
        """Raise :class:`DataFileError` naming the first file (data before context) that holds
        an RDF 1.2 triple term (``<<( … )>>``, or the one a reifier ``<< … >>`` reifies), which
        neither SHACL engine can take, and the line where the subject block that holds it
        starts (:meth:`locate`).

        One SPARQL query over the store (pyoxigraph puts triple terms in object position only).
        """
        query = "SELECT ?g ?s ?o WHERE { GRAPH ?g { ?s ?p ?o FILTER(isTRIPLE(?o)) } }"
        found = {row["g"]: row for row in _solutions(self.store.query(query))}
        for source in self.files:
            if source.graph in found:
                subject, term = found[source.graph]["s"], found[source.graph]["o"]
                message = f"RDF 1.2 triple term << {term} >> is not supported"
                raise DataFileError(source.path, message, line=self.locate(str(subject))[1])

    def described(self) -> list[ox.Triple]:
        """What the context files state of the data files' named subjects (the project's
        ``bj:ascend-910`` when a contributor's file adds its process node), with the statements
        of the blank nodes those lead to (a ``prov:qualifiedDerivation [ … ]``): so a shape
        targets an entity the files extend and sees what the project states of it.

        Hazard: only the subjects' own statements: what the context states of other nodes
        *about* them (``bj:x bjo:trainedOn bj:ascend-910``) is not given, so a shape with an
        inverse path would not see it (the project's shapes have none).
        """
        context = {source.graph for source in self.files if not source.is_data}
        if not context:  # the project itself: everything is data
            return []
        pending: list[ox.NamedNode | ox.BlankNode] = list(
            {
                quad.subject
                for quad in self.quads(data=True)
                if isinstance(quad.subject, ox.NamedNode)
            }
        )
        seen = set(pending)
        found: dict[ox.Triple, None] = {}
        while pending:
            for quad in self.store.quads_for_pattern(pending.pop(), None, None, None):
                if quad.graph_name not in context:
                    continue
                found[quad.triple] = None
                if isinstance(quad.object, ox.BlankNode) and quad.object not in seen:
                    seen.add(quad.object)
                    pending.append(quad.object)
        return list(found)

    def referenced_types(self, statements: Iterable[ox.Triple | ox.Quad]) -> list[ox.Triple]:
        """The ``rdf:type`` statements of context files about the objects of ``statements``
        (``bj:beijing`` in a contributor's file): what a shape's ``sh:class`` needs to see of
        them."""
        rdf_type = ox.NamedNode(PREFIXES["rdf"] + "type")
        context = {source.graph for source in self.files if not source.is_data}
        if not context:
            return []
        objects = {
            statement.object
            for statement in statements
            if isinstance(statement.object, (ox.NamedNode, ox.BlankNode))
        }
        return [
            quad.triple
            for node in objects
            for quad in self.store.quads_for_pattern(node, rdf_type, None, None)
            if quad.graph_name in context
        ]

    def rdflib_graph(self, *, data: bool) -> Graph:
        """:meth:`quads` as one rdflib Graph; blank nodes keep their store identifiers, so
        pySHACL's focus nodes map back."""
        return to_rdflib_graph(self.quads(data=data))

    def ntriples(self, *, data: bool) -> str:
        """:meth:`quads` as N-Triples text, written by pyoxigraph; blank nodes keep their store
        identifiers."""
        parts = []
        graphs = {source.graph: None for source in self.files if source.is_data is data}
        for graph in graphs:  # two external files with one stem share a graph: dump it once
            text = self.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
            parts.append(text.decode("utf-8") if text else "")
        return "".join(parts)

    def locate(
        self, term: str, path: str = "", value: Object | None = None
    ) -> tuple[SourceFile | None, int | None]:
        """The file and line where the subject block of ``term`` (N-Triples) starts, or where
        it writes ``path`` (with ``value``: :meth:`SourceFile.statement_line`).

        Prefers a data file that states ``term path …`` when ``path`` is a plain IRI, then a
        data file that types ``term``, then any file where it is a subject. A blank node is
        located at the statement of the nearest named subject that refers to it (in the same
        file) by which it does so: the line where that subject's block writes the property
        whose ``[ … ]`` holds the blank node, or holds the one that holds it.
        """
        node = from_ntriples(term)
        if node is None:
            return None, None
        if isinstance(node, ox.BlankNode):
            return self._locate_blank(node)
        predicate = from_ntriples(path) if IRI_TERM.fullmatch(path) else None
        candidates: list[tuple[int, SourceFile]] = []
        for position, source in enumerate(self.files):
            if not self._has(node, None, source.graph):
                continue
            rank = 0 if source.is_data else 4
            if isinstance(predicate, ox.NamedNode) and self._has(node, predicate, source.graph):
                rank -= 2
            if self._has(node, ox.NamedNode(PREFIXES["rdf"] + "type"), source.graph):
                rank -= 1
            candidates.append((rank * len(self.files) + position, source))
        ordered = [source for _, source in sorted(candidates, key=lambda pair: pair[0])]
        for source in ordered:  # the file and block that write the value, if one does
            line = source.value_line(term, path, value)
            if line is not None:
                return source, line
        for source in ordered:  # none writes it: the property's first statement, or the block
            line = source.statement_line(term, path)
            if line is not None:
                return source, line
        return (min(candidates, key=lambda pair: pair[0])[1], None) if candidates else (None, None)

    def _locate_blank(self, node: ox.BlankNode) -> tuple[SourceFile | None, int | None]:
        for source in self.files:
            current: ox.NamedNode | ox.BlankNode = node
            if not self._has(current, None, source.graph):
                continue
            for _ in range(_MAX_PARENT_STEPS):
                parent = next(
                    iter(self.store.quads_for_pattern(None, None, current, source.graph)), None
                )
                if parent is None or isinstance(parent.subject, ox.Triple):
                    break
                current = parent.subject
                if isinstance(current, ox.NamedNode):
                    return source, source.statement_line(str(current), str(parent.predicate))
            return source, None
        return None, None

    def written_predicates(
        self,
        term: str,
        predicates: Sequence[str],
        value: ox.NamedNode | ox.BlankNode | ox.Literal | None = None,
    ) -> list[str]:
        """Those of ``predicates`` (N-Triples IRIs) with which a data file states ``term``
        (N-Triples), with the object ``value`` when given; in the order of ``predicates``."""
        node = from_ntriples(term)
        if node is None:
            return []
        return [
            predicate
            for predicate in predicates
            if any(
                self._has(node, ox.NamedNode(predicate[1:-1]), source.graph, value)
                for source in self.data_files
            )
        ]

    def written_term(self, term: str, path: str, reported: Object) -> Object:
        """``reported``, a value of ``term`` (N-Triples) at ``path`` in the store, as the data
        files write it (``-9.0``, ``1.5E1``, where the store, and so the report, has ``-9`` and
        ``15``): the one literal that a data file stating ``term`` with the property of ``path``
        (or one of its alternatives, ``<p>|<q>``) writes with that property and that is
        ``reported`` (:func:`is_reported`, :meth:`SourceFile.written_literals`). ``reported``
        itself for any other term, path or number of such literals (two spellings of one value
        are both written: which one the report means is not known)."""
        node = from_ntriples(term)
        if not isinstance(reported, ox.Literal) or not isinstance(node, ox.NamedNode):
            return reported
        properties = IRI_TERM.findall(path) if _PROPERTIES.fullmatch(path) else []
        written = {
            literal
            for iri in properties
            for source in self.data_files
            if self._has(node, ox.NamedNode(iri), source.graph)
            for literal in source.written_literals(term, f"<{iri}>")
            if is_reported(literal, reported)
        }
        return written.pop() if len(written) == 1 else reported

    def _has(
        self,
        subject: ox.NamedNode | ox.BlankNode,
        predicate: ox.NamedNode | None,
        graph: ox.NamedNode,
        value: ox.NamedNode | ox.BlankNode | ox.Literal | None = None,
    ) -> bool:
        matches = self.store.quads_for_pattern(subject, predicate, value, graph)
        return next(iter(matches), None) is not None

    def label(self, term: str, language: str = "zh") -> str:
        """The ``rdfs:label`` (else ``skos:prefLabel``) of ``term`` in ``language``, or ''."""
        node = from_ntriples(term)
        if not isinstance(node, ox.NamedNode):
            return ""
        for predicate in _LABEL_PREDICATES:
            for quad in self.store.quads_for_pattern(node, predicate, None):
                value = quad.object
                if isinstance(value, ox.Literal) and (value.language or "").startswith(language):
                    return value.value
        return ""


def is_reported(written: ox.Literal, reported: Object) -> bool:
    """Whether the literal ``written`` (as a file writes it) is ``reported`` (a term of the
    store, where a number or a boolean has its canonical text, or of a report on it): the same
    literal, or one of the same datatype whose value rdflib reads as equal.

    Hazard: rdflib logs (and warns of a boolean it cannot read) for an ill-typed ``written``
    that is spelled otherwise than ``reported``."""
    if not isinstance(reported, ox.Literal) or written == reported:
        return written == reported
    if (written.datatype, written.language) != (reported.datatype, reported.language):
        return False
    value = getattr(to_rdflib(written), "value", None)
    return value is not None and value == getattr(to_rdflib(reported), "value", None)


def to_ntriples(term: Node) -> str:
    """The N-Triples form of an rdflib term, exactly as pyoxigraph writes it."""
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, URIRef | Literal):
        return str(from_rdflib(term))
    return str(term)


def from_ntriples(term: str) -> ox.NamedNode | ox.BlankNode | None:
    """The IRI or blank node written ``<iri>`` or ``_:id``; None for anything else."""
    if term.startswith("<") and term.endswith(">"):
        return ox.NamedNode(term[1:-1])
    if term.startswith("_:"):
        return ox.BlankNode(term[2:])
    return None


def _solutions(result: object) -> ox.QuerySolutions:
    assert isinstance(result, ox.QuerySolutions)
    return result


def ontology_files() -> list[Path]:
    """The ontology's own files: ``ontology/*.ttl`` (not the shapes below it)."""
    return sorted(ONTOLOGY_FOLDER.glob("*.ttl"))


def _is_below(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def select_data_files(paths: Sequence[Path] | None, shapes_folder: Path) -> list[Path]:
    """The Turtle files to validate: ``paths`` expanded, or the project's; never the shapes,
    neither ``shapes_folder``'s nor the project's own (``--shapes`` elsewhere does not make
    ``ontology/shapes/`` data).

    Raises :class:`DataFileError` for a missing path, a folder without RDF, or input that holds
    nothing but shapes.
    """
    chosen = list(paths) if paths else default_paths()
    files = [
        path
        for path in discover_files(chosen)
        if not _is_below(path, shapes_folder) and not _is_below(path, SHAPES_FOLDER)
    ]
    if not files:
        raise DataFileError(chosen[0], "holds only SHACL shapes, no data to validate")
    return files


def load_input(
    data_files: Iterable[Path], context_files: Iterable[Path] | None = None
) -> LoadedInput:
    """Parse every file into its own named graph; a file that does not parse becomes a finding.

    ``context_files`` defaults to :func:`ontology_files`; files already among the data are not
    loaded twice. Unreadable files (empty, binary, not UTF-8, too large) and syntax errors are
    ``parse`` findings with file, line and column; the other files still load.
    """
    store = ox.Store()
    files: list[SourceFile] = []
    findings: list[Finding] = []
    data = list(data_files)
    seen = {path.resolve() for path in data}
    chosen = ontology_files() if context_files is None else list(context_files)
    context = [path for path in chosen if path.resolve() not in seen]
    for path, is_data in [(p, True) for p in data] + [(p, False) for p in context]:
        try:
            graph = load_turtle(store, path)
        except DataFileError as error:
            findings.append(parse_finding(error))
            continue
        files.append(SourceFile(path=path, graph=graph, is_data=is_data))
    return LoadedInput(store=store, files=files, parse_findings=findings)


def load_turtle(store: ox.Store, path: Path) -> ox.NamedNode:
    """Parse one Turtle file into its own named graph of ``store`` (:func:`bjaikg.store.load_file`
    on the absolute path, which the base IRI and the graph name need); the graph's name.

    A file that does not parse leaves the store as it was. Raises :class:`DataFileError` (file,
    line, column).
    """
    return ox.NamedNode(load_file(store, path.resolve()).graph_name)


def parse_finding(error: DataFileError) -> Finding:
    """The ``parse`` finding for a file that cannot be read as Turtle."""
    return Finding(
        check="parse",
        rule="parse",
        severity=Severity.VIOLATION,
        message=error.message,
        message_zh="文件无法作为 Turtle 数据使用（原因见英文信息）",
        hint="fix the file"
        + (" at the position given" if error.line is not None else "")
        + ", then run validate.py again",
        file=display_path(error.path),
        line=error.line,
        column=error.column,
    )
