"""Central differences: the derivative estimated from two evaluations.

    ∂f/∂x_i ≈ (f(x + ε·e_i) − f(x − ε·e_i)) / (2ε)

The error is O(ε²) from truncation plus O(u/ε) from rounding (u ≈ 1e-16),
so ε ≈ 1e-6 balances them at about 1e-10 relative for smooth f. The lecture
on the δ recursion names finite differences the other naive method (in the
one-sided form (f(x + ε·e_i) − f(x))/ε, whose error is O(ε)): an evaluation
or two per weight, each a whole forward pass, O(E²) in all, and only
approximate.
"""

from __future__ import annotations

from collections.abc import Sequence

from engine import arguments
from engine.gradients import Gradients
from engine.modes import no_grad
from engine.node import Node
from engine.value import Function, Value, input_floats


def evaluate(f: Function, point: Sequence[float]) -> float:
    """f at ``point``, as a float, building no graph."""
    with no_grad():
        out = f(*(Value(x) for x in point))
    if isinstance(out, Value):
        return out.data
    try:
        return float(out)
    except (TypeError, ValueError):
        raise TypeError(
            f"f must return a Value or a number, got {type(out).__name__}"
        ) from None


def central_difference(
    f: Function, inputs: Sequence[Value | float], index: int, eps: float = 1e-6
) -> float:
    """(f(x + ε·e_index) − f(x − ε·e_index)) / 2ε."""
    eps = arguments.real(eps, "eps", above=0.0, finite=True, what="a positive step size")
    point = input_floats(inputs)
    index = arguments.integer(index, "index")
    if not -len(point) <= index < len(point):
        raise ValueError(f"index {index} is out of range for {len(point)} inputs")
    x = point[index]
    point[index] = x + eps
    above = evaluate(f, point)
    point[index] = x - eps
    below = evaluate(f, point)
    return (above - below) / (2.0 * eps)


def finite_difference_gradients(
    f: Function, inputs: Sequence[Value], eps: float = 1e-6
) -> Gradients:
    """Every ∂f/∂x_i by central differences, keyed by the input Values.

    The other naive method of the lecture on the δ recursion: two evaluations of ``f`` per
    input, each a whole forward pass over the graph, so O(P·(E+V)) for P
    inputs, and approximate (about 1e-10 relative for smooth f at ε = 1e-6).
    ``f`` is called with fresh Values holding the perturbed numbers, never
    with ``inputs`` themselves, and builds no graph.

    Work: ``products`` is 0 (no local derivative is multiplied);
    ``visits`` counts evaluations of ``f``, 2·P. (Each evaluation is a
    forward pass over f's whole graph; multiply by its size for node visits.)
    """
    eps = arguments.real(eps, "eps", above=0.0, finite=True, what="a positive step size")
    if isinstance(inputs, (str, bytes)) or not isinstance(inputs, Sequence):
        raise TypeError("inputs must be a list or tuple of Values")
    seen: dict[Node, int] = {}
    for position, x in enumerate(inputs):
        if not isinstance(x, Value):
            raise TypeError(
                f"inputs[{position}] is a {type(x).__name__}: the gradients are keyed by the "
                "input Values, so pass Values (or use central_difference for plain numbers)"
            )
        if x in seen:
            raise ValueError(
                f"inputs[{seen[x]}] and inputs[{position}] are the same Value: each input "
                "gets one gradient, so list it once and let f use it as often as it needs"
            )
        seen[x] = position
    point = [x.data for x in inputs]
    gradients: dict[Node, float] = {}
    for index, x in enumerate(inputs):
        centre = point[index]
        point[index] = centre + eps
        above = evaluate(f, point)
        point[index] = centre - eps
        below = evaluate(f, point)
        point[index] = centre
        gradients[x] = (above - below) / (2.0 * eps)
    return Gradients(gradients, products=0, visits=2 * len(point))
