"""Evaluating one SPARQL request on the store and writing its answer: what a worker process does.

:func:`evaluate` turns a :class:`QueryRequest` (the query, the protocol's dataset, the client's
``Accept`` and ``format``, the result bound) into a :class:`QueryAnswer` (status, content type,
the final bytes). It never raises for anything a client sent: a syntax error is a 400 answer
with the parser's line:column, an update a 403 (the endpoint is read-only), a ``SERVICE`` off
the allow-list a 403, an unacceptable format a 406, brackets nested past :data:`MAX_NESTING`
or more chaining operators than :data:`MAX_CHAIN` a 400 (before any parser sees them).

Hazard: this runs inside a worker process that the server kills at the deadline; it must not
hold anything (files, locks) that another process waits for.
"""

from __future__ import annotations

import difflib
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import islice, pairwise
from typing import IO, cast

import pyoxigraph as ox

from bjaikg.endpoint.federation import (
    ServiceRefusedError,
    UncheckableQueryError,
    check_services,
    nodes_named,
)
from bjaikg.endpoint.query_tokens import TOKENS, service_keywords, string_fault
from bjaikg.endpoint.results import MINIMUM_ROW_BYTES, write_solutions
from bjaikg.namespaces import PREFIXES
from bjaikg.negotiation import (
    NotAcceptableError,
    choose_rdf_format,
    choose_results_format,
    keep_carriage_returns,
    serialise_triples,
)
from bjaikg.remote_store import RemoteStore, StoreError

TEXT = "text/plain; charset=utf-8"

READ_ONLY_MESSAGE = (
    "this endpoint is read-only: SPARQL Update is not accepted here "
    "(the data changes through git, validation and review)"
)

# An update: an optional prologue, then one of the update keywords.
_UPDATE = re.compile(
    r"^\s*(?:(?:#[^\n]*\n|\s)*(?:BASE\s*<[^>]*>|PREFIX\s+[^:\s]*:\s*<[^>]*>))*"
    r"(?:#[^\n]*\n|\s)*(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b",
    re.IGNORECASE,
)


# QueryRequest and QueryAnswer are made for every request: not frozen, since a frozen
# dataclass is several times slower to make. Treat them as read-only.


@dataclass(slots=True)
class QueryRequest:
    """One query to evaluate, as the SPARQL 1.1 Protocol describes it.

    ``default_graphs`` and ``named_graphs`` are the ``default-graph-uri`` and
    ``named-graph-uri`` IRIs; when both are empty the default graph is the union of all named
    graphs. ``max_results`` bounds rows (SELECT) or triples (CONSTRUCT/DESCRIBE); ``None``
    means no bound (the Graph Store uses it for whole graphs). ``base_iri`` resolves the query's
    relative IRIs (``None``: a relative IRI is a syntax error).
    """

    query: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    accept: str | None = None
    format_parameter: str | None = None
    max_results: int | None = None
    base_iri: str | None = None


@dataclass(slots=True)
class QueryAnswer:
    """The HTTP answer to a :class:`QueryRequest`: status, ``Content-Type`` and body bytes.

    ``results`` counts rows, triples or 1 for ASK (``None``: rows written by pyoxigraph, not
    counted); ``truncated`` says that ``max_results`` cut the answer (the response then
    carries ``X-SPARQL-Truncated``).
    """

    status: int
    content_type: str
    body: bytes
    results: int | None = 0
    truncated: bool = False

    @property
    def text(self) -> str:
        """The body as text (every answer is UTF-8)."""
        return self.body.decode("utf-8")


def error_answer(status: int, message: str) -> QueryAnswer:
    """A plain-text answer with one line of explanation."""
    return QueryAnswer(status=status, content_type=TEXT, body=(message + "\n").encode("utf-8"))


def looks_like_update(query: str) -> bool:
    """Whether ``query`` is (after its prologue) a SPARQL Update operation."""
    return _UPDATE.match(query) is not None


