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
reference cycles and is freed by reference counting when its root is dropped,
in one loop where the nesting could overflow the stack (``engine.freeing``).

How the edges are stored: every op has one or two parents, and a node keeps
them, and their local derivatives, in its own slots (``_a``, ``_b``, ``_da``,
``_db``), not in two tuples of its own; ``parents`` and ``local_grads`` build
the tuples when asked. Tuples of nodes are objects CPython's cycle collector
tracks: without them a node is one tracked object instead of two (three,
briefly, with its local derivatives), and building a graph with the
collector running costs far less (measured on a 10⁵-link tanh chain: the
collector's time 467 → 298 ms, its full collections 7 → 3; on an MLP step
49 → 16 ms; a node takes 128 bytes instead of 200). ``_b`` says which shape a node has: ``LEAF``,
``UNARY``, the second parent, or ``GENERAL`` for a node built by hand with
more parents (or with malformed edges), whose ``parents`` and
``local_grads`` are then kept as given in ``_a`` and ``_da``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from numbers import Real
from typing import Any, TypeVar

from engine import modes
from engine.freeing import NEEDED as RELEASE_ITERATIVELY
from engine.freeing import make_release_parents
from engine.naming import node_name

NO_PARENTS: tuple[Any, ...] = ()

# A node's hooks by registration number (``engine.hooks``).
Hooks = dict[int, Callable[[Any], Any]]


class _Shape:
    """A marker for ``Node._b`` (never a parent)."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


LEAF = _Shape("LEAF")
UNARY = _Shape("UNARY")
BINARY = _Shape("BINARY")  # never stored: a binary node's ``_b`` is its second parent
GENERAL = _Shape("GENERAL")


class Node:
    """A float in a computation graph, with its parents and local derivatives."""

    __slots__ = ("data", "grad", "_a", "_b", "_da", "_db", "op", "_names")

    data: float
    grad: float
    op: str

    if RELEASE_ITERATIVELY:
        __del__ = make_release_parents(LEAF)

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
        self._set_edges(parents, local_grads)
        self.op = op
        # ``label``, ``group`` and hooks share one slot: most nodes have none
        # of them, and a slot less is 8 bytes less on every node of every graph.
        # It holds None, (label, group) or (label, group, hooks).
        self._names: tuple[Any, ...] | None = (
            None if label is None else (_checked_name(label, "label"), None)
        )

    def _set_edges(self, parents: object, local_grads: object) -> None:
        """Keep the edges in the node's slots (see the module docstring)."""
        if type(parents) is tuple and type(local_grads) is tuple:
            count = len(parents)
            if count == 2 and len(local_grads) == 2:
                self._a, self._b = parents
                self._da, self._db = local_grads
                return
            if count == 1 and len(local_grads) == 1:
                (self._a,) = parents
                (self._da,) = local_grads
                self._b = UNARY
                return
            if count == 0 and not local_grads:
                self._b = LEAF
                return
        self._a, self._b, self._da = parents, GENERAL, local_grads

    @property
    def parents(self) -> tuple[Node, ...]:
        """The operands, in order (a tuple made when asked: see the module docstring)."""
        return self._edges(derivatives=False)

    @parents.setter
    def parents(self, parents: tuple[Node, ...]) -> None:
        self._set_edges(parents, self.local_grads)

    @property
    def local_grads(self) -> tuple[float, ...]:
        """∂node/∂parent for each parent, in the same order."""
        return self._edges(derivatives=True)

    @local_grads.setter
    def local_grads(self, local_grads: tuple[float, ...]) -> None:
        self._set_edges(self.parents, local_grads)

    def _edges(self, derivatives: bool) -> tuple[Any, ...]:
        """The parents, or their local derivatives, as the tuple the slots stand for."""
        b = self._b
        if b is LEAF:
            return NO_PARENTS
        if b is UNARY:
            return (self._da,) if derivatives else (self._a,)
        if b is GENERAL:
            given: tuple[Any, ...] = self._da if derivatives else self._a  # checked by backward
            return given
        return (self._da, self._db) if derivatives else (self._a, b)

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


# --- fast construction, for the ops -------------------------------------------------

_new = object.__new__
NodeType = TypeVar("NodeType", bound=Node)


def new_node(
    cls: type[NodeType], data: float, op: str, a: Node, da: float, b: object = UNARY,
    db: float = 0.0,
) -> NodeType:
    """An op's node: parent ``a`` with local derivative ``da`` (and ``b`` with ``db``).

    ``cls(data, (a, b), (da, db), op)``, or ``cls(data, (a,), (da,), op)``
    when ``b`` is left out, without building the tuples: the ops of
    ``engine.value`` build most nodes of every graph, and this skips the
    constructor's checks (their value is a float, their edges well formed)
    and its unpacking of tuples (measured: a third fewer instructions a node).
    """
    if modes.special:  # some thread is in a mode: is this one?
        state = modes.state
        if state.anomaly_detection:
            if b is UNARY:
                return cls(data, (a,), (da,), op)
            return cls(data, (a, b), (da, db), op)  # type: ignore[arg-type]
        if not state.grad_enabled:
            return leaf_node(cls, data)  # no_grad(): the value alone
    node = _new(cls)
    node.data = data
    node.grad = 0.0
    node._a = a
    node._b = b
    node._da = da
    node._db = db
    node.op = op
    node._names = None
    return node


def leaf_node(cls: type[NodeType], data: float) -> NodeType:
    """``cls(data)`` for a float: a constant an op wraps around a plain number."""
    node = _new(cls)
    node.data = data
    node.grad = 0.0
    node._b = LEAF
    node.op = ""
    node._names = None
    return node


def operands(node: Node) -> tuple[_Shape, Any, Any]:
    """What shape a node is, and its parents as its slots hold them: ``(shape, a, b)``.

    ``shape`` is ``LEAF`` (no parents; ``a`` and ``b`` None), ``UNARY`` (parent
    ``a``), ``BINARY`` (parents ``a`` and ``b``) or ``GENERAL`` (a node built by
    hand with other edges: ``a`` is its tuple of parents, as given). Every
    reader of a node's shape asks here, but for the loops that run once per
    node of every graph, the traversal (``engine.graph``) and the sweep and its
    leaf count (``engine.backward``), which read the slots themselves: a call
    per node costs them time (once measured as a third of it; with this
    function in all three, ``backward()`` on a 10⁴-link tanh chain took 439
    instead of 428 ns per node, best of six on a loaded 2-core machine), and
    they are where the engine's speed is decided. ``engine.freeing`` is the
    node's own ``__del__``, kept apart for its length.
    """
    b = node._b
    if b is LEAF:
        return LEAF, None, None
    if b is UNARY:
        return UNARY, node._a, None
    if b is GENERAL:
        return GENERAL, node._a, None
    return BINARY, node._a, b


def _apply_modes(
    data: float, parents: tuple[Node, ...], local_grads: tuple[float, ...], op: str
) -> tuple[tuple[Node, ...], tuple[float, ...], str]:
    """What ``no_grad()`` and ``detect_anomaly()`` change about a new node."""
    state = modes.state
    if state.anomaly_detection and parents and not math.isfinite(data):
        operands = ", ".join(node_name(p) for p in parents)
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
