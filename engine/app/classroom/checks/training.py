"""Checks of chapter 5 (``training``): an SGD step, a stable softmax
cross-entropy, and one epoch's minibatches.

What a wrong step did is read off the parameters (unchanged: rebound;
moved up the gradient: the sign; moved by g: no learning rate). Batches are
judged by ``diagnose_batches``, which chapter 7 reuses on the batches a
training loop actually fed its model.
"""

from __future__ import annotations

import math
import random
from typing import Any

import nn
import nn.losses
from engine import Value
from engine.app.classroom.diagnose import close, number, refuse_engine, versus
from engine.app.classroom.mistakes import (
    BATCH_ORDER_ONLY,
    DETACHED,
    ENGINE_CALL,
    GRAD_RESET_IN_STEP,
    LAST_BATCH_DROPPED,
    LAST_BATCH_PADDED,
    MAX_NOT_RESTORED,
    MISSING_LR,
    NO_SHUFFLE,
    PARTIAL_UPDATE,
    REBINDING,
    RNG_IGNORED,
    SAME_SHUFFLE,
    UNSTABLE_SOFTMAX,
    UPDATE_SIGN,
    UPDATED_GRAD,
    WRONG_SIGN,
    WRONG_TYPE,
    Mistake,
)
from engine.app.classroom.registry import check_of, exercise, hint
from engine.app.classroom.results import CheckFailed
from engine.naming import node_name

exercise("5.1", "training", ("sgd_step",), "one SGD step", points=2)
exercise("5.2", "training", ("softmax_cross_entropy",), "softmax cross-entropy, stably", points=2)
exercise("5.3", "training", ("minibatches",), "minibatches", points=2)

# --- Exercise 5.1: one SGD step ------------------------------------------------------------


def diagnose_step(before: list[float], grads: list[float], after: list[float], lr: float,
                  grads_after: list[float] | None = None) -> Mistake | None:
    """What a step that moved the parameters from ``before`` to ``after`` did wrong."""
    moving = [i for i, g in enumerate(grads) if g != 0.0]
    if not moving:
        return None
    if after == before and grads_after is not None and grads_after != grads:
        return UPDATED_GRAD
    updated = [close(after[i], before[i] - lr * grads[i]) for i in moving]
    if any(updated) and not all(updated):
        return PARTIAL_UPDATE
    if all(after[i] == before[i] for i in moving):
        return REBINDING
    if all(close(after[i], before[i] + lr * grads[i]) for i in moving):
        return UPDATE_SIGN
    if all(close(after[i], before[i] - grads[i]) for i in moving) and lr != 1.0:
        return MISSING_LR
    return None


def check_step(student: Any, params: list[Value], lr: float, what: str) -> None:
    before = [p.data for p in params]
    grads = [p.grad for p in params]
    student.sgd_step(params, lr)
    after = [p.data for p in params]
    for p, b, g, a in zip(params, before, grads, after):
        if not close(a, b - lr * g, 1e-12, 1e-15):
            moved = "did not move" if a == b else f"became {versus(a, b - lr * g)}"
            raise CheckFailed(
                f"{what}: {node_name(p)} with data {number(b)} and grad "
                f"{number(g)} {moved} ({number(b)} − {lr:g}·({number(g)}) = "
                f"{number(b - lr * g)})",
                diagnose_step(before, grads, after, lr, [q.grad for q in params]))
    if any(p.grad != g for p, g in zip(params, grads)):
        raise CheckFailed(f"{what}: after the step .grad is "
                          f"{[number(p.grad) for p in params][:3]}, it was "
                          f"{[number(g) for g in grads][:3]}", GRAD_RESET_IN_STEP)


@check_of("5.1", "the lecture's one-weight example: w = 0.1 → 4.3")
def step_of_the_lecture(student: Any) -> None:
    w = Value(0.1, label="w")
    loss = (w * 3.0 - 1.0) ** 2  # x = 3, y = 1: L = 0.49, dL/dw = −4.2
    loss.backward()
    check_step(student, [w], 1.0, "one step with η = 1")


@check_of("5.1", "20 steps down a quadratic in 4 parameters, η = 0.1")
def steps_down_a_quadratic(student: Any) -> None:
    rng = random.Random(51)
    params = [Value(rng.uniform(-2, 2), label=f"θ{i + 1}") for i in range(4)]
    first = sum((p.data - i) ** 2 for i, p in enumerate(params))
    for step in range(20):
        loss = sum(((p - i) ** 2 for i, p in enumerate(params)), Value(0.0))
        for p in params:
            p.grad = 0.0
        loss.backward()
        check_step(student, params, 0.1, f"step {step + 1}")
    last = sum((p.data - i) ** 2 for i, p in enumerate(params))
    if not last < 0.05 * first:
        raise CheckFailed(f"after 20 steps the loss is {number(last)}, from {number(first)}")


