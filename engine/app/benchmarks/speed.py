"""Speed and memory: the engine, dynamic and compiled, against plain floats, in one run.

Two workloads (``engine.app.benchmarks.floats`` has them written by hand):

(a) a chain x ← tanh(x·w + b) of 10⁴ links (3·10⁴ nodes), and of 10⁵ links,
    where the cycle collector's full collections weigh more; and a chain of 10⁴
    links with a weight and a bias per link, x ← tanh(x·wᵢ + bᵢ), all 2·10⁴ of
    them inputs (the compiled parts are shared, their slots passed in);
(b) one full-batch step of an MLP 2→16→16→1 (ReLU hidden layers, linear
    output) on 100 two-moons points, loss mean(relu(1 − y·score)) + 1e-4·Σp².

Each is run four ways, side by side: the plain-float floor; the dynamic
engine (build the graph with ``Value``s, then ``backward()``) with CPython's
cycle collector running, as users run it, and paused (``gc_paused``, as
``nn.fit`` trains); and the compiled replay (``engine.compile`` of the same
graph, called with the same leaves). For each: nanoseconds per node and the
ratio to the floor; for the replay also the time to compile and the steps
after which it has paid for itself against the dynamic engine; and bytes per
node of the dynamic graph and of the compiled form (tracemalloc, in separate
runs, since tracing slows everything down). Times are medians of repeated
runs, each way in turn, so a noisy machine slows all of them alike; the
floor and the replay, a few milliseconds each, run once untimed and then
take turns several times a round (``time_side_by_side``), so that neither
is measured on the cold caches a dynamic step leaves behind.
"""

from __future__ import annotations

import gc
import math
import statistics
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TextIO

import nn
from engine import Value, compile, format_table, gc_paused, progress_bar, topological_order
from engine.app.benchmarks.floats import (
    L2,
    LAYER_SIZES,
    chain_floats,
    distinct_chain_floats,
    mlp_step_floats,
    weights_of,
)
from engine.examples import distinct_chain, distinct_weights, tanh_chain

# --- the workloads -------------------------------------------------------------------


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


@dataclass(frozen=True)
class Workload:
    """A graph to build (root and the leaves a step varies) and its plain-float floor."""

    name: str
    build: Callable[[], tuple[Value, list[Value]]]
    floats: Callable[[], object]


def workloads(links: int | Sequence[int], points: int, distinct: int | None = None
               ) -> list[Workload]:
    """A chain of each length in ``links``, the chain of ``distinct`` links with a weight
    and a bias per link (if asked), then the MLP step on ``points`` points."""
    model, data, labels = mlp_problem(points)
    weights = weights_of(model)
    lengths = [links] if isinstance(links, int) else list(links)
    return [
        *(_chain(length) for length in lengths),
        *([] if distinct is None else [_distinct_chain(distinct)]),
        Workload(f"MLP step, {points} points",
                 lambda: (mlp_step_values(model, data, labels), model.parameters()),
                 lambda: mlp_step_floats(weights, data, labels)),
    ]


def _distinct_chain(links: int) -> Workload:
    weights, biases = distinct_weights(links)
    return Workload(f"chain, {links} links, w and b per link", lambda: distinct_chain(links),
                    lambda: distinct_chain_floats(weights, biases))


def _chain(links: int) -> Workload:
    return Workload(f"chain, {links} links", lambda: tanh_chain(links),
                    lambda: chain_floats(links))


# --- measuring -----------------------------------------------------------------------


@dataclass(frozen=True)
class SpeedResult:
    """One workload's figures (times in ns per node, memory in bytes per node)."""

    name: str
    nodes: int
    floats_ns: float
    running_ns: tuple[float, float]  # (forward, backward), collector running
    paused_ns: tuple[float, float]  # (forward, backward), collector paused
    compiled_ns: float
    compile_seconds: float
    parts: str  # the compiled form: "parts, distinct functions", or "a tape"
    graph_bytes: float
    compiled_bytes: float

    def ratio(self, ns: float) -> float:
        return ns / self.floats_ns

    def repaid_after(self, dynamic_ns: float) -> float:
        """Steps after which compiling once has paid for itself against ``dynamic_ns``."""
        saved = (dynamic_ns - self.compiled_ns) * self.nodes * 1e-9
        return math.inf if saved <= 0.0 else self.compile_seconds / saved


def _dynamic_step(build: Callable[[], tuple[Value, list[Value]]]) -> tuple[float, float]:
    """Seconds to build the graph, and to sweep it backward, once."""
    start = time.perf_counter()
    root, _ = build()
    middle = time.perf_counter()
    root.backward()
    return middle - start, time.perf_counter() - middle


