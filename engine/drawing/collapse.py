"""Which box each node falls in when a drawing collapses neurons or layers.

``nn`` writes a group name on the output of each neuron
(``node.group = "L1.N3"``), and a collapsed drawing draws each group as one
box:

- ``collapse="neuron"``: one box per group name (``"L1.N3"``);
- ``collapse="layer"``: one box per layer, the name up to its last ``.``
  (``"L1"``; a name without a dot is its own layer).

Only outputs are marked; the rest of a box is inferred. A node without a
group joins a box when every node that uses it lies in that box (the
products and partial sums inside a neuron), and a leaf when it feeds exactly
one node in a box (a neuron's weight or bias, or a constant), unless it is
named in ``inputs=``. Everything else without a group (the network's inputs,
a loss computed from its outputs) is drawn in full.

This module decides membership only; ``engine.drawing.picture`` draws it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from engine.graph import consumers_of
from engine.node import Node


def group_key(group: str, level: str) -> str:
    """The box a group name falls in: itself per neuron, its layer per layer."""
    if level == "neuron":
        return group
    return group.rsplit(".", 1)[0]


def _index_key(name: str) -> tuple[object, ...]:
    """Sort key that reads the numbers in a name: L2.N10 after L2.N9, not before."""
    parts: list[object] = []
    for piece in name.split("."):
        digits = piece.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")
        prefix = piece[: len(piece) - len(digits)]
        parts.append((prefix, int(digits)) if digits.isdigit() else (piece, -1))
    return tuple(parts)


def assign_boxes(order: list[Node], level: str, inputs: Iterable[Node] = ()) -> dict[Node, str]:
    """``{node: box name}`` for every node hidden in a box."""
    kept = set(inputs)
    consumers = consumers_of(order)
    box_of: dict[Node, str] = {}
    # Consumers come after their parents in ``order``, so walking it backwards
    # decides every consumer's box before the nodes it uses.
    for node in reversed(order):
        if node.group is not None:
            box_of[node] = group_key(str(node.group), level)
            continue
        used_by = consumers[node]
        if not used_by or node in kept:
            continue
        boxes = {box_of.get(consumer) for consumer, _ in used_by}
        if len(boxes) != 1 or None in boxes:
            continue
        # An interior node joins the box that all its users are in. A leaf used
        # more than once (an input fed to every neuron) stays in view.
        if node.parents or len(used_by) == 1:
            box_of[node] = boxes.pop()  # type: ignore[assignment]  # None excluded above
    return box_of


@dataclass(frozen=True)
class Boxes:
    """The boxes of a collapsed drawing: members, sizes and outputs of each."""

    box_of: dict[Node, str]  # every hidden node's box
    names: list[str]  # box names, ordered by layer and neuron index
    sizes: dict[str, int]  # nodes hidden in each box
    outputs: dict[str, list[Node]]  # each box's nodes used outside it (or the root)


def collapse(order: list[Node], level: str, inputs: Iterable[Node] = ()) -> Boxes:
    """Group ``order`` into boxes at ``level`` and find what each box outputs."""
    box_of = assign_boxes(order, level, inputs)
    sizes: dict[str, int] = {}
    for box in box_of.values():
        sizes[box] = sizes.get(box, 0) + 1
    outputs: dict[str, list[Node]] = {box: [] for box in sizes}
    is_output: set[Node] = set()  # membership only: outputs keep the order edges are met
    for node in order:
        for parent in node.parents:
            parent_box = box_of.get(parent)
            if parent_box is not None and parent_box != box_of.get(node) \
                    and parent not in is_output:
                is_output.add(parent)
                outputs[parent_box].append(parent)
    root = order[-1]
    if root in box_of and root not in is_output:
        outputs[box_of[root]].append(root)
    for listed in outputs.values():  # a layer lists N1, N2, … whatever order edges came in
        listed.sort(key=lambda node: _index_key(str(node.group)) if node.group else ())
    names = sorted(sizes, key=_index_key)
    return Boxes(box_of, names, sizes, outputs)
