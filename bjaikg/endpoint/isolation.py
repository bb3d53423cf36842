"""Query evaluation in worker processes that the server kills at the deadline and replaces.

pyoxigraph cannot cancel a running query from Python, so a runaway query (a Cartesian product,
an unbounded property path) can only be stopped by ending the process that runs it. The
:class:`QueryPool` therefore keeps a few worker processes that each hold the loaded store:

- At start the server forks one *zygote* process (single-threaded, before the server starts
  serving). The zygote forks the workers, so every worker shares the store's memory with the
  server copy-on-write and starts in milliseconds, with no reloading.
- A query travels to an idle worker over a Unix socket as a small encoded :class:`QueryRequest`;
  the worker evaluates it, writes the final bytes in the negotiated format and sends back an
  encoded :class:`QueryAnswer` (a fixed header and the body, no pickling of the body).
  The server's event loop never evaluates SPARQL.
- At the deadline the server sends SIGKILL to the worker (its memory is freed by the kernel)
  and asks the zygote for a new one; every other request keeps being answered meanwhile.
- Each worker's address space is capped at the store plus ``max_memory_bytes``
  (``RLIMIT_AS``), so a query that builds a huge intermediate result dies alone instead of
  exhausting the machine before its deadline.
- Beyond ``max_pending`` requests in flight, :meth:`QueryPool.run` refuses at once
  (:class:`PoolBusyError`, HTTP 503 with ``Retry-After``).

Python API (for the UI's named queries as well as ``/sparql``)::

    answer = await request.app.state.pool.run(QueryRequest(query=text), timeout=5.0)

Hazards: Linux only (``fork``, ``SCM_RIGHTS``, ``prctl``). The zygote and the workers die with
the server (``PR_SET_PDEATHSIG``); the store must not be mutated after :meth:`QueryPool.start`,
since workers would not see the change.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import faulthandler
import gc
import os
import resource
import signal
import socket
import struct
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from bjaikg.endpoint.evaluation import QueryAnswer, QueryRequest, evaluate
from bjaikg.errors import BjaikgError

_FRAME = struct.Struct("!Q")  # length of the message that follows
_PID = struct.Struct("!i")
_PR_SET_PDEATHSIG = 1
_SPAWN = b"s"


class QueryTimeoutError(BjaikgError):
    """The query ran past its deadline; its worker was killed."""


class PoolBusyError(BjaikgError):
    """Too many requests in flight; the client should retry later."""


class WorkerDiedError(BjaikgError):
    """The worker evaluating the query ended without answering (e.g. out of memory)."""


def _die_with_parent() -> None:
    """Ask the kernel to SIGKILL this process when the process that forked it ends."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _reset_signals() -> None:
    """Forget the server's signal handling: no wake-up fd, Ctrl-C is the server's business.

    Also turns off :mod:`faulthandler` (pytest enables it): a worker that the memory bound aborts
    is an expected event, reported to the client, not a crash to dump tracebacks for.
    """
    faulthandler.disable()
    signal.set_wakeup_fd(-1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _receive_exactly(connection: socket.socket, size: int) -> bytes | None:
    chunks = bytearray()
    while len(chunks) < size:
        chunk = connection.recv(size - len(chunks))
        if not chunk:
            return None
        chunks += chunk
    return bytes(chunks)


def _serve_queries(
    connection: socket.socket, store: ox.Store, allowed_services: Sequence[str]
) -> None:
    """The worker's loop: one request in, one answer out, until the server hangs up."""
    while True:
        header = _receive_exactly(connection, _FRAME.size)
        if header is None:
            return
        payload = _receive_exactly(connection, _FRAME.unpack(header)[0])
        if payload is None:
            return
        answer = evaluate(store, QueryRequest.decode(payload), allowed_services).encode()
        connection.sendall(_FRAME.pack(len(answer)) + answer)


def _limit_memory(extra_bytes: int) -> None:
    """Cap this process's address space at what it maps now (the shared store) plus ``extra``.

    An allocation beyond it fails; pyoxigraph (Rust) then aborts the process, which the server
    sees as a worker that died (HTTP 500) and replaces.
    """
    status = Path("/proc/self/status").read_text()
    mapped_kilobytes = int(status.split("VmSize:", 1)[1].split()[0])
    limit = mapped_kilobytes * 1024 + extra_bytes
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _run_zygote(
    control: socket.socket,
    store: ox.Store,
    allowed_services: Sequence[str],
    max_memory_bytes: int | None,
) -> None:
    """The zygote's loop: fork a worker per request byte and pass its socket to the server."""
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # workers are reaped by the kernel
    while control.recv(1):
        server_end, worker_end = socket.socketpair()
        pid = os.fork()
        if pid == 0:
            try:
                control.close()
                server_end.close()
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                _die_with_parent()
                if max_memory_bytes is not None:
                    _limit_memory(max_memory_bytes)
                _serve_queries(worker_end, store, allowed_services)
            finally:
                os._exit(0)
        worker_end.close()
        socket.send_fds(control, [_PID.pack(pid)], [server_end.fileno()])
        server_end.close()


@dataclass
class Worker:
    """The server's side of one worker process."""

    pid: int
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter

    async def run(self, request: QueryRequest) -> QueryAnswer:
        """Send ``request`` and wait for the answer (no deadline here: the pool sets it)."""
        payload = request.encode()
        self.writer.write(_FRAME.pack(len(payload)) + payload)
        (size,) = _FRAME.unpack(await self.reader.readexactly(_FRAME.size))
        return QueryAnswer.decode(await self.reader.readexactly(size))

    def kill(self) -> None:
        """End the process at once (its memory goes back to the system) and close the socket."""
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        self.writer.close()


class QueryPool:
    """Worker processes holding ``store``, with a deadline per request (see module docstring)."""

    def __init__(
        self,
        store: ox.Store,
        *,
        workers: int,
        max_pending: int,
        allowed_services: Sequence[str] = (),
        max_memory_bytes: int | None = None,
    ) -> None:
        self.store = store
        self.max_memory_bytes = max_memory_bytes
        self.size = workers
        self.max_pending = max_pending
        self.allowed_services = tuple(allowed_services)
        self.pending = 0
        self.restarts = 0
        self._idle: asyncio.Queue[Worker] = asyncio.Queue()
        self._control: socket.socket | None = None
        self._zygote_pid = 0
        self._zygote_lock = threading.Lock()
        self._replacements: set[asyncio.Task[None]] = set()
        self._workers: dict[int, Worker] = {}

    async def start(self) -> None:
        """Fork the zygote and the workers. Call once, before serving, from the main thread."""
        server_end, zygote_end = socket.socketpair()
        gc.freeze()  # keep the collector from touching (and so copying) the shared pages
        pid = os.fork()
        if pid == 0:
            try:
                server_end.close()
                _reset_signals()
                _die_with_parent()
                _run_zygote(zygote_end, self.store, self.allowed_services, self.max_memory_bytes)
            finally:
                os._exit(0)
        zygote_end.close()
        self._control, self._zygote_pid = server_end, pid
        for _ in range(self.size):
            self._idle.put_nowait(await self._spawn())

    def _spawn_process(self) -> tuple[int, socket.socket]:
        assert self._control is not None, "QueryPool.start() was not called"
        with self._zygote_lock:
            self._control.sendall(_SPAWN)
            message, fds, _flags, _address = socket.recv_fds(self._control, _PID.size, 1)
        return _PID.unpack(message)[0], socket.socket(fileno=fds[0])

    async def _spawn(self) -> Worker:
        pid, connection = await asyncio.to_thread(self._spawn_process)
        reader, writer = await asyncio.open_unix_connection(sock=connection)
        worker = Worker(pid, reader, writer)
        self._workers[pid] = worker
        return worker

    async def _replace(self) -> None:
        self._idle.put_nowait(await self._spawn())

    def _discard(self, worker: Worker) -> None:
        """Kill ``worker`` (busy past its deadline, or broken) and start a replacement."""
        worker.kill()
        self._workers.pop(worker.pid, None)
        self.restarts += 1
        task = asyncio.get_running_loop().create_task(self._replace())
        self._replacements.add(task)
        task.add_done_callback(self._replacements.discard)

    async def run(self, request: QueryRequest, timeout: float) -> QueryAnswer:
        """The answer to ``request``, or an error after ``timeout`` seconds (queueing included).

        Raises :class:`PoolBusyError` (too many in flight), :class:`QueryTimeoutError` (the
        worker was killed) or :class:`WorkerDiedError` (the worker ended by itself).
        """
        if self.pending >= self.max_pending:
            raise PoolBusyError(f"{self.pending} requests in flight (limit {self.max_pending})")
        self.pending += 1
        try:
            async with asyncio.timeout(timeout):
                worker = await self._idle.get()
                while worker.reader.at_eof():  # it died while idle (e.g. killed from outside)
                    self._discard(worker)
                    worker = await self._idle.get()
                healthy = False
                try:
                    answer = await worker.run(request)
                    healthy = True
                finally:
                    if healthy:
                        self._idle.put_nowait(worker)
                    else:
                        self._discard(worker)
                return answer
        except TimeoutError:
            raise QueryTimeoutError(f"the query ran longer than {timeout:g} s") from None
        except (asyncio.IncompleteReadError, ConnectionError):
            raise WorkerDiedError(
                "the query process ended without an answer (out of memory? each worker may "
                "allocate --max-memory beyond the loaded graph)"
            ) from None
        finally:
            self.pending -= 1

    async def close(self) -> None:
        """Kill every worker and the zygote."""
        for task in list(self._replacements):
            task.cancel()
        for worker in list(self._workers.values()):
            worker.kill()
        self._workers.clear()
        if self._control is not None:
            self._control.close()
            self._control = None
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._zygote_pid, signal.SIGKILL)
            await asyncio.to_thread(os.waitpid, self._zygote_pid, 0)
