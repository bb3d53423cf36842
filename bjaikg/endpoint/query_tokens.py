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
    r"|[?$]\w+|(?:[A-Za-z_][\w.-]*)?:[\w.:%-]*|@[A-Za-z]+(?:-[A-Za-z0-9]+)*"
    r"|(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
    r"|(?P<group>\{)|(?P<open>[(\[])|(?P<close>[})\]])"
    r"|(?P<chain>\|\||&&|[!|/+*.,;-]|(?i:\b(?:MINUS|UNION|OPTIONAL|BIND|FILTER)\b))"
    r"|(?P<word>[A-Za-z_]\w*)"
    r"|(?P<stray>[\"']|<(?=[^\s=]))"
)
"""SPARQL's tokens as the query checks need them: a string, an IRI, a comment (to the end of
the line: a line feed or a carriage return, as SPARQL's EOL), a variable, a prefixed name (the
empty prefix and blank node labels included), a language tag or an unsigned number (each
skipped whole); a bracket, or an operator or keyword that chains (``check_depth``); or a bare
word (``unknown_word``, ``names_dataset``, :func:`service_keywords`); last, a quote or ``<``
that opens no string or IRI (an unterminated string, an IRI with a space: what follows is not
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
