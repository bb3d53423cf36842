"""What changed in the knowledge between two versions of the graph, by entity, with labels.

:func:`diff_snapshots` compares the asserted triples of two :class:`~bjaikg.snapshots.Snapshot`
values (named graphs merged: moving a fact to another file is no change; ``bjg:inferred`` left
out) and reports, per entity (an IRI that is the subject of statements): entities added and
removed, values changed (old → new), values added and removed, links (IRI values) gained and
lost, sources added and IRIs deprecated; and, in a section of their own, the blank-node
structures that no IRI holds (``[] a skos:Collection ; …``) added and removed.
:func:`render` writes it as text, Markdown or JSON.

Blank nodes are compared by their content: the triples that touch one are relabelled per
structure (:func:`canonical_triples`, W3C RDF Dataset Canonicalization by pyoxigraph, each label
prefixed with a digest of the structure); two versions that write one structure with different
blank-node names differ in nothing, whatever changed elsewhere. A blank-node value is compared
by its label, so a change anywhere inside its structure, however deep, is a change of the value;
it is shown inline and whole (``[ p v ; … ]``, an rdf:List as ``( a b … )``, see
:meth:`_Side.show`), so old and new differ in their text. One changed statement relabels its
whole structure, so the triples added and removed are counted with blank nodes blinded
(:func:`blinded_difference`): a changed item of a list counts 1 and 1, not the list.

Hazard: canonicalisation is exponential in the worst case (many blank nodes that look alike
within one structure); the graph's blank nodes (checksums, qualified derivations) each hang from
one named node, which tells look-alikes apart. Two structures alike in every triple, named
subject included, become one. Every changed entity's statements are rendered, and each changed
blank value whole, so a change touching 1e5 entities, or one item of a list of 1e5, gives a
report that long. Blank nodes nested 500 deep (not as a list) exceed Python's recursion limit
when shown; canonicalising such a chain is slow already (400 deep: 16 s). A blank node held by
two entities ties them into one structure: a change of one entity's statement about it relabels
it, so the other is reported changed too (its value shown with the new label; no release has
such a node).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

import pyoxigraph as ox

from bjaikg.markdown import code_span, markdown_table
from bjaikg.namespaces import BJO, PREFIXES, shorten
from bjaikg.snapshots import Snapshot

RDF_TYPE, RDF_FIRST, RDF_REST, RDF_NIL = (
    ox.NamedNode(f"{PREFIXES['rdf']}{name}") for name in ("type", "first", "rest", "nil")
)
LABEL_PROPERTIES = (
    ox.NamedNode(f"{PREFIXES['rdfs']}label"),
    ox.NamedNode(f"{PREFIXES['skos']}prefLabel"),
    ox.NamedNode(f"{PREFIXES['dcterms']}title"),
)
"""What names an entity, in this order: a web page has no label but its title."""
DEPRECATED = ox.NamedNode(f"{PREFIXES['owl']}deprecated")
REPLACED_BY = ox.NamedNode(f"{PREFIXES['dcterms']}isReplacedBy")
SOURCE_KINDS = {ox.NamedNode(f"{BJO}{kind}") for kind in ("SourceDocument", "SourceDataset")}
"""The registered sources a diff lists as sources added (web pages are many: not listed)."""
TRUE = ox.Literal("true", datatype=ox.NamedNode(f"{PREFIXES['xsd']}boolean"))
XSD_DOUBLE = ox.NamedNode(f"{PREFIXES['xsd']}double")
FORMATS = ("text", "markdown", "json")
BLIND = ox.BlankNode("blind")

Subject = ox.NamedNode | ox.BlankNode
Object = ox.NamedNode | ox.BlankNode | ox.Literal


@dataclass(frozen=True)
class Entity:
    """An IRI with its labels (English and Chinese, empty when it has none)."""

    iri: str
    label_en: str = ""
    label_zh: str = ""

    @property
    def name(self) -> str:
        """The prefixed name followed by the labels: ``bj:baai 「北京智源」 BAAI``."""
        words = [shorten(self.iri)]
        if self.label_zh:
            words.append(f"「{self.label_zh}」")
        if self.label_en:
            words.append(self.label_en)
        return " ".join(words)


@dataclass(frozen=True)
class Shown:
    """A value that is no IRI, as text: a literal in N-Triples-like form (:func:`show_literal`)
    with its language tag (empty when it has none), or a blank node inline and whole
    (:meth:`_Side.show`). Hazard: the IRIs and labels inside a blank node's text are text only
    (no :class:`Entity` holds them), so a page cannot link or mark them."""

    text: str
    language: str = ""

    @property
    def name(self) -> str:
        """The text, as the text forms write it (of an IRI, they write :attr:`Entity.name`)."""
        return self.text


Value = Entity | Shown
"""A value as a diff holds it: an IRI with its labels, or any other term as text."""


@dataclass(frozen=True)
class PropertyChange:
    """One property of one entity whose values changed.

    ``kind`` is ``changed`` (values replaced: ``old`` → ``new``), ``added`` or ``removed``
    (values without a counterpart), ``gained`` or ``lost`` (links: the values are IRIs, each an
    :class:`Entity`). Values are ordered by their :attr:`~Entity.name`.
    """

    property: str
    kind: str
    old: tuple[Value, ...] = ()
    new: tuple[Value, ...] = ()


@dataclass
class EntityChange:
    """An entity added, removed or changed, with its types and, for a changed entity, the
    changes of its properties; for an added one, its links (``gained``, its type apart), so that
    what a new entity says of its place in the graph is in the diff. ``types``: an added or
    removed entity's ``rdf:type`` values, ordered by name."""

    entity: Entity
    status: str
    types: list[Value] = field(default_factory=list)
    changes: list[PropertyChange] = field(default_factory=list)


