"""The query editor page in headless Chromium against the real ``serve.py`` (the interface
fixture graph), from the keyboard and without JavaScript: the skip link into the editor, names
on YASGUI's controls, leaving the editor by Esc then Tab; and, with JavaScript off, the plain
form that the example links fill in and that queries ``/sparql``."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from bjaikg.query_catalogue import QUERY_FOLDER, read_header
from tests.browser.test_pages_in_chromium import CHIPS_QUERY
from tests.server_process import ServerProcess

pytestmark = pytest.mark.browser

UNNAMED_CONTROLS = """() => Array.from(
    document.querySelectorAll("#yasgui input, #yasgui textarea, #yasgui select")
  ).filter((control) => control.type !== "hidden" && control.labels.length === 0
    && !control.getAttribute("aria-label") && !control.getAttribute("aria-labelledby")
    && !control.title
  ).map((control) => control.outerHTML.slice(0, 120))"""
"""The form controls of the editor that have no accessible name."""


def new_page(browser: Browser, *, javascript: bool = True) -> tuple[Page, list[str]]:
    """A page of a fresh context, and the script errors it will record."""
    context = browser.new_context(
        viewport={"width": 1400, "height": 1000}, locale="en-GB", java_script_enabled=javascript
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return page, errors


def test_editor_is_reached_and_left_from_the_keyboard(
    browser: Browser, server: ServerProcess
) -> None:
    page, errors = new_page(browser)
    page.goto(f"{server.url}/?lang=en")
    query_text = page.get_by_role("textbox", name="SPARQL query")
    expect(query_text).to_be_attached()
    expect(page.locator("#editor-keys")).to_contain_text("press Esc, then Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Skip to the query editor")
    page.keyboard.press("Enter")
    expect(query_text).to_be_focused()
    assert query_text.get_attribute("aria-describedby") == "editor-keys"
    page.keyboard.press("Tab")  # indents: the focus stays in the editor
    expect(query_text).to_be_focused()
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")
    expect(query_text).not_to_be_focused()
    assert errors == []
    page.context.close()


def test_every_control_of_the_editor_has_a_name(browser: Browser, server: ServerProcess) -> None:
    page, errors = new_page(browser)
    page.goto(f"{server.url}/?lang=zh&query=SELECT%20*%20WHERE%20%7B%3Fs%20%3Fp%20%3Fo%7D")
    expect(page.locator(".yasr_results table").first).to_be_visible(timeout=15_000)
    expect(page.get_by_role("textbox", name="SPARQL 查询")).to_be_attached()
    expect(page.get_by_role("textbox", name="SPARQL 端点")).to_be_attached()
    for kind in ("Ask / Select", "Construct / Describe"):  # in the tab's settings menu
        expect(page.locator(f'select[aria-label="结果格式: {kind}"]')).to_be_attached()
    assert page.evaluate(UNNAMED_CONTROLS) == []
    page.locator(".addTab").click()  # a new tab draws new controls
    expect(page.locator("[role=tab]")).to_have_count(2)
    expect(page.locator('.CodeMirror textarea[aria-label="SPARQL 查询"]')).to_have_count(2)
    assert page.evaluate(UNNAMED_CONTROLS) == []
    assert errors == []
    page.context.close()


def test_the_address_keeps_the_query_and_the_language(
    browser: Browser, server: ServerProcess
) -> None:
    page, errors = new_page(browser)
    page.goto(f"{server.url}/?{urlencode({'query': CHIPS_QUERY, 'lang': 'zh'})}")
    expect(page.locator('.yasr_results a[href="/id/test-chip?lang=zh"]')).to_be_visible(
        timeout=15_000
    )
    expect(page).to_have_url(re.compile(r"/\?lang=zh#query=PREFIX"))
    page.reload()
    expect(page.locator('.yasr_results a[href="/id/test-chip?lang=zh"]')).to_be_visible(
        timeout=15_000
    )
    assert page.locator("html").get_attribute("lang") == "zh"
    assert errors == []
    page.context.close()


def test_a_shared_link_stays_in_the_address(browser: Browser, server: ServerProcess) -> None:
    """YASGUI empties the fragment it reads a shared query from: the address gets it back, so a
    reload, or Back from a result's page, shows the query again."""
    page, errors = new_page(browser)
    shared = urlencode({"query": CHIPS_QUERY, "endpoint": f"{server.url}/sparql"})
    page.goto(f"{server.url}/?lang=en#{shared}")
    result = page.locator(".yasr_results a").filter(has_text=re.compile(r"^bj:test-chip$"))
    expect(result).to_be_visible(timeout=15_000)
    expect(page).to_have_url(re.compile(r"/\?lang=en#query=PREFIX"))
    page.reload()
    expect(result).to_be_visible(timeout=15_000)
    expect(page).to_have_url(re.compile(r"/\?lang=en#query=PREFIX"))
    result.click()
    expect(page.locator("h1")).to_have_text("Test Chip")
    page.go_back()
    expect(result).to_be_visible(timeout=15_000)
    expect(page).to_have_url(re.compile(r"/\?lang=en#query=PREFIX"))
    assert errors == []
    page.context.close()


