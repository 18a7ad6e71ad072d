"""The complexity benchmark: the sweep's O(E+V) against the naive methods' O(E²),
and reverse mode against forward mode.

The lectures on backpropagation and on the δ recursion argue that computing
each derivative on its own costs O((E+V)²), by the chain rule (1 + 2 + … + T
products on the chain) or by finite differences (a forward pass or two per
weight), while one backward sweep costs O(E+V). Forward mode (dual numbers,
``engine.forward``) takes one pass per input: O(n·E) for n inputs. This
benchmark runs the five methods on growing graphs with one output (the
lecture's chain, the lecture's network, stacked diamonds: many inputs, where
the sweep wins) and on a trajectory (three inputs, one output per step,
where forward mode wins: the sweep takes one pass per output), and records,
for each size and method:

- V, E, leaves, parameters of the graph;
- ``work``: local-derivative products (exact methods), or, for finite
  differences, evaluations of f times E (each evaluation reads every edge
  once, as a product in the sweep does), deterministic counts; on the
  trajectory, the work of the whole Jacobian (the reverse methods once per
  output, forward mode once per input);
- wall time of one gradient (median of repeats, garbage collector off, the
  graph built beforehand except for finite differences, whose evaluations
  are the method);
- the largest difference from the sweep's gradients, relative to the largest
  gradient.

It then fits log-log slopes of work and of time against E+V, writes CSV,
JSON and a PNG plot, and explains where time and work disagree. A method
whose predicted work at a size exceeds the run's budget is skipped there
with a note saying why.

``sweepgrad bench complexity --quick``, or ``run_complexity(quick=True)``
from Python.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from engine import (
    Gradients,
    Value,
    count_paths,
    finite_difference_gradients,
    forward_gradients,
    gc_paused,
    jacobian,
    naive_gradients,
    path_gradients,
    progress_bar,
    sweep_gradients,
    topological_order_of,
)
from engine.app.benchmarks.complexity_report import explain_fits, fit_rows, write_outputs
from engine.app.benchmarks.complexity_results import METHODS, ComplexityResults, Row, Settings
from engine.examples import Problem, chain, diamonds, mlp, trajectory

if TYPE_CHECKING:
    from tqdm import tqdm

QUICK = Settings(
    name="quick",
    chain_lengths=tuple(2**k for k in range(1, 10)),  # 2 … 512
    mlp_shapes=((1, 1), (2, 1), (3, 2), (4, 2), (6, 2), (8, 2), (10, 3)),
    diamond_levels=tuple(range(1, 13)),
    trajectory_lengths=tuple(2**k for k in range(1, 8)),  # 2 … 128
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
    trajectory_lengths=tuple(2**k for k in range(1, 10)),  # 2 … 512
    work_budget=3e7,
    max_paths=300_000,
    batch_seconds=0.02,
    repeats=5,
)


# --- measuring -------------------------------------------------------------------


class Derivatives(dict[Any, float]):
    """What one method computed, keyed by leaf (or by (output, leaf) for a Jacobian),
    with its ``products`` and ``visits``."""

    products: int
    visits: int


def time_call(call: Callable[[], Derivatives], batch_seconds: float, repeats: int
              ) -> tuple[Derivatives, float, float, int]:
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


def max_difference(gradients: Derivatives, reference: Derivatives) -> float:
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
        slope = max(1.0, math.log(last.measured_work / before.measured_work)
                    / math.log(last.graph_size / before.graph_size))
    # A positive base to a real power: a float (typeshed allows a complex).
    estimate: float = last.measured_work * (size / last.graph_size) ** slope
    return estimate


def derivatives(gradients: Gradients | list[Gradients]) -> Derivatives:
    """One method's result as ``Derivatives``; a list holds one ``Gradients`` per output."""
    rows = gradients if isinstance(gradients, list) else [gradients]
    result = Derivatives({(k, w) if len(rows) > 1 else w: g
                          for k, row in enumerate(rows) for w, g in row.items()})
    result.products = sum(row.products for row in rows)
    result.visits = sum(row.visits for row in rows)
    return result


def jacobian_derivatives(outputs: list[Value], leaves: list[Value], mode: str) -> Derivatives:
    """The Jacobian of ``outputs`` by ``engine.jacobian``, as ``Derivatives``."""
    found = jacobian(outputs, leaves, mode=mode)
    result = Derivatives({(k, w): g for k, row in enumerate(found.rows)
                          for w, g in zip(leaves, row, strict=True)})
    result.products, result.visits = found.products, found.visits
    return result


