"""Epoch AI's tables of AI models and of ML hardware, as the Turtle of ``instances/epoch/``.

Scope (docs/sources.md): every model row developed, alone or jointly, by an organisation the
organisation mapping places in Beijing, with all of its developers; every chip of a designer
placed in China (except CPUs), and every chip an in-scope model was trained on. Each generated
node is derived from the row(s) it comes from (``bjo:SourceRecord``: dataset and row key), so a
researcher can ask which row of which source states a fact.

The transform is a pure function of the two snapshots and the mapping files: the same input
gives the same graphs. Hazard: a row's figures are taken as the table gives them; a cell that is
not a number or not a date is left out, never guessed.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from rdflib import RDF, RDFS, SKOS, XSD, Graph, Literal, URIRef
from rdflib.namespace import CSVW, DCTERMS, PROV

from bjaikg.chinese import CHINESE_CHARACTERS
from bjaikg.namespaces import BJ, BJO
from bjaikg.sources.mapping import (
    ChipFamily,
    City,
    HardwareAlias,
    OrganisationRow,
    read_chip_families,
    read_cities,
    read_handwritten_names,
    read_hardware_aliases,
    read_organisations,
)

MODELS_FILE = "epoch-ai/all-ml-systems.csv"
HARDWARE_FILE = "epoch-ai/ml-hardware.csv"
MODELS_SOURCE = BJ["source-epoch-ai-models"]
HARDWARE_SOURCE = BJ["source-epoch-ai-hardware"]
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
URL = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")
_CHINESE_PART = re.compile(
    rf"[(（][^()（）]*[{CHINESE_CHARACTERS}][^()（）]*[)）]|\S*[{CHINESE_CHARACTERS}]\S*"
)
"""A bracketed group or a word that holds a Chinese character."""

PERFORMANCE_COLUMNS = {
    "FP64 (double precision) performance (FLOP/s)": BJO.peakPerformanceFP64,
    "FP32 (single precision) performance (FLOP/s)": BJO.peakPerformanceFP32,
    "TF32 (TensorFloat-32) performance (FLOP/s)": BJO.peakPerformanceTF32,
    "FP16 (half precision) performance (FLOP/s)": BJO.peakPerformanceFP16,
    "Tensor-FP16/BF16 performance (FLOP/s)": BJO.peakPerformanceTensorFP16,
    "FP8 performance (FLOP/s)": BJO.peakPerformanceFP8,
    "INT8 performance (OP/s)": BJO.peakPerformanceINT8,
    "INT4 performance (OP/s)": BJO.peakPerformanceINT4,
    "FP4 performance (FLOP/s)": BJO.peakPerformanceFP4,
}
CHIP_DECIMAL_COLUMNS = {
    "Memory size per board (Byte)": BJO.memorySize,
    "Memory bandwidth (byte/s)": BJO.memoryBandwidth,
    "TDP (W)": BJO.thermalDesignPower,
    "Process size (nm)": BJO.processNode,
}
CONCEPT_SCHEMES = {
    "domain": ("Domain", BJO.modelDomain, "model domain", "model domains"),
    "task": ("Task", BJO.modelTask, "model task", "model tasks"),
    "accessibility": (
        "Model accessibility",
        BJO.accessibility,
        "model accessibility",
        "model accessibility categories",
    ),
}
"""Columns whose values become concepts: column, property, what one concept is, and what the
scheme's concepts are together (written out: "accessibility" has no plural in "s")."""


@dataclass(frozen=True)
class EpochInput:
    """The two tables (rows as dicts, in file order) and the mapping files."""

    models: list[dict[str, str]]
    hardware: list[dict[str, str]]
    organisations: list[OrganisationRow]
    cities: dict[str, City]
    aliases: dict[str, HardwareAlias]
    families: list[ChipFamily]
    names: dict[str, frozenset[str]] = field(default_factory=dict)
    """The hand-written files' names (labels and alternative labels) by local name: the names an
    organisation of an empty ``class`` already has
    (:func:`~bjaikg.sources.mapping.read_handwritten_names`)."""


@dataclass
class EpochGraphs:
    """The generated graphs by file name, and what the transform decided on the way."""

    graphs: dict[str, Graph] = field(default_factory=dict)
    organisations: set[str] = field(default_factory=set)
    """Slugs of every organisation the generated data names. An unmapped name becomes a
    ``bjo:Organisation`` without headquarters (the query organisations-without-headquarters
    lists it)."""


