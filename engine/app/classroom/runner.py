"""The student's side of grading: ``python -m engine.app.classroom.runner``.

It runs inside the sandbox (``engine.app.classroom.sandbox``) and decides
nothing: it runs the student's functions on the inputs the judge sends and
answers with plain data (``engine.app.classroom.codec``). It imports no
check, no reference and no diagnosis.

One runner serves one chapter of one student, in a sandbox of its own. On
its socket (file descriptor 0) it says ``{"ready": true}`` once Python,
``engine`` and the protocol are imported, receives the first exercise, and then:

1. sets the limits (CPU seconds, address space, processes, file size, open
   files) with ``resource``;
2. replaces the engine's implementations any exercise of the chapter asks
   students to write (``unavailable``) with functions that refuse, in every
   module and class that holds them, now or once imported
   (``engine.app.classroom.removal``), and pins the recursion limit;
3. runs the chapter's files (their text, sent by the judge), says which of
   the exercise's functions exist, and answers calls until the judge closes
   the socket; then the judge ends the sandbox and all it holds. The next
   exercise of the chapter is handed to the same runner
   (``{"exercise": …, "functions": […], "refuses": […]}``): each names what
   it refuses itself, and reaching a removed implementation it does not
   refuse is reported (``"outside"``, in ``"loaded"`` and in
   ``"measured"``) so that the judge grades it again in a sandbox of its own.

A call is ``{"call": name, "args": …, "measure": {"recursion": bool}}``; the
answer ``{"returned": …}`` or ``{"raised": {type, args, message, where}}``,
with ``"after"`` (what became of the judge's objects) and ``"measured"``
(recursion depth, whether the limit was raised, which refused
implementations were reached, and which removed ones it does not refuse).
While a student's function runs it may call a function of the judge's:
``{"call_judge": id, "args": …}``, answered by ``{"judge_returned": …}`` or
``{"judge_raised": {type, message}}``.
Measurements come from the student's own process: the judge lets them only
lower a grade.
"""

from __future__ import annotations

import builtins
import os
import resource
import sys
from collections.abc import Callable
from typing import Any

from engine.app.classroom import garbage, kinds  # noqa: F401 (kinds registers the kinds of objects)
from engine.app.classroom.codec import Session
from engine.app.classroom.framing import Malformed, Reader, send
from engine.app.classroom.loading import loading, run_module, run_notebook
from engine.app.classroom.nesting import nesting_profile
from engine.app.classroom.removal import Refusals, make_unavailable

RECURSION_LIMIT = 1000  # Python's default; a student's function cannot raise it here


# --- limits and the removed implementations ----------------------------------------------


def set_limits(limits: dict[str, Any]) -> None:
    """rlimits of this process (and what it starts), before any student code runs."""
    mb = 1024 * 1024
    wanted = {
        resource.RLIMIT_CPU: int(limits.get("cpu_seconds", 0)),
        resource.RLIMIT_AS: int(limits.get("memory_mb", 0)) * mb,
        resource.RLIMIT_NPROC: int(limits.get("processes", 0)),
        resource.RLIMIT_FSIZE: int(limits.get("file_mb", 0)) * mb,
        resource.RLIMIT_NOFILE: int(limits.get("open_files", 0)),
        resource.RLIMIT_CORE: 0,
    }
    for which, value in wanted.items():
        if value or which == resource.RLIMIT_CORE:
            soft, hard = resource.getrlimit(which)
            value = value if hard == resource.RLIM_INFINITY else min(value, hard)
            try:
                resource.setrlimit(which, (value, value))
            except (ValueError, OSError):
                pass  # e.g. the process count of a user outside a sandbox: already above


def pin_recursion_limit(note: list[bool]) -> None:
    """The recursion limit stays Python's default: raising it is noted, not done."""
    sys.setrecursionlimit(RECURSION_LIMIT)

    def setrecursionlimit(limit: int) -> None:
        if limit > RECURSION_LIMIT:
            note[0] = True

    sys.setrecursionlimit = setrecursionlimit


# --- answering calls ---------------------------------------------------------------------


def _where(error: BaseException, files: set[str]) -> str:
    import traceback  # noqa: PLC0415 (only when the student's code raises: a faster start)

    frames = [f for f in traceback.extract_tb(error.__traceback__)
              if f.filename in files or f.filename.split(" cell ")[0] in files]
    if not frames:
        return ""
    last = frames[-1]
    code = f": {last.line.strip()}" if last.line else ""
    return f" (at {last.filename.rsplit('/', 1)[-1]} line {last.lineno}{code})"


def _raised(error: BaseException, files: set[str]) -> dict[str, Any]:
    try:
        message = str(error)[:1000]
    except Exception:
        message = ""
    plain = [a for a in error.args if isinstance(a, (str, int, float)) and not isinstance(
        a, bool)] if isinstance(error.args, tuple) else []
    plain = [a[:1000] if isinstance(a, str) else a for a in plain]
    kind = type(error)
    name = kind.__name__ if getattr(builtins, kind.__name__, None) is kind else (
        "NotImplementedError" if isinstance(error, NotImplementedError) else kind.__name__)
    return {"type": name[:100], "args": plain[:4] if len(plain) == len(error.args) else [],
            "message": message, "where": _where(error, files)[:500]}


