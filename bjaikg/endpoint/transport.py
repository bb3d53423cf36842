"""The HTTP/1.1 protocol the server runs: uvicorn's httptools parser, fixed for upgrades.

It also sends each response's head and body in one system call (:class:`CoalescingTransport`):
uvicorn writes them separately, which costs a second send and a second wake-up of the client.

Java's built-in HTTP client (used by Apache Jena 4.5+ and others) sends every ``http://``
request with ``Connection: Upgrade, HTTP2-Settings`` and ``Upgrade: h2c``. The llhttp parser
behind httptools stops at such a request's headers and reports the body as "upgraded" data, so
uvicorn's httptools protocol hands the application a POST with an empty body (Jena's
``rsparql --post`` then gets "the query is empty"). This server never switches protocols, so
:class:`UpgradeIgnoringProtocol` serves such a request as plain HTTP/1.1: the bytes after the
headers become the body (``Content-Length`` of them), and the connection closes after the
answer because the parser cannot continue on it.

Without httptools installed the server falls back to uvicorn's pure-Python h11 protocol, which
handles upgrades correctly but answers about a third fewer requests per second.

Hazards: an ``Upgrade`` request whose body is chunked (no ``Content-Length``) arrives empty
(Java's client sends byte bodies with ``Content-Length``). This subclasses uvicorn internals
(``parser``, ``cycle``, ``headers``); the Jena POST test and
``test_upgrade_request_keeps_its_body`` fail if a uvicorn release changes them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

import httptools
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

INVALID_REQUEST = "Invalid HTTP request received."


class CoalescingTransport(asyncio.Transport):
    """A transport that sends a response's head and body in one system call.

    uvicorn writes the status line and headers, then the body, as two writes; with
    ``TCP_NODELAY`` (which uvloop and asyncio set) that is two sends, two TCP segments and
    two wake-ups of the client for every response. Here a write is held until the next one
    (sent together with it, without copying, as one ``writev``) or until the event loop's
    next iteration, whichever comes first, so a response written in one step of its task (a
    Starlette ``Response``) leaves in one send. Everything else goes to the wrapped
    transport; :meth:`close` and :meth:`abort` send or drop what is held first.

    Hazard: a write is delayed by at most one loop iteration (microseconds when idle).
    """

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__()
        self._transport = transport
        self._loop = loop
        self._held: bytes | None = None

    def write(self, data: bytes | bytearray | memoryview) -> None:
        """Hold ``data`` for the next write or loop iteration, or send it with what is held."""
        if self._held is None:
            self._held = bytes(data)
            self._loop.call_soon(self._flush)
        else:
            self._transport.writelines((self._held, data))
            self._held = None

    def writelines(self, list_of_data: Iterable[bytes | bytearray | memoryview]) -> None:
        """Send what is held and ``list_of_data`` together."""
        held, self._held = self._held, None
        self._transport.writelines(list_of_data if held is None else (held, *list_of_data))

    def _flush(self) -> None:
        if self._held is not None:
            held, self._held = self._held, None
            self._transport.write(held)

    def close(self) -> None:
        """Send what is held, then close."""
        self._flush()
        self._transport.close()

    def abort(self) -> None:
        """Drop what is held and close at once."""
        self._held = None
        self._transport.abort()

    def is_closing(self) -> bool:
        """Whether the wrapped transport is closing."""
        return self._transport.is_closing()

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        """The wrapped transport's information (peer name, socket …)."""
        return self._transport.get_extra_info(name, default)

    def pause_reading(self) -> None:
        """Stop reading the client (uvicorn's flow control)."""
        self._transport.pause_reading()

    def resume_reading(self) -> None:
        """Read the client again."""
        self._transport.resume_reading()

    def is_reading(self) -> bool:
        """Whether the wrapped transport reads."""
        return self._transport.is_reading()

    def get_write_buffer_size(self) -> int:
        """Bytes waiting to be sent, held ones included."""
        held = 0 if self._held is None else len(self._held)
        return held + self._transport.get_write_buffer_size()

    def set_write_buffer_limits(self, high: int | None = None, low: int | None = None) -> None:
        """Flow-control limits of the wrapped transport."""
        self._transport.set_write_buffer_limits(high, low)

    def set_protocol(self, protocol: asyncio.BaseProtocol) -> None:
        """Hand the wrapped transport to another protocol."""
        self._transport.set_protocol(protocol)

    def get_protocol(self) -> asyncio.BaseProtocol:
        """The wrapped transport's protocol."""
        return self._transport.get_protocol()


class UpgradeIgnoringProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, serving ``Upgrade`` requests as HTTP/1.1 with their body.

    It also sends each response's head and body in one system call (:class:`CoalescingTransport`).
    """

    _upgrade_body_left = 0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Set up the connection with a :class:`CoalescingTransport` for the responses."""
        super().connection_made(transport)  # type: ignore[arg-type]
        self.transport = CoalescingTransport(self.transport, self.loop)

    def data_received(self, data: bytes) -> None:
        """Feed the parser; after an ignored upgrade, feed the body to the request directly."""
        if self._upgrade_body_left > 0:
            self._receive_body(data)
            return
        self._unset_keepalive_if_required()
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade as upgrade:
            self._serve_without_upgrade(data[upgrade.args[0] :])
        except httptools.HttpParserError:
            self.logger.warning(INVALID_REQUEST)
            self.send_400_response(INVALID_REQUEST)

    def _serve_without_upgrade(self, rest: bytes) -> None:
        length = next(
            (int(value) for name, value in self.headers
             if name == b"content-length" and value.strip().isdigit()),
            0,
        )  # fmt: skip
        self.cycle.keep_alive = False
        self._upgrade_body_left = length
        if length:
            self.cycle.more_body = True
            self._receive_body(rest)

    def _receive_body(self, data: bytes) -> None:
        chunk = data[: self._upgrade_body_left]
        self._upgrade_body_left -= len(chunk)
        self.cycle.body += chunk
        if self._upgrade_body_left == 0:
            self.cycle.more_body = False
        self.cycle.message_event.set()
