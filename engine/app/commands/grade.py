"""``sweepgrad grade SUBMISSIONS --out grades.csv``: grade a class.

SUBMISSIONS holds one subfolder (or one notebook) per student. Each student
is graded in processes of their own, with a time limit per exercise and a
memory limit, two students at a time on two cores; a progress bar shows
how far it is. Writes ``grades.csv`` (student, exercise, points,
max_points, status, message), prints a summary per student, and with
``--report grades.html`` (or ``.md``) a readable report; with ``--gradebook
FILE`` a row per student for Canvas or Moodle (``--gradebook-format``,
``--roster``); with ``--gradescope results.json`` Gradescope's results for
the one submission in SUBMISSIONS (what the autograder bundle of
``sweepgrad exercises gradescope`` runs).

The students' code runs in a bubblewrap sandbox (``engine.app.classroom.sandbox``).
Without bubblewrap, or where it cannot make namespaces, grading stops and
says what is missing, unless ``--no-sandbox`` is given; then the terminal and
the report say what a student's code could do. Both say which isolation was
used.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from engine import write_atomically
from engine.app.commands.check import add_exercises_option, add_limit_options, prepare


def run(args: argparse.Namespace) -> int:
    from engine import progress_bar
    from engine.app.classroom.gradebook import check_roster, read_roster, write_gradebook
    from engine.app.classroom.gradescope import results_json
    from engine.app.classroom.grading import grade, students
    from engine.app.classroom.output import summary, write_csv, write_report
    from engine.app.classroom.sandbox import NO_SANDBOX_RISKS, Isolation

    submissions = Path(args.submissions)
    if args.report is not None and Path(args.report).suffix.lower() not in (
            ".html", ".htm", ".md", ".markdown"):
        raise ValueError(f"--report {args.report}: give a .html or .md file")
    if args.jobs is not None and args.jobs < 1:
        raise ValueError(f"--jobs must be at least 1, got {args.jobs}")
    roster = read_roster(args.roster) if args.roster is not None else None
    numbers, limits = prepare(args)
    found = students(submissions)
    if args.no_sandbox:
        isolation = Isolation.none()
        print(f"WARNING: {NO_SANDBOX_RISKS}")
    else:
        isolation = Isolation.bubblewrap()  # SandboxUnavailable says what is missing
    if args.gradescope is not None and len(found) != 1:
        raise ValueError(f"--gradescope: {submissions} holds {len(found)} submissions; "
                         "Gradescope's results are for one")
    if roster is not None:
        check_roster(roster, found)

    def advance(student: str, result: object) -> None:
        bar.set_postfix_str(student, refresh=False)
        bar.update()

    started = time.monotonic()
    with progress_bar(len(found) * len(numbers), "grading", quiet=args.quiet) as bar:
        grades = grade(submissions, numbers, limits, args.extra_checks,  # type: ignore[arg-type]
                       args.jobs, advance, isolation)
    print(summary(grades, isolation.describe()))
    print(f"grades: {write_csv(grades, args.out)}")
    if args.report is not None:
        print(f"report: {write_report(grades, args.report, isolation.describe())}")
    if args.gradebook is not None:
        path = write_gradebook(grades, args.gradebook, args.gradebook_format, roster)
        print(f"gradebook ({args.gradebook_format}): {path}")
    if args.gradescope is not None:
        (results,) = grades.values()
        data = json.dumps(results_json(results, time.monotonic() - started), indent=1) + "\n"
        print(f"gradescope results: {write_atomically(args.gradescope, data)}")
    return 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "grade", help="grade every submission in a folder: grades.csv, a summary, a report",
        description="Grade every student's submission (a subfolder or a notebook each) in "
        "SUBMISSIONS, each in its own process, with time and memory limits.")
    parser.add_argument("submissions", metavar="SUBMISSIONS", help="a folder of submissions")
    parser.add_argument("--out", default="grades.csv", help="the CSV to write (grades.csv)")
    parser.add_argument("--report", default=None, metavar="FILE",
                        help="also write a readable report: grades.html or grades.md")
    parser.add_argument("--gradebook", default=None, metavar="FILE",
                        help="also write a row per student for a gradebook's CSV import")
    parser.add_argument("--gradebook-format", choices=("canvas", "moodle"), default="canvas",
                        help="the gradebook's columns: canvas (default) or moodle")
    parser.add_argument("--roster", default=None, metavar="CSV",
                        help="the students' identities for --gradebook: a 'student' column "
                        "(the submission's name) and columns such as SIS Login ID or Email "
                        "address")
    parser.add_argument("--gradescope", default=None, metavar="RESULTS_JSON",
                        help="also write Gradescope's results.json (SUBMISSIONS holds one)")
    add_exercises_option(parser)
    parser.add_argument("--jobs", type=int, default=None,
                        help=f"students graded at once (default: the cores, {os.cpu_count()})")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument("--no-sandbox", action="store_true",
                        help="run students' code without the bubblewrap sandbox, as your own "
                        "user with your files and network (when bubblewrap cannot run)")
    add_limit_options(parser, 60.0)
    parser.set_defaults(run=run)
