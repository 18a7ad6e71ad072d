"""Finite-difference gradients: against the sweep on random smooth DAGs, the
lecture's one-weight example, two evaluations per input, and teaching errors."""

import math

import pytest
from hypothesis import assume, given, settings

from engine import Value, sweep_gradients
from engine.methods.finite_differences import central_difference, finite_difference_gradients
from tests.expressions import programs, run_floats, run_program


def test_lecture_one_weight_example():
    # The lectures' one-weight example: x = 3, w = 0.1, y = 1, L = (w·x − y)² = 0.49,
    # dL/dw = −4.2.
    x, w, y = Value(3.0), Value(0.1), Value(1.0)
    grads = finite_difference_gradients(lambda x, w, y: (w * x - y) ** 2, [x, w, y])
    assert grads[w] == pytest.approx(-4.2, abs=1e-8)
    assert grads[x] == pytest.approx(2 * (0.3 - 1.0) * 0.1, abs=1e-8)
    assert grads[y] == pytest.approx(-2 * (0.3 - 1.0), abs=1e-8)


def test_two_evaluations_per_input_and_no_products():
    calls = []

    def f(a, b, c):
        calls.append((a.data, b.data, c.data))
        return a * b + c.tanh()

    inputs = [Value(0.5), Value(-2.0), Value(0.25)]
    grads = finite_difference_gradients(f, inputs, eps=1e-5)
    assert grads.visits == len(calls) == 6
    assert grads.products == 0
    # Each pair moves exactly one coordinate by ±ε and leaves the others alone.
    for index in range(3):
        above, below = calls[2 * index], calls[2 * index + 1]
        for j in range(3):
            expected = inputs[j].data + (1e-5 if j == index else 0.0)
            assert above[j] == expected
            expected = inputs[j].data - (1e-5 if j == index else 0.0)
            assert below[j] == expected


def test_keyed_by_the_inputs_which_stay_untouched():
    a, b = Value(1.5), Value(0.5)
    grads = finite_difference_gradients(lambda a, b: a / b, [a, b])
    assert list(grads) == [a, b]
    assert (a.data, b.data, a.grad, b.grad) == (1.5, 0.5, 0.0, 0.0)
    assert grads[a] == pytest.approx(2.0, rel=1e-9)
    assert grads[b] == pytest.approx(-6.0, rel=1e-9)


def test_agrees_with_central_difference_one_input_at_a_time():
    f = lambda a, b: (a * b).exp() + a.sigmoid()  # noqa: E731
    inputs = [Value(0.3), Value(-0.7)]
    grads = finite_difference_gradients(f, inputs, eps=1e-4)
    for index, leaf in enumerate(inputs):
        assert grads[leaf] == central_difference(f, inputs, index, eps=1e-4)


@settings(max_examples=100, deadline=None)
@given(programs(max_inputs=4, max_steps=10))
def test_agrees_with_the_sweep_on_random_smooth_dags(program):
    value = run_floats(program, program.inputs)
    assume(math.isfinite(value) and abs(value) < 1e6)
    leaves = [Value(x) for x in program.inputs]
    sweep = sweep_gradients(run_program(program, leaves), leaves)
    assume(all(math.isfinite(g) and abs(g) < 1e6 for g in sweep.values()))
    numeric = finite_difference_gradients(lambda *xs: run_program(program, xs), leaves)
    # Rounding in a central difference grows with |f| / ε; truncation with f'''·ε².
    tolerance = 1e-6 * (1.0 + abs(value))
    for leaf in leaves:
        assert numeric[leaf] == pytest.approx(sweep[leaf], rel=1e-5, abs=tolerance)


def test_errors_that_teach():
    x = Value(1.0)
    with pytest.raises(TypeError, match=r"inputs\[1\].*Values"):
        finite_difference_gradients(lambda a, b: a * b, [x, 2.0])
    with pytest.raises(ValueError, match="same Value"):
        finite_difference_gradients(lambda a, b: a * b, [x, x])
    with pytest.raises(ValueError, match="eps"):
        finite_difference_gradients(lambda a: a, [x], eps=0.0)
    with pytest.raises(TypeError, match="list or tuple"):
        finite_difference_gradients(lambda a: a, x)
    with pytest.raises(TypeError, match="must return"):
        finite_difference_gradients(lambda a: "text", [x])
