"""HTTP/1.1 on a client connection: reading requests (httptools), writing responses.

:class:`RequestReader` parses keep-alive, pipelined and chunked requests and
``Expect: 100-continue``, and bounds the body (413) and the header block (431) while reading.
:func:`send_response` writes a response built by the worker (``/sparql``);
:func:`call_application` runs the Starlette application for one request on the worker's loop.

Java's HTTP client (Apache Jena 4.5+) sends ``Upgrade: h2c`` on every request; llhttp then stops
at the headers. This server never switches protocols: such a request is served as HTTP/1.1
with the ``Content-Length`` bytes after its headers as body, and the connection closes after the
answer (the parser cannot continue on it).

Hazard: an ``Upgrade`` request with a chunked body arrives empty.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import re
import time
from collections import deque
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any, Protocol
from urllib.parse import unquote

import httptools

MAX_HEADER_BYTES = 65_536
"""Largest request line plus header block accepted (larger: 431)."""
READ_SIZE = 65_536
LOG = logging.getLogger("bjaikg.endpoint")
_METHOD = re.compile(rb"[\r\n]*([!#$%&'*+.^_`|~0-9A-Za-z-]{1,64})( |\Z)")
"""A request's method (RFC 9110's token) and the space after it, or the end of the bytes read
(the rest of the method still to come), at the start of the request or of a read."""

RECORD = "bjaikg.record"
"""The key of the request's :class:`AccessRecord` in the ASGI scope (absent in-process)."""
CORS_EXPOSED = ("X-SPARQL-Truncated", "X-SPARQL-Max-Results", "Retry-After")
CROSS_ORIGIN = [
    ("Access-Control-Allow-Origin", "*"),
    ("Access-Control-Expose-Headers", ", ".join(CORS_EXPOSED)),
]
"""The CORS headers of every ``/sparql`` answer and of every refusal written here (a deadline,
a full server, an oversized request): sent whether or not the request has ``Origin``, so an
answer an HTTP cache keeps serves browsers too (no ``Vary: Origin``), and a browser can read
why it was refused (``Retry-After`` included)."""


class Write(Protocol):
    """Where a connection's outgoing bytes go, in parts sent as one (the worker keeps what the
    socket cannot take as views of the parts: an answer kept in the cache is not copied)."""

    def __call__(self, *parts: bytes) -> None: ...


Application = Callable[
    [MutableMapping[str, Any], Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]],
    Awaitable[None],
]


@dataclass(slots=True)
class HttpRequest:
    """One request as read from the wire: names of headers in lower case, body complete.

    ``scheme``, ``root_path``, the ``host`` header and ``client`` are as the client asked,
    once :meth:`bjaikg.endpoint.proxy.Proxy.apply` has read what a trusted proxy says.
    """

    method: str
    path: bytes
    query_string: bytes
    headers: list[tuple[bytes, bytes]]
    body: bytes = b""
    client: tuple[str, int] = ("-", 0)
    http_version: str = "1.1"
    keep_alive: bool = True
    scheme: str = "http"
    root_path: str = ""

    _fields: dict[bytes, bytes] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def fields(self) -> dict[bytes, bytes]:
        """The headers by lower-case name; repeated ones joined by ``,`` (made once)."""
        if self._fields is None:
            fields = dict(self.headers)
            if len(fields) < len(self.headers):  # a name is repeated: join its values
                fields = {}
                for name, value in self.headers:
                    fields[name] = fields[name] + b"," + value if name in fields else value
            self._fields = fields
        return self._fields

    def forget_fields(self) -> None:
        """Read :attr:`headers` again at the next look (after they were changed)."""
        self._fields = None

    def header(self, name: bytes) -> str | None:
        """The value of header ``name`` (lower case), or ``None``."""
        value = self.fields.get(name)
        return None if value is None else value.decode("latin-1")


