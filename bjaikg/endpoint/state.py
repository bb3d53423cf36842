"""What every route of the endpoint shares: settings, the loaded graph, the clock, the counters."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from bjaikg.endpoint.access_log import AccessLog
from bjaikg.endpoint.cache import AnswerCache, Key, data_fingerprint
from bjaikg.endpoint.connection import AccessRecord, HttpRequest
from bjaikg.endpoint.evaluation import QueryAnswer, QueryRequest, evaluate
from bjaikg.endpoint.metrics import Metrics
from bjaikg.endpoint.query_tokens import service_keywords
from bjaikg.endpoint.scoreboard import NoDeadline, QueryClock, Scoreboard
from bjaikg.endpoint.settings import Settings
from bjaikg.statistics import DatasetStatistics, NamedGraphStatistics, measure_dataset
from bjaikg.store import KnowledgeGraph


@dataclass
class EndpointState:
    """The endpoint's shared objects.

    In a worker process (:mod:`bjaikg.endpoint.worker`) ``clock`` is the worker's scoreboard
    slot (queries past their deadline are killed), ``metrics`` its shared counters and
    ``scoreboard`` the whole server's; in-process (tests, ``--get``) they are a
    :class:`NoDeadline` clock, private counters and ``None``. ``access_log`` is set by
    ``serve.py`` (``None``: no access log). ``cache`` keeps answers (each worker its own).
    ``named_graphs`` are counted when the application is made; ``statistics``, the VoID
    counts, by :meth:`count_dataset` when first needed (``None`` until then).
    """

    settings: Settings
    graph: KnowledgeGraph
    named_graphs: tuple[NamedGraphStatistics, ...]
    statistics: DatasetStatistics | None = None
    clock: QueryClock = field(default_factory=NoDeadline)
    metrics: Metrics = field(default_factory=Metrics.private)
    scoreboard: Scoreboard | None = None
    access_log: AccessLog | None = None
    description_cache: dict[tuple[str, str], tuple[bytes, str]] = field(default_factory=dict)
    """Service descriptions made, with their entity tags, by service URL and media type."""
    cache: AnswerCache = field(init=False)

    def __post_init__(self) -> None:
        fingerprint = data_fingerprint(self.graph, self.named_graphs)
        self.cache = AnswerCache(self.settings.cache_size, fingerprint)

    def count_dataset(self, route: str) -> DatasetStatistics:
        """The VoID counts (:func:`bjaikg.statistics.measure_dataset`), counted on the first call
        in this process and kept: by the supervisor before it forks (``serve.py --data``, whose
        workers inherit them), else by each worker on the first request needing them, on the
        clock under ``--timeout`` (counted as ``route``) like any store access.

        Hazard: counts stopped at the deadline (the worker killed, or the store's 503) or by a
        store error are not kept, whole or in part: the next request needing them counts
        again. Over a store whose counts take longer than ``--timeout`` the requests needing
        them are answered 503.
        """
        if self.statistics is None:
            with self.clock.evaluating(route, self.settings.timeout, "VoID counts"):
                self.statistics = measure_dataset(self.graph, self.named_graphs)
        return self.statistics

    def answer(
        self,
        query: str,
        *,
        accept: str | None = None,
        format_parameter: str | None = None,
        timeout: float | None = None,
        fresh: bool = False,
    ) -> QueryAnswer:
        """Evaluate ``query`` under the server's deadline and result bound.

        The Python API for other routes (e.g. the UI's named queries): the answer carries the
        status (400 for a syntax error, 406 …), content type and final bytes. ``timeout`` can
        only lower the server's ``--timeout``. Past the deadline the process is killed and the
        supervisor answers the client (this call never returns). An answer kept for the same
        request is given without evaluating, unless ``fresh``.
        """
        limit = self.settings.timeout if timeout is None else min(timeout, self.settings.timeout)
        request = QueryRequest(
            query,
            accept=accept,
            format_parameter=format_parameter,
            max_results=self.settings.max_results,
        )
        key = self.cache.key(request)
        kept = None if fresh else self.cache.get(key)
        return kept or self.evaluate(request, limit, "sparql", key)

    def evaluate(
        self, request: QueryRequest, timeout: float, route: str, key: Key | None = None
    ) -> QueryAnswer:
        """Evaluate ``request`` on the clock for at most ``timeout`` seconds (counted as
        ``route``) and keep the answer under ``key``. The pages' own store accesses are on the
        clock too: a worker runs each request of the application whole on it.

        A query that calls ``SERVICE`` gets at most ``--service-timeout``: it waits on
        endpoints that are not ours, and must not hold a worker for the full query deadline.
        """
        if service_keywords(request.query):
            timeout = min(timeout, self.settings.service_timeout)
        with self.clock.evaluating(route, timeout, request.query), self.graph.deadline(timeout):
            answer = evaluate(self.graph.store, request, self.settings.allow_service)
        if key is not None:
            self.cache.put(key, answer)
        return answer

    def account(self, request: HttpRequest, status: int, record: AccessRecord) -> None:
        """Count the answer ``status`` to ``request`` and write its access-log line, with
        the path the client asked for (``--root-path`` and path).

        Call it once the response is written: the duration then covers sending, and a client
        gets its answer before the bookkeeping is done. Hazard: an answer larger than the
        socket takes at once is written for the most part later (the worker keeps the rest), so
        its line and duration come before it has all left, and say 200 even if it is dropped
        later (the worker logs the drop apart, as nginx does).
        """
        seconds = time.perf_counter() - record.started
        self.metrics.observe(record.route, status, seconds)
        if self.access_log is not None:
            path = request.root_path + request.path.decode("latin-1")
            self.access_log.write(
                request.client[0], request.method, path, status, seconds, record.detail,
                record.query,
            )  # fmt: skip
