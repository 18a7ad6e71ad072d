"""The backward sweep, one drawing per step, and an animated GIF of it.

The sweep visits the nodes in reverse topological order (the lecture on
backpropagation). When
it reaches a node, every consumer has already added its share, so the node's
gradient is final; the sweep then passes it on along each edge,

    parent.grad += (∂node/∂parent) · node.grad

Step k draws the graph as it stands after the k-th visit: the visited nodes
with their final gradient (and its contributions where they fan out), the
node just visited highlighted with the edges its gradient flows back along,
the parents it fed showing the sum so far (grey), and the rest blank.

The gradients are computed here from the recorded local derivatives, seeded
with d(root)/d(root) = 1, so no ``.grad`` is read or changed and nothing
accumulated from earlier ``backward()`` calls shows up. Cells are padded to
one width for all steps (in a monospace font) so the layout stays still when
the frames are played as an animation.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import graphviz

from engine.drawing import roles as role_rules
from engine.drawing.options import DrawOptions
from engine.drawing.picture import GradCell, build_full, check_shared_span, sum_text
from engine.drawing.renderer import write_image
from engine.graph import require_node, topological_order
from engine.node import Node

DEFAULT_MAX_STEPS = 60


def _frames_of_cells(
    order: list[Node], fmt: Callable[[float], str]
) -> list[dict[Node, GradCell]]:
    """The grad cells of every node after each step of the sweep."""
    grads = {node: 0.0 for node in order}
    grads[order[-1]] = 1.0
    terms: dict[Node, list[float]] = {}
    visited: set[Node] = set()
    frames = []
    for node in reversed(order):
        visited.add(node)
        grad = grads[node]
        for parent, local_grad in zip(node.parents, node.local_grads, strict=True):
            contribution = local_grad * grad
            grads[parent] += contribution
            terms.setdefault(parent, []).append(contribution)
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
) -> list[graphviz.Digraph]:
    """One ``Digraph`` per step of the backward sweep from ``root`` (one per node).

    Takes the options of ``draw`` (steps are always numbered and gradients
    shown; ``max_nodes`` defaults to ``DEFAULT_MAX_STEPS``). In a notebook,
    display them one by one; ``save_backward_animation`` plays them as a GIF.
    """
    require_node(root, "backward_steps(root)")
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
    role_of = role_rules.assign_roles(order, chosen.inputs, chosen.parameters)
    frames = _frames_of_cells(order, chosen.formatter)
    _pad(frames, order)
    return [
        build_full(order, role_of, cells, chosen, current=node)
        for node, cells in zip(reversed(order), frames, strict=True)
    ]


def save_backward_animation(
    root: Node,
    path: str | os.PathLike[str],
    options: DrawOptions | None = None,
    *,
    duration: int = 1200,
    **changes: object,
) -> Path:
    """Write the steps of ``backward_steps(root, options, **changes)`` as an animated GIF.

    ``duration``: milliseconds per frame (the last frame is held twice as
    long). Needs Pillow and a Graphviz program (see ``engine.drawing.renderer``).
    Returns the path.
    """
    from PIL import Image

    path = Path(path)
    if path.suffix.lower() != ".gif":
        raise ValueError(f"save_backward_animation writes a GIF: give a path ending in .gif, "
                         f"got {str(path)!r}")
    if not isinstance(duration, int) or duration <= 0:
        raise ValueError(f"duration is milliseconds per frame, a positive int; got {duration!r}")
    steps = backward_steps(root, options, **changes)
    images: list[Image.Image] = []
    with tempfile.TemporaryDirectory() as folder:
        for index, step in enumerate(steps):
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