ROW = "#"
"""The key under which :func:`read_table` gives each row its number (1 = the first data row)."""


def read_table(path: Path) -> list[dict[str, str]]:
    """A CSV table of Epoch AI as rows of stripped strings (its BOM removed), each with its row
    number under :data:`ROW`."""
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return [
            {ROW: str(number)}
            | {key: (value or "").strip() for key, value in row.items() if key is not None}
            for number, row in enumerate(csv.DictReader(stream), start=1)
        ]


def read_input(sources: Path) -> EpochInput:
    """The snapshots in the sources folder ``sources`` and the project's mapping files."""
    return EpochInput(
        models=read_table(sources / MODELS_FILE),
        hardware=read_table(sources / HARDWARE_FILE),
        organisations=read_organisations(),
        cities=read_cities(),
        aliases=read_hardware_aliases(),
        families=read_chip_families(),
        names=read_handwritten_names(),
    )


def cells(value: str) -> list[str]:
    """The items of a cell that holds a comma-separated list (quoted items may hold commas)."""
    if not value.strip():
        return []
    return [item.strip() for item in next(csv.reader(io.StringIO(value))) if item.strip()]


NAME_SEPARATOR = " / "
"""What stands between two names of one organisation in one of the tables' organisation cells
("Beijing Academy of Artificial Intelligence / BAAI")."""


def organisation_names(cell: str) -> list[str]:
    """The names an organisation cell of the tables (one item of ``Organization``, or
    ``Manufacturer``) gives one organisation: split at :data:`NAME_SEPARATOR`. Hazard: a slash
    without spaces around it is taken as part of a name (no organisation cell of either snapshot
    holds one); the whole cell stays the key the organisation mapping is looked up by."""
    return [name.strip() for name in cell.split(NAME_SEPARATOR) if name.strip()]


_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)
_TRAILING_INC = re.compile(r"[\s,]*\binc\.?$", re.IGNORECASE)


def name_key(name: str) -> str:
    """What is left of an organisation's name once case, punctuation, spacing, a leading "The"
    and a trailing "Inc" or "Inc." are ignored: two names with one key spell one name two ways
    ("The Hong Kong Polytechnic University" and "Hong Kong Polytechnic University", "OPPO Health
    Lab" and "OPPO HealthLab", "SambaNova Systems, Inc." and "SambaNova Systems, Inc").
    Hazard: accents and every other word count ("HEC Montreal" is not "HEC Montréal", "Megvii
    Inc" not "Megvii Technology Limited"), and so does a misspelt word: such names stay."""
    bare = _TRAILING_INC.sub("", _LEADING_THE.sub("", name.strip()))
    return "".join(character for character in bare.casefold() if character.isalnum())


