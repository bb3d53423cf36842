"""The pages in headless Chromium (Debian's chromium, driven by Playwright) against the real
``serve.py`` on 127.0.0.1, serving the interface fixture graph: run an example query, follow a
result to its resource page, switch language, search, chart an aggregate; a screenshot of each
page goes to ``test-artifacts/screenshots/``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from playwright.sync_api import Browser, Page, expect

from bjaikg import PROJECT_ROOT
from tests.server_process import ServerProcess

pytestmark = pytest.mark.browser

SCREENSHOTS = PROJECT_ROOT / "test-artifacts" / "screenshots"

CHIPS_QUERY = """PREFIX bjo: <https://w3id.org/bjaikg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?chip ?label WHERE { ?chip a bjo:AIChip ; rdfs:label ?label FILTER(LANG(?label) = "en") }
ORDER BY ?label"""

COUNT_QUERY = """PREFIX bjo: <https://w3id.org/bjaikg/ontology#>
SELECT ?class (COUNT(?entity) AS ?entities) WHERE {
  ?entity a ?class FILTER(STRSTARTS(STR(?class), STR(bjo:)))
} GROUP BY ?class ORDER BY DESC(?entities)"""


@pytest.fixture
def page(browser: Browser, server: ServerProcess) -> Iterator[Page]:
    """A fresh page that fails the test on any request leaving 127.0.0.1 or any script error."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-GB")
    tab = context.new_page()
    errors: list[str] = []
    outside: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.on(
        "request",
        lambda request: (
            None
            if request.url.startswith((server.url, "data:", "blob:"))
            else outside.append(request.url)
        ),
    )
    yield tab
    context.close()
    assert errors == [], f"script errors: {errors}"
    assert outside == [], f"requests off this server: {outside}"


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_example_query_runs_and_shows_a_table(page: Page, server: ServerProcess) -> None:
    page.goto(f"{server.url}/?lang=en")
    example = page.locator(".example-link:not([data-network])").first
    expect(example).to_be_visible()
    example.click()
    expect(page.locator(".yasr_results table").first).to_be_visible(timeout=15_000)
    assert "query=" in page.url  # the query is in the address: a link reproduces it
    expect(page.locator(".yasr_downloadIcon")).to_be_visible()
    screenshot(page, "editor-example")


def test_result_links_to_resource_page_and_language_switch(
    page: Page, server: ServerProcess
) -> None:
    page.goto(f"{server.url}/?query={quote(CHIPS_QUERY)}&lang=en")
    link = page.locator('.yasr_results a[href="/id/test-chip?lang=en"]')  # keeps ?lang=
    expect(link).to_be_visible(timeout=15_000)
    screenshot(page, "editor-results")
    link.click()
    page.wait_for_url(f"{server.url}/id/test-chip?lang=en")
    expect(page.locator("h1")).to_have_text("Test Chip")
    expect(page.locator("svg.diagram")).to_be_visible()
    screenshot(page, "resource-en")
    page.locator(".language-switch").click()
    expect(page.locator("h1")).to_have_text("测试芯片")
    assert page.locator("html").get_attribute("lang") == "zh"
    screenshot(page, "resource-zh")
    page.locator('svg.diagram a[href^="/id/test-company"]').click()
    expect(page.locator("h1")).to_have_text("测试公司")


def ask_for_completion(page: Page, text: str) -> None:
    """Put ``text`` in the editor, the cursor at its end, and press Ctrl+Space."""
    page.evaluate(
        """(text) => { const editor = window.bjaikgEditor.getTab().getYasqe();
           editor.setValue(text); editor.focus();
           editor.setCursor(editor.lineCount() - 1, text.length); }""",
        text,
    )
    page.keyboard.press("Control+Space")


def test_editor_completes_ontology_classes_and_properties(
    page: Page, server: ServerProcess
) -> None:
    page.goto(f"{server.url}/?lang=en")
    expect(page.locator(".CodeMirror").first).to_be_visible()
    prologue = "PREFIX bjo: <https://w3id.org/bjaikg/ontology#>\n"
    ask_for_completion(page, prologue + "SELECT * WHERE { ?x a bjo:AI")
    expect(page.locator(".CodeMirror-hints li", has_text="bjo:AIChip")).to_be_visible()
    page.keyboard.press("Escape")
    ask_for_completion(page, prologue + "SELECT * WHERE { ?x bjo:desig")
    expect(page.locator(".CodeMirror-hints li", has_text="bjo:designedBy")).to_be_visible()
    screenshot(page, "editor-completion")


