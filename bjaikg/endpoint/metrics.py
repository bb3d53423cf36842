"""Request counters and latency histograms, written in the Prometheus text format at /metrics.

Kept in the server process only (workers report nothing), so a count is exact and cheap: one
dictionary update per request. ``bjaikg_query_timeouts_total`` counts queries stopped at the
deadline, ``bjaikg_rejections_total`` requests refused because too many were in flight.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

LATENCY_BUCKETS: tuple[float, ...] = (
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
)  # fmt: skip
"""Upper bounds (seconds) of the latency histogram's buckets; +Inf is implied."""


@dataclass
class _Histogram:
    counts: list[int] = field(default_factory=lambda: [0] * (len(LATENCY_BUCKETS) + 1))
    total: float = 0.0
    observations: int = 0


@dataclass
class Metrics:
    """What the endpoint has done since it started."""

    requests: Counter[tuple[str, int]] = field(default_factory=Counter)
    latencies: dict[str, _Histogram] = field(default_factory=dict)
    timeouts: int = 0
    rejections: int = 0

    def observe(self, route: str, status: int, seconds: float) -> None:
        """Count one answered request of ``route`` with its status and duration."""
        self.requests[(route, status)] += 1
        histogram = self.latencies.setdefault(route, _Histogram())
        histogram.counts[bisect.bisect_left(LATENCY_BUCKETS, seconds)] += 1
        histogram.total += seconds
        histogram.observations += 1

    def render(self, gauges: Mapping[str, tuple[str, float]]) -> str:
        """The Prometheus exposition text; ``gauges`` maps a name to (help, current value)."""
        lines = [
            "# HELP bjaikg_requests_total Requests answered, by route and HTTP status.",
            "# TYPE bjaikg_requests_total counter",
        ]
        for (route, status), count in sorted(self.requests.items()):
            lines.append(f'bjaikg_requests_total{{route="{route}",status="{status}"}} {count}')
        lines += [
            "# HELP bjaikg_request_seconds Time to answer a request, by route.",
            "# TYPE bjaikg_request_seconds histogram",
        ]
        for route, histogram in sorted(self.latencies.items()):
            cumulative = 0
            for bound, count in zip((*LATENCY_BUCKETS, None), histogram.counts, strict=True):
                cumulative += count
                label = "+Inf" if bound is None else f"{bound:g}"
                lines.append(
                    f'bjaikg_request_seconds_bucket{{route="{route}",le="{label}"}} {cumulative}'
                )
            lines.append(f'bjaikg_request_seconds_sum{{route="{route}"}} {histogram.total:.6f}')
            lines.append(f'bjaikg_request_seconds_count{{route="{route}"}} {cumulative}')
        counters = {
            "bjaikg_query_timeouts_total": ("Queries stopped at the deadline.", self.timeouts),
            "bjaikg_rejections_total": (
                "Requests refused with 503 because too many were in flight.",
                self.rejections,
            ),
        }
        for name, (description, value) in counters.items():
            lines += [f"# HELP {name} {description}", f"# TYPE {name} counter", f"{name} {value}"]
        for name, (description, gauge) in gauges.items():
            lines += [f"# HELP {name} {description}", f"# TYPE {name} gauge", f"{name} {gauge:g}"]
        return "\n".join(lines) + "\n"