@dataclass(slots=True)
class AccessRecord:
    """What the counters and the access-log line will say of a request once it is answered.

    ``started`` is :func:`time.perf_counter` when the request began; ``query`` the SPARQL
    query it evaluated, if any. A worker running the application puts one in the ASGI scope
    under :data:`RECORD` (``route`` ``other``, ``detail`` empty: the bytes sent are logged);
    a route that knows more fills it in (:func:`~bjaikg.endpoint.protocol.note`).
    """

    route: str
    started: float
    detail: str
    query: str | None = None


@dataclass(slots=True)
class HttpResponse:
    """A response to write: status, headers (``Content-Length`` is added) and the body.

    ``record``, when set, is counted and logged by
    :meth:`~bjaikg.endpoint.state.EndpointState.account` after the response is sent.
    """

    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    record: AccessRecord | None = None


def body_too_large(limit: int, declared: int | None = None) -> str:
    """The 413 message for a body over ``limit`` bytes (``declared``: its Content-Length)."""
    if declared is None:
        return f"request body is over the limit of {limit} bytes"
    return f"request body of {declared} bytes is over the limit of {limit}"


def not_implemented(method: str | None) -> str:
    """The 501 message for ``method``, one the server does not know (RFC 9110 §15.6.2);
    ``None`` when its name was not read whole."""
    return f"{method or 'the request’s method'} is not a method this server implements"


