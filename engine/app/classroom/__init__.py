"""Classroom exercises: checks that name the mistake, and grading a class.

Part of the app (it may import ``engine`` and ``nn``; neither imports it).
In a notebook::

    from engine.app.classroom import check
    check("2.2")              # the exercise's functions from this notebook
    check("2.2", backward)    # or given

From a terminal: ``sweepgrad check 2.2 [PATH]``, ``sweepgrad grade
SUBMISSIONS --out grades.csv`` and ``sweepgrad exercises release DIR``.

Modules: ``mistakes`` (the named mistakes), ``results`` (what a check
gives, and its report), ``registry`` (exercises and checks by number, and
how they run), ``diagnose``, ``gradient_diagnosis`` and ``probes``
(reusable pieces for checks),
``checks/`` (the course's exercises, one module per chapter), ``notebook``
(``check`` in a notebook), ``submission`` (reading a student's files),
``worker`` and ``grading`` (one process per student, limits, parallel),
``output`` (grades.csv and the reports), ``release`` (the student version
from the source notebooks in ``notebooks/exercises/source/``); beyond
grades.csv, ``gradebook`` (a row per student for Canvas or Moodle),
``gradescope`` (the autograder bundle and its results.json) and
``github_classroom`` (the autograding workflow).

The package imports its modules when a name is first asked for, so the
sandboxed runner (``runner``, with ``codec`` and the modules it ties together,
``framing``, ``kinds`` and ``loading``) can import its few modules without
the checks, their references and the engine's implementations they hold.
"""

from __future__ import annotations

import importlib
from typing import Any

_HOMES = {
    "diagnose_batches": "checks.training", "diagnose_step": "checks.training",
    "close": "diagnose", "compare_function": "diagnose", "deepest_recursion": "diagnose",
    "engine_calls": "diagnose", "refuse_engine": "diagnose",
    "compare_gradients": "gradient_diagnosis", "explain_gradients": "gradient_diagnosis",
    "gradient_diff": "gradient_diagnosis", "reference_gradients": "gradient_diagnosis",
    "MISTAKES": "mistakes", "Mistake": "mistakes",
    "assert_passes": "notebook", "check": "notebook", "run_checks": "notebook",
    "EXERCISES": "registry", "Exercise": "registry", "check_of": "registry",
    "exercise": "registry", "in_order": "registry", "select": "registry", "hint": "registry",
    "CheckFailed": "results", "CheckResult": "results", "ExerciseResult": "results",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'engine.app.classroom' has no attribute {name!r}")
    if home != "notebook":  # the notebook's helpers register the exercises when they run
        importlib.import_module("engine.app.classroom.checks")  # registers the exercises
    value = getattr(importlib.import_module(f"engine.app.classroom.{home}"), name)
    globals()[name] = value
    return value


__all__ = [
    "EXERCISES",
    "MISTAKES",
    "CheckFailed",
    "CheckResult",
    "Exercise",
    "ExerciseResult",
    "Mistake",
    "assert_passes",
    "check",
    "check_of",
    "close",
    "compare_function",
    "compare_gradients",
    "deepest_recursion",
    "diagnose_batches",
    "diagnose_step",
    "engine_calls",
    "exercise",
    "explain_gradients",
    "gradient_diff",
    "hint",
    "reference_gradients",
    "refuse_engine",
    "run_checks",
    "select",
]