def slugify(name: str) -> str:
    """A kebab-case ASCII slug of ``name`` (accents dropped, other characters as separators)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "-".join(re.findall(r"[a-z0-9]+", ascii_name.lower())) or "unnamed"


def english_name(name: str) -> str:
    """A table's name for an ``@en`` label: without the bracketed groups and words that hold
    Chinese characters ("Ascend (昇腾) 910" → "Ascend 910", "Biren 壁仞科技 BR104" → "Biren
    BR104"); the name as it is when nothing else is left. The table's own spelling stays the
    record's key (``bjo:recordKey``)."""
    return " ".join(_CHINESE_PART.sub(" ", name).split()) or name


def table_spelling(name: str) -> Literal:
    """A table's ``name`` as written, for a ``skos:altLabel``: in ``@zh`` when it holds Chinese
    (its :func:`english_name` leaves something out: "Enflame (燧原科技)"), else in ``@en``."""
    return Literal(name, lang="zh" if english_name(name) != name else "en")


def add_names(graph: Graph, node: URIRef, name: str) -> None:
    """Label ``node`` with a table's ``name``: its :func:`english_name` in ``@en`` and, when that
    leaves Chinese out, the table's spelling as a ``skos:altLabel`` in ``@zh``, so that a search
    for the Chinese (昇腾) still finds it."""
    english = english_name(name)
    graph.add((node, RDFS.label, Literal(english, lang="en")))
    if english != name:
        graph.add((node, SKOS.altLabel, table_spelling(name)))


def number(value: str) -> Decimal | None:
    """``value`` (thousands separated by commas or not) as a finite number without trailing
    zeros, or ``None`` if it is none."""
    try:
        parsed = Decimal(value.replace(",", ""))
    except InvalidOperation:
        return None
    return parsed.normalize() if parsed.is_finite() else None


def decimal(value: str) -> Literal | None:
    """``value`` as an xsd:decimal literal in plain notation, or ``None`` if it is no number."""
    parsed = number(value)
    return None if parsed is None else Literal(format(parsed, "f"), datatype=XSD.decimal)


class ExactDouble(Literal):
    """An xsd:double written quoted and typed with the digits it was made from
    (``"8.6490211E+15"^^xsd:double``). Hazard: rdflib's Turtle writers write any other double
    in a short form of seven significant digits, so a table's figure lost digits in the
    generated files (RDFLib/rdflib#1852, #2918); this takes rdflib's own typed form through a
    private method of :class:`~rdflib.term.Literal`; a test reads the digits back from the
    generated Turtle."""

    def _literal_n3(self, use_plain: bool = False, qname_callback: Any = None) -> str:
        return super()._literal_n3(False, qname_callback)


def double(value: str) -> Literal | None:
    """``value`` as an xsd:double literal with every digit of the cell (:class:`ExactDouble`),
    or ``None`` if it is no number."""
    parsed = number(value)
    if parsed is None:
        return None
    return ExactDouble(str(parsed), datatype=XSD.double, normalize=False)


def unique_slugs(keys: Iterable[str]) -> list[str]:
    """One slug per key, in order; a slug taken already gets ``-2``, ``-3`` …"""
    taken: dict[str, int] = defaultdict(int)
    slugs = []
    for key in keys:
        base = slugify(key)
        taken[base] += 1
        slugs.append(base if taken[base] == 1 else f"{base}-{taken[base]}")
    return slugs


class Transform:
    """One run of the transform; :meth:`run` returns the graphs."""

    def __init__(self, data: EpochInput) -> None:
        self.data = data
        self.result = EpochGraphs()
        self.organisation_of: dict[str, OrganisationRow] = {}
        for row in data.organisations:
            for name in row.names:
                self.organisation_of[name] = row
        self.rows_of: dict[str, list[OrganisationRow]] = defaultdict(list)
        for row in data.organisations:
            self.rows_of[row.slug].append(row)
        self.spellings: dict[URIRef, dict[str, list[URIRef]]] = defaultdict(dict)
        """The names the tables' cells give each organisation, in row order, with the rows."""
        self.named: dict[URIRef, frozenset[str]] = {}
        """The names each organisation has besides the tables' cells, as written."""

    def graph(self, name: str) -> Graph:
        """The generated graph of file ``name`` (made on first use)."""
        return self.result.graphs.setdefault(name, Graph())

    def record(self, dataset: URIRef, kind: str, slug: str, key: str, row: str) -> URIRef:
        """The source record of a row: ``bj:epoch-ai-<kind>-record-<slug>``, with its key and
        its number in the snapshot (``row``, :data:`ROW`) as ``csvw:rownum``, both named in its
        label too."""
        node = BJ[f"epoch-ai-{kind}-record-{slug}"]
        records = self.graph("records.ttl")
        records.add((node, RDF.type, BJO.SourceRecord))
        label = f"Epoch AI {kind} table, row {row} ({english_name(key)})"
        records.add((node, RDFS.label, Literal(label, lang="en")))
        records.add((node, DCTERMS.isPartOf, dataset))
        records.add((node, BJO.recordKey, Literal(key)))
        records.add((node, CSVW.rownum, Literal(int(row))))
        return node

    def organisation(self, name: str, record: URIRef) -> URIRef:
        """Our IRI for an organisation name of the tables; new organisations are declared.

        An organisation of the hand-written files keeps their type and names
        (:attr:`EpochInput.names`); the names of the cell (:func:`organisation_names`: a cell
        may name it two ways) are kept with the row for :meth:`add_organisation_names`."""
        mapped = self.organisation_of.get(name)
        if mapped is None:
            slug, kind, label_en, label_zh = slugify(name), "Organisation", english_name(name), ""
        else:
            slug, kind, label_en, label_zh = (
                mapped.slug, mapped.kind, mapped.label_en, mapped.label_zh,
            )  # fmt: skip
        node = BJ[slug]
        self.result.organisations.add(slug)
        organisations = self.graph("organisations.ttl")
        named = self.data.names.get(slug, frozenset())
        if kind:  # an organisation of the hand-written files keeps their type and labels
            organisations.add((node, RDF.type, BJO[kind]))
            organisations.add((node, RDFS.label, Literal(label_en, lang="en")))
            if label_zh:
                organisations.add((node, RDFS.label, Literal(label_zh, lang="zh")))
            organisations.add((node, PROV.wasDerivedFrom, record))
            named = frozenset({label_en, label_zh} - {""})
        self.named[node] = named
        for spelling in organisation_names(name):
            self.spellings[node].setdefault(spelling, []).append(record)
        return node

    def add_organisation_names(self) -> None:
        """The tables' names for each organisation as alternative labels, each derived from the
        rows that give it: so a search finds the organisation by Epoch AI's spelling ("Zhipu
        AI" for the article's Zhipu).

        A name that spells one the organisation has already (:func:`name_key`: a label, or a
        name of the hand-written files) is none, and its rows are not cited for it: that name
        has its own source (a row cited for an organisation the transform declares is cited as
        the source of its type and labels anyway). Of table names that spell one name two ways,
        the first met (the models table's rows, in order, before the hardware table's) is kept,
        derived from the rows of both: they state it, spelt otherwise. A spelling that is no
        name of its own so, but is not written exactly as a name is ("OPPO HealthLab" for "OPPO
        Health Lab"), is a ``skos:hiddenLabel`` derived from its rows: searched, not shown.
        Hazard: a misspelt name in a cell is kept as written."""
        organisations = self.graph("organisations.ttl")
        for node, spellings in self.spellings.items():
            named = self.named[node]
            keys = {name_key(known) for known in named}
            kept: dict[str, str] = {}
            for spelling, records in spellings.items():
                if spelling in named:  # the name itself: it has its own source
                    continue
                key = name_key(spelling)
                if key in keys:
                    name = ""
                else:
                    name = kept.setdefault(key, spelling)
                    organisations.add((node, SKOS.altLabel, table_spelling(name)))
                if name != spelling:
                    organisations.add((node, SKOS.hiddenLabel, table_spelling(spelling)))
                for record in records:
                    organisations.add((node, PROV.wasDerivedFrom, record))

    def in_beijing(self, name: str) -> bool:
        """Whether the mapping places the organisation called ``name`` in Beijing."""
        mapped = self.organisation_of.get(name)
        return mapped is not None and any(r.city == "beijing" for r in self.rows_of[mapped.slug])

    def in_china(self, name: str) -> bool:
        """Whether the mapping places the organisation called ``name`` in a city of China."""
        mapped = self.organisation_of.get(name)
        if mapped is None:
            return False
        cities = self.data.cities
        return any(
            r.city in cities and cities[r.city].country == "CN" for r in self.rows_of[mapped.slug]
        )

    def concept(self, scheme_key: str, value: str) -> URIRef:
        """The concept of one of the source's vocabularies (domain, task, accessibility)."""
        _, _, kind, kinds = CONCEPT_SCHEMES[scheme_key]
        scheme = BJ[f"epoch-ai-{scheme_key}-scheme"]
        node = BJ[f"epoch-ai-{scheme_key}-{slugify(value)}"]
        concepts = self.graph("concepts.ttl")
        concepts.add((scheme, RDF.type, SKOS.ConceptScheme))
        concepts.add((scheme, RDFS.label, Literal(f"Epoch AI {kinds}", lang="en")))
        concepts.add((scheme, PROV.wasDerivedFrom, MODELS_SOURCE))
        concepts.add((node, RDF.type, SKOS.Concept))
        concepts.add((node, SKOS.inScheme, scheme))
        concepts.add((node, SKOS.prefLabel, Literal(value, lang="en")))
        concepts.add((node, RDFS.label, Literal(f"{value} ({kind})", lang="en")))
        concepts.add((node, PROV.wasDerivedFrom, MODELS_SOURCE))
        return node

    def run(self) -> EpochGraphs:
        """Models first (they decide which chips are used), then chips, the names the tables give
        their organisations, and chip families."""
        used_hardware = self.add_models()
        self.add_chips(used_hardware)
        self.add_organisation_names()
        self.add_chip_families()
        return self.result

    def add_models(self) -> set[str]:
        """The in-scope model rows; returns the hardware names they were trained on."""
        in_scope = [
            row for row in self.data.models
            if any(self.in_beijing(name) for name in cells(row["Organization"]))
        ]  # fmt: skip
        slugs = unique_slugs(row["Model"] for row in in_scope)
        slug_of_name = {row["Model"]: slug for row, slug in zip(in_scope, slugs, strict=True)}
        used_hardware: set[str] = set()
        models = self.graph("models.ttl")
        for row, slug in zip(in_scope, slugs, strict=True):
            record = self.record(MODELS_SOURCE, "models", slug, row["Model"], row[ROW])
            node = BJ[slug]
            models.add((node, RDF.type, BJO.AIModel))
            add_names(models, node, row["Model"])
            models.add((node, PROV.wasDerivedFrom, record))
            for name in cells(row["Organization"]):
                models.add((node, BJO.developedBy, self.organisation(name, record)))
            if DATE.match(row["Publication date"]):
                date = Literal(row["Publication date"], datatype=XSD.date)
                models.add((node, BJO.publicationDate, date))
            for scheme_key, (column, predicate, _, _) in CONCEPT_SCHEMES.items():
                for value in cells(row[column]) if scheme_key != "accessibility" else [row[column]]:
                    if value:
                        models.add((node, predicate, self.concept(scheme_key, value)))
            for column, predicate, convert in (
                ("Parameters", BJO.parameterCount, decimal),
                ("Training compute (FLOP)", BJO.trainingCompute, double),
                ("Hardware quantity", BJO.trainingHardwareQuantity, decimal),
            ):
                literal = convert(row[column])
                if literal is not None:
                    models.add((node, predicate, literal))
            for hardware in cells(row["Training hardware"]):
                used_hardware.add(hardware)
                models.add((node, BJO.trainedOn, BJ[self.chip_slug(hardware)]))
            base = row.get("Base model", "")
            if base in slug_of_name:
                models.add((node, BJO.baseModel, BJ[slug_of_name[base]]))
            link = row["Link"].split()[0] if row["Link"] else ""
            if URL.match(link):
                models.add((node, RDFS.seeAlso, URIRef(link)))
        return used_hardware

    def chip_slug(self, name: str) -> str:
        """The chip IRI slug of a hardware name: its alias, else the slug of the name."""
        alias = self.data.aliases.get(name)
        return alias.slug if alias else slugify(name)

    def add_chips(self, used_hardware: set[str]) -> None:
        """Chinese designers' accelerators and every chip an in-scope model was trained on."""
        chips = self.graph("chips.ttl")
        in_scope = [
            row for row in self.data.hardware
            if row["Hardware name"] in used_hardware
            or (self.in_china(row["Manufacturer"]) and "CPU" not in row["Hardware name"]
                and "CPU" not in row["Type"])
        ]  # fmt: skip
        record_slugs = unique_slugs(self.chip_slug(row["Hardware name"]) for row in in_scope)
        for row, record_slug in zip(in_scope, record_slugs, strict=True):
            slug = self.chip_slug(row["Hardware name"])
            key = row["Hardware name"]
            record = self.record(HARDWARE_SOURCE, "hardware", record_slug, key, row[ROW])
            node = BJ[slug]
            chips.add((node, RDF.type, BJO.AIChip))
            if not any(chips.objects(node, RDFS.label)):
                add_names(chips, node, row["Hardware name"])
            chips.add((node, PROV.wasDerivedFrom, record))
            if row["Manufacturer"]:
                chips.add((node, BJO.designedBy, self.organisation(row["Manufacturer"], record)))
            if DATE.match(row["Release date"]):
                chips.add((node, BJO.releaseDate, Literal(row["Release date"], datatype=XSD.date)))
            if row["Type"]:
                chips.add((node, BJO.hardwareType, Literal(row["Type"])))
            if row["Foundry"]:
                chips.add((node, BJO.foundry, Literal(row["Foundry"])))
            for column, predicate in PERFORMANCE_COLUMNS.items():
                literal = double(row.get(column, ""))
                if literal is not None and float(literal) > 0:
                    chips.add((node, predicate, literal))
            for column, predicate in CHIP_DECIMAL_COLUMNS.items():
                literal = decimal(row.get(column, ""))
                if literal is not None and Decimal(str(literal)) > 0:
                    chips.add((node, predicate, literal))

    def add_chip_families(self) -> None:
        """The article's chip families gather the chips the table gives their designer."""
        chips = self.graph("chips.ttl")
        families = self.graph("chip-families.ttl")
        for family in self.data.families:
            for chip in chips.subjects(BJO.designedBy, BJ[family.designer]):
                families.add((BJ[family.family], BJO.familyMember, chip))
                for record in chips.objects(chip, PROV.wasDerivedFrom):
                    families.add((BJ[family.family], PROV.wasDerivedFrom, record))


def transform(data: EpochInput) -> EpochGraphs:
    """The generated graphs of ``instances/epoch/`` for ``data``."""
    return Transform(data).run()
