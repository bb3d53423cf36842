"""The supervisor: forks the worker processes, stops queries at their deadline, sheds load.

pyoxigraph cannot cancel a running query from Python, so a runaway query (a Cartesian product,
an unbounded property path) can only be stopped by ending the process that evaluates it. The
server is therefore a pre-forking one: the supervisor (the process that loaded the graph, single
threaded) forks ``--workers`` processes (:mod:`bjaikg.endpoint.worker`) that share the store
copy-on-write, each serving one connection at a time and evaluating its queries itself. Every
:data:`TICK` seconds the supervisor:

- reads the scoreboard (:mod:`bjaikg.endpoint.scoreboard`): a worker evaluating past its
  deadline gets SIGKILL (its memory goes back to the kernel);
- reaps workers that ended and forks replacements. Each worker passed the supervisor a copy of
  its current connection when it took it, so when one ends while evaluating, the supervisor
  answers on that connection itself: 503 ("query stopped … time limit") for a deadline, 500
  ("out of memory?") for a worker that died (the ``--max-memory`` bound aborts it). No other
  client is affected: each worker holds only its own connection;
- sheds load: when no worker is free and the queries evaluating plus the connections waiting in
  the listen queue exceed ``--max-pending``, it accepts the excess itself and answers 503 with
  ``Retry-After`` (the longest-waiting connections first: the listen queue is first in, first
  out).

Hazards: Linux only (``fork``, ``SCM_RIGHTS``, ``TCP_INFO``). The store must not change after
:meth:`Supervisor.start` (workers would not see it). A query whose worker ends between finishing
its evaluation and sending its answer may lose the answer (the connection is closed).
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import selectors
import signal
import socket
import struct
import time
from types import FrameType

from bjaikg.endpoint.connection import Application, RequestRefusedError, refuse
from bjaikg.endpoint.metrics import ROUTES
from bjaikg.endpoint.scoreboard import EVALUATING, WAITING, Scoreboard
from bjaikg.endpoint.settings import Settings
from bjaikg.endpoint.state import EndpointState
from bjaikg.endpoint.worker import CONNECTION, Worker

LOG = logging.getLogger("bjaikg.endpoint")
TICK = 0.02
"""Seconds between two looks at the scoreboard: the precision of the deadline."""
LINGER_SECONDS = 2.0
"""How long a connection answered by the supervisor is kept to read what the client still sends
(closing with unread bytes would reset the connection and could lose the answer)."""
_TCP_INFO = struct.Struct("=8B6I")  # struct tcp_info up to tcpi_sacked (Linux)


def listen_queue(listener: socket.socket) -> int:
    """Connections waiting in ``listener``'s accept queue (Linux: ``tcpi_unacked``)."""
    info = listener.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, _TCP_INFO.size)
    return _TCP_INFO.unpack_from(info)[12]


def deadline_message(settings: Settings, seconds: float) -> str:
    """What a client reads when its query was stopped after ``seconds``."""
    return (
        f"query stopped: it ran longer than its time limit of {seconds:g} s (server limit "
        f"{settings.timeout:g} s, {settings.service_timeout:g} s for a query calling SERVICE; "
        "a client can ask for less with timeout=SECONDS)"
    )


DIED_MESSAGE = (
    "query failed: the query process ended without an answer (out of memory? each worker may "
    "allocate --max-memory beyond the loaded graph)"
)


