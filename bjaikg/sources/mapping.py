"""The hand-kept mapping files of ``instances/mappings/``, read into records and checked.

- ``organisations.csv``: one row per (organisation, source of its location). ``epoch_names``
  lists the names Epoch AI's tables use for it (`` | `` between names); ``class`` is empty when
  the organisation is defined in a hand-written file of ``instances/`` (its labels there win);
  ``city`` and ``district`` place its headquarters as ``source_url`` states it (``quote``, at
  most one sentence, or the pieces of a text laid out in columns one per line, never joined
  with " … "; ``language`` is the BCP 47 tag of the quote and the page's title when they are in
  neither Chinese nor English). A row with no city records a search that found nothing.
  Two rows for one organisation that disagree are both kept: the graph states both, each with
  its page. ``wikidata_evidence`` and ``ror_evidence`` give the evidence for the row's
  identifiers, one source a line (:func:`parse_evidence`): each becomes a link statement of
  its page (docs/links.md).
- ``cities.csv``: the cities the organisations are placed in (slug, English and Chinese name,
  ``CN`` for the cities in China: the scope of Chinese chip designers; other countries blank).
- ``hardware.csv``: hardware names of Epoch AI's tables that name the same chip as another row,
  with the evidence for it; every other hardware name becomes a chip of its own.
- ``chip-families.csv``: the article's chip families and the designer whose chips they gather.
- the hand-written Turtle files of ``instances/`` themselves, for the names (labels and
  alternative labels) they give the organisations of an empty ``class``
  (:func:`read_handwritten_names`).
- ``headquarters-ranks.csv``: reviews of organisations whose rows place the headquarters in
  different places: the place preferred, the reason, and the page the reason rests on (the
  generated sites get Wikidata's statement ranks; the other rows stay, ranked normal).

Every problem is a :class:`~bjaikg.errors.DataFileError` naming the file and line.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from bjaikg import PROJECT_ROOT
from bjaikg.errors import DataFileError
from bjaikg.namespaces import BJ, PREFIXES
from bjaikg.store import load_knowledge_graph

MAPPING_FOLDER = PROJECT_ROOT / "instances" / "mappings"
NAMES = (ox.NamedNode(f"{PREFIXES['rdfs']}label"), ox.NamedNode(f"{PREFIXES['skos']}altLabel"))
"""The predicates that give an entity a name: ``rdfs:label`` and ``skos:altLabel``."""
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
WIKIDATA = re.compile(r"^Q[1-9][0-9]*$")
ROR = re.compile(r"^0[a-z0-9]{6}[0-9]{2}$")
URL = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")
LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
ORGANISATION_CLASSES = frozenset(
    {"Company", "University", "ResearchInstitute", "NewTypeResearchInstitute", "GovernmentBody",
     "Hospital", "Incubator", "NewsMedium", "Network"}
)  # fmt: skip
BEIJING_DISTRICTS = {
    "dongcheng-district": ("Dongcheng District", "东城区"),
    "xicheng-district": ("Xicheng District", "西城区"),
    "chaoyang-district": ("Chaoyang District", "朝阳区"),
    "fengtai-district": ("Fengtai District", "丰台区"),
    "shijingshan-district": ("Shijingshan District", "石景山区"),
    "haidian-district": ("Haidian District", "海淀区"),
    "mentougou-district": ("Mentougou District", "门头沟区"),
    "fangshan-district": ("Fangshan District", "房山区"),
    "tongzhou-district": ("Tongzhou District", "通州区"),
    "shunyi-district": ("Shunyi District", "顺义区"),
    "changping-district": ("Changping District", "昌平区"),
    "daxing-district": ("Daxing District", "大兴区"),
    "huairou-district": ("Huairou District", "怀柔区"),
    "pinggu-district": ("Pinggu District", "平谷区"),
    "miyun-district": ("Miyun District", "密云区"),
    "yanqing-district": ("Yanqing District", "延庆区"),
    "beijing-economic-technological-development-area": (
        "Beijing Economic-Technological Development Area",
        "北京经济技术开发区",
    ),
}
"""The places a row may give as ``district`` (slugs of instances/places.ttl), with their names."""


EVIDENCE = re.compile(
    r"^(?:(?P<url>https?://[^\s<>\"{}|\\^`]+)"
    r"|(?P<repository>[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+) (?P<path>\S+) @ (?P<commit>[0-9a-f]{40}))"
    r" \((?:(?P<title>.+?), )?seen (?P<seen>\d{4}-\d{2}-\d{2})"
    r"(?:, @(?P<language>[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*))?"
    r"(?:; (?P<note>.+?))?\): (?P<quote>\S.*)$"
)
"""One line of an evidence cell: ``<where> (<title>, seen <date>[, @<language>][; <note>]):
<quote>``, where is a web page's URL or a repository file as ``<owner>/<repo> <path> @ <commit>``
(the 40 hex digits of the commit the file was read at); the title may be left out where another
line or row gives the page's, and always for a repository file."""
EVIDENCE_FORM = "<URL or owner/repo path @ commit> (<title>, seen <YYYY-MM-DD>): <quote>"


