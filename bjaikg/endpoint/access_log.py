"""The access log: one line per request, whatever its route and outcome, on stderr.

``bjaikg: CLIENT "METHOD PATH" STATUS MILLISECONDS ms DETAIL [query=…]``; ``"- -"`` for a
request refused before it was read. There is no logging machinery on this path: outside a
worker (the supervisor) each line is one ``write`` system call.

A worker process collects its lines in a :class:`LogBuffer`, a few kilobytes of the memory the
server's processes share (its scoreboard slot, :mod:`bjaikg.endpoint.scoreboard`), and writes
them together: when the buffer is full, and before it waits for requests once the oldest line
has waited :data:`FLUSH_SECONDS`. That saves a system call per request (bench/ENDPOINT.md has
what it is worth). Because the lines lie in shared memory, the
supervisor writes those of a worker that ended before writing them (killed at a query's
deadline, out of memory, or at shutdown): no line is lost with its worker.

A buffer's write is at most :data:`~bjaikg.endpoint.scoreboard.LOG_BUFFER_BYTES`
(``PIPE_BUF``), so on a pipe the lines of concurrent workers do not mix; only a single line
longer than that (a request path of kilobytes) is written alone and could. Between workers
lines are in the order of their writes, not of their requests.

Hazard: a worker killed during the write of its buffer may have its lines written twice (the
supervisor cannot tell whether that write happened); none is lost.
"""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bjaikg.endpoint.scoreboard import Slot

QUERY_IN_LOG = 200
"""Characters of a query (whitespace folded) written in its access-log line."""
FLUSH_SECONDS = 0.05
"""Longest a worker keeps a line before writing it (when it is not answering requests)."""


def write_whole(descriptor: int, data: bytes | memoryview) -> None:
    """Write all of ``data`` to ``descriptor`` (``os.write`` may take only part of it)."""
    while data:
        data = data[os.write(descriptor, data) :]


class LogBuffer:
    """A worker's access-log lines not written yet, in ``view`` (its slot's ``log`` bytes).

    ``slot.log_length`` says how many bytes of ``view`` hold lines; the supervisor reads it
    when the worker has ended (:func:`write_left`).
    """

    def __init__(self, slot: Slot, view: memoryview, descriptor: int) -> None:
        self.slot = slot
        self.view = view
        self.descriptor = descriptor
        self.length = 0
        self.since = 0.0

    def add(self, line: bytes) -> None:
        """Keep ``line`` (written first if it does not fit)."""
        end = self.length + len(line)
        if end > len(self.view):
            self.flush()
            if len(line) > len(self.view):
                write_whole(self.descriptor, line)
                return
            end = len(line)
        if not self.length:
            self.since = time.monotonic()
        self.view[self.length : end] = line
        self.length = self.slot.log_length = end

    def flush_when_due(self, longest: float) -> float:
        """Write the kept lines if the oldest has waited :data:`FLUSH_SECONDS`; return how long
        the caller may wait before it asks again (at most ``longest``)."""
        if not self.length:
            return longest
        left = self.since + FLUSH_SECONDS - time.monotonic()
        if left > 0:
            return min(left, longest)
        self.flush()
        return longest

    def flush(self) -> None:
        """Write the kept lines."""
        if not self.length:
            return
        write_whole(self.descriptor, self.view[: self.length])
        self.length = self.slot.log_length = 0


def write_left(slot: Slot, view: memoryview, descriptor: int) -> None:
    """Write the lines an ended worker left in its slot, and empty it (the supervisor's part)."""
    if slot.log_length:
        write_whole(descriptor, view[: slot.log_length])
        slot.log_length = 0


class AccessLog:
    """The access log on file descriptor ``descriptor`` (stderr); see the module's docstring."""

    def __init__(self, descriptor: int) -> None:
        self.descriptor = descriptor
        self.buffer: LogBuffer | None = None

    def write(
        self,
        client: str,
        method: str,
        path: str,
        status: int,
        seconds: float,
        detail: str,
        query: str | None = None,
    ) -> None:
        """Log one request (``query`` shortened to :data:`QUERY_IN_LOG`)."""
        shown = "" if query is None else " query=" + " ".join(query.split())[:QUERY_IN_LOG]
        line = f'bjaikg: {client} "{method} {path}" {status} {seconds * 1000:.1f} ms {detail}'
        data = f"{line}{shown}\n".encode("utf-8", "replace")
        if self.buffer is None:
            os.write(self.descriptor, data)
        else:
            self.buffer.add(data)
