"""How many operators or group elements in a row crash pyoxigraph's stack (never a test).

    python bench/stack_depth.py [--up-to N] [SHAPE ...]

For each query shape (``bind``, ``minus``, ``or`` …) this doubles the count from 1,000 until a
child process running the query on an empty store dies of a signal (``--up-to``, 64,000 by
default), then
bisects to within 5 %. Each child has this process's stack limit (``ulimit -s``; 8 MB by
default, as a ``serve.py`` worker has). Prints the last count that answered and the first that
crashed; docs/endpoint.md ("Errors") quotes the figures.

Hazard: a child slower than 20 s counts as answered (the endpoint's deadline would stop it).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Callable

P = "<http://example.org/p>"
SHAPES: dict[str, Callable[[int], str]] = {
    "bind": lambda n: "SELECT * { " + " ".join(f"BIND(1 AS ?v{i})" for i in range(n)) + " }",
    "minus": lambda n: "SELECT * { " + "MINUS { ?s ?p ?o } " * n + "}",
    "optional": lambda n: "SELECT * { " + "OPTIONAL { } " * n + "}",
    "union": lambda n: "SELECT * { " + " UNION ".join(["{ }"] * (n + 1)) + " }",
    "plus": lambda n: "SELECT (" + "+".join(["1"] * (n + 1)) + " AS ?x) {}",
    "triples": lambda n: "SELECT * { " + " . ".join(f"?s{i} {P} ?o{i}" for i in range(n)) + " }",
    "groups": lambda n: "SELECT * { " + f"{{ ?s {P} ?o }} " * n + "}",
    "sequence": lambda n: "SELECT * { ?s " + "/".join([P] * (n + 1)) + " ?o }",
    "alternative": lambda n: "SELECT * { ?s " + "|".join([P] * (n + 1)) + " ?o }",
    "or": lambda n: "SELECT * { FILTER(" + "||".join(["true"] * (n + 1)) + ") }",
    "filters": lambda n: "SELECT * { " + "FILTER(true) " * n + "}",
    "and": lambda n: "SELECT * { FILTER(" + "&&".join(["true"] * (n + 1)) + ") }",
    "not": lambda n: "SELECT * { FILTER(" + "!" * n + "true) }",
    "values": lambda n: "SELECT * { VALUES ?x { " + "1 " * n + "} }",
}
CHILD = "import sys, pyoxigraph as ox; list(ox.Store().query(sys.stdin.read()))"


def crashes(query: str) -> bool:
    """Whether a child process running ``query`` dies of a signal."""
    try:
        child = subprocess.run(
            [sys.executable, "-c", CHILD], input=query, capture_output=True, text=True, timeout=20
        )
    except subprocess.TimeoutExpired:
        return False
    return child.returncode < 0


def find_threshold(shape: Callable[[int], str], up_to: int) -> tuple[int, int | None]:
    """The last count that answered and the first that crashed (``None``: none up to ``up_to``)."""
    answered, count = 0, 1000
    while count <= up_to and not crashes(shape(count)):
        answered, count = count, count * 2
    if count > up_to:
        return answered, None
    crashed = count
    while crashed - answered > max(answered // 20, 50):
        middle = (answered + crashed) // 2
        if crashes(shape(middle)):
            crashed = middle
        else:
            answered = middle
    return answered, crashed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("shapes", nargs="*", help=f"some of: {', '.join(SHAPES)} (default: all)")
    parser.add_argument("--up-to", type=int, default=64_000, help="largest count tried")
    arguments = parser.parse_args()
    names = arguments.shapes or list(SHAPES)
    unknown = set(names) - set(SHAPES)
    if unknown:
        parser.error(f"unknown shape(s): {', '.join(sorted(unknown))}")
    for name in names:
        answered, crashed = find_threshold(SHAPES[name], arguments.up_to)
        outcome = (
            f"first crash at {crashed:,}" if crashed else f"no crash up to {arguments.up_to:,}"
        )
        print(f"{name:12} answered at {answered:,}, {outcome}", flush=True)


if __name__ == "__main__":
    main()
