"""The graph's sources as code: the registry of snapshots, and one transform per dataset.

- :mod:`bjaikg.sources.registry` reads the registry (``instances/sources.ttl``), verifies every
  snapshot's SHA-256 and fetches missing snapshots from their download URLs.
- :mod:`bjaikg.sources.mapping` reads the hand-kept mapping files (``instances/mappings/``):
  organisation names to our IRIs with each organisation's located headquarters and its evidence,
  cities, hardware names to chip IRIs, chip families.
- :mod:`bjaikg.sources.epoch` turns Epoch AI's two tables into the Turtle of ``instances/epoch/``;
  :mod:`bjaikg.sources.generated` renders and writes every generated file deterministically.
"""
