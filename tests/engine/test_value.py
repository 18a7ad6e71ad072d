"""``engine.Value``: construction, identity, operands, values against ``math``.

Gradients are checked in test_backward.py (central differences) and
test_torch_oracle.py (PyTorch); the edge-case table in test_ieee.py.
"""

import math
import operator
import re
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import Value, maximum, minimum
from engine.ieee import SELECTED_ZERO
from tests.expressions import OPS, OpCase, points

# --- construction and attributes --------------------------------------------


def test_constructor_keeps_data_label_and_starts_with_zero_grad():
    w = Value(2.0, label="w1")
    assert (w.data, w.grad, w.parents, w.local_grads, w.op, w.label, w.group) == (
        2.0, 0.0, (), (), "", "w1", None,
    )


def test_label_and_group_are_settable_independently():
    v = Value(1.0)
    v.label, v.group = "x", "L1.N3"
    assert (v.label, v.group) == ("x", "L1.N3")
    v.label = None
    assert (v.label, v.group) == (None, "L1.N3")
    v.group, v.label = None, "y"
    assert (v.label, v.group) == ("y", None)


@pytest.mark.parametrize("bad", [3, 1.5, b"x", ["x"]], ids=type)
def test_a_label_that_is_not_a_string_raises_type_error(bad):
    with pytest.raises(TypeError, match=rf"label must be a str or None, got {type(bad).__name__}"):
        Value(1.0, label=bad)
    v = Value(1.0)
    with pytest.raises(TypeError, match="label"):
        v.label = bad
    with pytest.raises(TypeError, match="group"):
        v.group = bad


@pytest.mark.parametrize(
    "number",
    [3, 3.0, True, np.float64(0.1), np.float32(0.1), np.int64(7), np.int32(-2), Fraction(1, 3)],
    ids=type,
)
def test_data_is_stored_as_a_python_float(number):
    v = Value(number)
    assert type(v.data) is float
    assert v.data == float(number)


def test_slots_reject_unknown_attributes():
    v = Value(1.0)
    assert not hasattr(v, "__dict__")
    with pytest.raises(AttributeError):
        v.gradient = 1.0


def test_nodes_are_hashable_by_identity_and_equality_is_not_overridden():
    a, b = Value(1.0), Value(1.0)
    assert Value.__eq__ is object.__eq__
    assert a == a and a != b
    assert len({a, b}) == 2
    grads = {a: 1.0, b: 2.0}
    assert grads[a] == 1.0 and grads[b] == 2.0


def test_a_node_used_twice_in_one_op_keeps_both_edges():
    x = Value(3.0)
    y = x * x
    assert type(y.parents) is tuple
    assert y.parents == (x, x) and y.parents[0] is x and y.parents[1] is x
    assert y.local_grads == (3.0, 3.0)


def test_binary_ops_record_parents_in_operand_order_with_local_derivatives():
    a, b = Value(3.0), Value(-2.0)
    cases = {
        "+": (a + b, (1.0, 1.0)),
        "-": (a - b, (1.0, -1.0)),
        "*": (a * b, (-2.0, 3.0)),
        "/": (a / b, (1 / -2.0, -3.0 / 4.0)),
        "**": (a ** b, (-2.0 * 3.0**-3.0, 3.0**-2.0 * math.log(3.0))),
    }
    for op, (node, local_grads) in cases.items():
        assert node.op == op
        assert node.parents == (a, b)
        assert node.local_grads == pytest.approx(local_grads, rel=1e-15)


# Closed-form derivatives, written independently of the engine.
def _sig(a):
    return 1.0 / (1.0 + math.exp(-a))


LOCAL_DERIVATIVES = {
    "neg": (lambda v: -v, lambda a: -1.0),
    "exp": (lambda v: v.exp(), math.exp),
    "log": (lambda v: v.log(), lambda a: 1.0 / a),
    "sqrt": (lambda v: v.sqrt(), lambda a: 0.5 / math.sqrt(a)),
    "tanh": (lambda v: v.tanh(), lambda a: 1.0 / math.cosh(a) ** 2),
    "sigmoid": (lambda v: v.sigmoid(), lambda a: _sig(a) * (1.0 - _sig(a))),
    "relu": (lambda v: v.relu(), lambda a: float(a > 0)),
    "leaky_relu(0.2)": (lambda v: v.leaky_relu(0.2), lambda a: 1.0 if a > 0 else 0.2),
    "silu": (lambda v: v.silu(), lambda a: _sig(a) + a * _sig(a) * (1.0 - _sig(a))),
    "abs": (lambda v: v.abs(), lambda a: math.copysign(1.0, a)),
    "**3": (lambda v: v**3, lambda a: 3.0 * a * a),
    "**-0.5": (lambda v: v**-0.5, lambda a: -0.5 * a**-1.5),
    "sin": (lambda v: v.sin(), math.cos),
    "cos": (lambda v: v.cos(), lambda a: -math.sin(a)),
    "log1p": (lambda v: v.log1p(), lambda a: 1.0 / (1.0 + a)),
    "expm1": (lambda v: v.expm1(), math.exp),
}