def test_the_endpoint_gets_only_the_query(browser: Browser, server: ServerProcess) -> None:
    """The page's ?lang= is not a request argument: not in a query's POST (one a run), not in
    the fragment of the address or of YASGUI's share link."""
    page, errors = new_page(browser)
    sent: list[dict[str, list[str]]] = []
    page.on(
        "request",
        lambda request: (
            sent.append(parse_qs(request.post_data or ""))
            if request.url == f"{server.url}/sparql"
            else None
        ),
    )
    page.goto(f"{server.url}/?lang=zh")  # no query given: the address stays as it is
    expect(page.locator(".yasqe_share")).to_be_visible()
    expect(page).to_have_url(f"{server.url}/?lang=zh")
    page.locator(".yasqe_share").click()
    link = page.locator(".yasqe_sharePopup input").input_value()
    assert link.startswith(f"{server.url}/?lang=zh#query=")
    assert "lang=" not in link.partition("#")[2]
    with page.expect_response(f"{server.url}/sparql"):
        page.locator(".yasqe_queryButton").click()  # the default query
    page.goto(f"{server.url}/?{urlencode({'query': CHIPS_QUERY, 'lang': 'zh'})}")
    expect(page.locator(".yasr_results table").first).to_be_visible(timeout=15_000)
    assert "lang=" not in page.url.partition("#")[2]
    with page.expect_response(f"{server.url}/sparql"):
        page.locator(".yasqe_queryButton").click()  # a run from the editor
    assert [sorted(arguments) for arguments in sent] == [["query"]] * 3
    assert sent[1:] == [{"query": [CHIPS_QUERY]}] * 2
    assert errors == []
    page.context.close()


SERVICE_QUERY = (
    "SELECT * WHERE { SERVICE <https://query.wikidata.org/sparql> { ?s ?p ?o } } LIMIT 1"
)
"""Refused with 403 by a server started without ``--allow-service`` (it asks no one)."""


def test_a_refused_query_shows_its_error_and_throws_none(
    browser: Browser, server: ServerProcess
) -> None:
    """A query the endpoint refuses (403), run from the address or from an example, shows the
    answer in the results and leaves no uncaught error (a rejected promise) in the page."""
    page, errors = new_page(browser)
    page.goto(f"{server.url}/?{urlencode({'query': SERVICE_QUERY, 'lang': 'en'})}")
    message = page.locator(".yasr_results .errorResult pre")
    expect(message).to_contain_text("allow-list", timeout=15_000)
    page.evaluate(  # an example that calls SERVICE, as the federated examples of queries/ do
        """(query) => { document.querySelector(".example-link").href = "/?query="
            + encodeURIComponent(query); }""",
        SERVICE_QUERY,
    )
    page.evaluate("() => document.querySelector('.yasr_results').replaceChildren()")
    page.locator(".example-link").first.click()
    expect(message).to_contain_text("allow-list", timeout=15_000)
    page.evaluate("() => new Promise((done) => setTimeout(done, 100))")  # rejections reported
    assert errors == []
    page.context.close()


