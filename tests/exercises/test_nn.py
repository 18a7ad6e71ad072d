"""Checks for exercises 4.1 to 5.3: neurons, layers, MLPs and training.

Run one exercise with ``pytest -m exercise_N_M``; see tests/exercises/test_stubs.py.
"""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine import Value, sweep_gradients
from engine.examples import LECTURE_NEURON_INPUTS
from nn.layers import MLP
from nn.losses import softmax_cross_entropy as nn_softmax_cross_entropy
from tests.exercises.loading import (
    SMALL,
    load,
)

# --- Exercise 4.1 to 4.3: neuron, layer, MLP ----------------------------------------------


@pytest.mark.exercise_4_1
def test_neuron_forward_is_the_lecture_neuron():
    neuron = load("neuron")
    x1, w1, x2, w2 = Value(2.0), Value(-3.0), Value(0.0), Value(1.0)
    b = Value(LECTURE_NEURON_INPUTS["b"])
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


