"""Path enumeration: the chain rule written out as a sum over paths.

Unrolling the multivariate chain rule (the lecture on backpropagation, the
backward pass's second step) gives a closed form for every derivative:

    ∂root/∂w = Σ over paths w → … → root of  Π over the path's edges of ∂child/∂parent

Exact, and the plainest statement of what backpropagation computes, but the
number of paths multiplies at every fan-out: n stacked diamonds give 2ⁿ
paths from the bottom to the top. The sweep sums the same products in O(E)
by factoring out the shared suffixes.

``count_paths`` counts the paths without walking them (dynamic programming,
the sweep with every local derivative replaced by 1), so ``path_gradients``
can refuse before it starts a walk that would not finish.
"""

from __future__ import annotations

from collections.abc import Iterable

from engine import arguments
from engine.gradients import Gradients
from engine.graph import (
    backward_edges,
    consumers_of,
    forward_cone,
    require_node,
    targets,
    topological_order,
)
from engine.node import Node

DEFAULT_MAX_PATHS = 100_000


def count_paths(root: Node, wrt: Iterable[Node] | None = None) -> dict[Node, int]:
    """Number of paths from each w in ``wrt`` (default: every leaf) up to ``root``.

    paths(root) = 1 and paths(p) = Σ over the edges p → c of paths(c), filled
    in reverse topological order (every consumer before the node it uses).
    O(E+V) additions on exact Python integers, so 2⁴⁰ is counted, not walked.
    A node the root does not depend on has 0 paths.
    """
    require_node(root, "count_paths(root)")
    order = topological_order(root)
    paths = dict.fromkeys(order, 0)
    paths[root] = 1
    for node, parent, _ in backward_edges(order):  # x * x: two edges, two paths
        paths[parent] += paths[node]
    return {w: paths.get(w, 0) for w in targets(order, wrt, "count_paths")}


def path_gradients(
    root: Node, wrt: Iterable[Node] | None = None, max_paths: int = DEFAULT_MAX_PATHS
) -> Gradients:
    """d(root)/dw for each w in ``wrt`` by summing a product over every path.

    Refuses with ``ValueError`` when the paths from all of ``wrt`` number
    more than ``max_paths`` (counted first, cheaply; raise the limit to go
    on). Each path is walked from the root down to w by an iterative
    depth-first search that carries the product so far, through only the
    nodes that depend on w, so paths sharing their upper part share its
    products: ``products`` counts one multiplication per edge of that search
    tree, ``visits`` one per node of it. Products are taken from the root's
    side, as the sweep takes them, so a selected zero discards what comes
    from above it here too.
    """
    max_paths = arguments.integer(max_paths, "max_paths", minimum=0, what="a non-negative integer")
    counts = count_paths(root, wrt)
    total = sum(counts.values())
    if total > max_paths:
        raise ValueError(
            f"path_gradients: the root has {total} paths from the {len(counts)} nodes in wrt "
            f"(about {float(total):.3g}), more than max_paths={max_paths}; enumerating them "
            "would take too long. Use sweep_gradients (one product per edge), or pass a "
            f"larger max_paths (at least {total}) if you mean it."
        )
    consumers = consumers_of(topological_order(root))
    gradients: dict[Node, float] = {}
    products = 0
    visits = 0
    for w, count in counts.items():
        if count == 0:
            gradients[w] = 0.0
            continue
        cone = set(forward_cone(w, consumers))  # the nodes a path from the root to w can use
        total_for_w = 0.0
        stack: list[tuple[Node, float]] = [(root, 1.0)]
        while stack:
            node, product = stack.pop()
            visits += 1
            if node is w:  # a path is complete
                total_for_w += product
                continue
            for parent, local_grad in zip(node.parents, node.local_grads, strict=True):
                if parent in cone:
                    stack.append((parent, local_grad * product))
                    products += 1
        gradients[w] = total_for_w
    return Gradients(gradients, products=products, visits=visits)
