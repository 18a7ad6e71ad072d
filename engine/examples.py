"""The example graphs of the course, in one place.

Demos, benchmarks, tests and notebooks all build their examples here:

- ``lecture_neuron()``: o = tanh(x1·w1 + x2·w2 + b) with x1 = 2, w1 = −3,
  x2 = 0, w2 = 1 and b = 6.8813735870195432, chosen so that the sum is
  n = 0.8814 and o = 1/√2; backward gives do/dn = 1 − o² = 0.5;
- ``fan_out_diamond()``: a feeds b = 2a and c = a·a, d = b + c, so
  dd/da = 2 + 2a sums two contributions (and ``a * a`` has two edges);
- the lecture's chain ŷ = a·w_T⋯w_1·x (the lecture on backpropagation):
  z_1 = w_1·x, z_i = w_i·z_{i−1}, ŷ = a·z_T;
- the lecture's network on one sample with squared loss,
  ℓ = (h(x) − y)² with h(x) = αᵀReLU(W^d⋯ReLU(W¹x)) + b, for d hidden layers
  of one width (d = 2 is the lecture's h), built from Values only;
- n stacked diamonds: z_k = p_k·z_{k−1} + q_k·z_{k−1}, two paths per level,
  3·2ⁿ − 2 paths from the leaves to the top;
- ``tanh_chain(links)``: x ← tanh(x·w + b), the speed benchmark's deep graph;
- ``distinct_chain(links)``: x ← tanh(x·wᵢ + bᵢ), a weight and a bias per link;
- ``trajectory(steps)``: the same recurrence with every state an output, the
  sensitivity of a whole trajectory to (x₀, w, b): three inputs, many outputs,
  where forward mode beats the sweep;
- ``irregular_graph(nodes)``: a seeded random DAG with no repeated shapes,
  the compiler's hard case (``engine.compile`` records it as a tape).

A ``Problem`` holds the numbers at its leaves and a ``build`` function that
makes the graph from Values holding them, so the same function serves the
sweep (build once, differentiate) and finite differences (build again at
every perturbed point). A problem with several outputs also has ``outputs``,
which builds them all.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass

from engine.graph import topological_order
from engine.value import Value


@dataclass(frozen=True)
class Problem:
    """One graph of one family at one size."""

    family: str  # "chain", "mlp" or "diamonds"
    size: str  # the size in the family's own terms, e.g. "T=64"
    inputs: tuple[float, ...]  # the numbers at the leaves, in build's argument order
    build: Callable[..., Value]  # build(*leaves) -> root (the last output)
    parameters: int  # how many of the leaves are trained weights
    outputs: Callable[..., list[Value]] | None = None  # outputs(*leaves), if several


# --- the lecture's neuron ------------------------------------------------------

LECTURE_NEURON_INPUTS = {"x1": 2.0, "w1": -3.0, "x2": 0.0, "w2": 1.0, "b": 6.8813735870195432}


def build_neuron(x1: Value, w1: Value, x2: Value, w2: Value, b: Value) -> Value:
    """o = tanh(x1·w1 + x2·w2 + b), with the inner nodes labelled."""
    x1w1 = x1 * w1
    x1w1.label = "x1*w1"
    x2w2 = x2 * w2
    x2w2.label = "x2*w2"
    weighted = x1w1 + x2w2
    weighted.label = "x1*w1 + x2*w2"
    n = weighted + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o


def lecture_neuron() -> dict[str, Value]:
    """Every node of the lecture's neuron by its label; ``"o"`` is the output."""
    leaves = {name: Value(x, label=name) for name, x in LECTURE_NEURON_INPUTS.items()}
    output = build_neuron(**leaves)
    order = topological_order(output)
    return {str(node.label): node for node in order if isinstance(node, Value)}


def fan_out_diamond(a: float = 3.0) -> tuple[Value, Value]:
    """(d, a) with b = 2a, c = a·a and d = b + c: dd/da = 2 + 2a from two consumers."""
    leaf = Value(a, label="a")
    b = leaf * 2
    b.label = "b"
    c = leaf * leaf
    c.label = "c"
    d = b + c
    d.label = "d"
    return d, leaf


# --- the chain ---------------------------------------------------------------


def build_chain(x: Value, a: Value, *weights: Value) -> Value:
    """ŷ = a·w_T⋯w_1·x, multiplied from the input up as the forward pass does."""
    z = x
    for w in weights:
        z = w * z
    return a * z


