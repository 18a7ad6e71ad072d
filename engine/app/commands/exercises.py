"""``sweepgrad exercises``: the course's exercises, for teachers.

    sweepgrad exercises list                  # every exercise and its points
    sweepgrad exercises release DIR           # the student version, from the sources
    sweepgrad exercises release DIR --solutions   # the key
    sweepgrad exercises release DIR --github-classroom   # with its autograding workflow
    sweepgrad exercises gradescope autograder.zip      # Gradescope's autograder

The sources are nbgrader-style notebooks, one per chapter
(``notebooks/exercises/source`` in the repository: the key is never in the
installed package); the release holds ``notebooks/`` and ``modules/``.
"""

from __future__ import annotations

import argparse

from engine.app.commands.check import add_exercises_option


def run_list(args: argparse.Namespace) -> int:
    from engine import format_table
    from engine.app.classroom import in_order  # the package registers the exercises

    rows = [[e.number, e.chapter, ", ".join(e.functions), e.title, f"{e.points:g}",
             len(e.checks)] for e in in_order()]
    print(format_table(["exercise", "file", "functions", "title", "points", "checks"], rows, 4))
    return 0


def run_release(args: argparse.Namespace) -> int:
    from engine.app.classroom.release import SOURCE, release

    if args.install is not None and args.github_classroom is None:
        raise ValueError("--install is the workflow's install step: give --github-classroom too")
    written = release(args.dir, solutions=args.solutions, source=args.source or SOURCE,
                      force=args.force, github_classroom=args.github_classroom,
                      install=args.install or default_install())
    kind = "solutions" if args.solutions else "student release"
    print(f"{kind}: {len(written)} files in {args.dir}")
    for path in written:
        print(f"  {path}")
    return 0


def default_install() -> str:
    """What the workflow installs: this version of sweepgrad, from PyPI."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"sweepgrad=={version('sweepgrad')}"
    except PackageNotFoundError:
        return "sweepgrad"


def run_gradescope(args: argparse.Namespace) -> int:
    from engine.app.classroom.gradescope import bundle

    names = bundle(args.out, args.exercise, args.wheel, args.folder or "", not args.no_sandbox)
    print(f"Gradescope autograder: {args.out} ({', '.join(names)}), grading {args.exercise}")
    return 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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
    release.add_argument("--github-classroom", nargs="?", const="modules", default=None,
                         choices=("modules", "notebooks"), metavar="FOLDER",
                         help="add GitHub Classroom's autograding workflow, checking the "
                         "students' modules (default) or notebooks")
    release.add_argument("--install", default=None, metavar="REQUIREMENT",
                         help="what the workflow pip-installs (default: this sweepgrad from "
                         "PyPI), e.g. git+https://github.com/ORG/sweepgrad@v0.1.0")
    release.set_defaults(run=run_release)
    gradescope = actions.add_parser(
        "gradescope", help="write Gradescope's autograder bundle (a .zip)",
        description="Write the zip to upload as a Gradescope programming assignment's "
        "autograder: setup.sh, run_autograder and sweepgrad's wheel.")
    gradescope.add_argument("out", metavar="OUT.zip", help="the zip to write")
    add_exercises_option(gradescope)
    gradescope.add_argument("--wheel", default=None, metavar="WHL",
                            help="a sweepgrad wheel to put in (default: built from this "
                            "source checkout, or packed from the installed sweepgrad)")
    gradescope.add_argument("--folder", default=None, choices=("modules", "notebooks"),
                            help="grade this folder of a submission that has one (a "
                            "repository made from the release); else the top of it")
    gradescope.add_argument("--no-sandbox", action="store_true",
                            help="grade without the bubblewrap sandbox, for an image where it "
                            "cannot run (a submission could then forge its own results)")
    gradescope.set_defaults(run=run_gradescope)
