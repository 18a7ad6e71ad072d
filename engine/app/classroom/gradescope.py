"""Gradescope: the autograder bundle, and the ``results.json`` it writes.

Gradescope builds an image from a zip holding ``setup.sh`` (run once, as
root, on its Ubuntu image) and ``run_autograder`` (run for each submission,
with the student's files in ``/autograder/submission``); the score and the
feedback are read from ``/autograder/results/results.json``. ``bundle``
writes that zip: ``setup.sh`` installs Python, pip, bubblewrap and
sweepgrad from the wheel in the bundle; ``run_autograder`` grades the
submission with ``sweepgrad grade`` and its ``--gradescope`` file, so the
verdict is written by the grader after the student's code has run in the
bubblewrap sandbox (where it cannot see ``/autograder``, and every process
it starts ends with it), never by the student's code. ``SWEEPGRAD_AUTOGRADER_ROOT``
stands for ``/autograder`` (to try the bundle in a folder of one's own).

``results_json`` follows Gradescope's documented format: a total ``score``,
``execution_time`` in seconds, an ``output`` for the whole submission,
``stdout_visibility`` (the grader's log stays with the teacher), and one
entry of ``tests`` per exercise with its ``name``, ``number``, ``score``,
``max_score``, ``status``, ``visibility`` and the named-mistake report as
its ``output``.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata
import io
import shlex
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path

from engine import write_atomically
from engine.app.classroom.results import ExerciseResult

VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")


def results_json(results: Sequence[ExerciseResult], seconds: float) -> dict:
    """Gradescope's results for one submission's exercises."""
    tests = [{
        "name": f"Exercise {r.exercise}: {r.title}",
        "number": r.exercise,
        "score": r.points,
        "max_score": r.max_points,
        "status": "passed" if r.passed else "failed",
        "output": r.report(),
        "output_format": "text",
        "visibility": "visible",
    } for r in results]
    points = sum(r.points for r in results)
    most = sum(r.max_points for r in results)
    passed = sum(r.passed for r in results)
    return {
        "score": points,
        "execution_time": round(seconds),
        "output": f"{passed} of {len(results)} exercises passed: {points:g} of {most:g} points.",
        "stdout_visibility": "hidden",
        "tests": tests,
    }


# --- the bundle -------------------------------------------------------------------------

SETUP = """#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image:
# Python, pip, bubblewrap (the grader's sandbox) and sweepgrad from the wheel
# beside this script, in a virtual environment of its own.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y python3 python3-pip python3-venv bubblewrap
python3 -m venv /opt/sweepgrad
/opt/sweepgrad/bin/python -m pip install --upgrade pip
/opt/sweepgrad/bin/python -m pip install "$here"/{wheel}
ln -sf /opt/sweepgrad/bin/sweepgrad /usr/local/bin/sweepgrad
sweepgrad exercises list
"""

RUN = """#!/usr/bin/env bash
# Gradescope runs this for each submission. sweepgrad grades the student's
# files (each exercise in processes of their own, with limits) and then
# writes results/results.json itself: the student's code never writes it.
set -u
root="${{SWEEPGRAD_AUTOGRADER_ROOT:-/autograder}}"
results="$root/results/results.json"
mkdir -p "$root/results"
rm -f "$results"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir "$work/submissions"
# The student's files: the folder named here (modules or notebooks) when the
# submission has it (a repository submitted from GitHub holds the whole
# release), else the top of the submission.
submission="$root/submission"
folder={folder}
if [ -n "$folder" ] && [ -d "$submission/$folder" ]; then
    submission="$submission/$folder"
fi
# sweepgrad grade takes a folder of students: a copy of this one is the only
# one (links copied as links, never followed: the grader reads no link).
mkdir "$work/submissions/submission"
cp -R -P "$submission/." "$work/submissions/submission/"
cd "$work"
sweepgrad grade "$work/submissions" --exercises {exercises} --quiet{options} \\
    --out "$work/grades.csv" --gradescope "$results"
status=$?
if [ "$status" -ne 0 ] || [ ! -s "$results" ]; then
    echo "sweepgrad grade failed (exit code $status): no results written" >&2
    cat > "$results" <<'JSON'
{{"score": 0, "tests": [], "stdout_visibility": "hidden",
 "output": "The autograder could not grade this submission: please tell your teacher."}}
