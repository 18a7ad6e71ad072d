"""The ``sweepgrad`` command: ``demo``, ``draw``, ``bench``, ``train``, ``check``,
``grade`` and ``exercises``.

Each subcommand lives in its own module under ``engine/app/commands`` and
registers itself with ``register(subparsers)``; heavy imports (matplotlib,
``nn``) happen inside the commands, so ``sweepgrad --help`` stays instant.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from engine import __version__
from engine.extras import MissingExtra

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
    parser.add_argument("--version", action="version", version=f"sweepgrad {__version__}")
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
    """Run one command; bad input is one line on stderr and exit code 2, never a traceback.

    ``SWEEPGRAD_DEBUG=1`` shows the traceback of an unexpected error.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except KeyboardInterrupt:
        print(f"sweepgrad {args.command}: interrupted", file=sys.stderr)
        return 130
    except (ValueError, TypeError, RuntimeError, OSError, ArithmeticError, MissingExtra) as error:
        print(f"sweepgrad {args.command}: {error}", file=sys.stderr)
        return 2
    except Exception as error:  # a bug, most likely: still one line, with a way to see more
        if os.environ.get("SWEEPGRAD_DEBUG"):
            raise
        print(f"sweepgrad {args.command}: unexpected {type(error).__name__}: {error} "
              "(run with SWEEPGRAD_DEBUG=1 to see the traceback)", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
