"""Building the picture: a computation graph as a ``graphviz.Digraph``.

Each value is a small table (label, data, grad), each operation its own small
node, and each edge from an operand to an operation carries the local
derivative ∂out/∂in that the operation recorded, so the drawing shows the
whole backward rule: a node's gradient is the sum, over the edges leaving it,
of local derivative × the consumer's gradient,

    node.grad = Σ_c (∂c/∂node) · c.grad

and where a node fans out, those contributions are listed under the total.
The full view (``build_full``, here) and the collapsed one (one box per
neuron or layer, ``engine.drawing.collapsed_view``) draw values and
operations with the same two functions, ``add_value`` and ``add_operation``.

The DOT source depends only on the graph: nodes are named and emitted by
their position in ``topological_order`` (never by ``id`` or a set), so the
same graph gives the same bytes every time. Nothing here recurses.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import graphviz

from engine.drawing import layout
from engine.drawing import roles as role_rules
from engine.drawing.display import Drawing
from engine.drawing.escaping import html_label, html_text
from engine.drawing.options import DrawOptions
from engine.graph import backward_edges
from engine.naming import node_name
from engine.node import Node

MAX_TERMS = 6  # contributions listed under a fanned-out gradient, before "…"
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
    name = node_name(shared) if shared is not None else "a node"
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


def new_digraph(options: DrawOptions, rankdir: str) -> Drawing:
    """An empty drawing running ``rankdir``, shrunk to ``options.max_width`` pixels."""
    graph_attr = {"rankdir": rankdir, "fontname": "Helvetica", "nodesep": "0.25"}
    size = layout.size_attribute(options.max_width)
    if size is not None:
        graph_attr["size"] = size
    return Drawing(
        "computation_graph",
        graph_attr=graph_attr,
        node_attr={"fontname": "Helvetica", "fontsize": "12"},
        edge_attr={"fontname": "Helvetica", "fontsize": "10", "arrowsize": "0.6"},
    )


def rankdir_for(options: DrawOptions, items: Iterable[tuple[int, int]]) -> str:
    """``options.rankdir``, or for ``"auto"`` the direction that fits (``engine.drawing.layout``).

    ``items``: ``(level, characters)`` for each node drawn.
    """
    if options.rankdir != "auto":
        return options.rankdir
    return layout.choose_rankdir(layout.estimated_widths(items), options.max_width)


def value_characters(node: Node, data_text: str, grad: GradCell | None) -> int:
    """The length of a value's table as text: label, data and the longer grad line."""
    grad_length = max(len(grad.text), len(grad.contributions)) if grad is not None else 0
    return len(node.label or "") + len(data_text) + grad_length


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


def data_text(node: Node, options: DrawOptions) -> str:
    return f"data {options.formatter(node.data)}"


def add_value(dot: graphviz.Digraph, name: str, node: Node, fill: str,
              cell: GradCell | None, step: int | None, options: DrawOptions,
              data: str | None = None) -> None:
    """Draw one value node (the same in the full and the collapsed view).

    ``data``: the text of its data cell, if not ``data <value>``.
    """
    label = value_label(node, fill, data if data is not None else data_text(node, options),
                        cell, step)
    dot.node(name, label, shape="plain")


def add_operation(dot: graphviz.Digraph, index: int, node: Node, name_of: Mapping[Node, str],
                  options: DrawOptions, highlight: bool = False,
                  edge_labels: Sequence[str] | None = None) -> None:
    """Draw ``node``'s operation and its edges: operands → op (local derivative) → value.

    ``edge_labels``: markup for each edge's label, in the order of
    ``node.parents``, instead of the local derivative.
    """
    op_name = f"op{index}"
    style = {"color": role_rules.CURRENT_EDGE, "penwidth": "2"} if highlight else {}
    dot.node(op_name, html_label(html_text(node.op or "?")), shape="ellipse", fontsize="10",
             margin="0.03,0.01", height="0.3", **style)
    for position, (parent, local_grad) in enumerate(
        zip(node.parents, node.local_grads, strict=True)
    ):
        label = None
        if edge_labels is not None:
            label = html_label(edge_labels[position])
        elif options.show_local_grads:
            label = html_label(html_text(options.formatter(local_grad)))
        dot.edge(name_of[parent], op_name, label=label, **style)
    dot.edge(op_name, name_of[node], **style)


def add_legend(dot: graphviz.Digraph, roles_present: Iterable[str], options: DrawOptions,
               more_notes: Iterable[str] = ()) -> None:
    """The legend as the drawing's caption: one line of colours, one of notes."""
    notes = []
    if options.show_local_grads:
        notes.append("edge: local derivative ∂out/∂in")
    if options.show_grads:
        notes.append("grad = Σ local derivative × consumer's grad")
    if options.number_steps:
        notes.append("step k: the k-th node the backward sweep visits")
    notes.extend(more_notes)
    dot.attr(label=role_rules.legend_label(roles_present, notes), labelloc="b", labeljust="l",
             fontsize="10")


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
    *,
    data_texts: Mapping[Node, str] | None = None,
    edge_labels: Mapping[Node, Sequence[str]] | None = None,
    legend_notes: Sequence[str] = (),
) -> graphviz.Digraph:
    """Every value and every op of ``order``; ``current`` is highlighted (step drawings).

    ``data_texts`` and ``edge_labels`` replace the data cells and the edge
    labels (markup, per edge into each node's op) where given;
    ``legend_notes`` are added to the legend.
    """
    data_of = {node: data_text(node, options) for node in order}
    if data_texts is not None:
        data_of.update(data_texts)
    level_of = layout.levels(order)
    rankdir = rankdir_for(options, (
        (level_of[node],
         value_characters(node, data_of[node], cells[node] if cells is not None else None))
        for node in order
    ))
    dot = new_digraph(options, rankdir)
    steps = sweep_steps(order) if options.number_steps else None
    name_of: dict[Node, str] = {}
    for index, node in enumerate(order):
        name_of[node] = f"v{index}"
        fill = role_rules.CURRENT_FILL if node is current else fill_of(node, role_of, options)
        add_value(dot, name_of[node], node, fill, cells[node] if cells is not None else None,
                  steps[node] if steps is not None else None, options, data_of[node])
        if node.parents:
            add_operation(dot, index, node, name_of, options, highlight=node is current,
                          edge_labels=edge_labels.get(node) if edge_labels is not None else None)
    if options.colour_roles and options.legend:
        add_legend(dot, present(role_of, order), options, legend_notes)
    return dot
