"""How much of the graph is linked to external graphs, and ``docs/links.md`` generated from it.

:func:`measure_coverage` reads the loaded graph (links from ``instances/links.ttl`` and the
entities from the other instance files) and :func:`render_coverage` writes the Markdown page;
the page is committed and a test checks it equals what the data gives now (no timestamps,
stable order: docs/architecture.md#determinism).

Hazard: an entity's *type* here is its most specific asserted ``bjo:`` class; an entity with two
unrelated classes is counted once under each in the per-type table (the totals count it once).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from bjaikg.linking.targets import LINKABLE_CLASSES, TARGETS, LinkTarget
from bjaikg.markdown import markdown_table
from bjaikg.namespaces import BJ, BJO, PREFIXES, shorten, sparql_prologue
from bjaikg.store import INFERRED_GRAPH, KnowledgeGraph

_ENTITIES = """
SELECT DISTINCT ?entity ?type WHERE {
  VALUES ?root { %(roots)s }
  ?entity a ?root .
  FILTER(STRSTARTS(STR(?entity), "%(bj)s"))
  GRAPH ?graph { ?entity a ?type }
  FILTER(?graph != <%(inferred)s> && STRSTARTS(STR(?type), "%(bjo)s"))
  FILTER NOT EXISTS {
    GRAPH ?other_graph { ?entity a ?narrower }
    FILTER(?other_graph != <%(inferred)s> && ?narrower != ?type)
    ?narrower rdfs:subClassOf+ ?type .
  }
}
"""

_LINKS = """
SELECT DISTINCT ?entity ?predicate ?value WHERE {
  VALUES ?predicate { %(predicates)s }
  ?entity ?predicate ?value .
  FILTER(STRSTARTS(STR(?entity), "%(bj)s"))
  FILTER NOT EXISTS { ?entity a/rdfs:subClassOf* bjo:Source }  # a page's URL is not a link
  FILTER NOT EXISTS { ?entity owl:deprecated true }  # nor is what a retired IRI kept
}
"""

_NAMES = """
SELECT ?thing ?predicate ?name ?language WHERE {
  VALUES ?thing { %(things)s }
  VALUES ?predicate { rdfs:label skos:altLabel }
  ?thing ?predicate ?name .
  BIND(LANG(?name) AS ?language)
  FILTER(?language = "zh" || ?language = "en")
}
"""
_RDFS_LABEL = PREFIXES["rdfs"] + "label"

_SEARCH_NOTES = """
SELECT ?thing ?note ?group WHERE {
  VALUES ?thing { %(things)s }
  { ?thing skos:editorialNote ?note }
  UNION
  { ?group skos:member ?thing ; skos:editorialNote ?note }
  FILTER(LANG(?note) = "en")
}
"""


@dataclass(frozen=True)
class LinkedEntity:
    """An entity of a linkable class with its labels and the identifiers it has, per target."""

    iri: str
    types: tuple[str, ...]
    label_zh: str = ""
    label_en: str = ""
    identifiers: dict[str, tuple[str, ...]] = field(default_factory=dict)
    names: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Every ``rdfs:label`` and ``skos:altLabel`` per language (``zh``, ``en``), sorted."""
    searched: tuple[str, ...] = ()
    """Its English ``skos:editorialNote``s (instances/links.ttl): what was searched, sorted, then
    those of each ``skos:Collection`` it is a ``skos:member`` of (a search stated once for a
    group of entities), sorted."""

    @property
    def is_linked(self) -> bool:
        """Whether it has at least one identifier of any target."""
        return any(self.identifiers.values())

    def label(self) -> str:
        """``中文 / English`` as far as the labels exist."""
        return " / ".join(text for text in (self.label_zh, self.label_en) if text)


