"""The sandbox a student's code runs in (engine.app.classroom.sandbox), looked at
from inside: what it sees, what it may do, and what happens without bwrap."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import engine
from engine.app.classroom.sandbox import Isolation, SandboxUnavailable

ROOT = Path(engine.__file__).resolve().parents[1]


def test_a_missing_bwrap_is_refused_naming_what_to_do():
    with pytest.raises(SandboxUnavailable) as refused:
        Isolation.bubblewrap("/nonexistent/bwrap")
    said = str(refused.value)
    assert "bubblewrap" in said and "apt-get install bubblewrap" in said
    assert "--no-sandbox" in said


try:
    SANDBOX: Isolation | None = Isolation.bubblewrap()
except SandboxUnavailable:
    SANDBOX = None

needs_bwrap = pytest.mark.skipif(SANDBOX is None, reason="bubblewrap cannot run here")

LOOK = """
import json, os, socket, threading
seen = {"uid": os.getuid(), "env": sorted(os.environ), "root": sorted(os.listdir("/")),
        "processes": sorted(p for p in os.listdir("/proc") if p.isdigit()),
        "repository": sorted(os.listdir(REPOSITORY))}
for name, attempt in {
    "fork": lambda: os.fork(),
    "thread": lambda: threading.Thread(target=print).start(),
    "network": lambda: socket.create_connection(("1.1.1.1", 53), timeout=1),
    "write the package": lambda: open(PACKAGE + "/sandbox-was-here", "w"),
    "ctypes": lambda: __import__("ctypes"),
}.items():
    try:
        attempt()
        seen[name] = "done"
    except Exception as error:
        seen[name] = type(error).__name__
print(json.dumps(seen))
"""


@needs_bwrap
def test_inside_the_sandbox_there_is_little_to_see_and_nothing_to_start():
    assert SANDBOX is not None
    code = LOOK.replace("REPOSITORY", repr(str(ROOT))).replace(
        "PACKAGE", repr(str(ROOT / "engine")))
    with SANDBOX.seccomp() as passed:
        run = subprocess.run(SANDBOX.command([sys.executable, "-c", code]), capture_output=True,
                             text=True, timeout=120, pass_fds=passed,
                             env={**os.environ, "SECRET_OF_THE_TEACHER": "x"})
    assert run.returncode == 0, run.stderr
    seen = json.loads(run.stdout)
    assert seen["uid"] == 1000
    assert "SECRET_OF_THE_TEACHER" not in seen["env"] and "HOME" in seen["env"]
    assert len(seen["processes"]) <= 3  # bwrap's init, this process (and its reaper)
    assert "notebooks" not in seen["repository"] and "tests" not in seen["repository"]
    assert {"engine", "nn"} <= set(seen["repository"])
    assert seen["fork"] == "PermissionError" and seen["thread"] == "RuntimeError"
    assert seen["network"] == "OSError" or seen["network"].endswith("Error")
    assert seen["network"] != "done" and seen["write the package"] != "done"
    assert seen["ctypes"] in ("ImportError", "ModuleNotFoundError")
    assert not (ROOT / "engine" / "sandbox-was-here").exists()


def test_every_refused_implementation_is_named_so_the_sandbox_can_remove_it():
    """A reference that named nothing would leave the engine's own code to the student."""
    from engine.app.classroom import checks  # noqa: F401 (registers the course's exercises)
    from engine.app.classroom.codec import resolve_reference
    from engine.app.classroom.registry import in_order
    from engine.app.classroom.worker import unavailable_in

    refused = 0
    for ex in in_order():
        for shown, reference in unavailable_in(ex):
            assert resolve_reference(reference) is not None, (ex.number, shown)
            refused += 1
    assert refused >= 10


def test_a_refused_implementation_without_a_findable_name_is_an_error():
    from engine.app.classroom.worker import reference_to

    def hidden() -> None: ...

    hidden.__module__ = None  # type: ignore[assignment]  # as exec'd code has it
    with pytest.raises(RuntimeError, match="does not name it"):
        reference_to(hidden, "1.3")


def test_the_private_folders_come_before_what_is_bound_inside_them():
    """A checkout under /tmp: the tmpfs on /tmp must not hide its environment and packages."""
    prefix = Isolation("bubblewrap", "/usr/bin/bwrap").prefix()
    tmpfs = [i for i, word in enumerate(prefix) if word == "--tmpfs"]
    binds = [i for i, word in enumerate(prefix) if word == "--ro-bind"]
    assert tmpfs and binds and max(tmpfs) < min(binds)


def test_a_notebooks_check_import_loads_no_check_until_one_runs():
    """A released notebook's first cell imports ``check``: in the grader's sandbox, where the
    notebook's check cells do nothing while it loads, that import must not load every
    chapter's checks (a tenth of a second in each sandbox a notebook is graded in)."""
    code = (
        "import sys\n"
        "from engine.app.classroom import assert_passes, check\n"
        "from engine.app.classroom.loading import loading\n"
        "with loading():\n"
        "    assert check('1.1') is None and assert_passes('1.1') is None\n"
        "print('engine.app.classroom.checks' in sys.modules)\n"
        "def add(a, b):\n"
        "    return (a + b, (1.0, 1.0))\n"
        "from engine.app.classroom import run_checks\n"
        "print(run_checks('1.1', {'add': add}).status)\n"
        "print('engine.app.classroom.checks' in sys.modules)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120)
    assert result.stdout.split() == ["False", "missing", "True"], result.stderr
