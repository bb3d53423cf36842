"""Resource pages: what the HTML shows, and every content-negotiation path to the RDF."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pyoxigraph as ox
import pytest
from markupsafe import escape
from starlette.testclient import TestClient

from bjaikg.interface.diagram import BOX_WIDTH, COLUMN_GAP, MARGIN, Box, Line, render_svg
from bjaikg.interface.pages import mark_chinese
from bjaikg.interface.resource import RECORD_LIMIT, read_description
from bjaikg.namespaces import BJ, BJO
from bjaikg.statistics import measure_dataset
from bjaikg.store import KnowledgeGraph, load_knowledge_graph
from tests.application import application_for
from tests.graph_rows import value_of
from tests.interface.conftest import QUERIES
from tests.interface.sections import section

CHIP = f"{BJ}test-chip"

RDF_FORMATS = [
    ("text/turtle", ox.RdfFormat.TURTLE),
    ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/ld+json", ox.RdfFormat.JSON_LD),
    ("application/rdf+xml", ox.RdfFormat.RDF_XML),
]

RDF_SUFFIXES = [
    ("ttl", ox.RdfFormat.TURTLE),
    ("nt", ox.RdfFormat.N_TRIPLES),
    ("jsonld", ox.RdfFormat.JSON_LD),
    ("rdf", ox.RdfFormat.RDF_XML),
]


def parse(body: bytes, rdf_format: ox.RdfFormat) -> set[ox.Triple]:
    """The triples of ``body`` (which must parse in ``rdf_format``)."""
    return {quad.triple for quad in ox.parse(body, format=rdf_format, base_iri=str(BJ))}


def test_page_shows_labels_types_properties_sources_and_links(client: TestClient) -> None:
    page = client.get("/id/test-chip", headers={"Accept": "text/html", "Accept-Language": "en"})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    html = page.text
    assert "<h1>Test Chip</h1>" in html
    assert '<li lang="zh">测试芯片' in html  # the other language's label, tagged
    assert 'href="/ontology#AIChip"' in html and ">AI chip</a>" in html  # type with its label
    assert ">designed by</a>" in html and 'href="/id/test-company"' in html  # value by label
    assert ">Test Company</a>" in html
    assert '<blockquote lang="zh">测试公司设计了测试芯片。</blockquote>' in html
    assert ">Test article</a>" in html and "paragraph 3" in html
    assert "Test newspaper, test article." in html  # the source's citation
    assert 'href="https://example.org/licence"' in html  # and its licence
    assert ">Test Model</a>" in html and ">runs on</a>" in html  # incoming relation
    assert "https://w3id.org/bjaikg/id/test-chip" in html


def test_search_notes_are_shown_collapsed_outside_the_properties_table(
    client: TestClient,
) -> None:
    for language, summary in (("en", "Search notes"), ("zh", "检索记录")):
        html = client.get(f"/id/test-district?lang={language}").text
        note = "Searched 2026-01-01 for a GeoNames identifier: none found."
        table = html.split('<table class="statements">', 1)[1].split("</table>", 1)[0]
        assert note not in table and "editorialNote" not in table
        notes = html.split('<details class="search-notes">', 1)[1].split("</details>", 1)[0]
        assert f"<summary>{summary}</summary>" in notes
        assert f'<p lang="en">{note}</p>' in notes


def test_a_policy_s_page_shows_its_issuance_records_in_a_section_of_their_own(
    client: TestClient,
) -> None:
    """Each bjo:PolicyIssuance of the policy with its dates, issuers, targets and source page
    (its title linked to its URL), the earliest first, in both languages."""
    records = section(client.get("/id/test-policy?lang=en").text, "issuances-heading")
    assert ">Issuance records</h2>" in records
    assert 'href="/id/test-policy-issuance?lang=en"' in records  # the record's own page
    assert "2025-03-01" in records and "2025-04-01" in records  # issued, in force
    assert ">Test Municipal Government</a>" in records  # issuer, by its label
    assert ">Test District</a>" in records and ">quantum computing</a>" in records  # targets
    assert '<a href="https://example.org/policy-page" rel="nofollow" lang="zh">' in records
    assert ">测试市政府印发测试行动计划</a>" in records  # the page's title, linked to its URL
    assert records.index("2025-02-20") < records.index("2025-03-01")  # the earliest first
    chinese = section(client.get("/id/test-policy?lang=zh").text, "issuances-heading")
    assert ">发布记录</h2>" in chinese and ">测试市政府</a>" in chinese


def test_a_policy_s_issuance_records_show_what_each_states_of_the_document(
    client: TestClient,
) -> None:
    """Titles, document type (by label), number and the policies implemented, in the record's
    row; a record stating only a title shows it; the policy's own date and issuer come first,
    in a row of their own, in both languages."""
    html = client.get("/id/test-policy?lang=en").text
    rows = section(html, "issuances-heading").split("<tr")[2:]  # after the header
    assert ">As the policy itself states</th>" in rows[0]
    assert "2025-02-28" in rows[0] and ">Test Municipal Government</a>" in rows[0]
    assert "test-policy-announcement" in rows[1] and "test-policy-issuance" in rows[2]
    issuance = rows[2]
    assert '<li lang="zh">测试市推进量子计算行动计划（2025—2027年）</li>' in issuance
    assert ">action plan (document type)</a>" in issuance
    assert "测政发〔2025〕1号 document number" in re.sub("<[^>]+>", "", issuance)  # Chinese marked
    assert ">implements</span>" in issuance and ">Test development strategy</a>" in issuance
    title_only = rows[3]  # no date: last
    assert "test-policy-english-title" in title_only
    assert "<li>Test City Action Plan for Quantum Computing (2025-2027)</li>" in title_only
    assert 'href="https://example.org/english-page"' in title_only
    chinese = section(client.get("/id/test-policy?lang=zh").text, "issuances-heading")
    assert ">政策本身的陈述</th>" in chinese and ">行动计划（文种）</a>" in chinese
    assert '测政发〔2025〕1号 <span class="muted">文号</span>' in chinese
    assert ">落实</span>" in chinese and ">测试发展战略</a>" in chinese


def test_a_policy_s_issuance_records_show_their_quotes_collapsed_when_long(
    client: TestClient,
) -> None:
    """Each record's quotes stand in its source's cell, tagged with their language; a record's
    quotes longer than a few lines are collapsed, with the paragraph they are in; the row of
    what the policy itself states leaves the policy's quote to the sources section."""
    for language, summary in (("en", "2 quotes"), ("zh", "2 条原文")):
        html = client.get(f"/id/test-policy?lang={language}").text
        rows = section(html, "issuances-heading").split("<tr")[2:]  # after the header
        stated, announcement, issuance, _, report = rows
        assert "<blockquote" not in stated and "测试行动计划认定了测试街区。" not in stated
        assert "<details" not in issuance  # short: shown open
        assert '<blockquote lang="zh">2025年3月1日，测试市政府印发了测试行动计划，' in issuance
        assert (
            '<blockquote lang="en">The test action plan was announced on 20 February 2025.'
            "</blockquote>" in announcement
        )
        quotes = report.split('<details class="record-quotes">', 1)[1].split("</details>")[0]
        assert f"<summary>{summary}</summary>" in quotes
        assert quotes.count('<blockquote lang="zh">') == 2 and "一百家量子计算企业" in quotes
        paragraph = "paragraph" if language == "en" else "段落"
        assert f"<p>{paragraph} 5</p>" in quotes


