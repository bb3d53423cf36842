#!/usr/bin/env bash
# Install the project with its test extra and run lint, types and every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-system.sh
python -m pip install -q -e '.[test]'
# cffconvert (the CITATION.cff check) pins jsonschema<4, which the test extra cannot take:
# it gets a virtual environment of its own (pyproject's `citation` extra)
[ -x build/cffconvert/bin/cffconvert ] || {
  python -m venv build/cffconvert && build/cffconvert/bin/pip install -q 'cffconvert==2.0.0'
}
if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --silent; fi
python -m bjaikg sources   # every registered snapshot present with its checksum
ruff check .
ruff format --check .
mypy
lint-imports   # the import contracts of pyproject.toml (docs/architecture.md#layers)
python validate.py --format github
# one pytest worker per core (pytest-xdist): on CI's two cores a quarter less time (docs/testing.md)
python -m pytest -n auto
