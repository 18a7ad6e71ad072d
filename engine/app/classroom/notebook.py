"""``check("2.2")`` in a notebook: the checks of one exercise, run on the
functions the notebook defines, and a short report.

``check`` takes the exercise's functions from the caller's namespace (the
notebook's), or from its arguments (``check("2.2", backward)``), prints
which checks pass and, for a failure, what the mistake looks like, and
returns nothing. ``assert_passes`` does the same but raises AssertionError
with the report when a check fails: the hidden test of each exercise in
the source notebooks, so nbgrader's autograder scores it. ``run_checks``
returns the ``ExerciseResult`` for code of your own.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from typing import Any

from engine.app.classroom import checks  # noqa: F401 (registers the course's exercises)
from engine.app.classroom.loading import is_loading
from engine.app.classroom.registry import find, run_exercise
from engine.app.classroom.results import ExerciseResult


def run_checks(exercise: str, namespace: Mapping[str, Any],
               *functions: Callable[..., Any]) -> ExerciseResult:
    """The result of exercise ``exercise`` on the functions in ``namespace``.

    Functions given positionally replace those of the same name (or, if
    unnamed, the exercise's functions in order).
    """
    ex = find(str(exercise))
    chosen = {name: namespace.get(name) for name in ex.functions}
    for position, function in enumerate(functions):
        if not callable(function):
            raise TypeError(f"check({exercise!r}, ...): argument {position + 2} is "
                            f"{type(function).__name__}, not a function")
        name = getattr(function, "__name__", "")
        if name not in ex.functions:
            if position >= len(ex.functions):
                raise TypeError(f"check({exercise!r}, ...): exercise {exercise} has "
                                f"{len(ex.functions)} function(s): {', '.join(ex.functions)}")
            name = ex.functions[position]
        chosen[name] = function
    return run_exercise(ex, chosen)


def _caller_namespace() -> dict[str, Any]:
    frame = sys._getframe(2)
    return frame.f_globals


def check(exercise: str, *functions: Callable[..., Any]) -> None:
    """Print the report of exercise ``exercise`` on this notebook's functions."""
    if is_loading():
        return
    print(run_checks(exercise, _caller_namespace(), *functions).report())


def assert_passes(exercise: str, *functions: Callable[..., Any]) -> None:
    """Raise AssertionError with the report unless every check of ``exercise`` passes."""
    if is_loading():
        return
    result = run_checks(exercise, _caller_namespace(), *functions)
    if not result.passed:
        raise AssertionError(result.report())