_POSITION = re.compile(r"^error at (\d+):(\d+)")
DIAGNOSED_CHARACTERS = 4_000
"""The longest refused query whose prefixes rdflib's parser checks and whose beginnings
pyoxigraph parses to place the error (:func:`_past_complete_part`): the time of both grows
with the query (figures: docs/endpoint.md, "Errors")."""


def undeclared_prefix(query: str) -> str | None:
    """The first prefix ``query`` uses without declaring it (``""``: the empty prefix), found
    with rdflib's SPARQL parser; ``None`` when there is none or rdflib cannot parse the query.

    Ask it only of a query pyoxigraph refused: pyoxigraph reports an undeclared prefix as
    "expected one of Prefix not found, …" or, after a ``;``, as another token expected further
    on. (rdflib's own check is no use: it knows ``schema:``, ``xsd:`` and others undeclared.)
    The first call in a process imports rdflib's SPARQL parser (a noticeable pause), as
    :func:`~bjaikg.endpoint.federation.service_targets` does. Hazard: runs within the query's
    deadline, in the worker's CPU; a query longer than :data:`DIAGNOSED_CHARACTERS` is not
    checked.
    """
    if len(query) > DIAGNOSED_CHARACTERS:
        return None
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        prologue, body = parseQuery(query)
    except (ParseException, RecursionError):  # deep nesting exhausts its recursive descent
        return None
    # dict.get: a CompValue's own get answers the key's name for a missing key (the empty prefix)
    declared = {dict.get(node, "prefix", "") for node in nodes_named(prologue, "PrefixDecl")}
    for node in nodes_named(body, "pname"):
        if (prefix := dict.get(node, "prefix", "")) not in declared:
            return str(prefix)
    return None


SPARQL_WORDS = frozenset(
    """A ABS ADD ALL AS ASC ASK AVG BASE BIND BNODE BOUND BY CEIL CLEAR COALESCE CONCAT CONSTRUCT
    CONTAINS COPY COUNT CREATE DATA DATATYPE DAY DEFAULT DELETE DESC DESCRIBE DISTINCT DROP
    ENCODE_FOR_URI EXISTS FALSE FILTER FLOOR FROM GRAPH GROUP GROUP_CONCAT HAVING HOURS IF IN
    INSERT INTO IRI ISBLANK ISIRI ISLITERAL ISNUMERIC ISURI LANG LANGMATCHES LCASE LIMIT LOAD MAX
    MD5 MIN MINUS MINUTES MONTH MOVE NAMED NOT NOW OFFSET OPTIONAL ORDER PREFIX RAND REDUCED REGEX
    REPLACE ROUND SAMETERM SAMPLE SECONDS SELECT SEPARATOR SERVICE SHA1 SHA256 SHA384 SHA512
    SILENT STR STRAFTER STRBEFORE STRDT STRENDS STRLANG STRLEN STRSTARTS STRUUID SUBSTR SUM
    TIMEZONE TO TRUE TZ UCASE UNDEF UNION URI USING UUID VALUES WHERE WITH YEAR
    ADJUST HASLANG HASLANGDIR ISTRIPLE LANGDIR LATERAL OBJECT PREDICATE STRLANGDIR SUBJECT
    TRIPLE VERSION""".split()  # noqa: SIM905 (a word list reads better as words)
)
"""SPARQL 1.1's keywords and built-in function names, and those pyoxigraph adds (SPARQL 1.2's,
``LATERAL``, ``ADJUST``), in upper case: any other bare word in a query outside strings, IRIs,
comments, variables, prefixed names and language tags is an error, usually a misspelt
keyword."""
_PARSER_NOTE = re.compile(r"^(error at \d+:\d+): expected (?:one of )?(.*)$")
DIGIT = "['0'..='9']"
_CHARACTER_CLASSES = {"[_]": "nothing more here", DIGIT: "a digit"}
"""pyoxigraph's character classes that an expected set may hold alone, in words (``[_]`` is
white space: the query should have ended before)."""


