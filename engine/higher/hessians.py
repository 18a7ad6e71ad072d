"""Derivatives of derivatives: ``hessian``, ``hvp`` and every k-th partial derivative.

All three differentiate gradients built by ``engine.grad(...,
create_graph=True)``, graphs of ordinary nodes over the same inputs:

- ``hessian(f, inputs)``: H[i][j] = ∂²f/∂xᵢ∂xⱼ, reverse over reverse: one
  sweep builds the gradient ∇f as nodes, then one sweep of each ∂f/∂xᵢ gives
  row i; n + 1 sweeps for n inputs;
- ``hvp(f, inputs, v)``: H·v without H, forward over reverse: one sweep
  builds ∇f as nodes, and one forward pass (``engine.forward``) pushes the
  tangent v through that graph. The tangent of ∂f/∂xᵢ along v is
  Σⱼ ∂²f/∂xᵢ∂xⱼ·vⱼ = (Hv)ᵢ, so the one pass gives every component at once.
  Why forward over reverse: the derivative of the gradient along v is
  exactly what a forward pass computes, and it builds nothing; reverse over
  reverse would first build the scalar v·∇f (n more nodes) and then sweep
  it. Both cost O(E) for any n, against O(n·E) for the whole Hessian;
- ``partial_derivatives(f, inputs, order)``: every ∂ᵏf/∂x_{i1}⋯∂x_{ik},
  keyed by (i1, …, ik), by k nested sweeps (what ``gradcheck(order=k)``
  checks against central differences of the (k−1)-th derivatives).

``f`` is called with fresh leaves holding the numbers of ``inputs``
(numbers or Values), as in ``gradcheck``; it must return a Value.
"""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Real

from engine import arguments
from engine.forward import push_tangents
from engine.graph import topological_order_of
from engine.higher.gradient_graph import grad
from engine.node import Node
from engine.value import Function, Value, input_floats


def _graph_of(f: Function, inputs: Sequence[Value | float], where: str
              ) -> tuple[list[Value], Value]:
    """Fresh leaves at ``inputs`` and f's output built on them."""
    if not callable(f):
        raise TypeError(f"{where}(f, ...): f must be callable, got {type(f).__name__}")
    leaves = [Value(x) for x in input_floats(inputs)]
    out = f(*leaves)
    if not isinstance(out, Value):
        raise TypeError(f"{where}: f must return a Value, got {type(out).__name__}")
    return leaves, out


def partial_derivatives(f: Function, inputs: Sequence[Value | float], order: int
                        ) -> dict[tuple[int, ...], float]:
    """Every order-k partial derivative of f at ``inputs``: {(i1, …, ik): ∂ᵏf/∂x_{i1}⋯∂x_{ik}}.

    n^k entries (mixed partials in every order, so their symmetry shows);
    n + n² + … + n^(k−1) sweeps build them.
    """
    order = arguments.integer(order, "order", minimum=1, what="a positive integer")
    leaves, out = _graph_of(f, inputs, "partial_derivatives")
    level: dict[tuple[int, ...], Value] = {(): out}
    for _ in range(order - 1):
        level = {index + (i,): g for index, node in level.items()
                 for i, g in enumerate(grad(node, leaves, create_graph=True))}
    return {index + (i,): g for index, node in level.items()
            for i, g in enumerate(grad(node, leaves))}


def hessian(f: Function, inputs: Sequence[Value | float]) -> list[list[float]]:
    """H[i][j] = ∂²f/∂xᵢ∂xⱼ at ``inputs``, reverse over reverse (n + 1 sweeps)."""
    leaves, out = _graph_of(f, inputs, "hessian")
    gradient = grad(out, leaves, create_graph=True)
    return [list(grad(g, leaves)) for g in gradient]


def hvp(f: Function, inputs: Sequence[Value | float], vector: Sequence[float]) -> list[float]:
    """H·v at ``inputs``, forward over reverse: one sweep and one forward pass."""
    if isinstance(vector, (str, bytes)) or not isinstance(vector, Sequence):
        raise TypeError(f"hvp(f, inputs, vector): vector must be a list of numbers, "
                        f"got {type(vector).__name__}")
    leaves, out = _graph_of(f, inputs, "hvp")
    if len(vector) != len(leaves):
        raise ValueError(f"hvp: {len(leaves)} inputs need a vector of {len(leaves)} numbers, "
                         f"got {len(vector)}")
    seeds: dict[Node, float] = {}
    for position, (leaf, v) in enumerate(zip(leaves, vector)):
        if isinstance(v, bool) or not isinstance(v, Real) or isinstance(v, Node):
            raise TypeError(f"hvp: vector[{position}] must be a number, got {type(v).__name__}")
        seeds[leaf] = float(v)
    gradient = grad(out, leaves, create_graph=True)
    tangents, _ = push_tangents(topological_order_of(list(gradient)), seeds)
    return [tangents.get(g, 0.0) for g in gradient]