def test_results_download_as_csv_and_json(page: Page, server: ServerProcess) -> None:
    page.goto(f"{server.url}/?query={quote(CHIPS_QUERY)}&lang=en")
    expect(page.locator('.yasr_results a[href="/id/test-chip?lang=en"]')).to_be_visible(
        timeout=15_000
    )
    with page.expect_download() as table_download:
        page.locator(".yasr_downloadIcon").click()
    csv_path = table_download.value.path()
    assert "Test Chip Two" in csv_path.read_text(encoding="utf-8")
    page.locator(".yasr_btn.select_response").click()
    with page.expect_download() as response_download:
        page.locator(".yasr_downloadIcon").click()
    json_text = response_download.value.path().read_text(encoding="utf-8")
    assert '"bindings"' in json_text and "test-chip-two" in json_text


def test_a_chinese_page_shows_the_results_in_chinese(page: Page, server: ServerProcess) -> None:
    page.goto(f"{server.url}/?query={quote(CHIPS_QUERY)}&lang=zh")
    link = page.locator('.yasr_results a[href="/id/test-chip?lang=zh"]')  # keeps ?lang=
    expect(link).to_be_visible(timeout=15_000)
    expect(page.locator(".yasr_btn.select_table")).to_have_text("表格")
    expect(page.locator(".yasr_btn.select_response")).to_have_text("原始响应")
    count = re.compile(r"^2 条结果，用时 [\d.]+ 秒$")
    expect(page.locator(".yasr_response_chip")).to_have_text(count)
    expect(page.locator(".pageSizerLabel")).to_have_text("每页行数：")
    expect(page.locator("input.tableFilter")).to_have_attribute("placeholder", "筛选结果")
    expect(page.locator(".tableControls")).not_to_contain_text("Simple view")
    expect(page.locator(".dt-info")).to_have_text("第 1 至 2 条，共 2 条")  # DataTables' footer
    screenshot(page, "editor-results-zh")
    link.click()
    expect(page.locator("h1")).to_have_text("测试芯片")
    assert page.locator("html").get_attribute("lang") == "zh"


def test_aggregate_can_be_charted(page: Page, server: ServerProcess) -> None:
    page.goto(f"{server.url}/?query={quote(COUNT_QUERY)}&lang=en")
    expect(page.locator(".yasr_results table").first).to_be_visible(timeout=15_000)
    page.locator(".yasr_btn.select_chart").click()
    expect(page.locator(".chart-plugin svg rect.bar").first).to_be_visible()
    screenshot(page, "editor-chart")


def test_search_box_finds_chinese_and_english(page: Page, server: ServerProcess) -> None:
    page.goto(f"{server.url}/ontology?lang=en")
    page.locator("#search-box").fill("测试芯片")
    page.locator("#search-box").press("Enter")
    first = page.locator(".hit-label").first
    expect(first).to_have_text("Test Chip")
    screenshot(page, "search")
    first.click()
    expect(page.locator("h1")).to_have_text("Test Chip")


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/ontology?lang=en", "ontology-en"),
        ("/ontology?lang=zh", "ontology-zh"),
        ("/dataset?lang=en", "dataset"),
        ("/api?lang=en", "api"),
        ("/?lang=zh", "editor-zh"),
    ],
)
def test_page_renders(page: Page, server: ServerProcess, path: str, name: str) -> None:
    page.goto(f"{server.url}{path}")
    expect(page.locator("h1").first).to_be_attached()
    screenshot(page, name)


NARROWEST = 320
"""The width at which content must reflow without scrolling sideways (WCAG 2.1 SC 1.4.10,
Reflow: 320 CSS pixels)."""


@pytest.mark.parametrize(
    "path",
    [
        "/?lang=en",
        "/dataset",
        "/dataset?lang=zh",
        "/api",
        "/ontology",
        "/search?q=chip",
        "/id/test-chip",
        "/id/test-policy?lang=zh",
        "/releases/diff?from=1.25.0&to=1.26.0",
        "/releases/diff?from=1.0.0&to=1.26.0&lang=zh",
    ],
)
def test_page_fits_the_narrowest_screen(browser: Browser, server: ServerProcess, path: str) -> None:
    """No page is wider than 320 CSS pixels (long IRIs and checksums break, wide tables scroll
    in a box of their own): at 320 the search form was 327 pixels wide and cut its button to
    "Sear", and the diff's tables 443 (a review, 2026-12-07)."""
    context = browser.new_context(viewport={"width": NARROWEST, "height": 800})
    phone = context.new_page()
    phone.goto(f"{server.url}{path}")
    width = phone.evaluate("document.documentElement.scrollWidth")
    button = phone.locator(".search-form button").evaluate(
        "(button) => button.scrollWidth <= button.clientWidth"
    )
    context.close()
    assert width <= NARROWEST, f"{path}: {width} px wide"
    assert button, f"{path}: the search button's word is cut"


