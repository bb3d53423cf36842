"""Every page is valid HTML (the Nu HTML Checker, installed by npm as vnu-jar, run on Java) and
passes basic accessibility checks: page and part languages, titles, labelled form fields,
described images and pictures."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from bjaikg.interface import NODE_MODULES

from .accessibility import accessibility_problems

VALIDATOR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"

PAGES = [
    "/?lang=en",
    "/?lang=zh",
    "/id/test-chip?lang=en",
    "/id/test-chip?lang=zh",
    "/id/test-district?lang=en",
    "/id/test-policy?lang=en",
    "/id/test-policy?lang=zh",
    "/id/test-model?lang=en",
    "/id/test-model?lang=zh",
    "/id/test-article?lang=en",
    "/id/test-company?lang=en",
    "/id/test-company?lang=zh",
    "/id/no-such-thing?lang=en",
    "/ontology?lang=en",
    "/ontology?lang=zh",
    "/dataset?lang=en",
    "/dataset?lang=zh",
    "/search?q=%E6%B5%8B%E8%AF%95&lang=en",
    "/search?q=nothing-at-all&lang=zh",
    "/api?lang=en",
    "/api?lang=zh",
    "/releases/diff?from=1.23.1&to=1.23.3&lang=en",
    "/releases/diff?from=1.23.1&to=1.23.3&lang=zh",
    "/releases/diff?from=1.23.4&to=1.19.0&lang=en",  # newer first; types of entities removed
    "/releases/diff?from=1.23.4&to=1.19.0&lang=zh",
]

BROKEN_NAME = "known-broken.html"
BROKEN_PAGE = "<!DOCTYPE html><html><head></head><body><p><li>no list</p></body></html>"
"""A page the checker must reject (no title, no lang, a stray list item): proves it runs."""


def file_name(path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") + ".html"


PROJECT_PAGES = [
    "/?lang=en",
    "/ontology?lang=en",
    "/ontology?lang=zh",
    "/dataset?lang=zh",
    "/api?lang=en",
    "/id/origin-community?lang=en",
    "/id/beijing-ai-plus-action-plan?lang=en",
    "/id/beijing-ai-plus-action-plan?lang=zh",
    "/id/baidu?lang=en",
    "/id/beijing-academy-of-artificial-intelligence?lang=zh",
    "/id/source-beijing-ai-first-city?lang=zh",
]
"""Pages of the project graph, checked too (prefixed ``project:`` below)."""


@pytest.fixture(scope="module")
def pages(client: TestClient, project_client: TestClient) -> dict[str, str]:
    """The HTML of every page, by path (``project:/…`` for the project graph's pages)."""
    texts = {}
    for prefix, source, paths in (("", client, PAGES), ("project:", project_client, PROJECT_PAGES)):
        for path in paths:
            answer = source.get(path)
            assert answer.status_code in (200, 404), path
            assert answer.headers["content-type"].startswith("text/html"), path
            texts[prefix + path] = answer.text
    return texts


@pytest.fixture(scope="module")
def validator_messages(pages: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The Nu checker's errors for each page (one Java run for all pages)."""
    assert VALIDATOR.is_file(), f"{VALIDATOR} is missing: run `npm ci`"
    folder = tmp_path_factory.mktemp("pages")
    for path, html in pages.items():
        (folder / file_name(path)).write_text(html, encoding="utf-8")
    (folder / BROKEN_NAME).write_text(BROKEN_PAGE, encoding="utf-8")
    run = subprocess.run(
        ["java", "-jar", str(VALIDATOR), "--errors-only", "--format", "json", str(folder)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = json.loads(run.stderr or run.stdout)
    messages: dict[str, list[str]] = {file_name(path): [] for path in pages}
    for message in report["messages"]:
        name = Path(message.get("url", "")).name
        messages.setdefault(name, []).append(
            f"{message.get('lastLine')}:{message.get('firstColumn')}: {message['message']}"
        )
    return messages


@pytest.mark.java
def test_validator_rejects_a_broken_page(validator_messages: dict[str, list[str]]) -> None:
    assert validator_messages[BROKEN_NAME]


ALL_PAGES = PAGES + [f"project:{path}" for path in PROJECT_PAGES]


@pytest.mark.java
@pytest.mark.parametrize("path", ALL_PAGES)
def test_page_is_valid_html(path: str, validator_messages: dict[str, list[str]]) -> None:
    assert validator_messages[file_name(path)] == []


@pytest.mark.parametrize("path", ALL_PAGES)
def test_page_passes_basic_accessibility_checks(path: str, pages: dict[str, str]) -> None:
    expected_language = "zh" if "lang=zh" in path else "en"
    assert accessibility_problems(pages[path], expected_language) == []
