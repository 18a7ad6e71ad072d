"""``draw(root)``: a computation graph as a ``graphviz.Digraph``.

Each value is a small table (label, data, grad), each operation its own small
node, and each edge from an operand to an operation carries the local
derivative ∂out/∂in that the operation recorded, so the drawing shows the
whole backward rule: a node's gradient is the sum, over the edges leaving it,
of local derivative × the consumer's gradient,

    node.grad = Σ_c (∂c/∂node) · c.grad

and where a node fans out, those contributions are listed under the total.

The DOT source depends only on the graph: nodes are named and emitted by
their position in ``topological_order`` (never by ``id`` or a set), so the
same graph gives the same bytes every time. Nothing here recurses.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import graphviz

from engine.drawing import roles as role_rules
from engine.drawing.dot import NumberFormat, check_number_format, html_label, html_text
from engine.topology import topological_order
from engine.value import Value

DEFAULT_MAX_NODES = 1000
MAX_TERMS = 6  # contributions listed under a fanned-out gradient, before "…"
MONOSPACE = "Courier"


class GraphTooLargeError(ValueError):
    """The graph has more nodes than ``max_nodes``: collapse it or raise the limit."""


@dataclass(frozen=True)
class Options:
    """How to draw: checked once by ``make_options``."""

    show_grads: bool
    show_local_grads: bool
    fmt: Callable[[float], str]
    rankdir: str
    number_steps: bool
    colour_roles: bool
    legend: bool


@dataclass(frozen=True)
class GradCell:
    """What a value's grad cell says: the total, the contributions, and whether final."""

    text: str
    contributions: str = ""
    pending: bool = False


def make_options(
    show_grads: bool = True,
    show_local_grads: bool = True,
    number_format: NumberFormat = ".4g",
    rankdir: str = "LR",
    number_steps: bool = False,
    colour_roles: bool = True,
    legend: bool = True,
) -> Options:
    if rankdir not in ("LR", "TB"):
        raise ValueError(
            f"rankdir must be 'LR' (left to right) or 'TB' (top to bottom), got {rankdir!r}"
        )
    return Options(
        bool(show_grads), bool(show_local_grads), check_number_format(number_format),
        rankdir, bool(number_steps), bool(colour_roles), bool(legend),
    )


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


# --- pieces shared by the full and collapsed drawings -----------------------


def new_digraph(options: Options) -> graphviz.Digraph:
    return graphviz.Digraph(
        "computation_graph",
        graph_attr={"rankdir": options.rankdir, "fontname": "Helvetica", "nodesep": "0.25"},
        node_attr={"fontname": "Helvetica", "fontsize": "12"},
        edge_attr={"fontname": "Helvetica", "fontsize": "10", "arrowsize": "0.6"},
    )


def sweep_steps(order: list[Value]) -> dict[Value, int]:
    """``{node: k}``: the sweep visits ``node`` at step k (the root is step 1)."""
    return {node: step for step, node in enumerate(reversed(order), start=1)}


def contributions_to(
    order: list[Value], grad_of: Callable[[Value], float]
) -> dict[Value, list[float]]:
    """For each node, the terms (∂c/∂node)·c.grad the sweep adds, in its order."""
    terms: dict[Value, list[float]] = {}
    for node in reversed(order):
        grad = grad_of(node)
        for parent, local_grad in zip(node.parents, node.local_grads, strict=True):
            terms.setdefault(parent, []).append(local_grad * grad)
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


def value_label(
    node: Value,
    fill: str,
    data_text: str,
    grad: GradCell | None,
    step: int | None,
) -> str:
    """A value node: [step] [label] data [grad, with contributions under it]."""
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


def op_label(op: str) -> str:
    return html_label(html_text(op))


def add_legend(dot: graphviz.Digraph, roles_present: Iterable[str], options: Options) -> None:
    notes = []
    if options.show_local_grads:
        notes.append("edge label: local derivative ∂out/∂in")
    if options.show_grads:
        notes.append("grad = Σ (local derivative × consumer's grad)")
    if options.number_steps:
        notes.append("step k: the k-th node the backward sweep visits")
    dot.node("legend", role_rules.legend_label(roles_present, notes), shape="plain")


def present(role_of: Mapping[Value, str], order: list[Value]) -> list[str]:
    """The roles that occur, in the fixed order of ``roles.ROLES``."""
    seen = set(role_of[node] for node in order)
    return [role for role in role_rules.ROLES if role in seen]


# --- the full drawing ----------------------------------------------------------


