"""The tour ``sweepgrad demo`` prints and draws (what ``make demo`` runs).

1. the lecture's neuron (``engine.examples.lecture_neuron``), backward, a
   table of values and gradients, and drawings: the graph with the sweep's
   steps numbered, the sweep as a GIF, an MLP collapsed per neuron and layer;
2. an MLP trained on two moons by minibatch SGD, with its decision boundary;
3. the complexity benchmark, quick: the sweep O(E+V) against O(E²);
4. the speed benchmark, small: the engine against plain floats.

The benchmarks' tables go to ``benchmarks.txt`` (the terminal gets a line of
each); a summary of what was written and what to try next closes it. Plots
and the GIF need the ``plot`` extra: without it they are left out, and the
demo says which extra to install.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import TextIO

import nn
from engine import Value, extras, format_table, topological_order, write_atomically
from engine.app.benchmarks.complexity import run_complexity
from engine.app.benchmarks.speed import report as speed_report
from engine.app.benchmarks.speed import run as run_speed
from engine.drawing import (
    GraphvizNotFoundError,
    draw,
    find_renderer,
    save_backward_animation,
    write_image,
)
from engine.examples import lecture_neuron

MOONS_EPOCHS = 20


def value_table(root: Value) -> str:
    """Every node behind ``root`` as a row: label, op, data, grad."""
    rows = [
        (node.label or "", node.op or "leaf", f"{node.data:.6f}", f"{node.grad:.6f}")
        for node in topological_order(root)
    ]
    return format_table(("node", "op", "data", "grad"), rows, left_columns=2)


def one_sample_mlp_loss(seed: int = 0) -> tuple[Value, list[Value]]:
    """The loss of one sample through nn's MLP(2, [16, 16, 1]) (tanh), and its inputs."""
    model = nn.MLP(2, [16, 16, 1], activation="tanh", seed=seed)
    inputs = [Value(0.3, label="x1"), Value(-0.7, label="x2")]
    loss = nn.squared_error(model(inputs), 0.5)
    loss.label = "loss"
    return loss, inputs


def drawings(out_dir: Path) -> list[Path]:
    """neuron.svg, neuron_backward.gif, mlp_neurons.svg and mlp_layers.svg in ``out_dir``.

    With no Graphviz program it writes the DOT sources (``.gv``) instead and
    says how to install one, and without Pillow it leaves the GIF out and
    names the extra, so the demo never stops on a missing renderer.
    """
    nodes = lecture_neuron()
    neuron = nodes["o"]
    neuron.backward()
    parameters = [nodes["w1"], nodes["w2"], nodes["b"]]
    loss, inputs = one_sample_mlp_loss()
    loss.backward()
    pictures = {
        "neuron": draw(neuron, parameters=parameters, number_steps=True),
        "mlp_neurons": draw(loss, inputs=inputs, collapse="neuron"),
        "mlp_layers": draw(loss, inputs=inputs, collapse="layer"),
    }
    try:
        find_renderer()
    except GraphvizNotFoundError as error:
        print(error, file=sys.stderr)
        return [write_image(picture, out_dir / f"{name}.gv") for name, picture in pictures.items()]
    paths = [write_image(pictures["neuron"], out_dir / "neuron.svg")]
    if extras.available("PIL"):
        paths.append(save_backward_animation(neuron, out_dir / "neuron_backward.gif",
                                             parameters=parameters))
    else:
        print(f"(the sweep as a GIF needs Pillow: {extras.install_hint('PIL')})")
    paths += [write_image(pictures[name], out_dir / f"{name}.svg")
              for name in ("mlp_neurons", "mlp_layers")]
    return paths


def neuron_section(out_dir: Path) -> list[Path]:
    """The lecture's neuron: its values and gradients as a table, then drawings."""
    print("== The lecture's neuron: o = tanh(x1*w1 + x2*w2 + b)")
    neuron = lecture_neuron()["o"]
    neuron.backward()
    print(value_table(neuron))
    return drawings(out_dir)


