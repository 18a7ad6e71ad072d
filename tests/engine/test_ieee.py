"""IEEE 754 edge cases: every row of the policy table, checked three ways.

Each row of the table in ``engine/ieee.py`` (and of the issue's policy) is
run through ``Value`` operations: it must return the IEEE value without an
exception or a warning, its value and gradient must be the ones written
here, and, where PyTorch is installed, the same as PyTorch float64's. The
helpers in ``engine.ieee`` are also compared with numpy float64, which
follows IEEE 754 too.
"""

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import Value, ieee
from tests.expressions import leaky_relu, silu
from tests.helpers.ieee_points import BINARY, SPECIAL, UNARY

inf, nan = math.inf, math.nan


def same(actual: float, expected: float, signed_zero: bool = True) -> bool:
    """Equal as IEEE results: nan matches nan; 0.0 and -0.0 differ if ``signed_zero``;
    finite numbers within 1e-14 relative or one ulp (a subnormal's ulp is coarser)."""
    if math.isnan(expected):
        return math.isnan(actual)
    if expected == 0.0 and signed_zero:
        return actual == 0.0 and math.copysign(1.0, actual) == math.copysign(1.0, expected)
    return (actual == expected or math.isclose(actual, expected, rel_tol=1e-14)
            or abs(actual - expected) <= math.ulp(expected))


# --- the table -----------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    name: str
    build: Callable[..., Any]  # generic over Values and tensors
    inputs: tuple[float, ...]
    value: float
    grads: tuple[float, ...]


