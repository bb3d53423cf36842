"""``python -m bjaikg stats | sources | release | diff | load`` — the graph's statistics,
sources, releases and changes, and loading it into an external store.

- ``stats [PATH ...]`` — load the graph and print triples per file and entities per class.
- ``sources [verify|fetch|build]`` — list the registered sources and verify every snapshot's
  checksum (exit 1 when one is missing or differs); ``fetch`` downloads missing snapshots from
  their URLs; ``build`` regenerates the generated files of ``instances/``.
- ``release VERSION [--output DIR] [--revision REV] [--date YYYY-MM-DD]`` — build the release
  folder of a commit (docs/releases.md); exit 1 when the version breaks the version policy.
- ``diff OLD NEW [--format text|markdown|json]`` — the knowledge diff between two versions (git
  revisions, checkout folders or release folders).
- ``load --into URL [--release DIR] [--method gsp|virtuoso|oxigraph] [--replace]`` — put every
  named graph of a release (default: the working tree, with inference) into a triple store and
  check each graph's triple count there (docs/deployment.md#stores). The password comes from
  ``--password`` or ``$BJAIKG_STORE_PASSWORD``.

Exit codes: 0 done, 1 a snapshot is missing or differs, the release was refused by the version
policy, or the store cannot be reached, refused the data or holds other counts, 2 input error.
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
import sys
from pathlib import Path

from bjaikg import PROJECT_ROOT, summary
from bjaikg.errors import BjaikgError
from bjaikg.knowledge_diff import FORMATS, diff_snapshots, render
from bjaikg.loading import METHODS, LoadError, Target, load_dataset, read_dataset
from bjaikg.namespaces import BJO, shorten
from bjaikg.release import plan_release, write_release
from bjaikg.snapshots import open_snapshot
from bjaikg.sources.generated import write_generated
from bjaikg.sources.registry import (
    REGISTRY_FILE,
    check_snapshot,
    fetch_snapshot,
    read_registry,
    sources_folder,
)
from bjaikg.statistics import measure_dataset
from bjaikg.store import load_knowledge_graph
from bjaikg.versioning import Version


def print_statistics(paths: list[Path] | None) -> None:
    """Print triples per file and entities per ontology class."""
    graph = load_knowledge_graph(paths or None)
    for graph_file in graph.files:
        print(f"{graph_file.triples:7d}  {graph_file.path}")
    print(f"{graph.asserted_triples:7d}  triples asserted")
    print(f"{graph.inferred_triples:7d}  triples inferred")
    print()
    for count in measure_dataset(graph).classes_in(BJO):
        print(f"{count.entities:7d}  {shorten(count.class_iri)}")


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


def make_release(arguments: argparse.Namespace) -> int:
    """Check the version against the policy, then write the release folder."""
    version = Version.parse(arguments.version)
    plan = plan_release(
        version, revision=arguments.revision, date=arguments.date, replace=arguments.replace
    )
    if plan.problems:
        for problem in plan.problems:
            print(f"bjaikg release: refused: {problem}", file=sys.stderr)
        return 1
    folder = arguments.output or PROJECT_ROOT / "releases" / str(version)
    release = write_release(
        plan.snapshot,
        version,
        folder,
        date=plan.date,
        commit=plan.commit,
        diff=plan.diff,
        previous=plan.previous,
        replace=arguments.replace,
    )
    print(f"release {version} of {plan.commit[:12]} ({plan.date}) in {folder}")
    for item in release.files:
        print(f"{item.size:10d}  {item.path}")
    return 0


def print_diff(arguments: argparse.Namespace) -> int:
    """Print the knowledge diff between two versions."""
    diff = diff_snapshots(open_snapshot(arguments.old), open_snapshot(arguments.new))
    sys.stdout.write(render(diff, arguments.format))
    return 0


def load_store(arguments: argparse.Namespace) -> int:
    """Load the release or working tree into the store and print the graphs' counts."""
    dataset = read_dataset(arguments.release)
    target = Target(
        query_url=arguments.into,
        graph_store_url=arguments.graph_store,
        user=arguments.user,
        password=arguments.password or os.environ.get("BJAIKG_STORE_PASSWORD"),
        isql=arguments.isql,
        load_folder=arguments.load_folder,
        location=arguments.location,
    )
    try:
        counts = load_dataset(dataset, arguments.method, target, replace=arguments.replace)
    except LoadError as error:
        print(f"bjaikg load: {error}", file=sys.stderr)
        return 1
    for graph, count in sorted(counts.items()):
        print(f"{count:7d}  {graph}")
    print(f"{sum(counts.values()):7d}  triples in {len(counts)} graphs of {dataset.name}, checked")
    return 0


