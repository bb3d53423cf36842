"""Serve the Beijing AI Knowledge Graph over SPARQL 1.1 (read-only, with deadlines and limits).

    python serve.py [--host 127.0.0.1] [--port 8000] [--data DIR ...] [OPTION ...]

Every option: ``python serve.py --help`` and docs/endpoint.md (a test checks they agree).

All logic lives in :mod:`bjaikg.endpoint` and, for the pages beside ``/sparql``,
:mod:`bjaikg.interface`; see docs/endpoint.md.
"""

import signal
import sys

if __name__ == "__main__":
    # SIGHUP (reload) is ignored until the supervisor serves: by default it would end the
    # process; the ignoring survives the restart below.
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    from bjaikg.endpoint.allocator import restart_tuned

    restart_tuned()  # it replaces the process (bjaikg.endpoint.allocator)
    from bjaikg.endpoint.cli import serve_main
    from bjaikg.interface import interface_routes

    sys.exit(serve_main(routes_for=interface_routes))
