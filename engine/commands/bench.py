"""``sweepgrad bench``: benchmarks, one subcommand each.

- ``sweepgrad bench complexity [--quick] [--out DIR] [--quiet]``: the sweep
  against the per-edge chain rule, path enumeration and finite differences
  (``engine.benchmarks.complexity``).
"""

from __future__ import annotations

import argparse
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "bench", help="benchmarks: how the cost of gradients grows with the graph"
    )
    benchmarks = parser.add_subparsers(dest="benchmark", metavar="BENCHMARK", required=True)
    register_complexity(benchmarks)


# --- complexity ----------------------------------------------------------------------


def register_complexity(benchmarks: argparse._SubParsersAction) -> None:
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


def run_complexity_command(args: argparse.Namespace) -> int:
    from engine.benchmarks.complexity import run_complexity

    results = run_complexity(quick=args.quick, out_dir=Path(args.out), quiet=args.quiet)
    print(results.table())
    print()
    for kind, path in results.files.items():
        print(f"{kind}: {path}")
    return 0
