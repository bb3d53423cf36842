"""The package built as a wheel and installed (not editable) in a fresh virtual environment
works on a checkout named by ``BJAIKG_HOME``, or on the checkout it is run in."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from bjaikg import PROJECT_ROOT

pytestmark = pytest.mark.slow


def run(*command: str | Path, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(part) for part in command], cwd=cwd, env=env, capture_output=True, text=True,
        check=False, timeout=600,
    )  # fmt: skip


def test_an_installed_wheel_runs_the_commands_on_a_checkout(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if key != "BJAIKG_HOME"}
    built = run(
        sys.executable, "-m", "pip", "wheel", PROJECT_ROOT, "--no-deps", "-w", tmp_path / "wheels",
        cwd=tmp_path, env=env,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    [wheel] = (tmp_path / "wheels").glob("bjaikg-*.whl")
    venv = tmp_path / "venv"
    # without pip of its own (ensurepip is most of a venv's making): this pip installs into it
    made = run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path, env=env)
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    # The dependencies are those of the environment running the tests: its site-packages is
    # added to the new environment's path (a plain path, so the .pth files there — an editable
    # install of bjaikg — are not run); bjaikg itself comes from the wheel only.
    site = run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])",
               cwd=tmp_path, env=env).stdout.strip()  # fmt: skip
    Path(site, "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    installed = run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps",
                    "--no-index", wheel, cwd=tmp_path, env=env)  # fmt: skip
    assert installed.returncode == 0, installed.stderr

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    home = {**env, "BJAIKG_HOME": str(PROJECT_ROOT)}
    where = run(python, "-c", "import bjaikg; print(bjaikg.__file__); print(bjaikg.PROJECT_ROOT)",
                cwd=elsewhere, env=home)  # fmt: skip
    module, root = where.stdout.split()
    assert Path(module).is_relative_to(venv), "bjaikg is imported from the wheel"
    assert Path(root) == PROJECT_ROOT
    interface = Path(module).parent / "interface"
    assert (interface / "templates" / "dataset.html").is_file(), "templates are package data"
    assert (interface / "static" / "editor.js").is_file(), "static files are package data"

    stats = run(python, "-m", "bjaikg", "stats", cwd=elsewhere, env=home)
    assert stats.returncode == 0, stats.stderr
    assert "triples asserted" in stats.stdout and "bjo:Organisation" in stats.stdout

    sources = run(python, "-m", "bjaikg", "sources", cwd=PROJECT_ROOT, env=env)  # cwd: a checkout
    assert sources.returncode == 0, sources.stderr + sources.stdout

    # -P: the script's folder (the checkout, with its own bjaikg/) is not put on the path
    validated = run(python, "-P", PROJECT_ROOT / "validate.py", "--no-owl", cwd=elsewhere, env=home)
    assert validated.returncode == 0, validated.stdout[-2000:] + validated.stderr