def test_the_ai_plus_plan_s_records_show_every_quote_of_theirs(
    project_client: TestClient, project_graph: KnowledgeGraph
) -> None:
    """The project graph: every bjo:quote of the "AI+" action plan's records is on its page,
    the English ones marked on the Chinese page."""
    answer = project_graph.query(
        "SELECT ?quote WHERE { ?record <https://w3id.org/bjaikg/ontology#issuanceOf>"
        " <https://w3id.org/bjaikg/id/beijing-ai-plus-action-plan> ;"
        " <https://w3id.org/bjaikg/ontology#quote> ?quote }"
    )
    assert isinstance(answer, ox.QuerySolutions)
    quotes = [(row["quote"].value, row["quote"].language) for row in answer]
    assert len(quotes) >= 6 and {language for _, language in quotes} == {"en", "zh"}
    page = project_client.get("/id/beijing-ai-plus-action-plan?lang=zh").text
    records = section(page, "issuances-heading")
    for quote, language in quotes:
        assert f'<blockquote lang="{language}">{escape(quote)}' in records


def test_rows_of_a_dataset_are_one_entry_citing_the_dataset_once_after_quoted_sources(
    client: TestClient,
) -> None:
    """The test model derives from the article and from three rows of one dataset and one of
    another, whose IRIs sort before the article's: the article comes first; each dataset is cited
    once, with its rows counted and listed (linked, by label) inside a collapsed list."""
    sources = section(client.get("/id/test-model?lang=en").text, "sources-heading")
    entries = sources.split('<ul class="source-lines">', 1)[1].split("\n      <li")[1:]
    assert [entry.count("test-article") > 0 for entry in entries] == [True, False, False]
    chips, models = entries[1:]  # by dataset IRI
    assert sources.count("Test lab, &#39;Test models table&#39;") == 1
    assert models.count('href="https://example.org/data-licence"') == 1
    assert "<summary>3 rows of this dataset</summary>" in models
    assert models.index("<details>") < models.index('href="/id/dataset-test-models-row-12')
    assert ">Test models table, row 30 (Test Model (chat))</a>" in models
    # rows 7 and 12 by their numbers (csvw:rownum), not by key or IRI (…-row-12, …-row-7);
    # row 30, without a number, after them
    assert models.index(", row 7 (") < models.index(", row 12 (") < models.index(", row 30 (")
    assert "<summary>1 row of this dataset</summary>" in chips
    assert ">Test chips table, row 2 (Test Chip)</a>" in chips
    chinese = section(client.get("/id/test-model?lang=zh").text, "sources-heading")
    assert "<summary>本数据集中的 3 行</summary>" in chinese


def test_zhipu_s_epoch_rows_are_one_entry_after_the_article(project_client: TestClient) -> None:
    """The project graph: Zhipu derives from the article and, for the name Epoch AI's models
    table gives it ("Zhipu AI"), from that table's rows; the article (its quote's source) comes
    first, the table once with its rows collapsed. (BAAI, tested here before, has no such rows
    since its table's names are its own label and alternative label.)"""
    page = project_client.get("/id/zhipu?lang=en").text
    sources = section(page, "sources-heading")
    entries = sources.split('<ul class="source-lines">', 1)[1].split("\n      <li")[1:]
    assert len(entries) == 2 and "source-beijing-ai-first-city" in entries[0]
    assert sources.count("Epoch AI, &#39;Data on AI Models&#39;") == 1
    assert re.search(r"<summary>[0-9]+ rows of this dataset</summary>", entries[1])
    assert "source-epoch-ai-models" in entries[1]
    # the rows are listed there only, not again (by IRI) in the property table (R2 finding 11)
    properties = section(page, "properties-heading")
    assert 'title="http://www.w3.org/ns/prov#wasDerivedFrom"' not in properties
    numbers = [int(number) for number in re.findall(r", row ([0-9]+) \(", entries[1])]
    # in row order, three-digit rows before four-digit ones (by key: codegeex, row 1156, first)
    assert len(numbers) > 5 and max(numbers) > 999 and numbers == sorted(numbers)
    # the article's paragraph numbers stand under its quotes, not after the table's rows
    quotes_end = sources.rindex("</blockquote>")
    paragraph = sources.index("<p>paragraph ")
    assert quotes_end < paragraph < sources.index('<ul class="source-lines">')