def method_calls(problem: Problem, root: Value, outputs: list[Value], leaves: list[Value],
                 settings: Settings) -> dict[str, Callable[[], Derivatives]]:
    """How each method computes every derivative of the problem's outputs."""
    if len(outputs) == 1:
        return {
            "sweep": lambda: derivatives(sweep_gradients(root, leaves)),
            "per-edge chain rule": lambda: derivatives(naive_gradients(root, leaves)),
            "path enumeration": lambda: derivatives(
                path_gradients(root, leaves, settings.max_paths)),
            "finite differences": lambda: derivatives(
                finite_difference_gradients(problem.build, leaves)),
            "forward mode": lambda: derivatives(forward_gradients(root, leaves)),
        }
    return {  # a Jacobian: the reverse methods row by row, forward mode column by column
        "sweep": lambda: jacobian_derivatives(outputs, leaves, "reverse"),
        "per-edge chain rule": lambda: derivatives(
            [naive_gradients(out, leaves) for out in outputs]),
        "path enumeration": lambda: derivatives(
            [path_gradients(out, leaves, settings.max_paths) for out in outputs]),
        "forward mode": lambda: jacobian_derivatives(outputs, leaves, "forward"),
    }


def measure_problem(problem: Problem, settings: Settings, history: dict[str, list[Row]],
                    progress: tqdm) -> list[Row]:
    """Run the five methods on one graph; ``history`` holds each method's rows so far."""
    leaves = [Value(x) for x in problem.inputs]
    outputs = problem.outputs(*leaves) if problem.outputs is not None else [problem.build(*leaves)]
    root = outputs[-1]
    order = topological_order_of(outputs)
    nodes, edges = len(order), sum(len(node.parents) for node in order)
    graph_size = nodes + edges
    calls = method_calls(problem, root, outputs, leaves, settings)

    def row(method: str, result: Derivatives | None, work: int | None,
            timing: tuple[float | None, float | None, int], difference: float | None,
            note: str = "") -> Row:
        return Row(problem.family, problem.size, nodes, edges, len(leaves), problem.parameters,
                   len(outputs), method, None if result is None else result.products,
                   None if result is None else result.visits, work, *timing, difference, note)

    reference, median, best, batches = time_call(
        calls["sweep"], settings.batch_seconds, settings.repeats)
    rows = [row("sweep", reference, reference.products, (median, best, batches), 0.0)]
    progress.set_postfix_str(f"{problem.family} {problem.size}", refresh=False)
    progress.update()

    budget = settings.work_budget
    for method in METHODS[1:]:
        skip = ""
        done = [r for r in history[method] if r.ran and r.family == problem.family]
        predicted = predicted_work(done, graph_size)
        if method not in calls:
            skip = ("skipped: measured on one-output graphs only (for a Jacobian they would "
                    "take 2 evaluations of every output per input, as forward mode takes a "
                    "pass per input)")
        elif method == "finite differences":
            # Known exactly beforehand: two evaluations per leaf, each reading E edges.
            predicted = 2 * len(leaves) * edges
        elif method == "forward mode":
            # Each pass walks every node, whether or not it multiplies there: n·V visits,
            # known beforehand, and slower than the products on graphs with many inputs.
            predicted = max(predicted or 0.0, len(leaves) * nodes)
        elif method == "path enumeration":
            paths = sum(sum(count_paths(out, leaves).values()) for out in outputs)
            if paths > settings.max_paths:
                skip = f"skipped: {paths} paths, more than max_paths={settings.max_paths}"
        if not skip and predicted is not None and predicted > budget:
            skip = (f"skipped: about {predicted:.2g} work predicted, over this run's budget "
                    f"of {budget:.2g}")
        if skip:
            rows.append(row(method, None, None, (None, None, 0), None, skip))
        else:
            result, median, best, batches = time_call(calls[method], settings.batch_seconds,
                                                      settings.repeats)
            work = result.products if method != "finite differences" else result.visits * edges
            rows.append(row(method, result, work, (median, best, batches),
                            max_difference(result, reference)))
        progress.update()
    for r in rows:
        history[r.method].append(r)
    return rows


def problems(settings: Settings) -> list[Problem]:
    """Every graph of the run, smallest first within each family."""
    return ([chain(t) for t in settings.chain_lengths]
            + [mlp(width, depth) for width, depth in settings.mlp_shapes]
            + [diamonds(n) for n in settings.diamond_levels]
            + [trajectory(m) for m in settings.trajectory_lengths])


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
    with progress_bar(len(graphs) * len(METHODS), f"complexity ({settings.name})",
                      quiet=quiet, stream=stream) as progress:
        for problem in graphs:
            rows += measure_problem(problem, settings, history, progress)
    fits = fit_rows(rows)
    results = ComplexityResults(settings, rows, fits, explain_fits(rows, fits), {},
                                time.perf_counter() - started)
    if out_dir is not None:
        results.files = write_outputs(results, Path(out_dir), plot=plot)
    return results
