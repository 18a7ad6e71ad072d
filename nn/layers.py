"""``Neuron``, ``Layer`` and ``MLP``: the lecture's network from ``Value``s.

A neuron computes S = Σᵢ wᵢxᵢ + b and x = Θ(S) (the notation of the lecture
on the δ recursion); a layer is neurons side by side reading the same inputs;
an MLP chains layers: z⁽¹⁾ = x, z⁽ᵗ⁺¹⁾ = Θ(W⁽ᵗ⁾z⁽ᵗ⁾ + b⁽ᵗ⁾), with the last
layer linear by default so its output is a score for a loss (the h(x) of the
lecture on backpropagation).

Initialisation: every weight is drawn uniformly from ±√(6/nin) and every
bias starts at 0 (He's uniform initialisation). The variance 2/nin keeps
Σᵢ wᵢxᵢ about as large as one input however many inputs there are, allowing
for ReLU zeroing half of them; the smaller ±1/√nin trained the full-batch
moons run more slowly. Randomness comes from a
``random.Random`` (give ``seed=`` an int or a ``Random``), never the global one.

Parameter order (``parameters()``, stated here once): layer by layer; in a
layer neuron by neuron; in a neuron w1, …, w_nin, then b. ``Module`` derives
it from ``children()``: an MLP's children are its layers, a layer's its
neurons, and a neuron's tensors are its weights, then its bias. Labels name them the same way,
``L1.N3.w2`` (1-based, as in the lecture), and each neuron's output carries
``group = "L1.N3"``, from which a drawing collapses the neuron (the products
and sums used only inside it) or its layer into one box.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from engine import Value
from nn.activations import activation_name, get_activation
from nn.argument_checks import Seed, as_inputs, make_rng, positive_int
from nn.module import Module, Tensor


class Neuron(Module):
    """x = Θ(w·x + b) for ``nin`` inputs."""

    def __init__(self, nin: int, activation: str | None = "relu", *, seed: Seed = None,
                 name: str = "N1") -> None:
        self.nin = positive_int(nin, "nin")
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

    def __call__(self, xs: Sequence[Value | float]) -> Value:
        return self.forward(as_inputs(xs, self.nin, repr(self)))

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
        seed: Seed = None,
        name: str = "L1",
    ) -> None:
        self.nin = positive_int(nin, "nin")
        self.nout = positive_int(nout, "nout")
        self.activation = activation_name(activation)
        self.name = name
        rng = make_rng(seed)
        self.neurons = [
            Neuron(nin, self.activation, seed=rng, name=f"{name}.N{j + 1}") for j in range(nout)
        ]

    def children(self) -> list[Module]:
        return list(self.neurons)

    def named_tensors(self) -> list[tuple[str, Tensor]]:
        return [
            ("weight", [list(n.weights) for n in self.neurons]),
            ("bias", [n.bias for n in self.neurons]),
        ]

    def __call__(self, xs: Sequence[Value | float]) -> list[Value]:
        return self.forward(as_inputs(xs, self.nin, repr(self)))

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
        seed: Seed = None,
    ) -> None:
        self.nin = positive_int(nin, "nin")
        if isinstance(sizes, int) or not isinstance(sizes, Sequence) or not sizes:
            raise ValueError(
                f"sizes must be a non-empty list of layer widths such as [16, 16, 1], got {sizes!r}"
            )
        self.sizes = [positive_int(s, "each layer size") for s in sizes]
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

    def children(self) -> list[Module]:
        return list(self.layers)

    def named_tensors(self) -> list[tuple[str, Tensor]]:
        return [
            (f"{layer.name}.{name}", tensor)
            for layer in self.layers
            for name, tensor in layer.named_tensors()
        ]

    def __call__(self, xs: Sequence[Value | float]) -> Value | list[Value]:
        values = as_inputs(xs, self.nin, "MLP")
        for layer in self.layers:
            values = layer.forward(values)
        return values[0] if len(values) == 1 else values

    def __repr__(self) -> str:
        return (
            f"MLP({self.nin}, {self.sizes}, activation={self.activation!r}, "
            f"output_activation={self.output_activation!r}) "
            f"with {self.num_parameters()} parameters"
        )
