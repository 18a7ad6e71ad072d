"""Central differences: the derivative estimated from two evaluations.

    ∂f/∂x_i ≈ (f(x + ε·e_i) − f(x − ε·e_i)) / (2ε)

The error is O(ε²) from truncation plus O(u/ε) from rounding (u ≈ 1e-16),
so ε ≈ 1e-6 balances them at about 1e-10 relative for smooth f. Lecture 001
names this the other naive method: two evaluations per weight, each costing
a whole forward pass, O(E²) in all, and only approximate.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from engine.modes import no_grad
from engine.value import Value, as_value

Function = Callable[..., Value | float]


def input_floats(inputs: Sequence[Value | float], name: str = "inputs") -> list[float]:
    """The numbers behind ``inputs`` (Values or plain numbers)."""
    if isinstance(inputs, (str, bytes)) or not isinstance(inputs, Sequence):
        raise TypeError(f"{name} must be a list or tuple of numbers or Values")
    return [as_value(x).data for x in inputs]


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
    if not eps > 0.0:
        raise ValueError(f"eps must be a positive step size, got {eps!r}")
    point = input_floats(inputs)
    if not -len(point) <= index < len(point):
        raise ValueError(f"index {index} is out of range for {len(point)} inputs")
    x = point[index]
    point[index] = x + eps
    above = evaluate(f, point)
    point[index] = x - eps
    below = evaluate(f, point)
    return (above - below) / (2.0 * eps)
