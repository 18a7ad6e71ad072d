"""``grad(output, inputs, create_graph=False)``: derivatives you can differentiate again.

As ``torch.autograd.grad``: d(output)/d(input) for each input, by one
backward sweep, without touching any node's ``.grad``.

- ``create_graph=False``: floats, the sweep's numbers (``sweep_gradients``'s,
  with hooks called).
- ``create_graph=True``: ``Value``s, built by the engine's own ops as the
  sweep runs. Where the sweep computes ``parent.grad += local · g`` with
  numbers, this sweep builds the same sum as a graph: each local derivative
  comes from the table in ``engine.higher.local_derivatives``, and g is the node
  built for the consumer's gradient. The result is an ordinary graph over
  the same inputs, so ``grad`` of it gives second derivatives, ``grad`` of
  those third ones, and it can be drawn, explained and checked like any
  other. Its numbers equal the first-order ones (the same operations in the
  same order; only the sign of a zero gradient may differ).

The seed dŷ/dŷ = 1 is a constant; a gradient no path reaches is a constant
0; a selected zero adds nothing (so its derivative is 0, as in PyTorch);
``DivideBy(b)`` divides. An input the output does not depend on gets 0,
as in ``sweep_gradients``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, overload

from engine import hooks
from engine.backward import swept
from engine.graph import require_node, topological_order
from engine.higher.local_derivatives import DivideBy, Local, local_derivatives
from engine.ieee import NAN, SelectedZero
from engine.modes import enable_grad
from engine.naming import node_name
from engine.node import Node, hooks_of
from engine.value import Value


@overload
def grad(output: Node, inputs: Node | Sequence[Node],
         create_graph: Literal[False] = False) -> tuple[float, ...]: ...
@overload
def grad(output: Node, inputs: Node | Sequence[Node],
         create_graph: Literal[True]) -> tuple[Value, ...]: ...
@overload
def grad(output: Node, inputs: Node | Sequence[Node],
         create_graph: bool) -> tuple[float, ...] | tuple[Value, ...]: ...


def grad(output: Node, inputs: Node | Sequence[Node],
         create_graph: bool = False) -> tuple[float, ...] | tuple[Value, ...]:
    """d(output)/d(input) for each of ``inputs`` (a Value or a list of them), as a tuple.

    >>> x = Value(3.0)
    >>> (dx,) = grad(x * x * x, x, create_graph=True)   # 3x² = 27, a Value
    >>> grad(dx, x)                                      # 6x
    (18.0,)
    """
    require_node(output, "grad(output)")
    wanted = _inputs(inputs)
    if not isinstance(create_graph, bool):
        raise TypeError(f"grad(create_graph=...) must be True or False, got "
                        f"{type(create_graph).__name__}")
    order = topological_order(output)
    if not create_graph:
        grads, _ = swept(output, order, with_hooks=bool(hooks.registered()))
        return tuple(grads.get(w, 0.0) for w in wanted)
    with enable_grad():  # the gradient's graph is recorded even inside no_grad()
        graphs = gradient_graph(output, order)
        return tuple(_or_zero(graphs.get(w)) for w in wanted)


def gradient_graph(output: Node, order: list[Node]) -> dict[Node, Value]:
    """d(output)/d(node) as a Value for every node a nonzero gradient reaches.

    The sweep of ``engine.backward`` with nodes for numbers: nodes in
    reverse topological order, so a node's gradient is complete (and its
    hooks run) before it passes it on; sums in the sweep's order.
    """
    seed = Value(1.0)
    grads: dict[Node, Value] = {output: seed}
    hooked = bool(hooks.registered())
    for node in reversed(order):
        g = grads.get(node)
        if hooked and hooks_of(node):
            g = grads[node] = hooks.run(node, Value(0.0) if g is None else g, as_node=Value)
        if not node.parents:
            continue
        if g is None:
            # Every path here was cut by a selected zero: the sweep's gradient is 0,
            # and 0·local is a number (0, or nan where local is inf or nan).
            contributions: list[Value | None] = [
                Value(NAN) if local * 0.0 != local * 0.0 else None for local in node.local_grads
            ]
        else:
            if not isinstance(node, Value):  # the rules compute with Value's ops
                raise TypeError(f"create_graph=True: {node_name(node)} is a bare Node; "
                                "gradients as graphs are built from Values")
            contributions = [_chain(local, g, seed) for local in local_derivatives(node)]
        for parent, contribution in zip(node.parents, contributions, strict=True):
            if contribution is not None:
                previous = grads.get(parent)
                grads[parent] = contribution if previous is None else previous + contribution
    return grads


def _chain(local: Local, g: Value, seed: Value) -> Value | None:
    """local · g as a node (None where nothing flows), multiplied as the sweep multiplies."""
    if isinstance(local, Value):
        return local if g is seed else local * g  # local · 1 is local exactly
    if isinstance(local, DivideBy):
        return g / local.denominator
    if isinstance(local, SelectedZero):
        return None
    if local == 1.0:
        return g
    if local == -1.0:
        return -g
    return g * local


def _or_zero(g: Value | None) -> Value:
    return Value(0.0) if g is None else g


def _inputs(inputs: Node | Sequence[Node]) -> list[Node]:
    if isinstance(inputs, Node):
        return [inputs]
    if isinstance(inputs, (str, bytes)) or not isinstance(inputs, Sequence):
        raise TypeError(f"grad(output, inputs): inputs must be a Value or a list of Values, "
                        f"got {type(inputs).__name__}")
    return [require_node(x, f"grad(output, inputs): inputs[{i}]") for i, x in enumerate(inputs)]
