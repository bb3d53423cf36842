"""Server processes for tests and benches: start one on 127.0.0.1, wait until it answers, stop
it by its PID.

The one way every server the tests and benches run is started, polled and stopped: ``serve.py``
(:func:`running_server`), the external stores (tests/stores/servers.py), the peers of
bench/endpoint.py, Apache and nginx (tests/release, tests/endpoint). :func:`running` starts a
command, asks ``ready`` until the server answers, and stops it when the block ends. A server
that exits before it answers, or does not answer within ``ready_seconds``, is killed and raises
:class:`ServerStartError`: one line (the command, its exit code or the seconds waited), then the end
of what it wrote.

What a server writes (stdout and stderr) is appended to a ``log`` file when one is given (no
reader; what a long bench needs), else read into :attr:`ServerProcess.stdout_lines` and
:attr:`ServerProcess.stderr_lines` (kept whole: tests read the access log there).

What tests wait for instead of sleeping is read from /proc (Linux): a server's workers, the
CPU time they use (:func:`wait_until_evaluating`), which of them holds a connection and whether
the server has read what was sent on it (:func:`workers_holding`, :func:`wait_until_read`).

Contract with ``serve.py``: once it accepts connections it prints one line to stdout of the form
``bjaikg: serving on http://127.0.0.1:PORT`` (flushed). Everything else goes to stderr.

Hazard: a server is stopped by the PID of the process started (``Popen.send_signal``, nothing
once it has ended), never by name; children it leaves behind (none of ours does: serve.py's
workers die with it) are not looked for.
"""

from __future__ import annotations

import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx

from bjaikg import PROJECT_ROOT

READY_LINE = re.compile(r"bjaikg: serving on (http://127\.0\.0\.1:\d+)")
TAIL_CHARACTERS = 3000
"""How much of a failed server's output :class:`ServerStartError` quotes."""


