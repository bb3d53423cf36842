"""Instructions per answered request for counting it in ``/metrics``: bjaikg's own counters
(:class:`bjaikg.endpoint.metrics.Metrics`, C structures in shared memory) against the standard
part, prometheus_client in its multiprocess mode (a ``Counter`` by route and status and a
``Histogram`` by route with the same buckets, in memory-mapped files; the ``bench`` extra
installs it). Never a test.

    python bench/metrics_cost.py [--calls 20000]

Each way runs in a Python process under valgrind's callgrind twice, counting ``--calls`` and
three times as many requests; the difference over the extra calls is the cost of one, without
start-up. Compare the result with ``bench/instructions.py``'s instructions per request of a
whole worker.

Hazard: instructions are not time; both ways run the same interpreter, so their ratio is fair.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile

COUNTING = {
    "bjaikg": """
from bjaikg.endpoint.metrics import Metrics
observe = Metrics.private().observe
""",
    "prometheus_client": """
from prometheus_client import Counter, Histogram
from bjaikg.endpoint.metrics import LATENCY_BUCKETS
requests = Counter("bjaikg_requests", "Requests answered", ["route", "status"])
latency = Histogram("bjaikg_request_seconds", "Time", ["route"], buckets=LATENCY_BUCKETS)
def observe(route, status, seconds):
    requests.labels(route, str(status)).inc()
    latency.labels(route).observe(seconds)
""",
}
LOOP = """
for _ in range({calls}):
    observe("sparql", 200, 0.0004)
"""


def instructions(way: str, calls: int) -> int:
    """Instructions callgrind counts for a process that counts ``calls`` requests ``way``."""
    with tempfile.TemporaryDirectory() as folder:
        environment = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": folder}
        command = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={folder}/out"]
        program = COUNTING[way] + LOOP.format(calls=calls)
        finished = subprocess.run(
            [*command, sys.executable, "-c", program],
            capture_output=True, text=True, env=environment, check=True,
        )  # fmt: skip
    collected = re.search(r"Collected : (\d+)", finished.stderr)
    assert collected, finished.stderr[-2000:]
    return int(collected[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--calls", type=int, default=20_000)
    calls = parser.parse_args().calls
    print("| counting | instructions per request | ratio |\n|---|---|---|")
    reference = 0.0
    for way in COUNTING:
        each = (instructions(way, 3 * calls) - instructions(way, calls)) / (2 * calls)
        reference = reference or each
        print(f"| {way} | {each:,.0f} | {each / reference:.2f}× |")


if __name__ == "__main__":
    main()
