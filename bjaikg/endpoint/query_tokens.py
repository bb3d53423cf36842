"""SPARQL's tokens as the endpoint's checks of a query's text read them, before the engine does.

The checks (nesting and chain bounds, unknown words, dataset clauses, ``SERVICE`` keywords) must
see the text as pyoxigraph does: a keyword inside a string, an IRI or a comment is none.
Hazard: a scan, not a parser; each use says what it counts.
"""

from __future__ import annotations

import re

TOKENS = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\r\n]|\\.)*"|\'(?:[^\'\\\r\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\r\n]*'
    r"|[?$]\w+|(?:[A-Za-z_][\w.-]*)?:[\w.:%-]*|@[A-Za-z]+(?:-[A-Za-z0-9]+)*(?:--[A-Za-z]+)?"
    r"|(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
    r"|(?P<group>\{)|(?P<open>[(\[])|(?P<close>[})\]])"
    r"|(?P<chain>\|\||&&|[!|/+*.,;-]|(?i:\b(?:MINUS|UNION|OPTIONAL|BIND|FILTER)\b))"
    r"|(?P<word>[A-Za-z_]\w*)"
    r"|(?P<stray>[\"']|<(?=[^\s=]))"
)
"""SPARQL's tokens as the query checks need them: a string, an IRI, a comment (to the end of
the line: a line feed or a carriage return, as SPARQL's EOL), a variable, a prefixed name (the
empty prefix and blank node labels included), a language tag (with RDF 1.2's base direction:
``@en--ltr``, SPARQL 1.2's ``LANG_DIR``) or an unsigned number (each skipped whole); a
bracket, or an operator or keyword that chains (``check_depth``); or a bare word
(``unknown_word``, ``names_dataset``, :func:`service_keywords`); last, a quote or ``<`` that
opens no string or IRI (an unterminated string, an IRI with a space: what follows is not
words)."""


def service_keywords(query: str) -> list[int]:
    """Where ``query`` holds the keyword ``SERVICE`` (any case) outside strings, IRIs, comments,
    variables and prefixed names — or a name ``SERVICE:x``, which pyoxigraph reads as the
    keyword and the name ``:x`` (a query without the letters is not scanned). Hazard: a name of
    a prefix ``service:`` counts too (a query using one cannot be checked)."""
    if "service" not in query.lower():
        return []
    return [
        match.start()
        for match in TOKENS.finditer(query)
        if (match["word"] or "").upper() == "SERVICE" or match[0][:8].upper() == "SERVICE:"
    ]


def constructs_blank_nodes(query: str) -> bool:
    """Whether ``query`` is a ``CONSTRUCT`` whose template (or short-form pattern) writes blank
    nodes: a label ``_:b``, ``[`` or a collection ``(`` — each a new blank node on every
    evaluation, as ``BNODE()`` is. Hazard: a ``CONSTRUCT`` inside a string, IRI or comment before
    the query's own keyword is skipped, as the engine skips it; a query is not checked further."""
    depth = 0
    seen_construct = False
    for match in TOKENS.finditer(query):
        token = match[0]
        if not seen_construct:
            seen_construct = (match["word"] or "").upper() == "CONSTRUCT"
        elif match["group"]:
            depth += 1
        elif depth:
            if match["open"] or token.startswith("_:"):
                return True
            if match["close"] and token == "}":
                depth -= 1
                if not depth:
                    return False
    return False


ESCAPE = re.compile(r"""\\(?:[tbnrf"'\\]|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|(?P<bad>.?))""", re.DOTALL)
r"""A backslash in a string and what follows it: SPARQL's ``ECHAR`` (``\t \b \n \r \f \" \' \\``)
or a code point escape (``\uXXXX``, ``\UXXXXXXXX``), else ``bad``: what is no escape."""
_REST_OF_SHORT = {quote: re.compile(rf"(?:[^{quote}\\\r\n]|\\.)*") for quote in "\"'"}
"""What a short string opened by the quote holds: up to its end, a line break or a lone
backslash at the end of the query."""


def string_fault(query: str) -> tuple[int, str] | None:
    r"""The first place where a string of ``query`` breaks SPARQL's rules for strings, and what
    is wrong there: a backslash that begins no escape (``"\x41"``), or a line break in a string
    opened by one quote (``"a⏎b"``: only a long string, ``'''…'''``, or ``\n`` holds one);
    ``None`` when there is none. A string still open at the end of the query is none either: the
    query ends too soon. Hazard: a scan, not a parser (:data:`TOKENS`)."""
    for token in TOKENS.finditer(query):
        text, start = token[0], token.start()
        if token["stray"] in ('"', "'"):
            if query[max(start - 2, 0) : start + 1] == text * 3:  # a long string still open
                return None
            rest = _REST_OF_SHORT[text].match(query, token.end())
            assert rest is not None  # the pattern matches the empty text
            end = rest.end()
            if query[end : end + 1] in ("\n", "\r"):
                long = text * 3
                return end, (
                    f"a line break inside a {text}…{text} string, which cannot hold one (write "
                    rf"\n, or use a {long}…{long} string)"
                )
            return None  # open to the end of the query: all after it is the string's
        if text[0] in "\"'":
            for escape in ESCAPE.finditer(text):
                if (bad := escape["bad"]) in ("u", "U"):
                    digits = 4 if bad == "u" else 8
                    return start + escape.start(), rf"\{bad} needs {digits} hexadecimal digits"
                if bad is not None:
                    return start + escape.start(), (
                        rf"\{bad} is no escape of a SPARQL string (those are \t \b \n \r \f "
                        r"""\" \' \\ \uXXXX \UXXXXXXXX; a backslash itself is \\)"""
                    )
    return None
