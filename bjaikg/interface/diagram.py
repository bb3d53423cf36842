"""Small SVG pictures drawn on the server: a resource's neighbourhood along the backbone chain
(policy → place → organisation → product → chip) and the ontology's class hierarchy.

The layout is deterministic (columns by chain stage or by depth, rows in label order), so a page
renders the same picture on every request and the SVG can be compared in tests. Labels are
escaped; every node is a link; the picture has a ``<title>`` and ``<desc>`` for screen readers.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

import pyoxigraph as ox

from bjaikg.chinese import CHINESE_RUN
from bjaikg.interface.labels import LabelIndex, local_address
from bjaikg.namespaces import BJO, PREFIXES
from bjaikg.store import KnowledgeGraph

CHAIN_STAGES = (
    ((str(BJO.Policy),), {"en": "Policy", "zh": "政策"}),
    ((str(BJO.Place),), {"en": "Place", "zh": "地点"}),
    ((str(BJO.Organisation),), {"en": "Organisation", "zh": "机构"}),
    ((str(BJO.Product),), {"en": "Product", "zh": "产品"}),
    ((str(BJO.AIChip), str(BJO.ChipFamily)), {"en": "Chip", "zh": "芯片"}),
)
"""The backbone's stages: the classes of which an entity must have one (asserted or inferred)
to stand in the stage, and the stage's name. A chip family (a designer's chips, as a source
names them together) is a chip here: it is what bjo:supportsChip reaches where a source names
no single chip, and as a mere product (its place in the class tree) it was left out of a
product's picture. On a family's own page its member chips are therefore not drawn (one stage);
the page's table lists them."""

MAX_PER_COLUMN = 6
"""At most this many entities are drawn per stage; the rest are left out of the picture (and
counted, so that the page can say so)."""
NEIGHBOUR_LIMIT = 100
"""At most this many neighbours of an entity are read in each direction (the first the store
finds), so a picture costs the same whatever the entity's degree."""

BOX_WIDTH, BOX_HEIGHT, COLUMN_GAP, ROW_GAP, MARGIN = 168, 34, 44, 14, 12
MAX_LABEL_UNITS = 22
"""A box shows this many 'units' of label (a CJK character counts two)."""


SUBCLASS_OF = PREFIXES["rdfs"] + "subClassOf"


@dataclass(frozen=True)
class Box:
    """A node of a picture: where it is drawn, its label and its link."""

    key: str
    label: str
    address: str
    column: int
    row: int
    highlighted: bool = False


@dataclass(frozen=True)
class Line:
    """An edge of a picture between two boxes (by key), with a hover title."""

    start: str
    end: str
    title: str
    dashed: bool = False


def stage_of(index: LabelIndex, iri: str) -> int | None:
    """The chain stage of ``iri`` (the latest that fits: a chip or a chip family is a product,
    but drawn as a chip)."""
    types = index.types.get(iri, [])
    stage = None
    for number, (classes, _) in enumerate(CHAIN_STAGES):
        if any(class_iri in types for class_iri in classes):
            stage = number
    return stage


def neighbours(graph: KnowledgeGraph, iris: list[str]) -> dict[str, list[tuple[str, str]]]:
    """For each of ``iris``: (IRI, property IRI) of the IRIs linked to it in either direction,
    at most :data:`NEIGHBOUR_LIMIT` each way, sorted. One query for all of them (over an
    external store each query is a round trip), a LIMITed sub-select per IRI and direction."""
    parts = []
    for iri in iris:
        node = ox.NamedNode(iri)
        for pattern in (f"{node} ?property ?other", f"?other ?property {node}"):
            parts.append(
                f"{{ SELECT DISTINCT ?node ?other ?property WHERE {{ {pattern} "
                f"FILTER(isIRI(?other) && ?other != {node}) BIND({node} AS ?node) }} "
                f"LIMIT {NEIGHBOUR_LIMIT} }}"
            )
    result = graph.query(
        f"SELECT DISTINCT ?node ?other ?property WHERE {{ {' UNION '.join(parts)} }} "
        "ORDER BY ?other ?property"
    )
    assert isinstance(result, ox.QuerySolutions)
    found: dict[str, list[tuple[str, str]]] = {iri: [] for iri in iris}
    for row in result:
        found[row["node"].value].append((row["other"].value, row["property"].value))
    return found


