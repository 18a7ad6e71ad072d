"""sweepgrad's engine: scalar computation graphs and the backward sweep.

The core of sweepgrad. It imports nothing of ``nn`` or of the app
(``engine.app``: the ``sweepgrad`` command, demos, benchmarks), which sit on
top of it. Its parts, as folders::

    engine/
      node.py value.py graph.py backward.py   the core a student reads first: nodes,
                                              the ops, the one traversal, the sweep
      operations.py formulas.py               every op once (value, local derivatives,
                                              IEEE cases), in a small formula language
      forward.py                              forward mode (dual numbers)
      ieee.py modes.py hooks.py arguments.py  float math, recording modes, hooks,
      gradients.py naming.py explanation.py   argument checks, the gradient dict,
      examples.py table.py progress.py        names of nodes, ``explain``, the
      files.py extras.py _version.py          course's graphs, tables, progress, atomic
                                              writes and bounded reads, optional
                                              dependencies by their pip extra, the version
      methods/    what the sweep is measured against: the naive chain rule, paths,
                  finite differences, Jacobians, ``gradcheck``
      higher/     gradients as graphs (``grad(create_graph=True)``), Hessians
      compiler/   ``compile``: a recorded graph replayed at plain-float speed
      drawing/    pictures of graphs (``draw``, ``render``)
      app/        the ``sweepgrad`` command (a layer above ``nn``)

The top-level modules are the core: they import none of the folders.
``methods``, ``higher``, ``compiler`` and ``drawing`` import the core and
never each other (one that needs another goes through this package's
public names). Drawing, files, the compiler, higher derivatives, the
methods (naive, paths, finite differences, Jacobians, ``gradcheck``) and
explanations load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine import arguments, extras
from engine._version import __version__
from engine.backward import backward, sweep_gradients
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
from engine.node import Node
from engine.progress import progress_bar
from engine.table import format_table
from engine.value import Value, as_value, maximum, minimum

if TYPE_CHECKING:
    from engine.compiler import Compiled, compile
    from engine.drawing import draw, render
    from engine.explanation import Explanation, explain
    from engine.files import FileTooLarge, NotARegularFile, read_regular_file, write_atomically
    from engine.forward import forward_gradients, jvp
    from engine.higher.gradient_graph import grad
    from engine.higher.hessians import hessian, hvp, partial_derivatives
    from engine.methods.finite_differences import (
        central_difference,
        finite_difference_gradients,
    )
    from engine.methods.gradcheck import GradcheckResult, gradcheck
    from engine.methods.jacobians import Jacobian, jacobian
    from engine.methods.naive import naive_gradients
    from engine.methods.paths import count_paths, path_gradients

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
    "arguments",
    "as_value",
    "backward",
    "central_difference",
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
# never call (a training loop needs the sweep alone), the methods the sweep is
# measured against among them.
_LAZY = {
    "compile": "engine.compiler", "Compiled": "engine.compiler",
    "draw": "engine.drawing", "render": "engine.drawing", "write_atomically": "engine.files",
    "read_regular_file": "engine.files", "NotARegularFile": "engine.files",
    "FileTooLarge": "engine.files",
    "explain": "engine.explanation", "Explanation": "engine.explanation",
    "forward_gradients": "engine.forward", "jvp": "engine.forward",
    "grad": "engine.higher.gradient_graph",
    "hessian": "engine.higher.hessians", "hvp": "engine.higher.hessians",
    "partial_derivatives": "engine.higher.hessians",
    "jacobian": "engine.methods.jacobians", "Jacobian": "engine.methods.jacobians",
    "central_difference": "engine.methods.finite_differences",
    "finite_difference_gradients": "engine.methods.finite_differences",
    "gradcheck": "engine.methods.gradcheck", "GradcheckResult": "engine.methods.gradcheck",
    "naive_gradients": "engine.methods.naive",
    "count_paths": "engine.methods.paths", "path_gradients": "engine.methods.paths",
}


def __getattr__(name: str) -> Any:
    if name == "checks":  # the module's name before it was ``arguments``
        return arguments
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'engine' has no attribute {name!r}")
