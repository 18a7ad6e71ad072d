"""The scalar engine's gradients equal the matrix-form δ recursion to 1e-12."""

import numpy as np
import pytest

from engine import central_difference
from nn import ACTIVATIONS, MLP, mean, softmax_cross_entropy, squared_error
from nn.matrix_form import ARRAY_ACTIVATIONS, MatrixNetwork, flatten

NAMES = list(ACTIVATIONS)


def test_the_matrix_form_has_every_activation_of_nn_and_no_other():
    assert list(ARRAY_ACTIVATIONS) == NAMES


def engine_gradient(model, inputs, targets, loss):
    loss_fn = squared_error if loss == "squared" else softmax_cross_entropy
    model.zero_grad()
    batch = mean([loss_fn(model(x), y) for x, y in zip(inputs, targets, strict=True)])
    batch.backward()
    return batch.data, np.array([p.grad for p in model.parameters()])


def assert_close(engine, matrix):
    scale = np.abs(matrix).max()
    assert scale > 0
    np.testing.assert_allclose(engine, matrix, rtol=1e-12, atol=1e-12 * scale)


@pytest.mark.parametrize("activation", NAMES)
@pytest.mark.parametrize("sizes", [[5, 2], [4, 3, 2], [3, 4, 3, 2]])
@pytest.mark.parametrize("loss", ["squared", "cross_entropy"])
def test_engine_equals_delta_recursion(activation, sizes, loss):
    rng = np.random.default_rng(len(sizes) * 10 + NAMES.index(activation))
    model = MLP(3, sizes, activation=activation, seed=len(sizes))
    for p in model.parameters():  # nonzero biases so every term is exercised
        if p.label.endswith(".b"):
            p.data = float(rng.uniform(-0.5, 0.5))
    inputs = rng.normal(size=(4, 3)).tolist()
    if loss == "squared":
        targets = rng.normal(size=(4, sizes[-1])).tolist()
    else:
        targets = [int(t) for t in rng.integers(0, sizes[-1], size=4)]
    value, engine = engine_gradient(model, inputs, targets, loss)
    matrix_value, matrix = MatrixNetwork.from_mlp(model).batch_gradient(inputs, targets, loss)
    assert value == pytest.approx(matrix_value, rel=1e-12)
    assert_close(engine, matrix)


def test_lecture_two_layer_formulas():
    """y = h(Wσ(Vx)) with the lecture's closed forms, written out, no biases."""
    rng = np.random.default_rng(0)
    model = MLP(3, [4, 2], activation="sigmoid", output_activation="tanh", seed=0)
    network = MatrixNetwork.from_mlp(model)
    for b in network.biases:
        b[:] = 0.0
    for layer in model.layers:
        for n in layer.neurons:
            n.bias.data = 0.0
    x, y = rng.normal(size=3), rng.normal(size=2)
    V, W = network.weights
    sigma = 1.0 / (1.0 + np.exp(-V @ x))
    z = sigma
    delta = 2.0 * (np.tanh(W @ z) - y) * (1.0 - np.tanh(W @ z) ** 2)
    dW = np.outer(delta, z)
    dV = np.outer((W.T @ delta) * sigma * (1.0 - sigma), x)
    _, grad_w, grad_b = network.backward(x, y, "squared")
    np.testing.assert_allclose(grad_w[1], dW, rtol=1e-13)
    np.testing.assert_allclose(grad_w[0], dV, rtol=1e-13)
    _, engine = engine_gradient(model, [x.tolist()], [y.tolist()], "squared")
    assert_close(engine, flatten([dV, dW], grad_b))


def test_matrix_form_against_central_differences():
    model = MLP(2, [3, 3, 2], activation="tanh", seed=4)
    network = MatrixNetwork.from_mlp(model)
    x, target = [0.7, -0.2], 1
    _, grad_w, grad_b = network.backward(x, target, "cross_entropy")
    params = model.parameters()
    flat = flatten(grad_w, grad_b)

    def loss(*values):
        for p, v in zip(params, values, strict=True):
            p.data = v.data
        return softmax_cross_entropy(model(x), target)

    start = [p.data for p in params]
    for index in range(0, len(params), 4):
        estimate = central_difference(loss, start, index)
        assert estimate == pytest.approx(flat[index], rel=1e-6, abs=1e-9)


@pytest.mark.parametrize("loss, target", [("hinge", 0), ("logistic", 1)])
def test_binary_losses_in_matrix_form(loss, target):
    from nn import hinge, logistic

    model = MLP(2, [5, 1], activation="silu", seed=2)
    fn = hinge if loss == "hinge" else logistic
    model.zero_grad()
    out = fn(model([0.4, 0.9]), target)
    out.backward()
    value, matrix = MatrixNetwork.from_mlp(model).batch_gradient([[0.4, 0.9]], [target], loss)
    assert out.data == pytest.approx(value, rel=1e-12)
    assert_close(np.array([p.grad for p in model.parameters()]), matrix)