def chain_neighbourhood(
    graph: KnowledgeGraph, index: LabelIndex, iri: str, language: str
) -> tuple[list[Box], list[Line], dict[int, int]]:
    """The boxes and lines of ``iri``'s neighbourhood along the chain, and for each stage
    that had more than :data:`MAX_PER_COLUMN` entities the number reached (drawn and left
    out; the walk does not go on from those left out).

    From the resource the walk goes left (towards policies) through entities of ever earlier
    stages and right (towards chips) through ever later ones, so a chip's picture shows its
    designer, the district that gathers the designer and the policy that names the district.
    """
    start = stage_of(index, iri)
    columns: dict[int, list[str]] = {}
    left_out: dict[int, set[str]] = {}
    lines: list[Line] = []
    if start is None:
        return [], [], {}
    columns[start] = [iri]
    level = [(iri, start, -1), (iri, start, 1)]
    while level:  # breadth first: a level's neighbours in one query, taken in the level's order
        linked = neighbours(graph, list(dict.fromkeys(node for node, _, _ in level)))
        frontier, level = level, []
        for node, stage, direction in frontier:
            for other, property_iri in linked[node]:
                other_stage = stage_of(index, other)
                if other_stage is None or (other_stage - stage) * direction <= 0:
                    continue
                column = columns.setdefault(other_stage, [])
                if other not in column:
                    if len(column) >= MAX_PER_COLUMN:
                        left_out.setdefault(other_stage, set()).add(other)
                        continue
                    column.append(other)
                    level.append((other, other_stage, direction))
                pair = (node, other) if direction > 0 else (other, node)
                title = index.label(property_iri, language)
                if not any((line.start, line.end) == pair for line in lines):
                    lines.append(Line(pair[0], pair[1], title))
    boxes = [
        Box(
            key=member,
            label=index.label(member, language),
            address=local_address(member) or member,
            column=stage,
            row=row,
            highlighted=member == iri,
        )
        for stage, members in sorted(columns.items())
        for row, member in enumerate(members)
    ]
    reached = {stage: len(columns[stage]) + len(others) for stage, others in left_out.items()}
    return boxes, lines, reached


def class_tree(
    index: LabelIndex, parents: dict[str, list[str]], language: str
) -> tuple[list[Box], list[Line]]:
    """The boxes and lines of a class hierarchy: ``parents`` maps each class to its
    superclasses (within the drawn set). Each class is placed once, under its first parent
    (columns by depth, rows in depth-first label order); other parents get dashed lines."""
    children: dict[str, list[str]] = {}
    for child, its_parents in parents.items():
        for parent in its_parents[:1]:
            children.setdefault(parent, []).append(child)
    for members in children.values():
        members.sort(key=lambda iri: index.label(iri, language).lower())
    roots = sorted(
        (iri for iri, its_parents in parents.items() if not its_parents),
        key=lambda iri: index.label(iri, language).lower(),
    )
    boxes: list[Box] = []

    def place(iri: str, depth: int) -> None:
        boxes.append(
            Box(iri, index.label(iri, language), local_address(iri) or iri, depth, len(boxes))
        )
        for child in children.get(iri, []):
            place(child, depth + 1)

    for root in roots:
        place(root, 0)
    subclass_of = index.label(SUBCLASS_OF, language)
    lines = [
        Line(child, parent, subclass_of, dashed=position > 0)
        for child, its_parents in sorted(parents.items())
        for position, parent in enumerate(its_parents)
    ]
    return boxes, lines


def svg_text(text: str) -> str:
    """``text`` escaped for an SVG ``<text>``, each run of Chinese in ``<tspan lang="zh">``."""
    return CHINESE_RUN.sub(lambda run: f'<tspan lang="zh">{run.group(0)}</tspan>', escape(text))


