#!/usr/bin/env bash
# Install the project and serve the graph on the embedded store (http://127.0.0.1:8000/).
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install -q -e .
if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --silent; fi
exec python serve.py "$@"
