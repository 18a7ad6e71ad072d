"""Grades as a gradebook imports them: one row per student, a column per
exercise and a total, in the columns Canvas or Moodle read.

- **Canvas** (Grades → Import) reads the columns of its own export:
  ``Student``, ``ID``, ``SIS User ID``, ``SIS Login ID``, ``Section``, then
  one column per assignment; a row whose ``Student`` is ``Points Possible``
  gives each column's maximum. A column Canvas does not know becomes a new
  assignment (or is ignored, as the teacher chooses on the import page).
  Canvas takes any row whose first cell contains ``Points Possible`` for that
  row, so a student's name never contains it as written.
- **Moodle** (Grades → Import → CSV file) matches each row to a user by the
  column the teacher maps to a user field (``Username`` here, or ``Email
  address`` / ``ID number`` from a roster) and each other column to a grade
  item.

A student's identity comes from the name of their submission (a folder
named by their login), or from a roster: a CSV with a ``student`` column
holding those names and any of the identity columns above.

Names of students and files are untrusted: every cell is made safe for a
spreadsheet as OWASP advises for CSV injection (a cell starting with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'``, so
it is read as text, never as a formula), and every cell is quoted.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from engine import write_atomically
from engine.app.classroom.results import ExerciseResult

FORMATS = ("canvas", "moodle")
IDENTITY = {
    "canvas": ("Student", "ID", "SIS User ID", "SIS Login ID", "Section"),
    "moodle": ("Username", "Email address", "ID number"),
}
# Where a submission's name goes when no roster gives the student's identity.
NAME_COLUMNS = {"canvas": ("Student", "SIS Login ID"), "moodle": ("Username",)}
TOTAL = "sweepgrad total"
POINTS_POSSIBLE = "Points Possible"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Grades = Mapping[str, Sequence[ExerciseResult]]
Roster = Mapping[str, Mapping[str, str]]


def spreadsheet_safe(cell: object) -> str:
    """The cell as text a spreadsheet shows as it is: a leading ``'`` before a formula start."""
    text = str(cell)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _points(x: float) -> str:
    return f"{x:g}"


def read_roster(path: str | Path) -> dict[str, dict[str, str]]:
    """A roster CSV: each row's identity columns, by its ``student`` (submission name)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise ValueError(f"--roster {path}: cannot read it ({error})") from None
    rows = list(csv.DictReader(io.StringIO(text)))
    if not rows or "student" not in rows[0]:
        raise ValueError(f"--roster {path}: give a CSV whose header has a 'student' column "
                         "(the submission's name) and identity columns such as SIS Login ID")
    roster: dict[str, dict[str, str]] = {}
    for row in rows:
        name = (row.pop("student") or "").strip()
        if name in roster:
            raise ValueError(f"--roster {path}: student {name!r} appears twice")
        roster[name] = {key.strip().lower(): value or "" for key, value in row.items() if key}
    return roster


def check_roster(roster: Roster, students: Iterable[str]) -> None:
    """A ValueError naming the first student the roster lacks."""
    for student in students:
        if student not in roster:
            raise ValueError(f"{student} is not in the roster: add a row for it "
                             "(its 'student' column is the submission's name)")


def gradebook_rows(grades: Grades, form: str, roster: Roster | None = None) -> list[list[str]]:
    """The header, (for Canvas) the points-possible row, then one row per student."""
    if form not in FORMATS:
        raise ValueError(f"gradebook format {form!r}: choose one of {', '.join(FORMATS)}")
    identity = IDENTITY[form]
    first = grades[min(grades)] if grades else []
    exercises = [(r.exercise, r.title, r.max_points) for r in first]
    for student in grades:
        if [r.exercise for r in grades[student]] != [e for e, _, _ in exercises]:
            raise ValueError(f"{student} was graded on other exercises than the rest")
    header = [*identity, *(f"Exercise {n}: {title}" for n, title, _ in exercises), TOTAL]
    rows = [header]
    if form == "canvas":
        most = [m for _, _, m in exercises]
        rows.append([POINTS_POSSIBLE, *[""] * (len(identity) - 1),
                     *map(_points, most), _points(sum(most))])
    if roster is not None:
        check_roster(roster, grades)
    for student in sorted(grades):
        known = (roster or {}).get(student)
        if known is not None:
            ids = [known.get(column.lower(), "") for column in identity]
        else:
            ids = [student if column in NAME_COLUMNS[form] else "" for column in identity]
        if form == "canvas":
            ids[0] = ids[0].replace(POINTS_POSSIBLE, "Points_Possible")
        points = [r.points for r in grades[student]]
        rows.append([*ids, *map(_points, points), _points(sum(points))])
    return [[spreadsheet_safe(cell) for cell in row] for row in rows]


def gradebook_text(grades: Grades, form: str, roster: Roster | None = None) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(
        gradebook_rows(grades, form, roster))
    return buffer.getvalue()


def write_gradebook(grades: Grades, path: str | Path, form: str = "canvas",
                    roster: Roster | None = None) -> Path:
    return write_atomically(path, gradebook_text(grades, form, roster))
