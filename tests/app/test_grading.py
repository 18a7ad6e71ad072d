"""Grading a class: statuses, faults that must not stop the run, limits, determinism.

Submissions are built from the released key and starter. Time limits are
small (a few seconds), so a hanging submission costs little.
"""

from __future__ import annotations

import csv
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from engine.app.classroom import select
from engine.app.classroom.grading import Limits, grade, grade_submission, students
from engine.app.classroom.output import (
    COLUMNS,
    class_mistakes,
    csv_text,
    html_report,
    markdown_report,
)

ALL = [e.number for e in select("all")]
FAST = Limits(seconds=20.0, memory_mb=2048)


def submission(release: Path, folder: Path, kind: str = "key", **replace: str) -> Path:
    """The key's (or starter's) modules, with functions appended to some chapters."""
    shutil.copytree(release / kind / "modules", folder)
    for chapter, code in replace.items():
        path = folder / f"{chapter}.py"
        path.write_text(path.read_text(encoding="utf-8") + "\n\n" + code, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def classroom(release: Path, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("class")
    submission(release, root / "ada")
    submission(release, root / "bo", "starter")
    submission(release, root / "hangs",
               graph="def backward(root):\n    while True:\n        pass\n")
    submission(release, root / "exits", ops="def exp(a):\n    import os\n    os._exit(0)\n")
    submission(release, root / "quits",
               training="def sgd_step(parameters, lr):\n    import sys\n    sys.exit(1)\n")
    submission(release, root / "broken", neuron="def oops(:\n")
    submission(release, root / "loops", matrix_form="while True:\n    pass\n")
    submission(release, root / "greedy",
               checking="def central_difference(f, point, index, eps=1e-6):\n"
                        "    hoard = [0.0] * 10**10\n    return 0.0\n")
    (root / "partial").mkdir()
    shutil.copy(release / "key" / "modules" / "ops.py", root / "partial")
    shutil.copy(release / "key" / "notebooks" / "graph.ipynb", root / "notebook.ipynb")
    return root


@pytest.fixture(scope="module")
def grades(classroom: Path) -> dict:
    return grade(classroom, ALL, FAST, jobs=2)


def statuses(grades: dict, student: str) -> dict[str, str]:
    return {r.exercise: r.status for r in grades[student]}


def result_of(grades: dict, student: str, number: str):
    return next(r for r in grades[student] if r.exercise == number)


def test_one_submission_per_student(classroom: Path):
    assert sorted(students(classroom)) == [
        "ada", "bo", "broken", "exits", "greedy", "hangs", "loops", "notebook", "partial",
        "quits"]


def test_the_reference_gets_full_marks_and_the_starter_zero(grades: dict):
    assert set(statuses(grades, "ada").values()) == {"passed"}
    assert sum(r.points for r in grades["ada"]) == sum(e.points for e in select("all"))
    assert sum(r.points for r in grades["bo"]) == 0
    assert all(r.message.startswith("not implemented yet") for r in grades["bo"])


def test_a_hanging_exercise_times_out_and_the_rest_is_graded(grades: dict):
    got = statuses(grades, "hangs")
    assert got["2.2"] == "timeout"
    assert "20 s" in result_of(grades, "hangs", "2.2").message
    assert {s for n, s in got.items() if n != "2.2"} == {"passed"}


def test_a_file_that_hangs_while_loading_costs_one_time_limit_for_its_chapter(grades: dict):
    got = statuses(grades, "loops")
    assert got["6.1"] == got["6.2"] == "timeout"
    assert result_of(grades, "loops", "6.2").message.startswith("loading matrix_form took")
    assert {s for n, s in got.items() if not n.startswith("6.")} == {"passed"}


def test_os_exit_is_an_error_of_that_exercise_only(grades: dict):
    got = statuses(grades, "exits")
    assert got["1.2"] == "error"
    message = result_of(grades, "exits", "1.2").message
    assert "os._exit" in message and "exit code 0" in message
    assert {s for n, s in got.items() if n != "1.2"} == {"passed"}


@pytest.mark.parametrize(("student", "number", "says", "next_one"), [
    ("quits", "5.1", "sys.exit(1)", "5.2"),  # sys.exit inside the student's function
    ("greedy", "3.2", "memory", "3.1"),  # a list of 10¹⁰ floats, past the memory limit
])
def test_an_exit_or_the_memory_limit_is_an_error(grades: dict, student: str, number: str,
                                                  says: str, next_one: str):
    result = result_of(grades, student, number)
    assert result.status == "error" and says in result.message
    assert statuses(grades, student)[next_one] == "passed"


def test_a_syntax_error_costs_its_chapter_only(grades: dict):
    got = statuses(grades, "broken")
    assert [got[n] for n in ("4.1", "4.2", "4.3")] == ["error"] * 3
    assert result_of(grades, "broken", "4.1").message.startswith("syntax error in neuron.py line")
    assert got["5.1"] == got["1.1"] == "passed"


def test_missing_files_are_missing(grades: dict):
    got = statuses(grades, "partial")
    assert {got[n] for n in ("1.1", "1.2", "1.3")} == {"passed"}
    assert {s for n, s in got.items() if not n.startswith("1.")} == {"missing"}
    assert "no graph.py or graph.ipynb" in result_of(grades, "partial", "2.1").message


def test_a_single_notebook_is_graded_for_its_chapter(grades: dict):
    got = statuses(grades, "notebook")
    assert got["2.1"] == got["2.2"] == "passed"
    assert got["1.1"] == "missing"


def test_grades_csv_has_the_columns_and_a_row_per_student_and_exercise(grades: dict):
    rows = list(csv.reader(csv_text(grades).splitlines()))
    assert tuple(rows[0]) == COLUMNS
    assert len(rows) == 1 + len(grades) * len(ALL)
    assert {row[4] for row in rows[1:]} == {"passed", "failed", "error", "timeout", "missing"}
    assert [row[0] for row in rows[1:]] == sorted(row[0] for row in rows[1:])


def test_progress_is_reported_once_per_student_and_exercise(release: Path, tmp_path: Path):
    submission(release, tmp_path / "class" / "one")
    submission(release, tmp_path / "class" / "two", "starter")
    seen: list[tuple[str, str]] = []
    grade(tmp_path / "class", ["1.1", "2.2"], FAST, jobs=2,
          on_result=lambda student, result: seen.append((student, result.exercise)))
    assert sorted(seen) == [("one", "1.1"), ("one", "2.2"), ("two", "1.1"), ("two", "2.2")]


def test_grading_twice_gives_the_same_csv(classroom: Path, grades: dict, tmp_path: Path):
    again = grade(classroom, ALL, FAST, jobs=2)
    assert csv_text(again) == csv_text(grades)


class Cells(HTMLParser):
    """The text of every table cell, and the class of each status cell."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.statuses: list[str] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag == "td":
            self.cell = []
            self.statuses += [value for name, value in attrs if name == "class"]

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self.cell is not None:
            self.rows[-1].append("".join(self.cell))
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def test_the_html_report_has_a_row_per_student_and_exercise(grades: dict):
    cells = Cells()
    cells.feed(html_report(grades))
    rows = [row for row in cells.rows if len(row) == 4]  # the class view's rows have 3
    assert len(rows) == len(grades) * len(ALL)
    assert cells.statuses == [r.status for student in sorted(grades) for r in grades[student]]
    assert rows[0][0].startswith("1.1 ") and rows[0][2] == "passed"


def test_the_reports_show_every_student(grades: dict):
    html = html_report(grades)
    markdown = markdown_report(grades)
    for student in grades:
        assert f">{student}: " in html and f"## {student}: " in markdown
    assert "timeout" in html and "not implemented yet" in markdown


def test_the_report_shows_what_the_class_got_wrong(release: Path, tmp_path: Path):
    root = tmp_path / "class"
    sweep = ("def backward(root):\n    root.grad = 1.0\n"
             "    for node in reversed(engine_topological_order(root)):\n"
             "        for parent, local in zip(node.parents, node.local_grads):\n"
             "            parent.grad {op} local * node.grad\n")
    submission(release, root / "ann", graph=sweep.format(op="="))
    submission(release, root / "ben", graph=sweep.format(op="="))
    submission(release, root / "cy", graph=sweep.format(op="-="))
    submission(release, root / "di")
    grades = grade(root, ["2.2"], FAST, jobs=2)
    view = {number: dict(rows) for number, _, rows in class_mistakes(grades)}
    assert view["2.2"]["`=` instead of `+=`"] == 2
    assert view["2.2"]["passed"] == 1
    assert sum(view["2.2"].values()) == 4
    assert view["2.2"]["failed, no mistake named"] + view["2.2"].get("a wrong sign", 0) == 1
    markdown = markdown_report(grades)
    assert "## What the class got wrong" in markdown
    assert "| 2.2 the backward sweep | `=` instead of `+=` | 2 |" in markdown
    assert "What the class got wrong" in html_report(grades)


def test_extra_checks_add_a_hidden_check(release: Path, tmp_path: Path):
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "hidden.py").write_text(
        "from engine.app.classroom import CheckFailed, check_of\n"
        "@check_of('1.1', 'teacher: add(1, 1) is 2')\n"
        "def hidden(student):\n"
        "    if student.add(1.0, 1.0)[0] != 2.0:\n"
        "        raise CheckFailed('add(1, 1) is not 2')\n", encoding="utf-8")
    wrong = submission(release, tmp_path / "s",
                       ops="def add(a, b):\n    return (a + b + (a == b == 1.0), (1.0, 1.0))\n")
    plain, = grade_submission(wrong, ["1.1"], FAST)
    hidden, = grade_submission(wrong, ["1.1"], FAST, str(extra))
    assert plain.status == "passed"
    assert hidden.status == "failed"
    assert "teacher: add(1, 1) is 2" in hidden.report()


def test_limits_are_checked():
    with pytest.raises(ValueError, match="time limit"):
        Limits(seconds=0)
    with pytest.raises(ValueError, match="memory limit"):
        Limits(memory_mb=-1)


def test_a_chapter_shares_a_sandbox_but_not_what_its_exercises_refuse(release: Path,
                                                                      tmp_path: Path):
    """2.1 and 2.2 run in one sandbox that removed the engine's order (2.1 refuses it)
    before the file ran: a topological_order that keeps the engine's at import has kept
    the refusal, and 2.2's backward, which may use the engine's order, is graded again in
    a sandbox of its own (full marks, as alone)."""
    keeps = "import engine\n_kept = engine.topological_order\n\n\n" \
            "def topological_order(root):\n    return _kept(root)\n"
    folder = submission(release, tmp_path / "keeps", graph=keeps)
    results = {r.exercise: r for r in grade_submission(folder, ["2.1", "2.2"], FAST)}
    assert results["2.1"].points == 0.0 and "engine_call" in results["2.1"].mistakes()
    assert results["2.2"].status == "passed"
    alone = {r.exercise: r for r in grade_submission(folder, ["2.2"], FAST)}
    assert alone["2.2"].points == results["2.2"].points


def _extra(folder: Path, code: str) -> str:
    folder.mkdir()
    (folder / "hidden.py").write_text(
        "import os\nfrom engine.app.classroom import CheckFailed, check_of\n" + code,
        encoding="utf-8")
    return str(folder)


def test_what_one_student_writes_into_the_judge_never_reaches_the_next(release: Path,
                                                                       tmp_path: Path):
    """One judge serves the class (one job), each student in a fresh fork of it: a check
    that hands students a list the judge keeps sees it untouched for every student, though
    the first one's answer appended to it."""
    extra = _extra(tmp_path / "extra", (
        "KEPT = [1.0, 2.0]\n"
        "@check_of('1.1', 'teacher: the kept list is untouched')\n"
        "def kept(student):\n"
        "    if KEPT != [1.0, 2.0]:\n"
        "        raise CheckFailed(f'the kept list is {KEPT}')\n"
        "    try:\n"
        "        student.add(KEPT, 0.0)\n"
        "    except Exception:\n"
        "        pass\n"))
    spoils = "def add(a, b):\n    if isinstance(a, list):\n        a.append(99.0)\n" \
             "    return (a + b, (1.0, 1.0))\n"
    root = tmp_path / "class"
    submission(release, root / "a_spoils", ops=spoils)
    submission(release, root / "b_honest")
    grades = grade(root, ["1.1"], FAST, extra, jobs=1)
    assert [r.status for r in grades["a_spoils"]] == ["passed"]
    assert [r.status for r in grades["b_honest"]] == ["passed"]


def test_a_judge_that_dies_on_one_student_costs_the_next_nothing(release: Path,
                                                                  tmp_path: Path):
    """A check that ends its own process on one answer (as a crash would) charges that
    student's exercise as an error; the next student, graded by the same thread, gets a
    fresh judge and full marks."""
    extra = _extra(tmp_path / "extra", (
        "@check_of('1.1', 'teacher: 2 + 2')\n"
        "def crashes(student):\n"
        "    if student.add(2.0, 2.0)[0] == 5.0:\n"
        "        os._exit(3)\n"))
    five = "def add(a, b):\n    return (a + b + (a == b == 2.0), (1.0, 1.0))\n"
    root = tmp_path / "class"
    submission(release, root / "a_crashes", ops=five)
    submission(release, root / "b_honest")
    grades = grade(root, ["1.1", "1.2"], FAST, extra, jobs=1)
    crashed, after = grades["a_crashes"]
    assert crashed.status == "error" and "exit code 3" in crashed.message
    assert after.status == "passed"  # 1.2 went on in a new judge
    assert [r.status for r in grades["b_honest"]] == ["passed", "passed"]