class RequestRefusedError(Exception):
    """A request that cannot be read to its end; answer ``status`` and close the connection."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _target_host(
    headers: list[tuple[bytes, bytes]], target: Any, version: str
) -> list[tuple[bytes, bytes]]:
    """``headers`` with the authority of an absolute-form ``target`` (httptools' parse, without
    its userinfo) as the value of each ``Host``. RFC 9112 §3.2.2: "When an origin server
    receives a request with an absolute-form of request-target, the origin server MUST ignore
    the received Host header field (if any) and instead use the host information of the
    request-target" (https://www.rfc-editor.org/rfc/rfc9112#section-3.2.2). Each ``Host`` is
    replaced, not removed, and none is added to an HTTP/1.1 request without one: two, or none,
    are still refused (§3.2), as every ``Host`` is checked
    (:meth:`~bjaikg.endpoint.proxy.Proxy.apply`)."""
    host = b"[" + target.host + b"]" if b":" in target.host else target.host
    authority = host if target.port is None else b"%s:%d" % (host, target.port)
    if version != "1.1" and all(name != b"host" for name, _ in headers):
        return [*headers, (b"host", authority)]
    return [(name, authority if name == b"host" else value) for name, value in headers]


class RequestReader:
    """The requests arriving on one connection, parsed as bytes are fed (httptools callbacks).

    Complete requests collect in :attr:`ready`, in order; :attr:`began` is the
    :func:`time.monotonic` time of the read that brought the first byte of the request being
    received (see :attr:`receiving`). :meth:`feed` raises
    :class:`RequestRefusedError` for a malformed request (400), a method llhttp does not know
    (501), a header block over :data:`MAX_HEADER_BYTES` (431) or a body over ``max_body``
    bytes (413).

    Hazard: a request with a method llhttp does not know gets 400, not 501, when it comes in
    one read after a complete request (pipelined): where it starts in the read is not known.
    A method that arrives over several reads gets 501 without its name.
    """

    def __init__(self, write: Write, client: tuple[str, int], max_body: int) -> None:
        self.write = write
        self.client = client
        self.max_body = max_body
        self.parser = httptools.HttpRequestParser(self)
        self.ready: deque[HttpRequest] = deque()
        self.started = False
        self.began = 0.0
        self._url = b""
        self._headers: list[tuple[bytes, bytes]] = []
        self._header_bytes = 0
        self._body = bytearray()
        self._upgraded: HttpRequest | None = None
        self._upgrade_left = 0

    @property
    def idle(self) -> bool:
        """Whether nothing of a request is held: neither part of one nor a complete one."""
        return not self.ready and not self.receiving

    @property
    def receiving(self) -> bool:
        """Whether part of a request has been read, and not the rest."""
        return self.started or self._upgraded is not None

    def feed(self, data: bytes) -> None:
        """Parse ``data``; complete requests are appended to :attr:`ready`."""
        if self._upgraded is not None:
            self._take_upgrade_body(data)
            return
        at_start, complete = not self.started, len(self.ready)  # where a request begins
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade as upgrade:
            self._serve_without_upgrade(data[upgrade.args[0] :])
        except httptools.HttpParserCallbackError as error:
            if isinstance(error.__context__, RequestRefusedError):
                raise error.__context__ from None
            raise RequestRefusedError(400, f"invalid HTTP request: {error}") from None
        except httptools.HttpParserError as error:
            method = _METHOD.match(data) if len(self.ready) == complete else None
            # llhttp's "Invalid method encountered", or "… for HTTP/x.x request" (RTSP's DESCRIBE)
            if method is not None and str(error).startswith("Invalid method"):
                whole = at_start and method[2]  # the name from its first byte to its space
                named = method[1].decode() if whole else None
                raise RequestRefusedError(501, not_implemented(named)) from None
            raise RequestRefusedError(400, f"invalid HTTP request: {error}") from None

    # httptools callbacks
    def on_message_begin(self) -> None:
        """A request starts."""
        self.started, self.began = True, time.monotonic()
        self._url, self._headers, self._header_bytes = b"", [], 0
        self._body = bytearray()

    def on_url(self, url: bytes) -> None:
        """A piece of the request target."""
        self._url += url
        self._count_header_bytes(len(url))

    def on_header(self, name: bytes, value: bytes) -> None:
        """One header line."""
        self._headers.append((name.lower(), value))
        self._count_header_bytes(len(name) + len(value) + 4)  # ": " and CRLF: empty lines count

    def on_headers_complete(self) -> None:
        """Refuse a declared body over the bound; say ``100 Continue`` when the client waits,
        unless a request before it is still unanswered: the 100 would arrive before that answer
        (RFC 9110 §10.1.1 lets a server leave it out; the client sends its body after a wait)."""
        fields = dict(self._headers)
        declared = fields.get(b"content-length", b"")
        if declared.strip().isdigit() and int(declared) > self.max_body:
            raise RequestRefusedError(413, body_too_large(self.max_body, int(declared)))
        if not self.ready and fields.get(b"expect", b"").lower() == b"100-continue":
            self.write(b"HTTP/1.1 100 Continue\r\n\r\n")

    def on_body(self, body: bytes) -> None:
        """A piece of the body."""
        self._body += body
        if len(self._body) > self.max_body:
            raise RequestRefusedError(413, body_too_large(self.max_body))

    def on_message_complete(self) -> None:
        """The request is complete. An absolute-form target (``GET http://host/path``, which
        HTTP/1.1 servers must accept) is served by its path and query, and its authority is
        the request's ``Host`` (:func:`_target_host`)."""
        headers, version = self._headers, self.parser.get_http_version()
        if self._url.startswith((b"http://", b"https://")):
            target = httptools.parse_url(self._url)
            path, query_string = target.path or b"/", target.query or b""
            headers = _target_host(headers, target, version)
        else:
            path, _, query_string = self._url.partition(b"?")
        self.ready.append(
            HttpRequest(
                method=self.parser.get_method().decode("ascii"),
                path=path,
                query_string=query_string.partition(b"#")[0],
                headers=headers,
                body=bytes(self._body),
                client=self.client,
                http_version=version,
                keep_alive=self.parser.should_keep_alive(),
            )
        )
        self.started = False

    def _count_header_bytes(self, size: int) -> None:
        self._header_bytes += size
        if self._header_bytes > MAX_HEADER_BYTES:
            raise RequestRefusedError(
                431, f"request line and headers are over the limit of {MAX_HEADER_BYTES} bytes"
            )

    def _serve_without_upgrade(self, rest: bytes) -> None:
        request = self.ready.pop()  # llhttp completed it without its body
        request.keep_alive = False
        declared = request.header(b"content-length") or "0"
        self._upgraded = request
        self._upgrade_left = int(declared) if declared.strip().isdigit() else 0
        if self._upgrade_left > self.max_body:
            raise RequestRefusedError(413, body_too_large(self.max_body, self._upgrade_left))
        self._take_upgrade_body(rest)

    def _take_upgrade_body(self, data: bytes) -> None:
        assert self._upgraded is not None
        chunk = data[: self._upgrade_left]
        self._upgraded.body += chunk
        self._upgrade_left -= len(chunk)
        if self._upgrade_left == 0:
            self.ready.append(self._upgraded)
            self._upgraded = None
            self.parser = httptools.HttpRequestParser(self)  # nothing more is read: it closes


