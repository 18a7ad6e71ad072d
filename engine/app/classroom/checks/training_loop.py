"""Checks of chapter 7 (``training_loop``): the mean loss of a batch, and the
whole minibatch SGD loop (zero the gradients, mean over the batch, step,
shuffle every epoch).

The student's loop trains a small labelled MLP on a model that records
which examples it sees between two parameter updates, so the batches the
loop really used are known. The parameters after training are compared
with ``reference_train``, the loop done right, and then with the same loop
with one classic mistake switched on; the batches seen are judged by
chapter 5's ``diagnose_batches``.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import Any

import nn
import nn.losses
from engine import Value
from engine.app.classroom.checks.training import diagnose_batches
from engine.app.classroom.diagnose import close, number, refuse_engine
from engine.app.classroom.kinds import Recording, squared
from engine.app.classroom.mistakes import (
    ASSIGN_NOT_ACCUMULATE,
    BATCH_ORDER_ONLY,
    DETACHED,
    LAST_BATCH_DROPPED,
    MEAN_TWICE,
    NO_MEAN,
    NO_SHUFFLE,
    NOT_ZEROED,
    REBINDING,
    SAME_SHUFFLE,
    STEP_BEFORE_BACKWARD,
    UPDATE_SIGN,
    WRONG_LOSSES,
    WRONG_TYPE,
    ZEROED_TOO_LATE,
    Mistake,
)
from engine.app.classroom.registry import check_of, exercise
from engine.app.classroom.results import CheckFailed

exercise("7.1", "training_loop", ("batch_loss",), "the mean loss of a batch", points=2)
exercise("7.2", "training_loop", ("train",), "the training loop", points=3)

Loss = Callable[[Value, float], Value]


def data(n: int, seed: int) -> tuple[list[list[float]], list[float]]:
    rng = random.Random(seed)
    inputs = [[rng.uniform(-1, 1), rng.uniform(-1, 1)] for _ in range(n)]
    return inputs, [x[0] * 0.5 - x[1] + rng.uniform(-0.1, 0.1) for x in inputs]


def model(seed: int) -> nn.MLP:
    mlp = nn.MLP(2, [3, 1], activation="tanh", seed=seed)
    for k, p in enumerate(mlp.parameters()):  # nn starts every bias at 0: make them differ
        if p.label and p.label.endswith(".b"):
            p.data = 0.1 * (k % 5) - 0.2
    return mlp


def reference_train(
    net: Any, inputs: Sequence[Sequence[float]], targets: Sequence[float], loss: Loss,
    epochs: int, batch_size: int, lr: float, rng: random.Random, *, zero: str = "before",
    mean: int = 1, sign: float = 1.0, shuffle: str = "every", drop_last: bool = False,
    update: bool = True,
) -> list[float]:
    """Minibatch SGD done right; each keyword switches one classic mistake on."""
    n = len(inputs)
    losses: list[float] = []
    first: list[int] | None = None
    for _ in range(epochs):
        order = list(range(n))
        if shuffle == "every" or (shuffle == "once" and first is None):
            rng.shuffle(order)
            first = first or order
        if shuffle == "once" and first is not None:
            order = list(first)
        batches = [order[s : s + batch_size] for s in range(0, n, batch_size)]
        if shuffle == "batches":
            rng.shuffle(batches)
        if drop_last:
            batches = [b for b in batches if len(b) == batch_size]
        if zero == "epoch":
            net.zero_grad()
        for batch in batches:
            if zero == "before":
                net.zero_grad()
            total = Value(0.0)
            for i in batch:
                total = total + loss(net(inputs[i]), targets[i])
            objective = total * (1.0 / len(batch)) ** mean
            if zero == "step first" and update:
                for p in net.parameters():
                    p.data -= sign * lr * p.grad
                net.zero_grad()
            objective.backward()
            if zero == "late":
                net.zero_grad()
            if update and zero != "step first":
                for p in net.parameters():
                    p.data -= sign * lr * p.grad
            losses.append(objective.data)
    return losses


TRAIN_MISTAKES: list[tuple[Mistake, dict[str, Any]]] = [
    (NOT_ZEROED, {"zero": "never"}), (NOT_ZEROED, {"zero": "epoch"}),
    (ZEROED_TOO_LATE, {"zero": "late"}), (STEP_BEFORE_BACKWARD, {"zero": "step first"}),
    (MEAN_TWICE, {"mean": 2}), (NO_MEAN, {"mean": 0}), (UPDATE_SIGN, {"sign": -1.0}),
    (REBINDING, {"update": False}), (NO_SHUFFLE, {"shuffle": "none"}),
    (SAME_SHUFFLE, {"shuffle": "once"}), (BATCH_ORDER_ONLY, {"shuffle": "batches"}),
    (LAST_BATCH_DROPPED, {"drop_last": True}),
]


# --- Exercise 7.1: the mean loss of a batch ----------------------------------------------


def _batch_loss(student: Any, net: Any, inputs: list, targets: list) -> Value:
    result = student.batch_loss(net, inputs, targets, squared)
    if not isinstance(result, Value):
        raise CheckFailed(f"batch_loss returned {type(result).__name__}, expected a Value",
                          DETACHED if isinstance(result, (int, float)) else WRONG_TYPE)
    return result


def _batch_check(size: int) -> Callable[[Any], None]:
    def run(student: Any) -> None:
        inputs, targets = data(size, 70 + size)
        mine, theirs = model(3), model(3)
        got = _batch_loss(student, mine, inputs, targets)
        got.backward()
        want = reference_train(theirs, inputs, targets, squared, 1, size, 0.0,
                               random.Random(0), update=False)[0]
        what = f"a batch of {size}: loss {number(got.data)}, expected {number(want)}"
        if not close(got.data, want, 1e-10):
            mistake = NO_MEAN if close(got.data, want * size) else (
                MEAN_TWICE if close(got.data, want / size) else None)
            fresh = model(3)
            singles = [squared(Value(float(fresh(x))), y).data  # type: ignore[arg-type]
                       for x, y in zip(inputs, targets)]
            if mistake is None and size > 1 and any(close(got.data, one) for one in singles):
                mistake = ASSIGN_NOT_ACCUMULATE  # one example's loss kept, not the sum
            raise CheckFailed(what, mistake)
        for p, q in zip(mine.parameters(), theirs.parameters()):
            if not close(p.grad, q.grad, 1e-9, 1e-12):
                raise CheckFailed(f"a batch of {size}: {p.label}.grad is {number(p.grad)}, "
                                  f"expected {number(q.grad)}",
                                  DETACHED if all(x.grad == 0 for x in mine.parameters())
                                  else None)

    return run


check_of("7.1", "a batch of 4: value and gradients")(_batch_check(4))
check_of("7.1", "a batch of 1")(_batch_check(1))
check_of("7.1", "a batch of 7")(_batch_check(7))


@check_of("7.1", "its own mean, not nn's")
def batch_loss_by_hand(student: Any) -> None:
    inputs, targets = data(3, 1)
    refuse_engine(lambda: _batch_loss(student, model(1), inputs, targets),
                  {"nn.mean": nn.losses.mean,
                   "nn.mean_squared_error": nn.losses.mean_squared_error}, "batch_loss")


# --- Exercise 7.2: the training loop ------------------------------------------------------


def compare_training(student: Any, n: int, batch_size: int, epochs: int, seed: int) -> None:
    inputs, targets = data(n, seed)
    recording = Recording(model(seed), inputs)
    losses = student.train(recording, inputs, targets, squared, epochs, batch_size, 0.2,
                           random.Random(seed))
    reference = model(seed)
    want = reference_train(reference, inputs, targets, squared, epochs, batch_size, 0.2,
                           random.Random(seed))
    final = [p.data for p in recording.parameters()]
    setting = f"{epochs} epoch(s) of n = {n}, B = {batch_size}, η = 0.2"
    wrong = [(p.label, a, b.data) for p, a, b in zip(recording.parameters(), final,
                                                       reference.parameters())
             if not close(a, b.data, 1e-9, 1e-12)]
    if not wrong:
        if not isinstance(losses, list) or len(losses) != len(want) or not all(
                close(a, b, 1e-9, 1e-12) for a, b in zip(losses, want)):
            shown = losses[:3] if isinstance(losses, list) else losses
            first_steps = [round(w, 6) for w in want[:3]]
            raise CheckFailed(f"{setting}: the parameters are right but the losses returned are "
                              f"{shown}…, expected one per step: {first_steps}…", WRONG_LOSSES)
        return
    label, got, expected = wrong[0]
    detail = (f"{setting}: after training {label} is {number(got)}, expected {number(expected)}"
              f" ({len(wrong)} of {len(final)} parameters differ)")
    detail += _first_wrong_step(losses, want, -(-n // batch_size))
    initial = [p.data for p in model(seed).parameters()]
    if all(a == b for a, b in zip(final, initial)):
        # Nothing moved: rebound (the gradients are still there) or zeroed before the step.
        grads = [p.grad for p in recording.parameters()]
        moved = " (no parameter moved)"
        raise CheckFailed(detail + moved, ZEROED_TOO_LATE if all(g == 0 for g in grads)
                          else REBINDING)
    for mistake, switches in TRAIN_MISTAKES:
        variant = model(seed)
        reference_train(variant, inputs, targets, squared, epochs, batch_size, 0.2,
                        random.Random(seed), **switches)
        if all(close(a, b.data, 1e-9, 1e-12) for a, b in zip(final, variant.parameters())):
            raise CheckFailed(detail, mistake)
    seen = recording.batches()
    per_epoch = -(-n // batch_size)
    epochs_seen = [seen[k : k + per_epoch] for k in range(0, len(seen), per_epoch)]
    if len(seen) == epochs * per_epoch:
        found = diagnose_batches(epochs_seen, n, batch_size)
        if found:
            raise CheckFailed(f"{detail}. Batches seen: {found[1]}", found[0])
    raise CheckFailed(detail)


def _first_wrong_step(losses: Any, want: list[float], per_epoch: int) -> str:
    """Where the returned losses first part from the right ones, if they can be read."""
    if not isinstance(losses, list) or not all(isinstance(x, (int, float)) for x in losses):
        return ""
    for step, (got, right) in enumerate(zip(losses, want)):
        if not close(got, right, 1e-9, 1e-12):
            epoch, batch = divmod(step, per_epoch)
            return (f"; the loss first differs at step {step + 1} (epoch {epoch + 1}, batch "
                    f"{batch + 1}): {number(got)}, expected {number(right)}")
    return ""


@check_of("7.2", "one epoch, n = 6, B = 3")
def train_one_epoch(student: Any) -> None:
    compare_training(student, 6, 3, 1, 71)


@check_of("7.2", "3 epochs, n = 7, B = 3 (a smaller last batch)")
def train_three_epochs(student: Any) -> None:
    compare_training(student, 7, 3, 3, 72)


@check_of("7.2", "4 epochs, n = 8, B = 2")
def train_four_epochs(student: Any) -> None:
    compare_training(student, 8, 2, 4, 73)


@check_of("7.2", "its own loop, not nn.fit, nn.SGD or nn.Minibatches")
def train_by_hand(student: Any) -> None:
    inputs, targets = data(4, 2)
    forbidden = {"nn.fit": nn.fit, "nn.SGD.step": nn.SGD.step,
                 "nn.Minibatches": nn.Minibatches.__iter__}
    refuse_engine(lambda: student.train(model(2), inputs, targets, squared, 1, 2, 0.1,
                                        random.Random(0)), forbidden, "train")