WIDE_QUERY = """PREFIX bjo: <https://w3id.org/bjaikg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?chip ?label ?designer ?designerLabel ?kind WHERE {
  ?chip a bjo:AIChip ; rdfs:label ?label ; bjo:designedBy ?designer .
  ?designer rdfs:label ?designerLabel ; a ?kind
}"""
"""Five columns of long values; its first line reaches the buttons of a phone's editor."""

TEXT_UNDER_BUTTONS = """() => {
  const buttons = Array.from(document.querySelectorAll(".yasqe_buttons > button"))
    .map((button) => button.getBoundingClientRect());
  const range = document.createRange();
  const covered = [];
  document.querySelectorAll(".CodeMirror-line").forEach((line) => {
    range.selectNodeContents(line);
    for (const box of range.getClientRects()) {
      if (buttons.some((button) => box.left < button.right && button.left < box.right
          && box.top < button.bottom && button.top < box.bottom)) covered.push(line.textContent);
    }
  });
  return covered;
}"""
"""The lines of the query text that YASQE's buttons (share, run) cover."""


TWELVE_COLUMNS = """SELECT ?s ?p ?o ?a ?b ?c ?d ?e ?f ?g ?h ?i WHERE {
  ?s ?p ?o BIND(STR(?s) AS ?a) BIND(STR(?p) AS ?b) BIND(STR(?o) AS ?c) BIND(STR(?s) AS ?d)
  BIND(STR(?p) AS ?e) BIND(STR(?o) AS ?f) BIND(STR(?s) AS ?g) BIND(STR(?p) AS ?h)
  BIND(STR(?o) AS ?i)
} LIMIT 5"""
"""An answer of twelve columns, as the example district-profiles gives."""


@pytest.mark.parametrize("width", [1024, 1280])
def test_a_wide_answer_keeps_readable_columns_on_a_desktop(
    browser: Browser, server: ServerProcess, width: int
) -> None:
    """Twelve columns were fitted to the box, 30 to 62 px each at 1024 and 1280 px, each value
    cut to a few letters (a review, 2026-12-07): the columns keep 7 rem at every width and the
    table scrolls in its own box."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    desktop = context.new_page()
    desktop.goto(f"{server.url}/?lang=zh&query={quote(TWELVE_COLUMNS)}")
    expect(desktop.locator(".yasr_results table").first).to_be_visible(timeout=15_000)
    sizes = desktop.locator(".yasr_results").evaluate(
        """(box) => ({scroll: box.scrollWidth, client: box.clientWidth,
             overflow: getComputedStyle(box).overflowX,
             columns: Array.from(box.querySelectorAll("thead th")).slice(1)
               .map((th) => th.getBoundingClientRect().width)})"""
    )
    page_width = desktop.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert page_width <= width, f"the editor page is {page_width} px wide"
    assert len(sizes["columns"]) == 12 and min(sizes["columns"]) >= 96, sizes
    assert sizes["overflow"] == "auto" and sizes["scroll"] > sizes["client"], sizes


def test_editor_results_scroll_on_a_phone(browser: Browser, server: ServerProcess) -> None:
    """At 390 px the result table keeps readable columns and scrolls sideways in its own box
    (the page does not), and YASQE's buttons cover no query text."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    phone = context.new_page()
    phone.goto(f"{server.url}/?lang=zh&query={quote(WIDE_QUERY)}")
    expect(phone.locator(".yasr_results table").first).to_be_visible(timeout=15_000)
    results = phone.locator(".yasr_results")
    sizes = results.evaluate(
        """(box) => ({scroll: box.scrollWidth, client: box.clientWidth,
             overflow: getComputedStyle(box).overflowX,
             columns: Array.from(box.querySelectorAll("thead th")).slice(1)
               .map((th) => th.getBoundingClientRect().width)})"""
    )
    screenshot(phone, "editor-phone")
    covered = phone.evaluate(TEXT_UNDER_BUTTONS)
    width = phone.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert width <= 390, f"the editor page is {width} px wide"
    assert sizes["overflow"] == "auto" and sizes["scroll"] > sizes["client"], sizes
    assert len(sizes["columns"]) == 5 and min(sizes["columns"]) >= 96, sizes
    assert covered == [], f"text under the buttons: {covered}"


def test_a_policy_s_targets_keep_their_words_whole(browser: Browser, server: ServerProcess) -> None:
    """The issuance records' targets column is as wide as its longest name: 机器人技术 broke as
    机器/人技/术 in a column two characters wide (a review, 2026-12-07)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    desktop = context.new_page()
    desktop.goto(f"{server.url}/id/test-policy?lang=zh")
    target = desktop.locator(".issuances td a").filter(has_text="量子计算").first
    lines = target.evaluate("(link) => link.getClientRects().length")
    context.close()
    assert lines == 1
