"""Where a student's code runs: a bubblewrap sandbox, or (when asked) none.

``Isolation`` is how the grader starts ``engine.app.classroom.runner``.
With bubblewrap (``bwrap``, Debian package ``bubblewrap``, the sandbox
Flatpak uses) the runner gets new user, PID, network, IPC and UTS
namespaces and a mount namespace that holds only:

- the Python runtime, its virtual environment and the ``engine`` and ``nn``
  packages, read-only (nothing else of the folder they live in, so no
  solution key, even in an editable install), and ``ctypes`` masked;
- ``/usr`` and the system libraries, read-only; a fresh ``/proc`` (only
  the sandbox's processes) and a minimal ``/dev``;
- a private, size-capped ``tmpfs`` as home and working folder, and another
  as ``/tmp``: no teacher file, no home, no other student.

The environment is cleared, the runner is uid 1000 in its namespace, it
dies with the grader (``--die-with-parent``) and sits in a new session
(``--new-session``, so it cannot push keystrokes into the teacher's
terminal), and a seccomp filter refuses it any new process or thread (a
fork bomb gets EPERM). Killing the sandbox's bwrap kills everything inside
it.

``Isolation.none()`` runs the runner as an ordinary process (the same
protocol and rlimits, but the teacher's user, files, environment and
network): ``sweepgrad grade --no-sandbox``, for machines without bubblewrap,
and ``NO_SANDBOX_RISKS`` says what a student can then do.
"""

from __future__ import annotations

import compileall
import importlib.util
import os
import shutil
import struct
import subprocess
import sys
import sysconfig
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import engine
import nn

HOME = "/home/student"
TMPFS_MB = 64  # the student's home: room for a chapter's files and what they write
TMP_MB = 16
BWRAP = "bwrap"  # looked up on PATH; tests point it at a missing program