JSON
fi
"""


def project_root() -> Path | None:
    """The source checkout this package runs from (with its pyproject.toml), if any."""
    root = Path(__file__).resolve().parents[3]
    pyproject = root / "pyproject.toml"
    if pyproject.is_file() and 'name = "sweepgrad"' in pyproject.read_text(encoding="utf-8"):
        return root
    return None


def _isolation_flags() -> list[str]:
    """Build with the setuptools at hand when it is recent enough (offline), else fetch one."""
    try:
        major = int(importlib.metadata.version("setuptools").split(".")[0])
    except (importlib.metadata.PackageNotFoundError, ValueError):
        return []
    return ["--no-build-isolation"] if major >= 77 else []


def build_wheel(into: Path) -> Path:
    """sweepgrad's wheel in ``into``: built from the source checkout when this runs
    from one, else packed again from the installed distribution."""
    root = project_root()
    if root is None:
        return wheel_from_installed(into)
    with tempfile.TemporaryDirectory(prefix="sweepgrad-wheel-") as folder:
        # A copy, so that building leaves no build/ or egg-info in the checkout.
        copy = Path(folder) / "sweepgrad"
        copy.mkdir()
        for entry in root.iterdir():
            if entry.is_file() and not entry.name.startswith("."):
                shutil.copy2(entry, copy)
        for package in ("engine", "nn"):
            shutil.copytree(root / package, copy / package,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        done = subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet",
             "--disable-pip-version-check", *_isolation_flags(), "--wheel-dir", str(into),
             str(copy)], capture_output=True, text=True)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise RuntimeError(f"building sweepgrad's wheel failed: {last}")
    return next(Path(into).glob("sweepgrad-*.whl"))


# What installing a wheel adds to its dist-info, and so what a wheel does not hold.
INSTALL_RECORDS = ("RECORD", "INSTALLER", "REQUESTED", "direct_url.json")


def wheel_from_installed(into: Path,
                         dist: importlib.metadata.Distribution | None = None) -> Path:
    """The installed sweepgrad (or ``dist``) packed again as the wheel it came from:
    its files and dist-info, with a RECORD of their hashes (scripts are made again
    from entry_points.txt on install)."""
    dist = dist or importlib.metadata.distribution("sweepgrad")
    files = [f for f in dist.files or [] if f.parts and f.parts[0] != ".."
             and "__pycache__" not in f.parts and f.suffix != ".pyc"
             and not (f.parts[0].endswith(".dist-info") and f.name in INSTALL_RECORDS)]
    info = next((f.parts[0] for f in files if f.parts[0].endswith(".dist-info")), None)
    if info is None or not any(f.parts[0] == "engine" for f in files):
        raise ValueError("the installed sweepgrad holds no package files to pack (an "
                         "editable install?): give a wheel with --wheel sweepgrad-*.whl")
    tags = [line.split(":", 1)[1].strip() for line in (dist.read_text("WHEEL") or "").splitlines()
            if line.startswith("Tag:")]
    wheel = Path(into) / f"sweepgrad-{dist.version}-{tags[0] if tags else 'py3-none-any'}.whl"
    record = []
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in files:
            data = Path(str(file.locate())).read_bytes()
            archive.writestr(file.as_posix(), data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
            record.append(f"{file.as_posix()},sha256={digest.decode()},{len(data)}")
        record.append(f"{info}/RECORD,,")
        archive.writestr(f"{info}/RECORD", "\n".join(record) + "\n")
    return wheel


def _executable(name: str, text: str) -> tuple[zipfile.ZipInfo, bytes]:
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    info.external_attr = 0o100755 << 16  # a regular file, rwxr-xr-x
    info.compress_type = zipfile.ZIP_DEFLATED
    return info, text.encode()


def bundle(out: str | Path, exercises: str, wheel: str | Path | None = None,
           folder: str = "", sandbox: bool = True) -> list[str]:
    """Write the autograder zip for ``exercises`` (``all``, or chapters/numbers
    separated by commas, as ``sweepgrad grade --exercises`` takes them); the names inside.

    ``folder`` (``modules`` or ``notebooks``): grade that folder of a submission
    that has one, as a repository made from the release has. ``sandbox=False``
    grades with ``--no-sandbox``, for an image where bubblewrap cannot run."""
    from engine.app.classroom import select  # the package registers the exercises

    select(exercises)  # a bad choice fails here, not on Gradescope
    if folder not in ("", "modules", "notebooks"):
        raise ValueError(f"--folder {folder}: choose modules or notebooks")
    out = Path(out)
    if out.suffix.lower() != ".zip":
        raise ValueError(f"{out}: Gradescope takes the autograder as a .zip file")
    with tempfile.TemporaryDirectory(prefix="sweepgrad-bundle-") as scratch:
        if wheel is None:
            made = build_wheel(Path(scratch))
        else:
            made = Path(wheel)
            if not (made.is_file() and made.name.startswith("sweepgrad-")
                    and made.suffix == ".whl"):
                raise ValueError(f"--wheel {wheel}: not a sweepgrad wheel (sweepgrad-*.whl)")
        files = [_executable("setup.sh", SETUP.format(wheel=shlex.quote(made.name))),
                 _executable("run_autograder", RUN.format(
                     exercises=shlex.quote(exercises), folder=shlex.quote(folder),
                     options="" if sandbox else " --no-sandbox"))]
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for info, data in files:
                archive.writestr(info, data)
            archive.write(made, made.name)
    write_atomically(out, buffer.getvalue())
    return [info.filename for info, _ in files] + [made.name]
