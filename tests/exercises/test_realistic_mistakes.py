"""Realistic wrong solutions, graded as ``sweepgrad check`` grades them: every one
caught, nine in ten named in words, and none given a name that is not true of it.

All of them run in this process (the checks and the report are the ones a
``sweepgrad check`` worker runs and prints); a few also go through the
command itself, which must print the same report.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.app.classroom import EXERCISES, MISTAKES
from engine.app.classroom.registry import run_exercise
from engine.app.classroom.submission import load_chapter
from engine.app.cli import main
from tests.exercises.realistic_wrong import REALISTIC, Realistic

pytestmark = pytest.mark.slow

BY_NAME = {m.name: key for key, m in MISTAKES.items()}


def names_in(report: str) -> tuple[set[str], list[set[str]]]:
    """The keys of the mistakes a report names ("Looks like: …"), and each list of
    candidates it gives ("Could be: … or …")."""
    named: set[str] = set()
    candidates: list[set[str]] = []
    for line in report.splitlines():
        line = line.strip()
        if line.startswith("Looks like: "):
            named |= {key for name, key in BY_NAME.items()
                      if line.startswith(f"Looks like: {name}. ")}
        elif line.startswith("Could be: "):
            candidates.append({key for name, key in BY_NAME.items() if name in line})
    return named, candidates


def submission(release: Path, folder: Path, wrong: Realistic) -> Path:
    chapter = EXERCISES[wrong.exercise].chapter
    key = (release / "key" / "modules" / f"{chapter}.py").read_text(encoding="utf-8")
    folder.mkdir()
    (folder / f"{chapter}.py").write_text(f"{key}\n\n{wrong.code}", encoding="utf-8")
    return folder


def report_of(folder: Path, wrong: Realistic) -> tuple[str, str]:
    ex = EXERCISES[wrong.exercise]
    chapter = load_chapter(folder, ex.chapter)
    assert not chapter.error, chapter.error
    result = run_exercise(ex, chapter.functions, chapter.files)
    return result.status, result.report()


def test_every_realistic_mistake_is_caught_named_truly_and_mostly_named(
        release: Path, tmp_path: Path):
    assert len(REALISTIC) >= 40
    assert len({w.name for w in REALISTIC}) == len(REALISTIC)
    named, wrongly, passed = [], [], []
    for index, wrong in enumerate(REALISTIC):
        status, report = report_of(submission(release, tmp_path / f"s{index}", wrong), wrong)
        if status == "passed":
            passed.append(wrong.name)
        given, candidates = names_in(report)
        # A name must be true of it; a list of candidates must hold a true one.
        untrue = given - wrong.true_names
        if untrue or any(not (c & wrong.true_names) for c in candidates):
            wrongly.append(f"{wrong.exercise} {wrong.name}: {sorted(given)} {candidates}\n"
                           f"{report}")
        if given or candidates:
            named.append(wrong.name)
    assert not passed, passed
    assert not wrongly, "\n\n".join(wrongly)
    assert len(named) >= 0.9 * len(REALISTIC), sorted(
        {w.name for w in REALISTIC} - set(named))


@pytest.mark.parametrize("name", ["the seed set to 0", "a default ε of 0.01",
                                  "no epoch at all"])
def test_sweepgrad_check_prints_the_same_report(release: Path, tmp_path: Path, capsys,
                                                name: str):
    wrong = next(w for w in REALISTIC if w.name == name)
    folder = submission(release, tmp_path / "student", wrong)
    _, report = report_of(folder, wrong)
    capsys.readouterr()
    assert main(["check", wrong.exercise, str(folder)]) == 1
    printed = capsys.readouterr().out
    assert report.replace(str(folder), "") in printed.replace(str(folder), "")


def test_each_lists_only_mistakes_there_are():
    for wrong in REALISTIC:
        assert wrong.true_names <= set(MISTAKES), wrong.name


def test_names_in_reads_both_forms():
    text = ("      Looks like: `=` instead of `+=`. A node used twice …\n"
            "      Could be: the output's gradient is not set to 1, or nothing is passed on "
            "along the edges.\n")
    assert names_in(text) == ({"assign_not_accumulate"}, [{"root_not_seeded", "nothing_passed_on"}])
