"""What every route of the endpoint shares: settings, the loaded graph, the pool, the counters."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from bjaikg.endpoint.description import DatasetStatistics
from bjaikg.endpoint.evaluation import QueryAnswer, QueryRequest
from bjaikg.endpoint.isolation import QueryPool
from bjaikg.endpoint.metrics import Metrics
from bjaikg.endpoint.settings import Settings
from bjaikg.store import KnowledgeGraph

ACCESS_LOG = logging.getLogger("bjaikg.access")
"""One line per answered request (client, method, path, status, duration, results, query)."""


@dataclass
class EndpointState:
    """The endpoint's shared objects; ``pool`` runs only between start-up and shutdown."""

    settings: Settings
    graph: KnowledgeGraph
    statistics: DatasetStatistics
    pool: QueryPool
    metrics: Metrics = field(default_factory=Metrics)
    description_cache: dict[tuple[str, str], bytes] = field(default_factory=dict)

    async def answer(
        self,
        query: str,
        *,
        accept: str | None = None,
        format_parameter: str | None = None,
        timeout: float | None = None,
    ) -> QueryAnswer:
        """Evaluate ``query`` in a worker under the server's deadline and result bound.

        The Python API for other routes (e.g. the UI's named queries): the answer carries the
        status (400 for a syntax error, 406 …), content type and final bytes. ``timeout`` can
        only lower the server's ``--timeout``. Raises :class:`~bjaikg.endpoint.isolation.
        QueryTimeoutError`, :class:`~bjaikg.endpoint.isolation.PoolBusyError` or
        :class:`~bjaikg.endpoint.isolation.WorkerDiedError` (all :class:`BjaikgError`).
        """
        limit = self.settings.timeout if timeout is None else min(timeout, self.settings.timeout)
        request = QueryRequest(
            query,
            accept=accept,
            format_parameter=format_parameter,
            max_results=self.settings.max_results,
        )
        return await self.pool.run(request, limit)

    @property
    def named_graphs(self) -> dict[str, int]:
        """The named graphs of the store and their triples."""
        return {named.name: named.triples for named in self.statistics.named_graphs}