class Supervisor:
    """The parent of the workers; :meth:`start`, then :meth:`run` until a signal stops it."""

    def __init__(
        self,
        application: Application,
        state: EndpointState,
        listener: socket.socket,
        settings: Settings,
    ) -> None:
        self.application = application
        self.state = state
        self.listener = listener
        self.settings = settings
        self.scoreboard = Scoreboard(settings.workers)
        self.metrics = self.scoreboard.metrics(settings.workers)
        self.selector = selectors.DefaultSelector()
        self.controls: dict[int, socket.socket] = {}
        self.held: dict[int, tuple[int, socket.socket]] = {}
        self.indices: dict[int, int] = {}
        self.stopped_at_deadline: set[int] = set()
        self.lingering: list[tuple[float, socket.socket]] = []
        self.stopping = False

    def start(self) -> None:
        """Fork every worker (the listener must be bound, listening and non-blocking)."""
        gc.freeze()  # keep the collector from touching (and so copying) the shared pages
        for index in range(self.settings.workers):
            self._fork(index)

    def run(self) -> None:
        """Supervise until SIGTERM or SIGINT, then end the workers."""
        for number in (signal.SIGTERM, signal.SIGINT):
            signal.signal(number, self._stop)
        try:
            while not self.stopping:
                for key, _ in self.selector.select(TICK):
                    self._receive(key.data)
                self._reap()
                self._enforce_deadlines()
                self._shed()
                self._linger()
        finally:
            self.close()

    def close(self) -> None:
        """Kill every worker and close what the supervisor holds."""
        for pid in list(self.indices):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        for pid in list(self.indices):
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
        self.indices.clear()
        for _, connection in self.held.values():
            connection.close()
        for _, connection in self.lingering:
            connection.close()
        for control in self.controls.values():
            control.close()

    def _stop(self, number: int, frame: FrameType | None) -> None:
        self.stopping = True

    def _fork(self, index: int) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        pid = os.fork()
        if pid == 0:
            try:
                for inherited in [ours, *self.controls.values(), *self._connections()]:
                    inherited.close()
                worker = Worker(
                    index, self.application, self.state, self.listener, theirs, self.scoreboard
                )
                worker.prepare(self.settings.max_memory * 1024 * 1024)
                worker.run()
            finally:
                os._exit(0)
        theirs.close()
        ours.setblocking(False)
        self.controls[index] = ours
        self.selector.register(ours, selectors.EVENT_READ, index)
        self.indices[pid] = index
        slot = self.scoreboard.slots[index]
        slot.state, slot.pid = WAITING, pid

    def _connections(self) -> list[socket.socket]:
        return [connection for _, connection in self.held.values()] + [
            connection for _, connection in self.lingering
        ]

    def _receive(self, index: int) -> None:
        """Take the connections worker ``index`` announced (keeping only the newest)."""
        control = self.controls[index]
        while True:
            try:
                message, descriptors, _, _ = socket.recv_fds(control, CONNECTION.size, 1)
            except (BlockingIOError, ConnectionError):
                return
            if not message:
                return
            (number,) = CONNECTION.unpack(message)
            previous = self.held.pop(index, None)
            if previous is not None:
                previous[1].close()
            self.held[index] = (number, socket.socket(fileno=descriptors[0]))

    def _reap(self) -> None:
        while True:
            try:
                pid, _status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            index = self.indices.pop(pid, None)
            if index is None:
                continue
            self._answer_for(index, pid in self.stopped_at_deadline)
            self.stopped_at_deadline.discard(pid)
            self.selector.unregister(self.controls.pop(index))
            self.scoreboard.count_restart()
            if not self.stopping:
                self._fork(index)

    def _answer_for(self, index: int, at_deadline: bool) -> None:
        """Worker ``index`` ended: answer its client if it was evaluating, close the rest."""
        self._receive(index)
        slot = self.scoreboard.slots[index]
        held = self.held.pop(index, None)
        if held is None:
            return
        number, connection = held
        if slot.state == EVALUATING and number == slot.connection:
            seconds = time.monotonic() - slot.started
            if at_deadline:
                status, message = 503, deadline_message(self.settings, slot.limit)
                self.metrics.count_timeout()
            else:
                status, message = 500, DIED_MESSAGE
            self.metrics.observe(ROUTES[slot.route], status, seconds)
            LOG.warning(
                "worker %d (pid %d) %s after %.1f s; answered %d",
                index, slot.pid, "stopped at its deadline" if at_deadline else "died",
                seconds, status,
            )  # fmt: skip
            with contextlib.suppress(OSError):
                refuse(connection, RequestRefusedError(status, message))
        self._close_softly(connection)

    def _enforce_deadlines(self) -> None:
        now = time.monotonic()
        for slot in self.scoreboard.slots:
            late = slot.pid and slot.state == EVALUATING and slot.deadline < now
            if late and slot.pid not in self.stopped_at_deadline:
                self.stopped_at_deadline.add(slot.pid)
                with contextlib.suppress(ProcessLookupError):
                    os.kill(slot.pid, signal.SIGKILL)

    def _shed(self) -> None:
        if self.scoreboard.waiting:
            return
        queued = listen_queue(self.listener)
        excess = self.scoreboard.evaluating + queued - self.settings.max_pending
        for _ in range(excess):
            try:
                connection, _client = self.listener.accept()
            except BlockingIOError:
                return
            self.metrics.count_rejection()
            pending = self.settings.max_pending + excess
            refusal = RequestRefusedError(
                503, f"server busy: {pending} requests in flight or waiting (limit "
                f"{self.settings.max_pending}); retry shortly",
            )  # fmt: skip
            with contextlib.suppress(OSError):
                refuse(connection, refusal, {"Retry-After": "1"})
            self._close_softly(connection)

    def _close_softly(self, connection: socket.socket) -> None:
        """Send FIN now; close once the client has closed too (or after a while)."""
        with contextlib.suppress(OSError):
            connection.shutdown(socket.SHUT_WR)
        connection.setblocking(False)
        self.lingering.append((time.monotonic(), connection))

    def _linger(self) -> None:
        now = time.monotonic()
        kept = []
        for since, connection in self.lingering:
            try:
                while connection.recv(65_536):
                    pass
                done = True  # the client closed
            except BlockingIOError:
                done = now - since > LINGER_SECONDS
            except OSError:
                done = True
            if done:
                connection.close()
            else:
                kept.append((since, connection))
        self.lingering = kept
