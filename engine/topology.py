"""Topological order of a computation graph, without recursion.

``topological_order(root)`` lists every node the root depends on, each after
all of its parents, the root last. It is an iterative depth-first search: a
node is emitted when it is popped the second time, after everything pushed
above it (its parents and their ancestors) has been emitted. Each edge is
pushed once and each node expanded once, so the work is O(E+V),
and the Python call stack stays flat however deep the graph is.
"""

from __future__ import annotations

from engine.value import Value

# Pushed above a node to say "its parents are done; emit the node below me".
_EMIT = None


def topological_order(root: Value) -> list[Value]:
    """Every node reachable from ``root`` through parents, parents first."""
    if not isinstance(root, Value):
        raise TypeError(f"topological_order(root) needs a Value, got {type(root).__name__}")
    order: list[Value] = []
    visited: set[Value] = set()
    stack: list[Value | None] = [root]
    # Local names for the bound methods: this loop runs once per node.
    pop, push, push_all = stack.pop, stack.append, stack.extend
    visit, emit = visited.add, order.append
    while stack:
        node = pop()
        if node is _EMIT:
            emit(pop())
            continue
        if node in visited:
            continue
        visit(node)
        push(node)
        push(_EMIT)
        # Pushing every parent and skipping the visited ones when popped is
        # cheaper than testing each one here (one C call instead of a loop).
        push_all(node.parents)
    return order
