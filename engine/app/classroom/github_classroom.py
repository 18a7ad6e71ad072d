"""GitHub Classroom: the autograding workflow of a released assignment.

GitHub Classroom grades a student's repository with a workflow named
``Autograding Tests`` whose one job, ``run-autograding-tests``, runs one
``classroom-resources/autograding-command-grader`` step per test (its
``test-name``, ``command``, ``timeout`` in minutes and ``max-score``; a
zero exit code passes) and then ``classroom-resources/
autograding-grading-reporter``, which reads each test's result from an
environment variable named after the step's id (``<ID>_RESULTS``, in
capitals) and the list of ids in ``runners``.

``workflow_text`` writes that workflow for the exercises: Python and
sweepgrad are installed once, then each exercise is one test running
``sweepgrad check NUMBER FOLDER`` on the student's files (``modules`` or
``notebooks`` of the release), worth the exercise's points.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Sequence

from engine.app.classroom.registry import Exercise

WORKFLOW = ".github/workflows/classroom.yml"
GRADER = "classroom-resources/autograding-command-grader@v1"
REPORTER = "classroom-resources/autograding-grading-reporter@v1"
FOLDERS = ("modules", "notebooks")
TIMEOUT_MINUTES = 5  # sweepgrad check's own limit is 60 s per exercise


def step_id(number: str) -> str:
    """``2.1`` → ``exercise-2-1``: a step id GitHub accepts, unique per exercise."""
    return "exercise-" + re.sub(r"[^A-Za-z0-9]+", "-", number).strip("-").lower()


def _q(text: str) -> str:
    """A YAML scalar in double quotes (a JSON string is one)."""
    return json.dumps(text, ensure_ascii=False)


def workflow_text(exercises: Sequence[Exercise], folder: str, install: str) -> str:
    """The workflow: install, one command-grader test per exercise, the reporter."""
    if folder not in FOLDERS:
        raise ValueError(f"--github-classroom {folder}: choose {' or '.join(FOLDERS)}, the "
                         "folder of the release the students work in")
    ids = [step_id(e.number) for e in exercises]
    if len(set(ids)) != len(ids):
        raise ValueError("two exercises map to one workflow step id: number them apart")
    lines = [
        "# GitHub Classroom's autograding, written by `sweepgrad exercises release",
        f"# --github-classroom`: one test per exercise, `sweepgrad check NUMBER {folder}`.",
        "name: Autograding Tests",
        '"on":',
        "  - push",
        "  - repository_dispatch",
        "permissions:",
        "  checks: write",
        "  actions: read",
        "  contents: read",
        "jobs:",
        "  run-autograding-tests:",
        "    runs-on: ubuntu-latest",
        "    if: github.actor != 'github-classroom[bot]'",
        "    steps:",
        "      - name: Checkout code",
        "        uses: actions/checkout@v4",
        "      - name: Set up Python",
        "        uses: actions/setup-python@v5",
        "        with:",
        '          python-version: "3.11"',
        "      - name: Install sweepgrad",
        f"        run: {_q('python -m pip install ' + shlex.quote(install))}",
    ]
    for ex, identifier in zip(exercises, ids):
        name = f"Exercise {ex.number}: {ex.title}"
        lines += [
            f"      - name: {_q(name)}",
            f"        id: {identifier}",
            f"        uses: {GRADER}",
            "        with:",
            f"          test-name: {_q(name)}",
            f"          command: {_q(f'sweepgrad check {shlex.quote(ex.number)} {folder}')}",
            f"          timeout: {TIMEOUT_MINUTES}",
            f"          max-score: {ex.points:g}",
        ]
    lines += [
        "      - name: Autograding Reporter",
        f"        uses: {REPORTER}",
        "        env:",
        *(f"          {i.upper()}_RESULTS: {_q('${{steps.' + i + '.outputs.result}}')}"
          for i in ids),
        "        with:",
        f"          runners: {','.join(ids)}",
    ]
    return "\n".join(lines) + "\n"
