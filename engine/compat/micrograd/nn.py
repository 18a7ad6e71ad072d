"""micrograd's ``nn``: ``Module``, ``Neuron``, ``Layer``, ``MLP``, on its ``Value``.

As micrograd builds them, so a program seeded with ``random.seed`` gets
micrograd's starting weights: a neuron draws its weights from
U(−1, 1) with the global ``random`` module, one per input in order, and
starts its bias at 0; its output is relu(Σᵢ wᵢxᵢ + b), or the sum alone
with ``nonlin=False``; ``MLP(nin, nouts)`` is a relu layer per size but the
last, which is linear; a layer of one neuron returns that neuron's Value,
not a list. (sweepgrad's own ``nn`` has seeded, labelled, grouped layers.)
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

from engine.compat.micrograd.engine import Value


class Module:
    """``zero_grad()`` and ``parameters()``, the two methods every micrograd module has."""

    def zero_grad(self) -> None:
        for p in self.parameters():
            p.grad = 0

    def parameters(self) -> list[Value]:
        return []


class Neuron(Module):
    """relu(w·x + b), or w·x + b with ``nonlin=False``."""

    def __init__(self, nin: int, nonlin: bool = True) -> None:
        self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(0)
        self.nonlin = nonlin

    def __call__(self, x: Sequence[Any]) -> Value:
        total: Any = self.b
        for wi, xi in zip(self.w, x):  # ((b + w₁x₁) + w₂x₂) + …, in micrograd's order
            total = total + wi * xi
        out: Value = total.relu() if self.nonlin else total
        return out

    def parameters(self) -> list[Value]:
        return self.w + [self.b]

    def __repr__(self) -> str:
        return f"{'ReLU' if self.nonlin else 'Linear'}Neuron({len(self.w)})"


class Layer(Module):
    """``nout`` neurons reading the same inputs."""

    def __init__(self, nin: int, nout: int, **kwargs: Any) -> None:
        self.neurons = [Neuron(nin, **kwargs) for _ in range(nout)]

    def __call__(self, x: Sequence[Any]) -> Value | list[Value]:
        out = [n(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def parameters(self) -> list[Value]:
        return [p for n in self.neurons for p in n.parameters()]

    def __repr__(self) -> str:
        return f"Layer of [{', '.join(str(n) for n in self.neurons)}]"


class MLP(Module):
    """Layers of sizes ``nouts``: relu in all but the last."""

    def __init__(self, nin: int, nouts: list[int]) -> None:
        sizes = [nin, *nouts]
        self.layers = [Layer(sizes[i], sizes[i + 1], nonlin=i != len(nouts) - 1)
                       for i in range(len(nouts))]

    def __call__(self, x: Any) -> Any:
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self) -> list[Value]:
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self) -> str:
        return f"MLP of [{', '.join(str(layer) for layer in self.layers)}]"