@dataclass
class KnowledgeDiff:
    """The changes from ``old`` to ``new``; lists are ordered by IRI."""

    old: str
    new: str
    added: list[EntityChange] = field(default_factory=list)
    removed: list[EntityChange] = field(default_factory=list)
    changed: list[EntityChange] = field(default_factory=list)
    sources_added: list[Entity] = field(default_factory=list)
    deprecated: list[tuple[Entity, list[Entity]]] = field(default_factory=list)
    triples_added: int = 0
    """Triples added, blank nodes blinded (:func:`blinded_difference`); likewise removed."""
    triples_removed: int = 0
    structures_added: list[str] = field(default_factory=list)
    """Blank-node structures that no IRI holds (``[] a skos:Collection ; …``), shown inline;
    likewise removed. One changed is one removed and one added."""
    structures_removed: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        """Whether nothing changed."""
        return not (
            self.added
            or self.removed
            or self.changed
            or self.structures_added
            or self.structures_removed
        )


class _Side:
    """One version's triples indexed by subject, blank nodes relabelled canonically."""

    def __init__(self, quads: Iterable[ox.Quad]) -> None:
        plain: set[ox.Triple] = set()
        with_blank: list[ox.Triple] = []
        for quad in quads:
            triple = quad.triple
            if isinstance(triple.subject, ox.BlankNode) or isinstance(triple.object, ox.BlankNode):
                with_blank.append(triple)
            else:
                plain.add(triple)
        self.triples = plain | canonical_triples(with_blank)
        self.by_subject: dict[Subject, list[ox.Triple]] = defaultdict(list)
        self.blank_parents: dict[ox.BlankNode, set[Subject]] = defaultdict(set)
        self.holders: Counter[ox.BlankNode] = Counter()
        """How many triples hold each blank node (have it as object)."""
        for triple in self.triples:
            self.by_subject[triple.subject].append(triple)  # type: ignore[index]
            if isinstance(triple.object, ox.BlankNode):
                self.blank_parents[triple.object].add(triple.subject)  # type: ignore[arg-type]
                self.holders[triple.object] += 1

    def roots(self, node: Subject) -> set[Subject]:
        """The IRIs and the blank nodes held by nothing whose descriptions hold ``node`` (itself
        if one); for a cycle of blank nodes that nothing holds, the first of them by label (the
        labels are canonical, so the choice is the same in both versions)."""
        found: set[Subject] = set()
        seen: set[Subject] = set()
        stack = [node]
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            if current not in self.blank_parents:
                found.add(current)
            stack.extend(self.blank_parents.get(current, ()))  # type: ignore[arg-type]
        return found or {min(seen, key=str)}

    def entity(self, iri: ox.NamedNode) -> Entity:
        """``iri`` with its English and Chinese labels in this version."""
        labels: dict[str, str] = {}
        for predicate in LABEL_PROPERTIES:
            for triple in self.by_subject.get(iri, ()):
                if triple.predicate == predicate and isinstance(triple.object, ox.Literal):
                    labels.setdefault(triple.object.language or "", triple.object.value)
        return Entity(iri.value, labels.get("en", ""), labels.get("zh", ""))

    def value(self, term: Object) -> Value:
        """``term`` as a diff holds it: an IRI as its :class:`Entity`, any other as :meth:`show`
        writes it (a literal with its language tag)."""
        if isinstance(term, ox.NamedNode):
            return self.entity(term)
        language = term.language if isinstance(term, ox.Literal) else None
        return Shown(self.show(term), language or "")

    def shown(self, terms: Iterable[Object]) -> tuple[Value, ...]:
        """``terms`` as :meth:`value` gives each, ordered by name."""
        return tuple(sorted(map(self.value, terms), key=lambda value: value.name))

    def values(self, subject: Subject, predicate: ox.NamedNode) -> list[Object]:
        """The objects of ``subject predicate ?``."""
        found = [t.object for t in self.by_subject.get(subject, ()) if t.predicate == predicate]
        return found  # type: ignore[return-value]

    def show(self, value: Object, seen: set[ox.BlankNode] | None = None) -> str:
        """``value`` as text: a literal, an IRI with its labels, a blank node inline and whole
        (``[ p v ; … ]``, an rdf:List as ``( a b … )``). A blank node held by more than one
        triple is named (``_:label``) where first shown and shown by that name where met again:
        the text is as long as the structure, and different structures have different texts."""
        if isinstance(value, ox.NamedNode):
            return self.entity(value).name
        if isinstance(value, ox.Literal):
            return show_literal(value)
        seen = set() if seen is None else seen
        name = f"_:{value.value}" if self.holders[value] > 1 else ""
        if value in seen:
            return name
        seen.add(value)
        items = self.items(value)
        if items is not None:
            text = "( " + " ".join(self.show(item, seen) for item in items) + " )"
        else:  # in a fixed order, which decides where a shared node is shown whole
            parts = [
                f"{shorten(t.predicate.value)} {self.show(t.object, seen)}"  # type: ignore[arg-type]
                for t in sorted(self.by_subject.get(value, ()), key=str)
            ]
            text = "[ " + " ; ".join(sorted(parts)) + " ]" if parts else "[]"
        return f"{name} {text}" if name else text

    def items(self, node: ox.BlankNode) -> list[Object] | None:
        """The items of the rdf:List that ``node`` heads, or None if it is not one that Turtle
        writes ``( … )``: blank nodes each with an rdf:first and an rdf:rest only, each held by
        the one before it only (so the walk ends, whatever the graph)."""
        found: list[Object] = []
        current: object = node
        while current != RDF_NIL:
            if not isinstance(current, ox.BlankNode):
                return None
            if found and (current == node or self.holders[current] != 1):
                return None
            triples = self.by_subject.get(current, [])
            described = {t.predicate: t.object for t in triples}
            if len(triples) != 2 or described.keys() != {RDF_FIRST, RDF_REST}:
                return None
            found.append(described[RDF_FIRST])  # type: ignore[arg-type]
            current = described[RDF_REST]
        return found


