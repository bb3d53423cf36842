"""bjaikg — the Beijing AI Knowledge Graph as code.

The package holds everything behind the two thin entry points ``validate.py`` and ``serve.py``:
loading the Turtle files into the embedded store (:mod:`bjaikg.store`), the named-query
catalogue (:mod:`bjaikg.query_catalogue`), validation, the SPARQL endpoint and the query UI.
"""

from pathlib import Path

__version__ = "0.1.0"

PROJECT_ROOT = Path(__file__).resolve().parent.parent
"""The checkout this package lives in; ``ontology/``, ``instances/`` and ``queries/`` are here."""

__all__ = ["PROJECT_ROOT", "__version__"]
