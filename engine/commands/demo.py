"""``sweepgrad demo``: the tour that ``make demo`` runs.

1. the lecture's neuron, backward, a table of values and gradients, drawings
   (the graph with sweep steps numbered, the sweep as a GIF, a collapsed MLP);
2. an MLP trained on two moons by minibatch SGD, with its decision boundary;
3. the complexity benchmark, quick: the sweep O(E+V) against O(E²);
4. the speed benchmark, small: the engine against plain floats.

The neuron:
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


def neuron_section(out_dir: Path) -> None:
    """The lecture's neuron: its values and gradients as a table, then drawings."""
    from engine.drawing.demo import demo_drawings

    print("== The lecture's neuron: o = tanh(x1*w1 + x2*w2 + b)")
    o = lecture_neuron()
    o.backward()
    print(value_table(o))
    parameters = [node for node in topological_order(o) if node.label in ("w1", "w2", "b")]
    for path in demo_drawings(o, out_dir, parameters=parameters):
        print(f"drawn: {path}")


def speed_section() -> None:
    """A small run of the speed benchmark (``sweepgrad bench speed`` is the full one)."""
    from engine.benchmarks.speed import report, run

    print("== Speed: the engine against the same arithmetic on plain floats (small sizes)")
    print(report(run(links=20_000, points=30, repeats=3)))


def run(args: argparse.Namespace) -> int:
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    neuron_section(out_dir)
    print()
    from nn.demo import demo_section as training_section

    training_section(out_dir)
    print()
    from engine.benchmarks.complexity import demo_section as complexity_section

    complexity_section(out_dir)
    print()
    speed_section()
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "demo", help="a tour: the lecture's neuron drawn, training on moons, benchmarks"
    )
    parser.add_argument("--out", default="out", help="folder for images and results (default: out)")
    parser.set_defaults(run=run)
