"""``sweepgrad bench grading``: the class it builds and the time it prints."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from engine.app.benchmarks.grading_speed import make_class, run


def test_the_class_mixes_references_starters_and_mistakes(tmp_path: Path):
    root = make_class(tmp_path, 8)
    students = sorted(p.name for p in root.iterdir())
    assert students == [f"student{n:02d}" for n in range(1, 9)]
    assert (root / "student02" / "graph.ipynb").exists()
    assert "NotImplementedError" in (root / "student03" / "graph.py").read_text()
    assert "order.sort()" in (root / "student07" / "training.py").read_text()
    assert "model.zero_grad()" not in (root / "student04" / "training_loop.py").read_text()


def test_the_benchmark_grades_and_times_a_small_class():
    timing = run(students=2, jobs=2, repeats=1)
    assert timing.students == 2 and timing.exercises >= 17 and timing.seconds > 0
    assert len(timing.unconfined) == 1 and len(timing.sandboxed) in (0, 1)
    assert "graded 2 submissions" in str(timing)


def test_the_command_prints_both_figures():
    command = [sys.executable, "-m", "engine.app.cli", "bench", "grading", "--students", "1",
               "--repeats", "1"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr
    assert re.match(r"graded 1 submissions x \d+ exercises", result.stdout)
    assert re.search(r"in the bubblewrap sandbox: ([\d.]+ s|not measured)", result.stdout)
    assert re.search(r"without a sandbox: +[\d.]+ s", result.stdout)
