"""Where a request came from and under which URL it was asked: trusted proxies and a root path.

:meth:`Proxy.apply` rewrites each request once, before any route sees it, so every URL the
server writes (service description, VoID, page links, OpenAPI server, redirects, base IRI)
comes from its ``scheme``, ``Host`` and ``root_path``. From a peer in ``--forwarded-allow-ips``
the last ``Forwarded`` element (RFC 7239), or else the last ``X-Forwarded-Proto`` /
``X-Forwarded-Host``, gives scheme and host, and the client is the nearest forwarded address
that is not a trusted proxy; from any other peer these headers are ignored. The client (the
access log's first field, the ASGI scope's) is written only when it is a node RFC 7239 §6
allows, its port dropped: an IP address (an IPv6 zone, ``%eth0``, not), ``unknown``, or an
obfuscated identifier (``_`` and letters, digits, ``.``, ``_``, ``-``); anything else (a
forged ``for="<script>"``) leaves the peer's own address. A path carrying
``--root-path`` has it removed, one without it is taken as it is (docs/endpoint.md, "Behind a
proxy").

Hazard: a ``Forwarded`` value with a quoted comma or semicolon is split there (RFC 7239 allows
it; no proxy we know sends one); the element's other parameters are then still read.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

from bjaikg.endpoint.connection import HttpRequest, RequestRefusedError

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
_HOST = re.compile(r"(?:[A-Za-z0-9._~-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?")
"""A ``Host`` the server's URLs can be made of: a name or IPv4 address, or an IPv6 address in
brackets, and an optional port (RFC 3986's host without percent-escapes and sub-delimiters)."""
_TOKEN_NODE = re.compile(r"unknown|_[a-z0-9._-]+", re.IGNORECASE)
"""RFC 7239 §6's nodes that are not addresses: ``unknown`` and an obfuscated identifier."""


@dataclass(frozen=True)
class Proxy:
    """The trusted proxies (``trust_all`` for ``*``) and the root path (``""`` or ``/prefix``)."""

    trusted: tuple[Network, ...] = ()
    trust_all: bool = False
    root_path: str = ""

    @classmethod
    def from_settings(cls, allowed: tuple[str, ...], root_path: str) -> Proxy:
        """Parse ``--forwarded-allow-ips`` items (each may hold several, comma-separated)."""
        items = [item.strip() for value in allowed for item in value.split(",") if item.strip()]
        networks = tuple(ipaddress.ip_network(item, strict=False) for item in items if item != "*")
        return cls(networks, "*" in items, root_path.rstrip("/"))

    def trusts(self, address: str) -> bool:
        """Whether the headers of a peer at ``address`` are believed."""
        return self.trust_all or _within(address, self.trusted)

    def apply(self, request: HttpRequest) -> None:
        """Set ``request``'s scheme, ``Host``, client and root path from what a trusted peer
        says, and take the root path off its path.

        Raises :class:`RequestRefusedError` (400) for an HTTP/1.1 request without ``Host``, and
        for a ``Host`` (as the peer sent it or as a trusted proxy forwarded it) that is not a
        host name, IPv4 or ``[IPv6]`` address with an optional port: every URL the server
        writes would be an invalid IRI.
        """
        request.root_path = self.root_path
        if self.root_path:
            prefix = self.root_path.encode()
            if request.path == prefix or request.path.startswith(prefix + b"/"):
                request.path = request.path[len(prefix) :] or b"/"
        if (self.trusted or self.trust_all) and self.trusts(request.client[0]):
            self._apply_forwarded(request)
        host = request.header(b"host")
        if host is None and request.http_version == "1.1":
            raise RequestRefusedError(400, "an HTTP/1.1 request must say its Host (RFC 9112 §3.2)")
        if host and _HOST.fullmatch(host) is None:
            raise RequestRefusedError(
                400,
                f"the Host {host[:100]!r} is not a host name or address with an optional port "
                "(the server's URLs are made from it)",
            )

    def _apply_forwarded(self, request: HttpRequest) -> None:
        forwarded = request.header(b"forwarded")
        if forwarded is not None:
            elements = [_parameters(element) for element in forwarded.split(",")]
            nearest = elements[-1]
            proto, host = nearest.get("proto"), nearest.get("host")
            clients = [element.get("for", "") for element in elements]
        else:
            proto = _last(request.header(b"x-forwarded-proto"))
            host = _last(request.header(b"x-forwarded-host"))
            clients = (request.header(b"x-forwarded-for") or "").split(",")
        if proto and proto.lower() in ("http", "https"):  # a scheme is any case (RFC 3986 §3.1)
            request.scheme = proto.lower()
        if host:
            request.headers = [
                *[(name, value) for name, value in request.headers if name != b"host"],
                (b"host", host.encode("latin-1")),
            ]
            request.forget_fields()
        client = self._client(clients)
        if client and _is_node(client):
            request.client = (client, 0)

    def _client(self, addresses: list[str]) -> str | None:
        """The nearest of ``addresses`` (farthest first) that is not a trusted proxy."""
        hosts = [_host(address) for address in addresses if address.strip()]
        for host in reversed(hosts):
            if not self.trusts(host):
                return host
        return hosts[0] if hosts else None


def _is_node(name: str) -> bool:
    """Whether ``name``, a forwarded node without its port, may be written as the client."""
    if _TOKEN_NODE.fullmatch(name):
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return "%" not in name  # an IPv6 zone may hold any character


def _within(address: str, networks: tuple[Network, ...]) -> bool:
    """Whether ``address`` is in one of ``networks`` (``::ffff:127.0.0.1``, a peer of a server
    listening on ``::``, counts as ``127.0.0.1``)."""
    try:
        ip = ipaddress.ip_address(address.strip("[]"))
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)
    addresses = [ip] if mapped is None else [ip, mapped]
    return any(each in network for each in addresses for network in networks)


def _parameters(element: str) -> dict[str, str]:
    """``for=…;proto=…`` as a mapping (names in lower case, quotes removed)."""
    pairs = (pair.partition("=") for pair in element.split(";"))
    return {name.strip().lower(): value.strip().strip('"') for name, _, value in pairs if value}


def _last(value: str | None) -> str | None:
    return None if value is None else value.rsplit(",", 1)[-1].strip() or None


def _host(node: str) -> str:
    """The address of a ``Forwarded: for=`` node or an ``X-Forwarded-For`` item, port removed
    (``[2001:db8::1]:80`` → ``2001:db8::1``, ``192.0.2.1:80`` → ``192.0.2.1``)."""
    node = node.strip().strip('"')
    if node.startswith("["):
        return node[1:].partition("]")[0]
    if node.count(":") == 1:
        return node.partition(":")[0]
    return node
