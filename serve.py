"""Serve the Beijing AI Knowledge Graph over SPARQL 1.1 (read-only, with deadlines and limits).

    python serve.py [--host 127.0.0.1] [--port 8000] [--data DIR ...] [--timeout S]
                    [--max-results N] [--workers N] [--allow-service URL ...] [--get PATH]

All logic lives in :mod:`bjaikg.endpoint` and, for the pages beside ``/sparql``,
:mod:`bjaikg.interface`; see docs/endpoint.md.
"""

import sys

from bjaikg.endpoint.allocator import restart_tuned

if __name__ == "__main__":
    restart_tuned()  # first: it replaces the process (bjaikg.endpoint.allocator)
    from bjaikg.endpoint.cli import serve_main
    from bjaikg.interface import interface_routes

    sys.exit(serve_main(routes_for=interface_routes))
