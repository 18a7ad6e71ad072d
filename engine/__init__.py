"""sweepgrad's engine: scalar computation graphs and the backward sweep.

The core of sweepgrad. It imports nothing of ``nn`` or of the app
(``engine.app``: the ``sweepgrad`` command, demos, benchmarks), which sit on
top of it. Its modules, from the bottom up:

- ``ieee``, ``modes``, ``checks``: float math, recording modes, argument checks;
- ``node``: what a graph is made of; ``value``: ``Value``, the ops and their
  local derivatives;
- ``graph``: the one traversal (``topological_order``) and what is read off
  it (consumers, forward cones, ``graph_stats``);
- ``backward``: the O(E+V) sweep; ``compiler`` (with ``codegen``,
  ``compile_plan`` and ``compile_rules``): ``compile``, a recorded graph as
  straight-line Python that replays it at new inputs at plain-float speed;
  ``naive``, ``paths``,
  ``finite_differences``: the methods it is measured against, with the same
  ``Gradients`` contract; ``gradcheck``;
- ``examples``: the course's example graphs; ``table``, ``progress``: text output;
  ``files``: atomic writes;
- ``drawing``: pictures of graphs, loaded on first use (``draw``, ``render``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine import checks
from engine.backward import backward, sweep_gradients
from engine.compiler import Compiled, compile
from engine.finite_differences import central_difference, finite_difference_gradients
from engine.gradcheck import GradcheckResult, gradcheck
from engine.gradients import Gradients
from engine.graph import GraphStats, graph_stats, topological_order
from engine.modes import (
    detect_anomaly,
    enable_grad,
    gc_paused,
    is_anomaly_detection_enabled,
    is_grad_enabled,
    no_grad,
)
from engine.naive import naive_gradients
from engine.node import Node
from engine.paths import count_paths, path_gradients
from engine.progress import Progress
from engine.table import format_table
from engine.value import Value, as_value

if TYPE_CHECKING:
    from engine.drawing import draw, render
    from engine.files import write_atomically

__all__ = [
    "Compiled",
    "Gradients",
    "GradcheckResult",
    "GraphStats",
    "Node",
    "Progress",
    "Value",
    "as_value",
    "backward",
    "central_difference",
    "checks",
    "compile",
    "count_paths",
    "detect_anomaly",
    "draw",
    "enable_grad",
    "finite_difference_gradients",
    "format_table",
    "gc_paused",
    "gradcheck",
    "graph_stats",
    "is_anomaly_detection_enabled",
    "is_grad_enabled",
    "naive_gradients",
    "no_grad",
    "path_gradients",
    "render",
    "sweep_gradients",
    "topological_order",
    "write_atomically",
]

# Drawing needs graphviz, and files need tempfile and pathlib: most of the
# import time. They load on first use.
_LAZY = {"draw": "engine.drawing", "render": "engine.drawing", "write_atomically": "engine.files"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'engine' has no attribute {name!r}")
