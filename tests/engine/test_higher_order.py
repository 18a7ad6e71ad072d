"""``hessian``, ``hvp`` and ``partial_derivatives`` against closed forms and each other."""

import math

import pytest

from engine import Value, hessian, hvp, partial_derivatives
from engine.examples import LECTURE_NEURON_INPUTS, build_neuron


def quadratic(x, y, z):
    # f = x²y + 3yz + z³: H = [[2y, 2x, 0], [2x, 0, 3], [0, 3, 6z]]
    return x * x * y + 3 * y * z + z**3


def test_the_hessian_of_a_polynomial_is_its_closed_form():
    x, y, z = 1.5, -2.0, 0.5
    assert hessian(quadratic, [x, y, z]) == [[2 * y, 2 * x, 0.0], [2 * x, 0.0, 3.0],
                                             [0.0, 3.0, 6 * z]]


def test_the_lecture_neurons_hessian_is_symmetric_and_hvp_is_its_product():
    point = list(LECTURE_NEURON_INPUTS.values())
    matrix = hessian(build_neuron, point)
    n = len(point)
    for i in range(n):
        for j in range(n):
            assert matrix[i][j] == pytest.approx(matrix[j][i], rel=1e-14, abs=1e-15)
    # ∂²o/∂w1² = x1²·tanh''(n), with tanh''(n) = −2o(1 − o²).
    o = 1 / math.sqrt(2)
    assert matrix[1][1] == pytest.approx(4.0 * -2 * o * (1 - o * o), rel=1e-12)
    vector = [0.5, -1.0, 2.0, 0.25, 1.5]
    product = hvp(build_neuron, point, vector)
    for i in range(n):
        expected = sum(matrix[i][j] * vector[j] for j in range(n))
        assert product[i] == pytest.approx(expected, rel=1e-12, abs=1e-15)


def test_partial_derivatives_key_every_order_k_index():
    table = partial_derivatives(lambda a, b: a**3 * b, [2.0, 5.0], 3)
    assert len(table) == 8
    assert table[(0, 0, 0)] == 6 * 5.0 and table[(0, 0, 1)] == table[(1, 0, 0)] == 6 * 2.0
    assert table[(1, 1, 1)] == 0.0
    assert partial_derivatives(lambda a: a.exp(), [0.0], 1) == {(0,): 1.0}


def test_inputs_may_be_values_which_are_left_untouched():
    w = Value(0.5, label="w")
    assert hessian(lambda w: w**4, [w]) == [[12 * 0.25]]
    assert (w.grad, w.data) == (0.0, 0.5)


@pytest.mark.parametrize("call, error, message", [
    (lambda: hessian(3, [1.0]), TypeError, r"hessian\(f, \.\.\.\): f must be callable"),
    (lambda: hessian(lambda x: 1.0, [1.0]), TypeError, "f must return a Value, got float"),
    (lambda: hvp(quadratic, [1.0, 2.0, 3.0], [1.0]), ValueError, "3 inputs need a vector of 3"),
    (lambda: hvp(quadratic, [1.0, 2.0, 3.0], 1.0), TypeError, "vector must be a list"),
    (lambda: hvp(quadratic, [1.0, 2.0, 3.0], [1.0, "2", 3.0]), TypeError,
     r"vector\[1\] must be a number"),
    (lambda: partial_derivatives(quadratic, [1.0, 2.0, 3.0], 0), ValueError, "order"),
])
def test_bad_arguments_are_named(call, error, message):
    with pytest.raises(error, match=message):
        call()
