"""Graphs that cross as a recipe: the deep chain, built on both sides instead of sent.

The deep-chain checks hand a student's function a 20,000-link chain, 60,001
nodes. Sent as a node table it costs a pass over every node in Python on
each side (encoding, JSON, decoding), three times for every student. Both
sides can instead build it from its recipe, ``["tanh_chain", links, first
id]``: the engine's own multiplication and tanh, taken when this module is
imported (before a sandbox removes any implementation or runs a line of a
student's code), make the same nodes in the same order with the same
numbers on both sides, and the ids are given in that order.

``build`` is the judge's: it makes the graph (or takes one made ahead of
time, ``make_ahead``, for the checks that declared they build it,
``needed_by``) and remembers the latest one, which crosses as its recipe
only while it is as built (every value and gradient the very float it was
made with). Only the judge sends recipes: ``node_table`` refuses one from
the student's side.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

from engine.node import Node
from engine.value import Value

# The engine's own, taken before a sandbox replaces any implementation, and held in a
# tuple: the sandbox replaces a removed function wherever a module's namespace holds it.
_ENGINE_OPS: tuple[Callable[[Value, float], Value], Callable[[Value], Value]] = (
    Value.__mul__, Value.tanh)

CHAIN_X, CHAIN_FACTOR = 0.5, 1.0001  # the chain's input, and each link's weight
MAX_LINKS = 100_000  # 300,001 nodes: the node table's limit


def tanh_chain(links: int) -> list[Node]:
    """x ← tanh(x·1.0001), ``links`` times: every node in the order made, the root last."""
    multiply, tanh = _ENGINE_OPS
    z = Value(CHAIN_X, label="x")
    nodes: list[Node] = [z]
    for _ in range(links):
        product = multiply(z, CHAIN_FACTOR)
        z = tanh(product)
        nodes += (product.parents[1], product, z)  # the constant 1.0001 is made first
    z.label = "out"
    return nodes


RECIPES: dict[str, Callable[[int], list[Node]]] = {"tanh_chain": tanh_chain}


class _Built:
    """The latest graph the judge built from a recipe, and its numbers as made."""

    def __init__(self, recipe: list[Any], nodes: list[Node]) -> None:
        self.recipe, self.nodes = recipe, nodes
        self.data = [n.data for n in nodes]
        self.grads = [n.grad for n in nodes]

    def untouched(self) -> bool:
        same = operator.is_
        return all(map(same, [n.data for n in self.nodes], self.data)) and \
            all(map(same, [n.grad for n in self.nodes], self.grads))


_latest: list[_Built] = []
_NEEDED: dict[str, list[tuple[str, int]]] = {}  # exercise -> the graphs its checks build
_ready: dict[tuple[str, int], list[list[Node]]] = {}  # graphs made ahead, not yet handed out


def needed_by(exercise: str, name: str, links: int) -> None:
    """Note that a check of ``exercise`` builds the graph of ``[name, links]`` once."""
    _NEEDED.setdefault(exercise, []).append((name, links))


def make_ahead(exercises: list[str]) -> None:
    """Make now every graph the checks of ``exercises`` will build, for ``build`` to hand
    out: the judge makes them once, before it forks for each submission (each fork takes
    its own copies of them, untouched)."""
    for exercise in exercises:
        for name, links in _NEEDED.get(exercise, []):
            _ready.setdefault((name, links), []).append(RECIPES[name](links))


def build(name: str, links: int) -> Value:
    """The judge's graph of a recipe (its root), remembered to cross as that recipe."""
    ready = _ready.get((name, links))
    nodes = ready.pop() if ready else RECIPES[name](links)
    _latest[:] = [_Built([name, links], nodes)]
    root = nodes[-1]
    assert isinstance(root, Value)
    return root


def recipe_of(root: Node) -> tuple[list[Any], list[Node]] | None:
    """``([name, links], nodes)`` when ``root`` is the latest built graph, as built."""
    if not _latest or _latest[0].nodes[-1] is not root or not _latest[0].untouched():
        return None
    return _latest[0].recipe, _latest[0].nodes


def rebuild(recipe: object) -> tuple[list[Node], int]:
    """The student's side: the nodes of ``[name, links, first id]``, and the first id.

    Raises ValueError on anything else.
    """
    if not (isinstance(recipe, list) and len(recipe) == 3 and isinstance(recipe[0], str)
            and recipe[0] in RECIPES
            and type(recipe[1]) is int and 0 <= recipe[1] <= MAX_LINKS
            and type(recipe[2]) is int):
        raise ValueError("a recipe is [name, links, first id], a known name, at most "
                         f"{MAX_LINKS:,} links")
    return RECIPES[recipe[0]](recipe[1]), recipe[2]
