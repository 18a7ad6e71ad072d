"""Checks for the classroom exercises in notebooks/exercises/.

Each test is marked with its exercise (``exercise_1_1`` … ``exercise_6_2``,
registered in conftest.py), so a student checks one task at a time:

    SWEEPGRAD_EXERCISES=starter pytest tests/test_exercises.py -m exercise_1_2

``SWEEPGRAD_EXERCISES`` picks the folder the exercise modules are loaded from:
``solutions`` (the default, so the suite checks the reference solutions),
``starter``, any other folder under notebooks/exercises/, or a path.

The checks use references that share no code with the exercises: ``math``,
central differences, numpy, and the engine's own ops, sweep and ``nn``.
In the default run the starter stubs are checked too: each must raise
``NotImplementedError`` naming its exercise, and match the solution's signature.
"""

from __future__ import annotations

import importlib.util
import inspect
import math
import os
import random
import re
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import Value, central_difference, sweep_gradients, topological_order
from nn.layers import MLP
from nn.losses import softmax_cross_entropy as nn_softmax_cross_entropy
from tests.expressions import programs, run_program

EXERCISES_DIR = Path(__file__).resolve().parent.parent / "notebooks" / "exercises"
CHOICE = os.environ.get("SWEEPGRAD_EXERCISES", "solutions")

# Every stub a student implements: (module, function, exercise).
STUBS = [
    ("ops", "add", "1.1"),
    ("ops", "mul", "1.1"),
    ("ops", "div", "1.1"),
    ("ops", "power", "1.1"),
    ("ops", "exp", "1.2"),
    ("ops", "log", "1.2"),
    ("ops", "tanh", "1.2"),
    ("ops", "sigmoid", "1.2"),
    ("ops", "relu", "1.2"),
    ("ops", "value_mul", "1.3"),
    ("ops", "value_tanh", "1.3"),
    ("graph", "topological_order", "2.1"),
    ("graph", "backward", "2.2"),
    ("checking", "chain_rule_derivative", "3.1"),
    ("checking", "central_difference", "3.2"),
    ("neuron", "neuron_forward", "4.1"),
    ("neuron", "layer_forward", "4.2"),
    ("neuron", "mlp_forward", "4.3"),
    ("training", "sgd_step", "5.1"),
    ("training", "softmax_cross_entropy", "5.2"),
    ("training", "minibatches", "5.3"),
    ("matrix_form", "two_layer_gradients", "6.1"),
    ("matrix_form", "deep_gradients", "6.2"),
]
MODULES = sorted({module for module, _, _ in STUBS})

SMALL = settings(max_examples=25, deadline=None)


def folder_of(choice: str) -> Path:
    """A folder under notebooks/exercises/ by name, or a path."""
    named = EXERCISES_DIR / choice
    folder = named if named.is_dir() else Path(choice)
    if not folder.is_dir():
        raise FileNotFoundError(
            f"SWEEPGRAD_EXERCISES={choice!r} is neither a folder in {EXERCISES_DIR} "
            "(starter, solutions) nor a path to a folder of exercise modules"
        )
    return folder.resolve()


@cache
def load(module: str, choice: str = CHOICE) -> ModuleType:
    """notebooks/exercises/<choice>/<module>.py, imported under a name of its own."""
    path = folder_of(choice) / f"{module}.py"
    name = f"sweepgrad_exercises_{path.parent.name}_{module}"
    spec = importlib.util.spec_from_file_location(name, path)
    loaded = importlib.util.module_from_spec(spec)
    sys.modules[name] = loaded
    spec.loader.exec_module(loaded)
    return loaded


def close(a: float, b: float, rel: float = 1e-12, abs_: float = 1e-12) -> bool:
    return math.isclose(a, b, rel_tol=rel, abs_tol=abs_)


def same_gradient(got: float, want: float, scale: float) -> bool:
    """Equal to rounding, relative to the largest gradient of the graph (sums taken in
    another order may cancel differently), with nan matching nan."""
    if math.isnan(want) or math.isinf(want):
        return got == want or (math.isnan(got) and math.isnan(want))
    return math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-12 * max(1.0, scale))


def finite_scale(gradients: dict) -> float:
    return max((abs(g) for g in gradients.values() if math.isfinite(g)), default=1.0)


# --- the starter stubs (default run only) -------------------------------------------------

default_run_only = pytest.mark.skipif(
    CHOICE != "solutions",
    reason="the starter stubs are checked when SWEEPGRAD_EXERCISES is unset (solutions)",
)


@default_run_only
@pytest.mark.parametrize(("module", "function", "exercise"), STUBS)
def test_starter_stub_raises_naming_its_exercise(module: str, function: str, exercise: str):
    stub = getattr(load(module, "starter"), function)
    arguments = [None] * len(inspect.signature(stub).parameters)
    with pytest.raises(NotImplementedError, match=rf"^Exercise {re.escape(exercise)}: "):
        stub(*arguments)


