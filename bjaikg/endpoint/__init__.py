"""The SPARQL endpoint behind ``serve.py`` (docs/endpoint.md).

- :mod:`~bjaikg.endpoint.cli` — the command line; :mod:`~bjaikg.endpoint.settings` — its limits.
- :mod:`~bjaikg.endpoint.application` — the Starlette application factory, ``/health``,
  ``/metrics``; :mod:`~bjaikg.endpoint.state` — what the routes share, and the Python API.
- :mod:`~bjaikg.endpoint.protocol` — ``/sparql``; :mod:`~bjaikg.endpoint.graph_store` —
  ``/rdf-graph-store``, ``/graphs``; :mod:`~bjaikg.endpoint.dumps` — ``/dump.*``.
- :mod:`~bjaikg.endpoint.isolation` — worker processes and the deadline;
  :mod:`~bjaikg.endpoint.evaluation` — what a worker does; :mod:`~bjaikg.endpoint.results` —
  SELECT result writers; :mod:`~bjaikg.endpoint.federation` — the ``SERVICE`` allow-list.
- :mod:`~bjaikg.endpoint.description` — Service Description and VoID;
  :mod:`~bjaikg.endpoint.metrics` — Prometheus counters; :mod:`~bjaikg.endpoint.transport` —
  the HTTP/1.1 protocol fix for ``Upgrade: h2c`` requests.
"""
