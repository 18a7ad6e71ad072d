"""What grading writes: ``grades.csv``, the terminal's summary, and a readable
report in Markdown or HTML.

The report opens with the teacher's view of the class (``class_mistakes``):
per exercise, how many students made each named mistake, how many failed
with no mistake named, and how many passed, so a teacher sees what to
re-teach. ``grades.csv`` has one row per student and exercise, with the columns
``student,exercise,points,max_points,status,message``, sorted by student
and exercise, so grading the same folder twice gives the same file. Every
file is written atomically, readable by all (0644 under the usual umask).

Everything in them may come from a student (a folder's name, an exception's
message), so it is made safe for where it is opened: a CSV cell a
spreadsheet would read as a formula (starting ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return, OWASP's rule) starts with ``'``; the reports
escape HTML; the terminal's summary shows control characters as escapes.
"""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Mapping, Sequence
from pathlib import Path

from engine import format_table, write_atomically
from engine.app.classroom.gradebook import spreadsheet_safe as cell
from engine.app.classroom.mistakes import MISTAKES
from engine.app.classroom.registry import number_key
from engine.app.classroom.results import STATUSES, ExerciseResult

COLUMNS = ("student", "exercise", "points", "max_points", "status", "message")
Grades = Mapping[str, Sequence[ExerciseResult]]


def _points(x: float) -> str:
    return f"{x:g}"


def shown(text: str) -> str:
    """``text`` with control characters (newlines, escapes to the terminal) written out."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii")
                   for c in text)


def csv_text(grades: Grades) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for student in sorted(grades):
        for r in grades[student]:
            writer.writerow([cell(shown(student)), cell(shown(r.exercise)), _points(r.points),
                             _points(r.max_points), cell(r.status),
                             cell(shown(" ".join(r.message.split())))])
    return buffer.getvalue()


def write_csv(grades: Grades, path: str | Path) -> Path:
    return write_atomically(path, csv_text(grades))


def summary(grades: Grades, isolation: str = "") -> str:
    """One line per student: points, and how many exercises had each status; then
    ``isolation``, the line saying how the students' code was confined."""
    rows = []
    for student in sorted(grades):
        results = grades[student]
        counts = [sum(r.status == s for r in results) for s in STATUSES]
        total = sum(r.points for r in results)
        most = sum(r.max_points for r in results)
        rows.append([shown(student), f"{total:g} / {most:g}", *counts])
    table = format_table(["student", "points", *STATUSES], rows)
    return f"{table}\n{isolation}" if isolation else table


def class_mistakes(grades: Grades) -> list[tuple[str, str, list[tuple[str, int]]]]:
    """Per exercise (in order): its number, title, and (what, how many students) rows.

    A student counts once per named mistake of the exercise (however many
    checks named it); "failed, no mistake named" counts the failed (or
    errored, timed out, missing) exercises in which no check named one.
    """
    by_exercise: dict[str, list[ExerciseResult]] = {}
    for results in grades.values():
        for r in results:
            by_exercise.setdefault(r.exercise, []).append(r)
    table = []
    for number in sorted(by_exercise, key=number_key):
        results = by_exercise[number]
        counts: dict[str, int] = {}
        unnamed = 0
        for r in results:
            keys = list(dict.fromkeys(r.mistakes()))
            for key in keys:
                counts[key] = counts.get(key, 0) + 1
            if not r.passed and not keys:
                unnamed += 1
        rows = [(MISTAKES[k].name if k in MISTAKES else k, n)
                for k, n in sorted(counts.items(), key=lambda item: -item[1])]
        rows.append(("failed, no mistake named", unnamed))
        rows.append(("passed", sum(r.passed for r in results)))
        table.append((number, results[0].title, rows))
    return table


def _class_view_markdown(grades: Grades) -> list[str]:
    lines = ["## What the class got wrong", "",
             "| exercise | named mistake | students |", "|---|---|---|"]
    for number, title, rows in class_mistakes(grades):
        for index, (what, count) in enumerate(rows):
            head = html.escape(shown(f"{number} {title}")) if index == 0 else ""
            what = html.escape(shown(what)).replace("|", "\\|")
            lines.append(f"| {head} | {what} | {count} |")
    return [*lines, ""]


def markdown_report(grades: Grades, isolation: str = "") -> str:
    """The report in Markdown; every text from a submission HTML-escaped, reports in <pre>.

    It opens with the teacher's view of the class (``class_mistakes``)."""
    def e(text: object) -> str:
        return html.escape(shown(str(text)))

    lines = ["# Grades", "", f"<pre>{e(summary(grades, isolation))}</pre>", "",
             *_class_view_markdown(grades)]
    for student in sorted(grades):
        results = grades[student]
        total = sum(r.points for r in results)
        most = sum(r.max_points for r in results)
        lines += [f"## {e(student)}: {total:g} of {most:g} points", "",
                  "| exercise | points | status | message |", "|---|---|---|---|"]
        for r in results:
            message = e(r.message).replace("|", "\\|")
            lines.append(f"| {e(r.exercise)} {e(r.title)} | {r.points:g} / {r.max_points:g} | "
                         f"{e(r.status)} | {message} |")
        details = [r for r in results if r.status == "failed" and r.checks]
        for r in details:
            lines += ["", f"### {e(student)}, exercise {e(r.exercise)}", "",
                      f"<pre>{html.escape(r.report())}</pre>"]
        lines.append("")
    return "\n".join(lines)


def html_report(grades: Grades, isolation: str = "") -> str:
    def e(text: object) -> str:
        return html.escape(str(text))

    parts = ["<!doctype html>", '<html lang="en"><head><meta charset="utf-8">',
             "<title>Grades</title><style>body{font-family:sans-serif;max-width:60em;margin:auto}"
             "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em;"
             "text-align:left;vertical-align:top}.passed{color:#060}.failed{color:#a00}"
             ".error,.timeout,.missing{color:#a60}pre{background:#f6f6f6;padding:.5em;"
             "white-space:pre-wrap}</style></head><body>", "<h1>Grades</h1>",
             f"<pre>{e(summary(grades, isolation))}</pre>", "<h2>What the class got wrong</h2>",
             "<table><tr><th>exercise</th><th>named mistake</th><th>students</th></tr>"]
    for number, title, rows in class_mistakes(grades):
        for index, (what, count) in enumerate(rows):
            head = f"{e(number)} {e(title)}" if index == 0 else ""
            parts.append(f"<tr><td>{head}</td><td>{e(what)}</td><td>{count}</td></tr>")
    parts.append("</table>")
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


def write_report(grades: Grades, path: str | Path, isolation: str = "") -> Path:
    """``.html`` or ``.md``, by the suffix; ``isolation`` says how students' code ran."""
    path = Path(path)
    if path.suffix.lower() in (".html", ".htm"):
        return write_atomically(path, html_report(grades, isolation))
    if path.suffix.lower() in (".md", ".markdown"):
        return write_atomically(path, markdown_report(grades, isolation))
    raise ValueError(f"--report {path}: give a .html or .md file")
