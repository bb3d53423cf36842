"""The SPARQL endpoint behind ``serve.py`` (docs/endpoint.md).

- :mod:`~bjaikg.endpoint.cli` — the command line; :mod:`~bjaikg.endpoint.settings` — its limits;
  :mod:`~bjaikg.endpoint.allocator` — the allocator tuning ``serve.py`` restarts itself with.
- :mod:`~bjaikg.endpoint.application` — the Starlette application factory, ``/health``,
  ``/metrics``; :mod:`~bjaikg.endpoint.state` — what the routes share, and the Python API.
- :mod:`~bjaikg.endpoint.protocol` — ``/sparql``; :mod:`~bjaikg.endpoint.graph_store` —
  ``/rdf-graph-store``, ``/graphs``; :mod:`~bjaikg.endpoint.dumps` — ``/dump.*``.
- :mod:`~bjaikg.endpoint.supervisor` — forks the workers, enforces deadlines, sheds load;
  :mod:`~bjaikg.endpoint.worker` — many connections, one query at a time;
  :mod:`~bjaikg.endpoint.connection` — HTTP/1.1 on a connection;
  :mod:`~bjaikg.endpoint.scoreboard` — what the processes share;
  :mod:`~bjaikg.endpoint.proxy` — a request's scheme, host, client and root path behind a proxy.
- :mod:`~bjaikg.endpoint.evaluation` — evaluating one query; :mod:`~bjaikg.endpoint.cache` —
  answers kept, ETags; :mod:`~bjaikg.endpoint.results` — SELECT result writers;
  :mod:`~bjaikg.endpoint.federation` — the ``SERVICE`` allow-list.
- :mod:`~bjaikg.endpoint.description` — Service Description and VoID;
  :mod:`~bjaikg.endpoint.metrics` — Prometheus counters; :mod:`~bjaikg.endpoint.access_log` —
  the access log.
"""
