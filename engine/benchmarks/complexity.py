"""The complexity benchmark: the sweep's O(E+V) against the naive methods' O(E²).

Lectures 000 and 001 argue that computing each derivative on its own costs
O((E+V)²), by the chain rule (1 + 2 + … + T products on the chain) or by
finite differences (two forward passes per weight), while one backward sweep
costs O(E+V). This benchmark runs all four methods on growing graphs (the
lecture's chain, the lecture's network, stacked diamonds) and records, for
each size and method:

- V, E, leaves, parameters of the graph;
- ``work``: local-derivative products (exact methods), or, for finite
  differences, evaluations of f times E (each evaluation reads every edge
  once, as a product in the sweep does), deterministic counts;
- wall time of one gradient (median of repeats, garbage collector off, the
  graph built beforehand except for finite differences, whose evaluations
  are the method);
- the largest difference from the sweep's gradients, relative to the largest
  gradient.

It then fits log-log slopes of work and of time against E+V, writes CSV,
JSON and a PNG plot, and explains where time and work disagree. A method
whose predicted work at a size exceeds the run's budget is skipped there
with a note saying why.

``python -m engine.benchmarks.complexity --quick`` or ``sweepgrad bench
complexity --quick``; ``run_complexity(quick=True)`` from Python.
"""

from __future__ import annotations

import math
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from engine.backward import sweep_gradients
from engine.benchmarks.complexity_report import (
    explain_fits,
    fit_rows,
    format_table,
    write_outputs,
)
from engine.benchmarks.graphs import Problem, chain, diamonds, mlp
from engine.finite_differences import finite_difference_gradients
from engine.gc_pause import gc_paused
from engine.gradients import Gradients
from engine.naive import naive_gradients
from engine.paths import count_paths, path_gradients
from engine.progress import Progress
from engine.topology import topological_order
from engine.value import Value

METHODS = ("sweep", "per-edge chain rule", "path enumeration", "finite differences")


@dataclass(frozen=True)
class Settings:
    """Sizes and budgets of one run."""

    name: str
    chain_lengths: tuple[int, ...]
    mlp_shapes: tuple[tuple[int, int], ...]  # (width, hidden layers)
    diamond_levels: tuple[int, ...]
    work_budget: float  # skip a naive method at a size predicted to need more work
    max_paths: int  # path enumeration refuses more paths than this
    batch_seconds: float  # time calls in batches at least this long
    repeats: int  # batches per measurement (fewer for slow calls)


QUICK = Settings(
    name="quick",
    chain_lengths=tuple(2**k for k in range(1, 10)),  # 2 … 512
    mlp_shapes=((1, 1), (2, 1), (3, 2), (4, 2), (6, 2), (8, 2), (10, 3)),
    diamond_levels=tuple(range(1, 13)),
    work_budget=4e5,
    max_paths=5_000,
    batch_seconds=0.003,
    repeats=5,
)
FULL = Settings(
    name="full",
    chain_lengths=tuple(2**k for k in range(1, 13)),  # 2 … 4,096
    mlp_shapes=((1, 1), (2, 1), (3, 2), (4, 2), (6, 2), (8, 2), (12, 3), (16, 3), (24, 3),
                (32, 3), (40, 3)),
    diamond_levels=tuple(range(1, 21)),
    work_budget=3e7,
    max_paths=300_000,
    batch_seconds=0.02,
    repeats=5,
)


@dataclass(frozen=True)
class Row:
    """One method at one size of one graph family."""

    family: str
    size: str
    nodes: int  # V
    edges: int  # E
    leaves: int
    parameters: int
    method: str
    products: int | None  # None when skipped
    visits: int | None
    work: int | None
    seconds: float | None  # median over the batches
    best_seconds: float | None  # fastest batch: least disturbed by other work
    repeats: int
    max_difference: float | None  # max |g − g_sweep| / max |g_sweep|
    note: str

    @property
    def graph_size(self) -> int:
        return self.nodes + self.edges

    @property
    def ran(self) -> bool:
        return self.work is not None


@dataclass
class ComplexityResults:
    """Everything one run measured, fitted and wrote."""

    settings: Settings
    rows: list[Row]
    fits: list[dict]
    notes: list[str]
    files: dict[str, Path]
    seconds: float

    def table(self) -> str:
        return format_table(self)


# --- measuring -------------------------------------------------------------------


def time_call(call: Callable[[], Gradients], batch_seconds: float, repeats: int
              ) -> tuple[Gradients, float, float, int]:
    """(result, median and fastest seconds per call, batches timed), timeit-style.

    Fast calls run in batches of at least ``batch_seconds`` so the clock's
    resolution does not matter; slow calls are timed fewer times so the run
    stays short. The garbage collector is off while timing, as in ``timeit``.
    """
    with gc_paused():
        start = time.perf_counter()
        result = call()
        first = time.perf_counter() - start
        if first >= 1.0:
            return result, first, first, 1
        number = max(1, math.ceil(batch_seconds / max(first, 1e-7)))
        batches = max(1, min(repeats, int(2.0 / max(first * number, 1e-9))))
        timings = []
        for _ in range(batches):
            start = time.perf_counter()
            for _ in range(number):
                call()
            timings.append((time.perf_counter() - start) / number)
    return result, statistics.median(timings), min(timings), batches


