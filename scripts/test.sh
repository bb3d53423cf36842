#!/usr/bin/env bash
# Install the project with its test extra and run lint, types and every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-system.sh
python -m pip install -q -e '.[test]'
if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --silent; fi
ruff check .
ruff format --check .
mypy
python validate.py --format github
python -m pytest
