"""Graph statistics: how big a computation graph is, and what it is made of.

V counts nodes, E counts edges (one per entry of a node's ``parents``, so
``x * x`` adds two). Depth is the number of edges on the longest path from a
leaf to the root, computed over the topological order without recursion.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from engine.topology import topological_order
from engine.value import Value


@dataclass(frozen=True)
class GraphStats:
    """Sizes of the graph behind one root."""

    nodes: int
    edges: int
    leaves: int
    depth: int
    max_fan_out: int
    ops: dict[str, int]

    def __str__(self) -> str:
        ops = ", ".join(f"{op}: {count}" for op, count in self.ops.items())
        return (
            f"{self.nodes} nodes, {self.edges} edges, {self.leaves} leaves, "
            f"depth {self.depth}, max fan-out {self.max_fan_out}; ops: {ops}"
        )


def graph_stats(root: Value) -> GraphStats:
    """Count the nodes, edges, leaves, depth, fan-out and ops behind ``root``."""
    if not isinstance(root, Value):
        raise TypeError(f"graph_stats(root) needs a Value, got {type(root).__name__}")
    order = topological_order(root)
    depth: dict[Value, int] = {}
    fan_out: Counter[Value] = Counter()
    ops: Counter[str] = Counter()
    edges = 0
    for node in order:  # parents come first, so their depth is known
        depth[node] = 1 + max((depth[p] for p in node.parents), default=-1)
        fan_out.update(node.parents)
        edges += len(node.parents)
        if node.parents:
            ops[node.op] += 1
    return GraphStats(
        nodes=len(order),
        edges=edges,
        leaves=sum(1 for node in order if not node.parents),
        depth=depth[root],
        max_fan_out=max(fan_out.values(), default=0),
        ops=dict(sorted(ops.items())),
    )
