"""``sweepgrad demo``: the lecture's neuron, backward, a table and a drawing.

o = tanh(x1·w1 + x2·w2 + b) with x1 = 2, w1 = −3, x2 = 0, w2 = 1 and
b = 6.8813735870195432, chosen so that x1·w1 + x2·w2 + b = 0.8814 and
o = 1/√2; backward gives do/dn = 1 − o² = 0.5 at the neuron's sum n.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from engine.table import format_table
from engine.topology import topological_order
from engine.value import Value


def lecture_neuron() -> Value:
    """The neuron of the demo, with every node labelled."""
    x1, w1 = Value(2.0, label="x1"), Value(-3.0, label="w1")
    x2, w2 = Value(0.0, label="x2"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    x1w1 = x1 * w1
    x1w1.label = "x1*w1"
    x2w2 = x2 * w2
    x2w2.label = "x2*w2"
    weighted = x1w1 + x2w2
    weighted.label = "x1*w1 + x2*w2"
    n = weighted + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o


def value_table(root: Value) -> str:
    """Every node behind ``root`` as a row: label, op, data, grad."""
    rows = [
        (node.label or "", node.op or "leaf", f"{node.data:.6f}", f"{node.grad:.6f}")
        for node in topological_order(root)
    ]
    return format_table(("node", "op", "data", "grad"), rows, left_columns=2)


def run(args: argparse.Namespace) -> int:
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    print("== The lecture's neuron: o = tanh(x1*w1 + x2*w2 + b)")
    o = lecture_neuron()
    o.backward()
    print(value_table(o))
    from engine.draw import render

    path = render(o, out_dir / "neuron.svg")
    print(f"graph drawn to {path}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("demo", help="a tour: the lecture's neuron, training, benchmark")
    parser.add_argument("--out", default="out", help="folder for images and results (default: out)")
    parser.set_defaults(run=run)
