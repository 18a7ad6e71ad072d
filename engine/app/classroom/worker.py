"""The judge of submissions: ``python -m engine.app.classroom.worker``.

It reads, as JSON lines on stdin, what every submission is graded on (the
exercises, the teacher's extra checks, the limits, the isolation), imports
the checks, says ``{"ready": true}``, and then grades one submission per
line that follows (its path and a fresh folder), each in a fork of its own
(``os.fork``): importing the checks and numpy and finding what each exercise
refuses are done once, not once a student, and each submission still starts
from the same untouched judge, so nothing one student's answers wrote into
the judge's objects can reach the next. The deep chains the checks build
are made there too, before the forks (``recipes.make_ahead``). For each exercise the fork writes
``{"start": "2.1"}`` and then ``{"result": …}``, and ``{"done": true}`` at
the end, on a private copy of stdout, for the parent
(``engine.app.classroom.grading``). A fork that ends any other way ends
the judge, the same way, so the parent sees what it would have seen.

The judge holds the checks, the references, the diagnoses and the points,
and never runs a line of the student's code: it reads the chapter's files
(regular files only, bounded, no symbolic link followed) and hands their
text to the student's runner in its sandbox (``engine.app.classroom.remote``
and ``runner``), one exercise at a time, a sandbox a chapter, with every
implementation an exercise of the chapter refuses made unavailable there
(an exercise that reaches one only another refuses is graded again in a
sandbox that removes exactly its own). The student's functions are
called through proxies, within a deadline per exercise that the judge alone
keeps; past it, or when the runner breaks the protocol or ends, the sandbox
is killed, the exercise charged, and a fresh sandbox serves the next one.
A chapter that never finishes loading costs its exercises one time limit.
"""

from __future__ import annotations

import importlib.util
import json
import math
import os
import signal
import sys
from pathlib import Path
from typing import Any, TextIO

from engine.app.classroom import garbage, recipes
from engine.app.classroom.codec import resolve_reference
from engine.app.classroom.diagnose import refused_by
from engine.app.classroom.framing import Malformed
from engine.app.classroom.registry import Exercise, find, run_exercise
from engine.app.classroom.remote import (
    ExerciseTimeout,
    Regrade,
    RunnerEnded,
    RunnerGone,
    Sandbox,
    StudentFunction,
)
from engine.app.classroom.results import ExerciseResult
from engine.app.classroom.sandbox import Isolation
from engine.app.classroom.submission import chapter_sources


def load_extra_checks(folder: str | None) -> None:
    """Import every ``*.py`` of ``folder`` (a teacher's exercises and checks), by name."""
    if not folder:
        return
    for path in sorted(Path(folder).glob("*.py")):
        name = f"sweepgrad_extra_checks_{path.stem}"
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:
            raise ValueError(f"{path}: cannot be imported")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)


class Judge:
    """One student's exercises, judged here, their code run in a sandbox a chapter."""

    def __init__(self, path: Path, isolation: Isolation, limits: dict[str, Any],
                 folder: str, exercises: list[str] | None = None) -> None:
        self.path, self.limits = path, limits
        self.seconds = float(limits.get("seconds", 60.0))
        self.sandbox = Sandbox(isolation, folder)
        self.hung: dict[str, str] = {}  # chapter -> why: a file that never finished loading
        self.exercises = list(exercises or [])  # all it grades: a chapter's share a sandbox

    def grade(self, number: str) -> ExerciseResult:
        try:
            return self._grade(number, shared=True)
        except Regrade:
            self.sandbox.stop()
            return self._grade(number, shared=False)

    def _grade(self, number: str, shared: bool) -> ExerciseResult:
        ex = find(number)
        sources, refused = chapter_sources(self.path, ex.chapter)
        files = list(sources)
        if refused:
            return ExerciseResult(ex.number, ex.title, "error", 0.0, ex.points, refused, files)
        if not sources:
            where = "" if self.path.is_file() else f" in {self.path.name}"
            return ExerciseResult(ex.number, ex.title, "missing", 0.0, ex.points,
                                  f"no {ex.chapter}.py or {ex.chapter}.ipynb{where}")
        if ex.chapter in self.hung:
            return ExerciseResult(ex.number, ex.title, "timeout", 0.0, ex.points,
                                  self.hung[ex.chapter], files)
        refuses = unavailable_in(ex)
        served = shared and number in self.exercises
        chapter = [e for e in map(find, self.exercises) if e.chapter == ex.chapter]
        together = chapter if served else []
        removed = removed_for(together) if together else refuses
        # The CPU limit backs up the wall-clock one, which bounds each exercise served.
        cpu = (math.ceil(self.seconds) + 1) * max(1, len(together))
        job = {"exercise": ex.number, "chapter": ex.chapter, "sources": sources,
               "functions": list(ex.functions), "unavailable": removed, "refuses": refuses,
               "limits": {**self.limits, "cpu_seconds": cpu}}
        exercise = None
        try:
            exercise = self.sandbox.exercise(job, self.seconds)
            functions = {name: StudentFunction(exercise, name) for name in exercise.functions}
            result = run_exercise(ex, functions, files)
            if exercise.error and result.status == "missing":
                result.status, result.message = "error", exercise.error
        except ExerciseTimeout:
            self.sandbox.stop()
            if exercise is None:
                why = (f"loading {ex.chapter} took longer than {self.seconds:g} s (the time "
                       "limit per exercise)")
                self.hung[ex.chapter] = why
            else:
                why = f"the exercise took longer than {self.seconds:g} s (the time limit per " \
                      "exercise)"
            return ExerciseResult(ex.number, ex.title, "timeout", 0.0, ex.points, why, files)
        except RunnerEnded:
            code = self.sandbox.finish()
            return ExerciseResult(ex.number, ex.title, "error", 0.0, ex.points, _ended(code),
                                  files)
        except RunnerGone as gone:
            self.sandbox.stop()
            return ExerciseResult(ex.number, ex.title, "error", 0.0, ex.points, str(gone), files)
        return result

    def close(self) -> None:
        self.sandbox.stop()


