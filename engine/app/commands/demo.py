"""``sweepgrad demo``: the tour that ``make demo`` runs (see ``engine.app.demonstration``)."""

from __future__ import annotations

import argparse
from pathlib import Path


def run(args: argparse.Namespace) -> int:
    from engine.app.demonstration import run_demo

    run_demo(Path(args.out))
    return 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "demo", help="a tour: the lecture's neuron drawn, training on moons, benchmarks"
    )
    parser.add_argument("--out", default="out", help="folder for images and results (default: out)")
    parser.set_defaults(run=run)