def unknown_word(query: str, line: int, column: int) -> tuple[str, int, int] | None:
    """The first bare word of ``query`` that is no SPARQL keyword or function and starts before
    ``line``:``column`` (1-based, pyoxigraph's position of a syntax error), with its own line
    and column; ``None`` when there is none. Any such word is an error of its own."""
    limit = _index_of(query, line, column)
    for match in TOKENS.finditer(query):
        if match.start() >= limit or match["stray"] is not None:
            break  # past a broken string or IRI, the scan cannot tell words from their text
        if (word := match["word"]) is not None and word.upper() not in SPARQL_WORDS:
            start = match.start()
            return word, query.count("\n", 0, start) + 1, start - query.rfind("\n", 0, start)
    return None


def _index_of(query: str, line: int, column: int) -> int:
    """The index in ``query`` of pyoxigraph's ``LINE:COLUMN`` (both from 1)."""
    lines = query.split("\n")
    return sum(len(text) + 1 for text in lines[: line - 1]) + column - 1


def _at_end(query: str, position: re.Match[str]) -> bool:
    """Whether pyoxigraph's ``error at LINE:COLUMN`` is past the query's last non-space."""
    return not query[_index_of(query, int(position[1]), int(position[2])) :].strip()


def _open_at_end(query: str) -> bool:
    """Whether a bracket or a string of ``query`` is still open at its end."""
    depth = 0
    for token in TOKENS.finditer(query):
        if token["stray"] in ('"', "'"):
            return True
        depth += (token["group"] or token["open"]) is not None
        depth -= token["close"] is not None
    return depth > 0


_CLOSING = {"{": "}", "(": ")", "[": "]"}
_EMPTY = ox.Store()
_NEXT = re.compile(r"(?:\s|#[^\r\n]*)*")
"""White space and comments: what lies between a complete part and the text after it."""


def _past_complete_part(query: str, base_iri: str | None) -> tuple[int, bool] | None:
    """Where ``query`` goes on after its longest beginning that is a whole query once its open
    brackets are closed (the first character of an extra term, a second query, or an operator
    whose operand is missing), and whether that beginning is whole as written (no bracket left
    to close); ``None`` when no beginning is one, or for a query longer than
    :data:`DIAGNOSED_CHARACTERS` or naming ``SERVICE`` (never planned, even on nothing).

    Hazard: parses each beginning, from the longest, within the query's deadline
    (:func:`_parses`)."""
    if len(query) > DIAGNOSED_CHARACTERS or service_keywords(query):
        return None
    ends, closers, stack = [], [], []
    for token in TOKENS.finditer(query):
        if token[0][0] == "#":
            continue
        if token["group"] or token["open"]:
            stack.append(_CLOSING[token[0]])
        elif token["close"] and stack:
            stack.pop()
        ends.append(token.end())
        closers.append(" ".join(reversed(stack)))
    if ends and len(query.rstrip()) > ends[-1]:  # ends in what no token reads (a stray ~)
        ends.append(len(query.rstrip()))
        closers.append(closers[-1])
    for end, closing in zip(reversed(ends[:-1]), reversed(closers[:-1]), strict=True):
        if _parses(f"{query[:end]} {closing}", base_iri):
            after = _NEXT.match(query, end)
            assert after is not None  # the pattern matches the empty text
            return after.end(), not closing
    return None


_QUERY_FORM = re.compile(r"(?i:SELECT|CONSTRUCT|DESCRIBE|ASK|PREFIX|BASE)\b")


