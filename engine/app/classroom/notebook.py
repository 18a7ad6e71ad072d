"""``check("2.2")`` in a notebook: the checks of one exercise, run on the
functions the notebook defines, and a short report.

``check`` takes the exercise's functions from the caller's namespace (the
notebook's), or from its arguments (``check("2.2", backward)``), shows
which checks pass and, for a failure, what it observed first and then what
the mistake looks like, and returns nothing: in Jupyter the hint sits behind
a click (an HTML ``<details>``), so a student can try again before reading
the fix; a terminal gets the same report as plain text. Under nbgrader's
autograder or validator (which set ``NBGRADER_EXECUTION``) ``check`` also
returns the points ``sweepgrad grade`` gives: the check cell's value, which
nbgrader takes as the grade cell's partial credit. The source notebooks'
check cells import ``check`` in the cell itself (a student's cell that
rebinds the name cannot stand in for it) and hold no hidden test, so
nbgrader gets back every locked cell as it released it, with no checksum
warning. ``assert_passes`` raises AssertionError with the report when a
check fails. ``graded_points`` gives the points anywhere (for a teacher's
own hidden tests). ``run_checks`` returns the ``ExerciseResult``
for code of your own. Each runs within the grader's time limit per exercise
(``SECONDS``) and ends with one line on a timeout or Ctrl-C.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable, Mapping
from typing import Any, cast

from engine.app.classroom.loading import is_loading
from engine.app.classroom.registry import find, run_exercise
from engine.app.classroom.results import ExerciseResult


def run_checks(exercise: str, namespace: Mapping[str, Any],
               *functions: Callable[..., Any]) -> ExerciseResult:
    """The result of exercise ``exercise`` on the functions in ``namespace``.

    Functions given positionally replace those of the same name (or, if
    unnamed, the exercise's functions in order).
    """
    # The course's exercises register as the checks are imported: only when checks run,
    # so a notebook's `from engine.app.classroom import check` costs the grader's sandbox
    # nothing while the notebook loads (its check cells do nothing then).
    import engine.app.classroom.checks  # noqa: F401, PLC0415
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


SECONDS = 60.0  # per exercise, as ``sweepgrad grade``'s default time limit


class TimeUp(BaseException):
    """The exercise's time limit passed (a BaseException: no check's ``except`` takes it)."""


class Stopped(Exception):
    """The checks did not finish: the time limit, or Ctrl-C. Its message is one line."""


def run_limited(exercise: str, namespace: Mapping[str, Any], *functions: Callable[..., Any],
                seconds: float | None = None) -> ExerciseResult:
    """``run_checks`` within ``seconds`` of wall time; ``Stopped`` past it or on Ctrl-C.

    The checks run here, in the notebook's process, on the notebook's own
    functions (a notebook is the student's own work: ``sweepgrad grade`` is
    where code is sandboxed). The limit is a SIGALRM timer, so it holds where
    signals can be delivered: the main thread, as in a Jupyter kernel.
    """
    seconds = SECONDS if seconds is None else seconds

    def time_up(signum: int, frame: Any) -> None:
        raise TimeUp

    timed = (hasattr(signal, "setitimer") and threading.current_thread()
             is threading.main_thread())
    previous = signal.signal(signal.SIGALRM, time_up) if timed else None
    if timed:
        signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return run_checks(exercise, namespace, *functions)
    except TimeUp:
        raise Stopped(f"check {exercise}: stopped after {seconds:g} s, the time limit per "
                      "exercise (an endless loop, or far too slow?)") from None
    except KeyboardInterrupt:
        raise Stopped(f"check {exercise}: interrupted (Ctrl-C) before the checks "
                      "finished") from None
    finally:
        if timed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)


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
    """``display`` in a Jupyter kernel (HTML and text both), ``print`` anywhere else."""
    shell = sys.modules.get("IPython")
    get_ipython = getattr(shell, "get_ipython", None)
    if get_ipython is not None and get_ipython() is not None:
        from IPython.display import display

        cast(Callable[[object], None], display)(report)  # IPython's display has no hints
    else:
        print(report)


def check(exercise: str, *functions: Callable[..., Any]) -> float | None:
    """Show the report of exercise ``exercise`` on this notebook's functions.

    Past the time limit, or on Ctrl-C, it prints one line saying so. Under
    nbgrader (``NBGRADER_EXECUTION`` set) it returns the exercise's points,
    the cell's value, which nbgrader scores as partial credit.
    """
    graded = bool(os.environ.get("NBGRADER_EXECUTION"))
    if is_loading():
        return 0.0 if graded else None
    try:
        result = run_limited(exercise, _caller_namespace(), *functions)
    except Stopped as stopped:
        print(stopped)
        return 0.0 if graded else None
    _show(Report(result))
    return float(result.points) if graded else None


def assert_passes(exercise: str, *functions: Callable[..., Any]) -> None:
    """Raise AssertionError with the report unless every check of ``exercise`` passes."""
    if is_loading():
        return
    try:
        result = run_limited(exercise, _caller_namespace(), *functions)
    except Stopped as stopped:
        raise AssertionError(str(stopped)) from None
    if not result.passed:
        raise AssertionError(result.report())


def graded_points(exercise: str) -> float:
    """The points ``sweepgrad grade`` gives this notebook's exercise, for a teacher's hidden test.

    nbgrader gives a test cell whose value is a number that many points (its
    partial credit), so a teacher's own hidden test cell imports this inside
    the cell and ends with ``graded_points("2.2")``: a student's cell that
    rebinds a global name cannot stand in for it. (The course's check cells
    need no hidden test: ``check`` returns the same points under nbgrader.)
    The report is printed when a check fails.
    """
    if is_loading():
        return 0.0
    try:
        result = run_limited(exercise, _caller_namespace())
    except Stopped as stopped:
        print(stopped)
        return 0.0
    if not result.passed:
        print(result.report())
    return float(result.points)
