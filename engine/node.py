"""``Node``: what a computation graph is made of, apart from any arithmetic.

A node holds a number and how it was computed:

- ``data``: its value, a float;
- ``grad``: d(root)/d(node) after a backward sweep;
- ``parents``: the operands, as a tuple, so ``x * x`` has two edges to ``x``;
- ``local_grads``: ∂node/∂parent for each parent, in the same order;
- ``op``: the operation's name (``""`` for a leaf);
- ``label`` and ``group``: names for drawings and messages;
- hooks (``engine.hooks``): functions called with the node's gradient
  during the sweep; most nodes have none.

The graph algorithms (``engine.graph``, ``engine.backward``, the naive
methods, drawing) need nothing more, so they depend on this module alone;
``engine.value.Value`` adds the operations that build new nodes. A node
refers only to its parents, which exist before it, so a graph holds no
reference cycles and is freed by reference counting when its root is dropped.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from numbers import Real
from typing import Any

from engine import modes

NO_PARENTS: tuple = ()

# A node's hooks by registration number (``engine.hooks``).
Hooks = dict[int, Callable[[Any], Any]]


class Node:
    """A float in a computation graph, with its parents and local derivatives."""

    __slots__ = ("data", "grad", "parents", "local_grads", "op", "_names")

    data: float
    grad: float
    parents: tuple[Node, ...]
    local_grads: tuple[float, ...]
    op: str

    def __init__(
        self,
        data: float,
        parents: tuple[Node, ...] = NO_PARENTS,
        local_grads: tuple[float, ...] = NO_PARENTS,
        op: str = "",
        label: str | None = None,
    ) -> None:
        if type(data) is not float:
            data = _data_as_float(data)
        if modes.special:
            parents, local_grads, op = _apply_modes(data, parents, local_grads, op)
        self.data = data
        self.grad = 0.0
        self.parents = parents
        self.local_grads = local_grads
        self.op = op
        # ``label``, ``group`` and hooks share one slot: most nodes have none
        # of them, and a slot less is 8 bytes less on every node of every graph.
        # It holds None, (label, group) or (label, group, hooks).
        self._names: tuple[Any, ...] | None = (
            None if label is None else (_checked_name(label, "label"), None)
        )

    @property
    def label(self) -> str | None:
        """A name to show in drawings, tables and error messages (settable)."""
        names = self._names
        return None if names is None else names[0]

    @label.setter
    def label(self, label: str | None) -> None:
        self._set_names(_checked_name(label, "label"), self.group)

    @property
    def group(self) -> str | None:
        """Which part of a model built this node, e.g. ``"L1.N3"`` (settable).

        ``nn`` sets it on the output of each neuron, so drawings can collapse
        a neuron (``"L1.N3"``) or a layer (``"L1"``) into one box.
        """
        names = self._names
        return None if names is None else names[1]

    @group.setter
    def group(self, group: str | None) -> None:
        self._set_names(self.label, _checked_name(group, "group"))

    def _set_names(self, label: str | None, group: str | None) -> None:
        hooks = hooks_of(self)
        if hooks is not None:
            self._names = (label, group, hooks)
        else:
            self._names = None if label is None and group is None else (label, group)

    def __float__(self) -> float:
        return self.data

    def __repr__(self) -> str:
        parts = [f"{self.data:.6g}", f"grad={self.grad:.6g}"]
        if self.label is not None:
            parts.append(f"label={self.label!r}")
        if self.op:
            parts.append(f"op={self.op!r}")
        return f"{type(self).__name__}({', '.join(parts)})"


def hooks_of(node: Node) -> Hooks | None:
    """The node's hooks (a dict kept in its names slot), or None if it never had one."""
    names = node._names
    return names[2] if names is not None and len(names) > 2 else None


def give_hooks(node: Node, hooks: Hooks) -> None:
    """Keep ``hooks`` on the node, beside its label and group."""
    node._names = (node.label, node.group, hooks)


def describe(node: Node) -> str:
    """A node's label, or its op and value when it has none (for messages)."""
    if node.label is not None:
        return f"{node.label!r} (= {node.data:.6g})"
    kind = node.op or "leaf"
    return f"unlabelled {kind} node (= {node.data:.6g})"


def _apply_modes(
    data: float, parents: tuple[Node, ...], local_grads: tuple[float, ...], op: str
) -> tuple[tuple[Node, ...], tuple[float, ...], str]:
    """What ``no_grad()`` and ``detect_anomaly()`` change about a new node."""
    state = modes.state
    if state.anomaly_detection and parents and not math.isfinite(data):
        operands = ", ".join(describe(p) for p in parents)
        raise FloatingPointError(f"detect_anomaly: {op} produced {data} from {operands}")
    if not state.grad_enabled:
        return NO_PARENTS, NO_PARENTS, ""
    return parents, local_grads, op


def _checked_name(name: object, what: str) -> str | None:
    if name is None or isinstance(name, str):
        return name
    raise TypeError(f"Value.{what} must be a str or None, got {type(name).__name__}")


def _data_as_float(data: object) -> float:
    if isinstance(data, Node):
        raise TypeError(
            "Value(data=Value(...)) is not supported: data must be a number; "
            "use the Value itself, or Value(v.data) for a detached copy"
        )
    if isinstance(data, Real):
        return float(data)
    raise TypeError(
        f"Value(data=...) got {type(data).__name__}: data must be a real number "
        "(int, float or a numpy scalar)"
    )
