"""Fixtures of the endpoint tests: the real ``serve.py`` on the fixture data, and a client.

The session's server runs with a short deadline (``--timeout 3``) so the runaway-query test is
quick, and two workers, as on the project's 2-core machines.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.server_process import ServerProcess, running_server

DATA = Path(__file__).parent / "data"
SERVER_TIMEOUT = 3.0
CHAIN = "https://w3id.org/bjaikg/id/"


@pytest.fixture(scope="session")
def server() -> Iterator[ServerProcess]:
    """``serve.py --data tests/endpoint/data`` on 127.0.0.1 and a free port."""
    arguments = ["--data", str(DATA), "--timeout", str(SERVER_TIMEOUT), "--workers", "2"]
    with running_server(*arguments) as process:
        yield process


@pytest.fixture(scope="session")
def http(server: ServerProcess) -> Iterator[httpx.Client]:
    """An HTTP client with the server's base URL (loopback only)."""
    with httpx.Client(base_url=server.url, timeout=30.0) as client:
        yield client
