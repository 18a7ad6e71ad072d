"""How a node is named in words: one rule for captions, explanations, feedback and errors.

A drawing shows a value's label when it has one and otherwise its operation
and its number, so words name a node the same way: ``'w1'``, else
``tanh = 0.7616`` (an op and its value) or ``3.0`` (a constant leaf).
Where two nodes of one graph would get the same name (two labels ``'0.5'``,
two unlabelled ``tanh = 0.7616``), ``node_names`` adds the place of each in
the topological order, the order the sweep visits backwards: ``'0.5' (node
2 of 7)``, so a sentence never names two nodes alike.

``explain``, the notebook player's captions, the exercise checks' feedback
and the engine's error messages all name nodes here. This module reads a
node's ``label``, ``op`` and ``data`` and nothing else, so it imports no
other module of the engine (``engine.node`` itself names nodes in its
errors with it).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, TypeVar


class Named(Protocol):
    """What a name is made of: a node's label, op and value (``engine.node.Node``)."""

    @property
    def label(self) -> str | None: ...

    @property
    def op(self) -> str: ...

    @property
    def data(self) -> float: ...


NamedNode = TypeVar("NamedNode", bound=Named)


def short_number(x: object) -> str:
    """A node's value as the drawings print it by default: four significant digits.

    A name must not fail on its node, whose ``data`` may have been set to anything.
    """
    return f"{x:.4g}" if isinstance(x, (int, float)) else f"a {type(x).__name__}"


def node_name(node: Named) -> str:
    """``'w1'`` for a labelled node; ``tanh = 0.7616`` or ``3.0`` for an unlabelled one."""
    if node.label:
        return repr(node.label)
    if node.op:
        return f"{node.op} = {short_number(node.data)}"
    return short_number(node.data)


def node_names(order: Iterable[NamedNode]) -> dict[NamedNode, str]:
    """A name for every node of ``order`` (a topological order), no two alike.

    Nodes whose ``node_name`` repeats get their place in ``order`` (counted
    from 1) after it.
    """
    nodes = list(order)
    plain = {node: node_name(node) for node in nodes}
    seen: dict[str, int] = {}
    for name in plain.values():
        seen[name] = seen.get(name, 0) + 1
    total = len(nodes)
    return {node: (name if seen[name] == 1 else f"{name} (node {place} of {total})")
            for place, (node, name) in enumerate(plain.items(), start=1)}
