"""sweepgrad's engine: scalar computation graphs and the backward sweep.

- ``Value``: a float node recording its parents and local derivatives;
- ``backward`` / ``Value.backward``: the O(E+V) reverse sweep;
- ``topological_order``: the iterative order the sweep follows;
- ``gradcheck``, ``central_difference``: checks against finite differences;
- ``graph_stats``: nodes, edges, depth and ops of a graph;
- ``no_grad``, ``detect_anomaly``: recording modes;
- ``gc_paused``: build big graphs without cycle-collector pauses;
- ``draw``, ``render``: drawings of graphs (``engine.drawing`` has the rest);
- ``naive_gradients``, ``path_gradients``, ``finite_difference_gradients``:
  the methods the sweep is measured against, with the same contract.
"""

from engine.backward import backward, sweep_gradients
from engine.drawing import draw, render
from engine.finite_differences import central_difference, finite_difference_gradients
from engine.gc_pause import gc_paused
from engine.gradcheck import GradcheckResult, gradcheck
from engine.gradients import Gradients
from engine.modes import detect_anomaly, enable_grad, is_grad_enabled, no_grad
from engine.naive import naive_gradients
from engine.paths import count_paths, path_gradients
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
    "count_paths",
    "detect_anomaly",
    "draw",
    "enable_grad",
    "finite_difference_gradients",
    "gc_paused",
    "gradcheck",
    "graph_stats",
    "is_grad_enabled",
    "naive_gradients",
    "no_grad",
    "path_gradients",
    "render",
    "sweep_gradients",
    "topological_order",
]