@check_of("5.1", "updates the data itself, not with nn.SGD", scores=False)
def step_by_hand(student: Any) -> None:
    w = Value(1.0)
    w.grad = 0.5
    refuse_engine(lambda: student.sgd_step([w], 0.1),
                  {"nn.SGD.step": nn.SGD.step, "nn.Adam.step": nn.Adam.step}, "sgd_step")


# --- Exercise 5.2: softmax cross-entropy ---------------------------------------------------


def _loss(student: Any, scores: list[float], target: int) -> tuple[Value, list[Value]]:
    values = [Value(s, label=f"s{k + 1}") for k, s in enumerate(scores)]
    loss = student.softmax_cross_entropy(values, target)
    if not isinstance(loss, Value):
        raise CheckFailed(f"softmax_cross_entropy returned {type(loss).__name__}, expected a "
                          "Value", DETACHED if isinstance(loss, (int, float)) else WRONG_TYPE)
    return loss, values


@check_of("5.2", "value and gradient at 30 points")
def softmax_at_many_points(student: Any) -> None:
    rng = random.Random(52)
    for _ in range(30):
        scores = [rng.uniform(-8, 8) for _ in range(rng.randint(2, 5))]
        target = rng.randrange(len(scores))
        top = max(scores)
        total = sum(math.exp(s - top) for s in scores)
        want = top + math.log(total) - scores[target]
        shown = f"scores {[round(s, 3) for s in scores]}, target {target}"
        loss, values = _loss(student, scores, target)
        if not close(loss.data, want, 1e-11, 1e-12):
            mistake = None
            if close(loss.data, -want):
                mistake = WRONG_SIGN
            elif close(loss.data, want - top):
                mistake = MAX_NOT_RESTORED
            raise CheckFailed(f"{shown}: ℓ = {versus(loss.data, want)}", mistake)
        loss.backward()
        for k, v in enumerate(values):
            slope = math.exp(scores[k] - top) / total - (k == target)
            if not close(v.grad, slope, 1e-9, 1e-12):
                mistake = DETACHED if all(x.grad == 0 for x in values) else None
                raise CheckFailed(f"{shown}: ∂ℓ/∂s{k + 1} = {versus(v.grad, slope)} "
                                  f"(softmax(s)_{k + 1} − [k = t])", mistake)


@check_of("5.2", "finite for scores [1000, 0, -1000]")
def softmax_is_stable(student: Any) -> None:
    for target, want in ((0, 0.0), (1, 1000.0), (2, 2000.0)):
        try:
            loss, values = _loss(student, [1000.0, 0.0, -1000.0], target)
            loss.backward()
        except (OverflowError, ZeroDivisionError, ValueError) as error:
            raise CheckFailed(f"target {target}: raised {type(error).__name__}: {error}",
                              UNSTABLE_SOFTMAX) from None
        finite = math.isfinite(loss.data) and all(math.isfinite(v.grad) for v in values)
        if not finite:
            raise CheckFailed(f"target {target}: ℓ = {loss.data}, gradients "
                              f"{[v.grad for v in values]}", UNSTABLE_SOFTMAX)
        if not close(loss.data, want, 1e-12, 1e-9):
            raise CheckFailed(f"target {target}: ℓ = {versus(loss.data, want)}",
                              MAX_NOT_RESTORED if close(loss.data, want - 1000.0) else None)


@check_of("5.2", "built from Value operations, not nn", scores=False)
def softmax_by_hand(student: Any) -> None:
    forbidden = {"nn.softmax_cross_entropy": nn.losses.softmax_cross_entropy,
                 "nn.log_sum_exp": nn.losses.log_sum_exp, "nn.softmax": nn.losses.softmax}
    refuse_engine(lambda: _loss(student, [0.5, -0.5], 0), forbidden, "softmax_cross_entropy")


# --- Exercise 5.3: minibatches -------------------------------------------------------------


def _consecutive_blocks(batches: list[list[int]], batch_size: int) -> bool:
    return all(sorted(b) == list(range(min(b), min(b) + len(b))) and min(b) % batch_size == 0
               for b in batches if b)


