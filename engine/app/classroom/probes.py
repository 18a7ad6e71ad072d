"""The graphs the checks feed to students' code, each labelled node by node.

Every builder makes a fresh graph on each call, so a student's function and
the known-wrong variants it is compared with each get their own copy, and
nodes are matched by their place in the topological order (the same for
every copy). Labels name every node, so a report can say "at 'd'".
"""

from __future__ import annotations

import random
from collections.abc import Callable

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
