"""Links from the graph to external open-data graphs.

The principle: docs/architecture.md#links-to-external-graphs.

- :mod:`bjaikg.linking.targets` — the target graphs and identifier kinds, in one table;
- :mod:`bjaikg.linking.link_coverage` — coverage per entity type and target, ``docs/links.md``;
- :mod:`bjaikg.linking.remote` — a polite client for remote SPARQL endpoints;
- :mod:`bjaikg.linking.online` — the opt-in online check and the candidate search;
- ``python -m bjaikg.linking`` — the command line (``report``, ``check``).

The offline checks (IRI forms, one identifier of a kind, no shared Wikidata item) are SPARQL
rule files in ``queries/checks/links/`` run by ``validate.py``.
"""
