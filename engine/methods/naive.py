"""The naive per-edge chain rule: each derivative computed on its own.

The lecture on backpropagation computes ∂ŷ/∂w_i on the chain
ŷ = a·w_T⋯w_1·x by applying the chain rule separately for every weight:

    ∂ŷ/∂w_i = ∂ŷ/∂z_T · ∂z_T/∂z_{T−1} ⋯ ∂z_{i+1}/∂z_i · ∂z_i/∂w_i

``naive_gradients`` does exactly that on any graph. For each leaf w, and
sharing no derivative work with the other leaves, it applies the chain rule
from the root down to w, through only the nodes that depend on w (w's
forward cone), seeded with dŷ/dŷ = 1:

    dŷ/d(node) = Σ over consumers c in the cone of  ∂c/∂node · dŷ/dc

One product per edge of the cone, so P leaves cost O(P·(E+V)): about
O((E+V)²) on the lecture's graphs, against E products for the one sweep in
``engine.backward``, which does the same for every node at once. The cone
is visited in the sweep's own order and each sum is taken in the sweep's
order, so the two agree bit for bit, nan and inf included (a selected zero
discards what comes from the output's side in both). Both return the same
``Gradients`` with their work counted, so tests compare them exactly.
"""

from __future__ import annotations

from collections.abc import Iterable

from engine.gradients import Gradients
from engine.graph import consumers_of, forward_cone, require_node, targets, topological_order
from engine.node import Node


def naive_gradients(root: Node, wrt: Iterable[Node] | None = None) -> Gradients:
    """d(root)/dw for each w in ``wrt`` (default: every leaf), one w at a time.

    ``products`` counts local-derivative multiplications (one per edge
    whose lower end depends on w, for each w); ``visits`` counts the nodes
    of each cone.

    Work on the lecture's chain. Build z_1 = w_1·x, z_i = w_i·z_{i−1},
    ŷ = a·z_T. The graph has T+2 leaves (x, a, w_1…w_T), V = 2T+3 nodes and
    E = 2T+2 edges (two per product). The pass for a leaf multiplies across
    every edge between it and ŷ:

    - w_i: ŷ→z_T, z_T→z_{T−1}, …, z_{i+1}→z_i (T−i edges), then z_i→w_i:
      T−i+2 products. The lecture counts T−i+1 for the same chain (its
      factors minus one); the extra one is the product with the seed
      dŷ/dŷ = 1, which the sweep also performs at its own seed, so both
      methods count alike. Over i = 1…T: Σ (T−i+1) + T = T(T+1)/2 + T, the
      lecture's triangular sum 1 + 2 + … + T plus one seed product per weight;
    - x: ŷ→z_T, …, z_1→x: T+1 products;
    - a: ŷ→a: 1 product.

    In all T(T+1)/2 + 2T + 2 = T(T+1)/2 + E products: O(T²), while the sweep
    takes exactly E = 2T+2. Visits: the cone of w_i holds T−i+3 nodes
    (w_i, z_i…z_T, ŷ), of x T+2, of a 2: in all T(T+1)/2 + 3T + 4.
    """
    require_node(root, "naive_gradients(root)")
    order = topological_order(root)
    consumers = consumers_of(order)
    gradients: dict[Node, float] = {}
    products = 0
    visits = 0
    for w in targets(order, wrt, "naive_gradients"):
        if w not in consumers:  # not behind the root: the root does not depend on it
            gradients[w] = 0.0
            continue
        cone = set(forward_cone(w, consumers))
        # Fresh for every w: nothing computed for one leaf is reused for another.
        grad = dict.fromkeys(cone, 0.0)
        grad[root] = 1.0
        for node in reversed(order):
            if node not in cone:
                continue
            upstream = grad[node]
            for parent, local_grad in zip(node.parents, node.local_grads, strict=True):
                if parent in cone:
                    grad[parent] += local_grad * upstream
                    products += 1
        visits += len(cone)
        gradients[w] = grad[w]
    return Gradients(gradients, products=products, visits=visits)