def train_moons(epochs: int = MOONS_EPOCHS, quiet: bool = False, seed: int = 0
                ) -> tuple[nn.MLP, nn.History]:
    """MLP(2, [16, 16, 1]) with ReLU, hinge loss with a 1e-4 L2 penalty, minibatch
    SGD (batches of 10, learning rate decaying from 0.5 to 0.05) on 225 of 300
    moons points, 75 held out."""
    train, test = nn.train_test_split(nn.moons(300, noise=0.1, seed=seed), 0.25, seed=seed)
    model = nn.MLP(2, [16, 16, 1], seed=seed)
    steps = epochs * -(-len(train) // 10)
    optimizer = nn.SGD(model.parameters(), lr=lambda k: 0.5 - 0.45 * k / steps)
    history = nn.fit(
        model, train, loss="hinge", optimizer=optimizer, epochs=epochs, batch_size=10,
        test_data=test, l2=1e-4, seed=seed, quiet=quiet, description="moons",
    )
    return model, history


def training_section(out_dir: Path) -> list[Path]:
    """Train on moons with a progress bar, print the history, save two PNGs
    (when matplotlib is there)."""
    print("== Training MLP(2, [16, 16, 1]) on two moons (hinge loss, minibatch SGD)")
    model, history = train_moons()
    print(model)
    print(history.summary())
    if not extras.available("matplotlib"):
        print(f"(plots need matplotlib: {extras.install_hint('matplotlib')})")
        return []
    from nn.plots import plot_decision_boundary, plot_loss_curve

    boundary = out_dir / "moons_decision_boundary.png"
    plot_decision_boundary(
        model, nn.moons(300, noise=0.1, seed=0), path=boundary,
        title=f"two moons: test accuracy {history.test_accuracy[-1]:.1%}",
    )
    curve = out_dir / "moons_loss_curve.png"
    plot_loss_curve(history, path=curve)
    return [boundary, curve]


def complexity_section(out_dir: Path, report: TextIO) -> list[Path]:
    """The quick complexity benchmark: its table to ``report``, its slopes in a line."""
    print("== Complexity: the sweep against the per-edge chain rule (quick run)")
    results = run_complexity(quick=True, out_dir=out_dir, quiet=True,
                             plot=extras.available("matplotlib"))
    print("Complexity: the sweep against the naive methods (quick run)\n", file=report)
    print(results.table(), file=report)
    slopes = {(fit["family"], fit["method"]): fit.get("work_slope") for fit in results.fits}
    chain = [(method, slopes.get(("chain", method)))
             for method in ("sweep", "per-edge chain rule")]
    print("work grows on a chain with slope " + ", ".join(
        f"{slope:.2f} for the {method}" for method, slope in chain if slope is not None))
    return list(results.files.values())


def speed_section(report: TextIO) -> None:
    """A small run of the speed benchmark (``sweepgrad bench speed`` is the full one):
    its tables to ``report``, the chain's figures in a line."""
    print("== Speed: the engine against the same arithmetic on plain floats (small sizes)")
    results = run_speed(links=20_000, points=30, repeats=3)
    print("\nSpeed: the engine against plain floats (small sizes)\n", file=report)
    print(speed_report(results), file=report)
    chain = results[0]
    print(f"{chain.name}: building and sweeping the graph takes "
          f"{chain.ratio(sum(chain.running_ns)):.1f}x the time of plain floats, "
          f"its compiled replay {chain.ratio(chain.compiled_ns):.1f}x")


# What each file the demo writes holds, by name (by suffix for the DOT sources
# written when Graphviz is missing).
WHAT_IT_IS = {
    "neuron.svg": "the lecture's neuron, its sweep's steps numbered",
    "neuron_backward.gif": "the backward sweep, step by step",
    "mlp_neurons.svg": "a small MLP's loss, a box per neuron",
    "mlp_layers.svg": "the same, a box per layer",
    "moons_decision_boundary.png": "the trained MLP's decision regions",
    "moons_loss_curve.png": "its loss, epoch by epoch",
    "complexity.png": "work against graph size, for every method",
    "complexity.csv": "the complexity benchmark's measurements",
    "complexity.json": "the same, with the fitted slopes",
    "benchmarks.txt": "the benchmark tables",
    ".gv": "a drawing's DOT source (install Graphviz to render it)",
}

NEXT_STEPS = """Try next:
  sweepgrad draw "tanh(x*w + b)" --set x=2 --set w=-3 --set b=6.88 -o neuron.svg
  sweepgrad train --dataset spirals --classes 3 --optimizer adam --lr 0.02
  sweepgrad exercises release my-exercises    (the exercises, with checks)
  make lab                                    (the notebooks, in JupyterLab)
  docs/index.md                               (the documentation)"""


def run_demo(out_dir: Path) -> None:
    """Every section, in order, writing images and results to ``out_dir``; the
    benchmark tables go to ``out_dir/benchmarks.txt``; a summary closes it."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = neuron_section(out_dir)
    print()
    written += training_section(out_dir)
    print()
    tables = io.StringIO()
    written += complexity_section(out_dir, tables)
    print()
    speed_section(tables)
    written.append(write_atomically(out_dir / "benchmarks.txt", tables.getvalue()))
    print()
    print(f"== Done. Written to {out_dir}/:")
    for path in written:
        print(f"  {path.name:<28} {WHAT_IT_IS.get(path.name, WHAT_IT_IS.get(path.suffix, ''))}")
    print(NEXT_STEPS)

