"""The documentation of the validator matches what it does: options, CI command, hook."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import yaml

from bjaikg import PROJECT_ROOT
from bjaikg.validation.cli import build_parser
from tests.validation.conftest import SOURCED

DOCS = (PROJECT_ROOT / "docs" / "validation.md").read_text(encoding="utf-8")


def test_every_option_is_documented() -> None:
    options = [
        option
        for action in build_parser()._actions
        for option in action.option_strings
        if option.startswith("--") and option != "--help"
    ]
    assert options and [option for option in options if f"`{option}" not in DOCS] == []


def test_ci_example_is_the_command_ci_runs() -> None:
    [command] = re.findall(r"- run: (python validate\.py[^\n]*)", DOCS)
    script = (PROJECT_ROOT / "scripts" / "test.sh").read_text(encoding="utf-8").splitlines()
    assert command in [line.strip() for line in script], (
        f"scripts/test.sh (run by .ci/run) does not run `{command}`"
    )


def test_pre_commit_hook_runs_validate_on_a_file(turtle_file: Callable[..., Path]) -> None:
    [hook] = yaml.safe_load((PROJECT_ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["language"] == "script" and re.search(hook["files"], "instances/x.ttl")
    good = turtle_file('bj:someone a bjo:Person ; rdfs:label "某人"@zh, "x"@en ; ' + SOURCED + " .")
    bad = turtle_file('bj:someone a bjo:Person ; rdfs:label "某人"@zh ; ' + SOURCED + " .", "b.ttl")
    # As pre-commit does: the entry (a path in this repository) with the args and the file names.
    for path, expected in ((good, 0), (bad, 1)):
        command = [str(PROJECT_ROOT / hook["entry"]), *hook["args"], str(path)]
        assert subprocess.run(command, capture_output=True, check=False).returncode == expected


def test_every_rule_and_node_shape_is_documented() -> None:
    """The rule and shape tables name every rule file's id and every node shape."""
    rules = {
        line.split(":", 1)[1].strip()
        for path in (PROJECT_ROOT / "queries" / "checks").rglob("*.rq")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.startswith("#+ id:")
    }
    shapes = {
        match
        for path in (PROJECT_ROOT / "ontology" / "shapes").glob("*.ttl")
        for match in re.findall(
            r"^(bjsh:\w+) a sh:NodeShape", path.read_text(encoding="utf-8"), re.M
        )
    }
    assert rules and shapes
    assert sorted(term for term in rules | shapes if f"`{term}`" not in DOCS) == []
