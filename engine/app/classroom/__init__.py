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
from the source notebooks in ``source/``).
"""

from engine.app.classroom.checks.training import diagnose_batches, diagnose_step
from engine.app.classroom.diagnose import (
    close,
    compare_function,
    deepest_recursion,
    engine_calls,
    refuse_engine,
)
from engine.app.classroom.gradient_diagnosis import (
    compare_gradients,
    explain_gradients,
    gradient_diff,
    reference_gradients,
)
from engine.app.classroom.mistakes import MISTAKES, Mistake
from engine.app.classroom.notebook import assert_passes, check, run_checks, score
from engine.app.classroom.registry import EXERCISES, Exercise, check_of, exercise, select
from engine.app.classroom.results import CheckFailed, CheckResult, ExerciseResult

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
    "reference_gradients",
    "refuse_engine",
    "run_checks",
    "score",
    "select",
]
