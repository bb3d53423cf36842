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

    ``store`` is the URL of an external SPARQL query endpoint to serve instead of loading
    ``data`` (:mod:`bjaikg.remote_store`).

    ``timeout`` is the hard deadline of one request in seconds (a client's ``timeout``
    parameter can only lower it); ``max_results`` bounds the rows or triples of one answer
    (the answer says it was cut); ``workers`` is the number of worker processes (each
    serves many connections); ``max_pending`` bounds the queries evaluating plus the
    connections waiting for a worker (beyond it: 503 with ``Retry-After``);
    ``max_connections`` bounds the open connections (beyond it: 503 with ``Retry-After``, sent
    before anything is read; each worker holds at most its share, ``max_connections /
    workers`` rounded up); ``request_timeout`` is the time a request's head and body have to
    arrive, from its first byte (then 408 and the connection closes); ``allow_service``
    lists the only IRIs a ``SERVICE`` clause may name (exact match, empty: federation off);
    ``service_timeout`` is the deadline of a query that calls ``SERVICE`` (remote endpoints are
    slow and not ours: their time counts against it, never beyond ``timeout``); ``max_memory`` is
    how many MB of address space a worker may allocate beyond the loaded graph; ``base`` is the
    base IRI against which a query's relative IRIs resolve (``None``: the service's own URL,
    ``http://<Host>/sparql``); ``cache_size`` bounds the bytes of answers a worker keeps
    (0: none) and ``cache_max_age`` is the ``max-age`` in seconds a GET answer may be reused by
    HTTP caches (:mod:`bjaikg.endpoint.cache`); ``forwarded_allow_ips`` lists the peers (addresses,
    networks, or ``*``) whose ``Forwarded`` / ``X-Forwarded-*`` headers are believed and
    ``root_path`` is the path prefix under which a proxy publishes the server
    (:mod:`bjaikg.endpoint.proxy`); ``graceful_timeout`` is how many seconds requests in flight
    have to finish after SIGTERM before their workers are killed.
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