def example_text(name: str) -> str:
    """What the example ``name`` (a query without parameters or inserted patterns) puts in the
    editor, from its file in queries/: its English and Chinese titles as comment lines, then
    the file's lines but its ``#+`` header, each line as it is, and a line break at the end."""
    path = QUERY_FOLDER / f"{name}.rq"
    text = path.read_text(encoding="utf-8")
    assert "?_" not in text and "# insert pattern" not in text, f"{name}: not the file's text"
    header = read_header(path, text)
    body = [line for line in text.splitlines() if not line.startswith("#+")]
    return "\n".join([f"# {header['title.en']}", f"# {header['title.zh']}", *body]) + "\n"


EDITOR_TEXT = "() => window.bjaikgEditor.getTab().getYasqe().getValue()"
"""The query text in the editor, as YASQE (CodeMirror) holds it: every line, shown or not."""


def test_an_example_puts_its_own_text_in_the_editor(
    browser: Browser, server: ServerProcess
) -> None:
    """Clicking an example puts exactly its query in the editor, line breaks, indentation,
    comments, ``+``, ``*``, ``&&`` and Chinese included, and runs that text. The examples are
    two long ones: one holds a pattern another file inserts (its begin and end comment lines)
    and has an apostrophe in its title. (No test read the editor after a click: a script
    joining the lines passed; a review, 2026-12-07.)"""
    page, errors = new_page(browser)
    page.goto(f"{server.url}/?lang=en")
    expect(page.get_by_role("textbox", name="SPARQL query")).to_be_attached()
    for name in ("headquarters-disagreements", "ai-safety-governance-releases"):
        expected = example_text(name)
        assert expected.count("\n") > 20
        assert page.evaluate(EDITOR_TEXT) != expected  # the default query, or the one before
        rest = page.locator(f'a[href="/api/queries/{name}?format=json"]')  # its REST link
        link = page.locator(".example").filter(has=rest).locator(".example-link")
        with page.expect_request(f"{server.url}/sparql") as asked:
            link.click()
        assert page.evaluate(EDITOR_TEXT) == expected
        assert parse_qs(asked.value.post_data or "")["query"] == [expected]
        asked.value.response()  # answered before the next click or the page's end
    assert errors == []
    page.context.close()


def test_a_chinese_page_names_empty_results_and_errors_in_chinese(
    browser: Browser, server: ServerProcess
) -> None:
    """DataTables' footer and empty-table line, and the error view's link, in Chinese."""
    page, errors = new_page(browser)
    page.goto(f"{server.url}/?{urlencode({'query': CHIPS_QUERY, 'lang': 'zh'})}")
    expect(page.locator(".dt-info")).to_have_text("第 1 至 2 条，共 2 条", timeout=15_000)
    expect(page.locator(".dt-paging nav")).to_have_attribute("aria-label", "分页")
    expect(page.locator(".dt-paging-button.next")).to_have_attribute("aria-label", "下一页")
    expect(page.locator('thead [aria-label="chip：点击排序"]')).to_have_count(1)
    page.locator("input.tableFilter").press_sequentially("no such chip")  # YASR reads keyup
    expect(page.locator("td.dt-empty")).to_have_text("没有符合筛选条件的结果")
    expect(page.locator(".dt-info")).to_have_text("共 0 条 （从 2 条中筛选）")
    empty = "SELECT ?chip WHERE { ?chip a <https://example.org/Nothing> }"
    page.goto(f"{server.url}/?{urlencode({'query': empty, 'lang': 'zh'})}")
    expect(page.locator("td.dt-empty")).to_have_text("没有结果", timeout=15_000)
    expect(page.locator(".dt-info")).to_have_text("共 0 条")
    page.goto(f"{server.url}/?{urlencode({'query': 'SELECT * WHERE {', 'lang': 'zh'})}")
    expect(page.locator(".yasr_tryQuery")).to_have_text(
        "在新窗口中用 GET 运行此查询", timeout=15_000
    )
    assert "lang=" not in (page.locator(".yasr_tryQuery").get_attribute("href") or "")
    assert errors == []
    page.context.close()


