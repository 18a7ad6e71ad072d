"""What grading writes: ``grades.csv``, the terminal's summary, and a readable
report in Markdown or HTML.

``grades.csv`` has one row per student and exercise, with the columns
``student,exercise,points,max_points,status,message``, sorted by student
and exercise, so grading the same folder twice gives the same file; its
cells are made safe for a spreadsheet like the gradebook's
(``gradebook.spreadsheet_safe``). Every file is written atomically.
"""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Mapping, Sequence
from pathlib import Path

from engine import format_table, write_atomically
from engine.app.classroom.gradebook import spreadsheet_safe
from engine.app.classroom.results import STATUSES, ExerciseResult

COLUMNS = ("student", "exercise", "points", "max_points", "status", "message")
Grades = Mapping[str, Sequence[ExerciseResult]]


def _points(x: float) -> str:
    return f"{x:g}"


def csv_text(grades: Grades) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for student in sorted(grades):
        for r in grades[student]:
            row = [student, r.exercise, _points(r.points), _points(r.max_points), r.status,
                   " ".join(r.message.split())]
            writer.writerow([spreadsheet_safe(cell) for cell in row])
    return buffer.getvalue()


def write_csv(grades: Grades, path: str | Path) -> Path:
    return write_atomically(path, csv_text(grades))


def summary(grades: Grades) -> str:
    """One line per student: points, and how many exercises had each status."""
    rows = []
    for student in sorted(grades):
        results = grades[student]
        counts = [sum(r.status == s for r in results) for s in STATUSES]
        total = sum(r.points for r in results)
        most = sum(r.max_points for r in results)
        rows.append([student, f"{total:g} / {most:g}", *counts])
    return format_table(["student", "points", *STATUSES], rows)


def markdown_report(grades: Grades) -> str:
    lines = ["# Grades", "", "```", summary(grades), "```", ""]
    for student in sorted(grades):
        results = grades[student]
        total = sum(r.points for r in results)
        most = sum(r.max_points for r in results)
        lines += [f"## {student}: {total:g} of {most:g} points", "",
                  "| exercise | points | status | message |", "|---|---|---|---|"]
        for r in results:
            message = r.message.replace("|", "\\|")
            lines.append(f"| {r.exercise} {r.title} | {r.points:g} / {r.max_points:g} | "
                         f"{r.status} | {message} |")
        details = [r for r in results if r.status == "failed" and r.checks]
        for r in details:
            lines += ["", f"### {student}, exercise {r.exercise}", "", "```", r.report(), "```"]
        lines.append("")
    return "\n".join(lines)


def html_report(grades: Grades) -> str:
    def e(text: object) -> str:
        return html.escape(str(text))

    parts = ["<!doctype html>", '<html lang="en"><head><meta charset="utf-8">',
             "<title>Grades</title><style>body{font-family:sans-serif;max-width:60em;margin:auto}"
             "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em;"
             "text-align:left;vertical-align:top}.passed{color:#060}.failed{color:#a00}"
             ".error,.timeout,.missing{color:#a60}pre{background:#f6f6f6;padding:.5em;"
             "white-space:pre-wrap}</style></head><body>", "<h1>Grades</h1>",
             f"<pre>{e(summary(grades))}</pre>"]
    for student in sorted(grades):
        results = grades[student]
        total = sum(r.points for r in results)
        most = sum(r.max_points for r in results)
        parts.append(f'<h2 id="{e(student)}">{e(student)}: {total:g} of {most:g} points</h2>')
        parts.append("<table><tr><th>exercise</th><th>points</th><th>status</th>"
                     "<th>message</th></tr>")
        for r in results:
            parts.append(f"<tr><td>{e(r.exercise)} {e(r.title)}</td><td>{r.points:g} / "
                         f"{r.max_points:g}</td><td class=\"{e(r.status)}\">{e(r.status)}</td>"
                         f"<td>{e(r.message)}</td></tr>")
        parts.append("</table>")
        for r in results:
            if r.status == "failed" and r.checks:
                parts.append(f"<pre>{e(r.report())}</pre>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def write_report(grades: Grades, path: str | Path) -> Path:
    """``.html`` or ``.md``, by the suffix."""
    path = Path(path)
    if path.suffix.lower() in (".html", ".htm"):
        return write_atomically(path, html_report(grades))
    if path.suffix.lower() in (".md", ".markdown"):
        return write_atomically(path, markdown_report(grades))
    raise ValueError(f"--report {path}: give a .html or .md file")
