"""What every route of the endpoint shares: settings, the loaded graph, the pool, the counters."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from bjaikg.endpoint.description import DatasetStatistics
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

    @property
    def named_graphs(self) -> dict[str, int]:
        """The named graphs of the store and their triples."""
        return {named.name: named.triples for named in self.statistics.named_graphs}
