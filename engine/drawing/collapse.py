"""Collapsed drawings: one box per neuron or per layer.

``engine`` never imports ``nn``. Instead ``nn`` writes a group name on the
nodes each neuron builds (``node.group = "L1.N3"``), and a collapsed drawing
draws each group as one box:

- ``collapse="neuron"``: one box per group name (``"L1.N3"``);
- ``collapse="layer"``: one box per layer, the name up to its last ``.``
  (``"L1"``; a name without a dot is its own layer).

``nn`` marks only each neuron's output; the rest of a box is inferred. A node
without a group joins a box when every node that uses it lies in that box
(the products and partial sums inside a neuron), and a leaf when it feeds
exactly one node in a box (a neuron's weight or bias, or a constant), unless
it is named in ``inputs=``. Everything else without a group (the network's
inputs, a loss computed from its outputs) is drawn in full.

A box shows its name, how many nodes it hides, and its outputs (its nodes
used outside it, or the root) with their data and gradient. Edges between
boxes are drawn once per pair, in topological order, without labels: a local
derivative belongs to one edge, not to a bundle of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import graphviz

from engine.drawing import roles as role_rules
from engine.drawing.dot import html_label, html_text
from engine.drawing.graph import (
    MONOSPACE,
    Options,
    add_legend,
    check_size,
    final_cells,
    new_digraph,
    op_label,
    present,
    value_label,
)
from engine.value import Value

LEVELS = ("neuron", "layer")
MAX_LISTED_OUTPUTS = 8


def group_key(group: str, level: str) -> str:
    """The box a group name falls in: itself per neuron, its layer per layer."""
    if level == "neuron":
        return group
    return group.rsplit(".", 1)[0]


def assign_boxes(
    order: list[Value], level: str, inputs: Iterable[Value] | None = None
) -> dict[Value, str]:
    """``{node: box name}`` for every node hidden in a box."""
    if level not in LEVELS:
        raise ValueError(f"collapse must be 'neuron', 'layer' or None, got {level!r}")
    kept = set((inputs,) if isinstance(inputs, Value) else inputs or ())
    consumers: dict[Value, list[Value]] = {}
    for node in order:
        for parent in node.parents:
            consumers.setdefault(parent, []).append(node)
    box_of: dict[Value, str] = {}
    # Consumers come after their parents in ``order``, so walking it backwards
    # decides every consumer's box before the nodes it uses.
    for node in reversed(order):
        if node.group is not None:
            box_of[node] = group_key(str(node.group), level)
            continue
        used_by = consumers.get(node)
        if not used_by or node in kept:
            continue
        boxes = {box_of.get(consumer) for consumer in used_by}
        if len(boxes) != 1 or None in boxes:
            continue
        # An interior node joins the box that all its users are in. A leaf used
        # more than once (an input fed to every neuron) stays in view.
        if node.parents or len(used_by) == 1:
            box_of[node] = boxes.pop()
    return box_of
def _box_label(name: str, size: int, outputs: list[Value], grad_of, options: Options) -> str:
    fmt = options.fmt
    rows = [
        f'<TR><TD COLSPAN="3"><B>{html_text(name)}</B>'
        f'<FONT POINT-SIZE="9"> ({size} nodes)</FONT></TD></TR>'
    ]
    for node in outputs[:MAX_LISTED_OUTPUTS]:
        what = node.label if node.label is not None else (node.op or "leaf")
        cells = [
            f"<TD>{html_text(what)}</TD>",
            f'<TD><FONT FACE="{MONOSPACE}">{html_text("data " + fmt(node.data))}</FONT></TD>',
        ]
        if options.show_grads:
            grad = "grad " + fmt(grad_of(node))
            cells.append(f'<TD><FONT FACE="{MONOSPACE}">{html_text(grad)}</FONT></TD>')
        rows.append(f"<TR>{''.join(cells)}</TR>")
    if len(outputs) > MAX_LISTED_OUTPUTS:
        more = f"… {len(outputs) - MAX_LISTED_OUTPUTS} more outputs"
        rows.append(f'<TR><TD COLSPAN="3">{html_text(more)}</TD></TR>')
    fill = role_rules.FILL[role_rules.GROUP]
    table = (
        f'<TABLE BORDER="1" CELLBORDER="0" CELLSPACING="0" CELLPADDING="3" BGCOLOR="{fill}">'
    )
    return html_label(table + "".join(rows) + "</TABLE>")


def build_collapsed(
    order: list[Value],
    role_of: Mapping[Value, str],
    grad_of: Callable[[Value], float],
    options: Options,
    level: str,
    max_nodes: int | None,
    inputs: Iterable[Value] | None = None,
) -> graphviz.Digraph:
    """The drawing of ``order`` with each group drawn as one box."""
    if options.number_steps:
        raise ValueError(
            "number_steps=True needs the full graph: a collapsed box hides the nodes the "
            "sweep steps through; pass collapse=None to number the steps"
        )
    box_of = assign_boxes(order, level, inputs)
    root = order[-1]
    box_names: dict[str, str] = {}
    sizes: dict[str, int] = {}
    outputs: dict[str, list[Value]] = {}
    for node in order:
        box = box_of.get(node)
        if box is None:
            continue
        if box not in box_names:
            box_names[box] = f"g{len(box_names)}"
            outputs[box] = []
        sizes[box] = sizes.get(box, 0) + 1
    is_output: set[Value] = set()  # membership only: outputs keep the order edges are met
    for node in order:
        for parent in node.parents:
            box = box_of.get(parent)
            if box is not None and box != box_of.get(node) and parent not in is_output:
                is_output.add(parent)
                outputs[box].append(parent)
    if root in box_of and root not in is_output:
        outputs[box_of[root]].append(root)
    visible = [node for node in order if node not in box_of]
    hint = ("collapse='layer' draws fewer boxes" if level == "neuron"
            else "a layer is the coarsest box there is")
    check_size(len(visible) + len(box_names), max_nodes, "nodes and boxes", hint)

    dot = new_digraph(options)
    fmt = options.fmt
    cells = final_cells(order, grad_of, fmt) if options.show_grads else None
    name_of: dict[Value, str] = {}
    drawn_boxes: set[str] = set()
    box_edges: set[tuple[str, str]] = set()
    for index, node in enumerate(order):
        box = box_of.get(node)
        if box is not None:
            name_of[node] = box_names[box]
            if box not in drawn_boxes:
                drawn_boxes.add(box)  # membership only: emission follows ``order``
                dot.node(box_names[box], _box_label(box, sizes[box], outputs[box], grad_of,
                                                    options), shape="plain")
            for parent in node.parents:
                source = name_of[parent]
                if box_of.get(parent) != box and (source, box) not in box_edges:
                    box_edges.add((source, box))
                    dot.edge(source, box_names[box])
            continue
        name = f"v{index}"
        name_of[node] = name
        fill = role_rules.FILL[role_of[node]] if options.colour_roles else "#ffffff"
        label = value_label(node, fill, f"data {fmt(node.data)}",
                            cells[node] if cells is not None else None, None)
        dot.node(name, label, shape="plain")
        if not node.parents:
            continue
        op_name = f"op{index}"
        dot.node(op_name, op_label(node.op or "?"), shape="ellipse", fontsize="10",
                 margin="0.03,0.01", height="0.3")
        for parent, local_grad in zip(node.parents, node.local_grads, strict=True):
            edge_label = html_label(html_text(fmt(local_grad))) if options.show_local_grads \
                else None
            dot.edge(name_of[parent], op_name, label=edge_label)
        dot.edge(op_name, name)
    if options.colour_roles and options.legend:
        roles_present = present(role_of, visible) + ([role_rules.GROUP] if box_names else [])
        add_legend(dot, roles_present, options)
    return dot
