"""``python -m bjaikg.linking`` — the links report and the online link check.

``report`` writes ``docs/links.md`` from the data (``--check`` only compares and fails when the
committed page is stale). ``check`` asks a Wikidata-like SPARQL endpoint about every Wikidata
link and every unlinked entity and writes a review file; it is opt-in and never part of the
default tests, because the real endpoint is on the internet.

Exit codes: 0 fine, 1 something to review (mismatches, or a stale page), 2 input or tool error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bjaikg import PROJECT_ROOT, summary
from bjaikg.errors import BjaikgError
from bjaikg.linking.link_coverage import measure_coverage, render_coverage
from bjaikg.linking.online import render_review, review_links
from bjaikg.linking.remote import RemoteEndpoint
from bjaikg.linking.targets import WIKIDATA_QUERY_SERVICE
from bjaikg.store import load_knowledge_graph

LINKS_PAGE = PROJECT_ROOT / "docs" / "links.md"


def write_report(paths: list[Path] | None, output: Path, check_only: bool) -> int:
    """Write (or with ``check_only`` compare) the links page; 1 when the page is stale."""
    page = render_coverage(measure_coverage(load_knowledge_graph(paths or None)))
    if check_only:
        current = output.read_text(encoding="utf-8") if output.is_file() else ""
        if current != page:
            print(f"{output}: out of date; run python -m bjaikg.linking report", file=sys.stderr)
            return 1
        return 0
    output.write_text(page, encoding="utf-8")
    print(f"bjaikg.linking: wrote {output}")
    return 0


def run_check(paths: list[Path] | None, endpoint: RemoteEndpoint, review: Path) -> int:
    """Check links against ``endpoint``, write the review file; 1 when something mismatches."""
    coverage = measure_coverage(load_knowledge_graph(paths or None))
    outcome = review_links(coverage, endpoint)
    review.write_text(render_review(outcome), encoding="utf-8")
    print(
        f"bjaikg.linking: {outcome.checked} Wikidata links checked, "
        f"{len(outcome.mismatches)} mismatches, {len(outcome.candidates)} candidates; "
        f"review written to {review}"
    )
    return 1 if outcome.mismatches else 0


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m bjaikg.linking", description=summary(__doc__, 3)
    )
    commands = parser.add_subparsers(dest="command", required=True)
    report = commands.add_parser("report", help="write docs/links.md from the data")
    report.add_argument("--output", type=Path, default=LINKS_PAGE, help="page to write")
    report.add_argument("--check", action="store_true", help="only compare with the page")
    check = commands.add_parser("check", help="check links against a Wikidata-like endpoint")
    check.add_argument(
        "--endpoint", default=WIKIDATA_QUERY_SERVICE, help="SPARQL endpoint URL (default WDQS)"
    )
    check.add_argument("--review", type=Path, required=True, help="review file to write")
    check.add_argument("--timeout", type=float, default=60.0, help="seconds per request")
    check.add_argument("--attempts", type=int, default=4, help="tries per request (429/503)")
    for command in (report, check):
        command.add_argument(
            "--data", type=Path, action="append", help="Turtle file or folder (repeatable)"
        )
    arguments = parser.parse_args(argv)
    paths = [path.resolve() for path in arguments.data] if arguments.data else None
    try:
        if arguments.command == "report":
            return write_report(paths, arguments.output, arguments.check)
        endpoint = RemoteEndpoint(
            arguments.endpoint, timeout=arguments.timeout, attempts=max(1, arguments.attempts)
        )
        return run_check(paths, endpoint, arguments.review)
    except BjaikgError as error:
        print(f"bjaikg.linking: error: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"bjaikg.linking: error: {error.filename}: {error.strerror}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
