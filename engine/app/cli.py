"""The ``sweepgrad`` command: ``demo``, ``draw``, ``bench``, ``train``, ``check``,
``grade`` and ``exercises``.

Each subcommand lives in its own module under ``engine/app/commands`` and
registers itself with ``register(subparsers)``; heavy imports (matplotlib,
``nn``) happen inside the commands, so ``sweepgrad --help`` stays instant.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

COMMAND_MODULES = (
    "engine.app.commands.demo",
    "engine.app.commands.draw",
    "engine.app.commands.bench",
    "engine.app.commands.train",
    "engine.app.commands.check",
    "engine.app.commands.grade",
    "engine.app.commands.exercises",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sweepgrad",
        description="Scalar computation graphs and the backward sweep, for learning backprop.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name != name:  # a real missing dependency, not a missing command
                raise
            continue
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except (ValueError, TypeError, RuntimeError, OSError) as error:
        # Bad input from the command line is reported, not dumped as a traceback.
        print(f"sweepgrad {args.command}: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
