"""``jacobian(outputs, wrt, mode)``: every derivative of several outputs, in either mode.

J[k][i] = d outputs[k] / d wrt[i]. Two ways to fill it, with their work
counted (``engine.forward`` says why they cost what they cost):

- ``mode="reverse"``: one backward sweep per output gives a row (the
  sweep's cost: the edges behind that output);
- ``mode="forward"``: one forward pass per input gives a column (the edges
  above that input, for all outputs at once).

m outputs and n inputs: m sweeps against n passes. The complexity
benchmark's trajectory family (one recurrence, every step an output,
three inputs) is where forward mode wins.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

from engine.backward import sweep_gradients
from engine.forward import push_tangents
from engine.graph import targets, topological_order_of
from engine.node import Node
from engine.table import format_table

MODES = ("reverse", "forward")


class Jacobian(NamedTuple):
    """``rows[k][i]`` = d outputs[k]/d inputs[i], and the work it took."""

    outputs: tuple[Node, ...]
    inputs: tuple[Node, ...]
    rows: tuple[tuple[float, ...], ...]
    mode: str
    products: int
    visits: int

    def __str__(self) -> str:
        def name(node: Node, fallback: str) -> str:
            return node.label if node.label is not None else fallback

        header = ["", *(name(w, f"x{i}") for i, w in enumerate(self.inputs))]
        lines = [[name(out, f"y{k}"), *(f"{g:.6g}" for g in row)]
                 for k, (out, row) in enumerate(zip(self.outputs, self.rows))]
        return (format_table(header, lines)
                + f"\n{self.mode} mode: {self.products} products, {self.visits} visits")


def jacobian(outputs: Sequence[Node], wrt: Iterable[Node] | None = None,
             mode: str = "reverse") -> Jacobian:
    """d(output)/d(w) for every output and every w in ``wrt`` (default: every leaf)."""
    if mode not in MODES:
        raise ValueError(f"jacobian(mode=...) must be 'reverse' or 'forward', got {mode!r}")
    order = topological_order_of(outputs)
    inputs = tuple(targets(order, wrt, "jacobian"))
    products = visits = 0
    if mode == "reverse":
        rows = []
        for out in outputs:
            swept = sweep_gradients(out, inputs)
            rows.append(tuple(swept[w] for w in inputs))
            products += swept.products
            visits += swept.visits
        return Jacobian(tuple(outputs), inputs, tuple(rows), mode, products, visits)
    behind = set(order)
    columns = []
    for w in inputs:
        if w not in behind:
            columns.append([0.0] * len(outputs))
            continue
        tangents, work = push_tangents(order, {w: 1.0})
        columns.append([tangents.get(out, 0.0) for out in outputs])
        products += work
        visits += len(order)
    rows_by_output = tuple(tuple(column[k] for column in columns) for k in range(len(outputs)))
    return Jacobian(tuple(outputs), inputs, rows_by_output, mode, products, visits)