@dataclass(frozen=True)
class Evidence:
    """One source's pairing of a row's organisation with an identifier: the page (``url``, for a
    repository file its GitHub address at the commit), its title (``""``: given elsewhere), the
    day it was seen, the quote's language (``""``: ``zh`` with Chinese characters, else ``en``),
    a note of ours (``""``: none) and the quote, verbatim."""

    url: str
    title: str
    seen: str
    language: str
    note: str
    quote: str


def parse_evidence(cell: str) -> list[Evidence]:
    """The evidence of one ``wikidata_evidence`` or ``ror_evidence`` cell, one per line; a
    ``ValueError`` names the first line (from 1) that is not of the form :data:`EVIDENCE`.

    >>> cell = "a/b data/x.json @ " + "0" * 40 + ' (seen 2026-12-04): "id": "Q1"'
    >>> parse_evidence(cell)[0].url
    'https://github.com/a/b/blob/0000000000000000000000000000000000000000/data/x.json'
    >>> parse_evidence("https://example.org/x: Q1")
    Traceback (most recent call last):
    ValueError: line 1 of the evidence is not <URL or owner/repo path @ commit> (<title>, ...
    """
    evidence = []
    for number, line in enumerate(cell.splitlines(), start=1):
        match = EVIDENCE.match(line.strip())
        if match is None:
            raise ValueError(f"line {number} of the evidence is not {EVIDENCE_FORM}")
        url, title = match["url"], match["title"] or ""
        if url is None:
            url = f"https://github.com/{match['repository']}/blob/{match['commit']}/{match['path']}"
            title = title or f"{match['path']} [{match['repository']}]"
        evidence.append(
            Evidence(
                url,
                title,
                match["seen"],
                match["language"] or "",
                match["note"] or "",
                match["quote"].strip(),
            )
        )
    return evidence


@dataclass(frozen=True)
class OrganisationRow:
    """One row of ``organisations.csv``: an organisation and one sourced headquarters."""

    line: int
    names: tuple[str, ...]
    slug: str
    kind: str
    label_en: str
    label_zh: str
    city: str
    district: str
    source_url: str
    source_title: str
    seen: str
    quote: str
    wikidata: str
    wikidata_evidence: str
    ror: str
    ror_evidence: str
    language: str  # of quote and source_title; empty: zh with Chinese characters, else en

    @property
    def place(self) -> str:
        """The slug of the most specific place the row gives: its district, else its city."""
        return self.district or self.city

    @property
    def quotes(self) -> list[str]:
        """The verbatim quotes of the row: one per line of its ``quote`` cell."""
        return [quote.strip() for quote in self.quote.splitlines() if quote.strip()]

    def sources(self, column: str) -> list[Evidence]:
        """The evidence for the row's identifier in ``column`` (``wikidata`` or ``ror``), one per
        source (its ``<column>_evidence`` cell); none without an identifier."""
        if column not in ("wikidata", "ror") or not getattr(self, column):
            return []
        return parse_evidence(getattr(self, f"{column}_evidence"))


@dataclass(frozen=True)
class HeadquartersRank:
    """A review of an organisation's disagreeing headquarters rows: the place (district or city
    slug) whose statement is preferred, why, and the page the reason rests on."""

    line: int
    slug: str
    preferred: str
    reason: str
    source_url: str
    source_title: str
    seen: str


@dataclass(frozen=True)
class City:
    """A city organisations are placed in."""

    slug: str
    label_en: str
    label_zh: str
    country: str