def chain(length: int, seed: int = 0) -> Problem:
    """The lecture's chain with T = ``length`` weights near 1 (so ŷ stays finite)."""
    if length < 1:
        raise ValueError(f"chain length must be at least 1, got {length}")
    rng = random.Random(seed)
    numbers = [rng.uniform(0.5, 1.5), rng.uniform(0.5, 1.5)]
    numbers += [rng.uniform(0.95, 1.05) for _ in range(length)]
    return Problem("chain", f"T={length}", tuple(numbers), build_chain, length + 1)


# --- the network ---------------------------------------------------------------

MLP_INPUTS = 3


def mlp_parameter_count(width: int, depth: int, inputs: int = MLP_INPUTS) -> int:
    """W¹ (width×inputs), W²…W^d (width×width each), α (width) and b."""
    return width * inputs + (depth - 1) * width * width + width + 1


def mlp_builder(width: int, depth: int, inputs: int = MLP_INPUTS) -> Callable[..., Value]:
    """A function (x_1…x_inputs, y, weights…) -> (h(x) − y)².

    The weights come in the order W¹ row by row, W², …, W^d, then α, then b.
    """

    def build(*leaves: Value) -> Value:
        activations = list(leaves[:inputs])
        target = leaves[inputs]
        weights = iter(leaves[inputs + 1 :])
        for _ in range(depth):
            layer = []
            for _ in range(width):
                # S_j = Σ_i W_ji·x_i, then x_j = ReLU(S_j) (the δ-recursion lecture's S⁽ˡ⁾, x⁽ˡ⁾)
                total = next(weights) * activations[0]
                for a in activations[1:]:
                    total = total + next(weights) * a
                layer.append(total.relu())
            activations = layer
        h = next(weights) * activations[0]
        for a in activations[1:]:
            h = h + next(weights) * a
        h = h + next(weights)  # b
        return (h - target) ** 2

    return build


def mlp(width: int, depth: int, seed: int = 0) -> Problem:
    """The lecture's h on one random sample, He-scaled random weights."""
    if width < 1 or depth < 1:
        raise ValueError(f"mlp needs width >= 1 and depth >= 1, got {width} and {depth}")
    rng = random.Random(seed)
    numbers = [rng.uniform(-1.0, 1.0) for _ in range(MLP_INPUTS)] + [rng.uniform(-1.0, 1.0)]
    fan_in = MLP_INPUTS
    for _ in range(depth):
        scale = math.sqrt(2.0 / fan_in)  # keeps the ReLU activations of order 1
        numbers += [rng.gauss(0.0, scale) for _ in range(width * fan_in)]
        fan_in = width
    numbers += [rng.gauss(0.0, math.sqrt(1.0 / width)) for _ in range(width)]
    numbers.append(0.1)
    parameters = mlp_parameter_count(width, depth)
    assert len(numbers) == MLP_INPUTS + 1 + parameters
    return Problem(
        "mlp", f"{width}x{depth}", tuple(numbers), mlp_builder(width, depth), parameters
    )


# --- stacked diamonds ------------------------------------------------------------


def build_diamonds(x: Value, *weights: Value) -> Value:
    """z_k = p_k·z_{k−1} + q_k·z_{k−1}: each level splits into two and joins."""
    z = x
    for k in range(0, len(weights), 2):
        z = weights[k] * z + weights[k + 1] * z
    return z


def diamonds(levels: int, seed: int = 0) -> Problem:
    """``levels`` stacked diamonds with p_k + q_k near 1."""
    if levels < 1:
        raise ValueError(f"diamonds needs at least 1 level, got {levels}")
    rng = random.Random(seed)
    numbers = [rng.uniform(0.5, 1.5)]
    for _ in range(levels):
        p = rng.uniform(0.3, 0.7)
        numbers += [p, 1.0 - p + rng.uniform(-0.05, 0.05)]
    return Problem("diamonds", f"n={levels}", tuple(numbers), build_diamonds, 2 * levels)


# --- the tanh chain and the trajectory ------------------------------------------------


def tanh_states(x: Value, w: Value, b: Value, steps: int) -> list[Value]:
    """x_k = tanh(w·x_{k−1} + b) for k = 1…steps, from x_0 = x: every state."""
    states = []
    for _ in range(steps):
        x = (x * w + b).tanh()
        states.append(x)
    return states


