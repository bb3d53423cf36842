"""tests/server_process.py gives up on a server that exits or does not answer in time, with one
line (the command, its exit code or the seconds waited) and the end of its output."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.server_process import (
    ServerStartError,
    answers_http,
    free_port,
    running,
    running_server,
)

NEVER_ANSWERS = answers_http(f"http://127.0.0.1:{free_port()}/")
"""Nothing listens there (a port free at import)."""


def test_a_server_that_exits_is_given_up_with_its_code_and_output(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    log.write_text("an earlier run's line\n")
    script = "import sys; print('starting'); sys.exit('broken: no data')"
    command = [sys.executable, "-c", script]
    with (
        pytest.raises(ServerStartError) as raised,
        running(command, NEVER_ANSWERS, ready_seconds=30, log=log),
    ):
        pytest.fail("the block ran")
    first, *rest = str(raised.value).splitlines()
    assert first.startswith(f"{sys.executable} -c ") and first.endswith(
        "exited with code 1 before it answered; its output ends:"
    )
    assert rest == ["starting", "broken: no data"]  # not the earlier run's line


def test_a_server_that_does_not_answer_in_time_is_killed() -> None:
    script = "import sys, time; print('loading', file=sys.stderr, flush=True); time.sleep(600)"
    with (
        pytest.raises(ServerStartError, match=r"did not answer within 1 s \(killed\)") as raised,
        running([sys.executable, "-c", script], NEVER_ANSWERS, ready_seconds=1),
    ):
        pytest.fail("the block ran")
    assert str(raised.value).endswith("its output ends:\nloading\n")


@pytest.mark.server
def test_serve_py_refusing_its_data_is_given_up_with_its_message(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text("<urn:a> <urn:b> .\n")
    with (
        pytest.raises(ServerStartError, match="exited with code 2 before it answered") as raised,
        running_server("--data", str(broken)),
    ):
        pytest.fail("the block ran")
    assert f"{broken}:1:" in str(raised.value)
