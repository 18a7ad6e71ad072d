"""The one traversal of a computation graph, and what is read off it.

Every algorithm in sweepgrad (the sweep, the naive chain rule, path
enumeration, drawing, statistics) starts from ``topological_order`` and the
maps built here; none walks the graph on its own, and nothing recurses.

- ``topological_order(root)``: every node the root depends on, each after
  all of its parents, the root last (iterative depth-first search, O(E+V));
  ``topological_order_of(roots)`` the same for several outputs at once;
- ``backward_edges(order)``: the edges in the order the backward sweep
  passes gradient along them (consumers before the nodes they use);
- ``consumers_of(order)``: the reverse of the ``parents`` links;
- ``forward_cone(start, consumers)``: what a node influences, in order;
- ``targets(order, wrt)``: whom gradients are taken with respect to (by
  default every leaf, a node without parents);
- ``graph_stats(root)``: nodes, edges, leaves, depth, fan-out and ops;
- ``require_node(x, where)``: the argument check every entry point shares.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import NamedTuple

from engine.node import GENERAL, LEAF, UNARY, Node

Consumers = dict[Node, list[tuple[Node, float]]]

# Pushed above a node to say "its parents are done; emit the node below me".
_EMIT = None


def require_node(x: object, where: str) -> Node:
    """``x`` itself if it is a node (a ``Value``), else a TypeError naming ``where``."""
    if isinstance(x, Node):
        return x
    raise TypeError(f"{where} needs a Value, got {type(x).__name__}")


def topological_order(root: Node) -> list[Node]:
    """Every node reachable from ``root`` through parents, parents first.

    A node is emitted when it is popped the second time, after everything
    pushed above it (its parents and their ancestors) has been emitted. Each
    edge is pushed once and each node expanded once, so the work is O(E+V)
    and the Python call stack stays flat however deep the graph is.
    """
    require_node(root, "topological_order(root)")
    return _depth_first([root])


def topological_order_of(roots: Sequence[Node]) -> list[Node]:
    """Every node behind any of ``roots``, each once and after all of its parents.

    The graph of the first root comes first; then what the second adds, and
    so on (several outputs: Jacobians, the gradient of every input at once).
    """
    if isinstance(roots, Node) or not isinstance(roots, Sequence):
        raise TypeError(f"topological_order_of(roots) needs a list of Values, "
                        f"got {type(roots).__name__}")
    for position, root in enumerate(roots):
        require_node(root, f"topological_order_of(roots): roots[{position}]")
    return _depth_first(list(reversed(roots)))


def _depth_first(stack: list[Node | None]) -> list[Node]:
    """The depth-first post-order from the nodes on ``stack`` (the last one first)."""
    order: list[Node] = []
    visited: set[Node] = set()
    # Local names for the bound methods: this loop runs once per node.
    pop, push, push_all = stack.pop, stack.append, stack.extend
    visit, emit = visited.add, order.append
    while stack:
        node = pop()
        if node is _EMIT:
            emit(pop())  # type: ignore[arg-type]  # below an _EMIT is always a node
            continue
        if node in visited:
            continue
        visit(node)
        # A node keeps its one or two parents in slots (engine.node): read them
        # there, without building the ``parents`` tuple. This loop, the sweep and
        # its leaf count (engine.backward) are the only readers of the slots outside
        # engine.node: engine.node.operands answers the same question with a call
        # per node, which these loops cannot afford (measured in its docstring).
        # Pushing every parent and skipping the visited ones when popped is cheaper
        # than testing them here.
        b = node._b
        if b is LEAF:
            emit(node)  # nothing to push above it: it is done
            continue
        push(node)
        push(_EMIT)
        if b is UNARY:
            push(node._a)
        elif b is GENERAL:
            push_all(node._a)
        else:
            push(node._a)
            push(b)
    return order


def backward_edges(order: list[Node]) -> Iterator[tuple[Node, Node, float]]:
    """``(node, parent, ∂node/∂parent)`` for every edge, in backward-sweep order.

    Nodes come in reverse topological order, so every consumer of a node
    has passed its share along before the node itself is reached.
    """
    for node in reversed(order):
        for parent, local_grad in zip(node.parents, node.local_grads, strict=True):
            yield node, parent, local_grad


def consumers_of(order: list[Node]) -> Consumers:
    """For each node, the nodes that use it, each with ∂consumer/∂node.

    A node used twice by one consumer (``x * x``) appears twice, once per
    edge. Built in O(E+V) from a topological order; it is structure, not
    derivative work.
    """
    consumers: Consumers = {node: [] for node in order}
    for node in order:
        for parent, local_grad in zip(node.parents, node.local_grads, strict=True):
            consumers[parent].append((node, local_grad))
    return consumers


def forward_cone(start: Node, consumers: Consumers) -> list[Node]:
    """Every node reachable from ``start`` through consumers, in topological order.

    Iterative depth-first search over consumer links; the reversed
    post-order lists each node before everything that uses it, ``start`` first.
    """
    post_order: list[Node] = []
    seen = {start}
    # Each stack entry is a node and an iterator over its consumers, so the
    # search resumes where it left off instead of recursing.
    stack = [(start, iter(consumers[start]))]
    while stack:
        node, pending = stack[-1]
        for child, _ in pending:
            if child not in seen:
                seen.add(child)
                stack.append((child, iter(consumers[child])))
                break
        else:
            stack.pop()
            post_order.append(node)
    post_order.reverse()
    return post_order


def leaves(order: Iterable[Node]) -> list[Node]:
    """The nodes without parents, in the order given."""
    return [node for node in order if not node.parents]


def targets(order: list[Node], wrt: Iterable[Node] | None, where: str) -> list[Node]:
    """The nodes to differentiate with respect to: ``wrt``, or every leaf.

    A node listed twice is kept once (its derivative is one number); each
    must be a node, or a TypeError names its position.
    """
    if wrt is None:
        return leaves(order)
    chosen = []
    for position, node in enumerate(wrt):
        require_node(node, f"{where}: wrt[{position}]")
        chosen.append(node)
    return list(dict.fromkeys(chosen))


# --- statistics ------------------------------------------------------------------


class GraphStats(NamedTuple):
    """Sizes of the graph behind one root (a named tuple: ``import engine``
    stays light without ``dataclasses``).

    V counts nodes, E counts edges (one per entry of a node's ``parents``, so
    ``x * x`` adds two); depth is the number of edges on the longest path
    from a leaf to the root.
    """

    nodes: int
    edges: int
    leaves: int
    depth: int
    max_fan_out: int
    ops: dict[str, int]

    def __str__(self) -> str:
        ops = ", ".join(f"{op}: {count}" for op, count in self.ops.items())
        return (
            f"{self.nodes} nodes, {self.edges} edges, {self.leaves} leaves, "
            f"depth {self.depth}, max fan-out {self.max_fan_out}; ops: {ops}"
        )


def graph_stats(root: Node) -> GraphStats:
    """Count the nodes, edges, leaves, depth, fan-out and ops behind ``root``."""
    require_node(root, "graph_stats(root)")
    order = topological_order(root)
    depth: dict[Node, int] = {}
    fan_out: dict[Node, int] = {}
    ops: dict[str, int] = {}
    edges = 0
    for node in order:  # parents come first, so their depth is known
        depth[node] = 1 + max((depth[p] for p in node.parents), default=-1)
        for parent in node.parents:
            fan_out[parent] = fan_out.get(parent, 0) + 1
        edges += len(node.parents)
        if node.parents:
            ops[node.op] = ops.get(node.op, 0) + 1
    return GraphStats(
        nodes=len(order),
        edges=edges,
        leaves=len(leaves(order)),
        depth=depth[root],
        max_fan_out=max(fan_out.values(), default=0),
        ops=dict(sorted(ops.items())),
    )
