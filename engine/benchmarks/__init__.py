"""Benchmarks that make the lectures' cost arguments measurable.

- ``complexity``: the sweep's O(E+V) against the per-edge chain rule, path
  enumeration and finite differences, counted, timed, fitted and plotted;
- ``speed``: nanoseconds and bytes per node against plain floats;
- ``graphs``: the graphs it measures (the lecture's chain, network, diamonds).
"""