@default_run_only
@pytest.mark.parametrize("module", MODULES)
def test_starter_and_solutions_offer_the_same_functions(module: str):
    starter, solutions = load(module, "starter"), load(module, "solutions")
    expected = {function for m, function, _ in STUBS if m == module}
    for folder in (starter, solutions):
        public = {
            name for name, obj in vars(folder).items()
            if inspect.isfunction(obj) and obj.__module__ == folder.__name__
            and not name.startswith("_")
        }
        assert public == expected, f"{folder.__file__}: {sorted(public ^ expected)}"
    for name in expected:
        stub, solution = getattr(starter, name), getattr(solutions, name)
        assert inspect.signature(stub) == inspect.signature(solution), name
        assert inspect.getdoc(stub) == inspect.getdoc(solution), name


def test_every_exercise_has_marked_tests():
    marked = {mark.name for test in list(globals().values())
              for mark in getattr(test, "pytestmark", []) if mark.name.startswith("exercise_")}
    assert marked == {f"exercise_{number.replace('.', '_')}" for _, _, number in STUBS}


def test_an_unknown_exercise_folder_is_a_clear_error():
    with pytest.raises(FileNotFoundError, match="SWEEPGRAD_EXERCISES='no-such-folder'"):
        folder_of("no-such-folder")


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
    b = Value(6.8813735870195432)
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
    b = Value(6.8813735870195432)
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


# --- Exercise 4.1 to 4.3: neuron, layer, MLP ----------------------------------------------


@pytest.mark.exercise_4_1
def test_neuron_forward_is_the_lecture_neuron():
    neuron = load("neuron")
    x1, w1, x2, w2 = Value(2.0), Value(-3.0), Value(0.0), Value(1.0)
    b = Value(6.8813735870195432)
    o = neuron.neuron_forward([w1, w2], b, [x1, x2], "tanh")
    assert math.isclose(o.data, math.sqrt(0.5), rel_tol=1e-12)
    o.backward()
    assert math.isclose(w1.grad, 1.0, rel_tol=1e-12) and math.isclose(b.grad, 0.5, rel_tol=1e-12)
    assert math.isclose(x1.grad, -1.5, rel_tol=1e-12)


@pytest.mark.exercise_4_1
@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid", "linear"])
def test_neuron_forward_activations_against_math(activation: str):
    neuron = load("neuron")
    rng = random.Random(1)
    ws = [Value(rng.uniform(-1, 1)) for _ in range(3)]
    xs = [rng.uniform(-1, 1) for _ in range(3)]
    b = Value(0.2)
    s = sum(w.data * x for w, x in zip(ws, xs, strict=True)) + b.data
    expected = {"tanh": math.tanh(s), "relu": max(s, 0.0), "sigmoid": 1 / (1 + math.exp(-s)),
                "linear": s}[activation]
    out = neuron.neuron_forward(ws, b, xs, activation)
    assert math.isclose(out.data, expected, rel_tol=1e-12, abs_tol=1e-15)
    out.backward()
    slope = {"tanh": 1 - math.tanh(s) ** 2, "relu": float(s > 0),
             "sigmoid": math.exp(-s) / (1 + math.exp(-s)) ** 2, "linear": 1.0}[activation]
    for w, x in zip(ws, xs, strict=True):
        assert math.isclose(w.grad, slope * x, rel_tol=1e-12, abs_tol=1e-15)


@pytest.mark.exercise_4_1
def test_neuron_forward_rejects_bad_arguments_clearly():
    neuron = load("neuron")
    with pytest.raises(ValueError, match="softplus"):
        neuron.neuron_forward([Value(1.0)], Value(0.0), [1.0], "softplus")
    with pytest.raises(ValueError):
        neuron.neuron_forward([Value(1.0), Value(2.0)], Value(0.0), [1.0], "tanh")


def layers_of(model: MLP) -> list[tuple[list[list[Value]], list[Value]]]:
    return [([n.weights for n in layer.neurons], [n.bias for n in layer.neurons])
            for layer in model.layers]


@pytest.mark.exercise_4_2
def test_layer_forward_against_nn_layer():
    neuron = load("neuron")
    model = MLP(3, [4], activation="tanh", output_activation="tanh", seed=2)
    xs = [0.5, -1.0, 2.0]
    expected = model(xs)
    (weights, biases), = layers_of(model)
    got = neuron.layer_forward(weights, biases, xs, "tanh")
    assert len(got) == 4
    for mine, reference in zip(got, expected, strict=True):
        assert math.isclose(mine.data, reference.data, rel_tol=1e-12, abs_tol=1e-15)