class Serving:
    """One chapter's functions in the sandbox, and the socket to the judge.

    The judge may hand it several exercises in turn (those of one chapter
    that refuse the same implementations): each ``{"exercise": …,
    "functions": […]}`` is answered with ``{"loaded": …}``.
    """

    def __init__(self, sock: Channel, reader: Reader, namespace: dict[str, Any],
                 error: str, files: set[str], refusals: Refusals, at_load: set[str],
                 raised_limit: list[bool]) -> None:
        self.sock, self.reader = sock, reader
        self.namespace, self.error, self.files = namespace, error, files
        self.functions: dict[str, Any] = {}
        self.refusals, self.at_load, self.raised_limit = refusals, at_load, raised_limit

    def start(self, job: dict[str, Any]) -> None:
        asked = job.get("functions")
        names = [f for f in asked if isinstance(f, str)] if isinstance(asked, list) else []
        self.functions = {f: self.namespace[f] for f in names if callable(self.namespace.get(f))}
        self.refusals.serve(job.get("refuses"))
        # What the chapter's files reached as they loaded counts for every exercise served.
        outside = sorted(r for r in self.at_load if r not in self.refusals.shown)
        send(self.sock, {"loaded": {"functions": list(self.functions),
                                    "error": self.error[:1000], "outside": outside}})

    def serve(self) -> None:
        while True:
            try:
                message = self.reader.next()
            except Malformed:
                return
            if message is None:
                return
            name = message.get("call")
            if "exercise" in message:
                self.start(message)
            elif isinstance(name, str) and name in self.functions:
                self.answer(name, message)

    def call_judge(self, session: Session, wire: int, args: tuple) -> Any:
        send(self.sock, {"call_judge": wire, "args": session.encode(list(args))})
        reply = self.reader.next()
        if reply is None:
            os._exit(0)
        if "judge_returned" in reply:
            return session.decode(reply["judge_returned"])
        raised = reply.get("judge_raised")
        kind = getattr(builtins, str(raised.get("type")), None) if isinstance(raised, dict) \
            else None
        text = str(raised.get("message", "")) if isinstance(raised, dict) else ""
        if isinstance(kind, type) and issubclass(kind, Exception):
            raise kind(text)
        raise RuntimeError(text)

    def answer(self, name: str, message: dict[str, Any]) -> None:
        session = Session(-1)
        session.call_back = lambda wire, args: self.call_judge(session, wire, args)
        refusals = self.refusals
        refusals.reached.clear()
        refusals.outside.clear()
        try:
            args = session.decode(message.get("args"))
            if not isinstance(args, tuple) or len(args) != 2 or not isinstance(args[1], dict):
                raise Malformed("args must be (positional, keywords)")
        except Malformed as error:
            send(self.sock, {"refused": str(error), "outside": list(refusals.outside)})
            return
        session.remember_nodes()
        asked = message.get("measure")
        measure: dict[str, Any] = asked if isinstance(asked, dict) else {}
        self.raised_limit[0] = False
        depth = [0]
        reply: dict[str, Any] = {}
        try:
            call = _with_depth(self.functions[name], depth) if measure.get("recursion") \
                else self.functions[name]
            result = call(*args[0], **args[1])
            reply["returned"] = session.encode(result)
        except BaseException as error:  # noqa: B902 whatever the student's code raised
            sys.setprofile(None)
            reply = {"raised": _raised(error, self.files)}
        try:
            reply["after"] = session.state_after()
        except Malformed as error:
            reply = {"raised": {"type": "ValueError", "args": [], "where": "",
                                "message": f"the objects after the call cannot be sent: {error}"}}
            reply["after"] = Session.nothing_changed()
        reply["measured"] = {"depth": depth[0], "raised_limit": self.raised_limit[0],
                             "reached": list(refusals.reached),
                             "outside": list(refusals.outside)}
        send(self.sock, reply)


def _with_depth(function: Callable[..., Any], deepest: list[int]) -> Callable[..., Any]:
    """``function`` with the deepest self-nesting of any function noted in ``deepest``."""
    def run(*args: Any, **kwargs: Any) -> Any:
        sys.setprofile(nesting_profile(deepest))
        try:
            return function(*args, **kwargs)
        finally:
            sys.setprofile(None)

    return run


# --- one exercise, in a child ----------------------------------------------------------------


def run_exercise(job: dict[str, Any], sock: Channel, reader: Reader) -> None:
    """Limits, removals, the student's files, then calls until the judge is done."""
    set_limits(job.get("limits", {}))
    refusals = Refusals()
    raised_limit = [False]
    make_unavailable(job.get("unavailable", []), refusals)
    pin_recursion_limit(raised_limit)
    garbage.settle()
    chapter = str(job.get("chapter"))
    sources = job.get("sources", {})
    namespace: dict[str, Any] = {}
    error = ""
    with loading():
        for name, text in sources.items():
            run = run_notebook if name.endswith(".ipynb") else run_module
            defined, failed = run(str(name), str(text), chapter)
            namespace.update(defined)
            error = error or failed
    serving = Serving(sock, reader, namespace, error, set(sources), refusals,
                      set(refusals.touched), raised_limit)
    serving.start(job)
    serving.serve()


class Channel:
    """The runner's end of the judge's socket, by its descriptor.

    Read and written with ``os`` alone: importing ``socket`` would add to
    every sandbox's start, and a stream needs nothing more.
    """

    def __init__(self, descriptor: int) -> None:
        self.descriptor = descriptor

    def fileno(self) -> int:
        return self.descriptor

    def recv(self, size: int) -> bytes:
        return os.read(self.descriptor, size)

    def sendall(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            view = view[os.write(self.descriptor, view):]


def main() -> None:
    control = Channel(os.dup(0))
    quiet = os.open(os.devnull, os.O_RDWR)
    for descriptor in (0, 1, 2):
        os.dup2(quiet, descriptor)
    sys.stdout = sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    send(control, {"ready": True})
    reader = Reader(control)
    try:
        job = reader.next()
    except Malformed:
        job = None
    if job is not None and "exercise" in job:
        run_exercise(job, control, reader)
    os._exit(0)


if __name__ == "__main__":
    main()
