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
    raise NotImplementedError(
        "Exercise 4.1: implement neuron.neuron_forward (read its docstring)"
    )


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
    raise NotImplementedError(
        "Exercise 4.2: implement neuron.layer_forward (read its docstring)"
    )


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
    raise NotImplementedError(
        "Exercise 4.3: implement neuron.mlp_forward (read its docstring)"
    )
