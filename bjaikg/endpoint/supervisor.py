"""The supervisor: accepts connections, hands them to workers, stops queries at their deadline.

pyoxigraph cannot cancel a query, so a query past its deadline is stopped by killing the worker
process evaluating it (:mod:`bjaikg.endpoint.worker`). The supervisor forks the workers, hands
each new connection (``SCM_RIGHTS``) to the least busy one, keeping a copy, refuses connections
past ``--max-pending`` or ``--max-connections``, and every :data:`TICK` reads the scoreboard
(:mod:`bjaikg.endpoint.scoreboard`): it kills late workers and answers their clients on its
copy, moves the idle connections of a worker stuck in a query, and replaces workers that ended
(logging how, unless it stopped them: a worker's uncaught exception is logged with its
traceback by the worker, which exits 1), unless :data:`FAILED_STARTS` in a row ended before
they were ready: then it stops (:class:`WorkersFailToStartError`).
SIGTERM drains (a query still running when the grace ends is stopped, answered 503 and
logged, as at a deadline), SIGINT stops at once, SIGHUP reloads (:meth:`Supervisor.start`).
The whole design, and who is refused when: docs/endpoint.md ("How a runaway query is stopped",
"Behind a proxy, stop and reload").

Hazards: Linux only (``fork``, ``SCM_RIGHTS``). The store must not change after
:meth:`Supervisor.start` (workers would not see it). A query whose worker ends between finishing
its evaluation and sending its answer may lose the answer (the connection is closed). Each new
connection costs the supervisor one wake-up. A reload forks no worker while the loading thread
runs (forking beside a thread is unsafe): one that ends meanwhile is replaced after the load.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import logging
import multiprocessing
import os
import resource
import selectors
import signal
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable
from types import FrameType
from typing import Any

from bjaikg.endpoint.access_log import write_left
from bjaikg.endpoint.connection import Application, RequestRefusedError, Write, refuse
from bjaikg.endpoint.metrics import ROUTES
from bjaikg.endpoint.scoreboard import EVALUATING, SERVING, STARTING, Scoreboard, Slot
from bjaikg.endpoint.settings import Settings
from bjaikg.endpoint.state import EndpointState
from bjaikg.endpoint.worker import ADOPT, CLOSED, MESSAGE, RETIRE, RETURNED, Worker
from bjaikg.errors import BjaikgError

LOG = logging.getLogger("bjaikg.endpoint")
TICK = 0.02
"""Seconds between two looks at the scoreboard: the precision of the deadline."""
MOVE_AFTER = 0.05
"""Seconds a worker may evaluate one query before its idle connections go to another worker."""
LINGER_SECONDS = 2.0
"""How long a connection answered by the supervisor is kept to read what the client still sends
(closing with unread bytes would reset the connection and could lose the answer)."""
WAITING_TICK = 0.002
"""Seconds between two looks while connections wait for a free worker."""
FAILED_STARTS = 5
"""Workers in a row that may end before they are ready (no worker that was ready ending between)
before the server stops instead of forking more (:class:`WorkersFailToStartError`)."""


class WorkersFailToStartError(BjaikgError):
    """Every worker ends as it starts (a setting or an application it cannot use): the server
    stopped after :data:`FAILED_STARTS` of them rather than fork more without end."""


def deadline_message(settings: Settings, seconds: float) -> str:
    """What a client reads when its query was stopped after ``seconds``."""
    return (
        f"query stopped: it ran longer than its time limit of {seconds:g} s (server limit "
        f"{settings.timeout:g} s, {settings.service_timeout:g} s for a query calling SERVICE; "
        "a client can ask for less with timeout=SECONDS)"
    )


GRACE_MESSAGE = (
    "query stopped: the server is stopping, and its grace period for the queries in flight "
    "(--graceful-timeout) ended first; send the query again"
)


DIED_MESSAGE = (
    "query failed: the query process ended without an answer (out of memory? each worker may "
    "allocate --max-memory beyond the loaded graph)"
)
CRASHED_MESSAGE = (
    "query failed: the query process crashed (SIGSEGV), most likely on the engine's stack, "
    "which a query with a very long chain of operators or group elements can overflow; split "
    "it into smaller queries"
)


def sending_to(connection: socket.socket) -> Write:
    """A :class:`~bjaikg.endpoint.connection.Write` that sends all parts, blocking if need be."""
    return lambda *parts: connection.sendall(b"".join(parts))


def _ending(wait_status: int) -> str:
    """How a process ended, from ``waitpid``'s status: ``exit status N`` or its signal's name."""
    code = os.waitstatus_to_exitcode(wait_status)
    return f"exit status {code}" if code >= 0 else signal.Signals(-code).name


Loader = Callable[[], tuple[Application, EndpointState]]
"""Loads the data again: the application and state new workers serve (SIGHUP)."""


class Supervisor:
    """The parent of the workers; :meth:`start`, then :meth:`run` until a signal stops it."""

    def __init__(
        self,
        application: Application,
        state: EndpointState,
        listener: socket.socket,
        settings: Settings,
        load: Loader | None = None,
    ) -> None:
        self.application = application
        self.load = load
        self.state = state
        self.listener = listener
        self.address = listener.getsockname()[:2]  # workers forked after it closes need it
        self.settings = settings
        self.scoreboard = Scoreboard(settings.workers)
        self.metrics = self.scoreboard.metrics(settings.workers)
        self.selector = selectors.DefaultSelector()
        self.controls: dict[int, socket.socket] = {}
        self.locks: dict[int, Any] = {}
        self.held: dict[int, tuple[int, socket.socket]] = {}
        self.handed: dict[int, list[int]] = {}
        self.taken: dict[int, int] = {}
        self.waiting: list[tuple[int, socket.socket]] = []
        self.numbers = itertools.count(1)
        self.moved_in: dict[int, int] = {}
        self.indices: dict[int, int] = {}
        self.stopped: dict[int, str] = {}
        """Workers killed on purpose, by pid: ``deadline`` or ``grace``."""
        self.lingering: list[tuple[float, socket.socket]] = []
        self.stopping = False
        self.stop_by = float("inf")
        self.reload_asked = False
        self.generation = 0
        self.generations: dict[int, int] = {}
        self.retiring: set[int] = set()
        self.loading: threading.Thread | None = None
        self.loaded: tuple[Application, EndpointState] | Exception | None = None
        self.load_seconds = 0.0
        self.unforked: list[int] = []
        self.replacing = False
        self.announce_stop = False
        self.failed_starts = 0
        """Workers in a row that ended before they were ready."""
        self.failure: str | None = None

    def start(self) -> None:
        """Fork every worker (the listener must be bound, listening and non-blocking).

        Also raises this process's descriptor limit to the hard limit (the supervisor holds a
        copy of every open connection), and takes SIGTERM, SIGINT and SIGHUP from here on.
        """
        _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        gc.freeze()  # keep the collector from touching (and so copying) the shared pages
        for index in range(self.settings.workers):
            self._fork(index)
        self.selector.register(self.listener, selectors.EVENT_READ, None)
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop_now)
        signal.signal(signal.SIGHUP, self._ask_reload)  # ignored until now (serve.py)

    def run(self) -> None:
        """Supervise until SIGTERM (graceful) or SIGINT (at once), then end the workers;
        SIGHUP loads the data again. Raises :class:`WorkersFailToStartError`, once every worker
        is ended, when :data:`FAILED_STARTS` workers in a row ended before they were ready."""
        try:
            while not (self.stopping and not self.indices):
                for key, _ in self.selector.select(WAITING_TICK if self.waiting else TICK):
                    if key.data is None:
                        self._accept()
                    else:
                        self._receive(key.data)
                self._reap()
                self._enforce_deadlines()
                self._move_connections()
                self._hand_waiting()
                self._linger()
                self._switch()
            for _, connection in self.waiting:  # the grace ended before a worker was free
                self._refuse_busy(connection, "the server stopped before a worker was free")
            self._linger()  # their requests read: closing on unread bytes could reset the answer
            LOG.warning("stopped")
        finally:
            self.close()
        if self.failure is not None:
            raise WorkersFailToStartError(self.failure)

    def close(self) -> None:
        """Kill every worker and close what the supervisor holds."""
        for pid in list(self.indices):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        for pid in list(self.indices):
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
        self.indices.clear()
        for index in range(self.settings.workers):
            self._write_log_left(index)
        for connection in self._connections():
            connection.close()
        self.held.clear()
        for control in self.controls.values():
            control.close()

    def _stop(self, number: int, frame: FrameType | None) -> None:
        if not self.stopping:
            self.stopping, self.stop_by = True, time.monotonic() + self.settings.graceful_timeout
            self.announce_stop = True

    def _stop_now(self, number: int, frame: FrameType | None) -> None:
        self.stopping, self.stop_by, self.announce_stop = True, 0.0, True

    def _ask_reload(self, number: int, frame: FrameType | None) -> None:
        self.reload_asked = True

    def _switch(self) -> None:
        """Act on the signals: stop accepting and retire every worker (stopping), load the data
        again (SIGHUP), retire the next worker forked from older data (one at a time)."""
        if self.stopping:
            if self.announce_stop:  # logged here, not in the signal handler
                self.announce_stop = False
                evaluating = sum(slot.state == EVALUATING for slot in self.scoreboard.slots)
                LOG.warning("stopping: %d queries in flight, %g s to finish them", evaluating,
                            max(0.0, self.stop_by - time.monotonic()))  # fmt: skip
            if self.listener.fileno() >= 0:
                self.selector.unregister(self.listener)
                self.listener.close()  # new connections are refused: the proxy tries another
            if time.monotonic() > self.stop_by:  # the grace is over: stop what still runs
                for pid in self.indices:
                    if pid not in self.stopped:
                        self.stopped[pid] = "grace"
                        with contextlib.suppress(ProcessLookupError):
                            os.kill(pid, signal.SIGKILL)
                return
            if not self.waiting:  # connections that wait may hold a request: serve them first
                for index in set(self.indices.values()) - self.retiring:
                    self._retire(index)
            return
        if self.reload_asked and self.load is not None and self.loading is None:
            self.reload_asked = False
            self.loading = threading.Thread(target=self._load, args=(self.load,), daemon=True)
            self.loading.start()
        if self.loading is not None:
            if self.loading.is_alive():
                return
            self.loading = None
            self._use_loaded()
            for index in self.unforked:  # ended while loading: forked from the new data
                self._fork(index)
            self.unforked.clear()
        older = [index for index in self.indices.values()
                 if self.generations[index] < self.generation]  # fmt: skip
        if older and not self.retiring:
            self._retire(older[0])
        elif not older and self.replacing:
            self.replacing = False
            LOG.warning("reload done: every worker serves the data loaded last")

    def _load(self, load: Loader) -> None:
        """Load the data again (in a thread, so the supervisor meanwhile accepts connections and
        stops queries at their deadline; no worker is forked until it ends)."""
        started = time.monotonic()
        try:
            self.loaded = load()
        except Exception as error:  # bad data or a bug must not end a serving server
            self.loaded = error
        self.load_seconds = time.monotonic() - started

    def _use_loaded(self) -> None:
        """Workers forked from now on serve the data just loaded; data that did not load is
        logged and the data loaded before kept."""
        loaded, self.loaded = self.loaded, None
        if not isinstance(loaded, tuple):
            LOG.error("reload failed, still serving the data loaded before: %s", loaded)
            return
        self.application, self.state = loaded
        gc.unfreeze()  # the old data's cycles are collectable again, then the new data frozen
        gc.collect()
        gc.freeze()
        self.generation += 1
        self.replacing = True
        LOG.warning("reloaded the data in %.1f s; replacing the workers one at a time",
                    self.load_seconds)  # fmt: skip

    def _retire(self, index: int) -> None:
        """Ask worker ``index`` to give back its idle connections, finish the rest and exit."""
        self.retiring.add(index)
        with contextlib.suppress(OSError):
            self.controls[index].send(MESSAGE.pack(RETIRE, 0))

    def _fork(self, index: int) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        lock = self.locks[index] = multiprocessing.Lock()  # a dead worker may hold the old one
        slot = self.scoreboard.slots[index]
        slot.state = STARTING  # before the fork: the worker sets SERVING once it is ready
        pid = os.fork()
        if pid == 0:
            status = 0
            try:
                for inherited in [ours, *self.controls.values(), *self._connections()]:
                    inherited.close()
                self.listener.close()
                worker = Worker(
                    index, self.application, self.state, self.address, theirs, self.scoreboard,
                    lock,
                )  # fmt: skip
                worker.prepare(self.settings.max_memory * 1024 * 1024)
                worker.run()
            except Exception:  # a bug, or --max-memory reached in Python: its trace, then 1
                status = 1
                LOG.exception("worker pid %d ends on an uncaught exception", os.getpid())
            finally:
                os._exit(status)
        theirs.close()
        ours.setblocking(False)
        self.controls[index] = ours
        self.selector.register(ours, selectors.EVENT_READ, index)
        self.indices[pid] = index
        self.generations[index] = self.generation
        self.handed[index], self.taken[index] = [], 0
        slot.pid, slot.adopted = pid, 0

    def _connections(self) -> list[socket.socket]:
        """Every connection the supervisor holds: given, waiting and lingering."""
        held = [*self.held.values(), *self.waiting, *self.lingering]
        return [connection for _, connection in held]

    def _accept(self) -> None:
        """Take new connections: to a free worker, to wait, or refused when too many wait."""
        while True:
            try:
                connection, _client = self.listener.accept()
            except (BlockingIOError, ConnectionAbortedError):
                return
            except OSError as error:  # out of descriptors: the client waits in the queue
                LOG.warning("cannot accept a connection: %s", error.strerror)
                time.sleep(TICK)  # the socket stays readable: do not spin meanwhile
                return
            number = next(self.numbers)
            target, _ = self._least_busy(excluded=None)
            limit = self.settings.max_connections
            if len(self.held) + len(self.waiting) >= limit:
                self._refuse_busy(connection, f"{limit} connections open (the limit)")
            elif target is not None and not self.waiting:
                self._give(number, connection, target)
            elif self.scoreboard.evaluating + len(self.waiting) >= self.settings.max_pending:
                self._refuse_busy(connection, f"{self.scoreboard.evaluating} queries evaluating "
                    f"and {len(self.waiting)} connections waiting (limit "
                    f"{self.settings.max_pending})")  # fmt: skip
            else:
                self.waiting.append((number, connection))

    def _hand_waiting(self) -> None:
        """Give waiting connections, oldest first, to workers that are free now; after a hand
        that failed, again next time round (the worker may be ending, not yet reaped)."""
        while self.waiting:
            target, _ = self._least_busy(excluded=None)
            if target is None:
                return
            number, connection = self.waiting.pop(0)
            if not self._give(number, connection, target):
                return

    def _refuse_busy(self, connection: socket.socket, reason: str) -> None:
        """Answer 503 + ``Retry-After`` before reading anything, and close."""
        self.metrics.count("rejections")
        refusal = RequestRefusedError(503, f"server busy: {reason}; retry shortly")
        self._log(connection, "-", "-", 503, 0.0, f"refused: {refusal}")
        with contextlib.suppress(OSError):
            refuse(sending_to(connection), refusal, {"Retry-After": "1"})
        self._close_softly(connection)

    def _receive(self, index: int) -> None:
        """Note the connections worker ``index`` closed; forget what it has taken."""
        control = self.controls[index]
        while True:
            try:
                message = control.recv(MESSAGE.size)
            except (BlockingIOError, ConnectionError):
                break
            if not message:
                break
            kind, number = MESSAGE.unpack(message)
            if kind == CLOSED and number in self.held:
                self.held.pop(number)[1].close()
            elif kind == RETURNED and self.held.get(number, (None,))[0] == index:
                self._take_back(number)
        self._forget_taken(index)

    def _take_back(self, number: int) -> None:
        """A retiring worker gave back idle connection ``number``: to another worker, or
        closed when the server stops."""
        connection = self.held.pop(number)[1]
        if self.stopping:
            self._close_softly(connection)
        else:
            self.waiting.insert(0, (number, connection))

    def _forget_taken(self, index: int) -> None:
        """Drop from ``handed`` the connections worker ``index`` has taken (in order)."""
        adopted = self.scoreboard.slots[index].adopted
        del self.handed[index][: adopted - self.taken[index]]
        self.taken[index] = adopted

    def _reap(self) -> None:
        while True:
            try:
                pid, wait_status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            index = self.indices.pop(pid, None)
            if index is None:
                continue
            self._write_log_left(index)
            stopped = self.stopped.pop(pid, None)
            ready = self.scoreboard.slots[index].state != STARTING
            if wait_status and stopped is None:  # not killed on purpose, nor retired (0)
                before = "" if ready else " before it was ready"
                LOG.error("worker pid %d ended%s: %s", pid, before, _ending(wait_status))
                if not ready:
                    self._failed_start(pid, wait_status)
            if ready:
                self.failed_starts = 0
            self._answer_for(index, stopped, wait_status)
            control = self.controls.pop(index)
            self.selector.unregister(control)
            control.close()
            self.retiring.discard(index)
            self.metrics.count("worker_restarts")
            if self.stopping and not (self.waiting and time.monotonic() < self.stop_by):
                continue  # stopping, a worker is forked only for connections still waiting
            if self.loading is not None:
                self.unforked.append(index)  # no fork beside the loading thread
            else:
                self._fork(index)

    def _failed_start(self, pid: int, wait_status: int) -> None:
        """Count a worker that ended before it was ready; at :data:`FAILED_STARTS` in a row,
        stop at once (no worker is forked while stopping) and say why when :meth:`run` ends."""
        self.failed_starts += 1
        if self.failed_starts >= FAILED_STARTS and not self.stopping:
            self.failure = (
                f"workers fail to start: {self.failed_starts} in a row ended before they were "
                f"ready, the last (pid {pid}) with {_ending(wait_status)}; the lines above say "
                "why. Stopped instead of starting more"
            )
            self.stopping, self.stop_by = True, 0.0

    def _answer_for(self, index: int, stopped: str | None, wait_status: int) -> None:
        """Worker ``index`` ended (``wait_status`` from ``waitpid``; ``stopped``: why it was
        killed, if it was): answer its client if it was evaluating, close what it had begun to
        serve, and let wait for another worker the connections it never took and those it
        offered as idle when its evaluation began (a request may wait unread in them: one sent
        while it evaluated, or handed just before)."""
        self._receive(index)
        slot = self.scoreboard.slots[index]
        untouched = set(self.handed[index])
        if slot.state == EVALUATING:
            untouched.update(slot.offered_connections[slot.moved : slot.offered])
        owned = [number for number, (owner, _) in self.held.items() if owner == index]
        for number in owned:
            connection = self.held.pop(number)[1]
            if number in untouched:
                self.waiting.insert(0, (number, connection))
                continue
            if slot.state == EVALUATING and number == slot.connection:
                self._answer_stopped(connection, slot, stopped, wait_status)
            self._close_softly(connection)
        slot.state, slot.pid = SERVING, 0

    def _write_log_left(self, index: int) -> None:
        """Write the access-log lines ended worker ``index`` had not written yet."""
        if self.state.access_log is not None:
            view = self.scoreboard.log_view(index)
            write_left(self.scoreboard.slots[index], view, self.state.access_log.descriptor)

    def _answer_stopped(
        self, connection: socket.socket, slot: Slot, stopped: str | None, wait_status: int
    ) -> None:
        """Answer the request ``slot``'s worker was evaluating when it ended, and log it with
        the start of its query (the slot's ``request``) and what ended it. An answer that had
        begun to go (a streamed dump) is only cut: the client sees its transfer broken."""
        seconds = time.monotonic() - slot.started
        if stopped == "deadline":
            status, message = 503, deadline_message(self.settings, slot.limit)
            self.metrics.count("query_timeouts")
            detail = f"stopped at its deadline of {slot.limit:g} s (worker pid {slot.pid})"
        elif stopped == "grace":
            status, message = 503, GRACE_MESSAGE
            detail = f"stopped at the end of the grace period (worker pid {slot.pid})"
        else:
            ended_by = os.WTERMSIG(wait_status) if os.WIFSIGNALED(wait_status) else None
            crashed = ended_by == signal.SIGSEGV
            status, message = 500, CRASHED_MESSAGE if crashed else DIED_MESSAGE
            signal_name = f" ({signal.Signals(ended_by).name})" if ended_by else ""
            detail = f"worker pid {slot.pid} died{signal_name}"
        if slot.answered:
            detail += "; its answer had begun, so it is cut off"
        self.metrics.observe(ROUTES[slot.route], status, seconds)
        head, _, query = slot.request.decode("utf-8", "replace").partition("\n")
        method, _, path = head.partition(" ")
        self._log(connection, method, path, status, seconds, detail, query or None)
        if not slot.answered:
            with contextlib.suppress(OSError):
                refuse(sending_to(connection), RequestRefusedError(status, message))

    def _log(self, connection: socket.socket, *line: Any) -> None:
        """An access-log line for ``connection`` (:meth:`AccessLog.write`'s other fields)."""
        if self.state.access_log is not None:
            try:
                client = str(connection.getpeername()[0])
            except OSError:
                client = "-"
            self.state.access_log.write(client, *line)

    def _move_connections(self) -> None:
        """Give the idle connections of workers stuck in a query to other workers."""
        now = time.monotonic()
        for index, slot in enumerate(self.scoreboard.slots):
            stuck = slot.state == EVALUATING and now - slot.started > MOVE_AFTER
            if not stuck or slot.offered == 0 or self.moved_in.get(index) == slot.evaluation:
                continue
            target, room = self._least_busy(excluded=index)
            if target is None or not self.locks[index].acquire(block=False):
                continue
            try:  # holding the lock: the worker is still inside this evaluation
                self._receive(index)
                self.moved_in[index] = slot.evaluation
                moved = min(slot.offered, room)  # the first ones offered, up to the share
                for position in range(moved):
                    number = slot.offered_connections[position]
                    if number in self.held:
                        self._give(number, self.held[number][1], target)
                        self.metrics.count("connections_moved")
                slot.moved = moved
            finally:
                self.locks[index].release()

    def _least_busy(self, excluded: int | None) -> tuple[int | None, int]:
        """The live worker (not ``excluded``, not evaluating, under its share of
        ``--max-connections``) with the fewest connections, and how many more it may hold."""
        counts = Counter(owner for owner, _ in self.held.values())
        share = -(-self.settings.max_connections // self.settings.workers)
        candidates = [
            (counts[index], index)
            for index, slot in enumerate(self.scoreboard.slots)
            if index != excluded and slot.pid and slot.state != EVALUATING
            and counts[index] < share and index not in self.retiring
        ]  # fmt: skip
        if not candidates:
            return None, 0
        count, index = min(candidates)
        return index, share - count

    def _give(self, number: int, connection: socket.socket, target: int) -> bool:
        """Hand ``connection`` to worker ``target`` (the supervisor keeps its copy); False when
        the worker could not take it (ending, or its queue full), and the connection waits."""
        try:
            socket.send_fds(self.controls[target], [MESSAGE.pack(ADOPT, number)],
                            [connection.fileno()])  # fmt: skip
        except OSError:
            self.held.pop(number, None)
            self.waiting.insert(0, (number, connection))
            return False
        self.held[number] = (target, connection)
        self.handed[target].append(number)
        return True

    def _enforce_deadlines(self) -> None:
        now = time.monotonic()
        for slot in self.scoreboard.slots:
            late = slot.pid and slot.state == EVALUATING and slot.deadline < now
            if late and slot.pid not in self.stopped:
                self.stopped[slot.pid] = "deadline"
                with contextlib.suppress(ProcessLookupError):
                    os.kill(slot.pid, signal.SIGKILL)

    def _close_softly(self, connection: socket.socket) -> None:
        """Send FIN now; close once the client has closed too (or after a while; at once when
        ``--max-connections`` are lingering already)."""
        with contextlib.suppress(OSError):
            connection.shutdown(socket.SHUT_WR)
        if len(self.lingering) >= self.settings.max_connections:
            connection.close()
            return
        connection.setblocking(False)
        self.lingering.append((time.monotonic(), connection))

    def _linger(self) -> None:
        now = time.monotonic()
        kept = []
        for since, connection in self.lingering:
            done = now - since > LINGER_SECONDS
            try:
                for _ in range(16):  # a bounded read per tick, whatever the client sends
                    if not connection.recv(65_536):
                        done = True  # the client closed
                        break
            except BlockingIOError:
                pass
            except OSError:
                done = True
            if done:
                connection.close()
            else:
                kept.append((since, connection))
        self.lingering = kept
