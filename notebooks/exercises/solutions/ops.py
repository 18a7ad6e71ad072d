"""Chapter 1: local derivatives, the numbers every node stores in the forward pass.

The lecture on backpropagation: the forward pass computes and stores every value; the backward
pass only multiplies them. For each operation you write its value and, beside
it, its local derivative with respect to each operand, as plain floats.

Exercises 1.1 and 1.2 work on floats and return ``(value, local_grads)``,
where ``local_grads`` is a tuple with one derivative per operand, in operand
order. Exercise 1.3 builds real graph nodes with the ``Value`` constructor.

Check your work:  SWEEPGRAD_EXERCISES=starter pytest tests/exercises -m exercise_1_1
"""

from __future__ import annotations

import math

from engine import Value

# --- Exercise 1.1: binary operations -------------------------------------------


def add(a: float, b: float) -> tuple[float, tuple[float, float]]:
    """Exercise 1.1: c = a + b,  ∂c/∂a = 1,  ∂c/∂b = 1.

    >>> add(2.0, -3.0)
    (-1.0, (1.0, 1.0))
    """
    return a + b, (1.0, 1.0)


def mul(a: float, b: float) -> tuple[float, tuple[float, float]]:
    """Exercise 1.1: c = a · b,  ∂c/∂a = b,  ∂c/∂b = a."""
    return a * b, (b, a)


def div(a: float, b: float) -> tuple[float, tuple[float, float]]:
    """Exercise 1.1: c = a / b,  ∂c/∂a = 1/b,  ∂c/∂b = −a/b².  (b ≠ 0)"""
    return a / b, (1.0 / b, -a / (b * b))


def power(a: float, n: float) -> tuple[float, tuple[float]]:
    """Exercise 1.1: c = aⁿ for a constant exponent n,  ∂c/∂a = n·aⁿ⁻¹.  (a > 0)

    Only a is an operand (n is a fixed number), so there is one local derivative.
    """
    return a**n, (n * a ** (n - 1),)


# --- Exercise 1.2: functions of one operand ------------------------------------


def exp(a: float) -> tuple[float, tuple[float]]:
    """Exercise 1.2: c = eᵃ,  ∂c/∂a = eᵃ (the value itself: compute it once)."""
    out = math.exp(a)
    return out, (out,)


def log(a: float) -> tuple[float, tuple[float]]:
    """Exercise 1.2: c = ln a,  ∂c/∂a = 1/a.  (a > 0)"""
    return math.log(a), (1.0 / a,)


def tanh(a: float) -> tuple[float, tuple[float]]:
    """Exercise 1.2: c = tanh a,  ∂c/∂a = 1 − tanh² a (reuse the value)."""
    t = math.tanh(a)
    return t, (1.0 - t * t,)


def sigmoid(a: float) -> tuple[float, tuple[float]]:
    """Exercise 1.2: c = σ(a) = 1/(1 + e⁻ᵃ),  ∂c/∂a = σ(a)·(1 − σ(a)).

    It must not overflow: sigmoid(-800.0) is (0.0, (0.0,)) and sigmoid(800.0)
    is (1.0, (0.0,)), with no OverflowError. Hint: for a < 0 use the equal
    form eᵃ/(1 + eᵃ), whose exponent is negative.
    """
    if a >= 0.0:
        s = 1.0 / (1.0 + math.exp(-a))
    else:
        e = math.exp(a)
        s = e / (1.0 + e)
    return s, (s * (1.0 - s),)


def relu(a: float) -> tuple[float, tuple[float]]:
    """Exercise 1.2: c = max(a, 0),  ∂c/∂a = 1 if a > 0 else 0 (0 at a = 0, as in PyTorch)."""
    if a > 0.0:
        return a, (1.0,)
    return 0.0, (0.0,)


# --- Exercise 1.3: graph nodes -----------------------------------------------------


def value_mul(a: Value, b: Value) -> Value:
    """Exercise 1.3: the node for a · b, built with the Value constructor.

    ``Value(data, parents, local_grads, op)``: data is a.data · b.data, the
    parents are the tuple (a, b) (a tuple, so value_mul(x, x) keeps both
    edges), local_grads are (∂/∂a, ∂/∂b) = (b.data, a.data), and op is "*".
    Do not use ``a * b`` itself: the point is to build the node by hand.
    """
    return Value(a.data * b.data, (a, b), (b.data, a.data), "*")


def value_tanh(a: Value) -> Value:
    """Exercise 1.3: the node for tanh(a): parents (a,), local_grads (1 − tanh² a,), op "tanh".

    Do not use ``a.tanh()`` itself.
    """
    t = math.tanh(a.data)
    return Value(t, (a,), (1.0 - t * t,), "tanh")