def retained_bytes(make: Callable[[], object]) -> tuple[int, object]:
    """Bytes still held once ``make()`` returns, and what it made."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        made = make()
        gc.collect()
        return tracemalloc.get_traced_memory()[0] - before, made
    finally:
        tracemalloc.stop()


def measure(workload: Workload, repeats: int) -> SpeedResult:
    """Every figure of one workload; the ways take turns, ``repeats`` rounds."""
    root, inputs = workload.build()
    nodes = len(topological_order(root))
    started = time.perf_counter()
    compiled = compile(root, inputs)
    compile_seconds = time.perf_counter() - started
    values = [leaf.data for leaf in inputs]
    del root, inputs
    for _ in range(2):  # CPython specialises a function's code on its first few calls
        compiled(values)
    running, paused = [], []
    floats: list[float] = []
    replay: list[float] = []

    def replay_once() -> object:
        return compiled(values)

    for round_ in range(repeats):
        gc.collect()
        running.append(_dynamic_step(workload.build))
        gc.collect()
        with gc_paused():
            paused.append(_dynamic_step(workload.build))
        time_side_by_side([(workload.floats, floats), (replay_once, replay)], first=round_ % 2)
    graph_bytes, _ = retained_bytes(lambda: workload.build()[0])
    compiled_bytes, _ = retained_bytes(lambda: _compile_only(workload))

    def per_node(seconds: list[float]) -> float:
        return statistics.median(seconds) * 1e9 / nodes

    def split(pairs: list[tuple[float, float]]) -> tuple[float, float]:
        return per_node([f for f, _ in pairs]), per_node([b for _, b in pairs])

    return SpeedResult(
        name=workload.name, nodes=nodes, floats_ns=per_node(floats), running_ns=split(running),
        paused_ns=split(paused), compiled_ns=per_node(replay), compile_seconds=compile_seconds,
        parts=("a tape" if compiled.mode == "tape"
               else f"{compiled.parts} parts, {compiled.functions} distinct"),
        graph_bytes=graph_bytes / nodes, compiled_bytes=compiled_bytes / nodes,
    )


def time_side_by_side(ways: list[tuple[Callable[[], object], list[float]]], first: int) -> None:
    """Time each way ``SIDE_BY_SIDE`` times, taking turns, way ``first`` first, after
    one untimed run of each.

    The floor and the replay run in milliseconds, just after a dynamic step
    that built and freed a whole graph: whichever ran first then met cold
    caches and an allocator whose free memory was scattered, and was measured
    20-40% slower than the next (on the chain with a weight and bias per
    link, the floor, always first, took 3.6 ms against 3.0 ms second). The
    untimed runs warm both alike; the turns and the order changing every
    round leave neither the better place; the several samples a round make
    their medians steady on a busy machine.
    """
    for run, _ in ways:
        run()
    turn = ways[first:] + ways[:first]
    for _ in range(SIDE_BY_SIDE):
        for run, times in turn:
            start = time.perf_counter()
            run()
            times.append(time.perf_counter() - start)


SIDE_BY_SIDE = 3


def _compile_only(workload: Workload) -> object:
    """The compiled form alone: the graph it came from is dropped before measuring."""
    root, inputs = workload.build()
    return compile(root, inputs)


def run(links: int | Sequence[int] = (10_000, 100_000), points: int = 100, repeats: int = 5,
        *, distinct: int | None = None, quiet: bool = False, stream: TextIO | None = None
        ) -> list[SpeedResult]:
    """Measure every workload, every way (a chain per number in ``links``; with
    ``distinct``, also the chain of that many links with a weight and a bias per link).

    A progress bar (``engine.progress_bar``) counts the workloads; ``quiet``
    hides it, ``stream`` receives it (default stderr).
    """
    results = []
    chosen = workloads(links, points, distinct)
    with progress_bar(len(chosen), "speed", quiet=quiet, stream=stream) as bar:
        for workload in chosen:
            bar.set_postfix_str(workload.name)
            results.append(measure(workload, repeats))
            bar.update()
    return results


# --- the report ----------------------------------------------------------------------


def report(results: list[SpeedResult]) -> str:
    """Side by side: the floor, dynamic running and paused, compiled; then memory."""
    header = ("workload", "floats ns/node", "running ns/node", "x", "paused ns/node", "x",
              "compiled ns/node", "x", "compile s", "repaid after (running/paused)")
    rows = []
    for r in results:
        running, paused = sum(r.running_ns), sum(r.paused_ns)
        rows.append((
            r.name, f"{r.floats_ns:.0f}", f"{running:.0f}", f"{r.ratio(running):.1f}",
            f"{paused:.0f}", f"{r.ratio(paused):.1f}", f"{r.compiled_ns:.0f}",
            f"{r.ratio(r.compiled_ns):.2f}", f"{r.compile_seconds:.2f}",
            f"{r.repaid_after(running):.1f} / {r.repaid_after(paused):.1f} steps",
        ))
    memory_header = ("workload", "nodes", "fwd / bwd ns/node running", "fwd / bwd ns/node paused",
                     "graph bytes/node", "compiled bytes/node", "compiled form")
    memory = [
        (r.name, r.nodes, f"{r.running_ns[0]:.0f} / {r.running_ns[1]:.0f}",
         f"{r.paused_ns[0]:.0f} / {r.paused_ns[1]:.0f}", f"{r.graph_bytes:.0f}",
         f"{r.compiled_bytes:.1f}", r.parts)
        for r in results
    ]
    return "\n".join([
        format_table(header, rows, left_columns=1),
        "targets: dynamic <= 10x floats running, <= 8x paused; compiled <= 1.5x (stretch 1.0x), "
        "repaid within 20 steps",
        "",
        format_table(memory_header, memory, left_columns=1),
        "targets: graph <= 200 bytes/node; compiled form <= 40 bytes/node",
    ])