@dataclass(frozen=True)
class HardwareAlias:
    """A hardware name that names the chip ``slug`` (as another row of the table does)."""

    name: str
    slug: str
    evidence: str


@dataclass(frozen=True)
class ChipFamily:
    """A chip family of the article and the designer whose chips are its members."""

    family: str
    designer: str
    evidence: str


def read_rows(path: Path, columns: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """The rows of a mapping CSV with the line each starts on (a quoted cell may hold line
    breaks), after checking its header."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise DataFileError(path, f"cannot read the mapping: {error}") from None
    reader = csv.DictReader(text.splitlines(keepends=True))
    if tuple(reader.fieldnames or ()) != columns:
        raise DataFileError(path, f"header must be: {','.join(columns)}", line=1)
    start = reader.line_num + 1
    for row in reader:
        if None in row or any(value is None for value in row.values()):
            raise DataFileError(path, f"expected {len(columns)} fields", line=start)
        yield start, row
        start = reader.line_num + 1


def organisation_problems(row: OrganisationRow) -> list[str]:
    """What is wrong with one row of the organisation mapping (empty when nothing)."""
    checks = [
        (bool(SLUG.match(row.slug)), f"slug {row.slug!r} is not kebab-case"),
        (row.kind in ORGANISATION_CLASSES | {""}, f"unknown class {row.kind!r}"),
        (bool(row.label_en), "every organisation needs its English name (label_en)"),
        (
            not row.district or row.district in BEIJING_DISTRICTS,
            f"unknown district {row.district!r}",
        ),
        (not row.district or row.city == "beijing", "a district needs city beijing"),
        (not row.city or bool(row.source_url), "a placed row needs its source_url"),
        (not row.city or bool(row.quotes), "a placed row needs its quote"),
        (not row.source_url or bool(URL.match(row.source_url)), "source_url is not an http(s) URL"),
        (bool(DATE.match(row.seen)), f"seen {row.seen!r} is not YYYY-MM-DD"),
        (not row.wikidata or bool(WIKIDATA.match(row.wikidata)), "wikidata must be Q<digits>"),
        (not row.wikidata or bool(row.wikidata_evidence), "a Wikidata id needs its evidence"),
        (not row.ror or bool(ROR.match(row.ror)), "ror must be the 9 characters of a ROR id"),
        (not row.ror or bool(row.ror_evidence), "a ROR id needs its evidence"),
        (
            not row.city or " … " not in row.quote,
            "quote pieces go on lines of their own, not joined with ' … '",
        ),
        (
            not row.language or bool(LANGUAGE.match(row.language)),
            f"language {row.language!r} is not a BCP 47 tag such as de or fr",
        ),
    ]
    problems = [message for holds, message in checks if not holds]
    for column, identifier, cell in (
        ("wikidata_evidence", row.wikidata, row.wikidata_evidence),
        ("ror_evidence", row.ror, row.ror_evidence),
    ):
        if cell and not identifier:
            problems.append(f"{column} is given without its identifier")
        try:
            parse_evidence(cell)
        except ValueError as error:
            problems.append(f"{column}: {error}")
    return problems


def read_handwritten_names(folder: Path = PROJECT_ROOT / "instances") -> dict[str, frozenset[str]]:
    """The names (``rdfs:label`` and ``skos:altLabel`` values, as written) that the hand-written
    files of ``folder`` (its own ``*.ttl``: the generated files are in its sub-folders) state for
    each ``bj:`` IRI, by the IRI's local name.

    Hazard: the generated files then depend on these files too: a name changed by hand can
    make a name of Epoch AI's tables an alternative label, or no longer one, and the generated
    files must be made again (the transform's test says so).
    """
    graph = load_knowledge_graph(sorted(folder.glob("*.ttl")), with_inference=False)
    names: defaultdict[str, set[str]] = defaultdict(set)
    for predicate in NAMES:
        for quad in graph.embedded_store.quads_for_pattern(None, predicate, None):
            subject, value = quad.subject, quad.object
            if (
                isinstance(subject, ox.NamedNode)
                and subject.value.startswith(str(BJ))
                and isinstance(value, ox.Literal)
            ):
                names[subject.value.removeprefix(str(BJ))].add(value.value)
    return {slug: frozenset(found) for slug, found in names.items()}


def read_organisations(path: Path = MAPPING_FOLDER / "organisations.csv") -> list[OrganisationRow]:
    """Every row of the organisation mapping, checked: slugs, classes, places, one owner per name.

    Rows of one organisation must agree on its class and labels (they differ only in the
    location and its source).
    """
    fields = tuple(OrganisationRow.__dataclass_fields__)[2:]
    columns = tuple("class" if field == "kind" else field for field in fields)
    rows: list[OrganisationRow] = []
    owner: dict[str, str] = {}
    first: dict[str, OrganisationRow] = {}
    for line, cells in read_rows(path, ("epoch_names", *columns)):
        names = tuple(name for name in cells["epoch_names"].split(" | ") if name)
        values = [cells[column].strip() for column in columns]
        row = OrganisationRow(line, names, *values)
        for message in organisation_problems(row):
            raise DataFileError(path, message, line=line)
        for name in names:
            if owner.setdefault(name, row.slug) != row.slug:
                raise DataFileError(path, f"{name!r} is mapped to {owner[name]} already", line=line)
        same = first.setdefault(row.slug, row)
        if (row.kind, row.label_en, row.label_zh) != (same.kind, same.label_en, same.label_zh):
            message = f"{row.slug}: class and labels differ from line {same.line}"
            raise DataFileError(path, message, line=line)
        rows.append(row)
    return rows


def read_cities(path: Path = MAPPING_FOLDER / "cities.csv") -> dict[str, City]:
    """The cities by slug."""
    cities = {}
    for line, cells in read_rows(path, ("slug", "label_en", "label_zh", "country")):
        if not SLUG.match(cells["slug"]):
            raise DataFileError(path, f"slug {cells['slug']!r} is not kebab-case", line=line)
        cities[cells["slug"]] = City(
            cells["slug"], cells["label_en"], cells["label_zh"], cells["country"]
        )
    return cities


def read_hardware_aliases(path: Path = MAPPING_FOLDER / "hardware.csv") -> dict[str, HardwareAlias]:
    """The hardware names mapped to another row's chip, by name."""
    aliases = {}
    for line, cells in read_rows(path, ("name", "slug", "evidence")):
        if not SLUG.match(cells["slug"]) or not cells["evidence"].strip():
            raise DataFileError(path, "an alias needs a kebab-case slug and evidence", line=line)
        aliases[cells["name"]] = HardwareAlias(cells["name"], cells["slug"], cells["evidence"])
    return aliases


def read_chip_families(path: Path = MAPPING_FOLDER / "chip-families.csv") -> list[ChipFamily]:
    """The article's chip families with their designers."""
    return [
        ChipFamily(cells["family"], cells["designer"], cells["evidence"])
        for _, cells in read_rows(path, ("family", "designer", "evidence"))
    ]


def read_headquarters_ranks(
    rows: list[OrganisationRow], path: Path = MAPPING_FOLDER / "headquarters-ranks.csv"
) -> dict[str, HeadquartersRank]:
    """The reviews by organisation slug, checked against the organisation rows ``rows``: one
    review per organisation, of an organisation whose rows place it in two or more places, the
    preferred place one of them, with a reason and an http(s) page."""
    places: dict[str, set[str]] = {}
    for row in rows:
        if row.city:
            places.setdefault(row.slug, set()).add(row.place)
    columns = tuple(HeadquartersRank.__dataclass_fields__)[1:]
    ranks: dict[str, HeadquartersRank] = {}
    for line, cells in read_rows(path, columns):
        rank = HeadquartersRank(line, *(cells[column].strip() for column in columns))
        checks = [
            (rank.slug not in ranks, f"{rank.slug} is reviewed on an earlier line already"),
            (len(places.get(rank.slug, ())) > 1,
             f"{rank.slug} has no disagreeing headquarters rows in organisations.csv"),
            (rank.preferred in places.get(rank.slug, ()),
             f"{rank.preferred!r} is not a place the rows of {rank.slug} give"),
            (bool(rank.reason), "a preferred rank needs its reason"),
            (bool(URL.match(rank.source_url)), "source_url is not an http(s) URL"),
            (bool(DATE.match(rank.seen)), f"seen {rank.seen!r} is not YYYY-MM-DD"),
        ]  # fmt: skip
        for holds, message in checks:
            if not holds:
                raise DataFileError(path, message, line=line)
        ranks[rank.slug] = rank
    return ranks
