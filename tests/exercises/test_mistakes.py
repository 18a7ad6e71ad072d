"""Each named mistake, made on purpose, is caught and named.

Every wrong solution in ``wrong_solutions.py`` replaces one function of the
reference key; its exercise must fail, and the failure must name the mistake
(in words: the report shows the mistake's name, why, and a hint).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.app.classroom import EXERCISES, MISTAKES
from engine.app.classroom.registry import run_exercise
from engine.app.classroom.submission import load_chapter
from tests.exercises.wrong_solutions import WRONG, Wrong

# The mistakes the course promises to name, by key: each needs a wrong solution here.
LISTED = {
    "assign_not_accumulate", "missing_local_factor", "missing_upstream_factor", "forward_order",
    "recursion", "visited_twice", "update_sign", "rebinding", "not_zeroed", "mean_twice",
    "no_mean", "no_shuffle", "same_shuffle", "batch_order_only", "last_batch_dropped",
    "last_batch_padded", "unstable_softmax", "unstable_sigmoid", "transpose",
    "derivative_wrong_layer", "last_layer_activated", "last_layer_dropped", "bias_mixup",
    "forward_difference", "bad_eps", "eps_ignored", "engine_call", "root_not_seeded",
    "max_not_restored", "one_example_kept", "loss_arguments_swapped", "zeroed_too_late",
    "rng_ignored",
}


def graded(release: Path, tmp_path: Path, wrong: Wrong):
    ex = EXERCISES[wrong.exercise]
    key = (release / "key" / "modules" / f"{ex.chapter}.py").read_text(encoding="utf-8")
    (tmp_path / f"{ex.chapter}.py").write_text(f"{key}\n\n{wrong.code}", encoding="utf-8")
    chapter = load_chapter(tmp_path, ex.chapter)
    assert not chapter.error, chapter.error
    return run_exercise(ex, chapter.functions, chapter.files)


def ex_hint(number: str, key: str) -> str:
    """The hint exercise ``number`` gives for mistake ``key``: its own, else the mistake's."""
    return EXERCISES[number].hints.get(key, MISTAKES[key].hint)


# Named only in other ways: a stub by the starters' own tests, and dw/dw = 1 missing only as a
# candidate (a chain rule that gives 0 everywhere cannot be told from one that does nothing).
NOT_MADE_HERE = {"not_implemented", "w_not_seeded"}


def test_every_listed_mistake_has_a_wrong_solution():
    assert LISTED <= {w.mistake for w in WRONG}
    assert {w.mistake for w in WRONG} <= set(MISTAKES)
    assert set(MISTAKES) - NOT_MADE_HERE == {w.mistake for w in WRONG}


@pytest.mark.parametrize("wrong", WRONG, ids=lambda w: f"{w.exercise} {w.name}")
def test_a_wrong_solution_is_caught_and_named(release: Path, tmp_path: Path, wrong: Wrong):
    result = graded(release, tmp_path, wrong)
    assert result.status == "failed", result.report()
    assert result.points < result.max_points
    assert wrong.mistake in result.mistakes(), result.report()
    report = result.report()
    mistake = MISTAKES[wrong.mistake]
    hint = ex_hint(wrong.exercise, wrong.mistake)
    assert f"Looks like: {mistake.name}" in report and hint in report
    assert "assert" not in report.lower() and "Program(" not in report


def test_calling_the_engine_earns_nothing(release: Path, tmp_path: Path):
    wrong = next(w for w in WRONG if w.mistake == "engine_call" and w.exercise == "2.2")
    result = graded(release, tmp_path, wrong)
    assert result.points == 0
    assert "Value.backward" in result.report()


def test_a_failed_sweep_names_the_node(release: Path, tmp_path: Path):
    wrong = next(w for w in WRONG if w.mistake == "assign_not_accumulate" and w.exercise == "2.2")
    report = graded(release, tmp_path, wrong).report()
    assert "'a'" in report and "expected" in report


def test_a_network_mistake_names_the_weight(release: Path, tmp_path: Path):
    wrong = next(w for w in WRONG if w.mistake == "bias_mixup")
    report = graded(release, tmp_path, wrong).report()
    assert "L1.N2.b" in report


def through_the_sandbox() -> list[Wrong]:
    """A wrong solution of each exercise, and every one about the rules of the game."""
    chosen: dict[str, Wrong] = {}
    for wrong in WRONG:
        chosen.setdefault(wrong.exercise, wrong)
    rules = [w for w in WRONG if w.mistake in ("engine_call", "recursion")]
    return list(dict.fromkeys([*chosen.values(), *rules]))


@pytest.fixture(scope="module")
def sandboxed(release: Path, tmp_path_factory) -> dict:
    from concurrent.futures import ThreadPoolExecutor

    from engine.app.classroom.grading import Limits, grade_submission
    from engine.app.classroom.sandbox import Isolation, SandboxUnavailable

    try:
        isolation = Isolation.bubblewrap()
    except SandboxUnavailable as missing:
        pytest.skip(str(missing))
    root = tmp_path_factory.mktemp("wrong")
    wrongs = through_the_sandbox()

    def one(index: int) -> object:
        wrong = wrongs[index]
        ex = EXERCISES[wrong.exercise]
        folder = root / str(index)
        folder.mkdir()
        key = (release / "key" / "modules" / f"{ex.chapter}.py").read_text(encoding="utf-8")
        (folder / f"{ex.chapter}.py").write_text(f"{key}\n\n{wrong.code}", encoding="utf-8")
        (result,) = grade_submission(folder, [wrong.exercise], Limits(seconds=60),
                                     isolation=isolation)
        return result

    with ThreadPoolExecutor(2) as pool:
        return dict(zip(wrongs, pool.map(one, range(len(wrongs)))))


@pytest.mark.parametrize("wrong", through_the_sandbox(), ids=lambda w: f"{w.exercise} {w.name}")
def test_the_sandboxed_grader_names_the_same_mistake(sandboxed: dict, wrong: Wrong):
    result = sandboxed[wrong]
    assert result.status == "failed", result.report()
    assert wrong.mistake in result.mistakes(), result.report()
    if wrong.mistake == "engine_call":
        assert result.points == 0, result.report()
