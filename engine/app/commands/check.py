"""``sweepgrad check EXERCISE [PATH]``: check your own exercises.

    sweepgrad check 2.2              # exercise 2.2 of the chapter files here
    sweepgrad check all work/        # every exercise of the files in work/
    sweepgrad check graph graph.ipynb

PATH is a folder of chapter modules or notebooks (default: the current
folder) or one chapter file; the reference solutions are never checked
unless you point at them. The files checked are always named. Each
exercise runs as in grading: the checks in a judge process, the code in a
sandbox (or, without bubblewrap, in a plain process of its own), under the
same limits. Only regular files are read; a FIFO or a device is refused.
Exit code 0 when every check passes, 1 when one fails, 2 for bad input.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return value


def add_limit_options(parser: argparse.ArgumentParser, default_seconds: float) -> None:
    """--time-limit, --memory-limit, --extra-checks: shared with ``sweepgrad grade``."""
    parser.add_argument("--time-limit", type=positive_float, default=default_seconds,
                        metavar="SECONDS",
                        help=f"per exercise (default: {default_seconds:g})")
    parser.add_argument("--memory-limit", type=int, default=2048, metavar="MB",
                        help="address space per process, in MB; 0 for none (default: 2048)")
    parser.add_argument("--extra-checks", metavar="DIR", default=None,
                        help="a folder of *.py files adding exercises or hidden checks")


def add_exercises_option(parser: argparse.ArgumentParser) -> None:
    """--exercises: shared by ``sweepgrad grade`` and ``sweepgrad exercises gradescope``."""
    parser.add_argument("--exercises", dest="exercise", default="all",
                        help="which exercises: all (default), a chapter, one number, or a "
                        "list such as graph,ops")


def prepare(args: argparse.Namespace) -> tuple[list[str], object]:
    """The chosen exercises' numbers and the limits, after loading any extra checks."""
    from engine.app.classroom import select
    from engine.app.classroom.grading import Limits
    from engine.app.classroom.worker import load_extra_checks

    if args.extra_checks is not None:
        folder = Path(args.extra_checks)
        if not folder.is_dir():
            raise ValueError(f"--extra-checks {folder}: not a folder")
        args.extra_checks = str(folder.resolve())
        load_extra_checks(args.extra_checks)
    chosen = [e.number for e in select(args.exercise)]
    return chosen, Limits(args.time_limit, args.memory_limit)


def run(args: argparse.Namespace) -> int:
    from engine.app.classroom.grading import grade_submission
    from engine.app.classroom.registry import find
    from engine.app.classroom.sandbox import Isolation, SandboxUnavailable
    from engine.app.classroom.submission import chapter_files

    path = Path(args.path)
    if not path.exists():
        raise ValueError(f"{path} does not exist")
    numbers, limits = prepare(args)
    chapters = list(dict.fromkeys(find(n).chapter for n in numbers))
    files = {c: chapter_files(path, c) for c in chapters}
    found = [f for c in chapters for f in files[c]]
    if not found:
        looked = ", ".join(f"{c}.py" for c in chapters)
        raise ValueError(f"no exercise files in {path.resolve()} for {args.exercise}: looked "
                         f"for {looked} (or their .ipynb notebooks)")
    where = path.resolve() if path.is_dir() else path.resolve().parent
    print(f"Checking {', '.join(sorted({f.name for f in found}))} in {where}")
    try:
        isolation = Isolation.bubblewrap()
    except SandboxUnavailable:
        isolation = Isolation.none()  # the student's own code, on the student's own machine
    results = grade_submission(path, numbers, limits, args.extra_checks,  # type: ignore[arg-type]
                               isolation=isolation)
    for result in results:
        print()
        print(result.report())
    passed = sum(r.passed for r in results)
    points = sum(r.points for r in results)
    most = sum(r.max_points for r in results)
    print(f"\n{passed} of {len(results)} exercises passed: {points:g} of {most:g} points")
    return 0 if passed == len(results) else 1


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "check", help="check your exercises: which checks pass, and what a mistake looks like",
        description="Check one exercise (2.2), a chapter (graph) or all of them, in the chapter "
        "modules or notebooks at PATH (default: the current folder).")
    parser.add_argument("exercise", metavar="EXERCISE", help="2.2, a chapter such as graph, or all")
    parser.add_argument("path", metavar="PATH", nargs="?", default=".",
                        help="a folder of chapter files, or one file (default: .)")
    add_limit_options(parser, 60.0)
    parser.set_defaults(run=run)
