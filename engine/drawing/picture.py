"""Building the picture: a computation graph as a ``graphviz.Digraph``.

Each value is a small table (label, data, grad), each operation its own small
node, and each edge from an operand to an operation carries the local
derivative ∂out/∂in that the operation recorded, so the drawing shows the
whole backward rule: a node's gradient is the sum, over the edges leaving it,
of local derivative × the consumer's gradient,

    node.grad = Σ_c (∂c/∂node) · c.grad

and where a node fans out, those contributions are listed under the total.
The full view (``build_full``) and the collapsed one (``build_collapsed``,
one box per neuron or layer) draw values and operations with the same two
functions, ``add_value`` and ``add_operation``.

The DOT source depends only on the graph: nodes are named and emitted by
their position in ``topological_order`` (never by ``id`` or a set), so the
same graph gives the same bytes every time. Nothing here recurses.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import graphviz

from engine.drawing import roles as role_rules
from engine.drawing.collapse import Boxes
from engine.drawing.display import Drawing
from engine.drawing.options import DrawOptions
from engine.drawing.text import html_label, html_text
from engine.graph import backward_edges
from engine.node import Node

MAX_TERMS = 6  # contributions listed under a fanned-out gradient, before "…"
MAX_LISTED_OUTPUTS = 8  # outputs listed in a collapsed box, before "…"
MONOSPACE = "Courier"


class GraphTooLargeError(ValueError):
    """The graph has more nodes than ``max_nodes``: collapse it or raise the limit."""


@dataclass(frozen=True)
class GradCell:
    """What a value's grad cell says: the total, the contributions, and whether final."""

    text: str
    contributions: str = ""
    pending: bool = False


def check_size(
    count: int,
    max_nodes: int | None,
    what: str,
    hint: str = "For a network from nn, pass collapse='neuron' or collapse='layer' "
    "(one box per neuron or per layer)",
) -> None:
    """Raise ``GraphTooLargeError`` when ``count`` exceeds ``max_nodes``."""
    if max_nodes is None or count <= max_nodes:
        return
    raise GraphTooLargeError(
        f"the drawing would have {count} {what}, more than max_nodes={max_nodes}: "
        "Graphviz would take minutes and the picture would be unreadable. "
        f"{hint}; to draw every node anyway, pass max_nodes={count} (or max_nodes=None)."
    )


def check_shared_span(order: list[Node], max_span: int | None) -> None:
    """Refuse a drawing whose shared nodes reach across too many ranks (see ``DrawOptions``).

    In the picture a value sits two ranks (value, operation) below each value it
    uses; an edge from a node used more than once spans the ranks between them.
    """
    if max_span is None:
        return
    rank: dict[Node, int] = {}
    uses: dict[Node, int] = {}
    for node in order:  # parents first: their ranks are known
        rank[node] = 2 + max((rank[p] for p in node.parents), default=-2)
        for parent in node.parents:
            uses[parent] = uses.get(parent, 0) + 1
    span = 0
    widest: tuple[int, Node | None] = (0, None)
    for node in order:
        for parent in node.parents:
            if uses[parent] > 1:
                reach = rank[node] - rank[parent] - 1
                span += reach
                widest = max(widest, (reach, parent), key=lambda pair: pair[0])
    if span <= max_span:
        return
    reach, shared = widest
    name = repr(shared.label) if shared is not None and shared.label else "a node"
    times = uses[shared] if shared is not None else 0
    raise GraphTooLargeError(
        f"the drawing's shared nodes span {span} ranks, more than max_shared_span={max_span} "
        f"({name} is used {times} times, across up to {reach} ranks): "
        "Graphviz would take minutes to lay it out. Draw a shorter example (a few links of a "
        "chain show the same thing), pass collapse= for a network from nn, or pass "
        f"max_shared_span={span} (or None) to draw it anyway."
    )


# --- gradients as sums -----------------------------------------------------------


def sweep_steps(order: list[Node]) -> dict[Node, int]:
    """``{node: k}``: the sweep visits ``node`` at step k (the root is step 1)."""
    return {node: step for step, node in enumerate(reversed(order), start=1)}


