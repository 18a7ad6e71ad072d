"""``sweepgrad exercises``: the course's exercises, for teachers.

    sweepgrad exercises list                  # every exercise and its points
    sweepgrad exercises release DIR           # the student version, from the sources
    sweepgrad exercises release DIR --solutions   # the key

The sources are nbgrader-style notebooks, one per chapter
(``notebooks/exercises/source`` in the repository: the key is never in the
installed package); the release holds ``notebooks/`` and ``modules/``.
"""

from __future__ import annotations

import argparse


def run_list(args: argparse.Namespace) -> int:
    from engine import format_table
    from engine.app.classroom import checks  # noqa: F401 (registers the course's exercises)
    from engine.app.classroom.registry import in_order

    rows = [[e.number, e.chapter, ", ".join(e.functions), e.title, f"{e.points:g}",
             len(e.checks)] for e in in_order()]
    print(format_table(["exercise", "file", "functions", "title", "points", "checks"], rows, 4))
    return 0


def run_release(args: argparse.Namespace) -> int:
    from engine.app.classroom.release import SOURCE, release

    written = release(args.dir, solutions=args.solutions, source=args.source or SOURCE,
                      force=args.force)
    kind = "solutions" if args.solutions else "student release"
    print(f"{kind}: {len(written)} files in {args.dir}")
    for path in written:
        print(f"  {path}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("exercises", help="list the exercises; write the release")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="every exercise, its file and its points")
    listing.set_defaults(run=run_list)
    release = actions.add_parser("release", help="write the student version of every chapter")
    release.add_argument("dir", metavar="DIR", help="the folder to write (must be new or empty)")
    release.add_argument("--solutions", action="store_true",
                         help="keep the reference solutions (the teacher's key)")
    release.add_argument("--source", default=None, help="another folder of source notebooks")
    release.add_argument("--force", action="store_true", help="overwrite files in DIR")
    release.set_defaults(run=run_release)
