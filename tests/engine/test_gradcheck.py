"""``gradcheck`` and ``central_difference``: the classroom check, checked."""

import math

import numpy as np
import pytest

from engine import Value, central_difference, gradcheck, is_grad_enabled
from engine.examples import LECTURE_NEURON_INPUTS


def neuron(x1, w1, x2, w2, b):
    return (x1 * w1 + x2 * w2 + b).tanh()


# --- verdicts -------------------------------------------------------------------


def test_a_correct_graph_passes_with_one_row_per_input():
    result = gradcheck(neuron, list(LECTURE_NEURON_INPUTS.values()))
    assert result
    assert [row.name for row in result.rows] == ["x0", "x1", "x2", "x3", "x4"]
    expected = [-1.5, 1.0, 0.5, 0.0, 0.5]
    for row, grad in zip(result.rows, expected, strict=True):
        assert row.analytic == pytest.approx(grad, abs=1e-12)
        assert row.numeric == pytest.approx(grad, abs=1e-8)
        assert row.ok and row.error == abs(row.analytic - row.numeric)


def test_a_wrong_local_derivative_fails():
    def square_with_wrong_slope(x):
        return Value(x.data**2, (x,), (1.0,), "wrong")  # d(x²)/dx is 2x, not 1

    result = gradcheck(square_with_wrong_slope, [3.0])
    assert not result
    (row,) = result.rows
    assert (row.analytic, row.ok) == (1.0, False)
    assert row.numeric == pytest.approx(6.0, rel=1e-8)


def test_a_kink_fails_honestly():
    # relu at 0: the sweep says 0 (the convention), central differences 1/2.
    result = gradcheck(lambda x: x.relu(), [0.0])
    assert not result
    assert (result.rows[0].analytic, result.rows[0].numeric) == (0.0, 0.5)


def test_the_tolerance_rule_is_atol_plus_rtol_times_numeric():
    # x³ at 1 with eps = 0.01: the central difference is 3 + eps² = 3.0001.
    def f(x):
        return x**3

    def check(rtol):
        return gradcheck(f, [1.0], eps=0.01, atol=0.0, rtol=rtol)

    assert check(2e-5).rows[0].error == pytest.approx(1e-4, rel=1e-6)
    assert not check(2e-5)  # 1e-4 > 2e-5 · 3.0001
    assert check(4e-5)  # 1e-4 <= 4e-5 · 3.0001


def test_inputs_the_function_ignores_get_zero_both_ways():
    result = gradcheck(lambda a, b: a * 2.0, [1.0, 5.0])
    assert result
    assert (result.rows[1].analytic, result.rows[1].numeric) == (0.0, 0.0)


def test_value_inputs_name_the_rows_and_are_left_untouched():
    w = Value(0.5, label="w")
    b = Value(-0.25)
    result = gradcheck(lambda w, b: (w * b).exp(), [w, b])
    assert result
    assert [row.name for row in result.rows] == ["w", "x1"]
    assert (w.data, w.grad, b.data, b.grad) == (0.5, 0.0, -0.25, 0.0)


def test_number_inputs_of_any_real_type():
    result = gradcheck(lambda a, b, c: a * b + c, [2, np.float64(3.0), np.float32(0.5)])
    assert result
    assert [row.analytic for row in result.rows] == [3.0, 2.0, 1.0]


# --- the table ---------------------------------------------------------------------


def test_the_table_shows_each_input_and_the_verdict():
    text = str(gradcheck(lambda a, b: a * b, [Value(2.0, label="a"), 3.0]))
    lines = text.splitlines()
    assert lines[0].split() == ["input", "analytic", "numeric", "error", "ok"]
    assert lines[2].split()[0] == "a" and lines[2].split()[1] == "3"
    assert lines[2].split()[-1] == "yes"
    assert lines[3].split()[0] == "x1" and lines[3].split()[1] == "2"
    assert lines[-1] == "all gradients match (atol=1e-05, rtol=0.001)"


def test_a_failing_table_says_no():
    text = str(gradcheck(lambda x: x.relu(), [0.0], atol=1e-6, rtol=0.0))
    assert text.splitlines()[2].split()[-1] == "NO"
    assert text.splitlines()[-1] == "gradients DO NOT match (atol=1e-06, rtol=0)"


def test_raise_exception_raises_assertion_error_with_the_table():
    with pytest.raises(AssertionError) as failure:
        gradcheck(lambda x: x.relu(), [0.0], raise_exception=True)
    message = str(failure.value)
    assert "gradcheck failed" in message
    assert str(gradcheck(lambda x: x.relu(), [0.0])) in message


def test_raise_exception_returns_the_result_when_everything_matches():
    result = gradcheck(neuron, [2.0, -3.0, 0.0, 1.0, 0.5], raise_exception=True)
    assert result


