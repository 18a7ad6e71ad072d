"""Drawing computation graphs that teach backpropagation.

- ``draw(root, ...)`` → ``graphviz.Digraph``: values, ops, local derivatives
  on the edges, gradients as sums of contributions, roles in colour
  (``graph.py``); collapsed per neuron or layer (``collapse.py``);
- ``render(root, path)``: the same, written as SVG, PNG or PDF (``renderer.py``);
- ``backward_steps(root)`` / ``save_backward_animation(root, path)``: the
  backward sweep one step at a time, and as a GIF (``steps.py``);
- labels are escaped in ``dot.py``: they are data, never markup;
- ``python -m engine.drawing.benchmark`` times the MLP(2, [16, 16, 1]) drawings;
  ``demo.demo_drawings`` writes the drawings of ``sweepgrad demo``.
"""

from engine.drawing.graph import DEFAULT_MAX_NODES, GraphTooLargeError, draw
from engine.drawing.renderer import GraphvizNotFoundError, find_renderer, render, write_image
from engine.drawing.steps import backward_steps, save_backward_animation

__all__ = [
    "DEFAULT_MAX_NODES",
    "GraphTooLargeError",
    "GraphvizNotFoundError",
    "backward_steps",
    "draw",
    "find_renderer",
    "render",
    "save_backward_animation",
    "write_image",
]
