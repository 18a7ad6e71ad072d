"""Both directions of every exercise's checks: the reference solutions get full
marks, the starters zero with "not implemented yet", as modules and as notebooks."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.app.classroom import EXERCISES, select
from engine.app.classroom.registry import run_exercise
from engine.app.classroom.submission import load_chapter

NUMBERS = [e.number for e in select("all")]


def result(folder: Path, number: str):
    ex = EXERCISES[number]
    chapter = load_chapter(folder, ex.chapter)
    assert chapter.files, f"no {ex.chapter} file in {folder}"
    assert not chapter.error, chapter.error
    return run_exercise(ex, chapter.functions, chapter.files)


def test_the_course_has_its_sixteen_and_more_exercises():
    assert len(NUMBERS) >= 17
    assert {"2.2", "5.3", "7.1", "7.2"} <= set(NUMBERS)
    assert all(len(EXERCISES[n].checks) >= 3 for n in NUMBERS)


@pytest.mark.parametrize("kind", ["modules", "notebooks"])
@pytest.mark.parametrize("number", NUMBERS)
def test_the_reference_solution_gets_full_marks(release: Path, kind: str, number: str):
    graded = result(release / "key" / kind, number)
    assert graded.status == "passed", graded.report()
    assert graded.points == graded.max_points == EXERCISES[number].points > 0


@pytest.mark.parametrize("kind", ["modules", "notebooks"])
@pytest.mark.parametrize("number", NUMBERS)
def test_the_starter_gets_zero_and_says_not_implemented_yet(release: Path, kind: str,
                                                            number: str):
    graded = result(release / "starter" / kind, number)
    assert graded.status == "failed"
    assert graded.points == 0
    assert graded.message.startswith("not implemented yet")
    assert "not implemented yet" in graded.report()
    assert all(check.mistake == "not_implemented" for check in graded.checks)