@dataclass
class LinkCoverage:
    """Every linkable entity with its identifiers, and the labels of the types they have."""

    entities: list[LinkedEntity]
    type_labels: dict[str, str]

    def count(self, entities: list[LinkedEntity], target: LinkTarget | None = None) -> int:
        """How many of ``entities`` have an identifier of ``target`` (of any target if None)."""
        if target is None:
            return sum(entity.is_linked for entity in entities)
        return sum(bool(entity.identifiers.get(target.key)) for entity in entities)

    def by_type(self) -> dict[str, list[LinkedEntity]]:
        """The entities under each of their types, types sorted by label."""
        grouped: dict[str, list[LinkedEntity]] = defaultdict(list)
        for entity in self.entities:
            for entity_type in entity.types:
                grouped[entity_type].append(entity)
        return dict(sorted(grouped.items(), key=lambda item: self.type_label(item[0])))

    def type_label(self, type_iri: str) -> str:
        """The type's English label, else its prefixed name."""
        return self.type_labels.get(type_iri) or shorten(type_iri)

    def unlinked(self) -> list[LinkedEntity]:
        """The entities with no identifier at all, by IRI."""
        return [entity for entity in self.entities if not entity.is_linked]


def _values(iris: list[str] | tuple[str, ...]) -> str:
    return " ".join(f"<{iri}>" for iri in iris)


def _select(graph: KnowledgeGraph, template: str, **parts: str) -> list[dict[str, str]]:
    """Rows of a SELECT as dicts of variable name to the term's value."""
    result = graph.query(sparql_prologue() + template % parts)
    assert isinstance(result, ox.QuerySolutions)
    names = [variable.value for variable in result.variables]
    return [{name: row[name].value for name in names if row[name] is not None} for row in result]


@dataclass
class _Names:
    """The smallest ``rdfs:label`` per thing and language, and all names per thing and language."""

    labels: dict[tuple[str, str], str] = field(default_factory=dict)
    names: dict[str, dict[str, set[str]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(set))
    )

    def label(self, thing: str, language: str) -> str:
        """The smallest ``rdfs:label`` of ``thing`` in ``language``, or empty."""
        return self.labels.get((thing, language), "")


def _names(graph: KnowledgeGraph, iris: list[str]) -> _Names:
    found = _Names()
    if not iris:
        return found
    for row in _select(graph, _NAMES, things=_values(iris)):
        thing, name, language = row["thing"], row["name"], row["language"]
        found.names[thing][language].add(name)
        if row["predicate"] == _RDFS_LABEL:
            key = (thing, language)
            found.labels[key] = min(found.labels.get(key, name), name)
    return found


def _search_notes(graph: KnowledgeGraph, iris: list[str]) -> dict[str, tuple[str, ...]]:
    """Per thing, its own notes (sorted) before the notes of the groups it is a member of."""
    own: dict[str, set[str]] = defaultdict(set)
    shared: dict[str, set[str]] = defaultdict(set)
    if iris:
        for row in _select(graph, _SEARCH_NOTES, things=_values(iris)):
            (shared if "group" in row else own)[row["thing"]].add(row["note"])
    return {
        thing: (*sorted(own[thing]), *sorted(shared[thing] - own[thing]))
        for thing in own.keys() | shared.keys()
    }


def measure_coverage(graph: KnowledgeGraph) -> LinkCoverage:
    """Collect each linkable entity (and each linked subject) with its identifiers per target."""
    common = {"bj": str(BJ), "bjo": str(BJO), "inferred": INFERRED_GRAPH.value}
    types: dict[str, set[str]] = defaultdict(set)
    for row in _select(graph, _ENTITIES, roots=_values(LINKABLE_CLASSES), **common):
        types[row["entity"]].add(row["type"])
    predicates = tuple(dict.fromkeys(t.predicate for t in TARGETS))
    identifiers: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for row in _select(graph, _LINKS, predicates=_values(predicates), **common):
        for link_target in TARGETS:
            if link_target.holds(row["predicate"], row["value"]):
                identifiers[row["entity"]][link_target.key].add(row["value"])
                types.setdefault(row["entity"], set())
    iris = sorted(types)
    all_types = sorted({t for entity_types in types.values() for t in entity_types})
    names = _names(graph, iris + all_types)
    searched = _search_notes(graph, iris)
    entities = [
        LinkedEntity(
            iri=iri,
            types=tuple(sorted(types[iri])) or ("",),
            label_zh=names.label(iri, "zh"),
            label_en=names.label(iri, "en"),
            identifiers={key: tuple(sorted(values)) for key, values in identifiers[iri].items()},
            names={lang: tuple(sorted(found)) for lang, found in sorted(names.names[iri].items())},
            searched=searched.get(iri, ()),
        )
        for iri in iris
    ]
    type_labels = {t: names.label(t, "en") for t in all_types if names.label(t, "en")}
    return LinkCoverage(entities=entities, type_labels=type_labels)