def test_a_dataset_s_rows_are_in_the_order_of_their_numbers_those_without_one_after(
    tmp_path: Path,
) -> None:
    """A contributor's dataset whose row labels name no number: the rows are listed by their
    csvw:rownum (not by label), a row with two numbers once, at its smallest; then the rows
    without a usable number (none, 0, text: the shapes refuse the last two, a served store may
    hold them), by label, none lost."""
    rows = {  # IRI slug: (label, numbers as Turtle)
        "row-a": ("Zeta", ["2"]),
        "row-b": ("Alpha", ["10"]),
        "row-c": ("Gamma", ["11", "3"]),
        "row-d": ("Mid", []),
        "row-e": ("Beta", ["0"]),
        "row-f": ("Delta", ['"4"']),
    }
    turtle = "@prefix bj: <https://w3id.org/bjaikg/id/> .\n"
    turtle += "@prefix bjo: <https://w3id.org/bjaikg/ontology#> .\n"
    turtle += "@prefix csvw: <http://www.w3.org/ns/csvw#> .\n"
    turtle += "@prefix dcterms: <http://purl.org/dc/terms/> .\n"
    turtle += "@prefix prov: <http://www.w3.org/ns/prov#> .\n"
    turtle += "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
    turtle += 'bj:table a bjo:SourceDataset ; rdfs:label "Table"@en .\n'
    for slug, (label, numbers) in rows.items():
        turtle += f'bj:{slug} a bjo:SourceRecord ; rdfs:label "{label}"@en ;'
        turtle += f' dcterms:isPartOf bj:table ; bjo:recordKey "{label}" .\n'
        turtle += "".join(f"bj:{slug} csvw:rownum {number} .\n" for number in numbers)
        turtle += f"bj:thing prov:wasDerivedFrom bj:{slug} .\n"
    path = tmp_path / "rows.ttl"
    path.write_text(turtle, encoding="utf-8")
    graph = load_knowledge_graph([path])
    with TestClient(application_for(graph, query_folder=tmp_path)) as client:
        sources = section(client.get("/id/thing?lang=en").text, "sources-heading")
    listed = re.findall(r'href="/id/row-[a-f]\?lang=en"[^>]*>([A-Za-z]+)</a>', sources)
    assert listed == ["Zeta", "Gamma", "Alpha", "Beta", "Delta", "Mid"]
    assert "<summary>6 rows of this dataset</summary>" in sources


def test_a_policy_s_issuance_records_past_the_limit_are_cut_and_the_page_says_so(
    tmp_path: Path,
) -> None:
    prefixes = "@prefix bj: <https://w3id.org/bjaikg/id/> .\n"
    prefixes += "@prefix bjo: <https://w3id.org/bjaikg/ontology#> .\n"
    records = "".join(
        f"bj:record-{number:03} bjo:issuanceOf bj:policy .\n" for number in range(RECORD_LIMIT + 3)
    )
    path = tmp_path / "records.ttl"
    path.write_text(prefixes + records, encoding="utf-8")
    graph = load_knowledge_graph([path])
    description = read_description(graph, ox.NamedNode(f"{BJ}policy"), neighbours=True)
    assert description.records_cut
    assert len({record for record, *_ in description.records}) == RECORD_LIMIT
    with TestClient(application_for(graph, query_folder=tmp_path)) as client:
        records_section = section(client.get("/id/policy?lang=en").text, "issuances-heading")
    assert records_section.count('<tr><th scope="row">') == RECORD_LIMIT
    assert f"Only the first {RECORD_LIMIT} records found are shown" in records_section


def resource_header(html: str) -> str:
    """The ``<header>`` of a resource page: its labels and names."""
    return html.split('<header class="resource-header">', 1)[1].split("</header>", 1)[0]


def test_names_only_source_datasets_state_stand_apart_under_the_datasets_titles(
    client: TestClient,
) -> None:
    """The test company's names in the generated file, which derives it from rows of the two
    test datasets, stand under a heading naming the datasets (their titles from the graph,
    linked), apart from its labels and the hand-written names; a name the hand-written file
    gives too stays with those; the RDF forms hold every name, as before."""
    for language, heading in (
        ("en", "Names in {chips} and {models}"),
        ("zh", "{chips}和{models}中的名称"),
    ):
        header = resource_header(client.get(f"/id/test-company?lang={language}").text)
        own = header.split('<ul class="names"', 1)[1].split("</ul>", 1)[0]
        tables = section(header, "dataset-names-1")
        assert "测试有限公司" in own and ">Test Company <" in own
        assert "TestCo" not in own and "Test Company Ltd." not in own
        chips, models = (
            f'<a href="/id/dataset-test-{name}?lang={language}" lang="en"'
            f' title="{BJ}dataset-test-{name}">Test {name} table</a>'
            for name in ("chips", "models")
        )
        title = heading.format(chips=chips, models=models)
        assert f'<h2 id="dataset-names-1">{title}</h2>' in tables
        assert '<li lang="en">TestCo <span class="tag">@en</span></li>' in tables
        assert "Test Company Ltd." in tables and "测试有限公司" not in tables
        assert "dataset-names-2" not in header  # one entry for the two datasets together
    names = {
        value_of(triple.object)
        for triple in parse(client.get("/id/test-company.ttl").content, ox.RdfFormat.TURTLE)
        if triple.predicate == ox.NamedNode("http://www.w3.org/2004/02/skos/core#altLabel")
    }
    assert names == {"Test Company Ltd.", "TestCo", "测试有限公司"}
    header = resource_header(client.get("/id/test-district?lang=en").text)
    assert "dataset-names" not in header and "Test Quarter" in header  # hand-written names only


