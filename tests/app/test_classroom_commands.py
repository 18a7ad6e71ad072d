"""``sweepgrad check``, ``sweepgrad grade`` and ``sweepgrad exercises``, as a
student and a teacher type them."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

from tests.helpers.commands import run_in, sweepgrad


def test_check_names_the_files_and_passes_the_key(release: Path):
    result = run_in(release / "key" / "modules", "check", "2.2")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("Checking graph.py in ")
    assert "Exercise 2.2 the backward sweep (graph.py): all 5 checks passed" in result.stdout


def test_check_of_a_starter_says_not_implemented_yet_and_fails(release: Path):
    result = sweepgrad("check", "all", str(release / "starter" / "notebooks"))
    assert result.returncode == 1
    assert result.stdout.count("not implemented yet") >= 17
    assert "graph.ipynb" in result.stdout


def test_check_names_the_mistake(release: Path, tmp_path: Path):
    shutil.copy(release / "key" / "modules" / "training.py", tmp_path)
    with open(tmp_path / "training.py", "a", encoding="utf-8") as out:
        out.write("\n\ndef sgd_step(parameters, lr):\n    for p in parameters:\n"
                  "        p.data += lr * p.grad\n")
    result = run_in(tmp_path, "check", "5.1")
    assert result.returncode == 1
    assert "Looks like: the update has the wrong sign" in result.stdout
    assert "Hint: p.data -= lr * p.grad" in result.stdout


def test_check_never_falls_back_to_the_reference_solutions(tmp_path: Path):
    result = run_in(tmp_path, "check", "2.2")
    assert result.returncode == 2
    assert result.stderr.startswith("sweepgrad check: no exercise files in ")
    assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1


def test_check_refuses_a_fifo_or_a_device_named_like_a_notebook(release: Path, tmp_path: Path):
    import os

    os.mkfifo(tmp_path / "graph.ipynb")  # a reader would wait for ever
    (tmp_path / "checking.ipynb").symlink_to("/dev/zero")  # a reader would never finish
    (tmp_path / "training.ipynb").symlink_to(release / "key" / "notebooks" / "training.ipynb")
    result = run_in(tmp_path, "check", "all")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "graph.ipynb is a FIFO (named pipe), not a regular file" in result.stdout
    assert "Exercise 3.1 the per-edge chain rule: missing" in result.stdout  # not followed
    assert "Exercise 5.1 one SGD step: missing" in result.stdout


def test_check_rejects_an_unknown_exercise_in_one_line(tmp_path: Path):
    result = run_in(tmp_path, "check", "9.9")
    assert result.returncode == 2
    assert "no exercise '9.9'" in result.stderr and "Traceback" not in result.stderr


def test_grade_writes_the_csv_the_summary_and_a_report(release: Path, tmp_path: Path):
    classroom = tmp_path / "class"
    shutil.copytree(release / "key" / "modules", classroom / "ada")
    shutil.copytree(release / "starter" / "notebooks", classroom / "bo")
    out, report = tmp_path / "grades.csv", tmp_path / "grades.md"
    result = sweepgrad("grade", str(classroom), "--out", str(out), "--report", str(report),
                       "--exercises", "graph", "--time-limit", "20")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    assert list(rows[0]) == ["student", "exercise", "points", "max_points", "status", "message"]
    assert [(r["student"], r["exercise"], r["status"]) for r in rows] == [
        ("ada", "2.1", "passed"), ("ada", "2.2", "passed"),
        ("bo", "2.1", "failed"), ("bo", "2.2", "failed")]
    table = {line.split()[0]: line.split()[1:4] for line in result.stdout.splitlines()[2:4]}
    assert table == {"ada": ["6", "/", "6"], "bo": ["0", "/", "6"]}
    assert "## bo: 0 of 6 points" in report.read_text(encoding="utf-8")


def test_grade_rejects_bad_input_in_one_line(tmp_path: Path):
    for args in (["grade", str(tmp_path / "nowhere")],
                 ["grade", str(tmp_path), "--report", "grades.pdf"],
                 ["grade", str(tmp_path), "--extra-checks", str(tmp_path / "none")]):
        result = sweepgrad(*args)
        assert result.returncode == 2, args
        assert result.stderr.startswith("sweepgrad grade: ") and "Traceback" not in result.stderr


def test_exercises_release_and_list(tmp_path: Path):
    result = sweepgrad("exercises", "release", str(tmp_path / "class"))
    assert result.returncode == 0, result.stderr
    notebook = json.loads((tmp_path / "class" / "notebooks" / "graph.ipynb").read_text())
    assert notebook["metadata"]["sweepgrad"]["chapter"] == "graph"
    again = sweepgrad("exercises", "release", str(tmp_path / "class"))
    assert again.returncode == 2 and "--force" in again.stderr
    listing = sweepgrad("exercises", "list")
    assert listing.returncode == 0 and "training_loop" in listing.stdout
