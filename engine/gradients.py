"""``Gradients``: the dict every gradient method returns, with its work counted.

The sweep, the naive per-edge chain rule, path enumeration and finite
differences all return gradients keyed by node. They also count what they
did, so complexity claims (E products for the sweep, O(E²) for the naive
chain rule) can be tested exactly instead of timed.
"""

from __future__ import annotations

from engine.node import Node


class Gradients(dict[Node, float]):
    """``{node: d(root)/d(node)}`` plus the work it took.

    ``products``: local-derivative multiplications performed.
    ``visits``: nodes visited (for finite differences: evaluations of f).
    """

    def __init__(self, gradients: dict[Node, float], products: int, visits: int) -> None:
        super().__init__(gradients)
        self.products = products
        self.visits = visits

    def __repr__(self) -> str:
        return (
            f"Gradients({len(self)} nodes, products={self.products}, visits={self.visits})"
        )
