"""Checks for exercises 2.1 to 3.2: topological order, the sweep, the per-edge
chain rule, central differences.

Run one exercise with ``pytest -m exercise_N_M``; see tests/exercises/test_stubs.py.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine import Value, central_difference, sweep_gradients, topological_order
from engine.examples import LECTURE_NEURON_INPUTS
from tests.exercises.loading import (
    SMALL,
    close,
    finite_scale,
    load,
    same_gradient,
)
from tests.expressions import programs, run_program

# --- Exercise 2.1: topological order ------------------------------------------------------


def check_order(order: list[Value], root: Value) -> None:
    """Each node once, every parent before its node, the root last, nothing missing."""
    position = {}
    for index, node in enumerate(order):
        assert node not in position, f"{node!r} appears twice"
        position[node] = index
    assert order[-1] is root
    for node in order:
        for parent in node.parents:
            assert parent in position, f"a parent of {node!r} is missing"
            assert position[parent] < position[node], f"{parent!r} comes after its consumer"
    assert set(order) == set(topological_order(root))


@pytest.mark.exercise_2_1
def test_topological_order_of_the_lecture_neuron_and_x_times_x():
    graph = load("graph")
    x1, w1, x2, w2 = Value(2.0), Value(-3.0), Value(0.0), Value(1.0)
    b = Value(LECTURE_NEURON_INPUTS["b"])
    o = (x1 * w1 + x2 * w2 + b).tanh()
    order = graph.topological_order(o)
    assert len(order) == 10
    check_order(order, o)
    x = Value(3.0)
    square = x * x
    assert graph.topological_order(square) == [x, square]
    leaf = Value(1.0)
    assert graph.topological_order(leaf) == [leaf]


@pytest.mark.exercise_2_1
@SMALL
@given(program=programs())
def test_topological_order_of_random_graphs_with_shared_nodes(program):
    root = run_program(program, [Value(x) for x in program.inputs])
    check_order(load("graph").topological_order(root), root)


@pytest.mark.exercise_2_1
def test_topological_order_has_no_recursion_limit():
    x = z = Value(0.5)
    for _ in range(20_000):  # far deeper than Python's recursion limit of about 1,000
        z = (z * 1.0001).tanh()
    order = load("graph").topological_order(z)
    assert len(order) == 1 + 3 * 20_000  # x, then a constant, a product and a tanh per link
    assert order[-1] is z
    position = {node: index for index, node in enumerate(order)}
    assert x in position
    assert all(position[p] < position[n] for n in order for p in n.parents)


# --- Exercise 2.2: the backward sweep -----------------------------------------------------


@pytest.mark.exercise_2_2
def test_backward_on_the_lecture_neuron():
    graph = load("graph")
    x1, w1, x2, w2 = Value(2.0), Value(-3.0), Value(0.0), Value(1.0)
    b = Value(LECTURE_NEURON_INPUTS["b"])
    o = (x1 * w1 + x2 * w2 + b).tanh()
    graph.backward(o)
    assert o.grad == 1.0
    expected = {x1: -1.5, w1: 1.0, x2: 0.5, w2: 0.0, b: 0.5}
    for leaf, grad in expected.items():
        assert math.isclose(leaf.grad, grad, abs_tol=1e-12)


@pytest.mark.exercise_2_2
def test_backward_adds_every_edge_of_fan_out_and_x_times_x():
    graph = load("graph")
    a = Value(3.0)
    y = a * a + a  # dy/da = 2a + 1
    graph.backward(y)
    assert a.grad == 7.0


@pytest.mark.exercise_2_2
@SMALL
@given(program=programs())
def test_backward_matches_the_engines_sweep_on_random_graphs(program):
    leaves = [Value(x) for x in program.inputs]
    root = run_program(program, leaves)
    reference = sweep_gradients(root, topological_order(root))
    load("graph").backward(root)
    scale = finite_scale(reference)
    for node, grad in reference.items():
        assert same_gradient(node.grad, grad, scale), (node, node.grad, grad)


# --- Exercise 3.1: the per-edge chain rule ------------------------------------------------


@pytest.mark.exercise_3_1
def test_chain_rule_on_the_lectures_chain():
    checking = load("checking")
    x, a = Value(1.5), Value(0.8)
    ws = [Value(1.0 + 0.01 * i) for i in range(1, 9)]
    z = x
    for w in ws:
        z = w * z
    y_hat = a * z
    product = math.prod(w.data for w in ws)
    for w in ws:  # ∂ŷ/∂w_i = a·x·Π_{j≠i} w_j
        assert close(checking.chain_rule_derivative(y_hat, w), a.data * x.data * product / w.data)
    assert close(checking.chain_rule_derivative(y_hat, a), x.data * product)
    assert checking.chain_rule_derivative(y_hat, Value(2.0)) == 0.0  # not in the graph


@pytest.mark.exercise_3_1
@SMALL
@given(program=programs())
def test_chain_rule_matches_the_sweep_on_random_graphs(program):
    leaves = [Value(x) for x in program.inputs]
    root = run_program(program, leaves)
    reference = sweep_gradients(root, topological_order(root))
    scale = finite_scale(reference)
    for leaf in leaves:
        got = load("checking").chain_rule_derivative(root, leaf)
        want = reference.get(leaf, 0.0)  # 0 for an input the root does not use
        assert same_gradient(got, want, scale), (got, want)


# --- Exercise 3.2: central differences ----------------------------------------------------


@pytest.mark.exercise_3_2
@SMALL
@given(x=st.floats(-2.0, 2.0, allow_nan=False), y=st.floats(0.5, 2.0, allow_nan=False))
def test_central_difference_against_exact_derivatives(x: float, y: float):
    checking = load("checking")

    def f(p):
        return math.sin(p[0]) * p[1] ** 3

    point = [x, y]
    assert math.isclose(checking.central_difference(f, point, 0), math.cos(x) * y**3,
                        rel_tol=1e-6, abs_tol=1e-8)
    assert math.isclose(checking.central_difference(f, point, 1), 3 * math.sin(x) * y**2,
                        rel_tol=1e-6, abs_tol=1e-8)
    assert point == [x, y], "central_difference must not change the point"


@pytest.mark.exercise_3_2
def test_central_difference_is_exact_for_quadratics_and_uses_eps():
    checking = load("checking")
    # (f(x+ε) − f(x−ε))/2ε is exact for a quadratic, whatever ε: 2x + 3 at x = 1.
    assert math.isclose(checking.central_difference(lambda p: p[0] ** 2 + 3 * p[0], [1.0], 0,
                                                    eps=0.5), 5.0, rel_tol=1e-12)
    # For a cubic it is off by ε² (f'''/6 · ε² with f''' = 6): 3 + 0.01 at x = 1, ε = 0.1.
    assert math.isclose(checking.central_difference(lambda p: p[0] ** 3, [1.0], 0, eps=0.1),
                        3.01, rel_tol=1e-12)
    # Agrees with the engine's own central difference.
    assert math.isclose(checking.central_difference(lambda p: math.exp(p[0]) * p[1], [0.3, 2.0], 0),
                        central_difference(lambda a, b: a.exp() * b, [0.3, 2.0], 0), rel_tol=1e-9)


