"""How fast training runs: seconds per epoch and the graph size per step.

``epoch_benchmark()`` trains the reference model, MLP(2, [16, 16, 1])
with ReLU, on two moons with the hinge loss and minibatch SGD, and reports
the median time of an epoch together with the nodes and edges of one step's
graph (the batch's forward passes, the loss and the L2 penalty): the sizes
E and V that make the backward sweep O(E+V). ``fit_speedup()`` times the
course's minibatch run with ``compile`` on and off, and checks that both
give the same history.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from engine import graph_stats
from nn import MLP, SGD, Minibatches, fit, hinge, l2_penalty, mean, moons, train_test_split


def step_graph_size(
    model: MLP, inputs: list[list[float]], targets: list[int], l2: float = 1e-4
) -> tuple[int, int]:
    """(nodes, edges) of the graph one training step builds on this batch."""
    objective = mean([hinge(model(x), y) for x, y in zip(inputs, targets, strict=True)])
    objective = objective + l2_penalty(model.parameters(), l2)
    stats = graph_stats(objective)
    return stats.nodes, stats.edges


def epoch_benchmark(
    n: int = 300,
    batch_size: int = 10,
    epochs: int = 5,
    sizes: tuple[int, ...] = (16, 16, 1),
    seed: int = 0,
    verbose: bool = True,
) -> dict[str, float]:
    """Train for ``epochs`` epochs and report seconds per epoch and graph size per step."""
    data = moons(n, noise=0.1, seed=seed)
    model = MLP(2, list(sizes), seed=seed)
    optimizer = SGD(model.parameters(), lr=0.1)
    times = []
    for _ in range(epochs):
        history = fit(
            model, data, loss="hinge", optimizer=optimizer, epochs=1,
            batch_size=batch_size, l2=1e-4, seed=seed, quiet=True,
        )
        times.append(history.seconds)
    inputs, targets = next(iter(Minibatches(data, batch_size, seed=seed)))
    nodes, edges = step_graph_size(model, inputs, targets)
    steps = len(Minibatches(data, batch_size))
    result = {
        "seconds_per_epoch": statistics.median(times),
        "steps_per_epoch": float(steps),
        "nodes_per_step": float(nodes),
        "edges_per_step": float(edges),
        "parameters": float(model.num_parameters()),
    }
    if verbose:
        per_step = result["seconds_per_epoch"] / steps
        print(
            f"MLP(2, {list(sizes)}) on {n} moons, batch {batch_size}, {steps} steps per epoch: "
            f"{result['seconds_per_epoch']:.3f} s per epoch (median of {epochs}), "
            f"{per_step * 1e3:.2f} ms per step, "
            f"{nodes} nodes and {edges} edges per step "
            f"({per_step / (nodes + edges) * 1e9:.0f} ns per node+edge)"
        )
    return result



# --- fit, compiled against dynamic -------------------------------------------------------


def fit_speedup(epochs: int = 20, n: int = 300, batch_size: int = 10) -> dict[str, object]:
    """``nn.fit`` on two moons (minibatch SGD, the course's run) with and without ``compile``.

    Both runs start from the same model and seeds; the histories must agree
    loss for loss. Returns the seconds of each, the speedup and whether they agree.
    """
    train, test = train_test_split(moons(n, noise=0.1, seed=0), 0.25, seed=0)
    runs = {}
    for compiled in (False, True):
        model = MLP(2, [16, 16, 1], seed=0)
        optimizer = SGD(model.parameters(), lr=_decay(epochs * len(Minibatches(train, batch_size))))
        started = time.perf_counter()
        history = fit(model, train, loss="hinge", optimizer=optimizer, epochs=epochs,
                      batch_size=batch_size, test_data=test, l2=1e-4, seed=0, quiet=True,
                      compile=compiled)
        seconds = time.perf_counter() - started
        runs[compiled] = (seconds, history, [p.data for p in model.parameters()])
    (dynamic, dynamic_history, dynamic_params), (fast, history, params) = runs[False], runs[True]
    same = (history.step_loss == dynamic_history.step_loss
            and history.test_loss == dynamic_history.test_loss and params == dynamic_params)
    return {"dynamic_seconds": dynamic, "compiled_seconds": fast, "speedup": dynamic / fast,
            "steps": history.steps, "same_history": same}


def _decay(steps: int) -> Callable[[int], float]:
    """η from 0.5 down to 0.05 over the run (tests/nn/test_fitting.py's schedule)."""
    return lambda k: 0.5 - 0.45 * k / steps


def fit_report(result: dict[str, object]) -> str:
    return (
        f"nn.fit, {result['steps']} steps (300 moons, batches of 10): dynamic "
        f"{result['dynamic_seconds']:.2f} s, compiled {result['compiled_seconds']:.2f} s, "
        f"speedup {result['speedup']:.1f}x (target >= 3x); same history, loss for loss: "
        f"{'yes' if result['same_history'] else 'NO'}"
    )
