"""Chapter 5: the pieces of the backpropagation lecture's minibatch SGD.

    For epoch t = 1…T:
        shuffle the data and split it into n/B batches D_i of size B
        for each batch:  g = (1/B) Σ_{(x,y) ∈ D_i} ∇_θ ℓ(h_θ(x), y),   θ ← θ − η·g

and the classification loss of the lecture on losses, softmax cross-entropy,
computed so that it never overflows.

Check your work:  SWEEPGRAD_EXERCISES=starter pytest tests/exercises -m exercise_5_1
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from engine import Value

# --- Exercise 5.1: one SGD step ---------------------------------------------------------


def sgd_step(parameters: Sequence[Value], lr: float) -> None:
    """Exercise 5.1: θ ← θ − η·∂L/∂θ for every parameter, in place.

    Change ``p.data`` using ``p.grad``; leave ``p.grad`` as it is (resetting
    it is zero_grad's job). The activations lecture's example: w = 0.1 with dL/dw = −4.2
    and η = 1 becomes w = 4.3.
    """
    raise NotImplementedError(
        "Exercise 5.1: implement training.sgd_step (read its docstring)"
    )


# --- Exercise 5.2: softmax cross-entropy, stably -------------------------------------


def softmax_cross_entropy(scores: Sequence[Value], target: int) -> Value:
    """Exercise 5.2: ℓ = −log softmax(s)_t = log Σₖ e^{sₖ} − s_t, as a Value.

    Use the log-sum-exp trick: with the constant m = maxₖ sₖ.data,
    log Σₖ e^{sₖ} = m + log Σₖ e^{sₖ − m}. Every exponent is then ≤ 0, so
    scores like [1000, 0] give a finite loss instead of inf. Subtracting a
    constant does not change the derivative, ∂ℓ/∂sₖ = softmax(s)ₖ − [k = t].
    Build it from Value ops (``-``, ``.exp()``, ``+``, ``.log()``).
    """
    raise NotImplementedError(
        "Exercise 5.2: implement training.softmax_cross_entropy (read its docstring)"
    )


# --- Exercise 5.3: minibatches -----------------------------------------------------------


def minibatches(n: int, batch_size: int, rng: random.Random) -> list[list[int]]:
    """Exercise 5.3: one epoch's batches of the indices 0…n−1.

    Shuffle the indices with ``rng.shuffle`` (a new order every call), then
    cut them into ⌈n/B⌉ consecutive batches of ``batch_size`` (the last one
    smaller when B does not divide n). Every index appears in exactly one batch.
    """
    raise NotImplementedError(
        "Exercise 5.3: implement training.minibatches (read its docstring)"
    )