def _ended(code: int | None) -> str:
    if code is None:
        return "the submission's process ended while this exercise was checked"
    if code < 0:
        name = signal.Signals(-code).name if -code in signal.valid_signals() else str(-code)
        return f"the process was killed by {name} (a crash, or past a limit)"
    return (f"the submission ended the process (exit code {code}), e.g. with os._exit, "
            "while this exercise was checked")


_UNAVAILABLE: dict[str, list[list[str]]] = {}


def unavailable_in(ex: Exercise) -> list[list[str]]:
    """``[shown name, "module:qualname"]`` of each implementation ``ex``'s checks refuse."""
    if ex.number not in _UNAVAILABLE:
        found = refused_by([check for _, check in ex.checks], ex.functions)
        _UNAVAILABLE[ex.number] = [[shown, reference_to(f, ex.number)]
                                   for shown, f in found.items()]
    return _UNAVAILABLE[ex.number]


def removed_for(exercises: list[Exercise]) -> list[list[str]]:
    """What a sandbox serving ``exercises`` (one chapter's) removes: all any of them refuses."""
    removed: dict[str, str] = {}
    for ex in exercises:
        for shown, reference in unavailable_in(ex):
            removed.setdefault(reference, shown)
    return [[shown, reference] for reference, shown in removed.items()]


def reference_to(function: object, number: str) -> str:
    """``"module:qualname"`` of a refused implementation, checked to find it again.

    The sandbox removes what the reference names: one that named nothing
    would leave the implementation there for the student, so it is an error.
    """
    reference = f"{getattr(function, '__module__', '')}:{getattr(function, '__qualname__', '')}"
    try:
        found = resolve_reference(reference)
    except Malformed as error:
        found = error
    if found is not function:
        raise RuntimeError(f"exercise {number} refuses {function!r}, but {reference!r} does not "
                           "name it: give it a __module__ and __qualname__ that lead to it")
    return reference


def failure(number: str, status: str, message: str, files: list[str] | None = None
            ) -> ExerciseResult:
    """An exercise that could not be checked (error or timeout): no points."""
    try:
        ex = find(number)
        title, points = ex.title, ex.points
    except ValueError:
        title, points = "", 0.0
    return ExerciseResult(number, title, status, 0.0, points, message, files or [])


def _send(protocol: TextIO, message: dict[str, Any]) -> None:
    protocol.write(json.dumps(message) + "\n")
    protocol.flush()


def main() -> None:
    lines = os.fdopen(os.dup(0), "rb")
    protocol = os.fdopen(os.dup(1), "w", encoding="utf-8")
    quiet = os.open(os.devnull, os.O_RDWR)
    for descriptor in (0, 1, 2):
        os.dup2(quiet, descriptor)
    sys.stdout = sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    from engine.app.classroom import checks  # noqa: F401 (registers the exercises)

    setup = json.loads(lines.readline())
    load_extra_checks(setup.get("extra_checks"))
    for number in setup["exercises"]:  # found once here, not in every fork
        try:
            unavailable_in(find(number))
        except Exception:  # noqa: BLE001 (said again, as that exercise's error, when graded)
            pass
    recipes.make_ahead(setup["exercises"])  # the deep chains, made once for every fork
    garbage.settle()
    _send(protocol, {"ready": True})
    for line in lines:
        job = {**setup, **json.loads(line)}
        child = os.fork()
        if child == 0:
            try:
                _grade_submission(job, protocol)
            finally:
                os._exit(1)  # whatever happened, a fork never goes back to the loop
        _, status = os.waitpid(child, 0)
        if status:  # the fork crashed or was killed: end as it did, for the parent to see
            if os.WIFSIGNALED(status):
                os.kill(os.getpid(), os.WTERMSIG(status))
            os._exit(os.waitstatus_to_exitcode(status) or 1)
        _send(protocol, {"ready": True})  # the fork is gone: ready for the next submission
    os._exit(0)


def _grade_submission(job: dict[str, Any], protocol: TextIO) -> None:
    """In the fork: every exercise of one submission, reported as it ends."""
    os.chdir(job["folder"])
    isolation = Isolation(**job["isolation"])
    judge = Judge(Path(job["path"]), isolation, job["limits"], job["folder"], job["exercises"])
    try:
        for number in job["exercises"]:
            _send(protocol, {"start": number})
            try:
                result = judge.grade(number)
            except MemoryError:
                result = failure(number, "error", "the checks ran out of memory")
            _send(protocol, {"result": result.to_dict()})
    finally:
        judge.close()
    _send(protocol, {"done": True})
    os._exit(0)


if __name__ == "__main__":
    main()