def contributions_to(
    order: list[Node], grad_of: Callable[[Node], float]
) -> dict[Node, list[float]]:
    """For each node, the terms (∂c/∂node)·c.grad the sweep adds, in its order."""
    terms: dict[Node, list[float]] = {}
    for node, parent, local_grad in backward_edges(order):
        terms.setdefault(parent, []).append(local_grad * grad_of(node))
    return terms


def sum_text(terms: list[float], fmt: Callable[[float], str]) -> str:
    """``= 0.5 + 0.5`` (first MAX_TERMS terms, then how many more)."""
    shown = terms[:MAX_TERMS]
    text = "= " + fmt(shown[0])
    for term in shown[1:]:
        text += f" - {fmt(-term)}" if term < 0 else f" + {fmt(term)}"
    if len(terms) > MAX_TERMS:
        text += f" + … ({len(terms) - MAX_TERMS} more)"
    return text


def final_cells(order: list[Node], options: DrawOptions) -> dict[Node, GradCell]:
    """Each node's gradient, with its contributions listed where it fans out."""
    fmt = options.formatter
    terms = contributions_to(order, options.grad_of)
    cells = {}
    for node in order:
        node_terms = terms.get(node, [])
        extra = sum_text(node_terms, fmt) if len(node_terms) > 1 else ""
        cells[node] = GradCell(f"grad {fmt(options.grad_of(node))}", extra)
    return cells


# --- the pieces both views draw ------------------------------------------------------


def new_digraph(options: DrawOptions) -> Drawing:
    return Drawing(
        "computation_graph",
        graph_attr={"rankdir": options.rankdir, "fontname": "Helvetica", "nodesep": "0.25"},
        node_attr={"fontname": "Helvetica", "fontsize": "12"},
        edge_attr={"fontname": "Helvetica", "fontsize": "10", "arrowsize": "0.6"},
    )


def value_label(node: Node, fill: str, data_text: str, grad: GradCell | None,
                step: int | None) -> str:
    """A value node's table: [step] [label] data [grad, with contributions under it]."""
    cells = []
    if step is not None:
        cells.append(f'<TD><FONT POINT-SIZE="10">step {step}</FONT></TD>')
    if node.label is not None:
        text = html_text(node.label)
        # Graphviz rejects an empty <B></B>: an empty label is an empty cell.
        cells.append(f"<TD><B>{text}</B></TD>" if text else "<TD> </TD>")
    cells.append(f'<TD><FONT FACE="{MONOSPACE}">{html_text(data_text)}</FONT></TD>')
    if grad is not None:
        colour = ' COLOR="#888888"' if grad.pending else ""
        body = f'<FONT FACE="{MONOSPACE}"{colour}>{html_text(grad.text)}</FONT>'
        if grad.contributions:
            body += (
                f'<BR/><FONT FACE="{MONOSPACE}" POINT-SIZE="9"{colour}>'
                f"{html_text(grad.contributions)}</FONT>"
            )
        cells.append(f"<TD>{body}</TD>")
    table = (
        f'<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4" BGCOLOR="{fill}">'
    )
    return html_label(f"{table}<TR>{''.join(cells)}</TR></TABLE>")


def add_value(dot: graphviz.Digraph, name: str, node: Node, fill: str,
              cell: GradCell | None, step: int | None, options: DrawOptions) -> None:
    """Draw one value node (the same in the full and the collapsed view)."""
    label = value_label(node, fill, f"data {options.formatter(node.data)}", cell, step)
    dot.node(name, label, shape="plain")


def add_operation(dot: graphviz.Digraph, index: int, node: Node, name_of: Mapping[Node, str],
                  options: DrawOptions, highlight: bool = False) -> None:
    """Draw ``node``'s operation and its edges: operands → op (local derivative) → value."""
    op_name = f"op{index}"
    style = {"color": role_rules.CURRENT_EDGE, "penwidth": "2"} if highlight else {}
    dot.node(op_name, html_label(html_text(node.op or "?")), shape="ellipse", fontsize="10",
             margin="0.03,0.01", height="0.3", **style)
    for parent, local_grad in zip(node.parents, node.local_grads, strict=True):
        label = (html_label(html_text(options.formatter(local_grad)))
                 if options.show_local_grads else None)
        dot.edge(name_of[parent], op_name, label=label, **style)
    dot.edge(op_name, name_of[node], **style)


