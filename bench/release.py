"""Release build and knowledge diff on a synthetic graph (issue 15's aims: each under 5 s at 1e5).

``python bench/release.py [--triples 1e5] [--repeat 3]`` generates the synthetic graph
(:mod:`synthetic`) with the project's ontology beside it, and a second version with a seeded
change set (an entity added, one removed, a value changed, a link changed, a blank-node
structure written with other blank-node names). It measures, in this process:

- **build**: loading the Turtle with inference and writing the release folder
  (:func:`bjaikg.release.write_release`), and the writing alone;
- **diff**: loading two release folders and diffing them (:func:`diff_snapshots`),

prints the median and range of ``--repeat`` runs, and checks that the diff names exactly the
seeded changes.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.synthetic import generate
from bjaikg import PROJECT_ROOT
from bjaikg.knowledge_diff import count_line, diff_snapshots, render_text
from bjaikg.release import write_release
from bjaikg.snapshots import load_checkout, load_release
from bjaikg.versioning import Version

BLANK_OLD = "\nbj:area-0 bjo:range [ bjo:minimum 1 ; bjo:maximum 2 ] .\n"
BLANK_NEW = "\nbj:area-0 bjo:range _:r .\n_:r bjo:maximum 2 ; bjo:minimum 1 .\n"
ADDED = '\nbj:bench-new a bjo:Company ; rdfs:label "新公司"@zh, "New company"@en .\n'


def seeded_change(text: str) -> str:
    """The second version: area-3 removed, area-1's paragraph and the first ``bjo:locatedIn``
    changed, an entity added, the blank-node structure renamed."""
    text = re.sub(r"\nbj:area-3 a .*?\.\n", "\n", text, count=1, flags=re.DOTALL)
    text = re.sub(
        r"(bj:area-1 a .*?bjo:paragraph) 2 \.", r"\1 99 .", text, count=1, flags=re.DOTALL
    )
    text = re.sub(r"bjo:locatedIn bj:area-(\d+)", "bjo:locatedIn bj:area-1", text, count=1)
    return text + BLANK_NEW + ADDED


def make_checkout(folder: Path, data: str) -> Path:
    (folder / "instances").mkdir(parents=True)
    (folder / "instances" / "synthetic.ttl").write_text(data, encoding="utf-8")
    shutil.copytree(PROJECT_ROOT / "ontology", folder / "ontology")
    return folder


def timed(action: Callable[[], object], repeat: int) -> list[float]:
    seconds = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        seconds.append(time.perf_counter() - start)
    return seconds


def line(name: str, seconds: list[float]) -> str:
    return (
        f"{name:<42} {statistics.median(seconds):7.2f} s  "
        f"(range {min(seconds):.2f}–{max(seconds):.2f}, {len(seconds)} runs)"
    )


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the figures; exit 1 when the diff misses a seeded change."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=float, default=1e5)
    parser.add_argument("--repeat", type=int, default=3)
    arguments = parser.parse_args(argv)
    old_text = generate(int(arguments.triples)) + BLANK_OLD
    new_text = seeded_change(old_text.removesuffix(BLANK_OLD))
    with tempfile.TemporaryDirectory(prefix="bjaikg-bench-release-") as work:
        root = Path(work)
        old_checkout = make_checkout(root / "old", old_text)
        new_checkout = make_checkout(root / "new", new_text)
        old = load_checkout(old_checkout, "old", with_inference=True)
        print(
            f"synthetic graph: {sum(1 for _ in old.asserted())} asserted triples, "
            f"{len(old.quads)} with inferred ones"
        )

        def build(checkout: Path, version: Version, folder: Path) -> None:
            snapshot = load_checkout(checkout, checkout.name, with_inference=True)
            write_release(snapshot, version, folder, date="2026-12-04", replace=True)

        old_release, new_release = root / "releases" / "1.0.0", root / "releases" / "2.0.0"
        build_seconds = timed(
            lambda: build(old_checkout, Version(1, 0, 0), old_release), arguments.repeat
        )
        write_seconds = timed(
            lambda: write_release(
                old, Version(1, 0, 0), old_release, date="2026-12-04", replace=True
            ),
            arguments.repeat,
        )
        build(new_checkout, Version(2, 0, 0), new_release)
        size = sum(p.stat().st_size for p in old_release.rglob("*") if p.is_file())
        diffs = []

        def diff_releases() -> None:
            diffs.append(diff_snapshots(load_release(old_release), load_release(new_release)))

        diff_seconds = timed(diff_releases, arguments.repeat)
        print(line("release build (load + inference + write)", build_seconds))
        print(line("release write alone", write_seconds))
        print(line("diff of two release folders (load + diff)", diff_seconds))
        print(f"release folder: {size / 1e6:.1f} MB")
        diff = diffs[-1]
        print(count_line(diff))
        print(render_text(diff))
        found = (
            [c.entity.iri.rsplit("/", 1)[1] for c in diff.added],
            [c.entity.iri.rsplit("/", 1)[1] for c in diff.removed],
            sorted(c.entity.iri.rsplit("/", 1)[1] for c in diff.changed),
        )
    changed_company = found[2][-1:] if found[2] else []
    expected = (["bench-new"], ["area-3"], sorted(["area-1", *changed_company]))
    if found != expected or len(found[2]) != 2:
        print(f"diff does not name exactly the seeded changes: {found}", file=sys.stderr)
        return 1
    print("the diff names exactly the seeded changes (the renamed blank node: no change)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
