"""nbgrader itself takes the source notebooks as they are.

``nbgrader generate_assignment`` makes the student version (solutions
replaced by its stub, hidden tests removed), and ``nbgrader autograde``
gives the reference solutions full marks and the starters zero. nbgrader
is a test extra (``pip install -e '.[test]'``); without it this is skipped.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from engine.app.classroom import EXERCISES
from engine.app.classroom.release import source_notebooks

pytest.importorskip("nbgrader")

pytestmark = pytest.mark.slow

CONFIG = """c = get_config()
c.CourseDirectory.root = {root!r}
c.CourseDirectory.course_id = "sweepgrad"
c.ExecutePreprocessor.timeout = 300
"""


def nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    # nbgrader runs its own tools (alembic) from the environment's bin folder
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    result = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course,
                            capture_output=True, text=True, timeout=900,
                            env={**os.environ, "PATH": path})
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result


@pytest.fixture(scope="module")
def course(release: Path, tmp_path_factory) -> Path:
    course = tmp_path_factory.mktemp("course")
    (course / "nbgrader_config.py").write_text(CONFIG.format(root=str(course)), encoding="utf-8")
    source = course / "source" / "sweepgrad"
    source.mkdir(parents=True)
    for path in source_notebooks():
        shutil.copy(path, source)
    nbgrader(course, "generate_assignment", "sweepgrad", "--force")
    for student in ("key", "starter"):
        shutil.copytree(release / student / "notebooks", course / "submitted" / student /
                        "sweepgrad")
    # A third student hands back nbgrader's own release, untouched.
    shutil.copytree(course / "release" / "sweepgrad", course / "submitted" / "untouched" /
                    "sweepgrad")
    graded = nbgrader(course, "autograde", "sweepgrad", "--force")
    (course / "autograde.log").write_text(graded.stdout + graded.stderr, encoding="utf-8")
    nbgrader(course, "export", "--to", str(course / "grades.csv"))
    return course


def test_nbgrader_generates_the_student_version(course: Path):
    released = sorted((course / "release" / "sweepgrad").glob("*.ipynb"))
    assert [p.stem for p in released] == sorted(p.stem for p in source_notebooks())
    for path in released:
        notebook = json.loads(path.read_text(encoding="utf-8"))
        code = "".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code")
        assert "BEGIN SOLUTION" not in code and "HIDDEN TESTS" not in code
        assert "raise NotImplementedError()" in code and "check(" in code


def test_nbgrader_autograder_gives_the_reference_full_marks(course: Path):
    rows = {row["student_id"]: row for row in
            csv.DictReader((course / "grades.csv").read_text(encoding="utf-8").splitlines())}
    total = sum(e.points for e in EXERCISES.values())
    assert float(rows["key"]["max_score"]) == total
    assert float(rows["key"]["score"]) == total
    assert float(rows["starter"]["score"]) == 0.0
    assert float(rows["untouched"]["score"]) == 0.0


def test_nbgrader_finds_every_returned_cell_as_it_released_it(course: Path):
    """sweepgrad's release carries nbgrader's metadata and its check cells hold no hidden
    test: autograding it warns of no changed cell (no checksum warnings)."""
    log = (course / "autograde.log").read_text(encoding="utf-8")
    assert "Autograding" in log or "autograd" in log.lower()
    changed = [line for line in log.splitlines() if "has changed" in line or "hecksum" in line]
    assert not changed, "\n".join(changed[:5])


def test_sweepgrad_checks_the_notebooks_nbgrader_releases(course: Path):
    from engine.app.classroom.registry import run_exercise
    from engine.app.classroom.submission import load_chapter

    chapter = load_chapter(course / "release" / "sweepgrad", "graph")
    result = run_exercise(EXERCISES["2.2"], chapter.functions, chapter.files)
    assert result.message.startswith("not implemented yet")