def _parses(query: str, base_iri: str | None) -> bool:
    """Whether pyoxigraph parses ``query``, on an empty store (never give it one that names
    ``SERVICE``).

    Hazard: pyoxigraph plans a SELECT, CONSTRUCT or DESCRIBE when asked and evaluates it only as
    its rows are read, but evaluates an ASK at once (``VALUES`` and ``BIND`` give rows on no
    data): an ASK is handed over as ``CONSTRUCT {}``, the same grammar after its keyword."""
    form = next((token for token in TOKENS.finditer(query) if token["word"]), None)
    if form is not None and form[0].upper() == "ASK":
        query = f"{query[: form.start()]}CONSTRUCT {{}}{query[form.end() :]}"
    try:
        _EMPTY.query(query, base_iri=base_iri)
    except SyntaxError:
        return False
    except (ValueError, RuntimeError, OSError):
        pass  # parsed: its evaluation is no concern here
    return True


def _going_on(query: str, extra: int, whole: bool, base_iri: str | None) -> str:
    """Where and how ``query`` goes on at ``extra``, after a complete part (``whole``: one
    with no bracket left open, :func:`_past_complete_part`): a second query, what follows a
    whole query, a term the query is whole without, or the beginning of something left
    unfinished."""
    where = line_and_column(query, extra)
    if _QUERY_FORM.match(query, extra):
        return f"error at {where}: a second query begins here, after a complete one (send one)"
    token = TOKENS.match(query, extra)
    text = token[0] if token else query[extra]
    if whole:
        return (
            f"error at {where}: the query is whole before {text}, and what follows from here is "
            "one too many (a clause given twice, a stray bracket or an extra term)"
        )
    if _parses(query[:extra] + query[extra + len(text) :], base_iri):
        if token is None or token.lastgroup is not None:  # an operator or a bracket
            return (
                f"error at {where}: the query is complete before {text}, and whole without it "
                f"({text} is one too many, or what should follow it is missing)"
            )
        return (
            f"error at {where}: the query goes on after a complete part with {text}, an extra "
            "term (the query is whole without it)"
        )
    return (
        f"error at {where}: what {text} begins here is not complete (a term of a triple "
        "pattern, an operand of an expression or a closing bracket is missing after it)"
    )


def syntax_message(query: str, error: SyntaxError, base_iri: str | None = None) -> str:
    """What a client reads about the syntax error ``error`` of ``query`` (its relative IRIs
    resolved against ``base_iri``): pyoxigraph's message with its line:column, or, for an
    undeclared prefix, its position and the ``PREFIX`` line to add (the project's namespace for
    a prefix of :data:`~bjaikg.namespaces.PREFIXES`).

    pyoxigraph's "expected …" names what one rule of its grammar would have taken, and where it
    stopped reading, which often misleads: a string that breaks SPARQL's rules (an escape that
    is none, a line break in a short string) is named at the fault
    (:func:`~bjaikg.endpoint.query_tokens.string_fault`); a bare word that is no SPARQL keyword
    before the position is named instead (with the keyword it is closest to); a sentence in the
    expected set (a rule's own message, such as "The SELECT contains a variable that is
    unbound") replaces the set; and where the set is keywords alone (function names where an
    operand is missing, the end of the query), the message says that the query ends before
    what it began is complete when a bracket or string is still open at its end, else where it
    goes on after a complete part (an extra term, a second query).
    """
    message = " ".join(str(error.msg or error).split())
    if (fault := string_fault(query)) is not None:
        return f"SPARQL syntax error: error at {line_and_column(query, fault[0])}: {fault[1]}"
    prefix = undeclared_prefix(query)
    position = _POSITION.match(message)
    if prefix is None:
        word = position and unknown_word(query, int(position[1]), int(position[2]))
        if word:
            text, word_line, word_column = word
            close = difflib.get_close_matches(text.upper(), SPARQL_WORDS, n=1, cutoff=0.7)
            guess = f" (did you mean {close[0]}?)" if close else ""
            return (
                f"SPARQL syntax error: error at {word_line}:{word_column}: {text} is not "
                f"a SPARQL keyword or function{guess}"
            )
        if (note := _PARSER_NOTE.match(message)) is not None:
            every = note[2].split(", ")
            parts = [part for part in every if not part.startswith("[")]  # character classes
            sentences = [  # "The SELECT …" → "the SELECT …"; "SELECT * is …", "IRI …" kept
                part[0].lower() + part[1:] if part[1:2].islower() else part
                for part in parts
                if " " in part
            ]
            if sentences:
                return f"SPARQL syntax error: {note[1]}: {'; '.join(sentences)}"
            if not parts and len(every) == 1 and every[0] in _CHARACTER_CLASSES:
                return f"SPARQL syntax error: {note[1]}: expected {_CHARACTER_CLASSES[every[0]]}"
            if parts and DIGIT in every:  # LIMIT -1: the digit is the one alternative that fits
                parts.append(_CHARACTER_CLASSES[DIGIT])
            elif position and all(map(str.isidentifier, parts)):  # keywords that start anything
                if _at_end(query, position) and _open_at_end(query):
                    return (
                        f"SPARQL syntax error: {note[1]}, the end of the query: it ends before "
                        "what it began is complete (a term of a triple pattern, an operand of an "
                        "expression or a closing bracket is missing before here)"
                    )
                if (past := _past_complete_part(query, base_iri)) is not None:
                    return f"SPARQL syntax error: {_going_on(query, *past, base_iri)}"
            expected = f"one of {', '.join(parts)}" if len(parts) > 1 else "".join(parts)
            return f"SPARQL syntax error: {note[1]}: expected {expected or note[2]}"
        return f"SPARQL syntax error: {message}"
    where = f"{position[0]}: " if position else ""
    namespace = PREFIXES.get(prefix)
    declaration = f"<{namespace}>" if namespace else "<its namespace IRI>"
    return (
        f"SPARQL syntax error: {where}the prefix {prefix}: is not declared; add "
        f"PREFIX {prefix}: {declaration}"
    )