def diagnose_batches(epochs: list[list[list[int]]], n: int, batch_size: int
                     ) -> tuple[Mistake | None, str] | None:
    """What is wrong with the batches of successive epochs (the mistake, when one
    fits, and the observation), or None when nothing is.

    Each epoch must partition 0…n−1 into ⌈n/B⌉ batches of B (the last
    smaller) in a new random order.
    """
    count = math.ceil(n / batch_size)
    for number_, batches in enumerate(epochs, start=1):
        flat = [i for b in batches for i in b]
        sizes = [len(b) for b in batches]
        where = f"epoch {number_} with n = {n}, B = {batch_size}: batch sizes {sizes}"
        if sorted(flat) == list(range(n)) and len(batches) == count and all(
                s == batch_size for s in sizes[:-1]) and 1 <= sizes[-1] <= batch_size:
            continue
        if len(batches) == n // batch_size and sorted(set(flat)) == sorted(flat) and \
                len(flat) == batch_size * (n // batch_size) and n % batch_size:
            return LAST_BATCH_DROPPED, f"{where}; {n - len(flat)} examples left out"
        if len(batches) == count and all(s == batch_size for s in sizes) and \
                set(flat) == set(range(n)):
            return LAST_BATCH_PADDED, f"{where}; {len(flat) - n} examples repeated"
        return None, (f"{where}; they hold {len(flat)} indices, {len(set(flat))} distinct, for "
                      f"{n} examples in ⌈n/B⌉ = {count} batches")
    first = [i for b in epochs[0] for i in b]
    if first == list(range(n)):
        return NO_SHUFFLE, f"epoch 1 is the indices in order: {epochs[0][:2]}…"
    if _consecutive_blocks(epochs[0], batch_size):
        return BATCH_ORDER_ONLY, f"epoch 1's batches are consecutive runs: {epochs[0][:3]}…"
    if len(epochs) > 1 and all(e == epochs[0] for e in epochs[1:]):
        return SAME_SHUFFLE, f"epochs 1 and 2 both start {epochs[0][0]}"
    contents = [sorted(sorted(b) for b in e) for e in epochs]
    if len(epochs) > 1 and count > 1 and all(c == contents[0] for c in contents[1:]):
        return BATCH_ORDER_ONLY, ("every epoch has the same batches, in a new order: "
                                  f"{sorted(epochs[0][0])} is a batch of epochs 1 and 2")
    return None


def _batches(student: Any, n: int, batch_size: int, rng: random.Random) -> list[list[int]]:
    batches = student.minibatches(n, batch_size, rng)
    if not isinstance(batches, list) or not all(isinstance(b, list) for b in batches):
        raise CheckFailed(f"minibatches returned {type(batches).__name__}, expected a list of "
                          "lists of indices", WRONG_TYPE)
    return batches


@check_of("5.3", "partitions the indices (n, B) = (10, 3), (12, 4), (5, 10), (1, 1)")
def batches_partition(student: Any) -> None:
    for n, batch_size in ((10, 3), (12, 4), (5, 10), (1, 1), (7, 2)):
        found = diagnose_batches([_batches(student, n, batch_size, random.Random(0))], n,
                                 batch_size)
        if found and found[0] in (LAST_BATCH_DROPPED, LAST_BATCH_PADDED, None):
            raise CheckFailed(found[1], found[0])


@check_of("5.3", "shuffles the examples, then cuts")
def batches_are_shuffled(student: Any) -> None:
    found = diagnose_batches([_batches(student, 50, 10, random.Random(0))], 50, 10)
    if found:
        raise CheckFailed(found[1], found[0])


@check_of("5.3", "a new order every epoch")
def batches_change_every_epoch(student: Any) -> None:
    rng = random.Random(0)
    epochs = [_batches(student, 50, 10, rng) for _ in range(3)]
    found = diagnose_batches(epochs, 50, 10)
    if found:
        raise CheckFailed(found[1], found[0])


@check_of("5.3", "follows the random generator it is given")
def batches_follow_the_rng(student: Any) -> None:
    seen = []
    for seed in (7, 8):
        first = _batches(student, 30, 4, random.Random(seed))
        second = _batches(student, 30, 4, random.Random(seed))
        if first != second:
            raise CheckFailed(f"two calls with random.Random({seed}) gave different batches",
                              RNG_IGNORED)
        seen.append(first)
    if seen[0] == seen[1]:
        raise CheckFailed("random.Random(7) and random.Random(8) gave the same batches",
                          RNG_IGNORED)


@check_of("5.3", "its own batches, not nn.Minibatches", scores=False)
def batches_by_hand(student: Any) -> None:
    refuse_engine(lambda: student.minibatches(10, 3, random.Random(0)),
                  {"nn.Minibatches": nn.Minibatches.__iter__}, "minibatches")


# --- hints written for these exercises -------------------------------------------------------

hint("5.1", ENGINE_CALL, "loop over the parameters yourself: p.data -= lr * p.grad")
hint("5.2", ENGINE_CALL, "build ℓ from Value operations: m = max(s.data for s in scores), then "
     "m + log Σ exp(s − m) − s[target]")
hint("5.2", WRONG_SIGN, "ℓ = log Σₖ e^{sₖ} − s_t is never negative: the log-sum first, minus "
     "the target's score")
hint("5.3", ENGINE_CALL, "order = list(range(n)); rng.shuffle(order); then slices of batch_size")