ROWS = [
    Row("exp(1000) overflows to inf", lambda a: a.exp(), (1000.0,), inf, (inf,)),
    Row("exp(710) overflows to inf", lambda a: a.exp(), (710.0,), inf, (inf,)),
    Row("exp(-1000) underflows to 0", lambda a: a.exp(), (-1000.0,), 0.0, (0.0,)),
    Row("exp(-inf) is 0", lambda a: a.exp(), (-inf,), 0.0, (0.0,)),
    Row("log(0) is -inf", lambda a: a.log(), (0.0,), -inf, (inf,)),
    Row("log(-0.0) is -inf", lambda a: a.log(), (-0.0,), -inf, (-inf,)),
    Row("log(-1) is nan", lambda a: a.log(), (-1.0,), nan, (-1.0,)),
    Row("log(inf) is inf", lambda a: a.log(), (inf,), inf, (0.0,)),
    Row("1 / 0 is inf", lambda a, b: a / b, (1.0, 0.0), inf, (inf, -inf)),
    Row("-1 / 0 is -inf", lambda a, b: a / b, (-1.0, 0.0), -inf, (inf, inf)),
    Row("1 / -0.0 is -inf", lambda a, b: a / b, (1.0, -0.0), -inf, (-inf, -inf)),
    Row("-1 / -0.0 is inf", lambda a, b: a / b, (-1.0, -0.0), inf, (-inf, inf)),
    Row("0 / 0 is nan", lambda a, b: a / b, (0.0, 0.0), nan, (inf, nan)),
    Row("-0.0 / 5 keeps the sign of zero", lambda a, b: a / b, (-0.0, 5.0), -0.0, (0.2, 0.0)),
    Row("Value / number zero", lambda a: a / 0, (2.0,), inf, (inf,)),
    Row("number / Value zero", lambda a: 2.0 / a, (0.0,), inf, (-inf,)),
    Row("number / Value -0.0", lambda a: 2.0 / a, (-0.0,), -inf, (-inf,)),
    Row("(-8) ** (1/3) is nan", lambda a: a ** (1 / 3), (-8.0,), nan, (nan,)),
    Row("(-8) ** Value(1/3) is nan", lambda a, b: a**b, (-8.0, 1 / 3), nan, (nan, nan)),
    Row("number (-8) ** Value is nan", lambda b: (-8.0) ** b, (1 / 3,), nan, (nan,)),
    Row("(-2) ** 3 keeps its sign", lambda a: a**3, (-2.0,), -8.0, (12.0,)),
    Row("0 ** -1 is inf", lambda a: a**-1, (0.0,), inf, (-inf,)),
    Row("(-0.0) ** -1 is -inf", lambda a: a**-1, (-0.0,), -inf, (-inf,)),
    Row("0 ** -2 is inf", lambda a: a**-2, (0.0,), inf, (-inf,)),
    Row("0 ** 0 is 1 with slope 0", lambda a: a**0, (0.0,), 1.0, (0.0,)),
    Row("0 ** 2 is 0 with slope 0", lambda a: a**2, (0.0,), 0.0, (0.0,)),
    Row("Value(0) ** Value(2)", lambda a, b: a**b, (0.0, 2.0), 0.0, (0.0, 0.0)),
    Row("Value(0) ** Value(-1)", lambda a, b: a**b, (0.0, -1.0), inf, (-inf, -inf)),
    Row("10 ** 400 overflows to inf", lambda a: a**400, (10.0,), inf, (inf,)),
    Row("(-10) ** 401 overflows to -inf", lambda a: a**401, (-10.0,), -inf, (inf,)),
    Row("sqrt(-1) is nan", lambda a: a.sqrt(), (-1.0,), nan, (nan,)),
    Row("sqrt(0) has slope inf", lambda a: a.sqrt(), (0.0,), 0.0, (inf,)),
    Row("sigmoid(-800) is 0", lambda a: a.sigmoid(), (-800.0,), 0.0, (0.0,)),
    Row("sigmoid(800) is 1", lambda a: a.sigmoid(), (800.0,), 1.0, (0.0,)),
    Row("sigmoid(-inf) is 0", lambda a: a.sigmoid(), (-inf,), 0.0, (0.0,)),
    Row("tanh(1000) is 1", lambda a: a.tanh(), (1000.0,), 1.0, (0.0,)),
    Row("tanh(-1000) is -1", lambda a: a.tanh(), (-1000.0,), -1.0, (0.0,)),
    Row("tanh(inf) is 1", lambda a: a.tanh(), (inf,), 1.0, (0.0,)),
    Row("relu'(0) is 0", lambda a: a.relu(), (0.0,), 0.0, (0.0,)),
    Row("relu(-800) is 0", lambda a: a.relu(), (-800.0,), 0.0, (0.0,)),
    Row("leaky_relu'(0) is alpha", lambda a: leaky_relu(a, 0.1), (0.0,), 0.0, (0.1,)),
    Row("abs'(0) is 0", lambda a: abs(a), (0.0,), 0.0, (0.0,)),
    Row("silu(-800) is -0.0", silu, (-800.0,), -0.0, (0.0,)),
    Row("silu(1000) is 1000", silu, (1000.0,), 1000.0, (1.0,)),
    Row("inf - inf is nan", lambda a, b: a - b, (inf, inf), nan, (1.0, -1.0)),
    Row("0 * inf is nan", lambda a, b: a * b, (0.0, inf), nan, (inf, 0.0)),
    Row("nan propagates through exp", lambda a: a.exp(), (nan,), nan, (nan,)),
]


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.name)
def test_row_gives_the_ieee_value_and_gradient_without_exception_or_warning(row: Row):
    leaves = [Value(x) for x in row.inputs]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = row.build(*leaves)
        out.backward()
    assert same(out.data, row.value), (out.data, row.value)
    for leaf, grad in zip(leaves, row.grads, strict=True):
        # A leaf's gradient is accumulated into +0.0, so -0.0 arrives as 0.0.
        assert same(leaf.grad, grad, signed_zero=False), (leaf.grad, grad)


@pytest.mark.torch
@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.name)
def test_row_matches_torch_float64(torch, row: Row):
    tensors = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in row.inputs]
    out = row.build(*tensors)
    out.backward()
    assert same(out.item(), row.value), (out.item(), row.value)
    for tensor, grad in zip(tensors, row.grads, strict=True):
        assert same(tensor.grad.item(), grad, signed_zero=False), (tensor.grad.item(), grad)