def max_difference(gradients: Gradients, reference: Gradients) -> float:
    """max |g − g_ref| over the leaves, relative to the largest |g_ref|."""
    scale = max((abs(g) for g in reference.values()), default=0.0) or 1.0
    return max(abs(gradients[w] - g) for w, g in reference.items()) / scale


def predicted_work(done: list[Row], size: int) -> float | None:
    """Work at ``size`` extrapolated from the last two sizes this method ran at
    (or with slope 2 from the last one); None before any."""
    if not done:
        return None
    last = done[-1]
    slope = 2.0
    if len(done) >= 2:
        before = done[-2]
        slope = max(1.0, math.log(last.work / before.work)
                    / math.log(last.graph_size / before.graph_size))
    return last.work * (size / last.graph_size) ** slope


def measure_problem(problem: Problem, settings: Settings, history: dict[str, list[Row]],
                    progress: Progress) -> list[Row]:
    """Run the four methods on one graph; ``history`` holds each method's rows so far."""
    leaves = [Value(x) for x in problem.inputs]
    root = problem.build(*leaves)
    order = topological_order(root)
    nodes, edges = len(order), sum(len(node.parents) for node in order)
    graph_size = nodes + edges

    def row(method: str, result: Gradients | None, work: int | None,
            timing: tuple[float | None, float | None, int], difference: float | None,
            note: str = "") -> Row:
        return Row(problem.family, problem.size, nodes, edges, len(leaves), problem.parameters,
                   method, None if result is None else result.products,
                   None if result is None else result.visits, work, *timing, difference, note)

    reference, *timing = time_call(
        lambda: sweep_gradients(root, leaves), settings.batch_seconds, settings.repeats)
    rows = [row("sweep", reference, reference.products, tuple(timing), 0.0)]
    progress.update(postfix=f"{problem.family} {problem.size}")

    budget = settings.work_budget
    for method in METHODS[1:]:
        skip = ""
        done = [r for r in history[method] if r.ran and r.family == problem.family]
        predicted = predicted_work(done, graph_size)
        if method == "finite differences":
            # Known exactly beforehand: two evaluations per leaf, each reading E edges.
            predicted = 2 * len(leaves) * edges
        if method == "path enumeration":
            paths = sum(count_paths(root, leaves).values())
            if paths > settings.max_paths:
                skip = f"skipped: {paths} paths, more than max_paths={settings.max_paths}"
        if not skip and predicted is not None and predicted > budget:
            skip = (f"skipped: about {predicted:.2g} work predicted, over this run's budget "
                    f"of {budget:.2g}")
        if skip:
            rows.append(row(method, None, None, (None, None, 0), None, skip))
        else:
            call = {
                "per-edge chain rule": lambda: naive_gradients(root, leaves),
                "path enumeration": lambda: path_gradients(root, leaves, settings.max_paths),
                "finite differences": lambda: finite_difference_gradients(problem.build, leaves),
            }[method]
            result, *timing = time_call(call, settings.batch_seconds, settings.repeats)
            work = result.products if method != "finite differences" else result.visits * edges
            rows.append(row(method, result, work, tuple(timing),
                            max_difference(result, reference)))
        progress.update()
    for r in rows:
        history[r.method].append(r)
    return rows


def problems(settings: Settings) -> list[Problem]:
    """Every graph of the run, smallest first within each family."""
    return ([chain(t) for t in settings.chain_lengths]
            + [mlp(width, depth) for width, depth in settings.mlp_shapes]
            + [diamonds(n) for n in settings.diamond_levels])


# --- the run ---------------------------------------------------------------------


def run_complexity(quick: bool = False, out_dir: Path | str | None = None,
                   quiet: bool = False, plot: bool = True, stream: TextIO | None = None,
                   settings: Settings | None = None) -> ComplexityResults:
    """Measure, fit, and (when ``out_dir`` is given) write CSV, JSON and PNG.

    ``quick`` picks ``QUICK`` over ``FULL`` unless ``settings`` are given;
    ``quiet`` hides the progress bar; ``stream`` receives it (default stderr).
    """
    if settings is None:
        settings = QUICK if quick else FULL
    started = time.perf_counter()
    graphs = problems(settings)
    history: dict[str, list[Row]] = {method: [] for method in METHODS}
    rows: list[Row] = []
    with Progress(len(graphs) * len(METHODS), f"complexity ({settings.name})",
                  quiet=quiet, stream=stream) as progress:
        for problem in graphs:
            rows += measure_problem(problem, settings, history, progress)
    fits = fit_rows(rows)
    results = ComplexityResults(settings, rows, fits, explain_fits(rows, fits), {},
                                time.perf_counter() - started)
    if out_dir is not None:
        results.files = write_outputs(results, Path(out_dir), plot=plot)
    return results


def demo_section(out_dir: Path) -> None:
    """For ``sweepgrad demo``: the quick benchmark's table, slopes and plot."""
    print("== Complexity: the sweep against the naive methods (quick run)")
    results = run_complexity(quick=True, out_dir=Path(out_dir), quiet=True)
    print(results.table())
    print(f"plot: {results.files['png']}")


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, a few seconds")
    parser.add_argument("--out", default="out", help="folder for CSV, JSON and PNG")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    results = run_complexity(quick=args.quick, out_dir=args.out, quiet=args.quiet)
    print(results.table())
    for kind, path in results.files.items():
        print(f"{kind}: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