def add_legend(dot: graphviz.Digraph, roles_present: Iterable[str], options: DrawOptions) -> None:
    notes = []
    if options.show_local_grads:
        notes.append("edge label: local derivative ∂out/∂in")
    if options.show_grads:
        notes.append("grad = Σ (local derivative × consumer's grad)")
    if options.number_steps:
        notes.append("step k: the k-th node the backward sweep visits")
    dot.node("legend", role_rules.legend_label(roles_present, notes), shape="plain")


def present(role_of: Mapping[Node, str], nodes: Iterable[Node]) -> list[str]:
    """The roles that occur, in the fixed order of ``roles.ROLES``."""
    seen = {role_of[node] for node in nodes}
    return [role for role in role_rules.ROLES if role in seen]


def fill_of(node: Node, role_of: Mapping[Node, str], options: DrawOptions) -> str:
    return role_rules.FILL[role_of[node]] if options.colour_roles else "#ffffff"


# --- the full view ---------------------------------------------------------------------


def build_full(
    order: list[Node],
    role_of: Mapping[Node, str],
    cells: Mapping[Node, GradCell] | None,
    options: DrawOptions,
    current: Node | None = None,
) -> graphviz.Digraph:
    """Every value and every op of ``order``; ``current`` is highlighted (step drawings)."""
    dot = new_digraph(options)
    steps = sweep_steps(order) if options.number_steps else None
    name_of: dict[Node, str] = {}
    for index, node in enumerate(order):
        name_of[node] = f"v{index}"
        fill = role_rules.CURRENT_FILL if node is current else fill_of(node, role_of, options)
        add_value(dot, name_of[node], node, fill, cells[node] if cells is not None else None,
                  steps[node] if steps is not None else None, options)
        if node.parents:
            add_operation(dot, index, node, name_of, options, highlight=node is current)
    if options.colour_roles and options.legend:
        add_legend(dot, present(role_of, order), options)
    return dot


# --- the collapsed view ------------------------------------------------------------------


def box_label(name: str, size: int, outputs: list[Node], options: DrawOptions) -> str:
    """A box: its name, how many nodes it hides, and its outputs' data and grad."""
    fmt = options.formatter
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
            grad = "grad " + fmt(options.grad_of(node))
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
    order: list[Node], role_of: Mapping[Node, str], boxes: Boxes, options: DrawOptions
) -> graphviz.Digraph:
    """The drawing of ``order`` with each box drawn as one node.

    Boxes are emitted by layer and neuron index; edges between boxes are
    drawn once per pair, in topological order, without labels: a local
    derivative belongs to one edge, not to a bundle of them.
    """
    dot = new_digraph(options)
    box_names = {box: f"g{index}" for index, box in enumerate(boxes.names)}
    for name in boxes.names:
        dot.node(box_names[name], box_label(name, boxes.sizes[name], boxes.outputs[name], options),
                 shape="plain")
    cells = final_cells(order, options) if options.show_grads else None
    name_of: dict[Node, str] = {}
    box_edges: set[tuple[str, str]] = set()
    for index, node in enumerate(order):
        box = boxes.box_of.get(node)
        if box is None:
            name_of[node] = f"v{index}"
            add_value(dot, name_of[node], node, fill_of(node, role_of, options),
                      cells[node] if cells is not None else None, None, options)
            if node.parents:
                add_operation(dot, index, node, name_of, options)
            continue
        name_of[node] = box_names[box]
        for parent in node.parents:
            source = name_of[parent]
            if boxes.box_of.get(parent) != box and (source, box) not in box_edges:
                box_edges.add((source, box))
                dot.edge(source, box_names[box])
    if options.colour_roles and options.legend:
        visible = [node for node in order if node not in boxes.box_of]
        roles_present = present(role_of, visible) + ([role_rules.GROUP] if boxes.names else [])
        add_legend(dot, roles_present, options)
    return dot