def show_literal(literal: ox.Literal) -> str:
    """A literal as ``"text"@lang`` or ``"text"^^prefix:type`` (plain strings bare-quoted); a
    finite double in Python's shortest form that reads back as the same value
    (``"3.600000000000001e+25"``): Oxigraph writes every digit of it
    (``"36000000000000010000000000"``), which a reader takes for a corrupted number. An
    ill-typed double (``"many"^^xsd:double``) is shown as written."""
    value = literal.value
    if literal.datatype == XSD_DOUBLE:
        with contextlib.suppress(ValueError):  # Oxigraph keeps an ill-typed lexical form
            if math.isfinite(number := float(value)):
                value = repr(number)
    text = json.dumps(value, ensure_ascii=False)
    if literal.language:
        return f"{text}@{literal.language}"
    datatype = shorten(literal.datatype.value)
    return text if datatype == "xsd:string" else f"{text}^^{datatype}"


def canonical_triples(triples: list[ox.Triple]) -> set[ox.Triple]:
    """``triples`` (each touching a blank node) with blank nodes relabelled per structure: the
    triples joined by shared blank nodes are canonicalised together (RDFC-1.0) and their labels
    prefixed with a digest of the result, so a structure keeps its labels whatever else the
    version holds, and two structures never share one."""
    neighbours: dict[ox.BlankNode, set[ox.BlankNode]] = defaultdict(set)
    for triple in triples:
        if isinstance(triple.subject, ox.BlankNode) and isinstance(triple.object, ox.BlankNode):
            neighbours[triple.subject].add(triple.object)
            neighbours[triple.object].add(triple.subject)
    structure_of: dict[ox.BlankNode, ox.BlankNode] = {}
    structures: dict[ox.BlankNode, list[ox.Quad]] = defaultdict(list)
    for triple in triples:
        blank = triple.subject if isinstance(triple.subject, ox.BlankNode) else triple.object
        assert isinstance(blank, ox.BlankNode)
        if blank not in structure_of:  # a structure not met yet: mark all its blank nodes
            stack = [blank]
            while stack:
                node = stack.pop()
                if node not in structure_of:
                    structure_of[node] = blank
                    stack.extend(neighbours[node])
        structures[structure_of[blank]].append(ox.Quad(*triple))
    relabelled: set[ox.Triple] = set()
    for quads in structures.values():
        dataset = ox.Dataset(quads)
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        prefix = hashlib.sha256("\n".join(sorted(map(str, dataset))).encode()).hexdigest()[:16]
        for quad in dataset:
            subject, value = (
                ox.BlankNode(prefix + term.value) if isinstance(term, ox.BlankNode) else term
                for term in (quad.subject, quad.object)
            )
            relabelled.add(ox.Triple(subject, quad.predicate, value))
    return relabelled


