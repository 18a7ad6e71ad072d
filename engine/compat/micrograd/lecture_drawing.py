"""The lecture's ``trace`` and ``draw_dot``, drawn by sweepgrad.

``trace(root)`` gives the graph's nodes and edges as two sets, as the
lecture's helper does (but without recursion: sweepgrad's one traversal);
``draw_dot(root)`` returns the ``graphviz.Digraph`` of ``engine.draw``,
which Jupyter shows inline, with the lecture's ``format`` and ``rankdir``.
"""

from __future__ import annotations

from typing import Any

from engine import Node, topological_order


def trace(root: Node) -> tuple[set[Node], set[tuple[Node, Node]]]:
    """(every node behind ``root``, every edge as (operand, result))."""
    nodes = set(topological_order(root))
    edges = {(parent, node) for node in nodes for parent in node.parents}
    return nodes, edges


def draw_dot(root: Node, format: str = "svg", rankdir: str = "LR") -> Any:
    """sweepgrad's drawing of the graph behind ``root`` (a ``graphviz.Digraph``)."""
    from engine import draw  # graphviz loads on first use, as in engine

    picture = draw(root, rankdir=rankdir)
    picture.format = format
    return picture
