"""The exercises and their checks, registered by number, and how they run.

``exercise("2.2", "graph", ("backward",), "the backward sweep", points=3)``
declares an exercise: the chapter module that holds it, the functions a
student writes, and its weight in the grades. ``@check_of("2.2", "fan-out")``
adds a check: a function of the student's functions (as attributes of one
object) that returns when the work is right and raises ``CheckFailed``
when it is not. The course's exercises are declared in
``engine.app.classroom.checks``; a teacher's extra checks, or a new
exercise, use the same two calls.

``hint("2.2", ROOT_NOT_SEEDED, "…")`` words the hint of one mistake for one
exercise (a mistake's own hint is the default).

``run_exercise`` turns a student's functions into an ``ExerciseResult``:
every check runs, a stub still raising NotImplementedError reads "not
implemented yet", any other exception is reported with the line of the
student's code it came from, and ``summarise`` gives the points, by the one
policy that ``sweepgrad grade``, ``check()`` and nbgrader's hidden tests
all use:

- every check passed: the exercise's weight;
- the engine's own implementation called: 0;
- otherwise the weight times passed / counted, rounded down to a hundredth,
  where only *scoring* checks count as passed, and counted is the scoring
  checks plus the guards that failed. A check declared ``scores=False`` (a
  guard such as "leaves the point as it was", which a function that does
  nothing passes too) so costs a share when it fails and earns nothing
  when it passes.
"""

from __future__ import annotations

import math
import sys
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import SimpleNamespace

from engine.app.classroom.mistakes import ENGINE_CALL, NOT_IMPLEMENTED, RECURSION, Mistake
from engine.app.classroom.results import CheckFailed, CheckResult, ExerciseResult

Check = Callable[[SimpleNamespace], None]


@dataclass
class Exercise:
    """One exercise: where it lives, what the student writes, what it is worth."""

    number: str
    chapter: str
    functions: tuple[str, ...]
    title: str
    points: float
    checks: list[tuple[str, Check]] = field(default_factory=list)
    guards: set[str] = field(default_factory=set)  # checks that earn no partial credit
    hints: dict[str, str] = field(default_factory=dict)  # mistake key → hint for this exercise

    @property
    def file(self) -> str:
        return f"{self.chapter}.py"


EXERCISES: dict[str, Exercise] = {}


def exercise(
    number: str, chapter: str, functions: tuple[str, ...], title: str, points: float
) -> Exercise:
    """Declare an exercise (again: replace it, keeping its checks)."""
    if not isinstance(number, str) or not number:
        raise TypeError(f"exercise number must be a non-empty str such as '2.2', got {number!r}")
    if not chapter.isidentifier():
        raise ValueError(f"chapter must be a module name such as 'graph', got {chapter!r}")
    if not functions or not all(isinstance(f, str) and f.isidentifier() for f in functions):
        raise ValueError(f"functions must be names of functions, got {functions!r}")
    if points < 0:
        raise ValueError(f"points must be >= 0, got {points}")
    old = EXERCISES.get(number)
    EXERCISES[number] = Exercise(
        number, chapter, tuple(functions), title, float(points), old.checks if old else [],
        old.guards if old else set(), old.hints if old else {},
    )
    return EXERCISES[number]


def _declared(number: str, what: str) -> Exercise:
    if number not in EXERCISES:
        raise ValueError(
            f"{what}: exercise {number!r} is not declared; declare it with "
            f"exercise({number!r}, chapter, functions, title, points) first"
        )
    return EXERCISES[number]


def check_of(number: str, name: str, *, scores: bool = True) -> Callable[[Check], Check]:
    """Decorator: register ``function(student)`` as a check of exercise ``number``.

    ``scores=False`` marks a guard: failing it costs points, passing it earns
    none (a function that does nothing passes it).
    """

    def register(function: Check) -> Check:
        ex = _declared(number, f"check {name!r}")
        ex.checks[:] = [(n, f) for n, f in ex.checks if n != name]  # a re-run replaces
        ex.checks.append((name, function))
        ex.guards.discard(name)
        if not scores:
            ex.guards.add(name)
        return function

    return register


def hint(number: str, mistake: Mistake, text: str) -> None:
    """The hint exercise ``number`` gives for ``mistake`` (instead of the mistake's own)."""
    _declared(number, f"hint for {mistake.key!r}").hints[mistake.key] = text


def find(number: str) -> Exercise:
    """The exercise ``number``, or a ValueError listing those there are."""
    if number not in EXERCISES:
        known = ", ".join(e.number for e in in_order())
        raise ValueError(f"no exercise {number!r}: the exercises are {known}")
    return EXERCISES[number]


def number_key(number: str) -> tuple:
    """Sort "10.1" after "2.3": numeric parts as numbers."""
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in number.split("."))


def in_order() -> list[Exercise]:
    """Every exercise, by number."""
    return sorted(EXERCISES.values(), key=lambda e: number_key(e.number))


def _named_by(ex: Exercise, part: str) -> bool:
    return part in (ex.number, ex.chapter) or ex.number.split(".")[0] == part


