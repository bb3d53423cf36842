"""The allocator tuning of serve.py: its environment, and the real server running with it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bjaikg.endpoint.allocator import TCACHE_COUNT, TCACHE_TUNABLE, TUNABLES, tuned_environment
from tests.server_process import ServerProcess, worker_pids

SETTING = f"{TCACHE_TUNABLE}={TCACHE_COUNT}"


def test_the_cache_size_is_added_to_an_environment_without_tunables() -> None:
    assert tuned_environment({"PATH": "/bin"}) == {"PATH": "/bin", TUNABLES: SETTING}


def test_other_tunables_of_the_user_are_kept() -> None:
    tuned = tuned_environment({TUNABLES: "glibc.malloc.mxfast=0"})
    assert tuned == {TUNABLES: f"glibc.malloc.mxfast=0:{SETTING}"}


def test_a_cache_size_the_user_chose_is_left_alone() -> None:
    assert tuned_environment({TUNABLES: f"{TCACHE_TUNABLE}=50"}) is None


def _environment(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes()
    pairs = (entry.decode().partition("=") for entry in raw.split(b"\0") if entry)
    return {name: value for name, _, value in pairs}


@pytest.mark.server
def test_the_server_replaced_itself_with_the_tuned_allocator(server: ServerProcess) -> None:
    """Same process id as started (``execve``), the tunable in its environment and its workers'."""
    workers = worker_pids(server)
    assert workers, "the supervisor has no worker processes"
    for pid in [server.process.pid, *workers]:
        assert SETTING in _environment(pid).get(TUNABLES, "").split(":")