class ServerStartError(RuntimeError):
    """A server exited before it answered, or did not answer in time (it is then killed)."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 free at the time of asking (another process may take it after)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class ServerProcess:
    """A started server: the URL it answers at (once ready), its process, and its output."""

    url: str
    process: subprocess.Popen[str]
    command: list[str] = field(default_factory=list)
    stdout_lines: list[str] = field(default_factory=list)
    stderr_lines: list[str] = field(default_factory=list)
    log: Path | None = None
    log_start: int = 0
    """The size of ``log`` before the server started: what it writes comes after."""
    readers: list[threading.Thread] = field(default_factory=list)

    @property
    def sparql(self) -> str:
        """The SPARQL endpoint URL (of ``serve.py``)."""
        return f"{self.url}/sparql"

    def output(self) -> str:
        """What the server has written so far: its part of ``log``, or stdout then stderr."""
        if self.log is None:
            return "".join(self.stdout_lines) + "".join(self.stderr_lines)
        with self.log.open("rb") as text:
            text.seek(self.log_start)
            return text.read().decode("utf-8", "replace")


Ready = Callable[[ServerProcess], str | None]
"""Asked until the server answers: the URL it answers at, else ``None`` (never raises)."""


def start(
    command: Sequence[str | Path],
    *,
    log: Path | None = None,
    cwd: Path | None = None,
    environment: Mapping[str, str] | None = None,
) -> ServerProcess:
    """Start ``command`` (``environment`` added to this process's); its output into ``log``
    (appended) or read into the lines of the :class:`ServerProcess` returned."""
    arguments = [str(argument) for argument in command]
    variables = {**os.environ, **(environment or {})}
    if log is None:
        process = subprocess.Popen(
            arguments, cwd=cwd, env=variables, text=True, encoding="utf-8", errors="replace",
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        server = ServerProcess("", process, arguments)
        assert process.stdout is not None and process.stderr is not None
        for stream, lines in ((process.stdout, server.stdout_lines),
                              (process.stderr, server.stderr_lines)):  # fmt: skip
            reader = threading.Thread(target=_read_lines, args=(stream, lines), daemon=True)
            reader.start()
            server.readers.append(reader)
        return server
    with log.open("ab") as output:
        log_start = output.tell()
        process = subprocess.Popen(
            arguments, cwd=cwd, env=variables, text=True, stdout=output, stderr=output
        )
    return ServerProcess("", process, arguments, log=log, log_start=log_start)


def _read_lines(stream: IO[str], lines: list[str]) -> None:
    lines.extend(iter(stream.readline, ""))


def wait_until_ready(server: ServerProcess, ready: Ready, seconds: float) -> None:
    """Ask ``ready`` until it gives the server's URL (set as :attr:`ServerProcess.url`); a
    :class:`ServerStartError` when the process exits first or ``seconds`` pass (then killed)."""
    deadline = time.monotonic() + seconds
    process = server.process
    while (code := process.poll()) is None:
        url = ready(server)
        if url is not None:
            server.url = url
            return
        if time.monotonic() > deadline:
            process.kill()
            process.wait()
            raise ServerStartError(
                f"{shlex.join(server.command)} did not answer within {seconds:g} s (killed); "
                f"its output ends:\n{_tail(server)}"
            )
        time.sleep(0.05)
    raise ServerStartError(
        f"{shlex.join(server.command)} exited with code {code} before it answered; "
        f"its output ends:\n{_tail(server)}"
    )


def _tail(server: ServerProcess) -> str:
    """The end of what ``server`` wrote, once its output has been read (its process ended)."""
    for reader in server.readers:
        reader.join(timeout=2.0)  # the last lines of the closed pipes
    return server.output()[-TAIL_CHARACTERS:] or "(nothing)"


def stop(
    process: subprocess.Popen[str], signal_number: int = signal.SIGTERM, seconds: float = 20.0
) -> None:
    """Send ``signal_number`` to ``process`` by its PID (nothing once it has ended), then
    SIGKILL if it has not ended after ``seconds``."""
    process.send_signal(signal_number)
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def running(
    command: Sequence[str | Path],
    ready: Ready,
    *,
    ready_seconds: float,
    log: Path | None = None,
    cwd: Path | None = None,
    environment: Mapping[str, str] | None = None,
    stop_signal: int = signal.SIGTERM,
    stop_seconds: float = 20.0,
) -> Iterator[ServerProcess]:
    """Run ``command`` (:func:`start`) until the block ends, once ``ready`` gives its URL
    (:func:`wait_until_ready`); then :func:`stop` it with ``stop_signal``."""
    server = start(command, log=log, cwd=cwd, environment=environment)
    try:
        wait_until_ready(server, ready, ready_seconds)
        yield server
    finally:
        stop(server.process, stop_signal, stop_seconds)


def answers_query(url: str) -> Ready:
    """Ready once the SPARQL endpoint at ``url`` answers ``ASK {}`` with a 200."""

    def ready(server: ServerProcess) -> str | None:
        try:
            response = httpx.get(url, params={"query": "ASK {}"}, timeout=2.0)
        except httpx.HTTPError:
            return None
        return url if response.status_code == 200 else None

    return ready


def answers_http(url: str) -> Ready:
    """Ready once ``url`` gives any HTTP answer."""

    def ready(server: ServerProcess) -> str | None:
        try:
            httpx.get(url, timeout=2.0)
        except httpx.HTTPError:
            return None
        return url

    return ready


def accepts_connections(port: int) -> Ready:
    """Ready once 127.0.0.1:``port`` accepts a TCP connection (its URL: ``127.0.0.1:PORT``)."""

    def ready(server: ServerProcess) -> str | None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=2.0).close()
        except OSError:
            return None
        return f"127.0.0.1:{port}"

    return ready


def serve_announced(server: ServerProcess) -> str | None:
    """Ready once ``serve.py`` has printed that it serves: the URL it printed."""
    match = READY_LINE.search(server.output())
    return match.group(1) if match else None


def serve_command(*arguments: str, launcher: Sequence[str] = ()) -> list[str]:
    """``python serve.py --host 127.0.0.1 --port 0 ARGUMENTS`` (a later ``--port`` wins),
    run under ``launcher`` (e.g. valgrind) when given."""
    return [*launcher, sys.executable, str(PROJECT_ROOT / "serve.py"), "--host", "127.0.0.1",
            "--port", "0", *arguments]  # fmt: skip


@contextmanager
def running_server(
    *arguments: str,
    ready_seconds: float = 60.0,
    log: Path | None = None,
    launcher: Sequence[str] = (),
) -> Iterator[ServerProcess]:
    """Run ``serve.py`` (:func:`serve_command`) until the block ends, once it says it serves.

    Its output is read into :attr:`ServerProcess.stderr_lines` (the access log) or appended to
    the file ``log`` (as ``serve.py >>LOG 2>&1`` would). Stopped with SIGINT, at once (SIGTERM
    would wait for requests in flight), killed after 10 s.
    """
    with running(
        serve_command(*arguments, launcher=launcher), serve_announced,
        ready_seconds=ready_seconds, log=log, cwd=PROJECT_ROOT,
        environment={"PYTHONUNBUFFERED": "1"}, stop_signal=signal.SIGINT, stop_seconds=10.0,
    ) as server:  # fmt: skip
        yield server


def children(pid: int) -> set[int]:
    """The processes whose parent is ``pid`` now (from /proc)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry.name))
    return found


