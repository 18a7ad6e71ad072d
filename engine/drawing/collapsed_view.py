"""The collapsed view: a network drawn with one box per neuron or per layer.

Which nodes fall in which box is ``engine.drawing.collapse``'s decision;
this module draws it, with the values left in view drawn as in the full
view (``engine.drawing.picture``'s ``add_value`` and ``add_operation``).
Boxes come in layer and neuron order and each layer's boxes are tied into
one rank in that order; where every box of one layer feeds every box of the
next, the n² edges meet at one junction. Nothing here recurses.
"""

from __future__ import annotations

from collections.abc import Mapping

import graphviz

from engine.drawing import layout
from engine.drawing import roles as role_rules
from engine.drawing.collapse import Boxes, group_key
from engine.drawing.escaping import html_label, html_text
from engine.drawing.options import DrawOptions
from engine.drawing.picture import (
    MONOSPACE,
    add_legend,
    add_operation,
    add_value,
    data_text,
    fill_of,
    final_cells,
    new_digraph,
    present,
    rankdir_for,
    value_characters,
)
from engine.node import Node

MAX_LISTED_OUTPUTS = 8  # outputs listed in a collapsed box, before "…"
BUNDLE_EDGE = "#9e9e9e"  # the edges between boxes: many, so light


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

    Boxes are emitted by layer and neuron index, and the boxes of one layer
    are tied into one rank in that order (L1.N1 above L1.N2 …), so Graphviz
    cannot shuffle the neurons. Edges between boxes are drawn once per pair,
    in topological order, thin and without labels: a local derivative belongs
    to one edge, not to a bundle of them.
    """
    cells = final_cells(order, options) if options.show_grads else None
    level_of = layout.levels(order)
    box_level: dict[str, int] = {}
    for node, its_box in boxes.box_of.items():  # a box sits where its outputs do
        box_level[its_box] = max(box_level.get(its_box, level_of[node]), level_of[node])
    layer_level: dict[str, int] = {}  # tie_layers puts a layer's boxes in one rank
    for name, level in box_level.items():
        layer = group_key(name, "layer")
        layer_level[layer] = min(layer_level.get(layer, level), level)
    items = [(layer_level[group_key(name, "layer")],
              box_characters(name, boxes.outputs[name], options))
             for name in boxes.names]
    items += [(level_of[node], value_characters(node, data_text(node, options),
                                                cells[node] if cells is not None else None))
              for node in order if node not in boxes.box_of]
    dot = new_digraph(options, rankdir_for(options, items))
    box_names = {box: f"g{index}" for index, box in enumerate(boxes.names)}
    for name in boxes.names:
        dot.node(box_names[name], box_label(name, boxes.sizes[name], boxes.outputs[name], options),
                 shape="plain")
    tie_layers(dot, boxes.names, box_names)
    name_of: dict[Node, str] = {}
    box_edges: dict[tuple[str, str], None] = {}  # an ordered set: edges in topological order
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
            if boxes.box_of.get(parent) != box:
                box_edges[(name_of[parent], box_names[box])] = None
    add_box_edges(dot, list(box_edges), {box_names[name]: name for name in boxes.names})
    if options.colour_roles and options.legend:
        visible = [node for node in order if node not in boxes.box_of]
        roles_present = present(role_of, visible) + ([role_rules.GROUP] if boxes.names else [])
        add_legend(dot, roles_present, options)
    return dot


def box_characters(name: str, outputs: list[Node], options: DrawOptions) -> int:
    """The length of a box's longest row as text (for choosing the direction)."""
    rows = [len(name) + 12]
    for node in outputs[:MAX_LISTED_OUTPUTS]:
        what = node.label if node.label is not None else (node.op or "leaf")
        grad = len(options.formatter(options.grad_of(node))) + 5 if options.show_grads else 0
        rows.append(len(what) + len(options.formatter(node.data)) + 5 + grad)
    return max(rows)


def add_box_edges(dot: graphviz.Digraph, edges: list[tuple[str, str]],
                  box_of_name: Mapping[str, str]) -> None:
    """The edges into boxes; where every box of one layer feeds every box of the next,
    a small junction carries them (2·n edges instead of n², and no crossings).
    """
    def layer_of(name: str) -> str:
        box = box_of_name.get(name)
        return group_key(box, "layer") if box is not None else "values"

    # Boxes by layer and neuron index, values before them in the order they come.
    position = {name: index for index, name in enumerate(box_of_name)}
    for source, _ in edges:
        position.setdefault(source, -len(edges) + len(position))
    bundles: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for edge in edges:
        bundles.setdefault((layer_of(edge[0]), layer_of(edge[1])), []).append(edge)
    thin = {"color": BUNDLE_EDGE, "penwidth": "0.6", "arrowsize": "0.4"}
    for index, bundle in enumerate(bundles.values()):
        sources = sorted(dict.fromkeys(source for source, _ in bundle), key=position.__getitem__)
        targets = sorted(dict.fromkeys(target for _, target in bundle), key=position.__getitem__)
        if len(sources) > 1 and len(targets) > 1 and len(bundle) == len(sources) * len(targets):
            junction = f"all{index}"
            dot.node(junction, "", shape="point", width="0.06", color=BUNDLE_EDGE,
                     tooltip=f"each of these {len(sources)} feeds each of these {len(targets)}")
            if all(layer_of(source) == "values" for source in sources):
                tie_rank(dot, f"inputs{index}", sources)  # x1 above x2, like the boxes
            for source in sources:
                dot.edge(source, junction, arrowhead="none", **thin)
            for target in targets:
                dot.edge(junction, target, **thin)
        else:
            for source, target in sorted(bundle, key=lambda e: (position[e[1]], position[e[0]])):
                dot.edge(source, target, **thin)


def tie_layers(dot: graphviz.Digraph, names: list[str], box_names: Mapping[str, str]) -> None:
    """Put each layer's boxes in one rank, in index order."""
    layers: dict[str, list[str]] = {}
    for name in names:  # already sorted by layer and neuron index
        layers.setdefault(group_key(name, "layer"), []).append(box_names[name])
    for index, members in enumerate(layers.values()):
        tie_rank(dot, f"layer{index}", members)


def tie_rank(dot: graphviz.Digraph, name: str, members: list[str]) -> None:
    """One rank holding ``members`` in this order (invisible edges between neighbours)."""
    if len(members) < 2:
        return
    with dot.subgraph(name=name) as rank:
        rank.attr(rank="same")
        for first, second in zip(members, members[1:]):
            rank.edge(first, second, style="invis")
