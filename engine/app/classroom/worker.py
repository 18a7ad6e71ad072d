"""The process that grades one submission: ``python -m engine.app.classroom.worker``.

It reads a job (JSON on stdin: the submission's path, the exercises, the
teacher's extra checks, the memory limit), caps its own address space, and
for each exercise writes ``{"start": "2.1"}`` and then ``{"result": …}`` (with
``{"loading": "graph"}`` and ``{"loaded": "graph"}`` around running a chapter's
file) as JSON lines on a private copy of stdout. The student's prints go to
/dev/null (file descriptors 1 and 2 included), so they cannot garble the
protocol. The parent (``engine.app.classroom.grading``) times each exercise
from its "start" line, and a process that stops answering or ends early is
charged to the exercise it was checking.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from engine.app.classroom.registry import find, run_exercise
from engine.app.classroom.results import ExerciseResult
from engine.app.classroom.submission import Chapter, load_chapter


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


def grade_exercise(path: Path, number: str, chapters: dict[str, Chapter],
                   on_load: Callable[[str, bool], None] | None = None) -> ExerciseResult:
    """One exercise of the submission at ``path``, its chapter loaded once.

    ``on_load(chapter, done)`` is told when loading a chapter starts and ends.
    """
    ex = find(number)
    if ex.chapter not in chapters:
        if on_load:
            on_load(ex.chapter, False)
        chapters[ex.chapter] = load_chapter(path, ex.chapter)
        if on_load:
            on_load(ex.chapter, True)
    chapter = chapters[ex.chapter]
    if not chapter.files:
        where = "" if path.is_file() else f" in {path.name}"
        return ExerciseResult(ex.number, ex.title, "missing", 0.0, ex.points,
                              f"no {ex.chapter}.py or {ex.chapter}.ipynb{where}")
    result = run_exercise(ex, chapter.functions, chapter.files)
    if chapter.error and result.status == "missing":
        result.status, result.message = "error", chapter.error
    return result


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


def _limit_memory(megabytes: int) -> None:
    if megabytes <= 0:
        return
    import resource

    size = megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (size, size))


def main() -> None:
    job = json.loads(sys.stdin.read())
    protocol = os.fdopen(os.dup(1), "w", encoding="utf-8")
    quiet = os.open(os.devnull, os.O_WRONLY)
    os.dup2(quiet, 1)
    os.dup2(quiet, 2)
    sys.stdout = sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    _limit_memory(int(job.get("memory_mb", 0)))
    from engine.app.classroom import checks  # noqa: F401 (registers the exercises)

    load_extra_checks(job.get("extra_checks"))
    _send(protocol, {"ready": True})
    path = Path(job["path"])
    chapters: dict[str, Chapter] = {}
    for number in job["exercises"]:
        _send(protocol, {"start": number})
        try:
            result = grade_exercise(path, number, chapters, lambda chapter, done: _send(
                protocol, {"loaded" if done else "loading": chapter}))
        except SystemExit as stop:
            result = failure(number, "error", f"the submission called sys.exit({stop.code!r}) "
                             "during the checks")
        except MemoryError:
            result = failure(number, "error", f"the submission ran out of memory (the limit "
                             f"is {job.get('memory_mb')} MB)")
        except BaseException as error:  # noqa: B902 e.g. a KeyboardInterrupt raised by hand
            result = failure(number, "error", f"the checks stopped: {type(error).__name__}")
        _send(protocol, {"result": result.to_dict()})
    _send(protocol, {"done": True})
    # Leave at once: a submission's atexit handlers or threads must not hold the process.
    os._exit(0)


if __name__ == "__main__":
    main()
