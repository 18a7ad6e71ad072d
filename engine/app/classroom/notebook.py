"""``check("2.2")`` in a notebook: the checks of one exercise, run on the
functions the notebook defines, and a short report.

``check`` takes the exercise's functions from the caller's namespace (the
notebook's), or from its arguments (``check("2.2", backward)``), shows
which checks pass and, for a failure, what it observed first and then what
the mistake looks like; in Jupyter the hint sits behind a click (an HTML
``<details>``), so a student can try again before reading the fix, and a
terminal gets the same report as plain text. ``score`` returns the points
the exercise earns (by ``registry.points_earned``, as ``sweepgrad grade``
gives them): the hidden test of each exercise in the source notebooks, whose
value nbgrader's autograder takes as the cell's partial credit.
``assert_passes`` raises AssertionError with the report unless every check
passes. ``run_checks`` returns the ``ExerciseResult`` for code of your own.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from engine.app.classroom import checks  # noqa: F401 (registers the course's exercises)
from engine.app.classroom.registry import find, run_exercise
from engine.app.classroom.results import ExerciseResult

_loading = [0]


@contextmanager
def loading() -> Iterator[None]:
    """While a submission loads, its own ``check(...)`` cells do nothing."""
    _loading[0] += 1
    try:
        yield
    finally:
        _loading[0] -= 1


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


class Report:
    """An exercise's report: plain text in a terminal, HTML with folded hints in Jupyter."""

    def __init__(self, result: ExerciseResult) -> None:
        self.result = result

    def __str__(self) -> str:
        return self.result.report()

    __repr__ = __str__

    def _repr_html_(self) -> str:
        return self.result.report_html()


def _show(report: Report) -> None:
    shell = sys.modules.get("IPython")
    get_ipython = getattr(shell, "get_ipython", None)
    if get_ipython is not None and get_ipython() is not None:
        from IPython.display import display

        display(report)
    else:
        print(report)


def check(exercise: str, *functions: Callable[..., Any]) -> None:
    """Show the report of exercise ``exercise`` on this notebook's functions."""
    if _loading[0]:
        return
    _show(Report(run_checks(exercise, _caller_namespace(), *functions)))


def score(exercise: str, *functions: Callable[..., Any]) -> float:
    """The points exercise ``exercise`` earns on this notebook's functions (its value is
    the partial credit nbgrader's autograder gives the cell that ends with it)."""
    if _loading[0]:
        return 0.0
    return run_checks(exercise, _caller_namespace(), *functions).points


def assert_passes(exercise: str, *functions: Callable[..., Any]) -> None:
    """Raise AssertionError with the report unless every check of ``exercise`` passes."""
    if _loading[0]:
        return
    result = run_checks(exercise, _caller_namespace(), *functions)
    if not result.passed:
        raise AssertionError(result.report())
