"""Time of every named query and every validator check on the project graph.

``python bench/queries.py [--baseline REV] [--repeat 5] [--oxigraph] [--over 50]`` loads the
project graph once as the tests load it (``load_knowledge_graph``: ontology, instances,
inference) and prints, per named query of ``queries/`` (with its default parameters, as the API
binds them; the federated ones left out) and per rule of ``queries/checks/``, the best of
``--repeat`` runs in milliseconds on the embedded store, answer read in full.

- ``--baseline REV``: the same files of git revision ``REV`` (its ``queries/`` folder) are timed
  in the same run on the same store, and each line gets the ratio baseline / now. A file only
  in one of the two gets ``-``.
- ``--oxigraph``: the working tree is also loaded into an Oxigraph server
  (``tests/stores/servers.py``, as the store tests start it) and every named query (and, with
  ``--baseline``, its baseline version) is asked there over HTTP, once, with the server's 150 s
  limit of the store tests; checks are not asked there (the validator runs them embedded).
- ``--over MS``: the line ends with ``SLOW`` when the embedded time is over ``MS``.

The machine is shared: timings of a few milliseconds move by ±50 % from run to run; compare
within one run. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from io import BytesIO
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bjaikg import PROJECT_ROOT
from bjaikg.query_catalogue import load_catalogue
from bjaikg.store import KnowledgeGraph, load_knowledge_graph
from bjaikg.validation.rules import load_rules

CHECKS = ("quality", "links")


@dataclass(frozen=True)
class Item:
    """One query to time: its name as printed and its text."""

    name: str
    text: str


def items(folder: Path) -> dict[str, Item]:
    """The named queries (defaults bound, federated ones left out) and the rules of ``folder``
    (a ``queries/`` folder), by printed name."""
    found = {
        query.name: Item(query.name, query.bind({}))
        for query in load_catalogue(folder)
        if not query.needs_network
    }
    for check in CHECKS:
        for rule in load_rules(check, folder / "checks"):
            found[f"check {rule.id}"] = Item(f"check {rule.id}", rule.query)
    return found


def revision_folder(revision: str, work: Path) -> Path:
    """The ``queries/`` folder of git ``revision``, extracted below ``work``."""
    archive = subprocess.run(
        ["git", "-C", str(PROJECT_ROOT), "archive", revision, "queries"],
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(work, filter="data")
    return work / "queries"


def best_milliseconds(run: Callable[[], object], repeat: int) -> float:
    """The best wall time of ``repeat`` calls of ``run``, in milliseconds."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best * 1000


def embedded(graph: KnowledgeGraph, text: str) -> Callable[[], object]:
    """A call that asks ``graph`` for ``text`` and reads the whole answer."""

    def run() -> object:
        result = graph.query(text)
        return bool(result) if isinstance(result, ox.QueryBoolean) else list(result)

    return run


def time_of(graph: KnowledgeGraph, item: Item | None, repeat: int) -> float | None:
    """The best embedded time of ``item`` in milliseconds; None when there is no such item."""
    return None if item is None else best_milliseconds(embedded(graph, item.text), repeat)


def oxigraph_times(*catalogues: dict[str, Item]) -> list[dict[str, float]]:
    """Each named query of each of ``catalogues`` asked once of one Oxigraph server holding the
    working tree (ms), one dict per catalogue."""
    from bjaikg.loading import Target, load_dataset, read_dataset
    from tests.stores.servers import ask, running_oxigraph

    times: list[dict[str, float]] = [{} for _ in catalogues]
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work) / "store"
        load_dataset(read_dataset(), "oxigraph", Target(location=folder), replace=False)
        with running_oxigraph(folder, timeout_seconds=150) as store:
            for catalogue, found in zip(catalogues, times, strict=True):
                for name, item in catalogue.items():
                    if not name.startswith("check "):
                        found[name] = best_milliseconds(partial(ask, store, item.text), 1)
    return times


def main() -> None:
    """Parse the arguments, time everything, print one line per query."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--baseline", help="git revision whose queries/ to time alongside")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--oxigraph", action="store_true", help="also ask an Oxigraph server")
    parser.add_argument("--over", type=float, default=50.0, help="mark lines slower than this")
    arguments = parser.parse_args()

    graph = load_knowledge_graph()
    now = items(PROJECT_ROOT / "queries")
    before: dict[str, Item] = {}
    if arguments.baseline:
        with tempfile.TemporaryDirectory() as work:
            before = items(revision_folder(arguments.baseline, Path(work)))
    served, served_before = oxigraph_times(now, before) if arguments.oxigraph else ({}, {})

    header = f"{'embedded ms':>12}"
    if arguments.baseline:
        header += f"{'baseline ms':>12}{'ratio':>8}"
    if served:
        header += f"{'oxigraph ms':>12}"
    if served_before:
        header += f"{'baseline ms':>12}"
    print(f"{header}  query")
    for name in sorted(set(now) | set(before)):
        ms = time_of(graph, now.get(name), arguments.repeat)
        line = f"{ms:12.1f}" if ms is not None else f"{'-':>12}"
        if arguments.baseline:
            old = time_of(graph, before.get(name), arguments.repeat)
            line += f"{old:12.1f}" if old is not None else f"{'-':>12}"
            line += f"{old / ms:8.1f}" if old is not None and ms else f"{'-':>8}"
        if served:
            line += f"{served[name]:12.1f}" if name in served else f"{'-':>12}"
        if served_before:
            line += f"{served_before[name]:12.1f}" if name in served_before else f"{'-':>12}"
        slow = "  SLOW" if ms is not None and ms > arguments.over else ""
        print(f"{line}  {name}{slow}", flush=True)


if __name__ == "__main__":
    main()
