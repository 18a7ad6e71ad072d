"""sweepgrad's engine: scalar computation graphs and the backward sweep.

The core of sweepgrad. It imports nothing of ``nn`` or of the app
(``engine.app``: the ``sweepgrad`` command, demos, benchmarks), which sit on
top of it. Its modules, from the bottom up:

- ``ieee``, ``modes``, ``checks``: float math, recording modes, argument checks;
- ``node``: what a graph is made of; ``value``: ``Value``, the ops and their
  local derivatives;
- ``graph``: the one traversal (``topological_order``) and what is read off
  it (consumers, forward cones, ``graph_stats``);
- ``backward``: the O(E+V) sweep, with ``hooks``; ``compiler`` (with
  ``codegen``, ``compile_plan``, ``compile_rules`` and ``tape``): ``compile``,
  a recorded graph as straight-line Python (or, for a big irregular graph, a
  flat tape) that replays it at new inputs at plain-float speed; ``naive``,
  ``paths``,
  ``finite_differences``: the methods it is measured against, with the same
  ``Gradients`` contract; ``gradcheck``;
- ``forward``: forward mode (dual numbers); ``jacobians``: in either mode;
- ``gradient_graph``: ``grad``, gradients as Values built from each op's
  ``local_derivatives``, so they can be differentiated again;
  ``higher_order``: ``hessian``, ``hvp``;
- ``explanation``: ``explain``, the chain-rule sum behind one gradient;
- ``examples``: the course's example graphs; ``table``: text tables;
  ``progress``: progress bars (tqdm); ``files``: atomic writes, bounded reads;
  ``_version``: the version; ``extras``: optional dependencies, named by their
  pip extra;
- ``drawing``: pictures of graphs (``draw``, ``render``).

Drawing, files and the modules of forward mode, higher derivatives and
explanations load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine import checks, extras
from engine._version import __version__
from engine.backward import backward, sweep_gradients
from engine.compiler import Compiled, compile
from engine.finite_differences import central_difference, finite_difference_gradients
from engine.gradcheck import GradcheckResult, gradcheck
from engine.gradients import Gradients
from engine.graph import GraphStats, graph_stats, topological_order, topological_order_of
from engine.hooks import RemovableHandle
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
from engine.progress import progress_bar
from engine.table import format_table
from engine.value import Value, as_value, maximum, minimum

if TYPE_CHECKING:
    from engine.drawing import draw, render
    from engine.explanation import Explanation, explain
    from engine.files import FileTooLarge, NotARegularFile, read_regular_file, write_atomically
    from engine.forward import forward_gradients, jvp
    from engine.gradient_graph import grad
    from engine.higher_order import hessian, hvp, partial_derivatives
    from engine.jacobians import Jacobian, jacobian

__all__ = [
    "__version__",
    "Explanation",
    "FileTooLarge",
    "Compiled",
    "Gradients",
    "GradcheckResult",
    "GraphStats",
    "Jacobian",
    "Node",
    "NotARegularFile",
    "RemovableHandle",
    "Value",
    "as_value",
    "backward",
    "central_difference",
    "checks",
    "extras",
    "compile",
    "count_paths",
    "detect_anomaly",
    "draw",
    "enable_grad",
    "explain",
    "finite_difference_gradients",
    "format_table",
    "forward_gradients",
    "gc_paused",
    "grad",
    "gradcheck",
    "graph_stats",
    "hessian",
    "hvp",
    "is_anomaly_detection_enabled",
    "is_grad_enabled",
    "jacobian",
    "jvp",
    "maximum",
    "minimum",
    "naive_gradients",
    "no_grad",
    "partial_derivatives",
    "path_gradients",
    "progress_bar",
    "read_regular_file",
    "render",
    "sweep_gradients",
    "topological_order",
    "topological_order_of",
    "write_atomically",
]

# Drawing needs graphviz, and files need tempfile and pathlib: most of the
# import time. They load on first use, and so do the methods most programs
# never call (a training loop needs the sweep alone).
_LAZY = {
    "draw": "engine.drawing", "render": "engine.drawing", "write_atomically": "engine.files",
    "read_regular_file": "engine.files", "NotARegularFile": "engine.files",
    "FileTooLarge": "engine.files",
    "explain": "engine.explanation", "Explanation": "engine.explanation",
    "forward_gradients": "engine.forward", "jvp": "engine.forward",
    "grad": "engine.gradient_graph",
    "hessian": "engine.higher_order", "hvp": "engine.higher_order",
    "partial_derivatives": "engine.higher_order",
    "jacobian": "engine.jacobians", "Jacobian": "engine.jacobians",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'engine' has no attribute {name!r}")
