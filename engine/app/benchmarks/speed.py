"""Speed and memory of the engine against the same arithmetic on plain floats.

Two workloads, each run twice in the same process, once with ``Value``s and
once written by hand with Python floats (forward pass storing what the
backward pass needs, then the backward pass written out):

(a) a chain x ← tanh(x·w + b) of 10⁵ links (3·10⁵ nodes);
(b) one full-batch step of an MLP 2→16→16→1 (ReLU hidden layers, linear
    output) on 100 two-moons points, loss mean(relu(1 − y·score)) + 1e-4·Σp².

For each: nanoseconds per node for forward and backward, the ratio of the
engine's time to the plain floats' time, and bytes per node (tracemalloc,
measured in a separate run because tracing slows everything down). Both are
measured with CPython's cycle collector running and paused (``gc_paused``):
it rescans the growing graph while the forward pass allocates it, and that
rescanning, not the arithmetic, is most of the forward time.
"""

from __future__ import annotations

import contextlib
import gc
import math
import statistics
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

import nn
from engine import Value, format_table, gc_paused, progress_bar, topological_order
from engine.examples import tanh_chain

# --- (a) the chain ----------------------------------------------------------


def chain_values(links: int) -> Value:
    """x ← tanh(x·w + b), ``links`` times (``engine.examples.tanh_chain``)."""
    return tanh_chain(links)[0]


def chain_floats(links: int) -> tuple[float, float, float]:
    """The chain on floats: forward storing each tanh, then backward by hand.

    With t_k = tanh(x_{k-1}·w + b) and g = dL/dt_k: dL/ds_k = g·(1 − t_k²),
    dL/dw += dL/ds_k · x_{k-1}, dL/db += dL/ds_k, dL/dx_{k-1} = dL/ds_k · w.
    """
    w, b = 0.9, 0.1
    xs = [0.5]
    append = xs.append
    x = 0.5
    tanh = math.tanh
    for _ in range(links):
        x = tanh(x * w + b)
        append(x)
    grad, grad_w, grad_b = 1.0, 0.0, 0.0
    for k in range(links, 0, -1):
        t = xs[k]
        grad_s = grad * (1.0 - t * t)
        grad_w += grad_s * xs[k - 1]
        grad_b += grad_s
        grad = grad_s * w
    return grad, grad_w, grad_b


# --- (b) the MLP step -----------------------------------------------------

LAYER_SIZES = (2, 16, 16, 1)
L2 = 1e-4


def mlp_problem(points: int, seed: int = 0) -> tuple[nn.MLP, list[list[float]], list[float]]:
    """nn's MLP 2→16→16→1 (ReLU hidden, linear output) and ``points`` two-moons points,
    with labels ±1."""
    data = nn.moons(points, noise=0.1, seed=seed)
    model = nn.MLP(LAYER_SIZES[0], list(LAYER_SIZES[1:]), activation="relu", seed=seed + 1)
    labels = [nn.signed_label(y) for y in data.targets]
    return model, data.inputs, labels


def mlp_step_values(model: nn.MLP, points: list[list[float]], labels: list[float]) -> Value:
    """The loss as nn builds it: mean hinge loss plus the L2 penalty."""
    losses = [nn.hinge(model(point), label) for point, label in zip(points, labels)]
    return nn.mean(losses) + nn.l2_penalty(model.parameters(), L2)


def weights_of(model: nn.MLP) -> list[list[list[float]]]:
    """weights[layer][neuron] = [w_1 … w_nin, bias], as plain floats."""
    return [[[*(w.data for w in neuron.weights), neuron.bias.data] for neuron in layer.neurons]
            for layer in model.layers]


def mlp_step_floats(weights: list[list[list[float]]], points: list[list[float]],
                    labels: list[float]) -> tuple[float, list[float]]:
    """The same loss and its gradient with floats: forward, then backprop by hand.

    Per layer, with pre-activations s and inputs a: δ = dL/ds, dL/dw_ij = δ_i·a_j,
    dL/da_j = Σ_i w_ij·δ_i, and through ReLU δ = dL/dout · [s > 0].
    """
    grads = [[[0.0] * len(neuron) for neuron in layer] for layer in weights]
    last = len(weights) - 1
    n = len(points)
    data_loss = 0.0
    for point, label in zip(points, labels):
        inputs = [point]
        sums = []
        activations = point
        for depth, layer in enumerate(weights):
            layer_sums = []
            for neuron in layer:
                total = neuron[0] * activations[0]
                for w, a in zip(neuron[1:-1], activations[1:]):
                    total += w * a
                layer_sums.append(total + neuron[-1])
            sums.append(layer_sums)
            if depth < last:
                activations = [s if s > 0.0 else 0.0 for s in layer_sums]
            else:
                activations = layer_sums
            inputs.append(activations)
        margin = 1.0 - label * activations[0]
        data_loss += margin if margin > 0.0 else 0.0
        deltas = [-label / n if margin > 0.0 else 0.0]
        for depth in range(last, -1, -1):
            layer, layer_grads, layer_inputs = weights[depth], grads[depth], inputs[depth]
            below = [0.0] * len(layer_inputs)
            # No shortcut for delta == 0: the graph does every product too.
            for neuron, neuron_grads, delta in zip(layer, layer_grads, deltas):
                for j, a in enumerate(layer_inputs):
                    neuron_grads[j] += delta * a
                    below[j] += delta * neuron[j]
                neuron_grads[-1] += delta
            if depth:
                deltas = [g if s > 0.0 else 0.0 for g, s in zip(below, sums[depth - 1])]
    penalty = 0.0
    flat_grads = []
    for layer, layer_grads in zip(weights, grads):
        for neuron, neuron_grads in zip(layer, layer_grads):
            for p, g in zip(neuron, neuron_grads):
                penalty += p * p
                flat_grads.append(g + 2.0 * L2 * p)
    return data_loss * (1.0 / n) + L2 * penalty, flat_grads


