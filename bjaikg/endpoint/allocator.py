"""glibc's allocator, tuned for the many small blocks each query allocates and frees.

glibc keeps at most 7 freed blocks of each size in its per-thread cache; pyoxigraph and Python
allocate and free hundreds per query, and the rest go through glibc's slow path. With
:data:`TCACHE_COUNT` the same blocks are reused at once (figures:
docs/decisions/20261130-allocator-restart.md, 20261204-serving-parts.md). The cache size is a
tunable read only at program start, so ``serve.py`` replaces itself once (``execve``: same
process id and arguments) with ``GLIBC_TUNABLES`` set.

Hazards: each process may keep up to :data:`TCACHE_COUNT` freed blocks per size class: tens of
MB at most. A ``GLIBC_TUNABLES`` that sets the cache size already is kept and nothing restarts:
set ``GLIBC_TUNABLES=glibc.malloc.tcache_count=7`` under a debugger, profiler or coverage tool
that would not follow the ``execve``. Skipped on other C libraries (musl).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

TUNABLES = "GLIBC_TUNABLES"
TCACHE_TUNABLE = "glibc.malloc.tcache_count"
TCACHE_COUNT = 1000
"""Freed blocks kept per size class (glibc's default: 7)."""


def tuned_environment(environment: Mapping[str, str]) -> dict[str, str] | None:
    """``environment`` with the cache size added to ``GLIBC_TUNABLES``; ``None`` if it is set."""
    present = environment.get(TUNABLES, "")
    if TCACHE_TUNABLE in present:
        return None
    setting = f"{TCACHE_TUNABLE}={TCACHE_COUNT}"
    return {**environment, TUNABLES: f"{present}:{setting}" if present else setting}


def uses_glibc() -> bool:
    """Whether this Python runs on glibc (whose tunables the restart sets)."""
    try:
        return os.confstr("CS_GNU_LIBC_VERSION") is not None
    except (ValueError, OSError):
        return False


def restart_tuned() -> None:
    """Replace this process by itself with the tuned allocator, unless it already has it.

    Call it first thing in the entry point, before any output or open file matters: the
    process image is replaced (open descriptors without close-on-exec survive).
    """
    environment = tuned_environment(os.environ)
    if environment is None or not uses_glibc():
        return
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(sys.executable, sys.orig_argv, environment)