def tanh_chain(links: int, x0: float = 0.5, w: float = 0.9, b: float = 0.1
               ) -> tuple[Value, list[Value]]:
    """x ← tanh(x·w + b), ``links`` times, with w and b shared by every link.

    Returns the root and its leaves [x0, w, b]: 3·links + 3 nodes, fan-out
    ``links`` at w and b.
    """
    start, weight, bias = Value(x0, label="x0"), Value(w, label="w"), Value(b, label="b")
    states = tanh_states(start, weight, bias, links)
    return (states[-1] if states else start), [start, weight, bias]


def distinct_weights(links: int) -> tuple[list[float], list[float]]:
    """The weights and biases of ``distinct_chain``: wᵢ in [0.8, 1.0), bᵢ in [−0.1, 0.1)."""
    weights = [0.8 + 0.2 * ((k * 0.6180339887498949) % 1.0) for k in range(links)]
    biases = [-0.1 + 0.2 * ((k * 0.7548776662466927) % 1.0) for k in range(links)]
    return weights, biases


def distinct_chain(links: int, x0: float = 0.5) -> tuple[Value, list[Value]]:
    """x ← tanh(x·wᵢ + bᵢ), ``links`` times, each link with its own weight and bias.

    Returns the root and its leaves [x0, w₁, b₁, w₂, b₂, …]: 3·links + 1 + 2·links
    nodes, every parameter an input (``distinct_weights`` gives their values).
    """
    weights, biases = distinct_weights(links)
    x = start = Value(x0, label="x0")
    leaves = [start]
    for w, b in zip(weights, biases):
        weight, bias = Value(w), Value(b)
        leaves += (weight, bias)
        x = (x * weight + bias).tanh()
    return x, leaves


def trajectory(steps: int, x0: float = 0.5, w: float = 0.9, b: float = 0.1) -> Problem:
    """The states x_1…x_steps of x ← tanh(w·x + b) as outputs of (x0, w, b).

    Their Jacobian has ``steps`` rows and 3 columns: a sweep per row or a
    forward pass per column (``engine.jacobian``). 5 edges per step.
    """
    if steps < 1:
        raise ValueError(f"trajectory needs at least 1 step, got {steps}")

    def outputs(x: Value, w: Value, b: Value) -> list[Value]:
        return tanh_states(x, w, b, steps)

    def build(x: Value, w: Value, b: Value) -> Value:
        return outputs(x, w, b)[-1]

    return Problem("trajectory", f"m={steps}", (x0, w, b), build, 2, outputs)


def irregular_graph(nodes: int, inputs: int = 20, seed: int = 0) -> tuple[Value, list[Value]]:
    """A seeded random DAG of ``nodes`` nodes (leaves and constants included; at
    least 2·``inputs``) with no repeated shapes.

    Each op takes a recent node and one from anywhere before it, and is one
    of +, −, ·, tanh, relu, sin, or a constant times a node: a graph such as
    a symbolic expression gives, unlike a chain's links or a batch's examples,
    which repeat. Nodes no op consumed are summed at the end, so every node
    reaches the root. Returns the root and its ``inputs`` leaves.
    """
    if nodes < inputs + 1:
        raise ValueError(f"irregular_graph needs more nodes than inputs, got {nodes}")
    rng = random.Random(seed)
    leaves = [Value(rng.uniform(-1.0, 1.0), label=f"x{k}") for k in range(inputs)]
    made: list[Value] = list(leaves)
    unused = dict.fromkeys(made)
    count = inputs
    while count + len(unused) < nodes:  # the final sum adds len(unused) - 1 nodes
        recent = made[-1 - min(int(rng.expovariate(0.1)), len(made) - 1)]
        anywhere = made[rng.randrange(len(made))]
        kind = rng.randrange(7)
        if kind == 0:
            out = recent + anywhere
        elif kind == 1:
            out = recent * anywhere
        elif kind == 2:
            out = recent - anywhere
        elif kind == 3:
            out = recent.tanh()
        elif kind == 4:
            out = recent.relu()
        elif kind == 5:
            out = recent.sin()
        else:
            out = recent * round(rng.uniform(-2.0, 2.0), 3)
            count += 1  # the constant's leaf
        unused.pop(recent, None)
        if kind <= 2:
            unused.pop(anywhere, None)
        made.append(out)
        count += 1
        unused[out] = None
    root = made[-1]
    unused.pop(root, None)
    for node in unused:
        root = root + node
    return root, leaves
