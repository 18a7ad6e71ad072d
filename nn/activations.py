"""Activation functions by name: relu, leaky_relu, tanh, sigmoid, silu, linear.

The lecture on activations compares them: σ(z) = 1/(1+e^-z) with σ′ ≤ 1/4
(so deep sigmoid nets see vanishing gradients), tanh with tanh′ = 1 − tanh², ReLU with slope
1 or 0, and leaky ReLU with slope α for z < 0 so that no unit dies. Each name
maps to the ``Value`` method that computes the value and its local derivative;
``linear`` is the identity (the output layer of a regressor or a classifier
that is read through a loss).
"""

from __future__ import annotations

from collections.abc import Callable

from engine import Value

Activation = Callable[[Value], Value]


def _identity(z: Value) -> Value:
    """linear(z) = z:  ∂/∂z = 1 (no node is added)."""
    return z


ACTIVATIONS: dict[str, Activation] = {
    "relu": Value.relu,
    "leaky_relu": Value.leaky_relu,  # α = 0.01, as in PyTorch
    "tanh": Value.tanh,
    "sigmoid": Value.sigmoid,
    "silu": Value.silu,
    "linear": _identity,
}


def activation_name(name: str | None) -> str:
    """The canonical name (``None`` means ``"linear"``), or a ValueError listing valid ones."""
    if name is None:
        return "linear"
    if not isinstance(name, str):
        raise TypeError(
            f"activation must be a name such as 'relu', got {type(name).__name__}; "
            f"valid names: {', '.join(ACTIVATIONS)}"
        )
    key = name.lower()
    if key not in ACTIVATIONS:
        raise ValueError(
            f"unknown activation {name!r}: choose one of {', '.join(ACTIVATIONS)}"
        )
    return key


def get_activation(name: str | None) -> Activation:
    """The function ``Value -> Value`` for an activation name."""
    return ACTIVATIONS[activation_name(name)]