# --- measuring --------------------------------------------------------------


@dataclass(frozen=True)
class SpeedResult:
    """One workload's figures, with the cycle collector running or paused."""

    name: str
    collector: str
    nodes: int
    forward_ns_per_node: float
    backward_ns_per_node: float
    float_ns_per_node: float
    bytes_per_node: float
    bytes_per_node_after_backward: float

    @property
    def ratio(self) -> float:
        """(forward + backward) time over the plain floats' time."""
        return (self.forward_ns_per_node + self.backward_ns_per_node) / self.float_ns_per_node


def _median_time(function: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(
    name: str,
    build: Callable[[], Value],
    floats: Callable[[], object],
    repeats: int,
    pause_collector: bool = False,
) -> SpeedResult:
    """Time forward and backward of ``build()`` and the float version, then memory."""
    forward_times, backward_times = [], []
    nodes = 0
    for _ in range(repeats):
        gc.collect()
        with gc_paused() if pause_collector else contextlib.nullcontext():
            start = time.perf_counter()
            root = build()
            middle = time.perf_counter()
            root.backward()
            end = time.perf_counter()
        forward_times.append(middle - start)
        backward_times.append(end - middle)
        nodes = len(topological_order(root))
        del root
    float_time = _median_time(floats, repeats)

    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    root = build()
    after_forward = tracemalloc.get_traced_memory()[0]
    root.backward()
    after_backward = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del root

    per_node = 1e9 / nodes
    return SpeedResult(
        name=name,
        collector="paused" if pause_collector else "running",
        nodes=nodes,
        forward_ns_per_node=statistics.median(forward_times) * per_node,
        backward_ns_per_node=statistics.median(backward_times) * per_node,
        float_ns_per_node=float_time * per_node,
        bytes_per_node=(after_forward - before) / nodes,
        bytes_per_node_after_backward=(after_backward - before) / nodes,
    )


def run(links: int = 100_000, points: int = 100, repeats: int = 5, *, quiet: bool = False,
        stream: TextIO | None = None) -> list[SpeedResult]:
    """Measure both workloads, with the cycle collector running, then paused.

    A progress bar (``engine.progress_bar``) counts the four measurements;
    ``quiet`` hides it, ``stream`` receives it (default stderr).
    """
    model, data, labels = mlp_problem(points)
    weights = weights_of(model)
    workloads: list[tuple[str, Callable[[], Value], Callable[[], object]]] = [
        (f"chain, {links} links", lambda: chain_values(links), lambda: chain_floats(links)),
        (f"MLP step, {points} points", lambda: mlp_step_values(model, data, labels),
         lambda: mlp_step_floats(weights, data, labels)),
    ]
    results = []
    with progress_bar(2 * len(workloads), "speed", quiet=quiet, stream=stream) as bar:
        for pause_collector in (False, True):
            for name, build, floats in workloads:
                bar.set_postfix_str(f"{name}, collector {'paused' if pause_collector else 'on'}")
                results.append(measure(name, build, floats, repeats, pause_collector))
                bar.update()
    return results


def report(results: list[SpeedResult]) -> str:
    """A table of the figures, with the targets beside them."""
    header = ("workload", "collector", "nodes", "fwd ns/node", "bwd ns/node", "floats ns/node",
              "x floats", "bytes/node", "after bwd")
    rows = [
        (r.name, r.collector, r.nodes, f"{r.forward_ns_per_node:.0f}",
         f"{r.backward_ns_per_node:.0f}", f"{r.float_ns_per_node:.0f}", f"{r.ratio:.1f}",
         f"{r.bytes_per_node:.0f}", f"{r.bytes_per_node_after_backward:.0f}")
        for r in results
    ]
    lines = [format_table(header, rows, left_columns=2)]
    lines.append("targets: within 10x of plain floats, at most 200 bytes per node")
    lines.append("collector paused: inside engine.gc_paused(), as nn.fit trains "
                 "(see engine/modes.py)")
    return "\n".join(lines)

