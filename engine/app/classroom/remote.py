"""The judge's side of a sandboxed student: calls that look local.

A check is written as if the student's functions were here: ``check(student)``
calls ``student.backward(root)`` and then reads ``root``'s graph. When
grading, ``student`` is a namespace of ``StudentFunction`` proxies. A call:

1. encodes the arguments (``engine.app.classroom.codec``: numbers, strings,
   lists, dicts, graphs of Values as node tables, numpy arrays, objects of a
   known kind such as ``random.Random``, ``nn`` modules or the recording
   model, and the judge's own functions, which the student's code can call
   back);
2. runs the student's function in the sandboxed runner
   (``engine.app.classroom.runner``), within the exercise's deadline, which
   no message from the runner moves;
3. writes what came back into the judge's own objects (the new ``.data`` and
   ``.grad`` of every node sent, the contents of every list and dict sent,
   the state of every object of a known kind) and returns the decoded
   result, or raises the student's exception as a builtin exception of the
   same type (``KeyError``, ``ValueError``…; other types as a
   ``StudentError`` of that name) carrying the student's line.

So checks, references and named-mistake diagnoses run unchanged on the
judge's side and a new check written in the same style needs nothing more.
What a check wants measured inside the student's process (how deep a
function nested, which refused implementation it reached) is asked for with
``measuring()``; those numbers come from the student's process, so checks
use them only to fail a student (``engine.app.classroom.diagnose``).

A runner that runs past the deadline raises ``ExerciseTimeout``; one that
ends, or sends anything outside the schema, raises ``RunnerGone``. Both are
``BaseException``s, so no check catches them: the grader charges the
exercise to that student alone and starts a fresh sandbox for the next.
"""

from __future__ import annotations

import builtins
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from engine.app.classroom import kinds  # noqa: F401 (registers the kinds of objects)
from engine.app.classroom.codec import Session
from engine.app.classroom.framing import Malformed, Reader, send
from engine.app.classroom.plain_values import named_subclass
from engine.app.classroom.sandbox import Isolation

STARTUP_SECONDS = 60.0  # starting a sandbox and importing numpy, engine and nn
MAX_CALLS_BACK = 1_000_000  # calls of the judge's functions during one call


class ExerciseTimeout(BaseException):
    """The exercise's time is up (the sandbox has been or will be killed)."""


class RunnerGone(BaseException):
    """The student's process ended or broke the protocol: the exercise is an error."""


class RunnerEnded(RunnerGone):
    """The student's process ended during a call (the runner can tell how)."""


class Regrade(BaseException):
    """The student's code reached an implementation removed for another exercise of the
    chapter (the sandbox serves them all): grade this one again in a sandbox of its own."""


class StudentError(Exception):
    """An exception the student's code raised whose type is not a builtin one."""

    student_line = ""


def student_error(name: str, message: str) -> StudentError:
    """A ``StudentError`` whose class carries the name of the student's exception type."""
    return named_subclass(StudentError, name, "Exception")(message)


def rebuild(raised: object) -> BaseException:
    """The judge's copy of the exception the student's function raised."""
    if not isinstance(raised, dict):
        raise RunnerGone("the submission's process sent a malformed exception")
    name, message = str(raised.get("type", "Exception"))[:100], str(raised.get("message", ""))
    args = raised.get("args") if isinstance(raised.get("args"), list) else []
    found = getattr(builtins, name, None)
    error: BaseException
    if isinstance(found, type) and issubclass(found, Exception) and found is not MemoryError:
        try:
            error = found(*args) if args else found(message)
        except Exception:
            error = student_error(name, message)
    else:
        error = student_error(name, message)
    error.student_line = str(raised.get("where", ""))[:500]  # type: ignore[attr-defined]
    return error


def _exit_code(raised: dict[str, Any]) -> str:
    args = raised.get("args") or [None]
    return repr(args[0])


# What ends an exercise, not just a check, as the old in-process grader did.
_ENDINGS: dict[str, Callable[[dict[str, Any]], str]] = {
    "SystemExit": lambda r: f"the submission called sys.exit({_exit_code(r)}) during the checks",
    "KeyboardInterrupt": lambda r: "the checks stopped: KeyboardInterrupt",
    "MemoryError": lambda r: "the submission ran out of memory (past the memory limit)",
}


# --- what checks ask to be measured ----------------------------------------------------------


@dataclass
class Measured:
    """Figures from the student's process, gathered over the calls inside ``measuring``."""

    recursion: bool = False
    depth: int = 0
    raised_limit: bool = False
    reached: list[str] = field(default_factory=list)


_ACTIVE: list[Measured] = []


