"""Expressions parsed with a whitelist: right values and gradients, nothing else runs."""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from engine import Value, topological_order
from engine.app.expression import FUNCTIONS, build_expression, variable_names
from engine.examples import LECTURE_NEURON_INPUTS
from engine.methods.finite_differences import central_difference


def test_the_lecture_neuron_value_and_gradients():
    values = dict(x=2.0, w=-3.0, b=LECTURE_NEURON_INPUTS["b"])
    o = build_expression("tanh(x*w + b)", values)
    assert o.data == pytest.approx(1 / math.sqrt(2), rel=1e-12)
    o.backward()
    leaves = {n.label: n for n in topological_order(o) if not n.parents}
    assert set(leaves) == {"x", "w", "b"}
    assert leaves["x"].grad == pytest.approx(-1.5)
    assert leaves["w"].grad == pytest.approx(1.0)
    assert leaves["b"].grad == pytest.approx(0.5)


def test_a_repeated_variable_is_one_leaf_with_two_edges():
    y = build_expression("x*x", {"x": 3})
    order = topological_order(y)
    assert len(order) == 2 and y.parents[0] is y.parents[1]
    y.backward()
    assert order[0].grad == 6.0


def test_numbers_become_unlabelled_constants_and_negative_literals_stay_numbers():
    y = build_expression("2*x - -3 + 2**x", {"x": 1.5})
    assert y.data == pytest.approx(2 * 1.5 + 3 + 2**1.5)
    labels = [n.label for n in topological_order(y) if not n.parents]
    assert labels.count("x") == 1 and labels.count(None) == len(labels) - 1
    assert build_expression("2 * 3", {}).data == 6.0


@pytest.mark.parametrize("name", sorted(n for n, f in FUNCTIONS.items() if f.fewest == 1))
def test_every_function_matches_the_value_method(name):
    x = 0.7
    got = build_expression(f"{name}(x)", {"x": x})
    method = getattr(Value(x), name)()
    assert got.op == method.op and got.data == method.data
    got.backward()
    leaf = got.parents[0]
    numeric = central_difference(lambda v: getattr(v, name)(), [x], 0, 1e-6)
    assert leaf.grad == pytest.approx(numeric, rel=1e-6)


@pytest.mark.parametrize("name", ["maximum", "minimum"])
def test_maximum_and_minimum_take_two_variables_or_numbers(name):
    got = build_expression(f"{name}(x, y) + {name}(2, x)", {"x": 0.5, "y": -1.0})
    select = max if name == "maximum" else min
    assert got.data == select(0.5, -1.0) + select(2.0, 0.5)
    got.backward()
    leaves = {n.label: n for n in topological_order(got) if not n.parents and n.label}
    assert (leaves["x"].grad, leaves["y"].grad) == ((1.0, 0.0) if name == "maximum" else (1.0, 1.0))
    with pytest.raises(ValueError, match=rf"{name}\(\) takes 2 argument\(s\), got 1"):
        build_expression(f"{name}(x)", {"x": 1.0})


def test_leaky_relu_takes_an_alpha():
    assert build_expression("leaky_relu(x, 0.2)", {"x": -2}).data == pytest.approx(-0.4)
    with pytest.raises(ValueError, match="only the first argument"):
        build_expression("leaky_relu(x, y)", {"x": -2, "y": 0.1})


@pytest.mark.parametrize(
    "text, what",
    [
        ("__import__('os')", "calling '__import__'"),
        ("__import__('os').system('true')", "calling anything but a function name"),
        ("x.__class__", "attribute access"),
        ("(lambda: 1)()", "calling anything but a function name"),
        ("lambda: 1", "lambda"),
        ("x[0]", "indexing"),
        ("open('f')", "calling 'open'"),
        ("eval('1')", "calling 'eval'"),
        ("'text'", "the constant 'text'"),
        ("True", "the constant True"),
        ("1j", "the constant 1j"),
        ("x < 1", "comparisons"),
        ("x if x else 1", "if/else"),
        ("x and 1", "and/or"),
        ("x @ x", "the operator MatMult"),
        ("x // 2", "the operator FloorDiv"),
        ("~x", "the operator Invert"),
        ("tanh(x=1)", "keyword arguments"),
        ("[x]", "List"),
        ("(y := 2)", ":="),
        ("f'{x}'", "JoinedStr"),
    ],
)
def test_anything_outside_the_whitelist_is_rejected(text, what):
    with pytest.raises(ValueError) as error:
        build_expression(text, {"x": 1.0})
    message = str(error.value)
    assert what in message and "is not allowed" in message and "allowed:" in message


@pytest.mark.parametrize(
    "text, values, message",
    [
        ("1 +", {}, "cannot parse"),
        ("x; y", {"x": 1}, "cannot parse"),
        ("y * 2", {}, "'y' has no value"),
        ("tanh", {}, "tanh is a function"),
        ("tanh(x, x)", {"x": 1}, "tanh() takes 1 argument"),
        ("exp()", {}, "exp() takes 1 argument"),
    ],
)
def test_mistakes_get_clear_messages(text, values, message):
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(").replace(")", r"\)")):
        build_expression(text, values)


def test_values_must_be_numbers():
    with pytest.raises(TypeError, match="'x' must be a number"):
        build_expression("x", {"x": "2"})
    with pytest.raises(TypeError, match="must be a str"):
        build_expression(3, {})


def test_variable_names_in_order_without_functions():
    assert variable_names("tanh(x*w + b) + x") == ["x", "w", "b"]


def test_long_and_deep_expressions_need_no_recursion():
    total = build_expression(" + ".join(["x"] * 2000), {"x": 0.5})
    assert total.data == pytest.approx(1000.0)
    total.backward()
    assert topological_order(total)[0].grad == 2000.0
    try:
        deep = build_expression("-" * 5000 + "x", {"x": 2.0})
    except ValueError as error:  # the parser's own limit, reported as such
        assert "nested too deeply" in str(error)
    else:
        assert deep.data == 2.0
    with pytest.raises(ValueError, match="more than"):
        build_expression("x+" * 6000 + "x", {"x": 1})


# --- random expressions against Python's own arithmetic ---------------------------

atoms = st.sampled_from(["x", "y", "1.5", "2", "0.25"])


def combine(children):
    binary = st.tuples(children, st.sampled_from(["+", "-", "*"]), children).map(
        lambda t: f"({t[0]} {t[1]} {t[2]})"
    )
    unary = st.tuples(st.sampled_from(["tanh", "sigmoid", "-"]), children).map(
        lambda t: f"{t[0]}({t[1]})"
    )
    return binary | unary


expressions = st.recursive(atoms, combine, max_leaves=12)


def reference(text: str, x: float, y: float) -> float:
    """The same text computed with floats, by Python's parser: an independent oracle."""
    def sigmoid(a: float) -> float:
        return 1.0 / (1.0 + math.exp(-a))

    namespace = {"x": x, "y": y, "tanh": math.tanh, "sigmoid": sigmoid}
    return eval(text, {"__builtins__": {}}, namespace)  # text generated by the test


@settings(max_examples=60, deadline=None)
@given(text=expressions, x=st.floats(-2, 2), y=st.floats(-2, 2))
def test_random_expressions_compute_what_python_computes(text, x, y):
    try:
        expected = reference(text, x, y)
    except OverflowError:
        assume(False)
    got = build_expression(text, {"x": x, "y": y}).data
    assert got == pytest.approx(expected, rel=1e-12, abs=1e-12)
