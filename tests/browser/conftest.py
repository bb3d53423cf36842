"""Fixtures of the browser tests: the real ``serve.py`` on the interface fixture graph, and
Debian's headless Chromium driven by Playwright."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright

from bjaikg import PROJECT_ROOT
from tests.server_process import ServerProcess, running_server

DATA = PROJECT_ROOT / "tests" / "interface" / "data"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGUMENTS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def server() -> Iterator[ServerProcess]:
    with running_server("--data", str(DATA), "--workers", "2") as process:
        yield process


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGUMENTS, headless=True
        )
        yield chromium
        chromium.close()
