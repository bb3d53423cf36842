"""``python -m bjaikg`` — the graph's commands.

- ``stats``: load the graph and print what it holds;
- ``sources``: list the registered sources and verify every snapshot's checksum (exit 1 when a
  snapshot is missing or differs); ``sources fetch`` downloads missing snapshots from their
  URLs; ``sources build`` regenerates the generated files of ``instances/``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bjaikg.errors import BjaikgError
from bjaikg.namespaces import shorten
from bjaikg.sources.generated import write_generated
from bjaikg.sources.registry import (
    REGISTRY_FILE,
    check_snapshot,
    fetch_snapshot,
    read_registry,
    sources_folder,
)
from bjaikg.statistics import count_entities_per_class
from bjaikg.store import load_knowledge_graph


def print_statistics(paths: list[Path] | None) -> int:
    """Print triples per file and entities per ontology class."""
    graph = load_knowledge_graph(paths or None)
    for graph_file in graph.files:
        print(f"{graph_file.triples:7d}  {graph_file.path}")
    print(f"{graph.asserted_triples:7d}  triples asserted")
    print(f"{graph.inferred_triples:7d}  triples inferred")
    print()
    for count in count_entities_per_class(graph):
        print(f"{count.entities:7d}  {shorten(count.class_iri)}")
    return 0


def verify_sources(folder: Path, registry: Path = REGISTRY_FILE) -> int:
    """List every registered snapshot with its state; 1 when any is missing or differs."""
    failed = 0
    for snapshot in read_registry(registry):
        problem = check_snapshot(snapshot, folder)
        state = "ok" if problem is None else "FAILED"
        print(f"{state:6}  {snapshot.file}  {snapshot.title}  (licence: {snapshot.licence or '-'})")
        if problem is not None:
            print(f"bjaikg: {problem.message}", file=sys.stderr)
            failed += 1
    print(f"{folder}: {failed} problem(s)")
    return 1 if failed else 0


def fetch_sources(folder: Path, registry: Path = REGISTRY_FILE) -> int:
    """Download every missing snapshot that has a URL, then verify all of them."""
    for snapshot in read_registry(registry):
        if not (folder / snapshot.file).exists() and snapshot.download_url:
            print(f"fetching {snapshot.file} from {snapshot.download_url}")
            fetch_snapshot(snapshot, folder)
    return verify_sources(folder, registry)


def build_sources(folder: Path, registry: Path = REGISTRY_FILE) -> int:
    """Regenerate the generated files of ``instances/`` from the snapshots and mappings."""
    if verify_sources(folder, registry):
        return 1
    for path in write_generated(folder):
        print(f"wrote {path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m bjaikg``; returns the exit code."""
    parser = argparse.ArgumentParser(prog="bjaikg", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    stats = commands.add_parser("stats", help="load the graph and print counts")
    stats.add_argument("paths", nargs="*", type=Path, help="Turtle files or folders")
    sources = commands.add_parser("sources", help="list and verify the sources' snapshots")
    sources.add_argument(
        "action", nargs="?", choices=("verify", "fetch", "build"), default="verify"
    )
    sources.add_argument(
        "--folder",
        type=Path,
        help="the sources folder (default: $BJAIKG_SOURCES or ../shared/sources)",
    )
    sources.add_argument(
        "--registry", type=Path, default=REGISTRY_FILE, help="the registry (instances/sources.ttl)"
    )
    arguments = parser.parse_args(argv)
    try:
        if arguments.command == "stats":
            return print_statistics(arguments.paths)
        folder = arguments.folder or sources_folder()
        action = {"verify": verify_sources, "fetch": fetch_sources, "build": build_sources}
        return action[arguments.action](folder, arguments.registry)
    except BjaikgError as error:
        print(f"bjaikg: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
