"""The evidence of the organisation mapping's identifiers as data: every generated link has a
link statement per source of its evidence cell, derived from that source's page with its quote,
and a cell that is not of the evidence form is refused with its file and line."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from pathlib import Path

import pytest
from rdflib import RDF, SKOS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV

from bjaikg.errors import DataFileError
from bjaikg.namespaces import BJ, BJO, PREFIXES
from bjaikg.sources.generated import build_generated
from bjaikg.sources.headquarters import headquarters_graphs
from bjaikg.sources.mapping import MAPPING_FOLDER, parse_evidence, read_cities, read_organisations
from bjaikg.sources.registry import sources_folder

SCHEMA_URL = URIRef(PREFIXES["schema"] + "url")


@pytest.fixture(scope="module")
def generated() -> dict[str, Graph]:
    files = build_generated(sources_folder())
    graphs = {
        path.name: Graph().parse(data=text, format="turtle")
        for path, text in files.items()
        if path.parent.name == "headquarters"
    }
    epoch = next(
        text for path, text in files.items() if path.parts[-2:] == ("epoch", "organisations.ttl")
    )
    graphs["epoch organisations"] = Graph().parse(data=epoch, format="turtle")
    return graphs


def test_every_generated_link_has_a_statement_of_each_source(
    generated: dict[str, Graph],
) -> None:
    links, pages = generated["links.ttl"], generated["pages.ttl"]
    asserted = set(links.subject_objects(SKOS.exactMatch))
    statements = set(links.subjects(RDF.type, BJO.LinkStatement))
    stated = {
        (links.value(s, BJO.linkedEntity), links.value(s, BJO.statedMatch)) for s in statements
    }
    assert asserted and stated == asserted
    for statement in statements:
        (page,) = links.objects(statement, PROV.wasDerivedFrom)
        assert (page, RDF.type, BJO.WebPage) in pages
        assert len(set(pages.objects(page, DCTERMS.title))) == 1
        quotes = list(links.objects(statement, BJO.quote))
        assert len(quotes) == 1 and isinstance(quotes[0], Literal) and quotes[0].language
    # one statement per line of the evidence cells of every row with an identifier: its
    # organisation, the identifier's column and the page of that line
    rows = read_organisations()
    described = {str(s).removeprefix(str(BJ)) for s in generated["epoch organisations"].subjects()}
    present = described | {row.slug for row in rows if not row.kind}  # the hand-written ones
    expected = {
        (row.slug, column, evidence.url)
        for row in rows
        if row.slug in present
        for column in ("wikidata", "ror")
        if getattr(row, column)
        for evidence in row.sources(column)
    }
    columns = {"http://www.wikidata.org/entity/": "wikidata", "https://ror.org/": "ror"}
    found = set()
    for statement in statements:
        entity, target = (
            links.value(statement, BJO.linkedEntity),
            links.value(statement, BJO.statedMatch),
        )
        source = links.value(statement, PROV.wasDerivedFrom)
        column = next(name for prefix, name in columns.items() if str(target).startswith(prefix))
        url = str(pages.value(source, SCHEMA_URL))
        found.add((str(entity).removeprefix(str(BJ)), column, url))
    assert len(found) == len(statements) and found == expected


def test_a_repository_file_is_its_github_address_at_the_commit_read(
    generated: dict[str, Graph],
) -> None:
    links, pages = generated["links.ttl"], generated["pages.ttl"]
    baidu = [
        s
        for s in links.subjects(BJO.linkedEntity, BJ["baidu"])
        if links.value(s, BJO.statedMatch) == URIRef("http://www.wikidata.org/entity/Q14772")
    ]
    (statement,) = baidu
    page = links.value(statement, PROV.wasDerivedFrom)
    assert pages.value(page, SCHEMA_URL) == URIRef(
        "https://github.com/ror-community/ror-records/blob/"
        "aab3b1b5c393ff6901f58e5e54b2329bc59f8674/folder_to_push/03vs3wt56.ttl"
    )
    assert str(pages.value(page, DCTERMS.title)) == (
        "folder_to_push/03vs3wt56.ttl [ror-community/ror-records]"
    )
    quote = links.value(statement, BJO.quote)
    assert "schema:sameAs <http://www.wikidata.org/entity/Q14772>" in str(quote)


def test_an_evidence_line_names_its_page_title_date_language_and_note() -> None:
    (evidence,) = parse_evidence(
        "https://example.org/entity/Q1 (Example (example.org), seen 2026-12-05, @en; our note):"
        " Example (例子) is Q1."
    )
    assert evidence.url == "https://example.org/entity/Q1"
    assert (evidence.title, evidence.seen, evidence.language) == (
        "Example (example.org)",
        "2026-12-05",
        "en",
    )
    assert (evidence.note, evidence.quote) == ("our note", "Example (例子) is Q1.")


@pytest.mark.parametrize(
    "cell",
    [
        'https://example.org/x "the quote"',  # no day seen
        'owner/repo data/x.json (seen 2026-12-04): "Q1"',  # a repository file without its commit
        "https://example.org/x (seen 2026-12-04): Q1\nhttps://example.org/y: Q1",  # second line
    ],
)
def test_an_evidence_cell_not_of_the_form_is_refused_with_its_line(
    tmp_path: Path, cell: str
) -> None:
    rows = list(csv.reader(io.StringIO((MAPPING_FOLDER / "organisations.csv").read_text("utf-8"))))
    header = rows[0]
    index = next(i for i, row in enumerate(rows) if row[header.index("slug")] == "01-ai")
    rows[index][header.index("wikidata_evidence")] = cell
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    text = out.getvalue()
    path = tmp_path / "organisations.csv"
    path.write_text(text, encoding="utf-8")
    number = 2 if "\n" in cell else 1
    message = f"wikidata_evidence: line {number} of the evidence is not"
    with pytest.raises(DataFileError, match=message) as caught:
        read_organisations(path)
    assert caught.value.line == text[: text.index("01.AI,01-ai")].count("\n") + 1


def test_a_page_cited_without_a_title_anywhere_is_refused(tmp_path: Path) -> None:
    rows = read_organisations()
    row = next(row for row in rows if row.slug == "01-ai")
    untitled = "https://example.org/untitled (seen 2026-12-04): Wikidata ID: Q130692307"
    rows = [replace(r, wikidata_evidence=untitled) if r is row else r for r in rows]
    present = {r.slug for r in rows}
    with pytest.raises(DataFileError, match="needs its title") as caught:
        headquarters_graphs(rows, read_cities(), present, {})
    assert caught.value.line == row.line
