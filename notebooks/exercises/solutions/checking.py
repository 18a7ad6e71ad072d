"""Chapter 3: two naive ways to get a derivative, to check the sweep against.

The backpropagation lecture's naive method applies the chain rule separately for each weight
w, walking forward from w to the output:

    d(node)/dw = Σ over parents p of  (∂node/∂p) · dp/dw,   with dw/dw = 1

The δ-recursion lecture's other naive method perturbs the weight and evaluates again
(finite differences). Both cost O(E) per weight, O(E²) for all of them, where
the backward sweep costs O(E) for all at once; both make good test oracles.

Check your work:  SWEEPGRAD_EXERCISES=starter pytest tests/exercises -m exercise_3_1
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from engine import Value, topological_order

# --- Exercise 3.1: the per-edge chain rule --------------------------------------


def chain_rule_derivative(root: Value, w: Value) -> float:
    """Exercise 3.1: d(root)/dw by the chain rule applied forward from ``w``.

    Go through ``topological_order(root)`` (parents first), keeping
    ``rate[node]`` = d(node)/dw: 1 for w itself, 0 for other leaves, and
    Σ local_grad · rate[parent] over the parents of any other node. Return
    rate[root] (0.0 when root does not depend on w). ``x * x`` lists x twice:
    count both edges.
    """
    rate: dict[Value, float] = {}
    for node in topological_order(root):
        if node is w:
            rate[node] = 1.0
        else:
            rate[node] = sum(
                local_grad * rate[parent]
                for parent, local_grad in zip(node.parents, node.local_grads)
            )
    return rate.get(root, 0.0)


# --- Exercise 3.2: central differences -------------------------------------------


def central_difference(
    f: Callable[[list[float]], float], point: Sequence[float], index: int, eps: float = 1e-6
) -> float:
    """Exercise 3.2: ∂f/∂x_index ≈ (f(x + ε·e_index) − f(x − ε·e_index)) / (2ε).

    ``f`` takes a list of floats and returns a float. Do not modify ``point``
    (copy it). The error is O(ε²) from truncation plus O(u/ε) from rounding
    (u ≈ 1e-16), so ε = 1e-6 gives about ten correct digits.
    """
    above = list(point)
    below = list(point)
    above[index] += eps
    below[index] -= eps
    return (f(above) - f(below)) / (2.0 * eps)
