#!/usr/bin/env python3
"""Validate the bjaikg graph (or anyone's Turtle) against the ontology, shapes and rules.

``python validate.py [PATH ...] [--format text|json|junit|github|markdown|turtle]
[--fail-on violation|warning|info] [--checks parse,shacl,quality,owl,links] [--no-owl]``;
see ``docs/validation.md``. All logic lives in :mod:`bjaikg.validation`.
"""

import sys

from bjaikg.validation.cli import main

if __name__ == "__main__":
    sys.exit(main())
