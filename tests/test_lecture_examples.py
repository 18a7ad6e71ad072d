"""The lectures' worked examples, computed on Values.

- the neuron o = tanh(x1·w1 + x2·w2 + b) (``engine.examples.lecture_neuron``);
- the lecture on backprop intuition and activations: one weight, one step of
  SGD (loss 0.49, dL/dw = −4.2, w = 4.3), and σ′ ≤ 1/4, so gradients vanish
  through a stack of sigmoids;
- the lecture on backpropagation: the chain ŷ = a·w_T⋯w_1·x, where
  ∂ŷ/∂w_i = ŷ/w_i, in E products;
- the lecture on losses: backprop for ℓ = ‖h(Wσ(Vx)) − y‖² in matrix form (numpy).
"""

import math

import numpy as np
import pytest

from engine import Value, sweep_gradients, topological_order
from engine.examples import lecture_neuron

# --- the neuron -----------------------------------------------------------------


def test_the_neuron_forward_and_backward():
    nodes = lecture_neuron()
    o = nodes["o"]
    assert nodes["n"].data == pytest.approx(0.8814, abs=1e-4)
    assert o.data == pytest.approx(0.7071, abs=1e-4)
    assert o.data == pytest.approx(1 / math.sqrt(2), rel=1e-15)
    o.backward()
    grads = {name: nodes[name].grad for name in ("x1", "w1", "x2", "w2", "b", "n", "o")}
    # do/dn = 1 − o² = 1/2; then each input gets its partner times 1/2.
    assert grads == pytest.approx(
        {"x1": -1.5, "w1": 1.0, "x2": 0.5, "w2": 0.0, "b": 0.5, "n": 0.5, "o": 1.0}, rel=1e-14
    )


def test_the_neuron_against_torch(torch):
    nodes = lecture_neuron()
    nodes["o"].backward()
    names = ["x1", "w1", "x2", "w2", "b"]
    t = {k: torch.tensor(nodes[k].data, dtype=torch.float64, requires_grad=True) for k in names}
    o = (t["x1"] * t["w1"] + t["x2"] * t["w2"] + t["b"]).tanh()
    o.backward()
    assert nodes["o"].data == pytest.approx(o.item(), rel=1e-15)
    for k in names:
        assert nodes[k].grad == pytest.approx(t[k].grad.item(), rel=1e-14, abs=1e-300), k


# --- the lecture on activations and vanishing gradients: one weight, one step ---------------------


def test_one_weight_one_sgd_step():
    x, y = Value(3.0, label="x"), Value(1.0, label="y")
    w = Value(0.1, label="w")
    y_hat = w * x  # identity activation
    loss = (y_hat - y) ** 2
    assert loss.data == pytest.approx(0.49, rel=1e-14)
    loss.backward()
    assert w.grad == pytest.approx(-4.2, rel=1e-14)  # 2(ŷ − y)·x = 2(−0.7)·3
    assert y_hat.grad == pytest.approx(-1.4, rel=1e-14)
    assert x.grad == pytest.approx(-0.14, rel=1e-13)  # the input gets 2(ŷ − y)·w
    learning_rate = 1.0
    w.data -= learning_rate * w.grad
    assert w.data == pytest.approx(4.3, rel=1e-14)
    # η = 1 is too large here: the step overshoots and the loss grows.
    new_loss = (w * x - y) ** 2
    assert new_loss.data == pytest.approx((4.3 * 3 - 1) ** 2, rel=1e-14)
    assert new_loss.data > loss.data


# --- the lecture on activations and vanishing gradients: vanishing gradients ----------------------


def test_sigmoid_slope_is_at_most_a_quarter():
    slopes = [Value(z).sigmoid().local_grads[0] for z in np.linspace(-10, 10, 401)]
    assert max(slopes) == 0.25  # at z = 0 exactly
    assert Value(0.0).sigmoid().local_grads[0] == 0.25


def test_a_stack_of_sigmoids_makes_the_gradient_vanish():
    x = Value(0.3)
    h = x
    for _ in range(10):
        h = h.sigmoid()
    h.backward()
    assert 0.0 < x.grad <= 0.25**10


# --- the lecture on backpropagation: the chain ŷ = a·w_T⋯w_1·x ------------------------------------


def test_the_chain_gives_each_weight_y_over_w_in_one_product_per_edge():
    rng = np.random.default_rng(0)
    weights = [Value(float(v), label=f"w{i + 1}") for i, v in enumerate(rng.uniform(0.5, 1.5, 12))]
    x, a = Value(0.7, label="x"), Value(-1.3, label="a")
    y_hat = x
    for w in weights:  # z_1 = w_1·x, z_2 = w_2·z_1, ...
        y_hat = w * y_hat
    y_hat = a * y_hat
    grads = sweep_gradients(y_hat, weights)
    for w in weights:
        assert grads[w] == pytest.approx(y_hat.data / w.data, rel=1e-13)
    edges = sum(len(node.parents) for node in topological_order(y_hat))
    assert grads.products == edges == 2 * (len(weights) + 1)


# --- the lecture on losses: matrix-form backprop ------------------------------------------------


def test_scalar_engine_agrees_with_the_matrix_form_of_backprop():
    # ℓ = ‖h(W z) − y‖², z = σ(V x), with h = tanh and σ the logistic sigmoid:
    #   δ = 2(h(Wz) − y) ⊙ h′(Wz),  ∂ℓ/∂W = δ zᵀ,  ∂ℓ/∂z = Wᵀδ,
    #   ∂ℓ/∂V = ((Wᵀδ) ⊙ σ′(Vx)) xᵀ.
    rng = np.random.default_rng(4)
    d, m, k = 3, 4, 2
    V_np, W_np = rng.normal(size=(m, d)), rng.normal(size=(k, m))
    x_np, y_np = rng.normal(size=d), rng.normal(size=k)

    V = [[Value(float(V_np[i, j])) for j in range(d)] for i in range(m)]
    W = [[Value(float(W_np[i, j])) for j in range(m)] for i in range(k)]
    z = [sum((V[i][j] * float(x_np[j]) for j in range(d)), Value(0.0)).sigmoid() for i in range(m)]
    out = [sum((W[i][j] * z[j] for j in range(m)), Value(0.0)).tanh() for i in range(k)]
    loss = sum(((out[i] - float(y_np[i])) ** 2 for i in range(k)), Value(0.0))
    loss.backward()

    s = 1.0 / (1.0 + np.exp(-V_np @ x_np))
    z_np = s
    h = np.tanh(W_np @ z_np)
    delta = 2.0 * (h - y_np) * (1.0 - h**2)
    dW = np.outer(delta, z_np)
    dz = W_np.T @ delta
    dV = np.outer(dz * s * (1.0 - s), x_np)

    assert loss.data == pytest.approx(float(np.sum((h - y_np) ** 2)), rel=1e-13)
    assert z[0].grad == pytest.approx(dz[0], rel=1e-12)
    np.testing.assert_allclose([[w.grad for w in row] for row in W], dW, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose([[v.grad for v in row] for row in V], dV, rtol=1e-12, atol=1e-15)
