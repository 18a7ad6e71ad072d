"""``sweepgrad bench``: benchmarks, one subcommand each.

- ``sweepgrad bench complexity [--quick] [--out DIR] [--quiet]``: the sweep
  against the per-edge chain rule, path enumeration and finite differences
  (``engine.app.benchmarks.complexity``);
- ``sweepgrad bench speed [--links N ...] [--distinct-links N] [--points N] [--repeats N]
  [--compile-nodes N]
  [--fit-epochs N] [--no-workloads]``: the dynamic engine (collector running and paused) and
  the compiled replay against the same arithmetic on plain floats, ns and bytes per
  node; a digits step and a tiny-GPT step too (``engine.app.benchmarks.workloads``);
  code against tape (``engine.app.benchmarks.compile_modes``)
  (``engine.app.benchmarks.speed``), then ``nn.fit`` compiled against dynamic
  (``engine.app.benchmarks.fit_speed``);
- ``sweepgrad bench grading [--students N] [--jobs N]``: how long grading a
  class of N submissions of every chapter takes (``engine.app.benchmarks.grading_speed``).
"""

from __future__ import annotations

import argparse
from pathlib import Path


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "bench", help="benchmarks: how the cost of gradients grows with the graph"
    )
    benchmarks = parser.add_subparsers(dest="benchmark", metavar="BENCHMARK", required=True)
    register_complexity(benchmarks)
    register_speed(benchmarks)
    register_grading(benchmarks)


# --- the two benchmarks: their options, then how each runs -----------------------------


def register_complexity(benchmarks: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = benchmarks.add_parser(
        "complexity",
        help="sweep O(E+V) against the naive O(E²) methods: counts, times, slopes, plot",
        description="Count, time and plot the sweep, the per-edge chain rule, path "
        "enumeration and finite differences on growing graphs; fit log-log slopes.",
    )
    parser.add_argument("--quick", action="store_true",
                        help="small sizes, a few seconds (the full run takes a few minutes)")
    parser.add_argument("--out", default="out",
                        help="folder for complexity.csv, .json and .png (default: out)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(run=run_complexity_command)


def register_speed(benchmarks: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = benchmarks.add_parser(
        "speed",
        help="the engine, dynamic and compiled, against plain floats; nn.fit compiled",
        description="Time a tanh chain and a full-batch MLP step on plain floats, on the "
        "dynamic engine with the cycle collector running and paused, and compiled "
        "(engine.compile), side by side; measure bytes per node with tracemalloc; compile an "
        "irregular graph and a chain both as code and as a tape; then a digits step and a "
        "tiny-GPT step the same ways, with seconds per digits epoch and per GPT step; then "
        "time nn.fit on 300 moons with and without compile and check the histories agree.",
    )
    parser.add_argument("--links", type=positive_int, nargs="+", default=[10_000, 100_000],
                        help="links in the chain x <- tanh(x*w + b), one chain per number "
                        "(default: 10000 100000)")
    parser.add_argument("--distinct-links", type=non_negative_int, default=10_000,
                        help="links in the chain x <- tanh(x*w_i + b_i) with a weight and a "
                        "bias per link, every one an input; 0 skips it (default: 10000)")
    parser.add_argument("--points", type=positive_int, default=100,
                        help="two-moons points in the MLP step (default: 100)")
    parser.add_argument("--repeats", type=positive_int, default=5,
                        help="timed runs per figure; the median is shown (default: 5)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument("--compile-nodes", type=non_negative_int, default=100_000,
                        help="nodes of the graphs compiled as code and as a tape, side by "
                        "side; 0 skips it (default: 100000)")
    parser.add_argument("--fit-epochs", type=non_negative_int, default=20,
                        help="epochs of the nn.fit comparison; 0 skips it (default: 20)")
    parser.add_argument("--no-workloads", dest="workloads", action="store_false",
                        help="skip the digits step and the tiny-GPT step")
    parser.set_defaults(run=run_speed_command)


def register_grading(benchmarks: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = benchmarks.add_parser(
        "grading", help="grade a class of generated submissions and time it",
        description="Release the exercises, make N submissions of every chapter (references, "
        "starters, classic mistakes), grade them as `sweepgrad grade` does, in the sandbox and "
        "without it, alternating, and print both times.")
    parser.add_argument("--students", type=positive_int, default=30,
                        help="submissions to grade (default: 30)")
    parser.add_argument("--jobs", type=positive_int, default=None,
                        help="processes at a time (default: one per core)")
    parser.add_argument("--repeats", type=positive_int, default=2,
                        help="runs with the sandbox and without it, alternating (default: 2)")
    parser.set_defaults(run=run_grading_command)


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value


def non_negative_int(text: str) -> int:
    if text.strip() == "0":
        return 0
    return positive_int(text)


def run_complexity_command(args: argparse.Namespace) -> int:
    from engine.app.benchmarks.complexity import run_complexity

    results = run_complexity(quick=args.quick, out_dir=Path(args.out), quiet=args.quiet)
    files = "\n".join(f"{kind}: {path}" for kind, path in results.files.items())
    print(f"{results.table()}\n\n{files}")
    return 0


def run_speed_command(args: argparse.Namespace) -> int:
    from engine.app.benchmarks.fit_speed import fit_report, fit_speedup
    from engine.app.benchmarks.speed import report, run

    print(report(run(links=args.links, points=args.points, repeats=args.repeats,
                     distinct=args.distinct_links or None, quiet=args.quiet)), flush=True)
    if args.workloads:
        from engine.app.benchmarks import workloads

        measured = workloads.run(repeats=args.repeats)
        print()
        print(report(measured))
        print()
        print(workloads.report(measured), flush=True)
    if args.compile_nodes:
        from engine.app.benchmarks import compile_modes

        print()
        print(compile_modes.report(compile_modes.run(args.compile_nodes, repeats=args.repeats)),
              flush=True)
    if args.fit_epochs:
        print()
        print(fit_report(fit_speedup(epochs=args.fit_epochs)))
    return 0


def run_grading_command(args: argparse.Namespace) -> int:
    from engine.app.benchmarks.grading_speed import run

    def measured(isolation: str, seconds: float) -> None:
        way = "in the bubblewrap sandbox" if isolation == "bubblewrap" else "without a sandbox"
        print(f"  one grading {way}: {seconds:.1f} s", flush=True)

    print(run(students=args.students, jobs=args.jobs, repeats=args.repeats, on_run=measured))
    return 0
