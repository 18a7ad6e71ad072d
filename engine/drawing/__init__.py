"""Drawing computation graphs that teach backpropagation.

Part of the core: imports ``engine``'s graph modules and ``graphviz``,
never ``nn`` or the app. ``import engine`` does not load it; the first use
of ``engine.draw`` or ``engine.render`` does.

- ``draw(root, ...)`` → ``graphviz.Digraph`` and ``render(root, path)``
  (``api.py``), with their options in one typed ``DrawOptions`` (``options.py``);
- the picture itself: values, ops, local derivatives on the edges, gradients
  as sums of contributions, roles in colour (``picture.py``, ``roles.py``),
  collapsed per neuron or layer (``collapse.py`` picks the boxes,
  ``collapsed_view.py`` draws them);
- ``backward_steps(root)`` / ``save_backward_animation(root, path)``: the
  backward sweep one step at a time, and as a GIF (``steps.py``);
- ``play_backward(root)`` / ``play_forward(root)``: a player for the
  sweep in a notebook's output, with a quiz mode (``player.py``, what each
  step shows in ``player_steps.py``, ``player.js``), built on the sweep's
  trace (``trace.py``);
- running Graphviz (``renderer.py``); labels escaped as data, never markup
  (``escaping.py``); the direction and size that fit a notebook (``layout.py``);
  in the browser, Graphviz as WebAssembly (``browser_graphviz.py``).
"""

from engine.drawing import browser_graphviz
from engine.drawing.api import draw, render
from engine.drawing.options import DEFAULT_MAX_NODES, DrawOptions
from engine.drawing.picture import GraphTooLargeError
from engine.drawing.player import Player, play_backward, play_forward
from engine.drawing.renderer import GraphvizNotFoundError, find_renderer, write_image
from engine.drawing.steps import backward_steps, save_backward_animation

if browser_graphviz.IN_BROWSER:  # Graphviz as WebAssembly starts in the background
    browser_graphviz.start_loading_early()

__all__ = [
    "DEFAULT_MAX_NODES",
    "DrawOptions",
    "GraphTooLargeError",
    "GraphvizNotFoundError",
    "Player",
    "backward_steps",
    "draw",
    "find_renderer",
    "play_backward",
    "play_forward",
    "render",
    "save_backward_animation",
    "write_image",
]
