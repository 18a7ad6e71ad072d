"""Grading a class: every submission in its own process, with limits, in parallel.

``grade(submissions)`` finds one submission per student (a subfolder, or a
notebook or module directly in the folder), and grades each in a fork of a
judge process (``engine.app.classroom.worker``), which imports the checks
once and serves one student after another; the fork runs the exercises one
after another and reports each as it finishes; the
student's code runs apart from it, in a sandbox
(``engine.app.classroom.sandbox``). An exercise that runs past the time
limit is charged as ``timeout``, one during which the student's process
ends (``os._exit``, a crash, a limit) or breaks the protocol as ``error``;
either way the student's remaining exercises go on in a fresh sandbox.
Students are graded ``jobs`` at a time (default: one per core), and the
results come back in the same order whatever the timing:
sorted by student, then exercise.

Nothing is random: the checks use fixed seeds and no example database,
and each submission is judged with ``PYTHONHASHSEED=0`` in a fresh empty
folder, by a fork of a judge that no other submission has touched.
"""

from __future__ import annotations

import json
import os
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from engine.app.classroom import checks  # noqa: F401 (registers the course's exercises)
from engine.app.classroom.registry import find
from engine.app.classroom.results import ExerciseResult
from engine.app.classroom.sandbox import Isolation, compile_packages
from engine.app.classroom.worker import failure

STARTUP_SECONDS = 60.0  # importing numpy, nn and the checks takes well under a second
JUDGE_MARGIN = 60.0  # seconds past an exercise's limit before the judge itself is stopped


@dataclass(frozen=True)
class Limits:
    """Per exercise: seconds of wall time; for the student's process: megabytes of
    address space, processes (threads count), megabytes a file may grow to, open files."""

    seconds: float = 60.0
    memory_mb: int = 2048
    processes: int = 64
    file_mb: int = 16
    open_files: int = 256

    def for_runner(self) -> dict[str, float]:
        return {"seconds": self.seconds, "memory_mb": self.memory_mb,
                "processes": self.processes, "file_mb": self.file_mb,
                "open_files": self.open_files}

    def __post_init__(self) -> None:
        if not self.seconds > 0:
            raise ValueError(f"the time limit must be > 0 seconds, got {self.seconds}")
        if self.memory_mb < 0:
            raise ValueError(f"the memory limit must be >= 0 MB (0: none), got {self.memory_mb}")


def students(submissions: Path) -> dict[str, Path]:
    """Each student's submission in ``submissions``, by name (sorted)."""
    submissions = Path(submissions)
    if not submissions.is_dir():
        raise ValueError(f"{submissions} is not a folder of submissions")
    found: dict[str, Path] = {}
    for entry in sorted(submissions.iterdir()):
        if entry.name.startswith((".", "_")):
            continue
        if entry.is_dir() or entry.suffix in (".ipynb", ".py"):
            name = entry.name if entry.is_dir() else entry.stem
            if name in found:
                raise ValueError(f"two submissions for {name!r}: {found[name].name} and "
                                 f"{entry.name}")
            found[name] = entry
    if not found:
        raise ValueError(f"{submissions} holds no submissions (a folder or notebook per student)")
    return found


class _Worker:
    """One judge process, grading submission after submission, and the lines it has written."""

    def __init__(self, exercises: list[str], limits: Limits, extra_checks: str | None,
                 isolation: Isolation) -> None:
        env = {**os.environ, "PYTHONHASHSEED": "0", "OPENBLAS_NUM_THREADS": "1",
               "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "PYTHONDONTWRITEBYTECODE": "1"}
        root = str(Path(__file__).resolve().parents[3])
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
        self.home = tempfile.mkdtemp(prefix="sweepgrad-judge-")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "engine.app.classroom.worker"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=self.home, env=env,
            start_new_session=True)
        assert self.process.stdin is not None and self.process.stdout is not None
        self.stream = self.process.stdout
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.stream, selectors.EVENT_READ)
        self.buffer = b""
        self.ended = False  # the process closed its end: it is gone, not slow
        self.ready = self._write({"exercises": exercises, "extra_checks": extra_checks,
                                  "limits": limits.for_runner(),
                                  "isolation": {"kind": isolation.kind,
                                                "bwrap": isolation.bwrap}}) \
            and (self.next_message(STARTUP_SECONDS) or {}).get("ready") is True

    def submit(self, path: Path, exercises: list[str], folder: str) -> bool:
        """Hand it a submission to grade in ``folder``; False if it is gone."""
        return self._write({"path": str(path.absolute()), "exercises": exercises,
                            "folder": folder})

    def _write(self, line: dict) -> bool:
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(json.dumps(line).encode() + b"\n")
            self.process.stdin.flush()
        except (BrokenPipeError, ValueError):
            return False
        return True

    def next_message(self, seconds: float) -> dict | None:
        """The next JSON line, or None when the time is up or the process has ended."""
        deadline = time.monotonic() + seconds
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not self.selector.select(left):
                return None
            chunk = os.read(self.stream.fileno(), 65536)
            if not chunk:
                self.ended = True
                return None
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        try:
            message = json.loads(line)
        except ValueError:
            return None
        return message if isinstance(message, dict) else None

    def stop(self) -> int:
        """End the process (and any it started) and return its exit code."""
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        code = self.process.wait()
        self.selector.close()
        self.stream.close()
        if self.process.stdin is not None:
            try:
                self.process.stdin.close()
            except BrokenPipeError:
                pass
        shutil.rmtree(self.home, ignore_errors=True)
        return code


