"""bjaikg — the Beijing AI Knowledge Graph as code.

The package holds everything behind the two thin entry points ``validate.py`` and ``serve.py``:
loading the Turtle files into the embedded store (:mod:`bjaikg.store`), the named-query
catalogue (:mod:`bjaikg.query_catalogue`), validation, the SPARQL endpoint and the query UI.
The layers and where each concern lives: docs/architecture.md.
"""

import os
from pathlib import Path

__version__ = "0.1.0"


def find_root() -> Path:
    """The folder whose ``ontology/``, ``instances/`` and ``queries/`` the commands work on.

    ``BJAIKG_HOME`` when set; else the current folder when it holds ``ontology/`` and
    ``instances/`` (a checkout, or a release's unpacked sources); else the folder this package
    lives in (an editable install in a checkout). Read once, when :mod:`bjaikg` is imported.
    """
    configured = os.environ.get("BJAIKG_HOME")
    if configured:
        return Path(configured).resolve()
    here = Path.cwd()
    if (here / "ontology").is_dir() and (here / "instances").is_dir():
        return here.resolve()
    return Path(__file__).resolve().parent.parent


PROJECT_ROOT = find_root()
"""The checkout the commands work on (see :func:`find_root`)."""


def summary(docstring: str | None, paragraphs: int = 1) -> str:
    """A command's ``--help`` description: the first ``paragraphs`` paragraphs of its module
    docstring, without reST's double backquotes (argparse reflows them into one)."""
    return "\n".join((docstring or "").split("\n\n")[:paragraphs]).replace("``", "")


__all__ = ["PROJECT_ROOT", "__version__", "find_root", "summary"]