def build_full(
    order: list[Value],
    role_of: Mapping[Value, str],
    cells: Mapping[Value, GradCell] | None,
    options: Options,
    current: Value | None = None,
) -> graphviz.Digraph:
    """Every value and every op of ``order``; ``current`` is highlighted (step drawings)."""
    dot = new_digraph(options)
    fmt = options.fmt
    steps = sweep_steps(order) if options.number_steps else None
    name_of: dict[Value, str] = {}
    for index, node in enumerate(order):
        name = f"v{index}"
        name_of[node] = name
        fill = role_rules.FILL[role_of[node]] if options.colour_roles else "#ffffff"
        if node is current:
            fill = role_rules.CURRENT_FILL
        label = value_label(
            node, fill, f"data {fmt(node.data)}",
            cells[node] if cells is not None else None,
            steps[node] if steps is not None else None,
        )
        dot.node(name, label, shape="plain")
        if not node.parents:
            continue
        op_name = f"op{index}"
        highlight = {"color": role_rules.CURRENT_EDGE, "penwidth": "2"} if node is current else {}
        dot.node(op_name, op_label(node.op or "?"), shape="ellipse", fontsize="10",
                 margin="0.03,0.01", height="0.3", **highlight)
        for parent, local_grad in zip(node.parents, node.local_grads, strict=True):
            edge_label = html_label(html_text(fmt(local_grad))) if options.show_local_grads \
                else None
            dot.edge(name_of[parent], op_name, label=edge_label, **highlight)
        dot.edge(op_name, name, **highlight)
    if options.colour_roles and options.legend:
        add_legend(dot, present(role_of, order), options)
    return dot


def final_cells(
    order: list[Value], grad_of: Callable[[Value], float], fmt: Callable[[float], str]
) -> dict[Value, GradCell]:
    """Each node's gradient, with its contributions listed where it fans out."""
    terms = contributions_to(order, grad_of)
    cells = {}
    for node in order:
        node_terms = terms.get(node, ())
        extra = sum_text(node_terms, fmt) if len(node_terms) > 1 else ""
        cells[node] = GradCell(f"grad {fmt(grad_of(node))}", extra)
    return cells


def draw(
    root: Value,
    *,
    show_grads: bool = True,
    show_local_grads: bool = True,
    number_format: NumberFormat = ".4g",
    rankdir: str = "LR",
    number_steps: bool = False,
    colour_roles: bool = True,
    legend: bool = True,
    inputs: Iterable[Value] | None = None,
    parameters: Iterable[Value] | None = None,
    collapse: str | None = None,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    grads: Mapping[Value, float] | None = None,
) -> graphviz.Digraph:
    """The computation graph behind ``root``, ready to render or show in Jupyter.

    ``show_grads`` / ``show_local_grads``: the grad cells / the edge labels.
    ``number_format``: a format spec (``".4g"``) or a function float -> str.
    ``rankdir``: ``"LR"`` or ``"TB"``. ``number_steps``: number each value
    by the step at which the backward sweep visits it. ``colour_roles`` /
    ``legend``: fill by role (see ``engine.drawing.roles``) and explain it.
    ``inputs`` / ``parameters``: say which leaves are which.
    ``collapse``: ``"neuron"`` or ``"layer"`` draws one box per ``node.group``
    (see ``engine.drawing.collapse``). ``max_nodes``: refuse to draw more value
    nodes than this (None: no limit). ``grads``: gradients to show instead of
    ``node.grad`` (for example from ``engine.sweep_gradients``).
    """
    if not isinstance(root, Value):
        raise TypeError(f"draw(root) needs a Value, got {type(root).__name__}")
    if max_nodes is not None and (not isinstance(max_nodes, int) or max_nodes < 1):
        raise ValueError(f"max_nodes must be a positive int or None, got {max_nodes!r}")
    options = make_options(
        show_grads, show_local_grads, number_format, rankdir, number_steps, colour_roles, legend
    )
    order = topological_order(root)
    role_of = role_rules.assign_roles(order, inputs, parameters)
    if grads is None:
        def grad_of(node: Value) -> float:
            return node.grad
    else:
        def grad_of(node: Value) -> float:
            return grads.get(node, node.grad)
    if collapse is not None:
        from engine.drawing.collapse import build_collapsed

        return build_collapsed(order, role_of, grad_of, options, collapse, max_nodes, inputs)
    check_size(len(order), max_nodes, "value nodes")
    cells = final_cells(order, grad_of, options.fmt) if options.show_grads else None
    return build_full(order, role_of, cells, options)
