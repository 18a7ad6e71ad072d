"""nbgrader itself takes the source notebooks as they are.

``nbgrader generate_assignment`` makes the student version (solutions
replaced by its stub, hidden tests removed), and ``nbgrader autograde``
gives the reference solutions full marks and the starters zero, and every
exercise of every submission the points ``sweepgrad grade`` and ``check()``
give it (one policy: ``registry.points_earned``). nbgrader is a test extra
(``pip install -e '.[test]'``); without it this is skipped.
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

from engine.app.classroom import EXERCISES, select
from engine.app.classroom.release import source_notebooks
from tests.exercises.wrong_solutions import WRONG

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
    for student, wrongs in MIXED.items():
        folder = course / "submitted" / student / "sweepgrad"
        shutil.copytree(release / "key" / "notebooks", folder)
        for wrong in wrongs:
            with_mistake(folder, wrong.exercise, wrong.code)
        if not wrongs:
            idle(folder)
    # One more student hands back nbgrader's own release, untouched.
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


# --- one points policy: nbgrader, sweepgrad grade and check() agree --------------------------

# Submissions with partial credit to give: the key with some wrong solutions put in (the `=`
# bug, a sweep that does nothing, a guard failed, a neuron with no bias, a loop never zeroed)
# and one where every function does nothing.
MIXED = {
    "mixed": [next(w for w in WRONG if w.name == name) for name in (
        "= instead of +=", "changes the point", "no bias", "gradients never zeroed",
        "only the batch order shuffled", "no factor 2")],
    "idle": [],
}


def with_mistake(folder: Path, exercise: str, code: str) -> None:
    """Append ``code`` to the solution cell of ``exercise`` in its chapter notebook."""
    path = folder / f"{EXERCISES[exercise].chapter}.ipynb"
    notebook = json.loads(path.read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        if cell.get("metadata", {}).get("sweepgrad", {}).get("exercise") == exercise:
            cell["source"] = "".join(cell["source"]) + "\n\n" + code
    path.write_text(json.dumps(notebook), encoding="utf-8")


def idle(folder: Path) -> None:
    """Every exercise's functions replaced by ones that do nothing."""
    for ex in EXERCISES.values():
        code = "\n".join(f"def {name}(*args, **kwargs):\n    return None\n"
                         for name in ex.functions)
        with_mistake(folder, ex.number, code)


def nbgrader_points(course: Path) -> dict[tuple[str, str], float]:
    """(student, exercise) → the points nbgrader's autograder gave its check cell."""
    from nbgrader.api import Gradebook

    points = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for student in gradebook.students:
            submission = gradebook.find_submission("sweepgrad", student.id)
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    if grade.name.startswith("check_"):
                        number = grade.name[len("check_"):].replace("_", ".")
                        points[student.id, number] = float(grade.score)
    return points


def test_nbgrader_sweepgrad_grade_and_check_give_the_same_points(course: Path):
    from engine.app.classroom.grading import grade
    from engine.app.classroom.notebook import run_checks
    from engine.app.classroom.submission import load_chapter

    by_nbgrader = nbgrader_points(course)
    numbers = [e.number for e in select("all")]
    folders = {student.name: student / "sweepgrad" for student in (course / "submitted").iterdir()}
    for student, folder in folders.items():
        shutil.copytree(folder, course / "class" / student)
    graded = grade(course / "class", numbers)
    by_grade = {(student, r.exercise): r.points for student, results in graded.items()
                for r in results}
    by_check = {}
    for student in graded:
        for number in numbers:
            chapter = load_chapter(folders[student], EXERCISES[number].chapter)
            by_check[student, number] = run_checks(number, chapter.functions).points
    assert set(by_nbgrader) == set(by_grade) == set(by_check)
    assert by_nbgrader == by_grade == by_check
    mixed = {n: by_grade["mixed", n] for n in numbers}
    assert 0 < mixed["2.2"] < EXERCISES["2.2"].points  # partial credit, the same everywhere
    assert mixed["3.2"] < EXERCISES["3.2"].points  # a failed guard costs a share
    assert all(by_grade["idle", n] == 0 for n in numbers)  # doing nothing earns nothing