def _show_identifier(value: str) -> str:
    return shorten(value) if "://" in value else f"`{value}`"


def render_coverage(coverage: LinkCoverage) -> str:
    """The Markdown page ``docs/links.md``: coverage per type and per target, links, gaps."""
    entities = coverage.entities
    target_names = [t.name for t in TARGETS]
    lines = [
        "# Links to external graphs",
        "",
        "Generated from the data by `python -m bjaikg.linking report` — do not edit by hand.",
        "The links are in `instances/links.ttl` and, generated from the organisation mapping,",
        "`instances/headquarters/links.ttl`, each with a `bjo:LinkStatement` per source beside it:",
        "the page or file that pairs the entity with the identifier and its words",
        "([architecture: links to external graphs](architecture.md#links-to-external-graphs),",
        "[modelling](modelling.md#links-to-external-graphs-and-their-sources)).",
        "An entity without evidence for an identifier stays unlinked and is listed at the end of",
        "this page, with what was searched for it where a `skos:editorialNote` in",
        "`instances/links.ttl` records it: its own, then that of a `skos:Collection` it is a",
        "`skos:member` of (a search stated once for a group, such as Beijing's districts).",
        "",
        "`validate.py` checks the links offline (rules in `queries/checks/links/`). Online,",
        "`python -m bjaikg.linking check --review docs/link-review.md` asks the Wikidata query",
        "service about every Wikidata link (labels, website, ROR, GeoNames, ticker) and looks",
        "for candidate items for the unlinked entities; it writes a review file and never",
        "changes `instances/`.",
        "",
        f"Linkable entities: {len(entities)}; with at least one link: "
        f"{coverage.count(entities)}; without any: {len(coverage.unlinked())}.",
        "",
        "## Coverage per entity type",
        "",
    ]
    type_rows = [
        [
            coverage.type_label(type_iri) if type_iri else "(no bjo: type)",
            str(len(members)),
            *(str(coverage.count(members, t)) for t in TARGETS),
            str(coverage.count(members)),
        ]
        for type_iri, members in coverage.by_type().items()
    ]
    type_rows.append(
        [
            "**all entities**",
            str(len(entities)),
            *(str(coverage.count(entities, t)) for t in TARGETS),
            str(coverage.count(entities)),
        ]
    )
    lines += markdown_table(["Type", "Entities", *target_names, "any link"], type_rows)
    lines += ["", "## Coverage per target graph", ""]
    target_rows = [
        [
            t.name,
            shorten(t.predicate),
            t.form,
            str(sum(len(e.identifiers.get(t.key, ())) for e in entities)),
            str(coverage.count(entities, t)),
        ]
        for t in TARGETS
    ]
    lines += markdown_table(["Target", "Predicate", "Value form", "Links", "Entities"], target_rows)
    lines += ["", "## Linked entities", ""]
    linked_rows = [
        [
            shorten(entity.iri),
            entity.label(),
            *(
                "<br>".join(_show_identifier(v) for v in entity.identifiers.get(t.key, ()))
                for t in TARGETS
            ),
        ]
        for entity in entities
        if entity.is_linked
    ]
    lines += markdown_table(["Entity", "Label", *target_names], linked_rows)
    lines += ["", "## Entities without any link", ""]
    unlinked_rows = [
        [
            shorten(entity.iri),
            ", ".join(coverage.type_label(t) for t in entity.types if t),
            entity.label(),
            "<br>".join(entity.searched),
        ]
        for entity in coverage.unlinked()
    ]
    lines += markdown_table(["Entity", "Type", "Label", "Searched"], unlinked_rows)
    return "\n".join(lines) + "\n"
