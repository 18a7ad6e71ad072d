"""PyTorch float64 as the oracle for derivatives of derivatives.

Second and third derivatives of every op (``torch.autograd.grad(...,
create_graph=True)``), Hessians of random expression DAGs and of small nn
models (``torch.autograd.functional.hessian``), Hessian-vector products
(``torch.autograd.functional.hvp``). The special values are in
test_torch_edge_cases.py.
"""

import itertools
import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import nn
from engine import Value, hessian, hvp
from tests.expressions import (
    ALL_OPS,
    OPS,
    OpCase,
    Program,
    kink_arguments,
    points,
    programs,
    run_program,
)
from tests.helpers.torch_edges import ORACLE, engine_derivative, torch_derivative

pytestmark = pytest.mark.torch


@pytest.mark.parametrize("case", OPS, ids=str)
@settings(ORACLE, max_examples=15)
@given(data=st.data())
def test_each_op_second_and_third_derivatives_match_torch(torch, case: OpCase, data):
    point = data.draw(points(case))
    for order in (2, 3):
        for path in itertools.product(range(case.arity), repeat=order):
            ours = engine_derivative(case.apply, point, path)
            theirs = torch_derivative(torch, case.apply, point, path)
            assert ours == pytest.approx(theirs, rel=1e-11, abs=1e-12), (case.name, path)


def test_the_slope_of_a_power_in_its_base_is_selected_at_exponent_zero_as_in_torch(torch):
    # ∂(a^b)/∂a = b·a^(b−1) is a selected 0 at b = 0, so its derivative in b is 0 there,
    # while ∂/∂a of ∂(a^b)/∂b = a^b·ln a is 1/a: the Hessian is not symmetric at b = 0,
    # in PyTorch as in sweepgrad.
    def power(a, b):
        return a**b

    for path, expected in (((0, 1), 0.0), ((1, 0), 1.0 / 1.5)):
        assert engine_derivative(power, (1.5, 0.0), path) == pytest.approx(expected, rel=1e-15)
        assert torch_derivative(torch, power, (1.5, 0.0), path) == pytest.approx(expected,
                                                                                 rel=1e-15)


@settings(ORACLE, max_examples=80)
@given(programs(ops=tuple(ALL_OPS), max_inputs=3, max_steps=10))
def test_random_dag_hessians_match_torch(torch, program: Program):
    point = list(program.inputs)
    root = run_program(program, [Value(x) for x in point])
    assume(math.isfinite(root.data) and abs(root.data) < 1e50)
    assume(all(abs(k) > 1e-9 for k in kink_arguments(program, point)))

    ours = hessian(lambda *leaves: run_program(program, leaves), point)
    theirs = torch.autograd.functional.hessian(
        lambda x: run_program(program, list(x)), torch.tensor(point, dtype=torch.float64))
    scale = 1.0 + float(theirs.abs().max())
    for i, j in itertools.product(range(len(point)), repeat=2):
        assert ours[i][j] == pytest.approx(theirs[i, j].item(), rel=1e-9, abs=1e-11 * scale)


@settings(ORACLE, max_examples=40)
@given(programs(max_inputs=3, max_steps=10), st.lists(st.floats(-2, 2), min_size=3, max_size=3))
def test_hessian_vector_products_match_torch(torch, program: Program, vector):
    point = list(program.inputs)
    vector = vector[: len(point)]
    root = run_program(program, [Value(x) for x in point])
    assume(math.isfinite(root.data) and abs(root.data) < 1e50)
    ours = hvp(lambda *leaves: run_program(program, leaves), point, vector)
    _, theirs = torch.autograd.functional.hvp(
        lambda x: run_program(program, list(x)), torch.tensor(point, dtype=torch.float64),
        torch.tensor(vector, dtype=torch.float64))
    scale = 1.0 + float(theirs.abs().max())
    for got, want in zip(ours, theirs.tolist(), strict=True):
        assert got == pytest.approx(want, rel=1e-9, abs=1e-11 * scale)


# --- small nn models ---------------------------------------------------------------------

MODELS = [
    ("tanh", [3, 1], "squared_error"),
    ("sigmoid", [2, 2, 1], "logistic"),
    ("silu", [3, 1], "squared_error"),
    ("tanh", [2, 3], "softmax_cross_entropy"),
]


def torch_model(torch, model, activation, flat, x):
    """The same MLP on a flat parameter tensor, in nn's parameter order."""
    functions = {"tanh": torch.tanh, "sigmoid": torch.sigmoid,
                 "silu": torch.nn.functional.silu, "linear": lambda z: z}
    position, values = 0, [torch.tensor(v, dtype=torch.float64) for v in x]
    for layer in model.layers:
        outputs = []
        for neuron in layer.neurons:
            total = flat[position] * values[0]
            for i in range(1, neuron.nin):
                total = total + flat[position + i] * values[i]
            total = total + flat[position + neuron.nin]
            position += neuron.nin + 1
            outputs.append(functions[neuron.activation](total))
        values = outputs
    return values


def torch_loss(torch, name, outputs, target):
    if name == "squared_error":
        return (outputs[0] - target) ** 2
    if name == "logistic":
        return torch.nn.functional.softplus(-(1.0 if target == 1 else -1.0) * outputs[0])
    return torch.logsumexp(torch.stack(outputs), 0) - outputs[target]


@pytest.mark.parametrize("activation, sizes, loss", MODELS)
def test_hessians_of_small_nn_models_match_torch(torch, activation, sizes, loss):
    model = nn.MLP(2, sizes, activation=activation, seed=3)
    x, target = [0.4, -1.1], 1
    neurons = [neuron for layer in model.layers for neuron in layer.neurons]

    def f(*parameters):
        it = iter(parameters)
        for neuron in neurons:  # the leaves hessian() made take the parameters' places
            neuron.weights = [next(it) for _ in range(neuron.nin)]
            neuron.bias = next(it)
        return getattr(nn, loss)(model(x), target)

    start = [p.data for p in model.parameters()]
    ours = hessian(f, start)
    theirs = torch.autograd.functional.hessian(
        lambda flat: torch_loss(torch, loss, torch_model(torch, model, activation, flat, x),
                                target),
        torch.tensor(start, dtype=torch.float64))
    n = len(start)
    assert n == model.num_parameters() and theirs.shape == (n, n)
    assert max(abs(ours[i][j]) for i in range(n) for j in range(n)) > 1e-3  # not all 0
    for i, j in itertools.product(range(n), repeat=2):
        assert ours[i][j] == pytest.approx(theirs[i, j].item(), rel=1e-10, abs=1e-13)
