"""How long grading a class takes: ``sweepgrad bench grading``.

Builds ``students`` submissions of every chapter from the released key and
starter: references as modules and as notebooks, starters, and references
with a classic mistake or two written in (``=`` for ``+=`` in the sweep, an
uphill SGD step, unshuffled batches), then grades them all as ``sweepgrad
grade`` does and reports the wall time, in the bubblewrap sandbox and
without it (``--no-sandbox``), the two alternating so that a busy machine
weighs on both alike; with ``repeats`` runs each way it prints the range.
The course's goal: 30 submissions in under 5 minutes on 2 cores.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from engine.app.classroom.grading import Limits, grade
from engine.app.classroom.registry import in_order
from engine.app.classroom.release import release
from engine.app.classroom.sandbox import Isolation, SandboxUnavailable

# (chapter file, text in the key, what a student wrote instead)
MISTAKES = [
    ("graph.py", "parent.grad += local_grad * node.grad", "parent.grad = local_grad * node.grad"),
    ("training.py", "p.data -= lr * p.grad", "p.data += lr * p.grad"),
    ("training.py", "rng.shuffle(order)", "order.sort()"),
    ("training_loop.py", "model.zero_grad()", "pass"),
]


@dataclass(frozen=True)
class GradingTime:
    """Wall times of grading one class, in the bubblewrap sandbox and without it."""

    students: int
    exercises: int
    jobs: int
    sandboxed: list[float]
    unconfined: list[float]

    @property
    def seconds(self) -> float:
        """The best time in the sandbox (what a teacher waits, on a quiet machine)."""
        return min(self.sandboxed or self.unconfined)

    def __str__(self) -> str:
        def spread(times: list[float]) -> str:
            if not times:
                return "not measured (no bubblewrap here)"
            low, high = min(times), max(times)
            return f"{low:.1f} s" if len(times) == 1 else f"{low:.1f} to {high:.1f} s"

        head = (f"graded {self.students} submissions x {self.exercises} exercises with "
                f"{self.jobs} process{'es' * (self.jobs != 1)} at a time, "
                f"{len(self.unconfined)} run(s) each way, interleaved:")
        ratio = (f"\n  the sandbox costs {min(self.sandboxed) / min(self.unconfined):.2f}x "
                 "(best against best)" if self.sandboxed and self.unconfined else "")
        return (f"{head}\n  in the bubblewrap sandbox: {spread(self.sandboxed)} "
                f"({self.seconds / self.students:.2f} s per submission)"
                f"\n  without a sandbox:         {spread(self.unconfined)}{ratio}")


def make_class(folder: Path, students: int) -> Path:
    """``students`` submission folders under ``folder / "class"``."""
    release(folder / "key", solutions=True)
    release(folder / "starter")
    root = folder / "class"
    for number in range(students):
        student = root / f"student{number + 1:02d}"
        kind = number % 4
        if kind == 1:
            shutil.copytree(folder / "key" / "notebooks", student)
        elif kind == 2 and number % 8 == 2:
            shutil.copytree(folder / "starter" / "modules", student)
        else:
            shutil.copytree(folder / "key" / "modules", student)
            if kind != 0:
                file, right, wrong = MISTAKES[number % len(MISTAKES)]
                path = student / file
                path.write_text(path.read_text(encoding="utf-8").replace(right, wrong),
                                encoding="utf-8")
    return root


def run(students: int = 30, jobs: int | None = None, seconds: float = 60.0,
        repeats: int = 2) -> GradingTime:
    """Grade one generated class ``repeats`` times each way, sandbox and none alternating."""
    numbers = [e.number for e in in_order()]
    try:
        sandbox: Isolation | None = Isolation.bubblewrap()
    except SandboxUnavailable:
        sandbox = None
    ways = [w for w in (sandbox, Isolation.none()) if w is not None]
    times: dict[str, list[float]] = {"bubblewrap": [], "none": []}
    with tempfile.TemporaryDirectory(prefix="sweepgrad-bench-") as folder:
        root = make_class(Path(folder), students)
        for _ in range(repeats):
            for way in ways:
                started = time.perf_counter()
                grade(root, numbers, Limits(seconds=seconds), jobs=jobs, isolation=way)
                times[way.kind].append(time.perf_counter() - started)
    return GradingTime(students, len(numbers), jobs or os.cpu_count() or 1,
                       times["bubblewrap"], times["none"])