MAX_NESTING = 500
"""How deep a query may nest brackets (``{``, ``(``, ``[``): pyoxigraph's parser recurses on each
and, some thousands deep, overflows a thread's stack and crashes the process (docs/endpoint.md,
"Errors")."""
MAX_CHAIN = 50_000
"""How many operators, separators and group elements (``||``, ``&&``, ``!``, ``|``, ``/``,
``+``, ``-``, ``*``, ``.``, ``,``, ``;``, ``{``, ``MINUS``, ``UNION``, ``OPTIONAL``, ``BIND``,
``FILTER``) a query may hold in all: pyoxigraph's parser or its algebra recurses once for each
in a chain of them, so a long enough chain overflows even a worker's raised stack
(``bench/stack_depth.py``; docs/endpoint.md, "Errors")."""


def check_depth(query: str) -> None:
    """Raise :class:`ValueError` (a 400) when ``query`` nests brackets deeper than
    :data:`MAX_NESTING` or holds more than :data:`MAX_CHAIN` operators and group elements,
    saying where (line:column). What is in strings, IRIs, comments, variables, prefixed names,
    language tags and numbers does not count. A query too short to pass either bound is not
    scanned.

    Hazard: the chain bound counts the whole query, not its longest chain, so a query of many
    short chains is refused too; and it holds only on a worker's raised stack (the worker
    module's ``deepen_stack``): on the default 8 MB, chains of 2,625 ``BIND``s crash."""
    if len(query) <= MAX_NESTING:  # too short to hold more brackets or operators than that
        return
    brackets = query.count("{") + query.count("(") + query.count("[")
    if brackets <= MAX_NESTING and len(query) <= MAX_CHAIN:
        return
    depth = chain = 0
    for token in TOKENS.finditer(query):
        if token["close"]:
            depth -= 1
            continue
        depth += token["group"] is not None or token["open"] is not None
        chain += token["group"] is not None or token["chain"] is not None
        if depth > MAX_NESTING:
            raise ValueError(
                f"query refused: its brackets ({{, ( and [) nest more than {MAX_NESTING} deep "
                f"at {line_and_column(query, token.start())} (deeper nesting would overflow the "
                "SPARQL parser's stack)"
            )
        if chain > MAX_CHAIN:
            raise ValueError(
                f"query refused: it holds more than {MAX_CHAIN:,} operators, separators and group "
                "elements (||, &&, !, |, /, +, -, *, '.', ',', ';', '{', MINUS, UNION, OPTIONAL, "
                f"BIND, FILTER), the last at {line_and_column(query, token.start())} (a chain "
                "that long would overflow the SPARQL engine's stack); split it into smaller queries"
            )


