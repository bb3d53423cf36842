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
``_name=value`` pairs separated by ``;`` (an ``http(s)://`` value is an IRI, anything else a
plain literal). Queries in ``queries/checks/`` are the validator's quality rules and follow the
header of :mod:`bjaikg.validation` instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from bjaikg import PROJECT_ROOT
from bjaikg.errors import QueryFileError

QUERY_FOLDER = PROJECT_ROOT / "queries"
ANSWER_FOLDER = QUERY_FOLDER / "answers"
QUERY_SUFFIXES = (".rq", ".sparql")

_HEADER_LINE = re.compile(r"^#\+\s*([A-Za-z_][\w.-]*)\s*:\s*(.*?)\s*$")
_PARAMETER = re.compile(r"\?(_[A-Za-z][A-Za-z0-9_]*)")
_EXPECT = re.compile(r"^(answer|true|false|network|rows\s*(==|>=)\s*(\d+))$")
REQUIRED_KEYS = ("title.en", "title.zh", "description.en", "description.zh", "expect")


@dataclass(frozen=True)
class NamedQuery:
    """One query file of ``queries/`` with its parsed header."""

    name: str
    path: Path
    text: str
    header: dict[str, str]
    parameters: tuple[str, ...] = field(default=())

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

    @property
    def answer_path(self) -> Path:
        """Where the expected answer of an ``expect: answer`` query is kept."""
        return ANSWER_FOLDER / f"{self.name}.tsv"

    def defaults(self) -> dict[str, str]:
        """The default value of each parameter, from the ``defaults`` header."""
        values: dict[str, str] = {}
        for pair in self.header.get("defaults", "").split(";"):
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


def parse_query_file(path: Path) -> NamedQuery:
    """Read one query file; raise :class:`QueryFileError` naming the file when its header is bad."""
    text = path.read_text(encoding="utf-8")
    header = read_header(path, text)
    missing = [key for key in REQUIRED_KEYS if key not in header]
    if missing:
        raise QueryFileError(f"{path}: header lacks {', '.join(missing)}")
    if not _EXPECT.match(header["expect"]):
        raise QueryFileError(f"{path}: expect '{header['expect']}' is not a known rule")
    parameters = tuple(dict.fromkeys(_PARAMETER.findall(text)))
    return NamedQuery(name=path.stem, path=path, text=text, header=header, parameters=parameters)


def load_catalogue(folder: Path = QUERY_FOLDER) -> list[NamedQuery]:
    """Every named query directly in ``folder`` (not in its ``checks/`` subfolder), by name."""
    files = sorted(p for p in folder.iterdir() if p.suffix in QUERY_SUFFIXES and p.is_file())
    return [parse_query_file(path) for path in files]
