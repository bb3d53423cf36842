"""Running a snippet of Python in fresh processes under different string-hash seeds: what
workers and replicas write must not depend on the seed (strong ETags, byte-identical dumps)."""

from __future__ import annotations

import os
import subprocess
import sys


def outputs_under_hash_seeds(code: str, seeds: tuple[str, ...] = ("1", "2", "3")) -> set[str]:
    """The distinct standard outputs of ``code`` run once per ``PYTHONHASHSEED`` of ``seeds``."""
    return {
        subprocess.run(
            [sys.executable, "-c", code],
            check=True,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in seeds
    }