def line_and_column(query: str, index: int) -> str:
    """``LINE:COLUMN`` of ``index`` in ``query``, both from 1."""
    line = query.count("\n", 0, index) + 1
    column = index - query.rfind("\n", 0, index)
    return f"{line}:{column}"


def _graph_nodes(iris: Sequence[str], parameter: str) -> list[ox.NamedNode]:
    nodes = []
    for iri in iris:
        try:
            nodes.append(ox.NamedNode(iri))
        except ValueError as error:
            raise ValueError(f"{parameter}={iri!r} is not an absolute IRI: {error}") from None
    return nodes


Result = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples
Store = ox.Store | RemoteStore


def names_dataset(query: str) -> bool:
    """Whether ``query`` has a dataset clause (``FROM`` or ``FROM NAMED``): the word ``FROM``
    outside strings, IRIs, comments, variables and prefixed names, or a name ``FROM:g`` when no
    prefix ``from:`` is declared. A query without the letters
    anywhere is not scanned: every evaluated query asks this, so the first test is a substring
    test of its lower case, the cheapest measured (bench/ENDPOINT.md, session 28)."""
    if "from" not in query.lower():
        return False
    tokens = [match[0] for match in TOKENS.finditer(query)]
    names = [token for token in tokens if token[:5].upper() == "FROM:"]
    if names and any(  # a prefix named "from" declared: its names are names, not clauses
        word.upper() == "PREFIX" and name.upper() == "FROM:" for word, name in pairwise(tokens)
    ):
        names = []
    # ``FROM:g`` with no such prefix: pyoxigraph reads the keyword and the name ``:g``
    return bool(names) or any(token.upper() == "FROM" for token in tokens)


def _run(store: Store, request: QueryRequest) -> Result:
    """Evaluate ``request`` on its dataset: the protocol's ``default-graph-uri`` and
    ``named-graph-uri`` when given (they replace the query's own ``FROM``, as the SPARQL
    Protocol says: a default graph of none of them is empty), else the query's ``FROM`` and
    ``FROM NAMED``, else the union of the named graphs as the default graph.

    Hazard: pyoxigraph's ``use_default_graph_as_union`` overrides a query's ``FROM``, so it is
    passed only for a query without one (:func:`names_dataset`)."""
    if not request.default_graphs and not request.named_graphs:
        union = not names_dataset(request.query)
        return store.query(
            request.query, base_iri=request.base_iri, use_default_graph_as_union=union
        )
    return store.query(
        request.query,
        base_iri=request.base_iri,
        default_graph=[*_graph_nodes(request.default_graphs, "default-graph-uri")],
        named_graphs=[*_graph_nodes(request.named_graphs, "named-graph-uri")],
    )


class _AnswerTooLongError(Exception):
    """The serialised answer passed the size up to which it surely has few enough rows."""


class _BoundedOutput:
    """A file-like output for pyoxigraph that refuses to grow past ``bound`` bytes."""

    def __init__(self, bound: int) -> None:
        self.bound = bound
        self.size = 0
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.bound:
            raise _AnswerTooLongError
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        """Nothing to flush: the parts are joined at the end."""


