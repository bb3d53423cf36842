"""The rule catalogue: SPARQL checks in ``queries/checks/<check>/*.rq``, one file per rule.

A rule file is a SELECT query with a header (parsed by
:func:`bjaikg.query_catalogue.read_header`)::

    #+ id: quality.duplicate-label
    #+ severity: violation | warning | info
    #+ message.en: Two terms share one label.
    #+ message.zh: 两个术语使用同一标签。
    #+ hint: Give each term its own label.
    SELECT ?focus ?path ?value WHERE { … }

One row is one finding: ``?focus`` (required) is the subject whose block holds the problem,
``?path`` and ``?value`` are optional, an optional ``?message`` replaces the header's English
message, and an optional ``?graph`` (a file's named graph) says in which file to report it
(else the file is found from ``?focus``). The id starts with the folder's name (the check:
``quality``, ``links``). Queries declare every PREFIX they use; the rule
:data:`IMPLICIT_PREFIX_RULE` checks that for every query in ``queries/``.

A rule that states what a named query states takes the named query's lines instead of a copy
(:func:`bjaikg.query_catalogue.insert_patterns`): a line ``# insert pattern NAME from FILE.rq``
is replaced by the lines between ``# begin pattern NAME`` and ``# end pattern NAME`` of
``queries/FILE.rq``, so the rule
and the named query cannot drift apart (``quality.sources-disagree`` and
``headquarters-disagreements``). The rule uses the named query's variable names; it declares
the prefixes the inserted lines use.

Hazard: rules are evaluated over the union of data and context (the ontology); a finding whose
focus node is written only in a context file is dropped, so validating someone's file never
reports problems of the project's ontology.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from bjaikg.errors import QueryFileError
from bjaikg.query_catalogue import QUERY_FOLDER, QUERY_SUFFIXES, insert_patterns, read_header
from bjaikg.validation.finding import Finding, Severity
from bjaikg.validation.inputs import LoadedInput, display_path

CHECK_FOLDER = QUERY_FOLDER / "checks"
RULE_KEYS = ("id", "severity", "message.en", "message.zh", "hint")


@dataclass(frozen=True)
class Rule:
    """One rule file: its stable id, severity, messages, fix hint and query."""

    id: str
    severity: Severity
    message: str
    message_zh: str
    hint: str
    path: Path
    query: str

    @property
    def check(self) -> str:
        """The check the rule belongs to (the part of the id before the first dot)."""
        return self.id.split(".", 1)[0]


def parse_rule_file(path: Path, check: str) -> Rule:
    """Read one rule file of ``check``; :class:`QueryFileError` names the file when it is bad."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise QueryFileError(f"{path}: not UTF-8 text") from None
    header = read_header(path, text)
    text = insert_patterns(path, text, folder=path.parents[2])  # queries/checks/<check>/
    missing = [key for key in RULE_KEYS if not header.get(key)]
    if missing:
        raise QueryFileError(f"{path}: rule header lacks {', '.join(missing)}")
    if not header["id"].startswith(f"{check}."):
        raise QueryFileError(f"{path}: rule id {header['id']!r} does not start with '{check}.'")
    try:
        severity = Severity.parse(header["severity"])
    except ValueError as error:
        raise QueryFileError(f"{path}: {error}") from None
    return Rule(
        id=header["id"],
        severity=severity,
        message=header["message.en"],
        message_zh=header["message.zh"],
        hint=header["hint"],
        path=path,
        query=text,
    )


def load_rules(check: str, folder: Path = CHECK_FOLDER) -> list[Rule]:
    """The rules of ``check`` (files in ``folder/<check>/``), sorted by file name.

    Raises :class:`QueryFileError` when two files claim one id.
    """
    rule_folder = folder / check
    if not rule_folder.is_dir():
        return []
    paths = sorted(p for p in rule_folder.iterdir() if p.suffix in QUERY_SUFFIXES)
    rules = [parse_rule_file(path, check) for path in paths]
    seen: dict[str, Path] = {}
    for rule in rules:
        if rule.id in seen:
            other = seen[rule.id]
            raise QueryFileError(f"{rule.path}: rule id {rule.id!r} is also used by {other}")
        seen[rule.id] = rule.path
    return rules