def blinded_difference(triples: Iterable[ox.Triple], others: Iterable[ox.Triple]) -> int:
    """How many of ``triples`` have no counterpart in ``others`` once every blank node is
    replaced by one placeholder (a multiset difference): at most what any pairing of blank nodes
    would count. It undercounts where blank nodes trade places: a reordered list, or
    two blank values of one entity swapping contents, count 0 (the entity report shows them, as
    any change inside a structure)."""

    def blinded(group: Iterable[ox.Triple]) -> Counter[tuple[object, ...]]:
        return Counter(
            tuple(BLIND if isinstance(term, ox.BlankNode) else term for term in triple)
            for triple in group
        )

    return (blinded(triples) - blinded(others)).total()


def diff_snapshots(old: Snapshot, new: Snapshot) -> KnowledgeDiff:
    """The knowledge diff from ``old`` to ``new`` (asserted triples only)."""
    before, after = _Side(old.asserted()), _Side(new.asserted())
    removed_triples = before.triples - after.triples
    added_triples = after.triples - before.triples
    touched: set[Subject] = set()
    for side, triples in ((before, removed_triples), (after, added_triples)):
        for triple in triples:
            touched |= side.roots(triple.subject)  # type: ignore[arg-type]
    blanks = {node for node in touched if isinstance(node, ox.BlankNode)}  # each on one side
    diff = KnowledgeDiff(
        old=old.name,
        new=new.name,
        triples_added=blinded_difference(added_triples, removed_triples),
        triples_removed=blinded_difference(removed_triples, added_triples),
        structures_added=sorted(after.show(b) for b in blanks if b in after.by_subject),
        structures_removed=sorted(before.show(b) for b in blanks if b in before.by_subject),
    )
    for iri in sorted(touched - blanks, key=lambda node: node.value):
        assert isinstance(iri, ox.NamedNode)
        in_old, in_new = iri in before.by_subject, iri in after.by_subject
        if in_new and not in_old:
            links = [  # what the new entity points at, its type apart (shown beside its name)
                item
                for item in _property_changes(before, after, iri)
                if item.kind == "gained" and item.property != RDF_TYPE.value
            ]
            change = EntityChange(after.entity(iri), "added", _types(after, iri), links)
            diff.added.append(change)
            if SOURCE_KINDS & set(after.values(iri, RDF_TYPE)):
                diff.sources_added.append(change.entity)
        elif in_old and not in_new:
            diff.removed.append(EntityChange(before.entity(iri), "removed", _types(before, iri)))
        else:
            changes = _property_changes(before, after, iri)
            if changes:
                diff.changed.append(EntityChange(after.entity(iri), "changed", changes=changes))
            if TRUE in after.values(iri, DEPRECATED) and TRUE not in before.values(iri, DEPRECATED):
                replacements = [
                    after.entity(node)
                    for node in after.values(iri, REPLACED_BY)
                    if isinstance(node, ox.NamedNode)
                ]
                diff.deprecated.append((after.entity(iri), replacements))
    return diff


