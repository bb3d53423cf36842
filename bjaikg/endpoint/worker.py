"""A worker process: takes one connection at a time and answers its requests itself.

The supervisor (:mod:`bjaikg.endpoint.supervisor`) forks the workers after the graph is loaded,
so each shares the store's memory copy-on-write. A worker waits for a connection on the shared
listening socket (``EPOLLEXCLUSIVE``: one worker is woken per connection), passes a copy of the
connection to the supervisor (``SCM_RIGHTS``) so the supervisor can answer on it if this process
is killed or dies, then reads and answers requests until the client closes, the connection idles
for :data:`KEEP_ALIVE_SECONDS`, or another client is waiting and no worker is free (the next
answer then says ``Connection: close``, or an idle connection is closed, so the worker can
take the waiting client).

``/sparql`` requests without ``Origin`` take the short path (:func:`~bjaikg.endpoint.protocol.
answer_sparql`, written with one system call); every other request goes through the Starlette
application on the worker's own event loop (:func:`~bjaikg.endpoint.connection.
call_application`). Queries are evaluated in this process, their deadline registered on the
scoreboard (:class:`~bjaikg.endpoint.scoreboard.WorkerClock`).

Hazards: a worker serves one connection at a time, so ``--workers`` bounds the clients served
at once (others wait in the listen queue, or are refused with 503 beyond ``--max-pending``).
Linux only (``EPOLLEXCLUSIVE``, ``prctl``, ``SCM_RIGHTS``).
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import faulthandler
import resource
import select
import signal
import socket
import struct
import time
from pathlib import Path

from bjaikg.endpoint.connection import (
    READ_SIZE,
    SEND_TIMEOUT,
    Application,
    RequestReader,
    RequestRefusedError,
    call_application,
    refuse,
    send_response,
)
from bjaikg.endpoint.metrics import ROUTES
from bjaikg.endpoint.protocol import answer_sparql
from bjaikg.endpoint.scoreboard import CONNECTED, WAITING, Scoreboard, WorkerClock
from bjaikg.endpoint.state import EndpointState

KEEP_ALIVE_SECONDS = 15.0
"""An idle keep-alive connection is closed after this long."""
REQUEST_SECONDS = 30.0
"""A request must arrive whole within this long once it has begun."""
YIELD_SECONDS = 1.0
"""An idle keep-alive connection is closed after this long while another client waits."""
CONNECTION = struct.Struct("!Q")
"""The message a worker sends with each connection's descriptor: the connection's number."""
_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Ask the kernel to SIGKILL this process when the process that forked it ends."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def limit_memory(extra_bytes: int) -> None:
    """Cap this process's address space at what it maps now (the shared store) plus ``extra``.

    An allocation beyond it fails; pyoxigraph (Rust) then aborts the process, which the
    supervisor sees as a worker that died while evaluating (it answers 500) and replaces.
    """
    status = Path("/proc/self/status").read_text()
    mapped_kilobytes = int(status.split("VmSize:", 1)[1].split()[0])
    limit = mapped_kilobytes * 1024 + extra_bytes
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _new_event_loop() -> asyncio.AbstractEventLoop:
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


class Worker:
    """Worker number ``index``: its scoreboard slot, its control socket to the supervisor."""

    def __init__(
        self,
        index: int,
        application: Application,
        state: EndpointState,
        listener: socket.socket,
        control: socket.socket,
        scoreboard: Scoreboard,
    ) -> None:
        self.index = index
        self.application = application
        self.state = state
        self.listener = listener
        self.control = control
        self.scoreboard = scoreboard
        self.slot = scoreboard.slots[index]
        self.connections = 0
        self.loop = _new_event_loop()
        self.server_address: tuple[str, int] = listener.getsockname()[:2]
        self.listen_poller = select.poll()
        self.listen_poller.register(listener, select.POLLIN)

    def prepare(self, max_memory_bytes: int | None) -> None:
        """Settle into the forked process: signals, parent death, memory bound, own counters."""
        faulthandler.disable()  # an abort by the memory bound is expected, not a crash to dump
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the supervisor's business
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        die_with_parent()
        if max_memory_bytes is not None:
            limit_memory(max_memory_bytes)
        self.state.clock = WorkerClock(self.slot, {route: i for i, route in enumerate(ROUTES)})
        self.state.metrics = self.scoreboard.metrics(self.index)
        self.state.scoreboard = self.scoreboard

    def run(self) -> None:
        """Take connections until the process is killed."""
        waiting = select.epoll()
        waiting.register(self.listener.fileno(), select.EPOLLIN | select.EPOLLEXCLUSIVE)
        while True:
            self.slot.state = WAITING
            try:
                connection, client = self.listener.accept()
            except BlockingIOError:
                waiting.poll()
                continue
            self.connections += 1
            self.slot.connection = self.connections
            self.slot.state = CONNECTED
            with connection:
                announcement = [CONNECTION.pack(self.connections)]
                socket.send_fds(self.control, announcement, [connection.fileno()])
                self.serve(connection, client[:2])
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_WR)

    def serve(self, connection: socket.socket, client: tuple[str, int]) -> None:
        """Answer the requests of one connection until it closes, idles or must yield."""
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        connection.settimeout(SEND_TIMEOUT)
        reader = RequestReader(connection, client, self.state.settings.max_request_bytes)
        while True:
            while not reader.ready:
                if not self._wait_for_bytes(connection, reader.in_progress):
                    return
                try:
                    data = connection.recv(READ_SIZE)
                except OSError:
                    return
                if not data:
                    return
                try:
                    reader.feed(data)
                except RequestRefusedError as refusal:
                    with contextlib.suppress(OSError):
                        refuse(connection, refusal)
                    return
            request = reader.ready.popleft()
            if request.keep_alive and self._others_wait():
                request.keep_alive = False  # answered with Connection: close, then closed
            try:
                if request.path == b"/sparql" and request.header(b"origin") is None:
                    send_response(connection, request, answer_sparql(self.state, request))
                    keep_alive = request.keep_alive
                else:
                    keep_alive = call_application(
                        self.application, self.loop, connection, request, self.server_address
                    )
            except OSError:  # the client went away or stopped reading
                return
            if not keep_alive:
                return

    def _others_wait(self) -> bool:
        """Whether a client waits in the listen queue and no worker is free to take it."""
        if self.scoreboard.waiting:
            return False
        return bool(self.listen_poller.poll(0))

    def _wait_for_bytes(self, connection: socket.socket, mid_request: bool) -> bool:
        """Wait until the client sends more; ``False`` to close (idle, or yielding to others).

        Between requests an idle connection is closed after :data:`KEEP_ALIVE_SECONDS`, or
        after :data:`YIELD_SECONDS` while another client waits and no worker is free (an
        active client instead gets ``Connection: close`` on its next answer, which no client
        can miss; closing an idle connection races with a request the client may be sending
        at that moment, a risk HTTP clients are told to handle by retrying).
        """
        seconds = REQUEST_SECONDS if mid_request else KEEP_ALIVE_SECONDS
        deadline = time.monotonic() + seconds
        poller = select.poll()
        poller.register(connection, select.POLLIN)
        while (left := deadline - time.monotonic()) > 0:
            step = left if mid_request else min(left, YIELD_SECONDS)
            if poller.poll(step * 1000):
                return True
            if not mid_request and self._others_wait():
                return False
        return False
