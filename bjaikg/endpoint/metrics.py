"""Request counters and latency histograms, written in the Prometheus text format at /metrics.

One fixed-size C structure (:class:`Counters`) per process that answers requests, in the memory
the server's processes share (:mod:`bjaikg.endpoint.scoreboard`): each process writes only its
own (no locks), ``/metrics`` sums them all. In-process (tests, ``--get``) there is one private
structure.

Hazard: routes and statuses are fixed lists (:data:`ROUTES`, :data:`STATUSES`); a status not
listed is counted as ``status="other"``, a route not listed is a programming error (KeyError).
"""

from __future__ import annotations

import bisect
import ctypes
from collections.abc import Mapping, Sequence
from typing import Any

LATENCY_BUCKETS: tuple[float, ...] = (
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
)  # fmt: skip
"""Upper bounds (seconds) of the latency histogram's buckets; +Inf is implied."""
ROUTES: tuple[str, ...] = ("sparql", "graph-store", "other")
"""The routes requests are counted under: queries go through the first two, every other
request (pages, dumps, refusals) is ``other``."""
STATUSES: tuple[int, ...] = (
    200, 303, 304, 400, 403, 404, 405, 406, 413, 414, 415, 431, 500, 503,
)  # fmt: skip
"""HTTP statuses counted by name; any other is counted as ``other``."""
EVENTS: dict[str, str] = {
    "query_timeouts": "Queries stopped at the deadline.",
    "rejections": "Requests refused with 503 because too many were in flight.",
    "connections_moved": "Idle connections moved away from a worker evaluating a long query.",
    "worker_restarts": "Workers that ended: killed at a deadline, crashed, or retired.",
    "answers_dropped": "Answers a worker dropped unsent: not taken in --send-timeout, or a reset.",
}
"""The counters of events (``bjaikg_<name>_total``), counted by :meth:`Metrics.count`."""
ROUTE_INDEX = {route: index for index, route in enumerate(ROUTES)}
"""Each route's position in :data:`ROUTES` (also its number on the scoreboard)."""
_STATUS_INDEX = {status: index for index, status in enumerate(STATUSES)}
_EVENT_INDEX = {event: index for index, event in enumerate(EVENTS)}


class Counters(ctypes.Structure):
    """What one process has answered: counts by route and status, latency histograms."""

    _fields_ = [
        ("requests", (ctypes.c_uint64 * (len(STATUSES) + 1)) * len(ROUTES)),
        ("buckets", (ctypes.c_uint64 * (len(LATENCY_BUCKETS) + 1)) * len(ROUTES)),
        ("seconds", ctypes.c_double * len(ROUTES)),
        ("events", ctypes.c_uint64 * len(EVENTS)),
    ]
    requests: Any
    buckets: Any
    seconds: Any
    events: Any


class Metrics:
    """The server's counters: ``own`` is this process's structure, ``every`` all of them."""

    def __init__(self, every: Sequence[Counters], own: int) -> None:
        self.every = every
        self.own = every[own]
        self._requests = [self.own.requests[row] for row in range(len(ROUTES))]
        self._buckets = [self.own.buckets[row] for row in range(len(ROUTES))]
        self._seconds = self.own.seconds  # ctypes makes a new view at each field access

    @classmethod
    def private(cls) -> Metrics:
        """Counters for one process alone (in-process use: tests, ``--get``)."""
        return cls([Counters()], 0)

    def observe(self, route: str, status: int, seconds: float) -> None:
        """Count one answered request of ``route`` with its status and duration."""
        row = ROUTE_INDEX[route]
        self._requests[row][_STATUS_INDEX.get(status, len(STATUSES))] += 1
        self._buckets[row][bisect.bisect_left(LATENCY_BUCKETS, seconds)] += 1
        self._seconds[row] += seconds

    def count(self, event: str) -> None:
        """Count one ``event`` (a name in :data:`EVENTS`)."""
        self.own.events[_EVENT_INDEX[event]] += 1

    def _sum(self, field: str, row: int, column: int | None = None) -> Any:
        return sum(
            getattr(counters, field)[row] if column is None else
            getattr(counters, field)[row][column]
            for counters in self.every
        )  # fmt: skip

    def render(self, gauges: Mapping[str, tuple[str, float]]) -> str:
        """The Prometheus exposition text; ``gauges`` maps a name to (help, current value)."""
        lines = [
            "# HELP bjaikg_requests_total Requests answered, by route and HTTP status.",
            "# TYPE bjaikg_requests_total counter",
        ]
        for row, route in enumerate(ROUTES):
            for column, status in enumerate([*map(str, STATUSES), "other"]):
                if count := self._sum("requests", row, column):
                    labels = f'route="{route}",status="{status}"'
                    lines.append(f"bjaikg_requests_total{{{labels}}} {count}")
        lines += [
            "# HELP bjaikg_request_seconds Time to answer a request, by route.",
            "# TYPE bjaikg_request_seconds histogram",
        ]
        for row, route in enumerate(ROUTES):
            counts = [
                self._sum("buckets", row, column) for column in range(len(LATENCY_BUCKETS) + 1)
            ]
            if not any(counts):
                continue
            cumulative = 0
            for bound, count in zip((*LATENCY_BUCKETS, None), counts, strict=True):
                cumulative += count
                label = "+Inf" if bound is None else f"{bound:g}"
                lines.append(
                    f'bjaikg_request_seconds_bucket{{route="{route}",le="{label}"}} {cumulative}'
                )
            total = self._sum("seconds", row)
            lines.append(f'bjaikg_request_seconds_sum{{route="{route}"}} {total:.6f}')
            lines.append(f'bjaikg_request_seconds_count{{route="{route}"}} {cumulative}')
        for row, (event, description) in enumerate(EVENTS.items()):
            name = f"bjaikg_{event}_total"
            value = self._sum("events", row)
            lines += [f"# HELP {name} {description}", f"# TYPE {name} counter", f"{name} {value}"]
        for name, (description, gauge) in gauges.items():
            lines += [f"# HELP {name} {description}", f"# TYPE {name} gauge", f"{name} {gauge:g}"]
        return "\n".join(lines) + "\n"