# --- bad arguments -----------------------------------------------------------------


def test_f_must_be_callable():
    with pytest.raises(TypeError, match="f must be callable, got int"):
        gradcheck(3, [1.0])


@pytest.mark.parametrize("name, value", [("atol", -1.0), ("rtol", math.nan), ("rtol", -0.1)])
def test_tolerances_must_be_non_negative(name, value):
    with pytest.raises(ValueError, match=rf"{name} must be a non-negative number"):
        gradcheck(lambda x: x * x, [1.0], **{name: value})


@pytest.mark.parametrize("eps", [0.0, -1e-6, math.nan])
def test_eps_must_be_positive(eps):
    with pytest.raises(ValueError, match="eps must be a positive step size"):
        gradcheck(lambda x: x * x, [1.0], eps=eps)


def test_inputs_must_be_a_sequence_of_numbers():
    with pytest.raises(TypeError, match="inputs must be a list or tuple"):
        gradcheck(lambda x: x, "ab")
    with pytest.raises(TypeError, match="inputs must be a list or tuple"):
        gradcheck(lambda x: x, 1.0)
    with pytest.raises(TypeError, match="str"):
        gradcheck(lambda x, y: x * y, [1.0, "2"])


def test_f_must_return_a_value():
    with pytest.raises(TypeError, match="f must return a Value, got float"):
        gradcheck(lambda x: 1.0, [1.0])


# --- central_difference ------------------------------------------------------------


def test_central_difference_of_a_cube():
    def f(x, y):
        return x**3 * y

    assert central_difference(f, [2.0, 0.5], 0) == pytest.approx(6.0, rel=1e-9)
    assert central_difference(f, [2.0, 0.5], -1) == pytest.approx(8.0, rel=1e-9)


def test_central_difference_builds_no_graph_and_accepts_float_results():
    seen = []

    def f(x):
        seen.append(is_grad_enabled())
        return math.sin(x.data)  # a plain float is fine

    assert central_difference(f, [0.0], 0) == pytest.approx(1.0, rel=1e-10)
    assert seen == [False, False]


def test_central_difference_rejects_bad_arguments():
    with pytest.raises(ValueError, match="index 2 is out of range for 2 inputs"):
        central_difference(lambda x, y: x, [1.0, 2.0], 2)
    with pytest.raises(ValueError, match="eps"):
        central_difference(lambda x: x, [1.0], 0, eps=0.0)
    with pytest.raises(TypeError, match="f must return a Value or a number, got str"):
        central_difference(lambda x: "x", [1.0], 0)


# --- higher orders ----------------------------------------------------------------


def test_order_two_checks_every_second_derivative_against_differences_of_the_gradient():
    result = gradcheck(lambda a, b: (a * b).tanh() * a.exp(), [0.3, -1.2], order=2)
    assert result and result.order == 2
    assert [row.name for row in result.rows] == ["x0, x0", "x0, x1", "x1, x0", "x1, x1"]
    assert "all second derivatives match" in str(result)
    # ∂²/∂a∂b of a·b·e^a… by hand for a simpler f: f = a²b, f_ab = 2a.
    rows = {row.name: row for row in gradcheck(lambda a, b: a * a * b, [1.5, 4.0], order=2).rows}
    assert rows["x0, x1"].analytic == 3.0 == rows["x1, x0"].analytic
    assert rows["x0, x0"].analytic == 8.0 and rows["x1, x1"].analytic == 0.0


def test_order_three_and_a_wrong_second_derivative_that_order_one_cannot_see(monkeypatch):
    assert gradcheck(lambda x: x.sin() * x.exp(), [0.7], order=3)
    from engine.higher import local_derivatives

    # A tanh slope with the right value and the wrong derivative: 1 - t·t built from a
    # constant t. First derivatives pass; second derivatives must not.
    def frozen(out, a):
        return ((1.0 - out) * (1.0 + out)).data

    monkeypatch.setitem(local_derivatives.RULES, "tanh", lambda out, a: (frozen(out, a),))
    assert gradcheck(lambda x: x.tanh(), [0.4])
    failed = gradcheck(lambda x: x.tanh(), [0.4], order=2)
    assert not failed and "second derivatives DO NOT match" in str(failed)
    (row,) = failed.rows
    assert row.analytic == 0.0 and row.numeric == pytest.approx(
        -2 * math.tanh(0.4) * (1 - math.tanh(0.4) ** 2), rel=1e-6)


@pytest.mark.parametrize("order", [0, -1, 1.5, "2"])
def test_order_must_be_a_positive_integer(order):
    with pytest.raises((TypeError, ValueError), match="order"):
        gradcheck(lambda x: x * x, [1.0], order=order)
