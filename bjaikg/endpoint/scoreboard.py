"""The scoreboard: what each worker process is doing, in memory every server process shares.

One :class:`Slot` per worker: whether it evaluates, for which connection, until when (on the
system-wide monotonic clock), which of its connections could be moved meanwhile, and its
access-log lines not yet written (:mod:`bjaikg.endpoint.access_log`); beside the slots, the
counters of every process (:mod:`bjaikg.endpoint.metrics`). docs/endpoint.md says how the
supervisor uses them.

The memory is an anonymous shared mapping made before the workers are forked. Each field has
one writer at a time (a worker its own slot and counters; the supervisor its counters, a slot's
``moved`` while it holds that worker's lock, and a slot whose worker has ended), so no other
locks are needed. In-process use (tests, ``--get``) has none: :class:`NoDeadline` stands in.
"""

from __future__ import annotations

import ctypes
import mmap
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol

from bjaikg.endpoint.metrics import Counters, Metrics

SERVING, EVALUATING, STARTING = 0, 1, 2
"""A worker's states: serving its connections; evaluating a query (the deadline runs); forked
and not yet ready (set by the supervisor before the fork, left by the worker once prepared)."""
MAX_OFFERED = 64
"""Most connections a worker offers to move while it evaluates (the others wait for it)."""
REQUEST_BYTES = 1024
"""Bytes of a slot that name the request being evaluated (``METHOD PATH``, a newline and the
start of the query), for the access-log line of a query stopped at its deadline."""
LOG_BUFFER_BYTES = 4096
"""Access-log bytes a worker keeps before writing them (``PIPE_BUF``: a write stays whole)."""


class Slot(ctypes.Structure):
    """One worker's line on the scoreboard."""

    _fields_ = [
        ("pid", ctypes.c_int64),
        ("state", ctypes.c_int32),
        ("route", ctypes.c_int32),
        ("connection", ctypes.c_uint64),
        ("evaluation", ctypes.c_uint64),
        ("started", ctypes.c_double),
        ("deadline", ctypes.c_double),
        ("limit", ctypes.c_double),
        ("adopted", ctypes.c_uint64),
        ("offered", ctypes.c_int32),
        ("moved", ctypes.c_int32),
        ("answered", ctypes.c_int32),
        ("offered_connections", ctypes.c_uint64 * MAX_OFFERED),
        ("request", ctypes.c_char * REQUEST_BYTES),
        ("log_length", ctypes.c_uint64),
        ("log", ctypes.c_char * LOG_BUFFER_BYTES),
    ]
    pid: int
    state: int
    route: int
    connection: int
    evaluation: int
    started: float
    deadline: float
    limit: float
    adopted: int
    offered: int
    moved: int
    answered: int
    """Whether the answer to the request on the clock has begun to go (a streamed dump, a
    page): past the deadline its connection is then cut, not answered again."""
    offered_connections: Any
    request: bytes
    log_length: int


class QueryClock(Protocol):
    """Where a query's deadline is registered while it is evaluated."""

    def evaluating(self, route: str, seconds: float, query: str = "") -> Any:
        """A context manager around one evaluation of ``query`` that must end within
        ``seconds``."""
        ...


class NoDeadline:
    """In-process evaluation: nothing can stop a query (documented hazard of ``--get``)."""

    @contextmanager
    def evaluating(self, route: str, seconds: float, query: str = "") -> Iterator[None]:
        """Evaluate without a deadline."""
        yield


class Scoreboard:
    """The shared memory: ``workers`` slots and ``workers + 1`` counter blocks."""

    def __init__(self, workers: int) -> None:
        slots_size = ctypes.sizeof(Slot) * workers
        # An anonymous mapping is MAP_SHARED: forked children write to the same pages.
        self.memory = mmap.mmap(-1, slots_size + ctypes.sizeof(Counters) * (workers + 1))
        self.slots = (Slot * workers).from_buffer(self.memory)
        self.counters = (Counters * (workers + 1)).from_buffer(self.memory, slots_size)

    def log_view(self, index: int) -> memoryview:
        """The access-log bytes of worker ``index``'s slot (:mod:`bjaikg.endpoint.access_log`)."""
        start = ctypes.sizeof(Slot) * index + Slot.log.offset
        return memoryview(self.memory)[start : start + LOG_BUFFER_BYTES]

    def metrics(self, index: int) -> Metrics:
        """The counters of worker ``index`` (the supervisor's: ``index == workers``)."""
        return Metrics(list(self.counters), index)

    @property
    def alive(self) -> int:
        """Workers running now."""
        return sum(1 for slot in self.slots if slot.pid)

    @property
    def evaluating(self) -> int:
        """Workers evaluating a query now."""
        return sum(1 for slot in self.slots if slot.state == EVALUATING)
