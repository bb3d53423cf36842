"""The access log: one line per request, whatever its route and outcome, on stderr.

``bjaikg: CLIENT "METHOD PATH" STATUS MILLISECONDS ms DETAIL [query=…]`` (docs/endpoint.md).
Outside a worker each line is one ``write``. A worker keeps its lines in a few kilobytes of
its scoreboard slot (shared memory, :meth:`AccessLog.keep_in`) and writes them together when
the buffer is full or its oldest line has waited :data:`FLUSH_SECONDS`: one system call for
many requests (what it is worth: bench/ENDPOINT.md). The supervisor writes the lines a worker
left when it ended (:func:`write_left`): none is lost with it.

Hazards: a write is at most :data:`~bjaikg.endpoint.scoreboard.LOG_BUFFER_BYTES` (``PIPE_BUF``),
so on a pipe the lines of workers do not mix, but a single line longer than that can. A worker
killed during a write may have its lines written twice. Between workers, lines are in the order
of their writes, not of their requests. A write that fails (a full disk, a pipe nobody reads)
drops its lines, and the server goes on answering.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bjaikg.endpoint.scoreboard import Slot

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_IN_FIELD = re.compile(r'[\x00-\x20\x7f-\x9f"\\]')
"""What a client's text may not put in a line as it is: control characters anywhere (a
terminal that shows the log would obey an escape sequence); in the client and the path, also
``"``, ``\\`` and spaces, which would forge or shift fields. Written ``\\xNN``
as nginx does."""


def _hex(match: re.Match[str]) -> str:
    return f"\\x{ord(match[0]):02x}"


QUERY_IN_LOG = 200
"""Characters of a query (whitespace folded) written in its access-log line."""
FLUSH_SECONDS = 0.05
"""Longest a worker keeps a line before writing it (when it is not answering requests)."""


def write_whole(descriptor: int, data: bytes | memoryview) -> None:
    """Write all of ``data`` to ``descriptor`` (``os.write`` may take only part of it).

    Hazard: a write that fails (a full disk, a pipe nobody reads) drops what is left of
    ``data``: the server goes on answering without those log lines rather than stop for them.
    """
    with contextlib.suppress(OSError):
        while data:
            data = data[os.write(descriptor, data) :]


def write_left(slot: Slot, view: memoryview, descriptor: int) -> None:
    """Write the lines an ended worker left in its slot, and empty it (the supervisor's part)."""
    if slot.log_length:
        write_whole(descriptor, view[: slot.log_length])
        slot.log_length = 0


class AccessLog:
    """The access log on file descriptor ``descriptor`` (stderr); in a worker, its lines are
    kept in its scoreboard slot (:meth:`keep_in`) and written together."""

    def __init__(self, descriptor: int) -> None:
        self.descriptor = descriptor
        self.view: memoryview | None = None
        self.slot: Slot | None = None  # its ``log_length``: the bytes of ``view`` kept
        self.length = 0
        self.since = 0.0

    def keep_in(self, slot: Slot, view: memoryview) -> None:
        """From now on keep lines in ``view``, ``slot``'s log bytes (:func:`write_left`)."""
        self.view, self.slot = view, slot

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
        client, path = _IN_FIELD.sub(_hex, client), _IN_FIELD.sub(_hex, path)
        line = f'bjaikg: {client} "{method} {path}" {status} {seconds * 1000:.1f} ms {detail}'
        text = f"{line}{shown}"
        if not text.isprintable():  # every character _CONTROL matches is unprintable (Cc)
            text = _CONTROL.sub(_hex, text)
        data = (text + "\n").encode("utf-8", "replace")
        if self.view is None:
            write_whole(self.descriptor, data)
        else:
            self.add(data)

    def add(self, line: bytes) -> None:
        """Keep ``line`` (written first if it does not fit)."""
        assert self.view is not None and self.slot is not None
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
        if self.length and self.view is not None and self.slot is not None:
            write_whole(self.descriptor, self.view[: self.length])
            self.length = self.slot.log_length = 0
