"""Where no one mistake fits, the report says what it observed, and names nothing
untrue: the cases that used to get a confident, wrong name (any sweep that
passes nothing on called "not seeded", a bad ε read off rounding noise, any
shape error called a transpose, "zeroed too late" when no epoch ran), and the
points policy on a solution that does nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.app.classroom import EXERCISES, MISTAKES, select
from engine.app.classroom.registry import run_exercise
from engine.app.classroom.submission import load_chapter


def graded(release: Path, tmp_path: Path, exercise: str, code: str):
    ex = EXERCISES[exercise]
    key = (release / "key" / "modules" / f"{ex.chapter}.py").read_text(encoding="utf-8")
    (tmp_path / f"{ex.chapter}.py").write_text(f"{key}\n\n{code}", encoding="utf-8")
    chapter = load_chapter(tmp_path, ex.chapter)
    assert not chapter.error, chapter.error
    result = run_exercise(ex, chapter.functions, chapter.files)
    assert result.status == "failed", result.report()
    return result


def test_a_seeded_sweep_that_passes_nothing_on_is_not_called_unseeded(release, tmp_path):
    result = graded(release, tmp_path, "2.2", '''
def backward(root):
    root.grad = 1.0
    for node in reversed(engine_topological_order(root)):
        node.grad += 0.0
''')
    report = result.report()
    assert "root_not_seeded" not in result.mistakes()
    assert "no gradient reached any node below the output" in report
    assert set(result.mistakes()) <= {"nothing_passed_on"}


def test_a_sweep_that_does_nothing_is_told_apart_from_one_never_seeded(release, tmp_path):
    idle = graded(release, tmp_path, "2.2", "def backward(root):\n    pass\n")
    assert "root_not_seeded" not in idle.mistakes()
    assert "every .grad is still 0 after backward, the output's included" in idle.report()
    assert idle.points == 0
    (tmp_path / "unseeded").mkdir()
    unseeded = graded(release, tmp_path / "unseeded", "2.2", '''
def backward(root):
    for node in reversed(engine_topological_order(root)):
        for parent, local in zip(node.parents, node.local_grads):
            parent.grad += local * node.grad
''')
    assert "root_not_seeded" in unseeded.mistakes()
    assert "comes out half the right one" in unseeded.report()


def test_a_tiny_default_eps_is_read_exactly_not_off_rounding_noise(release, tmp_path):
    result = graded(release, tmp_path, "3.2", '''
def central_difference(f, point, index, eps=1e-12):
    above, below = list(point), list(point)
    above[index] += eps
    below[index] -= eps
    return (f(above) - f(below)) / (2 * eps)
''')
    assert result.mistakes() == ["bad_eps"]
    assert "steps by ε = 1e-12" in result.report()


def test_a_quotient_of_exactly_zero_is_said_so_and_not_named(release, tmp_path):
    result = graded(release, tmp_path, "3.2",
                    "def central_difference(f, point, index, eps=1e-6):\n    return 0.0\n")
    assert "bad_eps" not in result.mistakes() and "eps_ignored" not in result.mistakes()
    assert "expected 5" in result.report()


def test_a_shape_error_that_is_no_transpose_is_not_called_one(release, tmp_path):
    result = graded(release, tmp_path, "6.1", '''
def two_layer_gradients(V, W, x, y):
    z = np.tanh(V @ x)
    out = W @ z
    loss = float(np.sum((out - y) ** 2))
    delta = 2.0 * (out - y)
    return loss, np.outer((W.T @ delta) * (1.0 - z ** 2), z), np.outer(delta, z)
''')
    assert "transpose" not in result.mistakes()
    assert "has shape (4, 4), expected (4, 3)" in result.report()


def test_a_loop_that_runs_no_epoch_is_not_called_zeroed_too_late(release, tmp_path):
    result = graded(release, tmp_path, "7.2", '''
def train(model, inputs, targets, loss, epochs, batch_size, lr, rng):
    return []
''')
    assert "zeroed_too_late" not in result.mistakes()
    assert "no parameter moved, and the model was never called" in result.report()


def test_the_loss_list_is_counted(release, tmp_path):
    result = graded(release, tmp_path, "7.2", '''
def train(model, inputs, targets, loss, epochs, batch_size, lr, rng):
    n, losses = len(inputs), []
    for _ in range(epochs):
        order = list(range(n))
        rng.shuffle(order)
        for start in range(0, n, batch_size):
            batch = order[start:start + batch_size]
            model.zero_grad()
            objective = batch_loss(model, [inputs[i] for i in batch],
                                   [targets[i] for i in batch], loss)
            objective.backward()
            for p in model.parameters():
                p.data -= lr * p.grad
        losses = [objective.data]
    return losses
''')
    assert result.mistakes()[0] == "wrong_losses"
    assert "the loss list has 1 entry for 2 steps" in result.report()


def test_numbers_show_the_digits_where_they_differ(release, tmp_path):
    result = graded(release, tmp_path, "3.2", '''
def central_difference(f, point, index, eps=1e-6):
    above, below = list(point), list(point)
    above[index] += eps
    below[index] -= eps
    return (f(above) - f(below)) / (2 * eps) * (1 + 1e-9)
''')
    assert "5.00000001, expected 5 (exact for any ε)" in result.report()
    assert "3.010000003, expected 3.01" in result.report()


def test_hints_are_written_for_the_exercise(release, tmp_path):
    sign = MISTAKES["wrong_sign"]
    hints = {number: EXERCISES[number].hints.get("wrong_sign", sign.hint)
             for number in ("1.1", "2.2", "3.2", "5.2", "6.1", "9.2")}
    assert len(set(hints.values())) == len(hints)
    assert not any("1/b" in text for number, text in hints.items() if number != "1.1")
    engine_hints = {number: EXERCISES[number].hints.get("engine_call")
                    for number in ("6.1", "6.2", "9.2")}
    assert all(text and "numpy" in text and "Value(" not in text
               for text in engine_hints.values())


@pytest.mark.parametrize("number", [e.number for e in select("all")])
def test_a_solution_that_does_nothing_earns_nothing(number: str):
    ex = EXERCISES[number]

    def nothing(*args, **kwargs):
        return None

    result = run_exercise(ex, {name: nothing for name in ex.functions})
    assert result.points == 0, result.report()
    assert result.status == "failed"