@pytest.mark.parametrize("op", LOCAL_DERIVATIVES)
@pytest.mark.parametrize("a", [0.3, 1.7, -1.2])
def test_unary_ops_store_their_local_derivative_in_the_forward_pass(op, a):
    build, derivative = LOCAL_DERIVATIVES[op]
    if op in ("log", "sqrt", "**-0.5") and a < 0:
        a = -a
    x = Value(a)
    y = build(x)
    assert y.op == op
    assert y.parents == (x,)
    assert y.local_grads[0] == pytest.approx(derivative(a), rel=1e-12)


def test_maximum_and_minimum_select_the_larger_and_smaller_operand_with_pytorchs_ties():
    a, b = Value(3.0), Value(-2.0)
    cases = [
        (a.maximum(b), 3.0, (1.0, 0.0)), (b.maximum(a), 3.0, (0.0, 1.0)),
        (a.minimum(b), -2.0, (0.0, 1.0)), (b.minimum(a), -2.0, (1.0, 0.0)),
        (a.maximum(a), 3.0, (0.5, 0.5)), (a.minimum(3.0), 3.0, (0.5, 0.5)),
    ]
    for node, value, local_grads in cases:
        assert node.op in ("maximum", "minimum")
        assert node.data == value and node.local_grads == local_grads
    # The loser's 0 is a selected zero: an infinite gradient does not make it nan.
    assert (a.maximum(b) * math.inf).data == math.inf
    assert isinstance(a.maximum(b).local_grads[1], type(SELECTED_ZERO))
    # A tie keeps the first operand, as PyTorch: max(-0, 0) is -0.
    assert math.copysign(1.0, Value(-0.0).maximum(0.0).data) == -1.0
    nan_max = Value(math.nan).maximum(1.0)
    assert math.isnan(nan_max.data) and nan_max.local_grads == (1.0, 1.0)


def test_module_maximum_and_minimum_take_a_number_on_either_side():
    x = Value(1.5)
    assert maximum(2, x).data == 2.0 and maximum(x, 2).parents[0] is x
    assert minimum(2, x).data == 1.5 and minimum(x, -1).data == -1.0
    with pytest.raises(TypeError, match=r"maximum\(str, \.\.\.\) is not supported"):
        maximum("1", x)
    with pytest.raises(TypeError, match=r"Value.minimum\(NoneType\) is not supported"):
        x.minimum(None)


def test_comparisons_are_plain_bools_of_the_data_and_equality_stays_identity():
    a, b = Value(1.0), Value(2.0)
    results = [a < b, a <= b, a > b, a >= b, a < 1.5, 1.5 < a, a <= 1, 2 >= b,
               np.float64(0.5) < a]
    assert results == [True, True, False, False, True, False, True, True, True]
    assert all(type(r) is bool for r in results)
    assert Value(1.0) <= Value(1.0) and not Value(1.0) < Value(1.0)
    assert not (Value(math.nan) < 1.0) and not (Value(math.nan) >= 1.0)
    assert Value(1.0) != Value(1.0) and len({a, Value(1.0), Value(1.0)}) == 3
    assert sorted([b, a])[0] is a and max(a, b) is b


def test_comparisons_with_a_wrong_type_say_what_to_do():
    with pytest.raises(TypeError, match="^Value < str is not supported"):
        operator.lt(Value(1.0), "2")
    with pytest.raises(TypeError, match="^Value >= NoneType is not supported"):
        operator.ge(Value(1.0), None)
    with pytest.raises(TypeError, match="not supported between instances of 'Value' and 'object'"):
        operator.lt(Value(1.0), object())


def test_unary_plus_is_the_node_itself():
    x = Value(2.0)
    assert +x is x


# --- values against math -----------------------------------------------------


@pytest.mark.parametrize("case", OPS, ids=str)
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_value_matches_math(case: OpCase, data):
    point = data.draw(points(case))
    out = case.apply(*(Value(x) for x in point))
    assert isinstance(out, Value)
    assert type(out.data) is float
    assert out.data == pytest.approx(case.reference(*point), rel=1e-14, abs=1e-300)


def test_abs_builtin_and_method_agree():
    for a in (-2.5, 0.0, 3.0):
        assert abs(Value(a)).data == Value(a).abs().data == abs(a)


def test_float_returns_the_data():
    v = Value(2.5) * 2
    assert float(v) == 5.0 and type(float(v)) is float
    assert math.isnan(float(Value(math.nan)))


