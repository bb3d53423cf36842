"""Synthetic graphs shaped like the project's instances, for benchmarks (never for tests' truth).

``python bench/synthetic.py --triples 100000 --output /tmp/synthetic-1e5.ttl`` writes a Turtle
file of about that many triples: programmes including innovation districts, districts gathering
companies, products developed by and chips designed by companies, every entity with
``@zh``/``@en`` labels and provenance (source document, quote, paragraph), plus observations with
value, unit and period. The vocabulary is the project's own (``bjo:``), read from
:data:`SHAPE`; the output is deterministic for a given size (seeded), so runs compare.
"""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bjaikg.namespaces import PREFIXES


@dataclass(frozen=True)
class EntityKind:
    """One class of the backbone and the property that links it to entities of another kind."""

    class_name: str
    slug: str
    label_zh: str
    label_en: str
    link_property: str | None
    link_target: str | None
    extra: tuple[str, ...] = ()


SHAPE = (
    EntityKind("AdministrativeDistrict", "area", "区", "Area", None, None),
    EntityKind(
        "Programme",
        "policy",
        "计划",
        "Programme",
        "bjo:includesDistrict",
        "district",
        ("bjo:jurisdiction bj:area-0",),
    ),
    EntityKind(
        "InnovationDistrict",
        "district",
        "街区",
        "District",
        "bjo:gathers",
        "company",
        ("bjo:hostDistrict bj:area-{number}", 'bjo:positioning "定位{number}"@zh'),
    ),
    EntityKind("Company", "company", "公司", "Company", "bjo:locatedIn", "area"),
    EntityKind(
        "AIApplication",
        "product",
        "产品",
        "Product",
        "bjo:developedBy",
        "company",
        ("bjo:applicationDomain bjo:Healthcare",),
    ),
    EntityKind(
        "AIChip",
        "chip",
        "芯片",
        "Chip",
        "bjo:designedBy",
        "company",
        ("bjo:supports bjo:LargeModels",),
    ),
)
"""The backbone: programme → district → company ← product, chip; each links to a few others."""

TRIPLES_PER_ENTITY = 10
"""type, two labels, altLabel, derivedFrom, quote, paragraph, ~2 links, ~1 extra property."""

SOURCE = "bj:synthetic-source"


def provenance(number: int) -> list[str]:
    """The provenance lines every entity and observation carries (D3)."""
    return [
        f"    prov:wasDerivedFrom {SOURCE} ;",
        f'    bjo:quote "合成数据句子{number}。"@zh ;',
        f"    bjo:paragraph {number % 40 + 1} .",
    ]


def entity_lines(kind: EntityKind, number: int, targets: list[int]) -> list[str]:
    """The Turtle block of entity ``number`` of ``kind``, linking to entities ``targets``."""
    lines = [
        f"bj:{kind.slug}-{number} a bjo:{kind.class_name} ;",
        f'    rdfs:label "{kind.label_zh}{number}"@zh, "{kind.label_en} {number}"@en ;',
        f'    skos:altLabel "{kind.label_en[:3].upper()}{number}"@en ;',
    ]
    if kind.link_property is not None and targets:
        objects = ", ".join(f"bj:{kind.link_target}-{target}" for target in targets)
        lines.append(f"    {kind.link_property} {objects} ;")
    lines += [f"    {extra.format(number=number)} ;" for extra in kind.extra]
    return lines + provenance(number)


def observation_lines(number: int) -> list[str]:
    """An observation of a company with value, unit, period and qualifier, sourced."""
    return [
        f"bj:observation-{number} a bjo:Observation ;",
        f'    rdfs:label "观测{number}"@zh, "Observation {number}"@en ;',
        "    bjo:indicator bjo:AICompanyCount ;",
        f"    bjo:observationAbout bj:company-{number} ;",
        f'    bjo:statedFigure "{number}家"@zh ;',
        f'    bjo:statedValue "{number}"^^xsd:decimal ;',
        f'    bjo:normalisedValue "{number}"^^xsd:decimal ;',
        "    sdmx-attribute:unitMeasure unit:NUM ;",
        f'    bjo:period "{2000 + number % 26}"^^xsd:gYear ;',
        "    bjo:qualifier bjo:MoreThan ;",
        *provenance(number),
    ]


def generate(triples: int, *, seed: int = 20260105) -> str:
    """Turtle text of roughly ``triples`` triples (within a few percent), deterministic per seed."""
    generator = random.Random(seed)
    count = max(1, triples // (TRIPLES_PER_ENTITY * len(SHAPE) + 14))
    used = ("bj", "bjo", "rdfs", "skos", "prov", "xsd", "unit", "sdmx-attribute")
    blocks = ["".join(f"@prefix {name}: <{PREFIXES[name]}> .\n" for name in used)]
    blocks.append(
        f'{SOURCE} a bjo:SourceDocument ;\n    rdfs:label "合成来源"@zh, "Synthetic source"@en ;\n'
        '    bjo:sourceFile "synthetic.txt" ;\n' + "\n".join(provenance(0))
    )
    for kind in SHAPE:
        for number in range(count):
            targets = sorted(generator.sample(range(count), min(2, count)))
            blocks.append("\n".join(entity_lines(kind, number, targets)))
    blocks += ["\n".join(observation_lines(number)) for number in range(count)]
    return "\n\n".join(blocks) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write a synthetic graph of ``--triples`` triples to ``--output``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=float, required=True, help="about how many (1e5 ok)")
    parser.add_argument("--output", type=Path, required=True, help="Turtle file to write")
    parser.add_argument("--seed", type=int, default=20260105)
    arguments = parser.parse_args(argv)
    arguments.output.write_text(generate(int(arguments.triples), seed=arguments.seed), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