@contextmanager
def measuring(recursion: bool = False) -> Iterator[Measured]:
    """Collect what the runner measures during the calls made inside the block."""
    measured = Measured(recursion)
    _ACTIVE.append(measured)
    try:
        yield measured
    finally:
        _ACTIVE.remove(measured)


def _record(measured: object) -> None:
    if not isinstance(measured, dict):
        raise RunnerGone("the submission's process sent malformed measurements")
    depth, raised, reached = (measured.get("depth"), measured.get("raised_limit"),
                              measured.get("reached"))  # "outside": Exercise.call
    if not (isinstance(depth, int) and isinstance(raised, bool) and isinstance(reached, list)
            and all(isinstance(r, str) and len(r) < 200 for r in reached) and len(reached) < 100):
        raise RunnerGone("the submission's process sent malformed measurements")
    for active in _ACTIVE:
        active.depth = max(active.depth, depth)
        active.raised_limit = active.raised_limit or raised
        active.reached += [r for r in reached if r not in active.reached]


# --- one student's sandbox, one exercise at a time -------------------------------------------


class Exercise:
    """The socket to the runner's child serving one exercise, and its deadline.

    ``shared``: the sandbox also removed implementations this exercise does not
    refuse (those of others of its chapter); reaching one means ``Regrade``.
    """

    def __init__(self, sock: socket.socket, deadline: float, shared: bool = False) -> None:
        self.sock, self.reader, self.deadline = sock, Reader(sock), deadline
        self.shared = shared
        self.functions: list[str] = []
        self.error = ""

    def _check_outside(self, outside: object) -> None:
        if not (isinstance(outside, list) and len(outside) < 100
                and all(isinstance(r, str) and len(r) < 200 for r in outside)):
            raise RunnerGone("the submission's process sent malformed measurements")
        if outside and self.shared:
            raise Regrade()

    def receive(self) -> dict[str, Any]:
        try:
            message = self.reader.next(self.deadline)
        except TimeoutError:
            raise ExerciseTimeout() from None
        except Malformed as error:
            raise RunnerGone(f"the submission's process sent {error}") from None
        except OSError as error:
            raise RunnerGone(f"the submission's process ended ({error.strerror})") from None
        if message is None:
            raise RunnerEnded("the submission's process ended while this exercise was checked")
        return message

    def load(self) -> None:
        message = self.receive()
        loaded = message.get("loaded")
        if not (isinstance(loaded, dict) and isinstance(loaded.get("functions"), list)
                and all(isinstance(f, str) for f in loaded["functions"])
                and isinstance(loaded.get("error"), str)):
            raise RunnerGone("the submission's process did not say what it loaded")
        self._check_outside(loaded.get("outside", []))
        self.functions, self.error = loaded["functions"], loaded["error"][:1000]

    def call(self, name: str, args: tuple, kwargs: dict[str, Any]) -> Any:
        session = Session(+1)
        request = {"call": name, "args": session.encode((tuple(args), dict(kwargs))),
                   "measure": {"recursion": any(m.recursion for m in _ACTIVE)}}
        try:
            send(self.sock, request)
        except OSError as error:
            raise RunnerGone(f"the submission's process ended ({error.strerror})") from None
        calls_back = 0
        while True:
            message = self.receive()
            if "call_judge" not in message:
                break
            calls_back += 1
            if calls_back > MAX_CALLS_BACK:
                raise RunnerGone(f"more than {MAX_CALLS_BACK:,} calls of the checks' functions")
            self._answer(session, message)
        if "refused" in message:
            self._check_outside(message.get("outside", []))
        measured = message.get("measured")
        self._check_outside(measured.get("outside", []) if isinstance(measured, dict) else [])
        if set(message) - {"returned", "raised", "after", "measured"} or \
                ("returned" in message) == ("raised" in message) or "after" not in message:
            raise RunnerGone("the submission's process sent an answer outside the protocol")
        try:
            session.apply_after(message["after"])
            _record(message.get("measured"))
            if "raised" in message:
                raised = rebuild(message["raised"])
                if isinstance(raised, StudentError) and type(raised).__name__ in _ENDINGS:
                    raise RunnerGone(_ENDINGS[type(raised).__name__](message["raised"]))
            else:
                return session.decode(message["returned"])
        except (Malformed, RecursionError) as bad:
            raise RunnerGone(f"the submission's process sent {bad}") from None
        raise raised

    def _answer(self, session: Session, message: dict[str, Any]) -> None:
        """Run a function of the judge's that the student's code called, on plain data."""
        wire = message.get("call_judge")
        function = session.objects.get(wire) if isinstance(wire, int) and wire > 0 else None
        if function is None or not callable(function):
            raise RunnerGone("the submission's process called an unknown function of the checks")
        try:
            args = session.decode(message.get("args"))
        except Malformed as error:
            raise RunnerGone(f"the submission's process sent {error}") from None
        if not isinstance(args, list):
            raise RunnerGone("the submission's process sent malformed arguments")
        try:
            reply: dict[str, Any] = {"judge_returned": session.encode(function(*args))}
        except (Exception, RecursionError) as error:
            reply = {"judge_raised": {"type": type(error).__name__, "message": str(error)[:500]}}
        try:
            send(self.sock, reply)
        except OSError as error:
            raise RunnerGone(f"the submission's process ended ({error.strerror})") from None



