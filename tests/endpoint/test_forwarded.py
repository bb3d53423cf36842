"""Forwarded headers and the root path on a request (:mod:`bjaikg.endpoint.proxy`), in-process."""

from __future__ import annotations

import pytest

from bjaikg.endpoint.cli import build_parser
from bjaikg.endpoint.connection import HttpRequest, RequestRefusedError
from bjaikg.endpoint.protocol import service_url
from bjaikg.endpoint.proxy import Proxy


def request(path: bytes, peer: str, *headers: tuple[bytes, bytes]) -> HttpRequest:
    return HttpRequest("GET", path, b"", [(b"host", b"127.0.0.1:8001"), *headers], client=(peer, 5))


FORWARDED_X = (
    (b"x-forwarded-proto", b"https"),
    (b"x-forwarded-host", b"example.org"),
    (b"x-forwarded-for", b"203.0.113.5"),
)


def test_trusted_proxy_gives_scheme_host_and_client() -> None:
    asked = request(b"/sparql", "127.0.0.1", *FORWARDED_X)
    Proxy.from_settings(("127.0.0.1",), "/bjaikg").apply(asked)
    assert service_url(asked) == "https://example.org/bjaikg/sparql"
    assert asked.client == ("203.0.113.5", 0)


def test_untrusted_peer_is_not_believed() -> None:
    asked = request(b"/sparql", "192.0.2.9", *FORWARDED_X)
    Proxy.from_settings(("127.0.0.1", "10.0.0.0/8"), "").apply(asked)
    assert service_url(asked) == "http://127.0.0.1:8001/sparql"
    assert asked.client == ("192.0.2.9", 5)


def test_no_proxy_trusted_by_default() -> None:
    asked = request(b"/sparql", "127.0.0.1", *FORWARDED_X)
    Proxy.from_settings((), "").apply(asked)
    assert service_url(asked) == "http://127.0.0.1:8001/sparql"


def test_rfc7239_forwarded_nearest_element_and_first_untrusted_client() -> None:
    header = b'for=198.51.100.7;proto=http, for="[2001:db8::1]:4711";proto=https;host=example.org'
    asked = request(b"/id/x", "10.1.2.3", (b"forwarded", header))
    proxy = Proxy.from_settings(("10.0.0.0/8, 2001:db8::/32",), "/bjaikg")
    proxy.apply(asked)
    assert service_url(asked) == "https://example.org/bjaikg/id/x"
    assert asked.client == ("198.51.100.7", 0), "the trusted 2001:db8::1 is skipped"


def test_ipv4_mapped_peer_matches_its_ipv4_address() -> None:
    proxy = Proxy.from_settings(("127.0.0.1",), "")
    assert proxy.trusts("::ffff:127.0.0.1")
    assert not proxy.trusts("::1") and not proxy.trusts("not an address")


def test_star_trusts_any_peer() -> None:
    asked = request(b"/sparql", "192.0.2.9", (b"x-forwarded-proto", b"https"))
    Proxy.from_settings(("*",), "").apply(asked)
    assert service_url(asked) == "https://127.0.0.1:8001/sparql"


def test_root_path_is_taken_off_when_present_and_kept_in_urls() -> None:
    proxy = Proxy.from_settings((), "/bjaikg/")
    for path, route in ((b"/bjaikg/sparql", b"/sparql"), (b"/sparql", b"/sparql"),
                        (b"/bjaikg", b"/"), (b"/bjaikgx", b"/bjaikgx")):  # fmt: skip
        asked = request(path, "127.0.0.1")
        proxy.apply(asked)
        assert asked.path == route
        assert service_url(asked) == f"http://127.0.0.1:8001/bjaikg{route.decode()}"


def test_root_path_must_start_with_a_slash(capsys: pytest.CaptureFixture[str]) -> None:
    assert build_parser().parse_args(["--root-path", "/bjaikg/"]).root_path == "/bjaikg"
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--root-path", "bjaikg"])
    assert "--root-path: must start with /, not bjaikg" in capsys.readouterr().err


@pytest.mark.parametrize(
    "host", [b"example.org", b"127.0.0.1:8001", b"[::1]:8000", b"bj-aikg.example_1.org", b""]
)
def test_a_host_name_or_address_is_accepted(host: bytes) -> None:
    asked = HttpRequest("GET", b"/sparql", b"", [(b"host", host)], client=("192.0.2.9", 5))
    Proxy.from_settings((), "").apply(asked)
    assert service_url(asked).endswith("/sparql")


@pytest.mark.parametrize(
    "host",
    [b"<script>", b"a b", b"example.org:80:80", b"exa%6dple.org", b"me@example.org", b"[::1"],
)
def test_a_host_that_would_make_invalid_urls_is_refused(host: bytes) -> None:
    asked = HttpRequest("GET", b"/sparql", b"", [(b"host", host)], client=("192.0.2.9", 5))
    with pytest.raises(RequestRefusedError) as refused:
        Proxy.from_settings((), "").apply(asked)
    assert refused.value.status == 400 and "is not a host name" in str(refused.value)


def test_a_forwarded_host_is_checked_too() -> None:
    asked = request(b"/sparql", "127.0.0.1", (b"x-forwarded-host", b"example.org/evil"))
    with pytest.raises(RequestRefusedError):
        Proxy.from_settings(("127.0.0.1",), "").apply(asked)


def test_a_forwarded_client_is_written_only_as_rfc_7239_allows() -> None:
    """An IP address, ``unknown`` or an obfuscated ``_identifier`` (RFC 7239 §6), port dropped;
    anything else leaves the peer's address (it was written as the client, ``<script>`` and
    all). The nearest node is the one looked at: a farther, valid one is not reached."""
    proxy = Proxy.from_settings(("127.0.0.1",), "")
    for header, client in (
        ((b"forwarded", b'for="[2001:db8::1]:4711"'), "2001:db8::1"),
        ((b"x-forwarded-for", b"192.0.2.1:80"), "192.0.2.1"),
        ((b"x-forwarded-for", b"2001:db8::2"), "2001:db8::2"),
        ((b"forwarded", b"for=unknown"), "unknown"),
        ((b"forwarded", b'for="_hidden:_port"'), "_hidden"),
        ((b"forwarded", b'for="evil\\nline"'), "127.0.0.1"),
        ((b"x-forwarded-for", b"<script>"), "127.0.0.1"),
        ((b"x-forwarded-for", b"fe80::1%<script>"), "127.0.0.1"),
        ((b"x-forwarded-for", b"203.0.113.5, bad value"), "127.0.0.1"),
        ((b"forwarded", b"for=_"), "127.0.0.1"),
    ):
        asked = request(b"/sparql", "127.0.0.1", header)
        proxy.apply(asked)
        assert asked.client[0] == client, header
