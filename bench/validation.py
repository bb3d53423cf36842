"""Benchmark of ``validate.py``: the project graph and synthetic graphs, next to pySHACL's CLI.

``python bench/validation.py [--sizes 1e4,1e5,1e6] [--repeat 3] [--work DIR]`` runs, each as
its own process (the wall time includes Python start-up and imports, as a CI step sees it):

- on the project graph (``ontology/`` and ``instances/``): ``validate.py`` with and without
  the OWL (HermiT) check, ``validate.py --no-owl --engine pyshacl-turbo``, and pySHACL's own
  CLI on the same files (concatenated into one);
- for each size, ``bench/synthetic.py`` writes a graph shaped like ours (conforming to the
  shapes), then ``validate.py FILE --no-owl`` with pySHACL and with pyshacl-turbo, and pySHACL's
  own CLI on the same file.

With ``--baseline REV`` (for example the commit before a new source), the project graph of that
git revision (its ``ontology/`` and ``instances/``) is measured in the same run: ``validate.py
--no-owl`` on it, and the serving start-up (``serve.py --get`` of an ASK query: load, infer,
check, answer once) on both graphs, so the growth shows as a ratio measured side by side.

pySHACL's CLI gets the same shapes, the ontology as ``--ont-graph`` (``-e``) and no inference
(``-i none``), which is what ``validate.py`` asks of pySHACL. Every command runs ``--repeat``
times in turn (the machine is shared: timings vary by ±30 %); the table gives the median and
the range of the wall time, the largest peak resident memory and the exit code. Not part of
the test suite; figures depend on the machine and on what else runs on it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VALIDATE = [sys.executable, str(ROOT / "validate.py")]
TURBO = ["--engine", "pyshacl-turbo"]


@dataclass(frozen=True)
class Measurement:
    """One command run one or more times: what ran, on what, how long, how much memory."""

    label: str
    input: str
    seconds: list[float]
    peak_megabytes: float
    exit_code: int

    @property
    def median(self) -> float:
        """The median wall time in seconds."""
        return statistics.median(self.seconds)


@dataclass(frozen=True)
class Command:
    """A command to measure and how the table names it."""

    label: str
    input: str
    argv: list[str]


def run_once(argv: list[str]) -> tuple[float, float, int]:
    """Run ``argv`` (output discarded): wall seconds, peak RSS in MB (``wait4``), exit code."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    return seconds, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def measure(commands: list[Command], repeat: int) -> list[Measurement]:
    """Run every command ``repeat`` times, in rounds (so a burst of load hits all alike)."""
    runs: list[list[tuple[float, float, int]]] = [[] for _ in commands]
    for _ in range(repeat):
        for index, command in enumerate(commands):
            runs[index].append(run_once(command.argv))
    return [
        Measurement(
            label=command.label,
            input=command.input,
            seconds=[seconds for seconds, _, _ in results],
            peak_megabytes=max(peak for _, peak, _ in results),
            exit_code=results[-1][2],
        )
        for command, results in zip(commands, runs, strict=True)
    ]


def concatenate(paths: list[Path], output: Path) -> Path:
    """Write the Turtle files one after another into ``output`` (prefixes may repeat)."""
    output.write_text("\n".join(p.read_text(encoding="utf-8") for p in paths), encoding="utf-8")
    return output


def export_revision(revision: str, work: Path) -> Path:
    """``ontology/`` and ``instances/`` of git ``revision``, unpacked under ``work``."""
    folder = work / f"baseline-{revision}"
    folder.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(
        ["git", "archive", revision, "ontology", "instances"], cwd=ROOT, check=True,
        capture_output=True,
    ).stdout  # fmt: skip
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def growth_commands(baseline: Path, revision: str) -> list[Command]:
    """Validation and serving start-up on the project graph and on the baseline's graph."""
    serve = [sys.executable, str(ROOT / "serve.py"), "--get", "/sparql?query=ASK%7B%7D"]
    old_data = ["--data", str(baseline / "ontology"), "--data", str(baseline / "instances")]
    old = f"project at {revision}"
    return [
        Command("validate.py --no-owl", old, [*VALIDATE, "--no-owl", *old_data[1::2]]),
        Command("serve.py start-up (--get ASK)", "project", serve),
        Command("serve.py start-up (--get ASK)", old, [*serve, *old_data]),
    ]


def commands_for(sizes: list[int], work: Path) -> list[Command]:
    """Every command described in the module docstring, in order (writes the inputs)."""
    shapes = concatenate(sorted((ROOT / "ontology" / "shapes").glob("*.ttl")), work / "shapes.ttl")
    ontology_files = sorted((ROOT / "ontology").glob("*.ttl"))
    ontology = concatenate(ontology_files, work / "ontology.ttl")
    instances = sorted((ROOT / "instances").rglob("*.ttl"))
    project = concatenate(ontology_files + instances, work / "project.ttl")
    pyshacl = [
        sys.executable,
        "-m",
        "pyshacl",
        "-s",
        str(shapes),
        "-e",
        str(ontology),
        "-i",
        "none",
    ]
    commands = [
        Command("validate.py --no-owl", "project", [*VALIDATE, "--no-owl"]),
        Command("validate.py (with owl)", "project", VALIDATE),
        Command(
            "validate.py --no-owl --engine pyshacl-turbo",
            "project",
            [*VALIDATE, "--no-owl", *TURBO],
        ),
        Command("pyshacl CLI -i none", "project", [*pyshacl, str(project)]),
    ]
    for size in sizes:
        data = work / f"synthetic-{size}.ttl"
        generator = [sys.executable, str(ROOT / "bench" / "synthetic.py")]
        subprocess.run([*generator, "--triples", str(size), "--output", str(data)], check=True)
        name = f"synthetic {size:.0e}".replace("e+0", "e")
        ours = [*VALIDATE, str(data), "--no-owl"]
        commands += [
            Command("validate.py --no-owl", name, ours),
            Command("validate.py --no-owl --engine pyshacl-turbo", name, [*ours, *TURBO]),
            Command("pyshacl CLI -i none", name, [*pyshacl, str(data)]),
        ]
    return commands


def format_table(results: list[Measurement]) -> str:
    """The measurements as a Markdown table."""
    lines = [
        "| command | input | wall s (median) | range | peak MB | exit |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for result in results:
        spread = f"{min(result.seconds):.2f}–{max(result.seconds):.2f}"
        lines.append(
            f"| {result.label} | {result.input} | {result.median:.2f} | {spread} | "
            f"{result.peak_megabytes:.0f} | {result.exit_code} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments, run the benchmark, print the table and the machine's load."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1e4,1e5", help="comma-separated triple counts")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each command")
    parser.add_argument("--work", type=Path, default=Path("/tmp/bjaikg-bench"))
    parser.add_argument("--baseline", metavar="REV", help="also measure the graph of this revision")
    arguments = parser.parse_args(argv)
    arguments.work.mkdir(parents=True, exist_ok=True)
    sizes = [int(float(size)) for size in arguments.sizes.split(",") if size.strip()]
    started = datetime.now(UTC)
    load_before = os.getloadavg()[0]
    commands = commands_for(sizes, arguments.work)
    if arguments.baseline:
        baseline = export_revision(arguments.baseline, arguments.work)
        commands[1:1] = growth_commands(baseline, arguments.baseline)
    results = measure(commands, max(1, arguments.repeat))
    print(format_table(results))
    print(
        f"\n{started:%Y-%m-%d %H:%M} UTC, {arguments.repeat} run(s) each; {os.cpu_count()} CPUs; "
        f"load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
