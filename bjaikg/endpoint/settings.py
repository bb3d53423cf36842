"""The endpoint's limits and options, set once from the command line and never changed."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


def default_workers() -> int:
    """One worker process per CPU, at least two (one may be stuck in a long query)."""
    return max(2, os.cpu_count() or 2)


@dataclass(frozen=True)
class Settings:
    """How the endpoint runs: where it listens, what it loads and the bounds it enforces.

    Each field but ``max_url_bytes`` is the command-line option of that name (``max_pending``
    is ``--max-pending``); docs/endpoint.md's table says what each means. ``timeout``,
    ``service_timeout``, ``request_timeout``, ``keep_alive``, ``send_timeout`` and
    ``graceful_timeout`` are seconds, ``max_memory`` MB, ``cache_size`` and
    ``max_request_bytes`` bytes.
    """

    host: str = "127.0.0.1"
    port: int = 8000
    data: tuple[Path, ...] = ()
    store: str | None = None
    timeout: float = 30.0
    max_results: int = 100_000
    workers: int = field(default_factory=default_workers)
    max_pending: int = 64
    max_connections: int = 10_000
    request_timeout: float = 30.0
    keep_alive: float = 15.0
    send_timeout: float = 30.0
    max_request_bytes: int = 1_000_000
    max_url_bytes: int = 16_384
    allow_service: tuple[str, ...] = ()
    service_timeout: float = 10.0
    max_memory: int = 2048
    base: str | None = None
    cache_size: int = 64 * 1024 * 1024
    cache_max_age: int = 60
    forwarded_allow_ips: tuple[str, ...] = ()
    root_path: str = ""
    graceful_timeout: float = 30.0
