"""A worker process: serves many connections in one ``epoll`` loop and evaluates queries itself.

A worker adopts the connections the supervisor hands it (:mod:`bjaikg.endpoint.supervisor`),
parses their requests (:mod:`bjaikg.endpoint.connection`) and answers at once: ``/sparql``
(every method but a CORS preflight) by :func:`~bjaikg.endpoint.protocol.answer_sparql`,
everything else by the Starlette application on the worker's own asyncio loop. It counts and
logs each request once its answer is sent, and each request it refuses (400, 408, 413, 431).

The worker is the query clock (:meth:`Worker.evaluating`), around every query and every request
it runs through the application: before evaluating it writes the deadline on its scoreboard
slot, offers its idle connections for moving and releases its lock; after, it takes the lock
back and drops its copies of the connections the supervisor moved meanwhile. The supervisor
moves connections only while it holds that lock, so a connection is never read by two workers.

Hazards: while a worker evaluates, its other connections wait until the supervisor moves them
(after :data:`~bjaikg.endpoint.supervisor.MOVE_AFTER`); a connection with part of a request
read is never moved. Bytes a client does not take wait in the worker, which stops reading that
client meanwhile. Linux only (``prctl``, ``SCM_RIGHTS``).
"""

from __future__ import annotations

import contextlib
import ctypes
import faulthandler
import logging
import resource
import select
import signal
import socket
import struct
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import uvloop

from bjaikg.endpoint.access_log import QUERY_IN_LOG
from bjaikg.endpoint.connection import (
    CROSS_ORIGIN,
    READ_SIZE,
    AccessRecord,
    Application,
    HttpRequest,
    RequestReader,
    RequestRefusedError,
    answer_failure,
    call_application,
    refuse,
    send_response,
)
from bjaikg.endpoint.metrics import ROUTE_INDEX
from bjaikg.endpoint.protocol import answer_sparql
from bjaikg.endpoint.proxy import Proxy
from bjaikg.endpoint.scoreboard import EVALUATING, MAX_OFFERED, SERVING, Scoreboard
from bjaikg.endpoint.state import EndpointState

SEND_PARTS = 64
"""Most parts given to one ``sendmsg`` (the kernel takes at most ``IOV_MAX``, 1024)."""
HELD_STREAMING = 1024 * 1024
"""Bytes of a streamed answer a worker holds for a client that reads slowly before it waits."""
SWEEP_SECONDS = 1.0
"""How often connections are checked for these limits and ``--request-timeout``."""
MESSAGE = struct.Struct("!cQ")
"""A control message: its kind and a connection number (the descriptor rides along)."""
CLOSED, ADOPT = b"c", b"a"
"""Worker to supervisor: closed a connection; supervisor to worker: serve this one."""
RETIRE, RETURNED = b"r", b"n"
"""Supervisor to worker: finish and exit; worker to supervisor: give this idle one to another."""
_PR_SET_PDEATHSIG = 1
_READ = select.EPOLLIN | select.EPOLLRDHUP
_WRITE = select.EPOLLOUT


def die_with_parent() -> None:
    """Ask the kernel to SIGKILL this process when the process that forked it ends."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _is_preflight(request: HttpRequest) -> bool:
    """A CORS preflight (``OPTIONS`` with ``Origin`` and ``Access-Control-Request-Method``):
    the application's ``CORSMiddleware`` answers it."""
    return (
        request.method == "OPTIONS"
        and request.header(b"origin") is not None
        and request.header(b"access-control-request-method") is not None
    )


def limit_memory(extra_bytes: int) -> None:
    """Cap this process's address space at what it maps now (the shared store) plus ``extra``.

    An allocation beyond it fails; pyoxigraph (Rust) then aborts the process, which the
    supervisor sees as a worker that died while evaluating (it answers 500) and replaces.
    """
    status = Path("/proc/self/status").read_text()
    mapped_kilobytes = int(status.split("VmSize:", 1)[1].split()[0])
    limit = mapped_kilobytes * 1024 + extra_bytes
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


