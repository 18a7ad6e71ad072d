"""Checks for exercises 1.1 to 1.3: local derivatives and nodes built by hand.

Run one exercise with ``pytest -m exercise_N_M``; see tests/exercises/test_stubs.py.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine import Value
from tests.exercises.loading import (
    SMALL,
    close,
    load,
)

# --- Exercise 1.1 and 1.2: local derivatives ----------------------------------------------

BINARY = {  # name: (value, local derivatives) written with math, points where defined
    "add": lambda a, b: (a + b, (1.0, 1.0)),
    "mul": lambda a, b: (a * b, (b, a)),
    "div": lambda a, b: (a / b, (1 / b, -a / b**2)),
}
UNARY = {
    "exp": (math.exp, lambda a: math.exp(a)),
    "log": (math.log, lambda a: 1 / a),
    "tanh": (math.tanh, lambda a: 1 / math.cosh(a) ** 2),
    "sigmoid": (lambda a: 1 / (1 + math.exp(-a)), lambda a: math.exp(-a) / (1 + math.exp(-a)) ** 2),
    "relu": (lambda a: max(a, 0.0), lambda a: 1.0 if a > 0 else 0.0),
}
points = st.floats(-4.0, 4.0, allow_nan=False)
positive = st.floats(0.1, 4.0, allow_nan=False)


@pytest.mark.exercise_1_1
@pytest.mark.parametrize("name", sorted(BINARY))
@SMALL
@given(a=points, b=positive)
def test_binary_local_derivatives_against_math_and_differences(name: str, a: float, b: float):
    value, local_grads = getattr(load("ops"), name)(a, b)
    expected_value, expected_grads = BINARY[name](a, b)
    assert close(value, expected_value)
    assert len(local_grads) == 2
    for got, want in zip(local_grads, expected_grads, strict=True):
        assert close(got, want, 1e-12, 1e-12)
    # The same slopes measured: ∂/∂a and ∂/∂b by central differences.
    def f(p):
        return BINARY[name](*p)[0]

    for index in range(2):
        numeric = (f([a + 1e-6 * (index == 0), b + 1e-6 * (index == 1)])
                   - f([a - 1e-6 * (index == 0), b - 1e-6 * (index == 1)])) / 2e-6
        assert math.isclose(local_grads[index], numeric, rel_tol=1e-5, abs_tol=1e-6)


@pytest.mark.exercise_1_1
@SMALL
@given(a=positive, n=st.floats(-3.0, 3.0, allow_nan=False))
def test_power_with_a_constant_exponent(a: float, n: float):
    value, local_grads = load("ops").power(a, n)
    assert close(value, a**n)
    assert len(local_grads) == 1
    assert close(local_grads[0], n * a ** (n - 1), 1e-11, 1e-12)


@pytest.mark.exercise_1_1
def test_binary_ops_at_a_hand_checked_point():
    ops = load("ops")
    assert ops.add(2.0, -3.0) == (-1.0, (1.0, 1.0))
    assert ops.mul(2.0, -3.0) == (-6.0, (-3.0, 2.0))
    assert ops.div(1.0, 4.0) == (0.25, (0.25, -0.0625))
    assert ops.power(3.0, 2.0) == (9.0, (6.0,))


@pytest.mark.exercise_1_2
@pytest.mark.parametrize("name", sorted(UNARY))
@SMALL
@given(a=st.floats(-6.0, 6.0, allow_nan=False).filter(lambda a: abs(a) > 1e-3))
def test_unary_local_derivatives_against_math_and_differences(name: str, a: float):
    if name == "log":
        a = abs(a)
    value, local_grads = getattr(load("ops"), name)(a)
    function, derivative = UNARY[name]
    assert close(value, function(a))
    assert len(local_grads) == 1
    assert close(local_grads[0], derivative(a), 1e-10, 1e-12)
    numeric = (function(a + 1e-6) - function(a - 1e-6)) / 2e-6
    assert math.isclose(local_grads[0], numeric, rel_tol=1e-5, abs_tol=1e-6)


@pytest.mark.exercise_1_2
def test_sigmoid_does_not_overflow_and_relu_has_slope_zero_at_zero():
    ops = load("ops")
    assert ops.sigmoid(-800.0) == (0.0, (0.0,))
    assert ops.sigmoid(800.0) == (1.0, (0.0,))
    assert ops.sigmoid(0.0) == (0.5, (0.25,))
    assert ops.relu(0.0) == (0.0, (0.0,))
    assert ops.relu(-2.0) == (0.0, (0.0,))


# --- Exercise 1.3: building nodes ---------------------------------------------------------


@pytest.mark.exercise_1_3
def test_value_mul_builds_the_node_by_hand():
    ops = load("ops")
    a, b = Value(2.0), Value(-3.0)
    c = ops.value_mul(a, b)
    assert isinstance(c, Value)
    assert c.data == -6.0
    assert c.parents == (a, b) and c.parents[0] is a and c.parents[1] is b
    assert c.local_grads == (-3.0, 2.0)
    assert c.op == "*"
    x = Value(3.0)
    square = ops.value_mul(x, x)
    assert len(square.parents) == 2, "x * x has two edges to x"
    square.backward()
    assert x.grad == 6.0


@pytest.mark.exercise_1_3
@SMALL
@given(a=st.floats(-5.0, 5.0, allow_nan=False), b=st.floats(-5.0, 5.0, allow_nan=False))
def test_value_nodes_differentiate_like_the_engines_ops(a: float, b: float):
    ops = load("ops")
    x, w = Value(a), Value(b)
    mine = ops.value_tanh(ops.value_mul(x, w))
    x2, w2 = Value(a), Value(b)
    reference = (x2 * w2).tanh()
    assert close(mine.data, reference.data)
    assert mine.op == "tanh" and len(mine.parents) == 1
    mine.backward()
    reference.backward()
    assert close(x.grad, x2.grad) and close(w.grad, w2.grad)


