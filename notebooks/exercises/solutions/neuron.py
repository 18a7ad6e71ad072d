"""Chapter 4: a neuron, a layer and a multi-layer perceptron, from Values.

The δ-recursion lecture's notation: neuron j of layer l sums its inputs,
S_j = Σᵢ w_ij·x_i + b_j, and applies the activation, x_j = Θ(S_j).
A layer is neurons side by side on the same inputs; the backpropagation lecture's network
chains layers, z⁽ᵗ⁺¹⁾ = Θ(W⁽ᵗ⁾z⁽ᵗ⁾ + b⁽ᵗ⁾), with a linear last layer.

Build everything from ``Value`` operations (+, *, .tanh(), .relu(),
.sigmoid()), so that ``backward()`` can differentiate what you built.
Activation names: "tanh", "relu", "sigmoid", "linear" (the identity).

Check your work:  SWEEPGRAD_EXERCISES=starter pytest tests/exercises -m exercise_4_1
"""

from __future__ import annotations

from collections.abc import Sequence

from engine import Value

# --- Exercise 4.1: one neuron ---------------------------------------------------------


def neuron_forward(
    weights: Sequence[Value],
    bias: Value,
    inputs: Sequence[Value | float],
    activation: str = "tanh",
) -> Value:
    """Exercise 4.1: Θ(Σᵢ wᵢ·xᵢ + b), with Θ named by ``activation``.

    Raise ValueError naming the activation when it is not one of "tanh",
    "relu", "sigmoid", "linear", and when len(weights) != len(inputs).
    """
    if len(weights) != len(inputs):
        raise ValueError(
            f"{len(weights)} weights but {len(inputs)} inputs: give one input per weight"
        )
    total = bias
    for w, x in zip(weights, inputs):
        total = total + w * x
    if activation == "tanh":
        return total.tanh()
    if activation == "relu":
        return total.relu()
    if activation == "sigmoid":
        return total.sigmoid()
    if activation == "linear":
        return total
    raise ValueError(f"unknown activation {activation!r}: use tanh, relu, sigmoid or linear")


# --- Exercise 4.2: one layer -------------------------------------------------------------


def layer_forward(
    weights: Sequence[Sequence[Value]],
    biases: Sequence[Value],
    inputs: Sequence[Value | float],
    activation: str = "tanh",
) -> list[Value]:
    """Exercise 4.2: every neuron of a layer on the same inputs.

    ``weights[j]`` holds neuron j's weights and ``biases[j]`` its bias; the
    result is the list [x_1, …, x_nout] of the neurons' outputs.
    """
    return [neuron_forward(w, b, inputs, activation) for w, b in zip(weights, biases)]


# --- Exercise 4.3: a multi-layer perceptron --------------------------------------------


def mlp_forward(
    layers: Sequence[tuple[Sequence[Sequence[Value]], Sequence[Value]]],
    inputs: Sequence[Value | float],
    activation: str = "relu",
) -> list[Value]:
    """Exercise 4.3: z⁽¹⁾ = inputs, then each layer (weights, biases) in turn.

    Hidden layers use ``activation``; the last layer is linear (its outputs
    are scores for a loss). Returns the last layer's outputs as a list.
    """
    values = list(inputs)
    for index, (weights, biases) in enumerate(layers):
        last = index == len(layers) - 1
        values = layer_forward(weights, biases, values, "linear" if last else activation)
    return values
