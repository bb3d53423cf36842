"""The scoreboard: what each worker process is doing, in memory every server process shares.

One :class:`Slot` per worker says whether it waits for a connection, holds one, or evaluates a
query and until when (its deadline, on the system-wide monotonic clock); the supervisor reads
the slots to enforce deadlines and to answer for a worker that died. Beside them lie the
request counters of every process (:class:`~bjaikg.endpoint.metrics.Counters`, one per worker
and one for the supervisor), so any worker can answer ``/metrics`` for the whole server.

The memory is an anonymous shared mapping made before the workers are forked, so a write by one
process is seen by all. Each field has a single writer (a worker its own slot and counters; the
supervisor its counters and ``restarts``), so no locks are needed.

In-process use (tests, ``--get``) has no scoreboard: :class:`NoDeadline` stands in for a slot.
"""

from __future__ import annotations

import ctypes
import mmap
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol

from bjaikg.endpoint.metrics import Counters, Metrics

WAITING, CONNECTED, EVALUATING = 0, 1, 2
"""A worker's states: blocked in ``accept``; holding a connection; evaluating a query."""


class Slot(ctypes.Structure):
    """One worker's line on the scoreboard."""

    _fields_ = [
        ("pid", ctypes.c_int64),
        ("state", ctypes.c_int32),
        ("route", ctypes.c_int32),
        ("connection", ctypes.c_uint64),
        ("started", ctypes.c_double),
        ("deadline", ctypes.c_double),
        ("limit", ctypes.c_double),
    ]
    pid: int
    state: int
    route: int
    connection: int
    started: float
    deadline: float
    limit: float


class _Header(ctypes.Structure):
    _fields_ = [("restarts", ctypes.c_uint64)]
    restarts: int


class QueryClock(Protocol):
    """Where a query's deadline is registered while it is evaluated."""

    def evaluating(self, route: str, seconds: float) -> Any:
        """A context manager around one evaluation that must end within ``seconds``."""
        ...


class NoDeadline:
    """In-process evaluation: nothing can stop a query (documented hazard of ``--get``)."""

    @contextmanager
    def evaluating(self, route: str, seconds: float) -> Iterator[None]:
        """Evaluate without a deadline."""
        yield


class Scoreboard:
    """The shared memory: a header, ``workers`` slots and ``workers + 1`` counter blocks."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        header_size = ctypes.sizeof(_Header)
        slots_size = ctypes.sizeof(Slot) * workers
        counters_size = ctypes.sizeof(Counters) * (workers + 1)
        # An anonymous mapping is MAP_SHARED: forked children write to the same pages.
        self.memory = mmap.mmap(-1, header_size + slots_size + counters_size)
        self.header = _Header.from_buffer(self.memory)
        self.slots = (Slot * workers).from_buffer(self.memory, header_size)
        self.counters = (Counters * (workers + 1)).from_buffer(
            self.memory, header_size + slots_size
        )

    def metrics(self, index: int) -> Metrics:
        """The counters of worker ``index`` (the supervisor's: ``index == workers``)."""
        return Metrics(list(self.counters), index)

    def count_restart(self) -> None:
        """Count one worker replaced (killed at its deadline, or died)."""
        self.header.restarts += 1

    @property
    def restarts(self) -> int:
        """Workers replaced since start."""
        return int(self.header.restarts)

    @property
    def alive(self) -> int:
        """Workers running now."""
        return sum(1 for slot in self.slots if slot.pid)

    @property
    def evaluating(self) -> int:
        """Workers evaluating a query now."""
        return sum(1 for slot in self.slots if slot.state == EVALUATING)

    @property
    def waiting(self) -> int:
        """Workers free to take a new connection now."""
        return sum(1 for slot in self.slots if slot.pid and slot.state == WAITING)


class WorkerClock:
    """A worker's own slot: registers each evaluation and its deadline for the supervisor.

    Used as ``with clock.evaluating(route, seconds):`` (a plain class, not a generator: it is
    entered on every query).
    """

    def __init__(self, slot: Slot, routes: dict[str, int]) -> None:
        self.slot = slot
        self.routes = routes

    def evaluating(self, route: str, seconds: float) -> WorkerClock:
        """Mark the slot busy until the block ends; the supervisor kills it past ``seconds``."""
        slot = self.slot
        now = time.monotonic()
        slot.route, slot.started, slot.limit = self.routes[route], now, seconds
        slot.deadline = now + seconds
        return self

    def __enter__(self) -> None:
        self.slot.state = EVALUATING

    def __exit__(self, *exception: object) -> None:
        self.slot.state = CONNECTED
