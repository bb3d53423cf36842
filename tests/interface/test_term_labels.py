"""The vocabulary a page names has a label in the page's language: the properties of its
tables (its own statements, the unnamed nodes under them, the incoming relations, the external
links), its types and the vocabulary terms among its values — the project's own terms and the
reused ones that ontology/*.ttl labels (review R5, finding 13: sdmx-attribute:unitMeasure,
org:hasPrimarySite, skos:exactMatch, schema:startDate … stood as prefixed names between
translated ones)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bjaikg.interface.labels import build_label_index
from bjaikg.interface.resource import ResourceDescription, Statement, Term, describe_resource
from bjaikg.namespaces import BJ, shorten
from bjaikg.store import KnowledgeGraph

SAMPLE = (
    "beijing-ai-core-industry-scale-2025",  # an observation
    "zhipu",  # an organisation with a site and links
    "beijing-robot-marathon",  # an event
    "beijing-ai-plus-action-plan",  # a policy
    "tsingmicro-tx5368",  # a chip
    "beijing",  # a place
)
DATA_PREFIXES = ("bj", "wd")
"""Values in these namespaces are data (the project's resources, Wikidata's items), named by
their own labels where the graph has them, not vocabulary."""


def statement_terms(statements: list[Statement]) -> Iterator[tuple[str, Term]]:
    """The properties of ``statements`` and of the unnamed nodes under them, and the values
    that are vocabulary terms, each with where the page shows it."""
    for statement in statements:
        yield "property", statement.property
        for value in statement.values:
            name = shorten(value.term.iri) if value.term else "<"
            if value.term and not name.startswith("<") and name.split(":")[0] not in DATA_PREFIXES:
                yield f"value of {shorten(statement.property.iri)}", value.term
            yield from statement_terms(value.nested)


def named_terms(description: ResourceDescription) -> Iterator[tuple[str, Term]]:
    """Every vocabulary term ``description``'s page shows by name, with where."""
    yield from statement_terms(description.statements)
    for term in description.types:
        yield "type", term
    for _, property_term in description.incoming:
        yield "incoming relation", property_term
    for link in description.external_links:
        yield "external link", link.property


@pytest.mark.parametrize("language", ["en", "zh"])
def test_every_term_a_sample_of_pages_names_has_a_label_in_the_page_s_language(
    project_graph: KnowledgeGraph, language: str
) -> None:
    index = build_label_index(project_graph)
    unlabelled = set()
    for slug in SAMPLE:
        description = describe_resource(project_graph, index, f"{BJ}{slug}", language)
        assert description is not None, slug
        for where, term in named_terms(description):
            if term.label_language != language:
                unlabelled.add((slug, where, shorten(term.iri), term.label))
    assert not unlabelled, sorted(unlabelled)