NO_SANDBOX_RISKS = (
    "graded WITHOUT a sandbox (--no-sandbox): each student's code ran as your user, with your "
    "files, environment variables and network; a submission could read or change other "
    "students' files, the solution key and this folder, and leave processes running. The "
    "checks and the points were still computed outside the student's process.")


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or cannot create namespaces here: says what to do."""


@dataclass(frozen=True)
class Isolation:
    """How the runner is started: ``kind`` is "bubblewrap" or "none"."""

    kind: str
    bwrap: str = ""

    @classmethod
    def none(cls) -> Isolation:
        return cls("none")

    @classmethod
    def bubblewrap(cls, program: str | None = None) -> Isolation:
        """The bubblewrap sandbox, after checking that it starts here."""
        found = shutil.which(program or BWRAP)
        if not found:
            raise SandboxUnavailable(
                f"the sandbox program {program or BWRAP!r} (bubblewrap) is not installed: "
                "install it (Debian/Ubuntu: sudo apt-get install bubblewrap), or grade with "
                "--no-sandbox to run students' code unconfined")
        isolation = cls("bubblewrap", found)
        probe = subprocess.run([*isolation.prefix(), sys.executable, "-c", "pass"],
                               capture_output=True, timeout=60, check=False,
                               env={"PATH": "/usr/bin:/bin"})
        if probe.returncode != 0:
            said = probe.stderr.decode(errors="replace").strip().splitlines()
            raise SandboxUnavailable(
                f"bubblewrap cannot create a sandbox here ({said[-1] if said else 'no reason'}"
                "): it needs Linux user namespaces (sysctl kernel.unprivileged_userns_clone=1, "
                "or user.max_user_namespaces > 0). Fix that, or grade with --no-sandbox to run "
                "students' code unconfined")
        return isolation

    def describe(self) -> str:
        """The line the summary and the report show."""
        if self.kind == "bubblewrap":
            return ("isolation: bubblewrap sandbox (no network, no files but the student's "
                    "own, read-only Python, limits on CPU, memory, processes and disk)")
        return f"isolation: NONE. {NO_SANDBOX_RISKS}"

    def prefix(self) -> list[str]:
        """The bwrap command line up to the program it runs."""
        args = [self.bwrap, "--unshare-user", "--unshare-pid", "--unshare-net", "--unshare-ipc",
                "--unshare-uts", "--unshare-cgroup-try", "--die-with-parent", "--new-session",
                "--clearenv", "--uid", "1000", "--gid", "1000", "--hostname", "sandbox",
                # The private folders first: what is bound after them may lie inside
                # them (a checkout under /tmp keeps its environment and packages there).
                "--proc", "/proc", "--dev", "/dev",
                "--size", str(TMP_MB * 1024 * 1024), "--tmpfs", "/tmp",
                "--size", str(TMPFS_MB * 1024 * 1024), "--tmpfs", HOME]
        for system in ("/usr", "/etc/alternatives", "/etc/ld.so.cache"):
            if os.path.exists(system):
                args += ["--ro-bind", system, system]
        for link in ("/bin", "/lib", "/lib64", "/sbin"):
            if os.path.islink(link):
                args += ["--symlink", os.readlink(link), link]
            elif os.path.isdir(link):
                args += ["--ro-bind", link, link]
        for place in _python_places():
            args += ["--ro-bind", place, place]
        ctypes_library = _ctypes_library()
        if ctypes_library:
            args += ["--ro-bind", "/dev/null", ctypes_library]
        args += ["--chdir", HOME, "--setenv", "HOME", HOME,
                 "--setenv", "PYTHONPATH", os.pathsep.join(_package_roots()),
                 "--setenv", "PYTHONHASHSEED", "0", "--setenv", "PYTHONDONTWRITEBYTECODE", "1",
                 "--setenv", "OPENBLAS_NUM_THREADS", "1", "--setenv", "OMP_NUM_THREADS", "1",
                 "--setenv", "PATH", "/usr/bin:/bin",
                 "--setenv", "LANG", "C.UTF-8"]
        return args

    def command(self, runner: list[str]) -> list[str]:
        """The whole command that starts ``runner`` (a Python command line)."""
        if self.kind != "bubblewrap":
            return runner
        filtered = ["--seccomp", str(SECCOMP_FD)] if no_new_processes() else []
        return [*self.prefix(), *filtered, *runner]

    @contextmanager
    def seccomp(self) -> Iterator[tuple[int, ...]]:
        """While starting the sandbox: the filter on descriptor ``SECCOMP_FD`` (for
        ``pass_fds``), which bwrap reads and applies to the runner."""
        program = no_new_processes() if self.kind == "bubblewrap" else b""
        if not program:
            yield ()
            return
        read, write = os.pipe()
        os.write(write, program)
        os.close(write)
        held = os.dup(SECCOMP_FD) if _is_open(SECCOMP_FD) else None
        os.dup2(read, SECCOMP_FD, inheritable=True)
        os.close(read)
        try:
            yield (SECCOMP_FD,)
        finally:
            if held is None:
                os.close(SECCOMP_FD)
            else:
                os.dup2(held, SECCOMP_FD)
                os.close(held)

    def environment(self, folder: str) -> dict[str, str] | None:
        """The runner's environment: cleared in the sandbox, minimal without it."""
        if self.kind == "bubblewrap":
            return {"PATH": "/usr/bin:/bin"}
        return {"PATH": "/usr/bin:/bin", "HOME": folder, "PYTHONHASHSEED": "0",
                "PYTHONDONTWRITEBYTECODE": "1", "OPENBLAS_NUM_THREADS": "1",
                "OMP_NUM_THREADS": "1", "PYTHONPATH": os.pathsep.join(_package_roots()),
                "LANG": "C.UTF-8"}


# --- no new processes: a seccomp filter ---------------------------------------------------

SECCOMP_FD = 200  # a descriptor number nothing else in the grader uses

# x86_64 and aarch64: (AUDIT_ARCH_*, the system calls that make a process or thread).
_SYSCALLS = {"x86_64": (0xC000003E, (56, 57, 58, 435)),  # clone, fork, vfork, clone3
             "aarch64": (0xC00000B7, (220, 435))}  # clone, clone3