_date_cache: tuple[int, bytes] = (0, b"")
_REASONS = {status.value: status.phrase for status in HTTPStatus}


def _date_header() -> bytes:
    """``Date: …`` for now, formatted once per second."""
    global _date_cache
    now = int(time.time())
    if _date_cache[0] != now:
        _date_cache = (now, f"date: {email.utils.formatdate(now, usegmt=True)}\r\n".encode())
    return _date_cache[1]


NOSNIFF = b"x-content-type-options: nosniff\r\n"


def response_head(status: int, fields: bytes, keep_alive: bool, http_version: str = "1.1") -> bytes:
    """The status line and header block: ``Date``, ``fields`` (``name: value\\r\\n`` lines),
    ``X-Content-Type-Options: nosniff`` (an error's text echoes the client's: a browser must not
    take it for a script or a page) and, to close, ``Connection: close``."""
    if not keep_alive:
        connection = b"connection: close\r\n"
    elif http_version == "1.0":
        connection = b"connection: keep-alive\r\n"
    else:
        connection = b""
    status_line = f"HTTP/{http_version} {status} {_REASONS.get(status, 'Status')}\r\n".encode()
    return b"%s%s%s%s%s\r\n" % (status_line, _date_header(), fields, NOSNIFF, connection)


def send_response(write: Write, request: HttpRequest, response: HttpResponse) -> None:
    """Write ``response`` to ``request`` in one piece (no body for ``HEAD``)."""
    body = response.body
    fields = "".join([f"{name.lower()}: {value}\r\n" for name, value in response.headers])
    if response.status not in (204, 304):  # a 304's would be its answer's; a 204 has none
        fields += f"content-length: {len(body)}\r\n"
    head = response_head(
        response.status, fields.encode("latin-1"), request.keep_alive, request.http_version
    )
    if request.method == "HEAD":
        write(head)
    else:
        write(head, body)


def refuse(
    write: Write,
    refusal: RequestRefusedError,
    headers: Mapping[str, str] | None = None,
) -> None:
    """Answer with ``refusal``'s status and message (and ``headers``, and the CORS headers);
    the connection closes."""
    request = HttpRequest("GET", b"", b"", [], keep_alive=False)
    body = f"{refusal}\n".encode()
    fields = [("Content-Type", "text/plain; charset=utf-8"), *(headers or {}).items()]
    fields += CROSS_ORIGIN
    send_response(write, request, HttpResponse(refusal.status, fields, body))


def answer_failure(write: Write, request: HttpRequest, error: Exception) -> None:
    """Log the traceback of a bug met while answering ``request``; answer 500, then close."""
    LOG.error("answering %s %s failed", request.method, request.path, exc_info=error)
    refuse(write, RequestRefusedError(500, f"internal error: {type(error).__name__}"))


