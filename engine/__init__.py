"""sweepgrad's engine: scalar computation graphs and the backward sweep.

- ``Value``: a float node recording its parents and local derivatives;
- ``backward`` / ``Value.backward``: the O(E+V) reverse sweep;
- ``topological_order``: the iterative order the sweep follows;
- ``gradcheck``, ``central_difference``: checks against finite differences;
- ``graph_stats``: nodes, edges, depth and ops of a graph;
- ``no_grad``, ``detect_anomaly``: recording modes;
- ``gc_paused``: build big graphs without cycle-collector pauses.
"""

from engine.backward import backward, sweep_gradients
from engine.finite_differences import central_difference
from engine.gradcheck import GradcheckResult, gradcheck
from engine.gc_pause import gc_paused
from engine.gradients import Gradients
from engine.modes import detect_anomaly, enable_grad, is_grad_enabled, no_grad
from engine.stats import GraphStats, graph_stats
from engine.topology import topological_order
from engine.value import Value, as_value

__all__ = [
    "Gradients",
    "GradcheckResult",
    "GraphStats",
    "Value",
    "as_value",
    "backward",
    "central_difference",
    "detect_anomaly",
    "enable_grad",
    "gc_paused",
    "gradcheck",
    "graph_stats",
    "is_grad_enabled",
    "no_grad",
    "sweep_gradients",
    "topological_order",
]