@pytest.mark.exercise_4_3
@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_mlp_forward_against_nn_mlp_values_and_gradients(activation: str):
    neuron = load("neuron")
    model = MLP(2, [5, 4, 3], activation=activation, seed=3)
    xs = [0.7, -0.4]
    expected = model(xs)
    reference = sweep_gradients(sum(expected[k] * (k + 1) for k in range(3)), model.parameters())
    got = neuron.mlp_forward(layers_of(model), xs, activation)
    assert len(got) == 3
    for mine, want in zip(got, expected, strict=True):
        assert math.isclose(mine.data, want.data, rel_tol=1e-12, abs_tol=1e-14)
    model.zero_grad()
    sum(got[k] * (k + 1) for k in range(3)).backward()
    for p in model.parameters():
        assert math.isclose(p.grad, reference[p], rel_tol=1e-10, abs_tol=1e-13), p.label


# --- Exercise 5.1 to 5.3: training --------------------------------------------------------


@pytest.mark.exercise_5_1
def test_sgd_step_on_the_lectures_one_weight_example():
    training = load("training")
    w = Value(0.1)
    loss = (w * 3.0 - 1.0) ** 2  # x = 3, y = 1: L = 0.49
    assert math.isclose(loss.data, 0.49, rel_tol=1e-12)
    loss.backward()
    assert math.isclose(w.grad, -4.2, rel_tol=1e-12)
    training.sgd_step([w], lr=1.0)
    assert math.isclose(w.data, 4.3, rel_tol=1e-12)
    assert math.isclose(w.grad, -4.2, rel_tol=1e-12), "sgd_step must leave .grad alone"


@pytest.mark.exercise_5_1
def test_sgd_steps_decrease_a_quadratic():
    training = load("training")
    rng = random.Random(0)
    params = [Value(rng.uniform(-2, 2)) for _ in range(4)]
    losses = []
    for _ in range(20):
        loss = sum((p - i) ** 2 for i, p in enumerate(params))
        losses.append(loss.data)
        for p in params:
            p.grad = 0.0
        loss.backward()
        before = [p.data for p in params]
        training.sgd_step(params, lr=0.1)
        for p, old in zip(params, before, strict=True):
            assert math.isclose(p.data, old - 0.1 * p.grad, rel_tol=1e-12, abs_tol=1e-15)
    assert losses[-1] < 0.01 * losses[0]


@pytest.mark.exercise_5_2
@SMALL
@given(scores=st.lists(st.floats(-10.0, 10.0, allow_nan=False), min_size=2, max_size=5),
       pick=st.integers(0, 4))
def test_softmax_cross_entropy_value_and_gradient(scores: list[float], pick: int):
    training = load("training")
    target = pick % len(scores)
    values = [Value(s) for s in scores]
    loss = training.softmax_cross_entropy(values, target)
    expected = math.log(sum(math.exp(s) for s in scores)) - scores[target]
    assert math.isclose(loss.data, expected, rel_tol=1e-12, abs_tol=1e-12)
    loss.backward()
    total = sum(math.exp(s) for s in scores)
    for k, v in enumerate(values):  # ∂ℓ/∂s_k = softmax(s)_k − [k = t]
        assert math.isclose(v.grad, math.exp(scores[k]) / total - (k == target), abs_tol=1e-12)
    assert math.isclose(loss.data, nn_softmax_cross_entropy([Value(s) for s in scores],
                                                            target).data, rel_tol=1e-12,
                        abs_tol=1e-12)


@pytest.mark.exercise_5_2
def test_softmax_cross_entropy_is_stable_for_huge_scores():
    training = load("training")
    values = [Value(1000.0), Value(0.0), Value(-1000.0)]
    assert training.softmax_cross_entropy(values, 0).data == pytest.approx(0.0, abs=1e-12)
    wrong = training.softmax_cross_entropy(values, 1)
    assert wrong.data == pytest.approx(1000.0, rel=1e-12)
    wrong.backward()
    assert values[0].grad == pytest.approx(1.0) and values[1].grad == pytest.approx(-1.0)
    assert all(math.isfinite(v.grad) for v in values)


@pytest.mark.exercise_5_3
@pytest.mark.parametrize(("n", "batch_size"), [(10, 3), (12, 4), (5, 10), (1, 1)])
def test_minibatches_partition_the_indices(n: int, batch_size: int):
    training = load("training")
    batches = training.minibatches(n, batch_size, random.Random(0))
    assert len(batches) == math.ceil(n / batch_size)
    assert all(len(batch) == batch_size for batch in batches[:-1])
    assert 1 <= len(batches[-1]) <= batch_size
    assert sorted(i for batch in batches for i in batch) == list(range(n))


@pytest.mark.exercise_5_3
def test_minibatches_reshuffle_every_epoch_and_follow_the_rng():
    training = load("training")
    rng = random.Random(0)
    first, second = training.minibatches(50, 10, rng), training.minibatches(50, 10, rng)
    assert first != second, "every call (every epoch) must shuffle again"
    assert training.minibatches(50, 10, random.Random(7)) == training.minibatches(
        50, 10, random.Random(7))
    assert [i for batch in first for i in batch] != list(range(50))


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