def run_rule(rule: Rule, loaded: LoadedInput) -> list[Finding]:
    """Evaluate ``rule`` over data and context; one finding per distinct row in a data file.

    Raises :class:`QueryFileError` (file and the parser's position) when the query is invalid.
    """
    try:
        result = loaded.store.query(rule.query, use_default_graph_as_union=True)
        if not isinstance(result, ox.QuerySolutions):
            raise QueryFileError(f"{rule.path}: a rule must be a SELECT query")
        rows = list(result)
    except SyntaxError as error:
        raise QueryFileError(f"{rule.path}: invalid SPARQL: {error.msg or error}") from None
    findings: set[Finding] = set()
    for row in rows:
        focus = row["focus"]
        if focus is None:
            raise QueryFileError(f"{rule.path}: a row has no ?focus")
        path = _cell(row, "path")
        value, graph = row["value"], row["graph"]
        if isinstance(value, ox.Literal):  # a number or a boolean as the file writes it
            value = loaded.written_term(str(focus), path, value)
        written = value if isinstance(value, ox.NamedNode | ox.Literal) else None
        if isinstance(graph, ox.NamedNode):
            source = next((known for known in loaded.files if known.graph == graph), None)
            line = source.statement_line(str(focus), path, written) if source else None
        else:
            source, line = loaded.locate(str(focus), path, written)
        if source is not None and not source.is_data:
            continue
        message = row["message"]
        findings.add(
            Finding(
                check=rule.check,
                rule=rule.id,
                severity=rule.severity,
                message=message.value if isinstance(message, ox.Literal) else rule.message,
                message_zh=rule.message_zh,
                hint=rule.hint,
                file=source.display if source else "",
                line=line,
                focus=str(focus),
                focus_label=loaded.label(str(focus)),
                path=path,
                value=str(value) if value is not None else "",
            )
        )
    return sorted(findings, key=Finding.sort_key)


def _cell(row: ox.QuerySolution, name: str) -> str:
    value = row[name]  # None when unbound or not selected
    return str(value) if value is not None else ""


IMPLICIT_PREFIX_RULE = Rule(
    id="quality.implicit-prefix",
    severity=Severity.VIOLATION,
    message="The query uses a prefix it does not declare.",
    message_zh="查询使用了未声明的前缀。",
    hint="add the PREFIX line (bjaikg/namespaces.py); other endpoints have no implicit prefixes",
    path=Path(__file__),
    query="",
)
"""A rule about query text, not data: every ``queries/**/*.rq`` declares its prefixes."""

_QUERY_NOISE = re.compile(
    r"""<[^<>"{}|^`\\\s]*>|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|#[^\n]*""", re.DOTALL
)
_DECLARED = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?:", re.IGNORECASE)
_USED = re.compile(r"(?<![\w?$:.-])([A-Za-z][\w-]*(?:\.[\w-]+)*)?:(?=[\w%\\])")


def undeclared_prefixes(text: str) -> list[tuple[str, int, int]]:
    """Each prefix ``text`` uses without a PREFIX line: (prefix, line, column), first use only."""
    blanked = _QUERY_NOISE.sub(lambda match: re.sub(r"[^\n]", " ", match.group(0)), text)
    declared = {name or "" for name in _DECLARED.findall(blanked)}
    found: dict[str, tuple[str, int, int]] = {}
    for number, line in enumerate(blanked.splitlines(), start=1):
        for match in _USED.finditer(line):
            prefix = match.group(1) or ""
            if prefix.upper() == "PREFIX" or prefix in declared or prefix in found:
                continue
            found[prefix] = (prefix, number, match.start() + 1)
    return list(found.values())


def check_query_prefixes(folder: Path = QUERY_FOLDER) -> list[Finding]:
    """:data:`IMPLICIT_PREFIX_RULE` over every query file below ``folder``."""
    findings = []
    for path in sorted(p for p in folder.rglob("*") if p.suffix in QUERY_SUFFIXES):
        text = path.read_text(encoding="utf-8", errors="replace")  # prefixes are ASCII
        for prefix, line, column in undeclared_prefixes(text):
            rule = IMPLICIT_PREFIX_RULE
            findings.append(
                Finding(
                    check=rule.check,
                    rule=rule.id,
                    severity=rule.severity,
                    message=f"{rule.message[:-1]}: '{prefix}:'.",
                    message_zh=rule.message_zh,
                    hint=rule.hint,
                    file=display_path(path),
                    line=line,
                    column=column,
                    value=f'"{prefix}:"',
                )
            )
    return findings
