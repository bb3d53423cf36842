"""The named queries in ``queries/``: their headers, parameters and expected answers.

A query file is SPARQL with a header of ``#+ key: value`` lines (the grlc convention), e.g.::

    #+ title.en: Which chips support large models, and who designs them?
    #+ title.zh: 哪些芯片支持大模型？由谁设计？
    #+ description.en: ...
    #+ description.zh: ...
    #+ tags: chips, organisations
    #+ expect: answer
    #+ defaults: _district=https://w3id.org/bjaikg/id/origin-community

``expect`` is the rule the tests check the answer against:

- ``answer`` — the rows equal, as a multiset (or in order when the query has ORDER BY), the
  table in ``queries/answers/<name>.tsv`` (SPARQL TSV results format, as pyoxigraph writes it);
- ``true`` / ``false`` — for ASK queries;
- ``rows >= N`` / ``rows == N`` — only the row count is fixed;
- ``network`` — the query needs the public internet (federation); never run in default tests.

Variables named ``?_name`` (grlc/BASIL) are parameters; ``defaults`` gives their values as
``_name=value`` pairs separated by ``;``. A parameter whose default is an ``http(s)://`` IRI, or
whose name ends in ``_iri``, takes IRIs; one whose default is a whole number takes
``xsd:integer`` literals (any other value is refused); any other takes plain literals; one
without a default is required. Queries in ``queries/checks/`` are the validator's quality
rules and follow the header of :mod:`bjaikg.validation` instead.

How values enter a query (:meth:`NamedQuery.bind`): pyoxigraph's ``substitutions=`` binds only
variables that the query projects, and the named queries do not project their parameters, so
each value is first turned into an RDF term *by pyoxigraph* — ``NamedNode`` refuses anything
that is not an IRI (no spaces, ``>``, quotes), ``Literal`` escapes quotes and newlines — and
that term's N-Triples form replaces each ``?_name`` token (grlc does the same). User text is
never pasted into the query as such: a value can change a term but never the query's shape.
Hazard: a parameter that also appears in the SELECT clause makes the bound query invalid; the
catalogue's queries must not do that.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from bjaikg import PROJECT_ROOT
from bjaikg.errors import BjaikgError, QueryFileError
from bjaikg.namespaces import XSD_INTEGER

QUERY_FOLDER = PROJECT_ROOT / "queries"
ANSWER_FOLDER = QUERY_FOLDER / "answers"
QUERY_SUFFIXES = (".rq", ".sparql")

_HEADER_LINE = re.compile(r"^#\+\s*([A-Za-z_][\w.-]*)\s*:\s*(.*?)\s*$")
_PARAMETER = re.compile(r"\?(_[A-Za-z][A-Za-z0-9_]*)")
_EXPECT = re.compile(r"^(answer|true|false|network|rows\s*(==|>=)\s*(\d+))$")
_INTEGER = re.compile(r"[+-]?[0-9]+")  # ASCII digits: xsd:integer's lexical space
REQUIRED_KEYS = ("title.en", "title.zh", "description.en", "description.zh", "expect")


class ParameterError(BjaikgError):
    """A parameter value that a query cannot take (missing, or not of the parameter's kind)."""


@dataclass(frozen=True)
class Parameter:
    """One parameter of a named query: ``name`` as the API calls it, ``variable`` in the query
    (``_name``), its ``kind`` (``iri``, ``integer`` or ``literal``) and its default."""

    name: str
    variable: str
    kind: str
    default: str | None

    @property
    def required(self) -> bool:
        """Whether a value must be given (no default)."""
        return self.default is None

    def term(self, value: str) -> ox.NamedNode | ox.Literal:
        """``value`` as the RDF term this parameter stands for; :class:`ParameterError` if it is
        empty (a literal one would match anything: ``CONTAINS(?label, "")``), if an IRI
        parameter gets anything but an absolute http(s) IRI, or an integer one anything but a
        whole number."""
        if not value:
            default = "" if self.default is None else f", or leave it out for {self.default}"
            raise ParameterError(f"parameter {self.name}: empty; give a value{default}")
        if self.kind == "literal":
            return ox.Literal(value)
        if self.kind == "integer":
            if not _INTEGER.fullmatch(value):
                raise ParameterError(f"parameter {self.name}: {value!r} is not a whole number")
            return ox.Literal(value, datatype=XSD_INTEGER)
        if not value.startswith(("http://", "https://")):
            raise ParameterError(f"parameter {self.name}: {value!r} is not an http(s) IRI")
        try:
            return ox.NamedNode(value)
        except ValueError as error:
            message = f"parameter {self.name}: {value!r} is not an IRI ({error})"
            raise ParameterError(message) from None


def _kind(default: str | None, variable: str) -> str:
    """A parameter's kind: ``iri`` if its name ends in ``_iri`` or its default is an IRI,
    ``integer`` if its default is a whole number, else ``literal``."""
    if variable.endswith("_iri") or (default or "").startswith(("http://", "https://")):
        return "iri"
    return "integer" if default is not None and _INTEGER.fullmatch(default) else "literal"


@dataclass(frozen=True)
class NamedQuery:
    """One query file of ``queries/`` with its parsed header."""

    name: str
    path: Path
    text: str
    header: dict[str, str]
    parameters: tuple[Parameter, ...] = field(default=())

    def title(self, language: str = "en") -> str:
        """The title in ``language`` (``en`` or ``zh``)."""
        return self.header[f"title.{language}"]

    def description(self, language: str = "en") -> str:
        """The description in ``language`` (``en`` or ``zh``)."""
        return self.header[f"description.{language}"]

    @property
    def expect(self) -> str:
        """The expected-result rule (see the module docstring)."""
        return self.header["expect"]

    @property
    def needs_network(self) -> bool:
        """Whether the query reaches public endpoints through ``SERVICE``."""
        return self.expect == "network"

    @property
    def tags(self) -> tuple[str, ...]:
        """The header's comma-separated tags."""
        return tuple(t.strip() for t in self.header.get("tags", "").split(",") if t.strip())

    def bind(self, values: Mapping[str, str]) -> str:
        """The query text with each parameter replaced by its value in ``values`` (keyed by
        parameter name, without the underscore) or else by its default.

        Raises :class:`ParameterError` for a missing required value or a value of the wrong
        kind.
        """
        text = self.text
        for parameter in self.parameters:
            value = values.get(parameter.name, parameter.default)
            if value is None:
                raise ParameterError(f"parameter {parameter.name} is required")
            term = str(parameter.term(value))
            pattern = re.compile(r"[?$]" + re.escape(parameter.variable) + r"\b")
            text = pattern.sub(term.replace("\\", "\\\\"), text)
        return text


def read_defaults(header: dict[str, str]) -> dict[str, str]:
    """The default value of each parameter variable, from the ``defaults`` header."""
    values: dict[str, str] = {}
    for pair in header.get("defaults", "").split(";"):
        if "=" in pair:
            key, value = pair.split("=", 1)
            values[key.strip()] = value.strip()
    return values


def read_header(path: Path, text: str) -> dict[str, str]:
    """The ``#+ key: value`` lines of a query file's ``text`` as a dict (later keys win).

    Raises :class:`QueryFileError` naming ``path`` and the line of a malformed header line.
    Shared by the named queries and the validator's rule files (:mod:`bjaikg.validation.rules`).
    """
    header: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("#+"):
            continue
        match = _HEADER_LINE.match(line)
        if not match:
            raise QueryFileError(f"{path}:{number}: header line is not '#+ key: value'")
        header[match.group(1)] = match.group(2)
    return header


_INSERT = re.compile(r"^[ \t]*# insert pattern ([\w-]+) from ([\w-]+\.rq)[ \t]*$", re.MULTILINE)


def insert_patterns(path: Path, text: str, folder: Path = QUERY_FOLDER) -> str:
    """``text`` with each ``# insert pattern NAME from FILE.rq`` line replaced by the lines of
    pattern NAME of ``folder/FILE.rq`` (``folder``: the named queries' folder), the lines from
    its ``# begin pattern NAME`` line to its ``# end pattern NAME`` line.

    Raises :class:`QueryFileError` naming ``path`` and the line when the file or the pattern is
    missing.
    """

    def pattern(match: re.Match[str]) -> str:
        name, source = match.group(1), folder / match.group(2)
        line = text.count("\n", 0, match.start()) + 1
        try:
            lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
        except OSError:
            raise QueryFileError(f"{path}:{line}: no query file {source}") from None
        stripped = [content.strip() for content in lines]
        begin, end = f"# begin pattern {name}", f"# end pattern {name}"
        if stripped.count(begin) != 1 or stripped.count(end) != 1:
            message = f"{path}:{line}: {source} has no pattern {name!r} (begin and end lines)"
            raise QueryFileError(message)
        return "".join(lines[stripped.index(begin) : stripped.index(end) + 1]).rstrip("\n")

    return _INSERT.sub(pattern, text)


def parse_query_file(path: Path) -> NamedQuery:
    """Read one query file; raise :class:`QueryFileError` naming the file when its header is bad."""
    text = path.read_text(encoding="utf-8")
    header = read_header(path, text)
    text = insert_patterns(path, text, folder=path.parent)
    missing = [key for key in REQUIRED_KEYS if key not in header]
    if missing:
        raise QueryFileError(f"{path}: header lacks {', '.join(missing)}")
    if not _EXPECT.match(header["expect"]):
        raise QueryFileError(f"{path}: expect '{header['expect']}' is not a known rule")
    defaults = read_defaults(header)
    parameters = tuple(
        Parameter(
            name=variable.lstrip("_"),
            variable=variable,
            kind=_kind(defaults.get(variable), variable),
            default=defaults.get(variable),
        )
        for variable in dict.fromkeys(_PARAMETER.findall(text))
    )
    return NamedQuery(name=path.stem, path=path, text=text, header=header, parameters=parameters)


def load_catalogue(folder: Path = QUERY_FOLDER) -> list[NamedQuery]:
    """Every named query directly in ``folder`` (not in its ``checks/`` subfolder), by name."""
    files = sorted(p for p in folder.iterdir() if p.suffix in QUERY_SUFFIXES and p.is_file())
    return [parse_query_file(path) for path in files]
