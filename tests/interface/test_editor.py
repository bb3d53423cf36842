"""The query editor page: YASGUI from node_modules, prefixes, ontology terms, examples; and the
page that replaces it when the npm packages are not installed."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from markupsafe import escape
from starlette.testclient import TestClient

from bjaikg.interface import NODE_MODULES, YASGUI_BUILD
from bjaikg.interface.language import LANGUAGES, TAG_NAMES_ZH, WORDS
from bjaikg.interface.pages import PLAIN_FORM_FORMATS
from bjaikg.namespaces import PREFIXES
from bjaikg.negotiation import choose_rdf_format, choose_results_format
from bjaikg.query_catalogue import load_catalogue
from bjaikg.store import KnowledgeGraph
from tests.application import application_for

from .conftest import QUERIES


def configuration(html: str) -> dict[str, Any]:
    """The editor's configuration embedded in the page."""
    match = re.search(
        r'<script type="application/json" id="editor-configuration">(.*?)</script>', html, re.S
    )
    assert match, "the page embeds no editor configuration"
    return json.loads(match.group(1))


def test_editor_loads_yasgui_from_this_server(client: TestClient) -> None:
    html = client.get("/").text
    version = r"\?v=[0-9a-f]{12}"  # the file's digest: browsers keep it for good
    assert re.search(rf'<script src="/assets/yasgui/yasgui\.min\.js{version}"></script>', html)
    assert re.search(rf'href="/assets/yasgui/yasgui\.min\.css{version}"', html)
    assert "//cdn" not in html and "unpkg" not in html and "jsdelivr" not in html
    script = client.get("/assets/yasgui/yasgui.min.js")
    assert script.status_code == 200 and len(script.content) > 100_000
    assert client.get("/static/editor.js").status_code == 200
    assert client.get("/static/bjaikg.css").status_code == 200


def test_editor_configuration_has_prefixes_terms_and_endpoint(client: TestClient) -> None:
    settings = configuration(client.get("/").text)
    assert settings["endpoint"] == "/sparql"
    assert settings["prefixes"] == PREFIXES
    assert "https://w3id.org/bjaikg/ontology#AIChip" in settings["classes"]
    assert "https://w3id.org/bjaikg/ontology#designedBy" in settings["properties"]
    assert "https://w3id.org/bjaikg/ontology#designedBy" not in settings["classes"]


def test_examples_are_offered_in_both_languages_with_defaults_bound(client: TestClient) -> None:
    english = client.get("/?lang=en").text
    chinese = client.get("/?lang=zh").text
    assert "Which chips does a company design?" in english
    assert '<span class="other-language" lang="zh">某企业设计了哪些芯片？</span>' in english
    assert "给定企业设计的人工智能芯片及其英文名称。" in chinese
    link = re.search(r'<a class="example-link" href="([^"]+)"', english)
    assert link is not None
    assert link.group(1).startswith("/?query=")
    query = parse_qs(urlsplit(html.unescape(link.group(1))).query)["query"][0]
    assert "https://w3id.org/bjaikg/id/test-company" in query  # default bound
    assert "?_designer" not in query
    assert "data-query" not in english  # each query once, in its link (the page was 257 KB)


BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
"""What Chromium and Firefox send for a link they follow."""


def test_an_example_s_rest_link_shows_json_in_a_browser(client: TestClient) -> None:
    """A browser's Accept got SPARQL XML, shown as an unstyled tree (a review, 2026-12-07)."""
    links = re.findall(r'<a href="(/api/queries/[^"]+)"[^>]*>REST: ', client.get("/").text)
    assert links
    for link in links[:3]:
        answer = client.get(html.unescape(link), headers={"Accept": BROWSER_ACCEPT})
        assert answer.headers["content-type"].startswith("application/sparql-results+json")
        assert "results" in answer.json()


def test_editor_script_uses_local_completions_not_lov() -> None:
    script = (Path(__file__).resolve().parents[2] / "bjaikg/interface/static/editor.js").read_text()
    assert "forkAutocompleter" in script and "http" not in script.replace(
        "http://www.w3.org/2000/svg", ""
    ).replace("window.location.href", "")


def test_missing_node_modules_gives_install_hint_and_plain_form(
    fixture_graph: KnowledgeGraph, tmp_path: Path
) -> None:
    application = application_for(fixture_graph, query_folder=QUERIES, node_modules=tmp_path)
    with TestClient(application) as bare:
        page = bare.get("/?lang=en")
        assert page.status_code == 200
        assert "npm ci" in page.text
        assert '<form class="plain-query" action="/sparql" method="get">' in page.text
        assert "yasgui.min.js" not in page.text
        assert bare.get("/assets/yasgui/yasgui.min.js").status_code == 404


def test_without_javascript_the_page_says_so_and_offers_a_plain_form(client: TestClient) -> None:
    html = client.get("/?lang=en").text
    fallback = html.split("<noscript>", 1)[1].split("</noscript>", 1)[0]
    assert WORDS["editor_needs_javascript"]["en"] in fallback
    assert WORDS["editor_missing"]["en"] not in html
    assert '<form class="plain-query" action="/sparql" method="get">' in fallback
    assert '<textarea id="plain-query" name="query"' in fallback
    assert '<select id="plain-format" name="format">' in fallback


def test_an_example_link_fills_the_plain_form(client: TestClient) -> None:
    query = 'SELECT * WHERE { ?s ?p "<ok>" }'
    html = client.get("/", params={"query": query, "lang": "en"}).text
    assert f'name="query" rows="16">{escape(query)}</textarea>' in html


def test_every_format_of_the_plain_form_is_one_the_endpoint_takes() -> None:
    [(_, results), (_, graphs)] = PLAIN_FORM_FORMATS
    for value, _ in results:
        choose_results_format(None, value)
    for value, _ in graphs:
        choose_rdf_format(None, value)
    assert "srj" in {value for value, _ in results}  # the form's default: SPARQL JSON


def test_editor_page_has_a_skip_link_and_a_hint_for_keyboard_users(client: TestClient) -> None:
    html = client.get("/?lang=zh").text
    assert '<a class="skip-link" href="#query-editor">跳到查询编辑器</a>' in html
    assert 'id="query-editor"' in html
    assert "先按 Esc 再按 Tab" in html
    names = configuration(html)["names"]
    assert names == {
        "query": "SPARQL 查询",
        "endpoint": "SPARQL 端点",
        "accept": "结果格式",
        "tab": "标签页名称",
    }


def test_yasgui_is_installed_by_npm() -> None:
    assert (NODE_MODULES / YASGUI_BUILD / "yasgui.min.js").is_file(), "run `npm ci`"


def test_every_ui_word_exists_in_both_languages() -> None:
    for key, texts in WORDS.items():
        assert set(texts) == set(LANGUAGES), key
        assert all(text.strip() for text in texts.values()), key


def test_every_tag_of_the_catalogue_has_a_chinese_name(project_client: TestClient) -> None:
    tags = {tag for query in load_catalogue() for tag in query.tags}
    assert tags <= set(TAG_NAMES_ZH), sorted(tags - set(TAG_NAMES_ZH))
    page = project_client.get("/?lang=zh").text
    assert '<span class="tag">机构</span>' in page
    assert '<span class="tag">organisations</span>' not in page
