"""The naive per-edge chain rule: each derivative computed on its own.

The lecture on backpropagation computes ∂ŷ/∂w_i on the chain
ŷ = a·w_T⋯w_1·x by applying the chain rule separately for every weight:

    ∂ŷ/∂w_i = ∂ŷ/∂z_T · ∂z_T/∂z_{T−1} ⋯ ∂z_{i+1}/∂z_i · ∂z_i/∂w_i

``naive_gradients`` does exactly that on any graph. For each leaf w, and
sharing no derivative work with the other leaves, it walks forward from w to
the root through the local derivatives the nodes recorded (forward mode,
seeded with dw/dw = 1):

    d(node)/dw = Σ over parents p of  ∂node/∂p · dp/dw

One product per edge reachable from w, so P leaves cost O(P·(E+V)): about
O((E+V)²) on the lecture's graphs, against E products for the one sweep in
``engine.backward``. Both return the same ``Gradients`` with their work
counted, so tests compare them exactly.
"""

from __future__ import annotations

from collections.abc import Iterable

from engine.gradients import Gradients
from engine.graph import consumers_of, forward_cone, require_node, targets, topological_order
from engine.node import Node


def naive_gradients(root: Node, wrt: Iterable[Node] | None = None) -> Gradients:
    """d(root)/dw for each w in ``wrt`` (default: every leaf), one w at a time.

    Exact: the same sums of products as the sweep, taken in another order,
    so the results agree to rounding. ``products`` counts local-derivative
    multiplications (one per edge reachable from w, for each w); ``visits``
    counts the nodes each forward pass touched.

    Work on the lecture's chain. Build z_1 = w_1·x, z_i = w_i·z_{i−1},
    ŷ = a·z_T. The graph has T+2 leaves (x, a, w_1…w_T), V = 2T+3 nodes and
    E = 2T+2 edges (two per product). The forward pass from a leaf passes
    one product across every edge between it and ŷ:

    - w_i: w_i→z_i, then z_i→z_{i+1}, …, z_{T−1}→z_T (T−i edges), then
      z_T→ŷ: T−i+2 products. The lecture counts T−i+1 for the same chain
      (its factors minus one); the extra one is the product with the seed
      dw_i/dw_i = 1, which the sweep also performs at its own seed
      (dŷ/dŷ = 1 times ∂ŷ/∂z_T), so both methods count alike.
      Over i = 1…T: Σ (T−i+1) + T = T(T+1)/2 + T, the lecture's triangular
      sum 1 + 2 + … + T plus one seed product per weight;
    - x: x→z_1, z_1→z_2, …, z_T→ŷ: T+1 products;
    - a: a→ŷ: 1 product.

    In all T(T+1)/2 + 2T + 2 = T(T+1)/2 + E products: O(T²), while the sweep
    takes exactly E = 2T+2. Visits: the pass from w_i touches T−i+3 nodes
    (w_i, z_i…z_T, ŷ), from x T+2, from a 2: in all T(T+1)/2 + 3T + 4.
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
        cone = forward_cone(w, consumers)
        # Fresh for every w: nothing computed for one leaf is reused for another.
        tangent = dict.fromkeys(cone, 0.0)
        tangent[w] = 1.0
        for node in cone:
            rate = tangent[node]
            edges = consumers[node]
            for child, local_grad in edges:
                tangent[child] += local_grad * rate
            products += len(edges)
        visits += len(cone)
        gradients[w] = tangent[root]
    return Gradients(gradients, products=products, visits=visits)