def select(choice: str) -> list[Exercise]:
    """``"all"``, a chapter (``"graph"`` or ``"2"``), one exercise (``"2.2"``), or a
    comma-separated list of these (``"graph,ops"``), in number order."""
    if choice == "all":
        return in_order()
    wanted = [part.strip() for part in choice.split(",")]
    for part in wanted:
        if not any(_named_by(e, part) for e in in_order()):
            chapters = ", ".join(dict.fromkeys(e.chapter for e in in_order()))
            raise ValueError(f"no exercise {part!r}: give a number such as 2.2, a chapter "
                             f"({chapters}), a list such as graph,ops, or all")
    return [e for e in in_order() if any(_named_by(e, part) for part in wanted)]


# --- running the checks -----------------------------------------------------------------


def run_exercise(
    ex: Exercise, functions: Mapping[str, object], files: list[str] | None = None
) -> ExerciseResult:
    """Run every check of ``ex`` on the student's ``functions`` (by name)."""
    files = files or []
    absent = [name for name in ex.functions if not callable(functions.get(name))]
    if absent:
        where = " or ".join(files) if files else ex.file
        message = f"{', '.join(absent)} not found in {where}"
        return ExerciseResult(ex.number, ex.title, "missing", 0.0, ex.points, message, files)
    student = SimpleNamespace(**{name: functions[name] for name in ex.functions})
    student_files = {getattr(getattr(f, "__code__", None), "co_filename", "")
                     for f in vars(student).values()}
    results = [_run_check(name, check, student, student_files, ex.hints)
               for name, check in ex.checks]
    return summarise(ex, results, files)


def _run_check(
    name: str, check: Check, student: SimpleNamespace, student_files: set[str],
    hints: Mapping[str, str],
) -> CheckResult:
    limit = sys.getrecursionlimit()
    try:
        check(student)
    except CheckFailed as failed:
        return CheckResult.failure(name, failed, hints)
    except NotImplementedError as error:
        detail = f"it raises NotImplementedError({str(error)!r})" if str(error) else ""
        return CheckResult.failure(name, CheckFailed(detail, NOT_IMPLEMENTED), hints)
    except RecursionError:
        return CheckResult.failure(
            name, CheckFailed("it raised RecursionError: maximum recursion depth exceeded",
                              RECURSION), hints)
    except MemoryError:
        raise
    except Exception as error:  # the student's code raised: say what and where
        where = _student_line(error, student_files)
        return CheckResult.failure(
            name, CheckFailed(f"it raised {type(error).__name__}: {error}{where}"), hints)
    finally:
        if sys.getrecursionlimit() != limit:  # a student's setrecursionlimit stays theirs
            sys.setrecursionlimit(limit)
    return CheckResult(name, True)


def _student_line(error: BaseException, student_files: set[str]) -> str:
    told = getattr(error, "student_line", None)  # where the sandboxed runner saw it raised
    if isinstance(told, str):
        return told
    frames = [f for f in traceback.extract_tb(error.__traceback__)
              if f.filename in student_files]
    if not frames:
        return ""
    last = frames[-1]
    code = f": {last.line.strip()}" if last.line else ""
    return f" (at {_short(last.filename)} line {last.lineno}{code})"


def _short(filename: str) -> str:
    return filename.rsplit("/", 1)[-1]


def points_earned(ex: Exercise, results: list[CheckResult]) -> float:
    """The points policy (see the module's docstring), the one place it is written."""
    failed = [r for r in results if not r.passed]
    if not failed:
        return ex.points
    if any(r.mistake == ENGINE_CALL.key for r in failed):
        return 0.0
    scoring = [r for r in results if r.name not in ex.guards]
    counted = len(scoring) + sum(not r.passed for r in results if r.name in ex.guards)
    if not counted:
        return 0.0
    share = sum(r.passed for r in scoring) / counted
    return math.floor(ex.points * share * 100 + 1e-9) / 100


def summarise(ex: Exercise, results: list[CheckResult], files: list[str]) -> ExerciseResult:
    """Status, points (``points_earned``) and a one-line message from the checks' results."""
    total = len(results)
    passed = sum(r.passed for r in results)
    failed = [r for r in results if not r.passed]
    if not failed:
        return ExerciseResult(ex.number, ex.title, "passed", ex.points, ex.points,
                              f"all {total} checks passed", files, results)
    if all(r.mistake == NOT_IMPLEMENTED.key for r in failed) and passed == 0:
        names = ", ".join(ex.functions)
        message = f"not implemented yet: {names} raises NotImplementedError"
        return ExerciseResult(ex.number, ex.title, "failed", 0.0, ex.points, message, files,
                              results)
    first = failed[0]
    words = f"looks like {first.mistake_name}: " if first.mistake_name else ""
    message = f"{passed}/{total} checks passed; {first.name}: {words}{first.detail}"
    return ExerciseResult(ex.number, ex.title, "failed", points_earned(ex, results),
                          ex.points, " ".join(message.split()), files, results)
