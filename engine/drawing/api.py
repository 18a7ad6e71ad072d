"""``draw`` and ``render``: the public way to picture a graph.

``draw(root)`` returns a ``graphviz.Digraph`` (shown inline by Jupyter;
``.source`` is its DOT text, available without any Graphviz program);
``render(root, path)`` writes it as SVG, PNG or PDF. Both take a
``DrawOptions``, keyword changes to it, or both. Building the picture is
``engine.drawing.picture``'s job; running Graphviz, ``engine.drawing.renderer``'s.
"""

from __future__ import annotations

import os
from pathlib import Path

import graphviz

from engine.drawing import roles
from engine.drawing.collapse import collapse as collapse_boxes
from engine.drawing.collapsed_view import build_collapsed
from engine.drawing.options import DrawOptions
from engine.drawing.picture import build_full, check_shared_span, check_size, final_cells
from engine.drawing.renderer import DEFAULT_TIMEOUT, write_image
from engine.graph import require_node, topological_order
from engine.node import Node


def draw(root: Node, options: DrawOptions | None = None, **changes: object) -> graphviz.Digraph:
    """The computation graph behind ``root``, ready to render or show in Jupyter.

    ``options``: a ``DrawOptions``; keywords change single fields of it
    (``draw(o, number_steps=True, rankdir="TB")``). See ``DrawOptions`` for
    what each does. Above ``max_nodes`` nodes it raises
    ``GraphTooLargeError`` saying how to collapse the drawing.
    """
    require_node(root, "draw(root)")
    chosen = DrawOptions.of(options, changes)
    order = topological_order(root)
    role_of = roles.assign_roles(order, chosen.inputs, chosen.parameters)
    if chosen.collapse is not None:
        if chosen.number_steps:
            raise ValueError(
                "number_steps=True needs the full graph: a collapsed box hides the nodes the "
                "sweep steps through; pass collapse=None to number the steps"
            )
        boxes = collapse_boxes(order, chosen.collapse, chosen.inputs)
        visible = sum(1 for node in order if node not in boxes.box_of) + len(boxes.names)
        hint = ("collapse='layer' draws fewer boxes" if chosen.collapse == "neuron"
                else "a layer is the coarsest box there is")
        check_size(visible, chosen.max_nodes, "nodes and boxes", hint)
        return build_collapsed(order, role_of, boxes, chosen)
    check_size(len(order), chosen.max_nodes, "value nodes")
    check_shared_span(order, chosen.max_shared_span)
    cells = final_cells(order, chosen) if chosen.show_grads else None
    return build_full(order, role_of, cells, chosen)


def render(
    root: Node,
    path: str | os.PathLike[str],
    format: str | None = None,
    options: DrawOptions | None = None,
    *,
    timeout: float | None = DEFAULT_TIMEOUT,
    **changes: object,
) -> Path:
    """Draw ``root`` (see ``draw`` for the options) and write it to ``path``.

    The format is ``format`` or the suffix of ``path``: ``.svg``, ``.png`` or
    ``.pdf`` (``.dot``/``.gv`` write the DOT source). Graphviz may take
    ``timeout`` seconds (default 60; None: no limit). Returns the path.
    """
    return write_image(draw(root, options, **changes), path, format, timeout)
