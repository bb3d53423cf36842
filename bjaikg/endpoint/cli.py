"""``python serve.py`` — load the graph, check it, and serve it over SPARQL (or answer once).

Prints ``bjaikg: serving on http://HOST:PORT`` to stdout once it accepts connections (with
``--port 0`` the port the system picked); everything else (access log, errors) goes to stderr.
A graph that does not load is refused with ``file:line:column: message`` and exit code 2 (with
``--store URL``: a store that does not answer, or whose counts fail, with one line and exit 2);
``--get PATH`` answers one request in-process, prints the body and exits 0 on 200, else 1.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import math
import socket
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import pyoxigraph as ox
from starlette.applications import Starlette
from starlette.routing import BaseRoute

from bjaikg import summary
from bjaikg.endpoint.access_log import AccessLog
from bjaikg.endpoint.application import create_application
from bjaikg.endpoint.connection import HttpRequest
from bjaikg.endpoint.protocol import answer_sparql
from bjaikg.endpoint.proxy import Proxy
from bjaikg.endpoint.settings import Settings
from bjaikg.endpoint.state import EndpointState
from bjaikg.endpoint.supervisor import Loader, Supervisor, WorkersFailToStartError
from bjaikg.errors import BjaikgError
from bjaikg.linking.targets import PUBLIC_WIKIDATA_ENDPOINTS
from bjaikg.remote_store import connect
from bjaikg.store import KnowledgeGraph, load_knowledge_graph

if TYPE_CHECKING:
    import httpx


def _positive(kind: type[int] | type[float], zero: bool) -> Callable[[str], int | float]:
    """An argparse type: ``kind`` of ``text``, refused unless more than 0 (or 0, if ``zero``)."""

    def parse(text: str) -> int | float:
        value = kind(text)
        if not math.isfinite(value) or value < 0 or (value == 0 and not zero):
            bound = "a finite number " + ("at least 0" if zero else "more than 0")
            raise argparse.ArgumentTypeError(f"must be {bound}, not {text}")
        return value

    parse.__name__ = kind.__name__
    return parse


LIMITS: tuple[tuple[str, type[int] | type[float], str, str], ...] = (
    ("--timeout", float, "S", "hard deadline per query in seconds; clients may ask for less"),
    ("--max-results", int, "N", "rows or triples per answer before it is cut"),
    ("--workers", int, "N", "worker processes (one per CPU, at least 2)"),
    ("--max-pending", int, "N", "requests in flight or queued before 503 + Retry-After"),
    ("--max-connections", int, "N", "open connections before 503 + Retry-After"),
    ("--request-timeout", float, "S", "time for a request's head and body from its first byte"),
    ("--keep-alive", float, "S", "time a kept-alive connection may stay idle after an answer"),
    ("--send-timeout", float, "S", "time an answer may make no progress before it is dropped"),
    ("--max-request-bytes", int, "N", "largest POST body accepted (larger: 413)"),
    ("--max-memory", int, "MB", "memory a worker may allocate beyond the graph"),
    ("--service-timeout", float, "S", "deadline of a query that calls SERVICE (≤ --timeout)"),
    ("--cache-size", int, "BYTES", "answers a worker keeps to answer again (0: none)"),
    ("--cache-max-age", int, "S", "max-age of GET answers in Cache-Control (0 allowed)"),
    ("--graceful-timeout", float, "S", "time requests in flight have to finish after SIGTERM"),
)
"""The numeric options: flag (the :class:`Settings` field of that name), type, metavar, help."""


STARTUP_SECONDS = 3600.0
"""How long each start-up query to a ``--store`` may take (the label index and the triples per
named graph read the whole graph: minutes for 1e7 triples), instead of ``--timeout``."""


def _field(flag: str) -> str:
    return flag.removeprefix("--").replace("-", "_")


def build_parser() -> argparse.ArgumentParser:
    """The command line of ``serve.py``."""
    parser = argparse.ArgumentParser(prog="serve.py", description=summary(__doc__))
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=_port, default=8000, help="port; 0 picks a free one")
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--data", type=Path, action="append", metavar="DIR",
        help="Turtle file or folder to serve (repeatable; default: ontology/ and instances/)",
    )  # fmt: skip
    source.add_argument(
        "--store", metavar="URL",
        help="serve an external SPARQL query endpoint holding the graph (loaded by "
        "'python -m bjaikg load --into URL') instead of loading files",
    )  # fmt: skip
    defaults = Settings()
    for flag, kind, metavar, description in LIMITS:
        default = getattr(defaults, _field(flag))
        parser.add_argument(
            flag, type=_positive(kind, zero=flag.startswith("--cache")), default=default,
            metavar=metavar,
            help=f"{description} (default {default})",
        )  # fmt: skip
    parser.add_argument(
        "--allow-service", type=_iri, action="append", default=[], metavar="URL",
        help="an endpoint SERVICE may call (repeatable; default: none)",
    )  # fmt: skip
    parser.add_argument(
        "--allow-public-wikidata", action="store_true",
        help="also allow SERVICE to the Wikidata query service and QLever's Wikidata endpoint",
    )  # fmt: skip
    parser.add_argument(
        "--base", type=_iri, metavar="IRI",
        help="base IRI of queries (default: the service's own URL, http://HOST/sparql or as a "
        "trusted proxy says)",
    )  # fmt: skip
    parser.add_argument(
        "--forwarded-allow-ips", type=_proxies, action="append", default=[],
        metavar="ADDRESSES",
        help="proxies whose Forwarded and X-Forwarded-* headers are believed: addresses or "
        "networks, comma-separated, or * (repeatable; default: none)",
    )  # fmt: skip
    parser.add_argument(
        "--root-path", type=_root_path, default="", metavar="/PREFIX",
        help="path prefix under which a proxy publishes the server (e.g. /bjaikg); requests "
        "may arrive with or without it",
    )  # fmt: skip
    parser.add_argument("--get", metavar="PATH", help="answer one request in-process and exit")
    return parser


def _port(text: str) -> int:
    """An argparse type: a TCP port, 0 to 65535."""
    if not text.isdigit() or not 0 <= (port := int(text)) <= 65_535:
        raise argparse.ArgumentTypeError(f"must be a port from 0 to 65535, not {text}")
    return port


def _iri(text: str) -> str:
    """An argparse type: an absolute IRI (a base IRI or a ``SERVICE`` endpoint that is not one
    would fail every query that uses it, or match none)."""
    try:
        ox.NamedNode(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text!r} is not an absolute IRI: {error}") from None
    return text


def _proxies(text: str) -> str:
    """An argparse type: ``--forwarded-allow-ips`` as :class:`Proxy` reads it (each worker reads
    it again when it starts: a value it could not read would end every worker)."""
    try:
        Proxy.from_settings((text,), "")
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return text


def _root_path(text: str) -> str:
    """An argparse type: ``/prefix`` without a trailing slash (``""`` for none)."""
    if text and not text.startswith("/"):
        raise argparse.ArgumentTypeError(f"must start with /, not {text}")
    return text.rstrip("/")


def settings_from(arguments: argparse.Namespace) -> Settings:
    """The :class:`Settings` a parsed command line asks for."""
    return Settings(
        host=arguments.host,
        port=arguments.port,
        data=tuple(path.resolve() for path in arguments.data or ()),
        store=arguments.store,
        **{_field(flag): getattr(arguments, _field(flag)) for flag, *_ in LIMITS},
        allow_service=tuple(arguments.allow_service)
        + (PUBLIC_WIKIDATA_ENDPOINTS if arguments.allow_public_wikidata else ()),
        base=arguments.base,
        forwarded_allow_ips=tuple(arguments.forwarded_allow_ips),
        root_path=arguments.root_path,
    )


GET_HOST = "localhost"
"""The host ``--get`` asks (the URLs its answer writes name it, not ``--host``/``--port``)."""


async def _get(application: Starlette, path: str) -> httpx.Response:
    import httpx  # only --get needs an HTTP client; serving should not import it

    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url=f"http://{GET_HOST}") as client:
            return await client.get(path)


def answer_once(application: Starlette, path: str) -> int:
    """Answer ``GET path`` in-process (``/sparql`` as a worker does, the rest by
    ``application``), print the body to stdout; 0 on 200, else 1."""
    target, _, query_string = path.partition("?")
    if target == "/sparql":
        host = [(b"host", GET_HOST.encode())]
        request = HttpRequest("GET", b"/sparql", query_string.encode(), host)
        response = answer_sparql(application.state.endpoint, request)
        status, body = response.status, response.body
    else:
        answer = asyncio.run(_get(application, path))
        status, body = answer.status_code, answer.content
    sys.stdout.buffer.write(body)
    sys.stdout.flush()
    if status != 200:
        print(f"bjaikg: GET {path} answered {status}", file=sys.stderr)
        return 1
    return 0


def serve(application: Starlette, settings: Settings, load: Loader | None = None) -> int:
    """Bind the socket, fork the workers and supervise them until interrupted; 0 on a clean stop,
    3 when the workers fail to start (:class:`~bjaikg.endpoint.supervisor.WorkersFailToStartError`).

    ``load`` loads the data again on SIGHUP.
    """
    family = socket.AF_INET6 if ":" in settings.host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((settings.host, settings.port))
    except OSError as error:
        print(f"bjaikg: error: cannot listen on {settings.host}:{settings.port}: "
              f"{error.strerror}", file=sys.stderr)  # fmt: skip
        return 2
    listener.listen(1024)
    listener.setblocking(False)  # the supervisor accepts in its event loop
    port = listener.getsockname()[1]
    host = f"[{settings.host}]" if family == socket.AF_INET6 else settings.host
    supervisor = Supervisor(application, application.state.endpoint, listener, settings, load)
    supervisor.start()
    print(f"bjaikg: serving on http://{host}:{port}", flush=True)
    try:
        supervisor.run()
    except WorkersFailToStartError as error:
        print(f"bjaikg: error: {error}", file=sys.stderr)
        return 3
    return 0


Loaded = TypeVar("Loaded")


def load_apart(load: Callable[[], Loaded]) -> Loaded:
    """``load()`` on a thread of its own (its exception raised here).

    Hazard: pyoxigraph's random generator (``RAND()``, the labels of new blank nodes) is kept per
    thread and not seeded again in a forked child, and the main thread forks every worker: a
    load there (a file's blank nodes draw from it) handed each worker, and each one forked
    later, the same sequence. The main thread must not query the store before it forks.
    """
    outcome: list[Loaded | BaseException] = []

    def run() -> None:
        try:
            outcome.append(load())
        except BaseException as error:  # handed to the main thread, which raises it
            outcome.append(error)

    thread = threading.Thread(target=run, name="load", daemon=True)  # Ctrl-C need not wait
    thread.start()
    thread.join()
    [result] = outcome
    if isinstance(result, BaseException):
        raise result
    return result


def serve_main(
    argv: list[str] | None = None,
    routes_for: Callable[[KnowledgeGraph], Sequence[BaseRoute]] = lambda graph: (),
) -> int:
    """Entry point of ``serve.py``; returns the exit code. ``routes_for`` gives the routes served
    beside the endpoint's for the loaded graph (``serve.py`` passes the interface's)."""
    arguments = build_parser().parse_args(argv)
    settings = settings_from(arguments)
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="bjaikg: %(message)s")
    access_log = None if arguments.get is not None else AccessLog(sys.stderr.fileno())

    def load() -> tuple[Starlette, EndpointState]:
        """The application on the data loaded now (at start, and again on SIGHUP): the
        ``--store``'s data as it is then, or the files of ``--data``.

        The VoID counts of files are made here, in memory, and the workers inherit them; over
        a store each worker makes them on its first request needing them (bench/STORES.md).
        """
        if settings.store is not None:
            store = connect(settings.store, seconds=STARTUP_SECONDS)
            graph = KnowledgeGraph(store=store)
            application = create_application(settings, graph, routes_for(graph))
            store.seconds = settings.timeout  # from now on, each query has the server's deadline
        else:
            graph = load_knowledge_graph(list(settings.data) or None)
            application = create_application(settings, graph, routes_for(graph))
            application.state.endpoint.count_dataset("other")
        application.state.endpoint.access_log = access_log
        return application, application.state.endpoint

    try:
        application, _ = load_apart(load)
    except BjaikgError as error:
        print(f"bjaikg: error: {error}", file=sys.stderr)
        return 2
    if arguments.get is not None:
        return answer_once(application, arguments.get)
    return serve(application, settings, load)
