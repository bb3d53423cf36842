"""The HTTP/1.1 protocol the server runs: uvicorn's fast httptools parser, fixed for upgrades.

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

import httptools
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

INVALID_REQUEST = "Invalid HTTP request received."


class UpgradeIgnoringProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, serving ``Upgrade`` requests as HTTP/1.1 with their body."""

    _upgrade_body_left = 0

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