class StudentFunction:
    """A student's function as a check sees it: each call runs in the sandbox."""

    def __init__(self, exercise: Exercise, name: str) -> None:
        self.exercise, self.__name__ = exercise, name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        # A profile hook of the judge's (``diagnose.deepest_recursion``) has nothing to see
        # here: the student's calls are measured in the runner; the codec's would only cost.
        hook = sys.getprofile()
        sys.setprofile(None)
        try:
            return self.exercise.call(self.__name__, args, kwargs)
        finally:
            sys.setprofile(hook)

    def __repr__(self) -> str:
        return f"<the submission's {self.__name__}>"


class Sandbox:
    """A student's runner in a sandbox, for one exercise or a run of them.

    A sandbox serves the exercises of one chapter: it removes, before the
    chapter's files run, every implementation any of them refuses (``job["unavailable"]``),
    so no student code in it ever saw one, and tells the runner which ones
    the exercise at hand refuses (``job["refuses"]``). An exercise that
    reaches one removed for another raises ``Regrade`` and is graded again in
    a sandbox that removes exactly what it refuses. Another chapter gets a
    fresh sandbox, and so does the next exercise after a timeout or an error.
    Ending a sandbox kills everything inside it.
    """

    def __init__(self, isolation: Isolation, folder: str) -> None:
        self.isolation, self.folder = isolation, folder
        self.process: subprocess.Popen[Any] | None = None
        self.sock: socket.socket | None = None
        self.reader: Reader | None = None
        self.serves: str = ""  # what the running sandbox was started for

    def exercise(self, job: dict[str, Any], seconds: float) -> Exercise:
        """``job`` in a sandbox; the runner has ``seconds`` from when it is ready."""
        serves = json.dumps([job.get("chapter"), job.get("sources"), job.get("unavailable"),
                             job.get("limits")], sort_keys=True)
        if self.process is None or serves != self.serves or self.sock is None:
            self._start()
            self.serves = serves
            message: dict[str, Any] = job
        else:  # the same chapter, removing the same: its runner answers again
            message = {"exercise": job.get("exercise"), "functions": job.get("functions"),
                       "refuses": job.get("refuses")}
        assert self.sock is not None and self.reader is not None
        shared = {r for _, r in job.get("unavailable", [])} != {r for _, r in
                                                                 job.get("refuses", [])}
        exercise = Exercise(self.sock, time.monotonic() + seconds, shared)
        exercise.reader = self.reader
        try:
            send(self.sock, message)
        except OSError:
            self.stop()
            raise RunnerGone("the sandbox ended before the exercise started") from None
        exercise.load()
        return exercise

    def _start(self) -> None:
        self.stop()
        judge_end, runner_end = socket.socketpair()
        command = self.isolation.command([sys.executable, "-m", "engine.app.classroom.runner"])
        with self.isolation.seccomp() as passed:
            self.process = subprocess.Popen(
                command, stdin=runner_end.fileno(), stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL, cwd=self.folder, pass_fds=passed,
                env=self.isolation.environment(self.folder), start_new_session=True)
        runner_end.close()
        self.sock = judge_end
        # Starting Python and importing the engine is not the student's time.
        starting = Exercise(judge_end, time.monotonic() + STARTUP_SECONDS)
        try:
            ready = starting.receive()
        except (ExerciseTimeout, RunnerGone):
            ready = {}
        if ready.get("ready") is not True:
            self.stop()
            raise RunnerGone("the sandbox did not start")
        self.reader = starting.reader

    def finish(self) -> int | None:
        """End the sandbox; how its runner ended: an exit code, or minus a signal's number
        (None when it had to be killed)."""
        if self.process is None:
            return None
        if self.sock is not None:
            self.sock.close()
            self.sock = None
        try:
            code: int | None = self.process.wait(timeout=5.0)
        except subprocess.TimeoutExpired:
            code = None
        self.stop()
        if code is not None and self.isolation.kind == "bubblewrap" and code > 128:
            code = -(code - 128)  # bwrap reports a command killed by signal N as 128 + N
        return code

    def stop(self) -> None:
        """Kill the sandbox and everything in it."""
        if self.process is not None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            self.process.wait()
            self.process = None
        if self.sock is not None:
            self.sock.close()
            self.sock = None
        self.reader = None
        self.serves = ""
