"""Checks for exercises 6.1 and 6.2: backprop in matrix form.

Run one exercise with ``pytest -m exercise_N_M``; see tests/exercises/test_stubs.py.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from engine import Value
from tests.exercises.loading import (
    load,
)

# --- Exercise 6.1 and 6.2: matrix form ----------------------------------------------------


def engine_gradients(weights: list[np.ndarray], x: np.ndarray, y: np.ndarray
                     ) -> tuple[float, list[np.ndarray]]:
    """The same network on Values (tanh hidden, linear last, squared loss), by the sweep."""
    params = [[[Value(float(w)) for w in row] for row in W] for W in weights]
    activations: list[Value | float] = [float(v) for v in x]
    for index, W in enumerate(params):
        last = index == len(params) - 1
        sums = [sum((w * a for w, a in zip(row, activations, strict=True)), Value(0.0))
                for row in W]
        activations = sums if last else [s.tanh() for s in sums]
    loss = sum(((out - float(t)) ** 2 for out, t in zip(activations, y, strict=True)), Value(0.0))
    loss.backward()
    return loss.data, [np.array([[w.grad for w in row] for row in W]) for W in params]


@pytest.mark.exercise_6_1
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_two_layer_gradients_against_the_engine(seed: int):
    matrix_form = load("matrix_form")
    rng = np.random.default_rng(seed)
    d, m, k = 3, 4, 2
    V, W = rng.normal(size=(m, d)), rng.normal(size=(k, m))
    x, y = rng.normal(size=d), rng.normal(size=k)
    loss, grad_V, grad_W = matrix_form.two_layer_gradients(V, W, x, y)
    expected_loss, (expected_V, expected_W) = engine_gradients([V, W], x, y)
    assert math.isclose(loss, expected_loss, rel_tol=1e-12)
    assert grad_V.shape == V.shape and grad_W.shape == W.shape
    np.testing.assert_allclose(grad_V, expected_V, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(grad_W, expected_W, rtol=1e-10, atol=1e-12)


@pytest.mark.exercise_6_2
@pytest.mark.parametrize("widths", [[2, 1], [3, 5, 2], [2, 4, 4, 4, 3]])
def test_deep_gradients_against_the_engine(widths: list[int]):
    matrix_form = load("matrix_form")
    rng = np.random.default_rng(len(widths))
    weights = [rng.normal(size=(widths[i + 1], widths[i])) / math.sqrt(widths[i])
               for i in range(len(widths) - 1)]
    x, y = rng.normal(size=widths[0]), rng.normal(size=widths[-1])
    loss, grads = matrix_form.deep_gradients(weights, x, y)
    expected_loss, expected = engine_gradients(weights, x, y)
    assert math.isclose(loss, expected_loss, rel_tol=1e-12)
    assert len(grads) == len(weights)
    for got, want in zip(grads, expected, strict=True):
        assert got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


@pytest.mark.exercise_6_2
def test_deep_gradients_with_one_layer_is_least_squares():
    matrix_form = load("matrix_form")
    W = np.array([[1.0, 2.0]])
    x, y = np.array([3.0, -1.0]), np.array([0.5])
    loss, (grad,) = matrix_form.deep_gradients([W], x, y)
    assert loss == pytest.approx(0.25)  # (3 − 2 − 0.5)²
    np.testing.assert_allclose(grad, 2 * 0.5 * x[None, :])