def test_sigmoid_of_large_negative_numbers_does_not_overflow_or_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for x in (-800.0, -1e6, -1e308, np.float64(-800.0)):
            s = Value(x).sigmoid()
            assert s.data == 0.0 and s.local_grads == (0.0,)
        assert Value(-30.0).sigmoid().data == pytest.approx(math.exp(-30.0), rel=1e-12)


def test_tanh_is_exact_at_the_tails_and_symmetric():
    for x in (20.0, 1e3, 1e300):
        assert Value(x).tanh().data == 1.0 and Value(-x).tanh().data == -1.0
    assert Value(1e-20).tanh().data == 1e-20  # no cancellation near 0


# --- every op at special points: nothing escapes ----------------------------------


def _run_quietly(build, inputs):
    leaves = [Value(x) for x in inputs]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = build(*leaves)
        out.backward()
    assert type(out.data) is float
    assert all(type(leaf.grad) is float for leaf in leaves)
    return out, leaves


@pytest.mark.parametrize("op", UNARY)
def test_unary_ops_at_special_points_raise_nothing(op):
    for x in SPECIAL:
        _run_quietly(UNARY[op], (x,))


@pytest.mark.parametrize("op", BINARY)
def test_binary_ops_at_special_points_raise_nothing(op):
    for a in SPECIAL:
        for b in SPECIAL:
            _run_quietly(BINARY[op], (a, b))


# Where PyTorch's float64 results differ from C99/IEEE ``pow`` or from each
# other, the comparison below does not apply:
# - relu and abs at nan: PyTorch's backward gives 1 and 0; the engine nan / 0.
# - relu(-0.0): PyTorch returns -0.0, the engine +0.0 (values are compared
#   without the sign of zero here; the signed rows are in the table above).
TORCH_DIFFERS_AT_NAN = {"relu", "abs"}


@pytest.mark.torch
@pytest.mark.parametrize("op", UNARY)
def test_unary_ops_at_special_points_match_torch(torch, op):
    for x in SPECIAL:
        out, (leaf,) = _run_quietly(UNARY[op], (x,))
        t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
        expected = UNARY[op](t)
        expected.backward()
        assert same(out.data, expected.item(), signed_zero=False), (x, out.data, expected.item())
        if not (math.isnan(x) and op in TORCH_DIFFERS_AT_NAN):
            assert same(leaf.grad, t.grad.item(), signed_zero=False), (x, leaf.grad, t.grad)


@pytest.mark.torch
@pytest.mark.parametrize("op", BINARY)
def test_binary_ops_at_special_points_match_torch(torch, op):
    for a in SPECIAL:
        for b in SPECIAL:
            out, leaves = _run_quietly(BINARY[op], (a, b))
            tensors = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in (a, b)]
            expected = BINARY[op](*tensors)
            expected.backward()
            assert same(out.data, expected.item()), (a, b, out.data, expected.item())
            for leaf, t in zip(leaves, tensors, strict=True):
                assert same(leaf.grad, t.grad.item(), signed_zero=False), (a, b, leaf.grad, t.grad)


# --- the helpers against numpy float64 -------------------------------------------

any_float = st.one_of(st.floats(), st.sampled_from(SPECIAL), st.floats(-5, 5))


def numpy_result(f, *args) -> float:
    with np.errstate(all="ignore"):
        return float(f(*(np.float64(a) for a in args)))


@settings(max_examples=300, deadline=None)
@given(any_float, any_float)
def test_divide_matches_numpy(a, b):
    assert same(ieee.divide(a, b), numpy_result(np.divide, a, b))


@settings(max_examples=300, deadline=None)
@given(any_float, st.one_of(any_float, st.integers(-5, 5).map(float), st.just(1 / 3)))
def test_power_matches_numpy(a, b):
    if abs(b) == 0.5 and a in (-0.0, -inf):
        return  # numpy computes x ** ±0.5 as a square root there; C's pow gives ±0 / inf
    assert same(ieee.power(a, b), numpy_result(np.power, a, b))