def test_without_javascript_the_plain_form_queries_the_endpoint(
    browser: Browser, server: ServerProcess
) -> None:
    """Playwright's text and role locators skip ``<noscript>``, which Chromium shows with
    JavaScript off: the form's parts are found by CSS."""
    page, _ = new_page(browser, javascript=False)
    page.goto(f"{server.url}/?lang=en")
    expect(page.locator("noscript .notice")).to_be_visible()
    expect(page.locator("noscript .notice")).to_contain_text("The query editor needs JavaScript")
    assert "not installed" not in page.content()
    expect(page.locator("#editor-keys")).to_be_hidden()  # a hint for the editor only
    example = page.locator(".example-link:not([data-network])").first
    example.click()
    query_text = page.locator("noscript textarea#plain-query[name=query]")
    address = example.get_attribute("href") or ""
    expect(query_text).to_have_value(parse_qs(urlsplit(address).query)["query"][0])
    page.goto(f"{server.url}/?{urlencode({'query': CHIPS_QUERY, 'lang': 'en'})}")
    expect(query_text).to_have_value(CHIPS_QUERY)
    expect(page.locator("noscript select#plain-format[name=format]")).to_have_value("srj")
    page.locator("noscript .plain-query button[type=submit]").click()  # shown, not downloaded
    answer = json.loads(page.locator("pre").inner_text())
    assert [row["label"]["value"] for row in answer["results"]["bindings"]] == [
        "Test Chip",
        "Test Chip Two",
    ]
    page.context.close()


CHIPS_LIMITED = "SELECT ?s WHERE { ?s a <https://w3id.org/bjaikg/ontology#AIChip> } LIMIT 3"
"""A query typed over an example's: the one the language switch must carry."""


def test_the_language_switch_keeps_the_query_being_edited(
    browser: Browser, server: ServerProcess
) -> None:
    """The switch's address was the server's (``/?query=<the example>&lang=zh``): the other
    language opened with the example's query, or the default one, not the query edited (a
    review, 2026-12-07). It now holds the fragment the editor writes and no ``query=``, for a
    query run and for one only typed."""
    page, errors = new_page(browser)
    page.goto(f"{server.url}/?{urlencode({'query': CHIPS_QUERY, 'lang': 'en'})}")
    expect(page.locator(".yasr_results table").first).to_be_visible(timeout=15_000)
    page.evaluate(f"window.bjaikgEditor.getTab().setQuery({json.dumps(CHIPS_LIMITED)}); null")
    with page.expect_response(f"{server.url}/sparql"):
        page.locator(".yasqe_queryButton").click()
    switch = page.locator(".language-switch")
    address = urlsplit(switch.get_attribute("href") or "")
    assert parse_qs(address.query) == {"lang": ["zh"]}
    assert parse_qs(address.fragment)["query"] == [CHIPS_LIMITED]
    switch.click()
    expect(page.locator("html")).to_have_attribute("lang", "zh")
    expect(page.locator(".yasr_results table").first).to_be_visible(timeout=15_000)
    assert page.evaluate(EDITOR_TEXT) == CHIPS_LIMITED
    typed = CHIPS_LIMITED.replace("LIMIT 3", "LIMIT 2")  # edited, not run
    page.evaluate(f"window.bjaikgEditor.getTab().setQuery({json.dumps(typed)}); null")
    page.locator(".language-switch").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".yasr_results table").first).to_be_visible(timeout=15_000)
    assert page.evaluate(EDITOR_TEXT) == typed
    assert errors == []
    page.context.close()
