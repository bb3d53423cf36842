"""Benchmarks (never tests): scripts run as ``python bench/NAME.py``, importing each other as
``bench.NAME``; their figures go to the ``.md`` pages beside them."""