@settings(max_examples=300, deadline=None)
@given(any_float)
def test_exp_log_sqrt_match_numpy(x):
    assert same(ieee.exp(x), numpy_result(np.exp, x))
    assert same(ieee.log(x), numpy_result(np.log, x))
    assert same(ieee.sqrt(x), numpy_result(np.sqrt, x))


@settings(max_examples=300, deadline=None)
@given(any_float)
def test_sigmoid_matches_its_definition(x):
    expected = numpy_result(lambda v: 1.0 / (1.0 + np.exp(-v)), x)
    actual = ieee.sigmoid(x)
    assert 0.0 <= actual <= 1.0 or math.isnan(x)
    assert same(actual, expected) or math.isclose(actual, expected, rel_tol=1e-15, abs_tol=1e-300)


def test_is_odd_integer():
    assert [ieee.is_odd_integer(x) for x in (3.0, -1.0, 2.0, 0.0, 2.5, inf, nan, 1e300)] == [
        True, True, False, False, False, False, False, False,
    ]


# --- where PyTorch selects or divides instead of multiplying --------------------------------


def _all_methods(root: Value, leaf: Value) -> list[float]:
    from engine import naive_gradients, path_gradients, sweep_gradients

    root.backward()
    return [leaf.grad, sweep_gradients(root, [leaf])[leaf], naive_gradients(root, [leaf])[leaf],
            path_gradients(root, [leaf])[leaf]]


def test_a_dead_relu_passes_zero_even_when_the_gradient_above_it_is_infinite():
    x = Value(-1.0)
    assert _all_methods(x.relu().sqrt(), x) == [0.0, 0.0, 0.0, 0.0]  # sqrt'(0) = inf
    y = Value(-1.0)
    assert _all_methods(1.0 / y.relu(), y) == [0.0] * 4


def test_x_to_the_zero_and_a_to_a_zero_exponent_select_zero():
    x = Value(0.0)
    assert _all_methods((x**0) * math.inf, x) == [0.0] * 4
    a, b = Value(0.0), Value(0.0)
    out = a**b
    (out * math.inf).backward()
    assert a.grad == 0.0 and math.isnan(b.grad)  # the exponent's slope is multiplied


def test_relu_keeps_the_sign_of_zero_and_passes_nan_with_slope_one():
    assert math.copysign(1.0, Value(-0.0).relu().data) == -1.0
    assert (1.0 / Value(-0.0).relu()).data == -math.inf
    x = Value(math.nan)
    out = x.relu()
    out.backward()
    assert math.isnan(out.data) and x.grad == 1.0


def test_abs_of_nan_has_slope_zero():
    x = Value(math.nan)
    abs(x).backward()
    assert x.grad == 0.0


def test_a_subnormal_divisor_divides_the_gradient_instead_of_overflowing():
    x = Value(1e-310)
    (x.log() * 1e-10).backward()
    assert x.grad == pytest.approx(1e-10 / 1e-310, rel=1e-15)  # 1e300, not inf
    a, b = Value(1.0), Value(1e-310)
    ((a / b) * 1e-10).backward()
    assert a.grad == 1e-10 / 1e-310  # PyTorch's grad / b, finite


def _same(u: float, v: float) -> bool:
    return (math.isnan(u) and math.isnan(v)) or u == v


def test_power_one_half_is_the_square_root():
    for point in (-0.0, 0.0, 4.0, -math.inf, math.inf, -1.0):
        by_power, by_sqrt = Value(point), Value(point)
        p, s = by_power**0.5, by_sqrt.sqrt()
        p.backward()
        s.backward()
        assert _same(p.data, s.data) and _same(by_power.grad, by_sqrt.grad), point
    assert Value(-0.0).__pow__(-0.5).data == -math.inf
