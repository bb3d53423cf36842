"""Benchmark of ``validate.py``: the project graph and synthetic graphs, next to pySHACL's CLI.

``python bench/validation.py [--sizes 1e4,1e5,1e6] [--work DIR]`` runs, each as its own
process (the wall time includes Python start-up and imports, as a CI step sees it):

- ``validate.py`` on the project graph, without and with the OWL (HermiT) check;
- for each size, ``bench/synthetic.py`` writes a graph shaped like ours, then
  ``validate.py FILE --no-owl`` (with pySHACL and with pyshacl-turbo) and pySHACL's own CLI on
  the same file, with the same shapes and the ontology as ``--ont-graph``, no inference.

It prints a table of wall seconds, peak resident memory of the process and exit code. Not part
of the test suite; figures depend on the machine and on what else runs on it.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VALIDATE = [sys.executable, str(ROOT / "validate.py")]


@dataclass(frozen=True)
class Measurement:
    """One process run: what ran, on what, how long, how much memory, how it exited."""

    label: str
    input: str
    seconds: float
    peak_megabytes: float
    exit_code: int


def measure(label: str, input_name: str, command: list[str]) -> Measurement:
    """Run ``command`` (output discarded) and measure its wall time and peak RSS (``wait4``)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return Measurement(label, input_name, seconds, usage.ru_maxrss / 1024, process.returncode)


def concatenate(paths: list[Path], output: Path) -> Path:
    """Write the Turtle files one after another into ``output`` (prefixes may repeat)."""
    output.write_text("\n".join(p.read_text(encoding="utf-8") for p in paths), encoding="utf-8")
    return output


def run_benchmark(sizes: list[int], work: Path) -> list[Measurement]:
    """Every measurement described in the module docstring, in order."""
    shapes = concatenate(sorted((ROOT / "ontology" / "shapes").glob("*.ttl")), work / "shapes.ttl")
    ontology = concatenate(sorted((ROOT / "ontology").glob("*.ttl")), work / "ontology.ttl")
    results = [
        measure("validate.py --no-owl", "project", [*VALIDATE, "--no-owl"]),
        measure("validate.py (with owl)", "project", VALIDATE),
    ]
    for size in sizes:
        data = work / f"synthetic-{size}.ttl"
        generator = [sys.executable, str(ROOT / "bench" / "synthetic.py")]
        subprocess.run([*generator, "--triples", str(size), "--output", str(data)], check=True)
        name = f"synthetic {size:.0e}"
        ours = [*VALIDATE, str(data), "--no-owl"]
        results.append(measure("validate.py --no-owl", name, ours))
        turbo = [*ours, "--engine", "pyshacl-turbo"]
        results.append(measure("validate.py --no-owl --engine pyshacl-turbo", name, turbo))
        pyshacl = [sys.executable, "-m", "pyshacl", "-s", str(shapes), "-e", str(ontology)]
        results.append(measure("pyshacl CLI -i none", name, [*pyshacl, "-i", "none", str(data)]))
    return results


def format_table(results: list[Measurement]) -> str:
    """The measurements as a Markdown table."""
    lines = ["| command | input | wall s | peak MB | exit |", "|---|---|---:|---:|---:|"]
    for result in results:
        lines.append(
            f"| {result.label} | {result.input} | {result.seconds:.2f} | "
            f"{result.peak_megabytes:.0f} | {result.exit_code} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments, run the benchmark, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1e4,1e5,1e6", help="comma-separated triple counts")
    parser.add_argument("--work", type=Path, default=Path("/tmp/bjaikg-bench"))
    arguments = parser.parse_args(argv)
    arguments.work.mkdir(parents=True, exist_ok=True)
    sizes = [int(float(size)) for size in arguments.sizes.split(",") if size.strip()]
    print(format_table(run_benchmark(sizes, arguments.work)))
    print(f"\n{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f} at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