def release_date(text: str) -> str:
    """``text`` if it is a date ``YYYY-MM-DD``, else an argparse error."""
    try:
        return datetime.date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date YYYY-MM-DD") from None


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m bjaikg``."""
    parser = argparse.ArgumentParser(prog="bjaikg", description=summary(__doc__))
    commands = parser.add_subparsers(dest="command", required=True)
    stats = commands.add_parser("stats", help="load the graph and print counts")
    stats.add_argument("paths", nargs="*", type=Path, help="Turtle files or folders")
    release = commands.add_parser("release", help="build the release folder of a commit")
    release.add_argument("version", help="MAJOR.MINOR.PATCH, as the data's owl:versionInfo")
    release.add_argument("--output", type=Path, help="folder (default releases/VERSION)")
    release.add_argument("--revision", default="HEAD", help="git revision (default HEAD)")
    release.add_argument(
        "--date", type=release_date, help="release date YYYY-MM-DD (default: the commit's)"
    )
    release.add_argument("--replace", action="store_true", help="replace an existing folder")
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
    diff = commands.add_parser("diff", help="what changed in the knowledge between versions")
    diff.add_argument("old", help="git revision, checkout folder or release folder")
    diff.add_argument("new", help="git revision, checkout folder or release folder")
    diff.add_argument("--format", choices=FORMATS, default="text")
    load = commands.add_parser("load", help="put the graph into an external triple store")
    load.add_argument("--into", help="the store's SPARQL query URL (counts are checked there)")
    load.add_argument("--release", type=Path, help="release folder (default: the working tree)")
    load.add_argument("--method", choices=METHODS, default="gsp")
    load.add_argument("--replace", action="store_true", help="replace the project's graphs")
    load.add_argument("--graph-store", help="Graph Store Protocol URL (default: --into)")
    load.add_argument("--user", help="user for HTTP digest auth and Virtuoso's isql")
    load.add_argument("--password", help="password (default: $BJAIKG_STORE_PASSWORD)")
    load.add_argument("--isql", help="Virtuoso's SQL port HOST:PORT (virtuoso method)")
    load.add_argument(
        "--load-folder", type=Path, help="a folder in Virtuoso's DirsAllowed (virtuoso method)"
    )
    load.add_argument("--location", type=Path, help="the Oxigraph folder (oxigraph method)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m bjaikg``; returns the exit code."""
    if isinstance(sys.stdout, io.TextIOWrapper):  # labels are bilingual, whatever the locale
        sys.stdout.reconfigure(encoding="utf-8")
    arguments = build_parser().parse_args(argv)
    try:
        if arguments.command == "release":
            return make_release(arguments)
        if arguments.command == "diff":
            return print_diff(arguments)
        if arguments.command == "load":
            return load_store(arguments)
        if arguments.command == "sources":
            folder = arguments.folder or sources_folder()
            if arguments.action != "fetch" and not folder.is_dir():  # fetch makes it
                raise BjaikgError(f"{folder}: no such folder (the sources folder: --folder)")
            action = {"verify": verify_sources, "fetch": fetch_sources, "build": build_sources}
            return action[arguments.action](folder, arguments.registry)
        print_statistics(arguments.paths)
    except (BjaikgError, ValueError) as error:
        print(f"bjaikg: error: {error}", file=sys.stderr)
        return 2
    except OSError as error:  # an output folder that exists, or cannot be made or written
        where = f"{error.filename}: " if error.filename else ""
        print(f"bjaikg: error: {where}{error.strerror or error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
