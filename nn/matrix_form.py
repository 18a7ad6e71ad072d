"""Backprop in matrix form with numpy: a reference for the scalar engine.

The layer notation of the lecture on the δ recursion, for a network of L layers with weight matrices
W⁽ˡ⁾ (nout × nin), biases b⁽ˡ⁾ and activations Θ⁽ˡ⁾:

    forward:   x⁽⁰⁾ = x,   S⁽ˡ⁾ = W⁽ˡ⁾x⁽ˡ⁻¹⁾ + b⁽ˡ⁾,   x⁽ˡ⁾ = Θ⁽ˡ⁾(S⁽ˡ⁾)
    output:    δ⁽ᴸ⁾ = ∂ℓ/∂x⁽ᴸ⁾ ⊙ Θ′⁽ᴸ⁾(S⁽ᴸ⁾)
    backward:  δ⁽ˡ⁾ = (W⁽ˡ⁺¹⁾ᵀ δ⁽ˡ⁺¹⁾) ⊙ Θ′⁽ˡ⁾(S⁽ˡ⁾)
    gradients: ∂ℓ/∂W⁽ˡ⁾ = δ⁽ˡ⁾ x⁽ˡ⁻¹⁾ᵀ,   ∂ℓ/∂b⁽ˡ⁾ = δ⁽ˡ⁾

(The lecture writes Ŵ⁽ˡ⁺¹⁾δ⁽ˡ⁺¹⁾ with Ŵ stored nin × nout; here W is stored
nout × nin, as ``MLP`` stores it, hence the transpose.) For two layers and the
squared loss this is the lecture on losses' δ = 2(h(Wz) − y) ⊙ h′(Wz), ∂ℓ/∂W = δzᵀ,
∂ℓ/∂z = Wᵀδ, ∂ℓ/∂V = ((Wᵀδ) ⊙ σ′(Vx))xᵀ.

Each layer's backward step costs one matrix-vector product, which is the
"number of edges in the sub-graph" of the backpropagation lecture's count.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from nn.activations import activation_name
from nn.layers import MLP
from nn.losses import signed_label

Array = np.ndarray


def _sigmoid(s: Array) -> Array:
    # Two branches so that e^(−s) never overflows, as in ``engine.ieee.sigmoid``.
    e = np.exp(-np.abs(s))
    result: Array = np.where(s >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return result


def _leaky(s: Array) -> Array:
    return np.where(s > 0, s, 0.01 * s)


# nn.ACTIVATIONS on arrays, name by name: (Θ, Θ′), elementwise, with the engine's
# conventions at 0 (ReLU′(0) = 0).
ARRAY_ACTIVATIONS: dict[str, tuple[Callable[[Array], Array], Callable[[Array], Array]]] = {
    "relu": (lambda s: np.where(s > 0, s, 0.0), lambda s: np.where(s > 0, 1.0, 0.0)),
    "leaky_relu": (_leaky, lambda s: np.where(s > 0, 1.0, 0.01)),
    "tanh": (np.tanh, lambda s: 1.0 - np.tanh(s) ** 2),
    "sigmoid": (_sigmoid, lambda s: _sigmoid(s) * (1.0 - _sigmoid(s))),
    "silu": (lambda s: s * _sigmoid(s), lambda s: _sigmoid(s) * (1.0 + s * (1.0 - _sigmoid(s)))),
    "linear": (lambda s: s, np.ones_like),
}


@dataclass
class MatrixNetwork:
    """Weights W⁽ˡ⁾ (nout × nin), biases b⁽ˡ⁾ and activation names, layer by layer."""

    weights: list[Array]
    biases: list[Array]
    activations: list[str]

    @classmethod
    def from_mlp(cls, mlp: MLP) -> MatrixNetwork:
        """The same numbers as an ``nn.MLP``, as matrices (row j = neuron j's weights)."""
        return cls(
            [np.array([[w.data for w in n.weights] for n in lay.neurons]) for lay in mlp.layers],
            [np.array([n.bias.data for n in layer.neurons]) for layer in mlp.layers],
            [layer.activation for layer in mlp.layers],
        )

    def forward(self, x: Sequence[float]) -> tuple[list[Array], list[Array]]:
        """(S, X): S[l] the sums of layer l+1, X[l] its input (X[0] = x, X[-1] the output)."""
        outputs = [np.asarray(x, dtype=float)]
        sums = []
        for W, b, name in zip(self.weights, self.biases, self.activations):
            s = W @ outputs[-1] + b
            sums.append(s)
            outputs.append(ARRAY_ACTIVATIONS[activation_name(name)][0](s))
        return sums, outputs

    def backward(
        self, x: Sequence[float], target: Any, loss: str = "squared"
    ) -> tuple[float, list[Array], list[Array]]:
        """(ℓ, [∂ℓ/∂W⁽ˡ⁾], [∂ℓ/∂b⁽ˡ⁾]) for one example, by the δ recursion."""
        sums, outputs = self.forward(x)
        value, delta = output_loss(outputs[-1], target, loss)  # ∂ℓ/∂x⁽ᴸ⁾
        grad_w: list[Array] = [np.empty(0)] * len(sums)
        grad_b: list[Array] = [np.empty(0)] * len(sums)
        for layer in reversed(range(len(sums))):
            derivative = ARRAY_ACTIVATIONS[activation_name(self.activations[layer])][1]
            if layer < len(sums) - 1:
                delta = self.weights[layer + 1].T @ delta  # ∂ℓ/∂x⁽ˡ⁾ = W⁽ˡ⁺¹⁾ᵀ δ⁽ˡ⁺¹⁾
            delta = delta * derivative(sums[layer])  # δ⁽ˡ⁾ = ∂ℓ/∂x⁽ˡ⁾ ⊙ Θ′(S⁽ˡ⁾)
            grad_w[layer] = np.outer(delta, outputs[layer])  # δ⁽ˡ⁾ x⁽ˡ⁻¹⁾ᵀ
            grad_b[layer] = delta
        return value, grad_w, grad_b

    def batch_gradient(
        self, inputs: Sequence[Sequence[float]], targets: Sequence[Any], loss: str = "squared"
    ) -> tuple[float, Array]:
        """Mean loss and mean gradient over a batch, flattened in ``MLP.parameters()`` order."""
        total_loss = 0.0
        flats = []
        for x, y in zip(inputs, targets):
            value, grad_w, grad_b = self.backward(x, y, loss)
            flats.append(flatten(grad_w, grad_b))
            total_loss += value
        total = flats[0]
        for flat in flats[1:]:
            total = total + flat
        return total_loss / len(inputs), total / len(inputs)


def output_loss(output: Array, target: Any, loss: str) -> tuple[float, Array]:
    """(ℓ, ∂ℓ/∂x⁽ᴸ⁾) for the losses of ``nn.losses``."""
    if loss == "squared":
        diff = output - np.atleast_1d(np.asarray(target, dtype=float))
        return float(diff @ diff), 2.0 * diff
    if loss == "cross_entropy":
        m = output.max()
        exps = np.exp(output - m)
        probabilities = exps / exps.sum()
        one_hot = np.zeros_like(output)
        one_hot[target] = 1.0
        return float(m + np.log(exps.sum()) - output[target]), probabilities - one_hot
    if loss == "logistic":
        y = signed_label(target)
        z = -y * output[0]
        return float(np.logaddexp(0.0, z)), np.array([-y * _sigmoid(np.array(z))])
    if loss == "hinge":
        y = signed_label(target)
        active = 1.0 - y * output[0] > 0.0
        return float(max(0.0, 1.0 - y * output[0])), np.array([-y if active else 0.0])
    raise ValueError(f"unknown loss {loss!r}: choose squared, cross_entropy, logistic or hinge")


def flatten(grad_w: list[Array], grad_b: list[Array]) -> Array:
    """Layer by layer, neuron by neuron: row j of ∂ℓ/∂W, then ∂ℓ/∂b_j (``MLP`` order)."""
    parts = []
    for gw, gb in zip(grad_w, grad_b):
        parts.append(np.concatenate([gw, gb[:, None]], axis=1).ravel())
    return np.concatenate(parts)
