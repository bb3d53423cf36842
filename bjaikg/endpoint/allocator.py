"""glibc's allocator, tuned for the many small blocks each query allocates and frees.

pyoxigraph allocates and frees hundreds of small blocks per query (parser, evaluator, result
writer), and so does Python for the request around it. glibc keeps at most 7 freed blocks of
each size in its per-thread cache (tcache); the rest go back to the shared bins, and the next
query takes them out again through ``_int_malloc``. With a cache of :data:`TCACHE_COUNT`
blocks per size the same blocks are reused at once (the measurements, CPU per lookup and per
chain with each cache size: docs/decisions/20261130-allocator-restart.md, bench/ENDPOINT.md).

The cache size is a glibc tunable, read only when a program starts, so ``serve.py`` replaces
itself once (``execve``: same process id, same arguments) with ``GLIBC_TUNABLES`` set.

Hazards: each process may keep up to :data:`TCACHE_COUNT` freed blocks per size class (64
classes up to 1 KiB) instead of returning them to the shared bins: tens of MB at most. A
``GLIBC_TUNABLES`` that already sets the cache size is left as the user wrote it, and no
restart happens: set ``GLIBC_TUNABLES=glibc.malloc.tcache_count=7`` (glibc's default) to run
``serve.py`` under a debugger, profiler or coverage tool that would not follow the ``execve``.
On other C libraries (musl) the restart is skipped.
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