EPOCH_NAMES = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?entity ?name WHERE {
  GRAPH <https://w3id.org/bjaikg/graph/instances/epoch/organisations> {
    ?entity skos:altLabel ?name }
  FILTER NOT EXISTS { ?entity rdfs:label ?name }
  FILTER NOT EXISTS { GRAPH ?other { ?entity skos:altLabel ?name }
    FILTER(?other != <https://w3id.org/bjaikg/graph/instances/epoch/organisations>) }
}"""
"""The names of organisations that only the file generated from Epoch AI's tables states."""


def test_epoch_ai_s_spellings_of_organisations_stand_apart_from_their_names(
    project_client: TestClient, project_graph: KnowledgeGraph
) -> None:
    """The project graph: every organisation's name that only Epoch AI's tables give it stands
    under a heading with the title of one of Epoch AI's datasets (from the graph), not among
    its labels and hand-written names (BAAI beside "Beijing Academy of Artificial Intelligence
    / BAAI" read as a duplicate: a reviewer's finding F6)."""
    answer = project_graph.query(EPOCH_NAMES)
    assert isinstance(answer, ox.QuerySolutions)
    names: dict[str, list[str]] = {}
    for row in answer:
        names.setdefault(row["entity"].value, []).append(row["name"].value)
    assert len(names) > 10
    titles = project_graph.query(
        "SELECT ?title WHERE { ?dataset <http://purl.org/dc/terms/publisher>"
        " <https://w3id.org/bjaikg/id/epoch-ai> ; <http://purl.org/dc/terms/title> ?title }"
    )
    assert isinstance(titles, ox.QuerySolutions)
    headings = [f">{row['title'].value}</a></h2>" for row in titles]
    for entity, texts in names.items():
        page = project_client.get(f"/id/{entity.removeprefix(str(BJ))}?lang=en").text
        header = resource_header(page)
        own = header.split('<ul class="names"', 1)[1].split("</ul>", 1)[0]
        tables = header.split('<section class="dataset-names"', 1)[1]
        assert any(heading in tables for heading in headings), entity
        for text in texts:
            assert f">{escape(text)} <" in tables and f">{escape(text)} <" not in own, entity


def test_a_hidden_spelling_is_searched_not_shown_among_the_names(
    project_client: TestClient,
) -> None:
    """Epoch AI's "OPPO HealthLab" only respaces the label "OPPO Health Lab": a hidden label
    (found by search, test_search.py), in the page's RDF forms but not among its names."""
    for language in ("en", "zh"):
        page = project_client.get(f"/id/oppo-health-lab?lang={language}").text
        assert "OPPO Health Lab" in resource_header(page) and "OPPO HealthLab" not in page
    assert "OPPO HealthLab" in project_client.get("/id/oppo-health-lab.ttl").text


def test_inferred_values_are_marked(client: TestClient) -> None:
    html = client.get("/id/test-chip?lang=en").text
    row = html.split(">developed by</a>", 1)[1].split("</tr>", 1)[0]
    assert "inferred" in row  # developedBy follows from designedBy's sub-property axiom


def test_page_has_neighbourhood_diagram_along_the_chain(client: TestClient) -> None:
    html = client.get("/id/test-chip?lang=en").text
    svg = html.split("<svg", 1)[1].split("</svg>", 1)[0]
    for slug in ("test-policy", "test-district", "test-company", "test-model", "test-chip"):
        assert f'href="/id/{slug}' in svg
    assert 'role="img"' in html.split("<svg", 1)[1].split(">", 1)[0]
    assert "<title" in svg
    chinese = client.get("/id/test-chip?lang=zh").text.split("<svg", 1)[1]
    assert 'href="/id/test-company?lang=zh"' in chinese  # the picture keeps the language


def diagram_columns(page: str) -> dict[int, list[str]]:
    """The slugs of a page's neighbourhood picture by column (the boxes' x), in drawn order."""
    svg = page.split("<svg", 1)[1].split("</svg>", 1)[0]
    columns: dict[int, list[str]] = {}
    for slug, x in re.findall(
        r'<a href="/id/([^"?]+)[^"]*" class="node[^"]*"><rect x="(\d+)"', svg
    ):
        columns.setdefault(int(x), []).append(slug)
    return columns


CHIP_COLUMN = MARGIN + 4 * (BOX_WIDTH + COLUMN_GAP)


def test_a_chip_family_a_product_supports_is_drawn_as_a_chip(client: TestClient) -> None:
    """A chip family is a product in the class tree, so the picture left it out of the product's
    chips (a researcher's review, 2026-12-07, finding 2)."""
    columns = diagram_columns(client.get("/id/test-model?lang=en").text)
    assert columns[CHIP_COLUMN] == ["test-chip", "test-chip-family"]


def test_a_model_s_chip_families_are_drawn_on_the_project_graph(
    project_client: TestClient,
) -> None:
    """ERNIE-4.5-300B-A47B supports Huawei Ascend (a chip) and three designers' chip families;
    FlagTree eight families, more than a stage draws; only Huawei Ascend and no box were drawn."""
    ernie = diagram_columns(project_client.get("/id/ernie-4-5-300b-a47b?lang=en").text)
    assert ernie[CHIP_COLUMN] == [
        "enflame-ai-chips",
        "huawei-ascend",
        "iluvatar-corex-ai-chips",
        "kunlunxin-ai-chips",
    ]
    page = project_client.get("/id/flagtree?lang=en").text
    assert len(diagram_columns(page)[CHIP_COLUMN]) == 6
    caption = re.search(r"<figcaption>(.*?)</figcaption>", page)
    assert caption and caption.group(1).endswith(" Chip: 6 of 8 shown."), caption


def test_a_neighbourhood_stage_drawn_in_part_says_so(project_client: TestClient) -> None:
    """Zhipu developed more products than a stage draws: the caption and the picture's
    description said only "Along the chain …" (a review, 2026-12-07)."""
    for language, pattern in (
        ("en", r"Product: 6 of (\d+) shown\."),
        ("zh", r"产品：共 (\d+) 个，显示 6 个。"),
    ):
        page = project_client.get(f"/id/zhipu?lang={language}").text
        caption = re.search(r"<figcaption>(.*?)</figcaption>", page)
        description = re.search(r'<desc id="diagram-desc">(.*?)</desc>', page)
        assert caption and description
        assert caption.group(1) == description.group(1)
        found = re.search(pattern, caption.group(1))
        assert found and int(found.group(1)) > 6, caption.group(1)
    whole = project_client.get("/id/beijing-ai-plus-action-plan?lang=en").text
    assert re.search(r"<figcaption>Along the chain [^<]*chip\.</figcaption>", whole)


def test_text_in_another_language_than_the_page_s_says_which(
    project_client: TestClient,
) -> None:
    """Epoch AI's citation is ``@en``; the releases' and the dataset's citations, and the
    release diff's description, are English: on Chinese pages a screen reader read them with
    a Chinese voice (a review, 2026-12-07)."""
    zhipu = project_client.get("/id/zhipu?lang=zh").text
    epoch = re.findall(r'<span class="citation"([^>]*)>Epoch AI', zhipu)
    assert epoch and all(attributes == ' lang="en"' for attributes in epoch), epoch
    english = project_client.get("/id/zhipu?lang=en").text
    assert '<span class="citation">Epoch AI' in english  # the page's own language: no lang
    dataset = project_client.get("/dataset?lang=zh").text
    citations = re.findall(r'<p class="citation"([^>]*)>bjaikg contributors', dataset)
    assert len(citations) > 2 and set(citations) == {' lang="en"'}
    assert '<pre class="bibtex" lang="en">' in dataset
    assert re.search(r'<td lang="en">Epoch AI, &#39;Data on AI Models', dataset)
    assert '<td lang="zh">' not in dataset  # the newspaper's @zh citation: the page's language
    api = project_client.get("/api?lang=zh").text
    diff = api.split('id="release_diff"', 1)[1].split("</section>", 1)[0]
    assert "适用于任意两个已提交的发布版本" in diff and "What `python" not in diff


def test_external_links_are_listed(client: TestClient) -> None:
    html = client.get("/id/test-district?lang=en").text
    assert 'href="http://www.wikidata.org/entity/Q0"' in html
    assert "Wikidata Q0" in html


def test_language_switch_changes_page_language_and_labels(client: TestClient) -> None:
    english = client.get("/id/test-chip?lang=en").text
    chinese = client.get("/id/test-chip?lang=zh").text
    assert '<html lang="en">' in english and '<html lang="zh">' in chinese
    assert "<h1>测试芯片</h1>" in chinese
    assert ">设计者</a>" in chinese
    assert 'href="/id/test-chip?lang=zh"' in english  # the switch keeps the page
    assert 'href="/id/test-company?lang=zh"' in chinese  # links keep the chosen language


def test_accept_language_picks_the_page_language(client: TestClient) -> None:
    page = client.get("/id/test-chip", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"})
    assert '<html lang="zh">' in page.text


@pytest.mark.parametrize(
    ("accept_language", "language"),
    [("zh;q=0, en", "en"), ("en;q=0.5, zh;q=0.8", "zh"), ("fr, en;q=0.1", "en"), ("zh;q=x", "en")],
)
def test_accept_language_q_values_are_honoured(
    client: TestClient, accept_language: str, language: str
) -> None:
    page = client.get("/id/test-chip", headers={"Accept-Language": accept_language})
    assert f'<html lang="{language}">' in page.text


@pytest.mark.parametrize(("media_type", "rdf_format"), RDF_FORMATS)
def test_accept_header_gives_rdf(
    client: TestClient, media_type: str, rdf_format: ox.RdfFormat
) -> None:
    answer = client.get("/id/test-chip", headers={"Accept": media_type})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith(media_type)
    assert "Accept" in answer.headers["vary"]
    triples = parse(answer.content, rdf_format)
    designed_by = ox.Triple(
        ox.NamedNode(CHIP), ox.NamedNode(f"{BJO}designedBy"), ox.NamedNode(f"{BJ}test-company")
    )
    assert designed_by in triples
    outgoing = {triple for triple in triples if triple.subject == ox.NamedNode(CHIP)}
    incoming = set(triples) - outgoing  # named resources' statements about it, as on the page
    runs_on = ox.Triple(
        ox.NamedNode(f"{BJ}test-model"), ox.NamedNode(f"{BJO}runsOn"), ox.NamedNode(CHIP)
    )
    assert runs_on in incoming and all(triple.object == ox.NamedNode(CHIP) for triple in incoming)


@pytest.mark.parametrize(("suffix", "rdf_format"), RDF_SUFFIXES)
def test_suffix_gives_rdf(client: TestClient, suffix: str, rdf_format: ox.RdfFormat) -> None:
    answer = client.get(f"/id/test-chip.{suffix}", headers={"Accept": "text/html"})
    assert answer.status_code == 200
    assert len(parse(answer.content, rdf_format)) > 5


@pytest.mark.parametrize(
    ("name", "media_type"),
    [
        ("ttl", "text/turtle"),
        ("nt", "application/n-triples"),
        ("jsonld", "application/ld+json"),
        ("rdfxml", "application/rdf+xml"),
    ],
)
def test_format_parameter_overrides_accept(client: TestClient, name: str, media_type: str) -> None:
    answer = client.get(f"/id/test-chip?format={name}", headers={"Accept": "text/html"})
    assert answer.headers["content-type"].startswith(media_type)


def test_html_suffix_and_browser_accept_give_the_page(client: TestClient) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    for path in ("/id/test-chip", "/id/test-chip.html"):
        answer = client.get(path, headers={"Accept": browser})
        assert answer.headers["content-type"].startswith("text/html")


def test_no_accept_header_gives_the_page(client: TestClient) -> None:
    answer = client.get("/id/test-chip", headers={"Accept": ""})
    assert answer.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize("path", ["/id/test-chip", "/ontology", "/dataset"])
def test_unacceptable_media_type_is_406_listing_the_page_too(client: TestClient, path: str) -> None:
    by_accept = client.get(path, headers={"Accept": "image/png"})
    by_format = client.get(f"{path}?format=pdf")
    for answer, offered in ((by_accept, "text/html, text/turtle"), (by_format, "html, ttl")):
        assert answer.status_code == 406
        assert f"this page is offered as {offered}" in answer.text
        assert answer.text.count("\n") == 1
        assert "Accept" in answer.headers["vary"]


def test_page_names_its_rdf_forms_as_alternates(client: TestClient) -> None:
    html = client.get("/id/test-chip?lang=en").text
    head = html.split("</head>", 1)[0]
    alternates = re.findall(r'<link rel="alternate" type="([^"]+)" href="([^"]+)"', head)
    assert ("text/turtle", "/id/test-chip.ttl") in alternates
    assert ("application/ld+json", "/id/test-chip.jsonld") in alternates
    for media_type, href in alternates:
        assert client.get(href).headers["content-type"].split(";")[0] == media_type


@pytest.mark.parametrize(
    "path", ["/search?q=%E6%B5%8B%E8%AF%95&format=json", "/api/queries", "/openapi.json"]
)
def test_json_answers_say_they_are_utf_8(client: TestClient, path: str) -> None:
    answer = client.get(path)
    assert answer.headers["content-type"] == "application/json; charset=utf-8"
    assert answer.json()


def test_unknown_resource_is_404_in_html_and_rdf(client: TestClient) -> None:
    page = client.get("/id/no-such-thing", headers={"Accept": "text/html"})
    assert page.status_code == 404
    assert "https://w3id.org/bjaikg/id/no-such-thing" in page.text
    data = client.get("/id/no-such-thing", headers={"Accept": "text/turtle"})
    assert data.status_code == 404
    assert data.headers["content-type"].startswith("text/plain")


def test_slug_that_is_not_an_iri_is_404_not_500(client: TestClient) -> None:
    assert client.get("/id/a%20b%3Ec").status_code == 404


def test_ontology_page_and_rdf(client: TestClient) -> None:
    page = client.get("/ontology?lang=en")
    assert page.status_code == 200
    html = page.text
    assert 'id="AIChip"' in html and 'id="designedBy"' in html  # #term anchors
    assert "An integrated circuit for AI workloads." in html
    assert '<dd lang="zh">为人工智能负载设计的集成电路。</dd>' in html
    assert "<svg" in html  # class diagram
    hierarchy = html.split('class="hierarchy"', 1)[1].split("</ul>\n", 1)[0]
    assert hierarchy.index(">product</a>") < hierarchy.index(">AI chip</a>")
    turtle = client.get("/ontology", headers={"Accept": "text/turtle"})
    triples = parse(turtle.content, ox.RdfFormat.TURTLE)
    assert (
        ox.Triple(
            ox.NamedNode(f"{BJO}AIChip"),
            ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf"),
            ox.NamedNode(f"{BJO}Product"),
        )
        in triples
    )
    subjects = {value_of(triple.subject) for triple in triples}
    assert all(subject.startswith("https://w3id.org/bjaikg/ontology") for subject in subjects)


def test_dataset_page_and_void_dcat_description(client: TestClient) -> None:
    html = client.get("/dataset?lang=en").text
    assert "How to cite" in html and "@misc{bjaikg" in html
    assert 'href="/dump.ttl"' in html and 'href="/sparql"' in html
    assert "https://creativecommons.org/licenses/by/4.0/" in html
    assert ">Test article</a>" in html  # the registered sources, with what they contribute
    assert "Test newspaper, test article." in html
    answer = client.get("/dataset", headers={"Accept": "text/turtle"})
    triples = parse(answer.content, ox.RdfFormat.TURTLE)
    predicates = {triple.predicate.value for triple in triples}
    assert "http://rdfs.org/ns/void#triples" in predicates
    assert "http://www.w3.org/ns/dcat#downloadURL" in predicates
    assert "http://purl.org/dc/terms/license" in predicates
    void = "http://rdfs.org/ns/void#"
    joins = {(t.predicate.value, value_of(t.object)) for t in triples}  # joins the releases
    assert ("http://purl.org/dc/terms/isVersionOf", "https://w3id.org/bjaikg/dataset") in joins
    assert (f"{void}uriSpace", "https://w3id.org/bjaikg/id/") in joins
    assert (
        "http://www.w3.org/ns/dcat#mediaType",
        "https://www.iana.org/assignments/media-types/text/turtle",
    ) in joins
    [subset] = [
        t.subject
        for t in triples
        if t.predicate.value == "http://purl.org/dc/terms/source"
        and str(t.subject).startswith("<http://testserver/sparql#source-")
    ]
    about_subset = {t.predicate.value: value_of(t.object) for t in triples if t.subject == subset}
    assert (
        about_subset["http://purl.org/dc/terms/source"] == "https://w3id.org/bjaikg/id/test-article"
    )
    assert int(about_subset[f"{void}triples"]) > 10  # the statements of nodes derived from it


def test_void_counts_are_made_when_first_needed(fixture_graph: KnowledgeGraph) -> None:
    """The application counts the triples per named graph when made, the VoID counts on the
    first request needing them: until then ``/health`` and ``/metrics`` give no triple count."""
    application = application_for(fixture_graph, query_folder=QUERIES)
    with TestClient(application) as fresh:
        state = application.state.endpoint
        expected = measure_dataset(fixture_graph)
        listed = [named["graph"] for named in fresh.get("/graphs").json()["graphs"]]
        assert listed == [named.name for named in expected.named_graphs]
        assert fresh.get("/health").json()["triples"] is None
        assert "bjaikg_triples" not in fresh.get("/metrics").text
        assert state.statistics is None
        assert fresh.get("/dataset").status_code == 200
        assert state.statistics == expected
        assert fresh.get("/health").json()["triples"] == expected.triples
        assert f"bjaikg_triples {expected.triples}" in fresh.get("/metrics").text


@pytest.mark.parametrize("page", ["ontology", "dataset"])
@pytest.mark.parametrize(("suffix", "rdf_format"), RDF_SUFFIXES)
def test_ontology_and_dataset_by_suffix_and_format(
    client: TestClient, page: str, suffix: str, rdf_format: ox.RdfFormat
) -> None:
    by_suffix = client.get(f"/{page}.{suffix}", headers={"Accept": "text/html"})
    assert by_suffix.status_code == 200
    assert len(parse(by_suffix.content, rdf_format)) > 10
    name = {"rdf": "rdfxml"}.get(suffix, suffix)
    by_parameter = client.get(f"/{page}?format={name}", headers={"Accept": "text/html"})
    assert by_parameter.content == by_suffix.content
    assert client.get(f"/{page}.html").headers["content-type"].startswith("text/html")
    assert client.get(f"/{page}", headers={"Accept": "image/png"}).status_code == 406
    assert client.get(f"/{page}.pdf").status_code == 404  # no such URL


def test_chinese_inside_another_language_is_marked_but_not_inside_japanese() -> None:
    assert mark_chinese("Magic World (模数世界)", "en") == (
        'Magic World (<span lang="zh">模数世界</span>)'
    )
    assert mark_chinese("人工知能の研究所", "ja") == "人工知能の研究所"
    assert mark_chinese("北京", "zh-Hans") == "北京"


def test_the_style_sheet_is_linked_with_its_version_and_kept_for_a_year(
    client: TestClient,
) -> None:
    """A browser keeps a versioned address for good (a new file gets a new address) and
    revalidates an unversioned one every time."""
    link = re.search(
        r'href="(/static/bjaikg\.css\?v=[0-9a-f]{12})"', client.get("/id/test-chip").text
    )
    assert link is not None
    assert client.get(link[1]).headers["cache-control"] == "public, max-age=31536000, immutable"
    assert client.get("/static/bjaikg.css").headers["cache-control"] == "no-cache"


def test_the_favicon_a_browser_asks_for_is_no_content_not_a_404(client: TestClient) -> None:
    answer = client.get("/favicon.ico")
    assert answer.status_code == 204 and answer.content == b""


@pytest.mark.parametrize("path", ["/", "/id/test-chip", "/ontology", "/dataset", "/search?q=chip"])
def test_a_page_names_its_version_in_each_language_and_says_its_own(
    client: TestClient, path: str
) -> None:
    """One URL serves both languages (by ``Accept-Language``): the head names each version
    and the negotiated one, so a crawler finds the Chinese pages (a review, 2026-12-07)."""
    separator = "&" if "?" in path else "?"
    page = client.get(f"{path}{separator}lang=zh")
    assert page.headers["content-language"] == "zh"
    head = page.text.split("</head>")[0]
    alternates = {
        hreflang: unescape(href)
        for hreflang, href in re.findall(
            r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', head
        )
    }
    assert alternates == {
        "en": f"http://testserver{path}{separator}lang=en",
        "zh": f"http://testserver{path}{separator}lang=zh",
        "x-default": f"http://testserver{path}",
    }
    assert client.get(path, headers={"Accept-Language": "en"}).headers["content-language"] == "en"


def test_the_language_switch_of_a_page_stays_on_this_site(client: TestClient) -> None:
    """A path of two leading slashes made the switch ``//evil.example/x?lang=zh``: another
    site's address (a review, 2026-12-07)."""
    page = client.get("http://testserver//evil.example/x?lang=en", headers={"Accept": "text/html"})
    assert page.status_code == 404
    assert 'href="/evil.example/x?lang=zh"' in page.text and 'href="//' not in page.text


def test_a_path_nothing_serves_is_a_404_that_names_it(client: TestClient) -> None:
    page = client.get("/ontology/AIChip", headers={"Accept": "text/html"})
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "<code>/ontology/AIChip</code>" in page.text and 'href="/ontology"' in page.text
    line = client.get("/ontology/AIChip", headers={"Accept": "*/*"})
    assert line.status_code == 404 and line.text.startswith("no page at /ontology/AIChip;")
    assert line.text.rstrip().endswith("/, /sparql, /api, /ontology, /dataset, /search")
    exists = client.post("/ontology")  # a path that exists keeps its 405, with what it takes
    assert (exists.status_code, exists.headers["allow"]) == (405, "GET, HEAD, OPTIONS")
    nowhere = client.post("/ontology/AIChip", headers={"Accept": "*/*"})
    assert nowhere.status_code == 404 and nowhere.text.startswith("no page at /ontology/AIChip;")
    slash = client.get("/ontology/?lang=zh", follow_redirects=False)
    assert (slash.status_code, slash.headers["location"]) == (
        307,
        "http://testserver/ontology?lang=zh",
    )


@pytest.mark.parametrize("path", ["/id/test-chip/", "/id/test-chip.ttl/", "/id/test-chip//"])
def test_a_resource_s_address_ending_in_a_slash_is_sent_to_itself_without_it(
    client: TestClient, path: str
) -> None:
    """The route took the slash into the slug: a 404 "the graph says nothing about
    <…/test-chip/>", where every other path is sent on (a review, 2026-12-07)."""
    answer = client.get(f"{path}?lang=zh", follow_redirects=False)
    target = path.rstrip("/")
    assert (answer.status_code, answer.headers["location"]) == (
        307,
        f"http://testserver{target}?lang=zh",
    )
    assert client.get(path).status_code == 200


def test_an_unknown_suffix_of_a_resource_is_a_404_listing_the_known_ones(
    client: TestClient,
) -> None:
    answer = client.get("/id/test-chip.trig")
    assert answer.status_code == 404 and ".ttl" in answer.text and ".jsonld" in answer.text
    assert client.get("/id/test-chip.ttl").status_code == 200
    assert client.get("/shapes.html").status_code == 404  # the shapes have no page
    # an RDF client's 404 varies as the browser's does
    missing = client.get("/id/no-such-thing", headers={"Accept": "text/turtle"})
    assert missing.status_code == 404 and "Accept" in missing.headers["vary"]


def test_turtle_and_trig_of_one_page_have_different_tags(client: TestClient) -> None:
    """TriG of a page's triples (no graph) is Turtle's bytes: the media type is in the tag."""
    turtle, trig = (
        client.get("/id/test-chip", headers={"Accept": media_type})
        for media_type in ("text/turtle", "application/trig")
    )
    assert turtle.content == trig.content and turtle.headers["etag"] != trig.headers["etag"]


def test_a_negotiated_rdf_answer_names_the_address_of_its_form(client: TestClient) -> None:
    """RFC 9110 §8.7: ``Content-Location`` says which representation was sent."""
    for accept, location in (
        ("text/turtle", "/id/test-chip.ttl"),
        ("application/ld+json", "/id/test-chip.jsonld"),
    ):
        answer = client.get("/id/test-chip", headers={"Accept": accept})
        assert answer.headers["content-location"] == location
        assert client.get(location).content == answer.content
    suffixed = client.get("/ontology.nt").headers
    assert "content-location" not in suffixed  # one form, not chosen by Accept
    assert "Accept" not in suffixed.get("vary", "")
    trig = client.get("/id/test-chip", headers={"Accept": "application/trig"})
    assert "content-location" not in trig.headers  # no address of its own
    assert "content-location" not in client.get("/id/test-chip").headers  # the page itself


def test_pages_and_their_rdf_forms_signpost_the_iri_to_cite_their_forms_and_licence(
    client: TestClient,
) -> None:
    """FAIR Signposting level 1: ``cite-as``, ``describedby`` per RDF form, ``license``."""
    for path, cite_as in (
        ("/id/test-chip", "https://w3id.org/bjaikg/id/test-chip"),
        ("/id/test-chip.ttl", "https://w3id.org/bjaikg/id/test-chip"),
        ("/ontology", "https://w3id.org/bjaikg/ontology"),
    ):
        links = client.get(path).headers["link"]
        assert f'<{cite_as}>; rel="cite-as"' in links
        assert '<https://creativecommons.org/licenses/by/4.0/>; rel="license"' in links
        stem = path.removesuffix(".ttl")
        assert f'<{stem}.ttl>; rel="describedby"; type="text/turtle"' in links
        assert f'<{stem}.jsonld>; rel="describedby"; type="application/ld+json"' in links
    dataset = client.get("/dataset").headers["link"]
    assert 'rel="cite-as"' in dataset and '</dataset.rdf>; rel="describedby"' in dataset


def test_a_page_s_json_ld_is_compacted_with_the_prefixes_it_uses_and_holds_its_triples(
    client: TestClient,
) -> None:
    document = client.get("/id/test-chip.jsonld").json()
    context = document["@context"]
    assert context["bjo"] == "https://w3id.org/bjaikg/ontology#"
    assert "qudt" not in context  # only the prefixes used
    turtle = client.get("/id/test-chip.ttl").content
    compacted = client.get("/id/test-chip.jsonld").content
    as_turtle = set(ox.parse(turtle, format=ox.RdfFormat.TURTLE))
    assert set(ox.parse(compacted, format=ox.RdfFormat.JSON_LD)) == as_turtle


def test_a_line_to_a_box_on_its_left_joins_the_facing_edges() -> None:
    """A subclass (right) to its class (left): from the subclass's left edge to the class's
    right edge, not across both boxes; the line is named (hover title)."""
    boxes = [Box("parent", "Product", "/p", 0, 0), Box("child", "AI chip", "/c", 1, 1)]
    svg = render_svg(boxes, [Line("child", "parent", "subclass of")], "t", "d", [])
    path = re.search(r'<path class="edge" d="M (\d+) \d+ C [\d ]+ (\d+) \d+"', svg)
    assert path is not None
    child_left = MARGIN + BOX_WIDTH + COLUMN_GAP
    assert (int(path[1]), int(path[2])) == (child_left, MARGIN + BOX_WIDTH)
    assert "<title>subclass of</title>" in svg


def test_a_policy_s_issuance_records_show_their_notes(project_client: TestClient) -> None:
    """What a reviewer noted of a record (skos:note) is on the policy's page, under the record,
    in its own language on the Chinese page too; the policy's own notes are not repeated in
    the row of what it states."""
    for language in ("en", "zh"):
        page = project_client.get(f"/id/ai-agents-opinions-2026?lang={language}").text
        records = section(page, "issuances-heading")
        note = "no page read gives a signing date"
        assert note in records and records.count('<details class="record-note">') >= 2
        if language == "zh":
            assert '<summary>说明</summary><p lang="en">' in records
    stated = records.split('<tr class="stated">', 1)[-1].split("</tr>", 1)[0]
    assert "record-note" not in stated
