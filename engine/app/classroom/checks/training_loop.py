"""Checks of chapter 7 (``training_loop``): the mean loss of a batch, and the
whole minibatch SGD loop (zero the gradients, mean over the batch, step,
shuffle every epoch with the generator given), checked with a symmetric and
a skewed loss (so a loss called with its arguments swapped shows) and batch
sizes that leave a last partial batch.

The student's loop trains a small labelled MLP on a model that records
which examples it sees between two parameter updates and whether gradients
were there when it was zeroed (``kinds.Recording``), so the batches the
loop really used, and why nothing moved when nothing did, are known. The
parameters after training are compared with ``reference_train``, the loop
done right, and then with the same loop with each classic mistake switched
on (a mistake is named when exactly one variant gives the same parameters);
the batches seen are judged by chapter 5's ``diagnose_batches``.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import Any

import nn
import nn.losses
from engine import Value
from engine.app.classroom.checks.training import diagnose_batches
from engine.app.classroom.diagnose import close, number, refuse_engine, versus
from engine.app.classroom.kinds import Recording, skewed, squared
from engine.app.classroom.mistakes import (
    BACKWARD_MISSING,
    BATCH_ORDER_ONLY,
    DETACHED,
    ENGINE_CALL,
    EPOCH_COUNT,
    LAST_BATCH_DROPPED,
    LOSS_ARGUMENTS_SWAPPED,
    MEAN_TWICE,
    NO_MEAN,
    NO_SHUFFLE,
    NOT_ZEROED,
    ONE_EXAMPLE_KEPT,
    REBINDING,
    RNG_IGNORED,
    SAME_SHUFFLE,
    STEP_BEFORE_BACKWARD,
    UPDATE_SIGN,
    WRONG_LOSSES,
    WRONG_TYPE,
    ZEROED_TOO_LATE,
    Mistake,
)
from engine.app.classroom.registry import check_of, exercise, hint
from engine.app.classroom.results import CheckFailed
from engine.naming import node_name

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
    update: bool = True, swapped: bool = False,
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
                prediction = net(inputs[i])
                total = total + (loss(targets[i], prediction) if swapped  # type: ignore[arg-type]
                                 else loss(prediction, targets[i]))
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
    (LAST_BATCH_DROPPED, {"drop_last": True}), (LOSS_ARGUMENTS_SWAPPED, {"swapped": True}),
]


# --- Exercise 7.1: the mean loss of a batch ----------------------------------------------


def _batch_loss(student: Any, net: Any, inputs: list, targets: list, loss: Loss) -> Value:
    result = student.batch_loss(net, inputs, targets, loss)
    if not isinstance(result, Value):
        raise CheckFailed(f"batch_loss returned {type(result).__name__}, expected a Value",
                          DETACHED if isinstance(result, (int, float)) else WRONG_TYPE)
    return result


def _batch_check(size: int, loss: Loss) -> Callable[[Any], None]:
    def run(student: Any) -> None:
        inputs, targets = data(size, 70 + size)
        mine, theirs = Recording(model(3), inputs), model(3)
        got = _batch_loss(student, mine, inputs, targets, loss)
        got.backward()
        want = reference_train(theirs, inputs, targets, loss, 1, size, 0.0,
                               random.Random(0), update=False)[0]
        what = f"a batch of {size} with the loss {loss.__name__}"
        if not close(got.data, want, 1e-10):
            raise _wrong_batch_loss(got.data, want, size, inputs, targets, loss, mine, what)
        for p, q in zip(mine.parameters(), theirs.parameters()):
            if not close(p.grad, q.grad, 1e-9, 1e-12):
                detached = all(x.grad == 0 for x in mine.parameters())
                raise CheckFailed(f"{what}: the grad of {node_name(p)} is {versus(p.grad, q.grad)}"
                                  + ("; no parameter has a gradient" if detached else ""),
                                  DETACHED if detached else None)

    return run


def _wrong_batch_loss(got: float, want: float, size: int, inputs: list, targets: list,
                      loss: Loss, seen: Recording, what: str) -> CheckFailed:
    """Which mistake a wrong batch loss equals, judged against every variant at once."""
    detail = f"{what}: loss {versus(got, want)}"
    called = len(seen.seen)
    if called != size:
        detail += f"; the model was called {called} time{'s' * (called != 1)} for {size} examples"
    fresh = model(3)
    predictions: list[Any] = [fresh(x) for x in inputs]
    singles = [loss(p, y).data for p, y in zip(predictions, targets)]
    swapped = sum(loss(y, p).data for p, y in zip(predictions, targets))
    fits: list[Mistake] = []
    if size > 1 and close(got, want * size):
        fits.append(NO_MEAN)
    if size > 1 and close(got, want / size):
        fits.append(MEAN_TWICE)
    if size > 1 and any(close(got, one) or close(got, one / size) for one in singles):
        fits.append(ONE_EXAMPLE_KEPT)
    if close(got, swapped / size):
        fits.append(LOSS_ARGUMENTS_SWAPPED)
    if len(fits) == 1:
        return CheckFailed(detail, fits[0])
    return CheckFailed(detail, candidates=tuple(fits))


check_of("7.1", "a batch of 4: value and gradients")(_batch_check(4, squared))
check_of("7.1", "a batch of 1")(_batch_check(1, squared))
check_of("7.1", "a batch of 7")(_batch_check(7, squared))
check_of("7.1", "a batch of 5, with a loss that is not symmetric")(_batch_check(5, skewed))


@check_of("7.1", "its own mean, not nn's", scores=False)
def batch_loss_by_hand(student: Any) -> None:
    inputs, targets = data(3, 1)
    refuse_engine(lambda: _batch_loss(student, model(1), inputs, targets, squared),
                  {"nn.mean": nn.losses.mean,
                   "nn.mean_squared_error": nn.losses.mean_squared_error}, "batch_loss")


# --- Exercise 7.2: the training loop ------------------------------------------------------


def compare_training(student: Any, n: int, batch_size: int, epochs: int, seed: int,
                     loss: Loss = squared) -> None:
    inputs, targets = data(n, seed)
    recording = Recording(model(seed), inputs)
    losses = student.train(recording, inputs, targets, loss, epochs, batch_size, 0.2,
                           random.Random(seed))
    reference = model(seed)
    want = reference_train(reference, inputs, targets, loss, epochs, batch_size, 0.2,
                           random.Random(seed))
    final = [p.data for p in recording.parameters()]
    per_epoch = -(-n // batch_size)
    setting = (f"{epochs} epoch(s) of n = {n}, B = {batch_size}, η = 0.2, loss "
               f"{loss.__name__}")
    wrong = [(node_name(p), a, b.data) for p, a, b in zip(recording.parameters(), final,
                                                       reference.parameters())
             if not close(a, b.data, 1e-9, 1e-12)]
    if not wrong:
        _check_losses(losses, want, setting, per_epoch)
        return
    label, got, expected = wrong[0]
    detail = (f"{setting}: after training {label} is {versus(got, expected)}"
              f" ({len(wrong)} of {len(final)} parameters differ)")
    detail += _first_wrong_step(losses, want, per_epoch)
    initial = [p.data for p in model(seed).parameters()]
    if all(a == b for a, b in zip(final, initial)):
        raise _nothing_moved(recording, detail, n, epochs)
    fits: list[Mistake] = []
    for mistake, switches in TRAIN_MISTAKES:
        variant = model(seed)
        reference_train(variant, inputs, targets, loss, epochs, batch_size, 0.2,
                        random.Random(seed), **switches)
        same = all(close(a, b.data, 1e-9, 1e-12) for a, b in zip(final, variant.parameters()))
        if same and mistake not in fits:
            fits.append(mistake)
    for other in (epochs - 1, epochs + 1):
        variant = model(seed)
        reference_train(variant, inputs, targets, loss, other, batch_size, 0.2,
                        random.Random(seed))
        if all(close(a, b.data, 1e-9, 1e-12) for a, b in zip(final, variant.parameters())):
            fits.append(EPOCH_COUNT)
    if len(fits) == 1:
        raise CheckFailed(detail, fits[0])
    if fits:
        raise CheckFailed(detail, candidates=tuple(fits))
    seen = recording.batches()
    epochs_seen = [seen[k : k + per_epoch] for k in range(0, len(seen), per_epoch)]
    if len(seen) == epochs * per_epoch:
        found = diagnose_batches(epochs_seen, n, batch_size)
        if found:
            raise CheckFailed(f"{detail}. Batches seen: {found[1]}", found[0])
    raise CheckFailed(f"{detail}. The model was called {len(recording.seen)} times in "
                      f"{len(seen)} groups between parameter changes, for {epochs * per_epoch} "
                      "steps")


def _nothing_moved(recording: Recording, detail: str, n: int, epochs: int) -> CheckFailed:
    """No parameter moved: what the recording model saw tells why."""
    calls = len(recording.seen)
    if calls == 0:
        return CheckFailed(f"{detail}: no parameter moved, and the model was never called "
                           f"(expected {n * epochs} calls: every example in every epoch)")
    said = f"{detail}: no parameter moved, though the model was called {calls} times"
    if any(p.grad != 0.0 for p in recording.parameters()):
        return CheckFailed(f"{said}, and the parameters hold gradients at the end", REBINDING)
    if any(recording.zeroed):
        return CheckFailed(f"{said}; zero_grad() found gradients to wipe, so backward() ran "
                           "and its gradients were gone before any step", ZEROED_TOO_LATE)
    return CheckFailed(f"{said}, and no parameter ever held a gradient", BACKWARD_MISSING)


def _check_losses(losses: Any, want: list[float], setting: str, per_epoch: int) -> None:
    """The parameters are right: the list returned must hold each step's batch loss."""
    if not isinstance(losses, list):
        raise CheckFailed(f"{setting}: the parameters are right but train returned "
                          f"{type(losses).__name__}, expected a list of one loss per step",
                          WRONG_LOSSES)
    if len(losses) != len(want):
        raise CheckFailed(f"{setting}: the parameters are right but the loss list has "
                          f"{len(losses)} entr{'y' if len(losses) == 1 else 'ies'} for "
                          f"{len(want)} steps ({per_epoch} per epoch)", WRONG_LOSSES)
    for step, (got, right) in enumerate(zip(losses, want), start=1):
        if not close(got, right, 1e-9, 1e-12):
            raise CheckFailed(f"{setting}: the parameters are right but loss {step} of the list "
                              f"is {versus(got, right)} (the mean loss of step {step}'s batch, "
                              "before its step)", WRONG_LOSSES)


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


