"""The API page's "Try" forms in headless Chromium against the real ``serve.py``: a form sends
only the fields filled in, so every form the page draws works as drawn."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from tests.server_process import ServerProcess

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser: Browser, server: ServerProcess) -> Iterator[Page]:
    context = browser.new_context(locale="en-GB")
    yield context.new_page()
    context.close()


def test_the_try_forms_of_sparql_and_search_leave_empty_fields_out(
    page: Page, server: ServerProcess
) -> None:
    page.goto(f"{server.url}/api?lang=en")
    form = page.locator('form.try[action="/sparql"]')
    form.locator('textarea[name="query"]').fill("ASK {}")
    with page.expect_response(lambda response: "/sparql?" in response.url) as sent:
        form.locator('button[type="submit"]').click()
    answer = sent.value  # the browser may save the answer as a file, so read the response
    assert answer.url == f"{server.url}/sparql?query=ASK+%7B%7D" and answer.status == 200
    page.goto(f"{server.url}/api?lang=en")
    search = page.locator('form.try[action="/search"]')
    search.locator('input[name="q"]').fill("chip")
    with page.expect_navigation():
        search.locator('button[type="submit"]').click()
    assert page.url == f"{server.url}/search?q=chip"
    page.go_back()
    assert page.locator('form.try[action="/search"] input').first.is_enabled()
