"""The backward sweep as a list of visits: what each step computes and passes on.

The step drawings, the GIF and the notebook player all show the same thing,
read here once from ``engine.graph``: ``topological_order`` gives the nodes
and ``backward_edges`` the edges in the order the sweep passes gradient
along them (the lecture on backpropagation). Gradients are computed from the
recorded local derivatives, seeded with d(root)/d(root) = 1, so no ``.grad``
is read or written and nothing left by an earlier ``backward()`` shows up.

When the sweep visits a node its gradient is final, the sum of what its
consumers passed to it; it then passes along each edge to a parent

    contribution = local derivative × upstream gradient = (∂node/∂parent) · node.grad

and the parent's running sum grows by that term.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.graph import backward_edges
from engine.node import Node


@dataclass(frozen=True)
class Pass:
    """One edge of one step: ``parent`` receives ``local_grad × upstream``."""

    node: Node  # the node being visited (the consumer)
    parent: Node
    position: int  # which of ``node.parents`` (``x * x`` has two edges to x)
    local_grad: float
    upstream: float  # the visited node's final gradient
    contribution: float
    running_sum: float  # the parent's gradient so far, this term included
    term: int  # this term's number among the parent's terms (1 for the first)


@dataclass(frozen=True)
class Visit:
    """One step of the sweep: the node, its final gradient, the terms it summed, what it passed."""

    node: Node
    grad: float
    terms: tuple[Pass, ...]  # the passes that made up ``grad`` (none for the root: seeded 1)
    passes: tuple[Pass, ...]  # what it passes on to its parents (none for a leaf)


def backward_visits(order: list[Node]) -> list[Visit]:
    """Every step of the sweep over ``order`` (a topological order, root last), in sweep order."""
    root = order[-1]
    grads = {node: 0.0 for node in order}
    grads[root] = 1.0
    received: dict[Node, list[Pass]] = {node: [] for node in order}
    passed: dict[Node, list[Pass]] = {node: [] for node in order}
    for node, parent, local_grad in backward_edges(order):
        contribution = local_grad * grads[node]
        grads[parent] += contribution
        sent = passed[node]
        edge = Pass(node, parent, len(sent), local_grad, grads[node], contribution,
                    grads[parent], len(received[parent]) + 1)
        sent.append(edge)
        received[parent].append(edge)
    # The sweep's order of visits is the reversed topological order.
    return [Visit(node, grads[node], tuple(received[node]), tuple(passed[node]))
            for node in reversed(order)]