def _serialise_solutions(
    store: Store, result: ox.QuerySolutions, request: QueryRequest
) -> QueryAnswer:
    """SELECT results, by pyoxigraph's own writer whenever they cannot exceed the bound.

    Each row takes at least :data:`MINIMUM_ROW_BYTES` bytes in its format, so an answer of at
    most ``max_results`` times that size has at most ``max_results`` rows: pyoxigraph writes
    it (about four times faster than building rows in Python; the row count is then not known
    and ``results`` is ``None``). A longer answer is evaluated again and cut to ``max_results``
    rows, written by :mod:`bjaikg.endpoint.results`.
    """
    choice = choose_results_format(request.accept, request.format_parameter)
    limit = request.max_results
    output = _BoundedOutput(
        sys.maxsize if limit is None else limit * MINIMUM_ROW_BYTES[choice.format]
    )
    try:
        result.serialize(cast("IO[bytes]", output), format=choice.format)
        body = keep_carriage_returns(b"".join(output.parts), choice.format)
        return QueryAnswer(200, choice.content_type, body, None)
    except _AnswerTooLongError:
        again = _run(store, request)
    assert isinstance(again, ox.QuerySolutions) and limit is not None
    variables = [variable.value for variable in again.variables]
    rows = list(islice(again, limit + 1))
    truncated = len(rows) > limit
    rows = rows[:limit] if truncated else rows
    body = keep_carriage_returns(write_solutions(variables, rows, choice.format), choice.format)
    return QueryAnswer(200, choice.content_type, body, len(rows), truncated)


def _answer(store: Store, result: Result, request: QueryRequest) -> QueryAnswer:
    if isinstance(result, ox.QueryBoolean):
        choice = choose_results_format(request.accept, request.format_parameter)
        body = result.serialize(format=choice.format)
        assert body is not None  # no output file given, so pyoxigraph returns bytes
        return QueryAnswer(200, choice.content_type, body, 1)
    if isinstance(result, ox.QuerySolutions):
        return _serialise_solutions(store, result, request)
    limit = request.max_results
    rdf_choice = choose_rdf_format(request.accept, request.format_parameter)
    triples = list(result if limit is None else islice(result, limit + 1))
    truncated = limit is not None and len(triples) > limit
    triples = triples[:limit] if truncated else triples
    body = serialise_triples(triples, rdf_choice)
    return QueryAnswer(200, rdf_choice.content_type, body, len(triples), truncated)


def evaluate(store: Store, request: QueryRequest, allowed_services: Sequence[str]) -> QueryAnswer:
    """The answer to ``request`` on ``store``; client mistakes become 4xx answers, not errors.

    Evaluation errors of the engine itself (a failing ``SERVICE`` call, an I/O error) are a
    500 answer with pyoxigraph's message. A remote store gets only queries pyoxigraph parses
    (:class:`RemoteStore` parses each first) and only after the ``SERVICE`` allow-list; its
    failures are the :class:`StoreError`'s status (502, 503 at the deadline) with the store's
    message.
    """
    try:
        check_depth(request.query)
        check_services(request.query, allowed_services, request.base_iri)
        result = _run(store, request)
        try:
            return _answer(store, result, request)
        except SyntaxError as error:
            if isinstance(store, RemoteStore):  # the query parsed: the store's answer did not
                raise store.unreadable(error) from None
            raise
    except StoreError as error:
        return error_answer(error.status, str(error))
    except SyntaxError as error:
        if looks_like_update(request.query):
            return error_answer(403, READ_ONLY_MESSAGE)
        return error_answer(400, syntax_message(request.query, error, request.base_iri))
    except ServiceRefusedError as error:
        return error_answer(403, str(error))
    except UncheckableQueryError as error:
        return error_answer(400, str(error))
    except NotAcceptableError as error:
        return error_answer(406, str(error))
    except ValueError as error:
        return error_answer(400, str(error))
    except OSError as error:
        return error_answer(500, f"query evaluation failed: {error}")
    except RuntimeError as error:  # pyoxigraph's "The custom function <…> is not supported"
        status = 400 if "not supported" in str(error) else 500
        return error_answer(status, f"query evaluation failed: {error}")