def _types(side: _Side, iri: ox.NamedNode) -> list[Value]:
    return list(side.shown(side.values(iri, RDF_TYPE)))


def _property_changes(before: _Side, after: _Side, iri: ox.NamedNode) -> list[PropertyChange]:
    properties = {t.predicate for t in before.by_subject[iri]} | {
        t.predicate for t in after.by_subject[iri]
    }
    changes: list[PropertyChange] = []
    for predicate in sorted(properties, key=lambda node: node.value):
        old_values = before.values(iri, predicate)
        new_values = after.values(iri, predicate)
        # links compared as IRIs (a relabelled target is no link lost and gained), shown named
        old_links = {v for v in old_values if isinstance(v, ox.NamedNode)}
        new_links = {v for v in new_values if isinstance(v, ox.NamedNode)}
        # literals and blank nodes compared as terms: a blank node's label is a digest of its
        # whole structure (canonical_triples), so any change inside one changes it
        old_others = {v for v in old_values if not isinstance(v, ox.NamedNode)}
        new_others = {v for v in new_values if not isinstance(v, ox.NamedNode)}
        name = predicate.value
        lost = before.shown(old_links - new_links)
        gained = after.shown(new_links - old_links)
        if lost:
            changes.append(PropertyChange(name, "lost", old=lost))
        if gained:
            changes.append(PropertyChange(name, "gained", new=gained))
        gone = before.shown(old_others - new_others)
        come = after.shown(new_others - old_others)
        if gone and come:
            changes.append(PropertyChange(name, "changed", gone, come))
        elif gone:
            changes.append(PropertyChange(name, "removed", old=gone))
        elif come:
            changes.append(PropertyChange(name, "added", new=come))
    return changes


def structure_counts(diff: KnowledgeDiff) -> str:
    """``N blank-node structures added, M removed`` (structures that no IRI holds); empty when
    none changed."""
    if not (diff.structures_added or diff.structures_removed):
        return ""
    added, removed = len(diff.structures_added), len(diff.structures_removed)
    return f"{added} blank-node structures added, {removed} removed"


def count_line(diff: KnowledgeDiff) -> str:
    """One line of counts: entities added, removed, changed; blank-node structures that no IRI
    holds added and removed, if any; triples added, removed."""
    structures = f"{counts}; " if (counts := structure_counts(diff)) else ""
    return (
        f"{len(diff.added)} entities added, {len(diff.removed)} removed, "
        f"{len(diff.changed)} changed; {structures}{diff.triples_added} triples added, "
        f"{diff.triples_removed} removed"
    )


def names(values: Iterable[Value], separator: str = ", ") -> str:
    """The names of ``values`` (:attr:`Entity.name`, :attr:`Shown.name`), joined."""
    return separator.join(value.name for value in values)


def _describe(change: PropertyChange) -> str:
    name = shorten(change.property)
    old, new = names(change.old, "; "), names(change.new, "; ")
    return {
        "changed": f"{name}: {old} → {new}",
        "added": f"{name}: + {new}",
        "removed": f"{name}: − {old}",
        "gained": f"{name}: link gained → {new}",
        "lost": f"{name}: link lost → {old}",
    }[change.kind]


