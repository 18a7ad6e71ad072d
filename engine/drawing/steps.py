"""The backward sweep, one drawing per step, and an animated GIF of it.

The sweep visits the nodes in reverse topological order (the lecture on
backpropagation). When
it reaches a node, every consumer has already added its share, so the node's
gradient is final; the sweep then passes it on along each edge,

    parent.grad += (∂node/∂parent) · node.grad

Step k draws the graph as it stands after the k-th visit: the visited nodes
with their final gradient (and its contributions where they fan out), the
node just visited highlighted with the edges its gradient flows back along,
the parents it fed showing the sum so far (grey), and the rest blank; the
legend says what the colours mean.

The steps come from ``engine.drawing.trace`` (no ``.grad`` is read or
changed). Cells are padded to one width for all steps (in a monospace font)
so the layout stays still when the frames are played as an animation. The
GIF leaves out the steps at leaves, where nothing is passed on and only the
highlight would move, and ends on a frame with every gradient final.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from graphviz import Digraph

from engine.drawing import browser_graphviz
from engine.drawing import roles as role_rules
from engine.drawing.options import DrawOptions
from engine.drawing.picture import GradCell, build_full, check_shared_span, sum_text
from engine.drawing.renderer import GraphvizNotFoundError, write_image
from engine.drawing.trace import Visit, backward_visits
from engine.extras import require
from engine.graph import require_node, topological_order
from engine.node import Node

DEFAULT_MAX_STEPS = 60
# What the colours of a step drawing mean, in its legend.
STEP_NOTES = (
    "yellow: the node the sweep visits",
    "red: the edges its gradient goes back along",
    "grey “so far”: a sum still waiting for terms",
)


def _frames_of_cells(
    order: list[Node], visits: list[Visit], fmt: Callable[[float], str]
) -> list[dict[Node, GradCell]]:
    """The grad cells of every node after each step of the sweep."""
    grads = {node: 0.0 for node in order}
    terms: dict[Node, list[float]] = {}
    visited: set[Node] = set()
    frames = []
    for visit in visits:
        visited.add(visit.node)
        grads[visit.node] = visit.grad
        for edge in visit.passes:
            grads[edge.parent] = edge.running_sum
            terms.setdefault(edge.parent, []).append(edge.contribution)
        cells = {}
        for each in order:
            each_terms = terms.get(each, [])
            extra = sum_text(each_terms, fmt) if len(each_terms) > 1 else ""
            if each in visited:
                cells[each] = GradCell(f"grad {fmt(grads[each])}", extra)
            elif each_terms:
                cells[each] = GradCell(f"grad {fmt(grads[each])} so far", extra, pending=True)
            else:
                cells[each] = GradCell("grad", "", pending=True)
        frames.append(cells)
    return frames


def _pad(frames: list[dict[Node, GradCell]], order: list[Node]) -> None:
    """Pad each node's texts to their widest over all frames (a still layout)."""
    for node in order:
        text_width = max(len(frame[node].text) for frame in frames)
        extra_width = max(len(frame[node].contributions) for frame in frames)
        for frame in frames:
            cell = frame[node]
            extra = cell.contributions.ljust(extra_width) if extra_width else ""
            frame[node] = GradCell(cell.text.ljust(text_width), extra, cell.pending)


def backward_steps(
    root: Node, options: DrawOptions | None = None, **changes: object
) -> list[Digraph]:
    """One ``Digraph`` per step of the backward sweep from ``root`` (one per node).

    Takes the options of ``draw`` (steps are always numbered and gradients
    shown; ``max_nodes`` defaults to ``DEFAULT_MAX_STEPS``). In a notebook,
    display them one by one; ``save_backward_animation`` plays them as a GIF.
    """
    order, chosen = _checked(root, options, changes, "backward_steps(root)")
    return [picture for node, picture in _step_pictures(order, chosen) if node is not None]


def _checked(root: Node, options: DrawOptions | None, changes: dict[str, object],
             where: str) -> tuple[list[Node], DrawOptions]:
    """The topological order and the options of a step-by-step drawing, checked."""
    require_node(root, where)
    if options is None:
        changes = {"max_nodes": DEFAULT_MAX_STEPS, **changes}
    chosen = dataclasses.replace(
        DrawOptions.of(options, changes), show_grads=True, number_steps=True
    )
    order = topological_order(root)
    if chosen.max_nodes is not None and len(order) > chosen.max_nodes:
        raise ValueError(
            f"the graph has {len(order)} nodes, so its sweep takes {len(order)} steps, "
            f"more than max_nodes={chosen.max_nodes}: step-by-step drawings are for small "
            "graphs (a neuron, a few operations). Draw a smaller example, or pass "
            f"max_nodes={len(order)} to draw them all."
        )
    check_shared_span(order, chosen.max_shared_span)
    return order, chosen


def _step_pictures(order: list[Node], options: DrawOptions) -> list[tuple[Node | None, Digraph]]:
    """``(visited node, drawing)`` per step, then ``(None, the finished graph)``."""
    role_of = role_rules.assign_roles(order, options.inputs, options.parameters)
    frames = _frames_of_cells(order, backward_visits(order), options.formatter)
    _pad(frames, order)
    visited: list[Node | None] = list(reversed(order))
    return [
        (node, build_full(order, role_of, cells, options, current=node, legend_notes=STEP_NOTES))
        for node, cells in zip([*visited, None], [*frames, frames[-1]], strict=True)
    ]


def save_backward_animation(
    root: Node,
    path: str | os.PathLike[str],
    options: DrawOptions | None = None,
    *,
    duration: int = 1200,
    **changes: object,
) -> Path:
    """Write the sweep from ``root`` as an animated GIF (options as for ``backward_steps``).

    One frame per step that passes gradient on (a leaf's step changes
    nothing else, so it is left out), then the finished graph, held twice as
    long. ``duration``: milliseconds per frame. Needs Pillow and a Graphviz
    program (see ``engine.drawing.renderer``). Returns the path.
    """
    if browser_graphviz.IN_BROWSER:
        raise GraphvizNotFoundError(
            "a GIF needs Graphviz's dot program, which cannot run in the browser: "
            "use play_backward(root) to step through the sweep, or backward_steps(root)")
    require("PIL", "a GIF of the sweep")
    from PIL import Image

    path = Path(path)
    if path.suffix.lower() != ".gif":
        raise ValueError(f"save_backward_animation writes a GIF: give a path ending in .gif, "
                         f"got {str(path)!r}")
    if not isinstance(duration, int) or duration <= 0:
        raise ValueError(f"duration is milliseconds per frame, a positive int; got {duration!r}")
    order, chosen = _checked(root, options, changes, "save_backward_animation(root)")
    # A leaf passes nothing on: its frame is left out. The last entry is the finished graph.
    shown = [picture for node, picture in _step_pictures(order, chosen)
             if node is None or node.parents]
    images: list[Image.Image] = []
    with tempfile.TemporaryDirectory() as folder:
        for index, step in enumerate(shown):
            png = write_image(step, Path(folder) / f"step{index}.png")
            with Image.open(png) as opened:
                images.append(opened.convert("RGB"))
    width = max(image.width for image in images)
    height = max(image.height for image in images)
    frames = []
    for image in images:
        # Frames can differ by a few pixels; pad them onto one white canvas.
        canvas = Image.new("RGB", (width, height), "white")
        canvas.paste(image, (0, 0))
        frames.append(canvas)
    durations = [duration] * (len(frames) - 1) + [2 * duration]
    path.parent.mkdir(parents=True, exist_ok=True)
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=durations, loop=0)
    return path
