"""``Neuron``, ``Layer`` and ``MLP``: the lecture's network from ``Value``s.

A neuron computes S = Σᵢ wᵢxᵢ + b and x = Θ(S) (lecture 001's notation);
a layer is neurons side by side reading the same inputs; an MLP chains
layers: z⁽¹⁾ = x, z⁽ᵗ⁺¹⁾ = Θ(W⁽ᵗ⁾z⁽ᵗ⁾ + b⁽ᵗ⁾), with the last layer linear by
default so its output is a score for a loss (lecture 000's h(x)).

Initialisation: every weight is drawn uniformly from ±√(6/nin) and every
bias starts at 0 (He's uniform initialisation). The variance 2/nin keeps
Σᵢ wᵢxᵢ about as large as one input however many inputs there are, allowing
for ReLU zeroing half of them; the smaller ±1/√nin trained the full-batch
moons run more slowly. Randomness comes from a
``random.Random`` (give ``seed=`` an int or a ``Random``), never the global one.

Parameter order (``parameters()``): layer by layer; in a layer neuron by
neuron; in a neuron w1, …, w_nin, then b. Labels name them the same way,
``L1.N3.w2`` (1-based, as in the lecture), and each neuron's output carries
``group = "L1.N3"``, from which a drawing collapses the neuron (the products
and sums used only inside it) or its layer into one box.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

from engine.value import Value, as_value
from nn.activations import activation_name, get_activation
from nn.module import Module, Tensor


def make_rng(seed: int | random.Random | None) -> random.Random:
    """A ``Random`` from a seed, the given ``Random`` itself, or a fresh one for None."""
    if isinstance(seed, random.Random):
        return seed
    if seed is None:
        return random.Random()
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(
            f"seed must be an int, a random.Random or None, got {type(seed).__name__}"
        )
    return random.Random(seed)


def _as_values(xs: Sequence[Value | float], nin: int, owner: str) -> list[Value]:
    """The inputs as Values (numbers wrapped once), checking there are ``nin``."""
    if isinstance(xs, (Value, str, bytes)) or not isinstance(xs, Sequence):
        raise TypeError(
            f"{owner} expects a list of {nin} numbers or Values, got {type(xs).__name__}"
        )
    if len(xs) != nin:
        raise ValueError(f"{owner} expects {nin} inputs, got {len(xs)}")
    return [x if isinstance(x, Value) else as_value(x) for x in xs]


def _positive_int(n: object, name: str) -> int:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"{name} must be a positive int, got {n!r}")
    return n


class Neuron(Module):
    """x = Θ(w·x + b) for ``nin`` inputs."""

    def __init__(
        self,
        nin: int,
        activation: str | None = "relu",
        *,
        seed: int | random.Random | None = None,
        name: str = "N1",
    ) -> None:
        self.nin = _positive_int(nin, "nin")
        self.activation = activation_name(activation)
        self._activate = get_activation(self.activation)
        self.name = name
        rng = make_rng(seed)
        bound = math.sqrt(6.0 / nin)
        self.weights = [
            Value(rng.uniform(-bound, bound), label=f"{name}.w{i + 1}") for i in range(nin)
        ]
        self.bias = Value(0.0, label=f"{name}.b")

    def named_tensors(self) -> list[tuple[str, Tensor]]:
        return [("weight", list(self.weights)), ("bias", self.bias)]

    def parameters(self) -> list[Value]:
        return [*self.weights, self.bias]

    def __call__(self, xs: Sequence[Value | float]) -> Value:
        return self.forward(_as_values(xs, self.nin, repr(self)))

    def forward(self, xs: list[Value]) -> Value:
        """Θ(((w1·x1 + w2·x2) + …) + b) on inputs that are already Values.

        The hot path of training: one multiply and one add per input, built
        with the engine's binary ops, so the graph is the lecture's.
        """
        weights = self.weights
        total = weights[0] * xs[0]
        for i in range(1, self.nin):
            total = total + weights[i] * xs[i]
        out = self._activate(total + self.bias)
        # Only the output is tagged: a collapsed drawing puts in its box every
        # node used only inside it (the products and partial sums).
        out.group = self.name
        return out

    def __repr__(self) -> str:
        return f"Neuron({self.nin}, activation={self.activation!r}, name={self.name!r})"


class Layer(Module):
    """``nout`` neurons reading the same ``nin`` inputs; returns a list of ``nout`` Values."""

    def __init__(
        self,
        nin: int,
        nout: int,
        activation: str | None = "relu",
        *,
        seed: int | random.Random | None = None,
        name: str = "L1",
    ) -> None:
        self.nin = _positive_int(nin, "nin")
        self.nout = _positive_int(nout, "nout")
        self.activation = activation_name(activation)
        self.name = name
        rng = make_rng(seed)
        self.neurons = [
            Neuron(nin, self.activation, seed=rng, name=f"{name}.N{j + 1}") for j in range(nout)
        ]

    def named_tensors(self) -> list[tuple[str, Tensor]]:
        return [
            ("weight", [list(n.weights) for n in self.neurons]),
            ("bias", [n.bias for n in self.neurons]),
        ]

    def parameters(self) -> list[Value]:
        # The documented order: neuron by neuron, each w1..w_nin then b.
        return [p for n in self.neurons for p in n.parameters()]

    def __call__(self, xs: Sequence[Value | float]) -> list[Value]:
        return self.forward(_as_values(xs, self.nin, repr(self)))

    def forward(self, xs: list[Value]) -> list[Value]:
        """Every neuron on the same inputs (already Values, wrapped once by the caller)."""
        return [neuron.forward(xs) for neuron in self.neurons]

    def __repr__(self) -> str:
        return f"Layer({self.nin}, {self.nout}, activation={self.activation!r}, name={self.name!r})"


class MLP(Module):
    """Layers of sizes ``sizes`` after ``nin`` inputs: MLP(2, [16, 16, 1]).

    Hidden layers use ``activation``; the last uses ``output_activation``
    (default linear). Called on one input vector, it returns a single Value
    when the last layer has one neuron (a score), else a list of Values.
    """

    def __init__(
        self,
        nin: int,
        sizes: Sequence[int],
        activation: str | None = "relu",
        output_activation: str | None = None,
        *,
        seed: int | random.Random | None = None,
    ) -> None:
        self.nin = _positive_int(nin, "nin")
        if isinstance(sizes, int) or not isinstance(sizes, Sequence) or not sizes:
            raise ValueError(
                f"sizes must be a non-empty list of layer widths such as [16, 16, 1], got {sizes!r}"
            )
        self.sizes = [_positive_int(s, "each layer size") for s in sizes]
        self.activation = activation_name(activation)
        self.output_activation = activation_name(output_activation)
        rng = make_rng(seed)
        widths = [nin, *self.sizes]
        last = len(self.sizes) - 1
        self.layers = [
            Layer(
                widths[i],
                widths[i + 1],
                self.output_activation if i == last else self.activation,
                seed=rng,
                name=f"L{i + 1}",
            )
            for i in range(len(self.sizes))
        ]

    def named_tensors(self) -> list[tuple[str, Tensor]]:
        return [
            (f"{layer.name}.{name}", tensor)
            for layer in self.layers
            for name, tensor in layer.named_tensors()
        ]

    def parameters(self) -> list[Value]:
        return [p for layer in self.layers for p in layer.parameters()]

    def __call__(self, xs: Sequence[Value | float]) -> Value | list[Value]:
        values = _as_values(xs, self.nin, "MLP")
        for layer in self.layers:
            values = layer.forward(values)
        return values[0] if len(values) == 1 else values

    def __repr__(self) -> str:
        return (
            f"MLP({self.nin}, {self.sizes}, activation={self.activation!r}, "
            f"output_activation={self.output_activation!r}) "
            f"with {self.num_parameters()} parameters"
        )