def test_repr_shows_data_grad_label_and_op():
    x = Value(2.0, label="x")
    y = x * x
    y.label = "y"
    y.backward()
    assert repr(x) == "Value(2, grad=4, label='x')"
    assert repr(y) == "Value(4, grad=1, label='y', op='*')"
    assert repr(Value(-0.125)) == "Value(-0.125, grad=0)"


def test_repr_of_non_finite_values_does_not_raise():
    assert "inf" in repr(Value(math.inf))
    assert "nan" in repr(Value(math.nan))


# --- operands: numbers of every kind ------------------------------------------

BINARY = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
          "**": operator.pow}
NUMBERS = [2, 2.0, True, np.float64(2.0), np.float32(0.1), np.int64(3), Fraction(3, 4)]


@pytest.mark.parametrize("number", NUMBERS, ids=lambda n: type(n).__name__)
@pytest.mark.parametrize("symbol", BINARY)
def test_number_operands_behave_like_the_same_python_float(symbol, number):
    f = BINARY[symbol]
    for build in (lambda v, n: f(v, n), lambda v, n: f(n, v)):  # Value op n, n op Value
        x, y = Value(1.5), Value(1.5)
        out = build(x, number)
        same = build(y, float(number))
        assert isinstance(out, Value), type(out)
        assert type(out.data) is float
        assert out.data == same.data
        out.backward()
        same.backward()
        assert x.grad == y.grad


def test_numpy_scalar_exponents_and_alpha_are_accepted():
    x = Value(2.0)
    assert (x ** np.float64(3.0)).data == 8.0
    assert (x ** np.int64(2)).data == 4.0
    assert Value(-2.0).leaky_relu(np.float32(0.5)).data == -1.0


BAD = ["a", None, 1j, [1.0], {"a": 1}, (1.0,)]


@pytest.mark.parametrize("bad", BAD, ids=lambda b: type(b).__name__)
@pytest.mark.parametrize("symbol", BINARY)
def test_bad_operands_raise_type_error_naming_the_op_and_the_type(symbol, bad):
    f = BINARY[symbol]
    kind = type(bad).__name__
    op = re.escape(symbol)
    advice = "is not supported: use a number or a Value"
    with pytest.raises(TypeError, match=rf"^Value {op} {kind} {advice}"):
        f(Value(1.0), bad)
    with pytest.raises(TypeError, match=rf"^{kind} {op} Value {advice}"):
        f(bad, Value(1.0))


def test_a_numpy_array_operand_is_rejected():
    with pytest.raises(TypeError, match=r"Value \* ndarray"):
        Value(1.0) * np.array([1.0, 2.0])


@pytest.mark.parametrize("bad", ["x", None, 1j, [1.0], {}], ids=lambda b: type(b).__name__)
def test_bad_data_raises_type_error_naming_the_type(bad):
    with pytest.raises(TypeError, match=rf"Value\(data=\.\.\.\) got {type(bad).__name__}"):
        Value(data=bad)


def test_a_value_as_data_is_rejected_with_advice():
    with pytest.raises(TypeError, match=r"Value\(data=Value"):
        Value(Value(1.0))


def test_bad_leaky_relu_alpha_raises_type_error():
    with pytest.raises(TypeError, match=r"leaky_relu\(alpha=str\)"):
        Value(1.0).leaky_relu("0.1")


# --- other types ----------------------------------------------------------------


def test_a_foreign_type_gets_its_own_reflected_method():
    class Interval:
        def __radd__(self, other):
            return "Interval.__radd__"

        def __rmul__(self, other):
            return "Interval.__rmul__"

    assert Value(1.0) + Interval() == "Interval.__radd__"
    assert Value(1.0) * Interval() == "Interval.__rmul__"


def test_numpy_arrays_are_refused_in_both_orders_with_a_message():
    for make in (lambda: np.array([1.0, 2.0]) * Value(3.0), lambda: Value(3.0) * np.array([1.0])):
        with pytest.raises(TypeError, match="numpy array: sweepgrad works with scalars"):
            make()


def test_common_mistakes_say_what_to_do():
    with pytest.raises(TypeError, match="None: a value is missing"):
        Value(1.0) * None
    with pytest.raises(TypeError, match="complex number"):
        Value(1.0) + 1j


def test_hand_built_local_derivatives_that_are_no_numbers_are_named():
    x = Value(1.0, label="x")
    for bad in (1j, np.array([1.0, 2.0]), Value(2.0)):
        node = Value(2.0, (x,), (bad,), "custom", label="custom node")
        before = x.grad
        with pytest.raises(ValueError, match="'custom node'.*local derivative 0 of type"):
            node.backward()
        assert x.grad == before  # nothing was added