LOG = logging.getLogger("bjaikg.endpoint")
CLONE_NEWNET = 0x40000000
"""``unshare``'s flag for a network namespace of one's own (linux/sched.h)."""


def isolate_network() -> bool:
    """Move this process into a network namespace of its own, where no interface is up: no
    connection can be opened from it, whatever a query asks pyoxigraph (``SERVICE``). The
    connections it holds or is handed (``SCM_RIGHTS``) keep working: they belong to the
    supervisor's namespace. True when done; False when the kernel refuses (a process without
    ``CAP_SYS_ADMIN``: a server not run as root, a container without the right), and then
    nothing changed.
    """
    libc = ctypes.CDLL(None, use_errno=True)
    return int(libc.unshare(CLONE_NEWNET)) == 0


STACK_BYTES = 112 * 1024 * 1024
"""How far a worker's stack may grow: pyoxigraph recurses once per operator or group element
in a row, and on the default 8 MB a POST of a few thousand (``BIND``, ``MINUS``, ``||`` …)
crashed the worker (``bench/stack_depth.py``)."""


def deepen_stack() -> None:
    """Raise this process's stack limit to :data:`STACK_BYTES` (within the hard limit).

    Hazard: only the main thread's stack grows with the limit, and only into the gap of at
    least 128 MB that Linux leaves below it when the program starts; a larger limit would have
    to be set before ``exec``. A query long enough still overflows it (the worker crashes and is
    answered 500, as before). The stack pages a deep query touched stay with the worker: its
    memory can stay up to :data:`STACK_BYTES` higher until it is replaced, and they count
    against ``--max-memory``.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_STACK)
    wanted = STACK_BYTES if hard == resource.RLIM_INFINITY else min(STACK_BYTES, hard)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_STACK, (wanted, hard))


def _left_after(parts: Sequence[bytes | memoryview], sent: int) -> list[memoryview]:
    """What of ``parts``, sent in this order, is left once ``sent`` bytes of them have gone:
    views, not copies (an empty part leaves nothing)."""
    left = []
    for part in parts:
        if sent >= len(part):
            sent -= len(part)
        else:
            left.append(memoryview(part)[sent:])
            sent = 0
    return left


class Client:
    """One client connection in a worker: its parser and the bytes it has not taken yet."""

    def __init__(self, number: int, connection: socket.socket, max_body: int) -> None:
        self.number = number
        self.socket = connection
        self.descriptor = connection.fileno()
        try:
            address = connection.getpeername()
        except OSError:
            address = ("-", 0)
        self.reader = RequestReader(self.write, (str(address[0]), int(address[1])), max_body)
        self.unsent: list[memoryview] = []
        """What the socket has not taken yet: views of the parts written, not copies."""
        self.closing = False
        self.ended = False
        self.refusal: RequestRefusedError | None = None
        """A malformed request read after complete ones: refused once they are answered."""
        self.watching = _READ
        self.since = time.monotonic()

    def write(self, *parts: bytes) -> None:
        """Send ``parts`` now, as one, as far as the socket takes them; keep the rest for later
        (views: many clients slow to read one kept answer hold it once). On a failed connection
        the error is raised with the parts kept, so closing counts the answer dropped."""
        if self.unsent:  # they go after what waits, when the socket takes more
            self.unsent += _left_after(parts, 0)
            return
        try:
            sent = self.socket.sendmsg(parts)
        except BlockingIOError:
            sent = 0
        except OSError:
            self.unsent = _left_after(parts, 0)
            raise
        self.unsent = _left_after(parts, sent)

    def flush(self) -> int:
        """Send what is kept, as far as the socket takes it; how many bytes it took."""
        batch = self.unsent[:SEND_PARTS]
        try:
            sent = self.socket.sendmsg(batch)
        except BlockingIOError:
            return 0
        self.unsent = _left_after(batch, sent) + self.unsent[SEND_PARTS:]
        return sent

    @property
    def unsent_bytes(self) -> int:
        """How many bytes wait to be sent."""
        return sum(len(part) for part in self.unsent)

    @property
    def movable(self) -> bool:
        """Whether another worker could take over this connection now."""
        return not self.unsent and not self.closing and self.refusal is None and self.reader.idle

    @property
    def has_input(self) -> bool:
        """Whether bytes the client sent wait unread in the kernel (a request that arrived
        while this worker evaluated another: closing the connection now would lose it)."""
        try:
            return bool(self.socket.recv(1, socket.MSG_PEEK))
        except OSError:  # nothing waiting (BlockingIOError), or the connection is gone
            return False


class Worker:
    """Worker number ``index``: its scoreboard slot, lock and control socket.

    Made in the forked process.
    """

    def __init__(
        self,
        index: int,
        application: Application,
        state: EndpointState,
        server_address: tuple[str, int],
        control: socket.socket,
        scoreboard: Scoreboard,
        lock: Any,
    ) -> None:
        self.index = index
        self.application = application
        self.state = state
        self.control = control
        self.scoreboard = scoreboard
        self.lock = lock
        self.slot = scoreboard.slots[index]
        self.clients: dict[int, Client] = {}
        self.current: Client | None = None
        self.request: HttpRequest | None = None
        self.offered: list[int] = []
        self.pending: tuple[str, float, str] = ("other", 0.0, "")
        self.depth = 0
        self.outer: list[tuple[int, float, float, bytes]] = []
        self.offered_slots = self.slot.offered_connections  # a view of the shared memory
        self.evaluations = 0
        self.loop = uvloop.new_event_loop()
        self.server_address = server_address
        self.poller = select.epoll()
        self.max_body = state.settings.max_request_bytes
        settings = state.settings
        self.proxy = Proxy.from_settings(settings.forwarded_allow_ips, settings.root_path)
        self.retiring = False

    def prepare(self, max_memory_bytes: int | None) -> None:
        """Settle into the forked process: signals, parent death, memory bound, own counters;
        with no ``--allow-service`` over the embedded store, no network (:func:`isolate_network`:
        the allow-list check is then not the only guard)."""
        faulthandler.disable()  # an abort by the memory bound is expected, not a crash to dump
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the supervisor's business
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # the supervisor retires its workers
        signal.signal(signal.SIGHUP, signal.SIG_IGN)  # the supervisor reloads
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        die_with_parent()
        settings = self.state.settings
        offline = not settings.allow_service and settings.store is None
        first = self.index == 0 and self.slot.evaluation == 0  # says it once
        if offline and not isolate_network() and first:
            LOG.warning(
                "workers keep the network (no CAP_SYS_ADMIN to unshare it): without "
                "--allow-service only the allow-list check stops a SERVICE call"
            )
        deepen_stack()
        if max_memory_bytes is not None:
            limit_memory(max_memory_bytes)
        self.lock.acquire()
        self.control.setblocking(False)
        self.state.clock = self
        self.state.metrics = self.scoreboard.metrics(self.index)
        self.state.scoreboard = self.scoreboard
        if self.state.access_log is not None:
            self.state.access_log.keep_in(self.slot, self.scoreboard.log_view(self.index))
        self.evaluations = self.slot.evaluation  # a replaced worker counts on
        self.slot.offered = self.slot.moved = 0
        self.slot.state = SERVING  # ready: an end from now on is not a failed start

    def run(self) -> None:
        """Serve until the process is killed, the supervisor is gone, or, retired, it has given
        back or closed every connection."""
        self.poller.register(self.control.fileno(), select.EPOLLIN)
        swept = time.monotonic()
        log = self.state.access_log
        try:
            while not (self.retiring and self._return_idle()):
                wait = SWEEP_SECONDS if log is None else log.flush_when_due(SWEEP_SECONDS)
                self._serve_ready(self.poller.poll(wait))
                if time.monotonic() - swept > SWEEP_SECONDS:
                    swept = time.monotonic()
                    self._sweep(swept)
        finally:
            if log is not None:
                log.flush()

    def _serve_ready(self, events: list[tuple[int, int]]) -> None:
        """Take new connections from the supervisor; serve the clients ``events`` name."""
        for descriptor, mask in events:
            if descriptor == self.control.fileno():
                self._adopt()
            elif (client := self.clients.get(descriptor)) is not None:
                self._serve(client, mask)

    # the query clock (bjaikg.endpoint.scoreboard.QueryClock)
    def evaluating(self, route: str, seconds: float, query: str = "") -> Worker:
        """Register one evaluation of ``query`` of at most ``seconds`` (use as a context
        manager); the slot names the request, for the log line if the deadline passes.

        Re-entrant: inside an evaluation (a page, whose whole request is on the clock, asking
        :meth:`EndpointState.answer`) the inner one can only bring the deadline nearer, and the
        outer deadline, route and request come back when it ends.
        """
        self.pending = (route, seconds, query)
        return self

    def __enter__(self) -> None:
        route, seconds, query = self.pending
        slot = self.slot
        now = time.monotonic()
        if self.depth:
            self.outer.append((slot.route, slot.deadline, slot.limit, slot.request))
            self.depth += 1
            slot.route = ROUTE_INDEX[route]
            if now + seconds < slot.deadline:
                slot.deadline, slot.limit = now + seconds, seconds
            if query:
                slot.request = self._naming(query)
            return
        slot.route, slot.started, slot.limit = ROUTE_INDEX[route], now, seconds
        slot.deadline, slot.answered = now + seconds, 0
        slot.connection = self.current.number if self.current is not None else 0
        slot.request = self._naming(query)
        offered: list[int] = []
        if len(self.clients) > 1:  # the connection being answered is never offered
            offered = [client.number for client in self.clients.values()
                       if client is not self.current and client.movable][:MAX_OFFERED]  # fmt: skip
            self.offered_slots[: len(offered)] = offered
            slot.offered = len(offered)  # zero between evaluations (``__exit__``)
        self.offered = offered
        self.evaluations += 1
        slot.evaluation = self.evaluations
        self.depth = 1
        slot.state = EVALUATING
        self.lock.release()

    def __exit__(self, *exception: object) -> None:
        slot = self.slot
        self.depth -= 1
        if self.depth:
            slot.route, slot.deadline, slot.limit, slot.request = self.outer.pop()
            return
        self.lock.acquire()
        slot.state = SERVING
        if self.offered:
            if slot.moved:  # the supervisor moved the first ``moved`` offered
                moved = set(self.offered[: slot.moved])
                for client in [c for c in self.clients.values() if c.number in moved]:
                    self._forget(client)  # another worker serves it now; our copy just goes
            slot.offered = slot.moved = 0

    def _write_on_the_clock(self, *parts: bytes) -> None:
        """Write part of the answer to the request on the clock, noting on the slot that it has
        begun: past the deadline the supervisor then cuts the connection instead of writing a
        new answer into this one (a 503 inside a chunked dump)."""
        assert self.current is not None
        self.slot.answered = 1
        self.current.write(*parts)

    def _drain_on_the_clock(self) -> None:
        """Wait, while more than :data:`HELD_STREAMING` bytes of a streamed answer wait unsent,
        for the client to take them: the answer (a dump from ``--store``) then leaves at the
        client's pace instead of being held whole in memory. :class:`TimeoutError` when the
        client takes nothing for ``--send-timeout`` (the answer ends cut, as on a reset).
        Hazard: the wait counts against the request's deadline, so a dump a client reads more
        slowly than ``--timeout`` allows is cut at the deadline."""
        client = self.current
        assert client is not None
        if client.unsent_bytes <= HELD_STREAMING:
            return
        waiting = select.poll()
        waiting.register(client.descriptor, select.POLLOUT)
        seconds = self.state.settings.send_timeout
        while client.unsent_bytes > HELD_STREAMING:
            if not waiting.poll(seconds * 1000):
                raise TimeoutError(f"not taken for {seconds:g} s (--send-timeout)")
            client.flush()

    def _naming(self, query: str) -> bytes:
        """``METHOD PATH``, a newline and the start of ``query``: the request on the slot."""
        request = self.request
        if request is None:
            return b""
        return b"%s %s%s\n%s" % (
            request.method.encode(), request.root_path.encode(), request.path[:100],
            query[:QUERY_IN_LOG].encode("utf-8", "replace"),
        )  # fmt: skip

    # connections
    def _adopt(self) -> None:
        """Take the connections the supervisor moved here."""
        while True:
            try:
                message, descriptors, _, _ = socket.recv_fds(self.control, MESSAGE.size, 1)
            except BlockingIOError:
                return
            if not message:
                raise SystemExit(0)  # the supervisor is gone
            kind, number = MESSAGE.unpack(message)
            if kind == RETIRE:
                self.retiring = True
                continue
            self._add(number, socket.socket(fileno=descriptors[0]))
            self.slot.adopted += 1  # the supervisor re-gives what a dead worker never took

    def _return_idle(self) -> bool:
        """Retiring: give the supervisor back every connection with nothing of a request read
        and nothing left to send (it hands them to another worker, or closes them when the
        server stops); True once none is left. The others, and those with a request waiting
        unread, are served until they are idle."""
        for client in list(self.clients.values()):
            if client.movable and not client.has_input:
                self._forget(client)  # the supervisor's copy keeps the connection open
                with contextlib.suppress(OSError):
                    self.control.send(MESSAGE.pack(RETURNED, client.number))
        return not self.clients

    def _add(self, number: int, connection: socket.socket) -> None:
        connection.setblocking(False)
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        client = Client(number, connection, self.max_body)
        self.clients[client.descriptor] = client
        self.poller.register(client.descriptor, _READ)

    def _forget(self, client: Client) -> None:
        """Stop serving ``client`` here without touching the connection itself."""
        self.poller.unregister(client.descriptor)
        del self.clients[client.descriptor]
        client.socket.close()

    def _close(self, client: Client, why: str = "") -> None:
        """End the connection (FIN to the client) and tell the supervisor. An answer not all
        sent is counted and logged as dropped, ``why`` saying what stopped it (its request's
        access-log line was written when the answer was written or kept, as nginx's is)."""
        if client.unsent:
            self.state.metrics.count("answers_dropped")
            LOG.warning("answer to %s dropped with %d bytes unsent: %s", client.reader.client[0],
                        client.unsent_bytes, why)  # fmt: skip
        with contextlib.suppress(OSError):
            client.socket.shutdown(socket.SHUT_RDWR)
        self._forget(client)
        with contextlib.suppress(OSError):
            self.control.send(MESSAGE.pack(CLOSED, client.number))

    def _sweep(self, now: float) -> None:
        """Close idle connections, answers that have not moved for ``--send-timeout``, and
        requests that do not arrive whole within ``--request-timeout`` of their first byte
        (408). An answer moves when the socket takes more of it, which a slow reader may let
        happen without a wake-up (the kernel's send buffer drains for minutes): so before
        closing, the rest is offered to the socket once more."""
        settings = self.state.settings
        limit, keep_alive = settings.request_timeout, settings.keep_alive
        for client in list(self.clients.values()):
            if client.reader.receiving and not client.unsent:  # its deadline, not --send-timeout
                if now - client.reader.began > limit:
                    late = f"the request did not arrive whole within {limit:g} s of its first byte"
                    with contextlib.suppress(OSError):  # it failed since the poll: closed below
                        self._refuse(client, RequestRefusedError(408, late))
                    self._close(client, late)
            elif now - client.since > (keep_alive if client.movable else settings.send_timeout):
                try:  # a client reading slowly empties the kernel's deep buffer without the
                    if client.unsent and client.flush():  # worker waking: still moving
                        client.since = now
                        continue
                except OSError:
                    pass
                self._close(client, f"not taken for {settings.send_timeout:g} s (--send-timeout)")

    # requests
    def _serve(self, client: Client, mask: int) -> None:
        """Handle readiness of ``client``: send what waits, read and answer requests; its idle
        clock starts again once they are done (an answer may have taken longer than
        ``--keep-alive``)."""
        try:
            if client.unsent:
                client.flush()
            if not client.unsent and not client.closing:
                if mask & ~_WRITE and client.refusal is None:
                    self._read(client)
                self._answer(client)
        except OSError:  # the client went away
            self._close(client, "the connection failed")
            return
        if client.descriptor not in self.clients:
            return
        client.since = time.monotonic()
        if client.unsent:
            self._watch(client, _WRITE)  # read no more until the answer has left
        elif client.closing:
            self._close(client)
        else:
            self._watch(client, _READ)

    def _watch(self, client: Client, events: int) -> None:
        if client.watching != events:
            self.poller.modify(client.descriptor, events)
            client.watching = events

    def _read(self, client: Client) -> None:
        try:
            data = client.socket.recv(READ_SIZE)
        except BlockingIOError:  # a stale readiness event (nothing to read after all)
            return
        if not data:
            client.ended = True
            return
        try:
            client.reader.feed(data)
        except RequestRefusedError as refusal:  # answered after the complete requests before it
            client.refusal = refusal

    def _refuse(self, client: Client, refusal: RequestRefusedError) -> None:
        """Count and log ``refusal``, then answer it on ``client`` (the connection is to close;
        a write that fails raises :class:`OSError`, the refusal counted all the same)."""
        reader = client.reader
        seconds = time.monotonic() - reader.began if reader.receiving else 0.0
        self.state.metrics.observe("other", refusal.status, seconds)
        if self.state.access_log is not None:
            self.state.access_log.write(
                reader.client[0], "-", "-", refusal.status, seconds, f"refused: {refusal}"
            )
        refuse(client.write, refusal)

    def _answer(self, client: Client) -> None:
        """Answer the complete requests of ``client`` while its answers leave at once."""
        while client.reader.ready and not client.closing and not client.unsent:
            request = client.reader.ready.popleft()
            try:
                self.proxy.apply(request)
            except RequestRefusedError as refusal:  # the request is whole: log its path
                refuse(client.write, refusal)
                record = AccessRecord("other", time.perf_counter(), f"refused: {refusal}")
                self.state.account(request, refusal.status, record)
                client.closing = True
                break
            self.current, self.request = client, request
            try:
                if request.path == b"/sparql" and not _is_preflight(request):
                    keep_alive = self._answer_sparql(client, request)
                else:
                    record = AccessRecord("other", time.perf_counter(), "")
                    with self.evaluating("other", self.state.settings.timeout):
                        keep_alive, status = call_application(
                            self.application, self.loop, self._write_on_the_clock,
                            self._drain_on_the_clock, request, self.server_address, record,
                        )  # fmt: skip
                    self.state.account(request, status, record)
            finally:
                self.current = self.request = None
            client.closing = not keep_alive
        if client.refusal is not None and not client.reader.ready and not client.unsent:
            if not client.closing:
                self._refuse(client, client.refusal)
            client.closing = True
        if client.ended and not client.reader.ready:
            client.closing = True

    def _answer_sparql(self, client: Client, request: HttpRequest) -> bool:
        """``/sparql``, CORS headers added; a bug answers 500 instead of ending the worker.

        The request is counted and logged after its answer is sent (or failed to go).
        """
        started = time.perf_counter()
        try:
            response = answer_sparql(self.state, request)
            # a new list: a kept response shares its headers with the cache
            response.headers = response.headers + CROSS_ORIGIN
        except Exception as error:
            answer_failure(client.write, request, error)
            self.state.account(request, 500, AccessRecord("sparql", started, "internal error"))
            return False
        try:
            send_response(client.write, request, response)
        finally:
            if response.record is not None:
                self.state.account(request, response.status, response.record)
        return request.keep_alive
