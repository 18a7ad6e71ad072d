"""What the checks hand to students' code: graphs, and functions of a point.

Every builder makes a fresh graph on each call, so a student's function and
the known-wrong variants it is compared with each get their own copy, and
nodes are matched by their place in the topological order (the same for
every copy). Labels name every node, so a report can say "at 'd'".

The functions of a point below are what difference quotients (3.2) and
gradient checks (10.2) are asked to evaluate; the model and the losses the
training checks pass are ``engine.app.classroom.kinds``'.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from functools import cache

from engine import Node, Value, examples, topological_order
from engine.app.classroom import recipes
from engine.app.classroom.recipes import CHAIN_FACTOR, CHAIN_X

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
    """x ← tanh(x·1.0001), ``links`` times: a graph as deep as it is long.

    Made from its recipe (``engine.app.classroom.recipes``): sent to a
    student's function untouched, it crosses as the recipe, not node by node.
    """
    return recipes.build("tanh_chain", links)


def chain_input(root: Value) -> Node:
    """The input x of a ``tanh_chain``: each link's first parent, down to the leaf."""
    node: Node = root
    while node.parents:
        node = node.parents[0]
    return node


@cache
def chain_derivative(links: int) -> float:
    """d(out)/dx of ``tanh_chain(links)``, on plain floats: a reference built without a graph.

    Each link multiplies the derivative by (1 − t)(1 + t), t its tanh, and by
    1.0001, from the root down, as the engine's sweep does (the same bits);
    cached, since every student's deep-chain checks ask for the same number.
    """
    outputs, z = [], CHAIN_X
    for _ in range(links):
        z = math.tanh(z * CHAIN_FACTOR)
        outputs.append(z)
    derivative = 1.0
    for t in reversed(outputs):
        derivative = CHAIN_FACTOR * ((1.0 - t) * (1.0 + t) * derivative)
    return derivative


def gradients(root: Value) -> list[float]:
    """The ``.grad`` of every node, in topological order."""
    return [node.grad for node in topological_order(root)]


def by_node(root: Value, values: list[float]) -> dict[Node, float]:
    """Values listed in topological order, keyed by the nodes of ``root``'s graph."""
    return dict(zip(topological_order(root), values))


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