def logged(server: ServerProcess, marker: str, seconds: float = 10.0) -> list[str]:
    """The lines of standard error that mention ``marker``, once they have come (or
    ``seconds`` on)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        lines = [line for line in server.stderr_lines if marker in line]
        if lines:
            return lines
        time.sleep(0.05)
    return []


def worker_pids(server: ServerProcess) -> set[int]:
    """The worker processes of ``server``: the children of its supervisor."""
    return children(server.process.pid)


def cpu_seconds(pid: int) -> float:
    """The CPU time (user and system) process ``pid`` has used, in seconds; 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_until_evaluating(
    *servers: ServerProcess, seconds: float = 30.0, busy: float = 0.1
) -> None:
    """Return once a worker of one of ``servers`` has used ``busy`` seconds of CPU since the
    call: a request sent before it is being evaluated. Where a test slept "long enough" for
    that, this holds however loaded the machine is (an idle worker uses a few milliseconds a
    second).

    Raises :class:`AssertionError` when no worker has after ``seconds``.
    """
    started = {pid: cpu_seconds(pid) for server in servers for pid in worker_pids(server)}
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if any(cpu_seconds(pid) - used >= busy for pid, used in started.items()):
            return
        time.sleep(0.02)
    raise AssertionError(f"no worker used {busy} s of CPU within {seconds} s")


@dataclass(frozen=True)
class ServerEnd:
    """The server's end of a TCP connection on loopback, as /proc/net/tcp shows it."""

    unread: int
    """Bytes the client sent that no server process has read yet (the receive queue)."""
    inode: int
    """The socket's inode: ``socket:[INODE]`` in /proc/PID/fd of each process holding it."""


def server_end(connection: socket.socket) -> ServerEnd | None:
    """The server's end of ``connection``, a client socket connected to a local server (Linux:
    /proc/net/tcp; IPv4): from the handshake on, accepted by the server or not, until the
    server has closed it (then ``None``)."""
    client_port, server_port = connection.getsockname()[1], connection.getpeername()[1]
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote = int(fields[1].split(":")[1], 16), int(fields[2].split(":")[1], 16)
        if (local, remote) == (server_port, client_port):
            return ServerEnd(int(fields[4].split(":")[1], 16), int(fields[9]))
    return None


def wait_until_read(connection: socket.socket, seconds: float = 30.0) -> None:
    """Return once the server has read everything sent on ``connection`` so far (or closed
    it): what is sent next arrives in a later read of the server, however loaded the machine
    is (a pause of the client's only makes that likely). :class:`AssertionError` after
    ``seconds``."""
    deadline = time.monotonic() + seconds
    while (end := server_end(connection)) is not None and end.unread:
        assert time.monotonic() < deadline, f"{end.unread} bytes still unread after {seconds} s"
        time.sleep(0.005)


def workers_holding(server: ServerProcess, connection: socket.socket) -> set[int]:
    """The workers of ``server`` that hold the server's end of ``connection`` (besides the
    supervisor, which keeps a copy of every connection): none while it is being handed over,
    two while the worker it was moved from has not dropped its copy yet."""
    end = server_end(connection)
    if end is None:
        return set()
    link = f"socket:[{end.inode}]"
    holding = set()
    for pid in worker_pids(server):
        with suppress(OSError):  # the worker ended meanwhile
            for entry in Path(f"/proc/{pid}/fd").iterdir():
                with suppress(OSError):  # the descriptor was closed meanwhile
                    if os.readlink(entry) == link:
                        holding.add(pid)
    return holding