def svg_language(text: str) -> str:
    """``lang="zh"`` for an SVG ``<title>`` that holds Chinese (a title cannot mark its parts:
    a mixed name such as "Ascend (昇腾) 310" is marked Chinese as a whole), else nothing."""
    return ' lang="zh"' if CHINESE_RUN.search(text) else ""


def shorten_label(label: str) -> str:
    """``label`` cut to :data:`MAX_LABEL_UNITS` display units, with an ellipsis when cut."""
    units = 0
    for position, character in enumerate(label):
        units += 2 if ord(character) > 0x2E80 else 1
        if units > MAX_LABEL_UNITS:
            return label[:position] + "…"
    return label


def render_svg(
    boxes: list[Box], lines: list[Line], title: str, description: str, headers: list[str]
) -> str:
    """The SVG markup for ``boxes`` and ``lines``; ``headers`` name the columns (may be empty).

    Lines run between the facing edges of their boxes (right to left edge, or left to right
    edge when the end box sits in a column to the left), or from the left parts of the boxes
    when both sit in one column.
    """
    top = MARGIN + (24 if headers else 0)
    columns = max([box.column for box in boxes] + [len(headers) - 1, 0]) + 1
    rows = max([box.row for box in boxes] + [0]) + 1
    width = 2 * MARGIN + columns * BOX_WIDTH + (columns - 1) * COLUMN_GAP
    height = top + rows * (BOX_HEIGHT + ROW_GAP) + MARGIN
    where = {
        box.key: (
            MARGIN + box.column * (BOX_WIDTH + COLUMN_GAP),
            top + box.row * (BOX_HEIGHT + ROW_GAP),
        )
        for box in boxes
    }
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="diagram" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="diagram-title diagram-desc">',
        f'<title id="diagram-title"{svg_language(title)}>{escape(title)}</title>',
        f'<desc id="diagram-desc">{escape(description)}</desc>',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" '
        'fill="#7a8699"/></marker></defs>',
    ]
    for number, header in enumerate(headers):
        x = MARGIN + number * (BOX_WIDTH + COLUMN_GAP) + BOX_WIDTH / 2
        parts.append(
            f'<text class="column-header" x="{x:.0f}" y="{MARGIN + 12}" '
            f'text-anchor="middle">{escape(header)}</text>'
        )
    for line in lines:
        if line.start not in where or line.end not in where:
            continue
        (x1, y1), (x2, y2) = where[line.start], where[line.end]
        if x1 == x2:
            start_x = end_x = x1 + 12
        elif x1 < x2:
            start_x, end_x = x1 + BOX_WIDTH, x2
        else:  # leftwards (a subclass to its class): from the left edge to the right edge
            start_x, end_x = x1, x2 + BOX_WIDTH
        dash = ' stroke-dasharray="4 3"' if line.dashed else ""
        parts.append(
            f'<path class="edge" d="M {start_x} {y1 + BOX_HEIGHT / 2:.0f} '
            f"C {(start_x + end_x) / 2:.0f} {y1 + BOX_HEIGHT / 2:.0f} "
            f"{(start_x + end_x) / 2:.0f} {y2 + BOX_HEIGHT / 2:.0f} "
            f'{end_x} {y2 + BOX_HEIGHT / 2:.0f}" fill="none" stroke="#7a8699"{dash} '
            f'marker-end="url(#arrow)"><title{svg_language(line.title)}>{escape(line.title)}</title></path>'
        )
    for box in boxes:
        x, y = where[box.key]
        css = "node current" if box.highlighted else "node"
        parts.append(
            f'<a href="{escape(box.address)}" class="{css}">'
            f'<rect x="{x}" y="{y}" width="{BOX_WIDTH}" height="{BOX_HEIGHT}" rx="6"/>'
            f'<text x="{x + BOX_WIDTH / 2:.0f}" y="{y + BOX_HEIGHT / 2 + 5:.0f}" '
            f'text-anchor="middle">{svg_text(shorten_label(box.label))}</text>'
            f"<title{svg_language(box.label)}>{escape(box.label)}</title></a>"
        )
    parts.append("</svg>")
    return "".join(parts)
