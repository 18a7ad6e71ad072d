"""Benchmarks that make the lectures' cost arguments measurable.

- ``complexity``: the sweep's O(E+V) against the per-edge chain rule, path
  enumeration and finite differences, counted, timed, fitted
  (``fit``) and plotted; its data in ``complexity_results``, its fits, notes
  and files in ``complexity_report``, its picture in ``complexity_plot``;
- ``speed``: nanoseconds and bytes per node against plain floats;
- ``drawing_speed``: how long drawing a small network takes, full and collapsed;
- ``training``: seconds per epoch of ``nn.fit`` and the graph of one step.

The graphs they measure come from ``engine.examples`` and ``nn``.
"""