def _ended(code: int, during: str) -> str:
    if code < 0:
        name = signal.Signals(-code).name if -code in signal.valid_signals() else str(-code)
        return f"the process was killed by {name} (a crash, or past the memory limit)"
    return (f"the submission ended the process (exit code {code}), e.g. with os._exit, "
            f"while {during}")


def grade_submission(
    path: Path, exercises: list[str], limits: Limits = Limits(), extra_checks: str | None = None,
    on_result: Callable[[ExerciseResult], None] | None = None,
    isolation: Isolation | None = None,
) -> list[ExerciseResult]:
    """Every exercise of one submission, each within the limits, in the order given."""
    grader = _Grader(exercises, limits, extra_checks, isolation or Isolation.bubblewrap())
    try:
        return grader.grade(path, on_result)
    finally:
        grader.close()


class _Grader:
    """Submissions graded one after another by one judge process, started again after a fault.

    A judge that reported a submission's last result and said it is ready
    again grades the next one (in a fresh fork of itself); one that broke
    off (a time limit, a crash, a line outside the protocol) is ended, and
    the submission's remaining exercises go on in a new one.
    """

    def __init__(self, exercises: list[str], limits: Limits, extra_checks: str | None,
                 isolation: Isolation) -> None:
        self.exercises, self.limits, self.extra_checks = exercises, limits, extra_checks
        self.isolation = isolation
        self.worker: _Worker | None = None
        compile_packages()

    def close(self) -> None:
        if self.worker is not None:
            self.worker.stop()
            self.worker = None

    def grade(self, path: Path, on_result: Callable[[ExerciseResult], None] | None = None
              ) -> list[ExerciseResult]:
        exercises, limits = self.exercises, self.limits
        results: dict[str, ExerciseResult] = {}

        def record(result: ExerciseResult) -> None:
            results[result.exercise] = result
            if on_result:
                on_result(result)

        with tempfile.TemporaryDirectory(prefix="sweepgrad-grade-") as folder:
            while len(results) < len(exercises):
                remaining = [n for n in exercises if n not in results]
                if self.worker is None:
                    self.worker = _Worker(exercises, limits, self.extra_checks, self.isolation)
                worker = self.worker
                if not (worker.ready and worker.submit(path, remaining, folder)):
                    code = worker.stop()
                    self.worker = None
                    for number in remaining:
                        record(failure(number, "error",
                                       f"the checks could not start: {_ended(code, 'starting')}"))
                    break
                current: str | None = None
                loading: str | None = None
                while True:
                    # The judge keeps each exercise's time limit itself and kills the sandbox;
                    # this is the backstop for the judge's own work (the checks).
                    message = worker.next_message(limits.seconds + JUDGE_MARGIN if current
                                                  else STARTUP_SECONDS)
                    if message is None:
                        timed_out = not worker.ended and worker.process.poll() is None
                        code = worker.stop()
                        self.worker = None
                        if current is None:
                            current = next(n for n in exercises if n not in results)
                        # A chapter file that never finishes loading (or ends the process
                        # while it loads) costs every exercise in it, not one time limit each.
                        hit = [current] + ([n for n in remaining if n != current
                                            and find(n).chapter == loading] if loading else [])
                        for number in hit:
                            if timed_out:
                                what = f"loading {loading}" if loading else "the exercise"
                                record(failure(number, "timeout", f"{what} took longer than "
                                               f"{limits.seconds:g} s (the time limit per "
                                               "exercise)"))
                            else:
                                during = f"{loading} was loading" if loading else \
                                    "this exercise was checked"
                                record(failure(number, "error", _ended(code, during)))
                        break
                    if "loading" in message:
                        loading = str(message["loading"])
                    elif "loaded" in message:
                        loading = None
                    elif "start" in message:
                        current = str(message["start"])
                    elif "result" in message:
                        record(ExerciseResult.from_dict(message["result"]))
                        current = None
                    elif message.get("done"):
                        again = worker.next_message(STARTUP_SECONDS)  # its fork has ended
                        if not (again and again.get("ready")):
                            worker.stop()
                            self.worker = None
                        break
        return [results[n] for n in exercises]


def grade(
    submissions: Path, exercises: list[str], limits: Limits = Limits(),
    extra_checks: str | None = None, jobs: int | None = None,
    on_result: Callable[[str, ExerciseResult], None] | None = None,
    isolation: Isolation | None = None,
) -> dict[str, list[ExerciseResult]]:
    """Every student's results, by name, graded ``jobs`` at a time.

    ``isolation`` defaults to the bubblewrap sandbox, and raises
    ``SandboxUnavailable`` when it cannot be had: running students' code
    unconfined is only ever asked for (``Isolation.none()``).
    """
    isolation = isolation or Isolation.bubblewrap()
    found = students(submissions)
    jobs = jobs or os.cpu_count() or 1
    lock = threading.Lock()
    graders: list[_Grader] = []
    local = threading.local()  # each thread's grader: its judge serves one student at a time

    def one(name: str) -> list[ExerciseResult]:
        def report(result: ExerciseResult) -> None:
            if on_result:
                with lock:
                    on_result(name, result)

        grader = getattr(local, "grader", None)
        if grader is None:
            grader = local.grader = _Grader(exercises, limits, extra_checks, isolation)
            with lock:
                graders.append(grader)
        return grader.grade(found[name], report)

    try:
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            graded = list(pool.map(one, found))
    finally:
        for grader in graders:
            grader.close()
    return dict(zip(found, graded))