def _links(change: EntityChange) -> list[str]:
    """An added entity's links, ``property → target`` each."""
    return [f"{shorten(item.property)} → {names(item.new, '; ')}" for item in change.changes]


def render_text(diff: KnowledgeDiff) -> str:
    """The diff for a terminal: one block per section, one line per entity or change."""
    lines = [f"knowledge diff {diff.old} → {diff.new}", count_line(diff)]
    for title, entities in (("added", diff.added), ("removed", diff.removed)):
        if entities:
            lines += ["", f"entities {title}:"]
            for change in entities:
                lines.append(f"  {change.entity.name}  ({names(change.types) or 'no type'})")
                lines += [f"    {_describe(item)}" for item in change.changes]
    if diff.changed:
        lines += ["", "entities changed:"]
        for change in diff.changed:
            lines.append(f"  {change.entity.name}")
            lines += [f"    {_describe(item)}" for item in change.changes]
    for title, shown in (("added", diff.structures_added), ("removed", diff.structures_removed)):
        if shown:
            lines += ["", f"blank-node structures {title}:"] + [f"  {text}" for text in shown]
    if diff.sources_added:
        lines += ["", "sources added:"] + [f"  {entity.name}" for entity in diff.sources_added]
    if diff.deprecated:
        lines += ["", "deprecated:"]
        for entity, replacements in diff.deprecated:
            by = ", ".join(r.name for r in replacements) or "no replacement"
            lines.append(f"  {entity.name} → {by}")
    return "\n".join(lines) + "\n"


def render_markdown(diff: KnowledgeDiff) -> str:
    """The diff as Markdown: a pull-request comment or a CI job summary."""
    lines = [f"## Knowledge diff `{diff.old}` → `{diff.new}`", "", count_line(diff) + "."]
    if diff.is_empty:
        lines += ["", "No change to the knowledge."]
    for title, entities in (("Entities added", diff.added), ("Entities removed", diff.removed)):
        if entities:
            rows = [(c.entity.name, names(c.types), "; ".join(_links(c)) or "–") for c in entities]
            header = ("entity", "types", "links")
            lines += ["", f"### {title}", "", *markdown_table(header, rows)]
    if diff.changed:
        changes = [
            (change.entity.name, shorten(item.property), _describe(item).split(": ", 1)[1])
            for change in diff.changed
            for item in change.changes
        ]
        header = ("entity", "property", "change")
        lines += ["", "### Entities changed", "", *markdown_table(header, changes)]
    for title, shown in (("added", diff.structures_added), ("removed", diff.structures_removed)):
        if shown:
            lines += ["", f"### Blank-node structures {title}", ""]
            lines += [f"- {code_span(text)}" for text in shown]
    if diff.sources_added:
        lines += ["", "### Sources added", ""]
        lines += [f"- {entity.name}" for entity in diff.sources_added]
    if diff.deprecated:
        lines += ["", "### Deprecated", ""]
        for entity, replacements in diff.deprecated:
            by = ", ".join(r.name for r in replacements) or "no replacement"
            lines.append(f"- {entity.name} → {by}")
    return "\n".join(lines) + "\n"


def render_json(diff: KnowledgeDiff) -> str:
    """The diff as JSON (UTF-8, keys sorted), every field of :class:`KnowledgeDiff`."""
    document = asdict(diff)
    document["deprecated"] = [
        {"entity": asdict(entity), "replaced_by": [asdict(r) for r in replacements]}
        for entity, replacements in diff.deprecated
    ]
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


RENDERERS = {"text": render_text, "markdown": render_markdown, "json": render_json}
MEDIA_TYPES = {"text": "text/plain", "markdown": "text/markdown", "json": "application/json"}
"""The media type of each form :func:`render` writes (UTF-8 text, each)."""


def render(diff: KnowledgeDiff, form: str) -> str:
    """``diff`` in ``form`` (one of :data:`FORMATS`)."""
    return RENDERERS[form](diff)
