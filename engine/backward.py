"""The backward sweep: reverse-mode differentiation in O(E+V).

The lecture on backpropagation: after the forward pass has stored every
value, one sweep from the output back to the inputs gives every derivative. Visiting nodes in
reverse topological order guarantees that when a node is reached, all of its
consumers have already added their share to its gradient, so

    node.grad = Σ over consumers c of  (∂c/∂node) · c.grad

is complete, and passing it on costs one product per edge:

    parent.grad += local_grad · node.grad

Two entry points share that sweep:

- ``backward(root)`` writes ``.grad`` on the nodes (what ``Value.backward``
  calls; the fast path), and calls hooks (``engine.hooks``) where there are
  any: while none exists anywhere it runs a sweep that never looks for them;
- ``sweep_gradients(root, wrt)`` leaves the nodes untouched and returns the
  gradients as a dict, with counts of its work, in the same contract as the
  naive methods in ``engine.methods.naive`` so tests can compare them exactly.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from engine import hooks, modes
from engine.gradients import Gradients
from engine.graph import require_node, targets, topological_order
from engine.naming import node_name
from engine.node import GENERAL, LEAF, UNARY, Node, hooks_of


def backward(root: Node) -> None:
    """Set ``node.grad`` to d(root)/d(node) for every node behind ``root``.

    Leaves (no parents) accumulate: the sweep's total for each leaf is added,
    once, to what it held (as PyTorch does). Interior nodes are reset first,
    so they show this sweep's gradient however many times ``backward`` runs.

    All or nothing for the leaves: if the sweep is interrupted (Ctrl-C, an
    anomaly, a malformed node), every leaf holds what it held before it.
    """
    require_node(root, "backward(root)")
    leaves: list[Node] = []
    before: list[float] = []
    try:
        order = topological_order(root)
        keep, held = leaves.append, before.append
        for node in order:
            # The shape slot, read here as in the sweep: a call of
            # engine.node.operands per node would slow every backward().
            if node._b is LEAF:
                held(node.grad)
                keep(node)
            node.grad = 0.0
        root.grad = 1.0
        if modes.state.anomaly_detection or hooks.registered():
            _sweep_watched(order)
        else:
            _sweep(order)
        for leaf, previous in zip(leaves, before):
            total = leaf.grad
            if not isinstance(total, float):  # a hand-built local derivative, not a number
                raise TypeError(
                    f"backward: the gradient of {node_name(leaf)} came out as "
                    f"{type(total).__name__}: a node built by hand has a local derivative "
                    "that is not a real number"
                )
            leaf.grad = previous + total
    except BaseException as error:
        # Put every leaf back first: a KeyboardInterrupt may have stopped the
        # sweep (or the loop above) half way through.
        for leaf, previous in zip(leaves, before):
            leaf.grad = previous
        if isinstance(error, (AttributeError, TypeError, ValueError)):
            # Only nodes built by hand get here; name the culprit instead of
            # the unpacking or attribute lookup that tripped over it.
            _check_well_formed(root)
        raise


def _check_well_formed(root: Node) -> None:
    """Raise a ValueError naming the first node whose edges are malformed."""
    stack, seen = [root], set()
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        parents, local_grads = node.parents, node.local_grads
        if not isinstance(parents, tuple) or not isinstance(local_grads, tuple):
            raise ValueError(
                f"{node_name(node)} has parents={type(parents).__name__} and "
                f"local_grads={type(local_grads).__name__}: both must be tuples"
            )
        if len(parents) != len(local_grads):
            raise ValueError(
                f"{node_name(node)} has {len(parents)} parents but {len(local_grads)} "
                "local_grads: give one local derivative per parent"
            )
        for position, (parent, local_grad) in enumerate(zip(parents, local_grads)):
            if not isinstance(parent, Node):
                raise ValueError(
                    f"{node_name(node)} has parent {position} of type {type(parent).__name__}: "
                    "parents must be Values (wrap numbers with Value(x))"
                )
            if isinstance(local_grad, bool) or not isinstance(local_grad, (int, float)):
                raise ValueError(
                    f"{node_name(node)} has local derivative {position} of type "
                    f"{type(local_grad).__name__}: local derivatives must be numbers"
                )
        stack.extend(parents)


def _sweep(order: list[Node]) -> None:
    """parent.grad += local_grad · node.grad, over nodes in reverse order.

    Every op has one or two parents, which a node keeps in its slots
    (``engine.node``): the sweep reads them there, without building tuples
    or zipping them (a ``zip`` per node costs more than the arithmetic:
    measured on a 10⁵-link chain, 180 → 90 ns per node; on an MLP step 270 → 160).
    Reading the shape through ``engine.node.operands``, the one function other
    code asks, would add a call per node: this loop and the traversal are the
    two places that read the slots themselves (see that function's docstring).
    """
    for node in reversed(order):
        b = node._b
        if b is UNARY:
            node._a.grad += node._da * node.grad
        elif b is LEAF:
            continue
        elif b is GENERAL:  # built by hand, with more parents
            grad = node.grad
            for parent, local_grad in zip(node._a, node._da, strict=True):
                parent.grad += local_grad * grad
        else:
            grad = node.grad
            node._a.grad += node._da * grad
            b.grad += node._db * grad


def _sweep_watched(order: list[Node]) -> None:
    """The sweep of ``backward`` with hooks, and under ``detect_anomaly()``
    raising at the first non-finite gradient."""
    check = modes.state.anomaly_detection
    for node in reversed(order):
        grad = node.grad
        if hooks_of(node):  # its gradient is complete: every consumer has passed its share
            grad = node.grad = hooks.run(node, grad)
        for parent, local_grad in zip(node.parents, node.local_grads, strict=True):
            parent.grad += local_grad * grad
            if check and not math.isfinite(parent.grad):
                _raise_anomaly(node, parent, local_grad, grad, parent.grad)


def _raise_anomaly(
    node: Node, parent: Node, local_grad: float, grad: float, total: float
) -> None:
    raise FloatingPointError(
        f"detect_anomaly: backward through {node.op} made the gradient of "
        f"{node_name(parent)} {total} (local derivative {local_grad}, "
        f"gradient arriving from {node_name(node)}: {grad})"
    )


def sweep_gradients(root: Node, wrt: Iterable[Node] | None = None) -> Gradients:
    """d(root)/d(w) for each w in ``wrt`` (default: every leaf), by one sweep.

    Pure: no node's ``.grad`` changes, and no hook runs. The result counts
    its work: one product per edge (``products == E``) and one visit per
    node. Under ``detect_anomaly()`` it raises where ``backward`` would.
    """
    require_node(root, "sweep_gradients(root)")
    order = topological_order(root)
    chosen = targets(order, wrt, "sweep_gradients")
    grads, products = swept(root, order, with_hooks=False)
    return Gradients({w: grads.get(w, 0.0) for w in chosen}, products=products, visits=len(order))


def swept(root: Node, order: list[Node], with_hooks: bool) -> tuple[dict[Node, float], int]:
    """The sweep into a dict: d(root)/d(node) for every node of ``order``, and the products.

    ``with_hooks``: call each node's hooks once its gradient is complete
    (``engine.grad`` does; ``sweep_gradients`` does not).
    """
    grads: dict[Node, float] = dict.fromkeys(order, 0.0)
    grads[root] = 1.0
    products = 0
    check = modes.state.anomaly_detection
    for node in reversed(order):
        grad = grads[node]
        if with_hooks and hooks_of(node):
            grad = grads[node] = hooks.run(node, grad)
        for parent, local_grad in zip(node.parents, node.local_grads, strict=True):
            total = grads[parent] + local_grad * grad
            grads[parent] = total
            products += 1
            if check and not math.isfinite(total):
                _raise_anomaly(node, parent, local_grad, grad, total)
    return grads, products
