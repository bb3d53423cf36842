"""``python -m bjaikg stats`` — load the graph and print what it holds."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bjaikg.errors import BjaikgError
from bjaikg.namespaces import shorten
from bjaikg.statistics import count_entities_per_class
from bjaikg.store import load_knowledge_graph


def print_statistics(paths: list[Path] | None) -> None:
    """Print triples per file and entities per ontology class."""
    graph = load_knowledge_graph(paths or None)
    for graph_file in graph.files:
        print(f"{graph_file.triples:7d}  {graph_file.path}")
    print(f"{graph.asserted_triples:7d}  triples asserted")
    print(f"{graph.inferred_triples:7d}  triples inferred")
    print()
    for count in count_entities_per_class(graph):
        print(f"{count.entities:7d}  {shorten(count.class_iri)}")


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m bjaikg``; returns the exit code."""
    parser = argparse.ArgumentParser(prog="bjaikg", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    stats = commands.add_parser("stats", help="load the graph and print counts")
    stats.add_argument("paths", nargs="*", type=Path, help="Turtle files or folders")
    arguments = parser.parse_args(argv)
    try:
        print_statistics(arguments.paths)
    except BjaikgError as error:
        print(f"bjaikg: error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
