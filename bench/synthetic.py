"""Synthetic graphs shaped like the project's instances, for benchmarks (never for tests' truth).

``python bench/synthetic.py --triples 100000 --output /tmp/synthetic-1e5.ttl`` writes a Turtle
file of about that many triples: policies designating innovation districts, districts gathering
institutions, institutions developing products, products running on chips, every entity with
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
    """One class of the backbone and the property that links it to the next kind."""

    class_name: str
    slug: str
    label_zh: str
    label_en: str
    link_property: str | None


SHAPE = (
    EntityKind("ActionPlan", "policy", "政策", "Policy", "bjo:designates"),
    EntityKind("InnovationDistrict", "district", "街区", "District", "bjo:gathers"),
    EntityKind("Company", "institution", "机构", "Institution", "bjo:develops"),
    EntityKind("AIApplication", "product", "产品", "Product", "bjo:runsOn"),
    EntityKind("AIChip", "chip", "芯片", "Chip", None),
)
"""The backbone, in chain order; each kind links to a few entities of the next one."""

TRIPLES_PER_ENTITY = 9
"""type, two labels, altLabel, derivedFrom, quote, paragraph, one link, ~1 observation share."""


def entity_lines(kind: EntityKind, number: int, fan_out: list[int]) -> list[str]:
    """The Turtle block of entity ``number`` of ``kind`` linking to ``fan_out`` of the next kind."""
    subject = f"bj:{kind.slug}-{number}"
    lines = [
        f"{subject} a bjo:{kind.class_name} ;",
        f'    rdfs:label "{kind.label_zh}{number}"@zh, "{kind.label_en} {number}"@en ;',
        f'    skos:altLabel "{kind.label_en[:3].upper()}{number}"@en ;',
        "    prov:wasDerivedFrom bj:synthetic-source ;",
        f'    bjo:quote "合成数据句子{number}。"@zh ;',
        f"    bjo:paragraph {number % 40 + 1}",
    ]
    index = SHAPE.index(kind)
    if kind.link_property is not None and fan_out:
        targets = ", ".join(f"bj:{SHAPE[index + 1].slug}-{target}" for target in fan_out)
        lines[-1] += " ;"
        lines.append(f"    {kind.link_property} {targets}")
    lines[-1] += " ."
    return lines


def observation_lines(number: int, about: str) -> list[str]:
    """An observation node with value, unit, period and qualifier, sourced like an entity."""
    return [
        f"bj:observation-{number} a bjo:Observation ;",
        f"    bjo:observedEntity {about} ;",
        f'    bjo:value "{number * 1.5:.1f}"^^xsd:decimal ;',
        "    bjo:unit unit:NUM ;",
        f'    bjo:period "{2000 + number % 26}"^^xsd:gYear ;',
        "    prov:wasDerivedFrom bj:synthetic-source ;",
        f'    bjo:quote "合成数据句子{number}。"@zh ;',
        f"    bjo:paragraph {number % 40 + 1} .",
    ]


def generate(triples: int, *, seed: int = 20260105) -> str:
    """Turtle text of roughly ``triples`` triples (within a few percent), deterministic per seed."""
    generator = random.Random(seed)
    entities_per_kind = max(1, triples // (TRIPLES_PER_ENTITY * len(SHAPE) + 8))
    used = ("bj", "bjo", "rdfs", "skos", "prov", "xsd", "unit")
    blocks = ["".join(f"@prefix {name}: <{PREFIXES[name]}> .\n" for name in used)]
    blocks.append(
        'bj:synthetic-source a bjo:SourceDocument ; rdfs:label "合成来源"@zh, '
        '"Synthetic source"@en .'
    )
    for kind in SHAPE:
        for number in range(entities_per_kind):
            fan_out = sorted(generator.sample(range(entities_per_kind), min(2, entities_per_kind)))
            blocks.append("\n".join(entity_lines(kind, number, fan_out)))
    for number in range(entities_per_kind):
        about = f"bj:{SHAPE[number % len(SHAPE)].slug}-{number}"
        blocks.append("\n".join(observation_lines(number, about)))
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