@check_of("7.2", "2 epochs, n = 5, B = 2, with a loss that is not symmetric")
def train_with_a_skewed_loss(student: Any) -> None:
    compare_training(student, 5, 2, 2, 74, skewed)


@check_of("7.2", "follows the random generator it is given")
def train_follows_the_rng(student: Any) -> None:
    inputs, targets = data(9, 75)

    def batches(seed: int) -> list[list[int]]:
        recording = Recording(model(75), inputs)
        student.train(recording, inputs, targets, squared, 2, 3, 0.2, random.Random(seed))
        return recording.batches()

    first, again, other = batches(7), batches(7), batches(8)
    if not first:
        raise CheckFailed("with random.Random(7) the model was never called: no batches to "
                          "compare")
    if first != again:
        raise CheckFailed("two runs with random.Random(7) fed the model different batches: "
                          f"{first[:2]}… and {again[:2]}…", RNG_IGNORED)
    if first == other:
        raise CheckFailed("random.Random(7) and random.Random(8) fed the model the same batches "
                          f"{first[:2]}…", RNG_IGNORED)


@check_of("7.2", "its own loop, not nn.fit, nn.SGD or nn.Minibatches", scores=False)
def train_by_hand(student: Any) -> None:
    inputs, targets = data(4, 2)
    forbidden = {"nn.fit": nn.fit, "nn.SGD.step": nn.SGD.step,
                 "nn.Minibatches": nn.Minibatches.__iter__}
    refuse_engine(lambda: student.train(model(2), inputs, targets, squared, 1, 2, 0.1,
                                        random.Random(0)), forbidden, "train")


# --- hints written for these exercises -------------------------------------------------------

hint("7.1", ENGINE_CALL, "add loss(model(x), y) over the batch with Value + and divide by "
     "len(inputs) once; nn's mean is the answer, not the tool")
hint("7.2", ENGINE_CALL, "write the loop out: shuffle with rng, slice, zero_grad, batch_loss, "
     "backward, p.data -= lr * p.grad")
hint("7.2", RNG_IGNORED, "shuffle with the rng argument (rng.shuffle(order)), every epoch; "
     "random.shuffle or a generator of your own cannot be reproduced from the caller's seed")