def no_new_processes() -> bytes:
    """A classic BPF seccomp program refusing (EPERM) every way to a new process or thread.

    RLIMIT_NPROC bounds a student's processes only when the grader is not
    root (the kernel exempts uid 0, and a sandbox's uid maps to the
    grader's), so a fork bomb is stopped here instead: the runner needs no
    process or thread, and neither does a solution. System calls of another
    ABI (32-bit, x32) are refused outright. Empty on an architecture not
    listed (the process limit then stands alone).
    """
    found = _SYSCALLS.get(os.uname().machine)
    if found is None:
        return b""
    arch, calls = found
    errno_eperm, allow = 0x00050000 | 1, 0x7FFF0000
    load, jeq, jge, ret = 0x20, 0x15, 0x35, 0x06
    count = len(calls)
    deny = 5 + count + 1  # the index of the last instruction
    program = [(load, 0, 0, 4), (jeq, 1, 0, arch), (ret, 0, 0, errno_eperm), (load, 0, 0, 0),
               (jge, deny - 5, 0, 0x40000000)]
    for index, call in enumerate(calls):
        program.append((jeq, deny - (5 + index) - 1, 0, call))
    program += [(ret, 0, 0, allow), (ret, 0, 0, errno_eperm)]
    return b"".join(struct.pack("<HBBI", *instruction) for instruction in program)


def _is_open(descriptor: int) -> bool:
    try:
        os.fstat(descriptor)
    except OSError:
        return False
    return True


# --- bytecode, written once by the grader ---------------------------------------------------

_COMPILED: list[bool] = []
_COMPILING = threading.Lock()


def compile_packages() -> None:
    """Write the bytecode of ``engine`` and ``nn`` where it is missing or stale, once a process.

    Every sandbox (and every judge) imports both packages, and none can write
    bytecode itself (the packages are read-only there, and the grader sets
    PYTHONDONTWRITEBYTECODE): without it each one compiles the packages from
    source, about half of a sandbox's start. An installed wheel comes with its
    bytecode; a checkout may have none. The grader writes it as the teacher,
    before any student's code runs, into the package's own ``__pycache__``
    (read-only in the sandbox); a folder it cannot write is left as it is.
    """
    with _COMPILING:
        if _COMPILED:
            return
        for place in (Path(p.__file__).resolve().parent for p in (engine, nn) if p.__file__):
            try:
                compileall.compile_dir(place, quiet=2, workers=1)
            except OSError:
                pass  # not ours to write: imports compile in memory, as before
        _COMPILED.append(True)


def _package_roots() -> list[str]:
    """The folders ``engine`` and ``nn`` are imported from."""
    return list(dict.fromkeys(str(Path(p.__file__).resolve().parents[1]) for p in (engine, nn)
                              if p.__file__))


def _python_places() -> list[str]:
    """The runtime, the environment's packages and the two packages themselves, no more.

    Only ``engine/`` and ``nn/`` of the folder they come from are bound: in
    an editable install that folder is the repository, whose other folders
    (the solution key among them) stay out of the sandbox.
    """
    places = {os.path.realpath(sys.base_prefix), os.path.realpath(sys.prefix)}
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        path = sysconfig.get_paths().get(key)
        if path and os.path.exists(path):
            places.add(os.path.realpath(path))
    places |= {str(Path(p.__file__).resolve().parent) for p in (engine, nn) if p.__file__}
    places.add(os.path.dirname(os.path.realpath(sys.executable)))
    # A folder inside another bound folder is already there.
    ordered = sorted(places, key=len)
    return [p for i, p in enumerate(ordered)
            if not any(p.startswith(q.rstrip("/") + "/") for q in ordered[:i])]


def _ctypes_library() -> str:
    """The file of ``_ctypes``, masked in the sandbox: no foreign calls into the interpreter."""
    spec = importlib.util.find_spec("_ctypes")
    origin = spec.origin if spec else None
    return os.path.realpath(origin) if origin and os.path.isfile(origin) else ""
