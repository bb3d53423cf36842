"""Starting the real ``serve.py`` as a subprocess on 127.0.0.1 with a free port, for tests.

Contract with ``serve.py``: once it accepts connections it prints one line to stdout of the form
``bjaikg: serving on http://127.0.0.1:PORT`` (flushed). Everything else goes to stderr.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bjaikg import PROJECT_ROOT

READY_LINE = re.compile(r"bjaikg: serving on (http://127\.0\.0\.1:\d+)")


def free_port() -> int:
    """A TCP port on 127.0.0.1 free at the time of asking (another process may take it after)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class ServerProcess:
    """A running ``serve.py``: its base URL and what it wrote to stderr so far."""

    url: str
    process: subprocess.Popen[str]
    stderr_lines: list[str] = field(default_factory=list)

    @property
    def sparql(self) -> str:
        """The SPARQL endpoint URL."""
        return f"{self.url}/sparql"


@contextmanager
def running_server(
    *arguments: str, ready_seconds: float = 60.0, log: Path | None = None
) -> Iterator[ServerProcess]:
    """Run ``python serve.py --host 127.0.0.1 --port 0 ARGUMENTS`` until the block ends.

    stderr is read into :attr:`ServerProcess.stderr_lines`, or appended to the file ``log``
    (as ``serve.py 2>>LOG`` would: no reader on the machine; the lines then stay empty).
    Fails the test (RuntimeError with the server's stderr) when no ready line comes in time.
    """
    command = [sys.executable, str(PROJECT_ROOT / "serve.py"), "--host", "127.0.0.1"]
    command += ["--port", "0", *arguments]
    with contextlib.ExitStack() as files:
        stderr = subprocess.PIPE if log is None else files.enter_context(log.open("ab"))
        process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            encoding="utf-8",
            cwd=PROJECT_ROOT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    assert process.stdout is not None
    stderr_lines: list[str] = []
    if process.stderr is not None:
        threading.Thread(
            target=lambda: stderr_lines.extend(iter(process.stderr.readline, "")),  # type: ignore[union-attr]
            daemon=True,
        ).start()
    url = _wait_for_ready(process, ready_seconds, stderr_lines)
    server = ServerProcess(url=url, process=process, stderr_lines=stderr_lines)
    threading.Thread(target=lambda: process.stdout.read(), daemon=True).start()  # type: ignore[union-attr]
    try:
        yield server
    finally:
        process.send_signal(signal.SIGINT)  # at once: SIGTERM would wait for requests in flight
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_for_ready(process: subprocess.Popen[str], seconds: float, stderr_lines: list[str]) -> str:
    deadline = time.monotonic() + seconds
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            if process.poll() is not None:
                break
            continue
        match = READY_LINE.search(line)
        if match:
            return match.group(1)
    process.kill()
    raise RuntimeError("serve.py did not become ready:\n" + "".join(stderr_lines[-40:]))


def worker_pids(server: ServerProcess) -> set[int]:
    """The worker processes of ``server``: the children of its supervisor (from /proc)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == server.process.pid:
                found.add(int(entry.name))
    return found
