"""Measurements behind BENCHMARKS.md, one module per section: `python -m benchmarks.NAME ...`
from the repository root (each module's docstring gives its command)."""