def _scope(request: HttpRequest, server: tuple[str, int], record: AccessRecord) -> dict[str, Any]:
    return {
        RECORD: record,
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": request.http_version,
        "method": request.method,
        "scheme": request.scheme,
        "path": request.root_path
        + unquote(request.path.decode("latin-1"), encoding="utf-8", errors="replace"),
        "raw_path": request.root_path.encode() + request.path,
        "query_string": request.query_string,
        "root_path": request.root_path,
        "headers": list(request.fields.items()),  # a repeated name once, its values joined
        "client": request.client,
        "server": server,
    }


class _ResponseWriter:
    """The ASGI ``send`` of one request: buffers the head, then writes (chunked if streamed,
    calling ``drain`` after each part of a streamed body)."""

    def __init__(self, write: Write, request: HttpRequest, drain: Callable[[], None]) -> None:
        self.write = write
        self.drain = drain
        self.request = request
        self.status = 500
        self.headers: list[tuple[bytes, bytes]] = []
        self.head_sent = False
        self.chunked = False
        self.keep_alive = request.keep_alive
        self.sent = 0

    async def __call__(self, message: Any) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.headers = [(bytes(name).lower(), bytes(value))
                            for name, value in message.get("headers", [])]  # fmt: skip
            return
        if message["type"] != "http.response.body":
            return
        body: bytes = message.get("body", b"")
        more = message.get("more_body", False)
        if self.request.method == "HEAD":
            body = b""
        self.sent += len(body)
        if not self.head_sent:
            self.head_sent = True
            names = {name for name, _ in self.headers}
            if b"content-length" not in names:
                if more and self.request.http_version == "1.1":
                    self.chunked = True
                    self.headers.append((b"transfer-encoding", b"chunked"))
                elif more:
                    self.keep_alive = False  # HTTP/1.0: the end of the body is the close
                elif self.request.method != "HEAD" and self.status not in (204, 304):
                    self.headers.append((b"content-length", str(len(body)).encode()))
            fields = b"".join([name + b": " + value + b"\r\n" for name, value in self.headers])
            head = response_head(self.status, fields, self.keep_alive, self.request.http_version)
            self.write(head, self._frame(body, more))
        else:
            self.write(self._frame(body, more))
        if more:
            self.drain()

    def _frame(self, body: bytes, more: bool) -> bytes:
        if not self.chunked:
            return body
        chunk = f"{len(body):x}\r\n".encode() + body + b"\r\n" if body else b""
        return chunk if more else chunk + b"0\r\n\r\n"


def call_application(
    application: Application,
    loop: asyncio.AbstractEventLoop,
    write: Write,
    drain: Callable[[], None],
    request: HttpRequest,
    server: tuple[str, int],
    record: AccessRecord,
) -> tuple[bool, int]:
    """Run ``application`` for ``request`` on ``loop`` and write its response; ``drain`` is
    called after each part of a streamed body (it may wait for the client, or raise
    :class:`OSError` to end the answer).

    Returns whether the connection may carry another request, and the status sent. An
    application that fails before it starts its response gets a 500 written for it.
    ``record`` is in the scope for the routes to fill in; its ``detail`` is the bytes sent
    unless a route set it.
    """
    delivered = False
    never: asyncio.Future[None] = loop.create_future()

    async def receive() -> dict[str, Any]:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": request.body, "more_body": False}
        await never  # the client does not disconnect while we answer (blocking model)
        return {"type": "http.disconnect"}

    writer = _ResponseWriter(write, request, drain)
    try:
        loop.run_until_complete(application(_scope(request, server, record), receive, writer))
    except Exception as error:  # the application's bug must not end the worker
        if not writer.head_sent:
            answer_failure(write, request, error)
            return False, 500
        record.detail = f"cut after bytes={writer.sent}: {error}"  # e.g. not taken in time
        return False, writer.status
    finally:
        never.cancel()
        record.detail = record.detail or f"bytes={writer.sent}"
    return writer.keep_alive, writer.status
