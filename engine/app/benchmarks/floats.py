"""The plain-float floor: the speed benchmark's two workloads written by hand.

What the engine is measured against, with Python floats and no objects per
operation: the forward pass storing what the backward pass needs, then the
backward pass written out (``engine.app.benchmarks.speed`` times them). Each
does the graph's arithmetic, operation for operation: tanh's derivative as
the engine computes it, (1 − t)(1 + t), which keeps its digits where t is
near ±1 and 1 − t² does not, and no shortcut the graph does not take. So the
chains give the engine's gradients to the bit, and the figures compare the
cost of the same work (``tests/app/test_floors.py``):

(a) a chain x ← tanh(x·w + b) of ``links`` links (3·links + 3 nodes), and the
    same chain with a weight and a bias per link, every one an input;
(b) one full-batch step of an MLP 2→16→16→1 (ReLU hidden layers, linear
    output) on two-moons points, loss mean(relu(1 − y·score)) + 1e-4·Σp².
"""

from __future__ import annotations

import math

import nn

# --- (a) the chain ----------------------------------------------------------


def chain_floats(links: int) -> tuple[float, float, float]:
    """The chain on floats: forward storing each tanh, then backward by hand.

    With t_k = tanh(x_{k-1}·w + b) and g = dL/dt_k: dL/ds_k = (1 − t_k)(1 + t_k)·g,
    dL/dw += dL/ds_k · x_{k-1}, dL/db += dL/ds_k, dL/dx_{k-1} = dL/ds_k · w.
    """
    w, b = 0.9, 0.1
    xs = [0.5]
    x = 0.5
    tanh = math.tanh
    for _ in range(links):
        x = tanh(x * w + b)
        xs.append(x)
    grad, grad_w, grad_b = 1.0, 0.0, 0.0
    for k in range(links, 0, -1):
        t = xs[k]
        grad_s = (1.0 - t) * (1.0 + t) * grad
        grad_w += grad_s * xs[k - 1]
        grad_b += grad_s
        grad = grad_s * w
    return grad, grad_w, grad_b


def distinct_chain_floats(weights: list[float], biases: list[float]
                          ) -> tuple[float, list[float], list[float]]:
    """The chain with a weight and a bias per link (``engine.examples.distinct_chain``):
    forward storing each tanh, then dL/dx, and dL/dwₖ, dL/dbₖ per link, by hand."""
    x = 0.5
    xs = [x]
    tanh = math.tanh
    for w, b in zip(weights, biases):
        x = tanh(x * w + b)
        xs.append(x)
    links = len(weights)
    grad_w, grad_b = [0.0] * links, [0.0] * links
    grad = 1.0
    for k in range(links - 1, -1, -1):
        t = xs[k + 1]
        grad_s = (1.0 - t) * (1.0 + t) * grad
        grad_w[k] = grad_s * xs[k]
        grad_b[k] = grad_s
        grad = grad_s * weights[k]
    return grad, grad_w, grad_b


# --- (b) the MLP step -----------------------------------------------------

LAYER_SIZES = (2, 16, 16, 1)
L2 = 1e-4


def weights_of(model: nn.MLP) -> list[list[list[float]]]:
    """weights[layer][neuron] = [w_1 … w_nin, bias], as plain floats."""
    return [[[*(w.data for w in neuron.weights), neuron.bias.data] for neuron in layer.neurons]
            for layer in model.layers]


def mlp_step_floats(weights: list[list[list[float]]], points: list[list[float]],
                    labels: list[float]) -> tuple[float, list[float]]:
    """The same loss and its gradient with floats: forward, then backprop by hand.

    Per layer, with pre-activations s and inputs a: δ = dL/ds, dL/dw_ij = δ_i·a_j,
    dL/da_j = Σ_i w_ij·δ_i, and through ReLU δ = dL/dout · [s > 0].
    """
    grads = [[[0.0] * len(neuron) for neuron in layer] for layer in weights]
    last = len(weights) - 1
    n = len(points)
    data_loss = 0.0
    for point, label in zip(points, labels):
        inputs = [point]
        sums = []
        activations = point
        for depth, layer in enumerate(weights):
            layer_sums = []
            for neuron in layer:
                total = neuron[0] * activations[0]
                for w, a in zip(neuron[1:-1], activations[1:]):
                    total += w * a
                layer_sums.append(total + neuron[-1])
            sums.append(layer_sums)
            if depth < last:
                activations = [s if s > 0.0 else 0.0 for s in layer_sums]
            else:
                activations = layer_sums
            inputs.append(activations)
        margin = 1.0 - label * activations[0]
        data_loss += margin if margin > 0.0 else 0.0
        deltas = [-label / n if margin > 0.0 else 0.0]
        for depth in range(last, -1, -1):
            layer, layer_grads, layer_inputs = weights[depth], grads[depth], inputs[depth]
            below = [0.0] * len(layer_inputs)
            # No shortcut for delta == 0: the graph does every product too.
            for neuron, neuron_grads, delta in zip(layer, layer_grads, deltas):
                for j, a in enumerate(layer_inputs):
                    neuron_grads[j] += delta * a
                    below[j] += delta * neuron[j]
                neuron_grads[-1] += delta
            if depth:
                deltas = [g if s > 0.0 else 0.0 for g, s in zip(below, sums[depth - 1])]
    penalty = 0.0
    flat_grads = []
    for layer, layer_grads in zip(weights, grads):
        for neuron, neuron_grads in zip(layer, layer_grads):
            for p, g in zip(neuron, neuron_grads):
                penalty += p * p
                flat_grads.append(g + 2.0 * L2 * p)
    return data_loss * (1.0 / n) + L2 * penalty, flat_grads
