"""Code or tape: what compiling a graph costs either way, measured side by side.

``engine.compile`` writes straight-line code (``engine.compiler.codegen``) unless a big
graph's parts mostly differ, when it records a tape (``engine.compiler.tape``). This
benchmark compiles the same graphs both ways and prints, for each: the time
to compile, the bytes the compiled form holds per node (tracemalloc, in a
separate run), the replay's ns per node, and what ``mode="auto"`` chose;
beside them the dynamic engine (build the graph and ``backward()``, collector
running). The graphs: ``engine.examples.irregular_graph`` (no repeated shapes)
and the tanh chain (all repeats), of about the same number of nodes.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from engine import Value, compile, format_table, topological_order
from engine.app.benchmarks.speed import retained_bytes
from engine.examples import irregular_graph, tanh_chain

MODES = ("code", "tape")


@dataclass(frozen=True)
class ModeResult:
    """One graph compiled one way."""

    graph: str
    nodes: int
    mode: str
    chosen: bool  # what mode="auto" picks
    compile_seconds: float
    bytes_per_node: float
    replay_ns: float
    dynamic_ns: float


def graphs(nodes: int) -> list[tuple[str, Callable[[], tuple[Value, list[Value]]]]]:
    links = max(1, nodes // 3)
    return [
        (f"irregular, {nodes} nodes", lambda: irregular_graph(nodes)),
        (f"chain, {links} links", lambda: tanh_chain(links)),
    ]


def measure(name: str, build: Callable[[], tuple[Value, list[Value]]],
            repeats: int) -> list[ModeResult]:
    root, inputs = build()
    count = len(topological_order(root))
    values = [leaf.data for leaf in inputs]
    chosen = compile(root, inputs).mode
    results = []
    dynamic = []
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        fresh, _ = build()
        fresh.backward()
        dynamic.append(time.perf_counter() - start)
        del fresh
    dynamic_ns = statistics.median(dynamic) * 1e9 / count
    for mode in MODES:
        gc.collect()
        start = time.perf_counter()
        compiled = compile(root, inputs, mode=mode)
        seconds = time.perf_counter() - start
        compiled(values)  # CPython specialises a function's code on its first calls
        replays = []
        for _ in range(repeats):
            start = time.perf_counter()
            compiled(values)
            replays.append(time.perf_counter() - start)
        del compiled
        held, _ = retained_bytes(_compiler(root, inputs, mode))
        results.append(ModeResult(name, count, mode, mode == chosen, seconds, held / count,
                                  statistics.median(replays) * 1e9 / count, dynamic_ns))
    return results


def _compiler(root: Value, inputs: list[Value], mode: str) -> Callable[[], object]:
    def compiled() -> object:
        return compile(root, inputs, mode=mode)

    return compiled


def run(nodes: int = 100_000, repeats: int = 3) -> list[ModeResult]:
    """Both graphs, both ways."""
    return [result for name, build in graphs(nodes) for result in measure(name, build, repeats)]


def report(results: list[ModeResult]) -> str:
    header = ("graph", "nodes", "mode", "auto picks", "compile s", "compiled bytes/node",
              "replay ns/node", "dynamic ns/node (running)")
    rows = [
        (r.graph, r.nodes, r.mode, "yes" if r.chosen else "", f"{r.compile_seconds:.2f}",
         f"{r.bytes_per_node:.1f}", f"{r.replay_ns:.0f}", f"{r.dynamic_ns:.0f}")
        for r in results
    ]
    return "\n".join([
        format_table(header, rows, left_columns=3),
        "targets: compiling a 10^5-node graph < 2 s, compiled form <= 40 bytes/node",
    ])
