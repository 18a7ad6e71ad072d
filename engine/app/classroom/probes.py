"""What the checks hand to students' code: graphs, losses and a recording model.

Every builder makes a fresh graph on each call, so a student's function and
the known-wrong variants it is compared with each get their own copy, and
nodes are matched by their place in the topological order (the same for
every copy). Labels name every node, so a report can say "at 'd'".

Besides plain data, graphs, nn objects and ``random.Random``, these are the
only kinds of callables a check passes to a student's function: the losses
``squared_error`` and ``skewed_error`` (not symmetric, so a loss called with
its arguments swapped shows), and ``Recording``, a model that remembers what
it was asked and when its gradients were zeroed.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from typing import Any

import nn
from engine import Node, Value, examples, topological_order

Builder = Callable[[], Value]


def lecture_neuron() -> Value:
    """o = tanh(x1·w1 + x2·w2 + b), the lecture's neuron (engine.examples)."""
    output = examples.lecture_neuron()["o"]
    assert isinstance(output, Value)
    return output


def fan_out() -> Value:
    """a and b each feed several nodes, and e = d·d uses d twice."""
    a, b = Value(0.5, label="a"), Value(-1.5, label="b")
    c = named(a * b, "c = a*b")
    d = named(c + a, "d = c + a")
    e = named(d * d, "e = d*d")
    return named(named(e * b, "f = e*b") + c, "out = f + c")


def named(node: Value, label: str) -> Value:
    node.label = label
    return node


def random_graph(seed: int, size: int = 12) -> Value:
    """A random DAG over three inputs where later nodes reuse earlier ones.

    Ops are +, −, ·, tanh and a scale by a constant, operands picked so that
    several nodes fan out and some op uses one node twice.
    """
    rng = random.Random(seed)
    nodes = [Value(rng.uniform(-1.5, 1.5), label=f"x{i}") for i in range(1, 4)]
    for index in range(size):
        a = nodes[rng.randrange(len(nodes))]
        b = nodes[rng.randrange(len(nodes))] if rng.random() < 0.8 else a
        kind = rng.randrange(5)
        if kind == 0:
            node = a + b
        elif kind == 1:
            node = a - b
        elif kind == 2:
            node = a * b
        elif kind == 3:
            node = a.tanh()
        else:
            factor = rng.choice((0.5, -2.0, 3.0))
            node = a * Value(factor, label=f"{factor:g}")
        node.label = f"n{index + 1}"
        nodes.append(node)
    root = nodes[-1]
    for extra in nodes[3:-1]:  # make every node count
        if extra not in set(topological_order(root)):
            scaled = extra * Value(0.25, label="1/4")
            scaled.label = f"{extra.label}/4"
            root = root + scaled
            root.label = f"+ {scaled.label}"
    root.label = "out"
    return root


def random_builder(seed: int) -> Builder:
    """A builder of ``random_graph(seed)``."""
    return lambda: random_graph(seed)


def tanh_chain(links: int) -> Value:
    """x ← tanh(x·1.0001), ``links`` times: a graph as deep as it is long."""
    z = Value(0.5, label="x")
    for _ in range(links):
        z = (z * 1.0001).tanh()
    z.label = "out"
    return z


def gradients(root: Value) -> list[float]:
    """The ``.grad`` of every node, in topological order."""
    return [node.grad for node in topological_order(root)]


def by_node(root: Value, values: list[float]) -> dict[Node, float]:
    """Values listed in topological order, keyed by the nodes of ``root``'s graph."""
    return dict(zip(topological_order(root), values))


# --- losses and a recording model for the training exercises ------------------------------------


def squared_error(prediction: Value, target: float) -> Value:
    """ℓ(ŷ, y) = (ŷ − y)²."""
    return (prediction - target) ** 2


def skewed_error(prediction: Value, target: float) -> Value:
    """ℓ(ŷ, y) = (ŷ − y)² + ½(ŷ − y): an over-estimate costs more than an under-estimate,
    so ``skewed_error(y, ŷ)`` differs from ``skewed_error(ŷ, y)``."""
    error = prediction - target
    return error * error + error * 0.5


class Recording:
    """A model that remembers which examples it saw under which parameters.

    ``seen`` holds, per call, the parameters' values and the index of the
    input (−1 for one it was not given); ``zeroed`` holds, per call of
    ``zero_grad``, whether any gradient was non-zero just before.
    """

    def __init__(self, model: nn.MLP, inputs: Sequence[Sequence[float]]) -> None:
        self.model = model
        self.index = {id(x): i for i, x in enumerate(inputs)}
        self.lookup = {tuple(x): i for i, x in enumerate(inputs)}
        self.seen: list[tuple[tuple[float, ...], int]] = []
        self.zeroed: list[bool] = []

    def __call__(self, x: Sequence[Any]) -> Any:
        index = self.index.get(id(x))
        if index is None:
            index = self.lookup.get(tuple(float(v) for v in x), -1)
        self.seen.append((tuple(p.data for p in self.model.parameters()), index))
        return self.model(x)

    def parameters(self) -> list[Value]:
        return self.model.parameters()

    def zero_grad(self) -> None:
        self.zeroed.append(any(p.grad != 0.0 for p in self.model.parameters()))
        self.model.zero_grad()

    def batches(self) -> list[list[int]]:
        """The examples seen, cut wherever the parameters changed."""
        groups: list[list[int]] = []
        state = None
        for params, index in self.seen:
            if params != state:
                groups.append([])
                state = params
            groups[-1].append(index)
        return groups


# --- functions of a point, for difference quotients and gradient checks to evaluate --------------


def quadratic(p: Sequence[float]) -> float:
    """p₀² + 3p₀: its central difference is exact whatever ε (5 at p₀ = 1)."""
    return p[0] ** 2 + 3 * p[0]


def sine_cube(p: Sequence[float]) -> float:
    """sin(p₀)·p₁³."""
    return math.sin(p[0]) * p[1] ** 3


def product(p: Sequence[float]) -> float:
    """p₀·p₁."""
    return p[0] * p[1]


def gentle(p: Sequence[float]) -> float:
    """sin(p₀)·cos(p₁) + p₀·p₁: gradients of size about 1."""
    return math.sin(p[0]) * math.cos(p[1]) + p[0] * p[1]


def steep(p: Sequence[float]) -> float:
    """10⁶·(p₀² + 3·p₁²): gradients near 10⁶, so central differences carry rounding
    error near 10⁻⁴ however right the gradient is."""
    return 1e6 * (p[0] ** 2 + 3.0 * p[1] ** 2)


def flat_at_zero(p: Sequence[float]) -> float:
    """p₀³·(1 + p₁²): at p₀ = 0 the gradient is 0, but the central difference in p₀ is
    ε²·(1 + p₁²), which no relative tolerance accepts against 0."""
    return p[0] ** 3 * (1.0 + p[1] ** 2)


def cube(p: Sequence[float]) -> float:
    """p₀³: the central difference at p₀ is exactly 3p₀² + ε²."""
    return p[0] ** 3
