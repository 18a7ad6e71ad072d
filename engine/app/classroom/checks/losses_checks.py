"""Checks of chapter 9 (``losses``): the binary logistic loss, and softmax
cross-entropy in matrix form.

Follows the lecture on losses: for y ∈ {+1, −1} the logistic loss of a score
s is ℓ = log(1 + e^{−y·s}), with slope −y·σ(−y·s); for K classes,
ℓ = −log softmax(Wz)_t, whose gradient in the scores is δ = softmax(Wz) − e_t,
so ∂ℓ/∂W = δ zᵀ and ∂ℓ/∂z = Wᵀδ. References: ``math`` (log1p and a stable σ)
and the scalar engine (the same loss built from Values and swept). Both
labels and scores far out (±800) are tried, where the naive formulas
overflow; a wrong answer is named when it equals one variant's (the label's
factor dropped, the labels read as 0/1, the sign, e_t not subtracted, a
transpose) and no other's. numpy is imported by the first check that uses
it (``numpy_on_demand``).
"""

from __future__ import annotations

import math
import random
from functools import partial
from typing import Any

import nn.losses
from engine import Value
from engine import backward as engine_backward
from engine.app.classroom.checks.numpy_on_demand import Array, np
from engine.app.classroom.diagnose import close, compare_function, refuse_engine, versus
from engine.app.classroom.mistakes import (
    ENGINE_CALL,
    LABEL_FACTOR,
    LABELS_01,
    ONE_HOT_MISSING,
    TRANSPOSE,
    UNSTABLE_LOGISTIC,
    UNSTABLE_SOFTMAX,
    WRONG_SIGN,
    WRONG_TYPE,
    WRONG_VALUE,
    Mistake,
)
from engine.app.classroom.registry import check_of, exercise, hint
from engine.app.classroom.results import CheckFailed

exercise("9.1", "losses", ("logistic_loss",), "the binary logistic loss", points=2)
exercise("9.2", "losses", ("softmax_gradients",), "softmax cross-entropy in matrix form",
         points=3)

# --- Exercise 9.1 ---------------------------------------------------------------------------


def _sigmoid(a: float) -> float:
    return 1.0 / (1.0 + math.exp(-a)) if a >= 0 else math.exp(a) / (1.0 + math.exp(a))


def _softplus(m: float) -> float:
    """log(1 + eᵐ) without overflow."""
    return m + math.log1p(math.exp(-m)) if m > 0 else math.log1p(math.exp(m))


def reference_logistic(score: float, label: float) -> tuple[float, float]:
    m = -label * score
    return _softplus(m), -label * _sigmoid(m)


def _cross_entropy_01(score: float, label: float) -> tuple[float, float]:
    """−[y log σ(s) + (1 − y) log(1 − σ(s))] with y as given: the 0/1 formula fed ±1."""
    value = label * _softplus(-score) + (1 - label) * _softplus(score)
    return value, label * -_sigmoid(-score) + (1 - label) * _sigmoid(score)


def diagnose_logistic(args: tuple, got: Any, want: Any) -> tuple[Mistake | None, str]:
    """What a wrong (value, slope) is. The points list every label +1 before any −1, so
    a failure at y = −1 comes after every y = +1 passed: a slope of the wrong sign there,
    right at +1, is the factor y dropped (−σ(−y·s) for −y·σ(−y·s)), not a sign flip."""
    score, label = args
    if not (isinstance(got, tuple) and len(got) == 2):
        return WRONG_TYPE, "return (value, slope), two floats"
    value, slope = got
    fits: list[Mistake] = []
    flipped = close(value, want[0]) and close(slope, -want[1]) and want[1] != 0
    if label < 0 and flipped:
        fits.append(LABEL_FACTOR)
    if label < 0 and all(close(g, w) for g, w in zip(got, _cross_entropy_01(score, label))):
        fits.append(LABELS_01)
    if label > 0 and flipped:
        fits.append(WRONG_SIGN)
    if len(fits) == 1:
        return fits[0], ""
    if not close(value, want[0]):
        return None, "The value is wrong: ℓ = log(1 + e^{−y·s})."
    return None, "The value is right, the slope is not: dℓ/ds = −y·σ(−y·s)."


_rng = random.Random(91)
LOGISTIC_POINTS = [(s, y) for y in (1.0, -1.0)  # every +1 first: diagnose_logistic counts on it
                   for s in (-3.0, 0.0, 0.5, 2.0, *(_rng.uniform(-8, 8) for _ in range(10)))]


@check_of("9.1", "value and slope for labels +1 and −1")
def logistic_at_many_points(student: Any) -> None:
    compare_function(student.logistic_loss, reference_logistic, LOGISTIC_POINTS,
                     "logistic_loss", diagnose=diagnose_logistic)


@check_of("9.1", "at s = 0: ℓ = log 2 and slope −y/2, for either label")
def logistic_at_zero(student: Any) -> None:
    compare_function(student.logistic_loss, reference_logistic, [(0.0, 1.0), (0.0, -1.0)],
                     "logistic_loss", diagnose=diagnose_logistic)


@check_of("9.1", "finite far out: scores ±800, ±40")
def logistic_is_stable(student: Any) -> None:
    for score in (-800.0, 800.0, -40.0, 40.0):
        for label in (1.0, -1.0):
            want = reference_logistic(score, label)
            try:
                got = student.logistic_loss(score, label)
            except (OverflowError, ZeroDivisionError, ValueError) as error:
                raise CheckFailed(f"logistic_loss({score:g}, {label:g}) raised "
                                  f"{type(error).__name__}: {error}", UNSTABLE_LOGISTIC) from None
            pair = got if isinstance(got, tuple) and len(got) == 2 else (got, None)
            if all(close(g, w, 1e-12, 1e-300) for g, w in zip(pair, want)):
                continue
            detail = f"logistic_loss({score:g}, {label:g}) returned {versus(got, want)}"
            unstable = any(isinstance(g, float) and not math.isfinite(g) for g in pair)
            lost = isinstance(pair[0], float) and pair[0] == 0.0 and want[0] > 0
            if unstable or lost:
                raise CheckFailed(detail + (": 1 + e^{−y·s} lost the small term, so the log "
                                            "gives 0" if lost else ""), UNSTABLE_LOGISTIC)
            raise CheckFailed(detail)


# --- Exercise 9.2 ---------------------------------------------------------------------------



def reference_softmax(W: Array, z: Array, t: int, *, delta: str = "right",
                      outer_swapped: bool = False, message_transposed: bool = False
                      ) -> tuple[float, Array, Array]:
    """ℓ, ∂ℓ/∂W, ∂ℓ/∂z by the lecture's formulas; each keyword switches a mistake on."""
    s = W @ z
    m = float(np.max(s))
    p = np.exp(s - m) / np.sum(np.exp(s - m))
    loss = m + float(np.log(np.sum(np.exp(s - m)))) - float(s[t])
    e = np.zeros_like(s)
    e[t] = 1.0
    d = {"right": p - e, "no one-hot": p, "flipped": e - p}[delta]
    grad_W = np.outer(z, d) if outer_swapped else np.outer(d, z)
    grad_z = (W if message_transposed else W.T) @ d
    return loss, grad_W, grad_z


SOFTMAX_VARIANTS: list[tuple[Mistake, dict[str, Any]]] = [
    (ONE_HOT_MISSING, {"delta": "no one-hot"}), (WRONG_SIGN, {"delta": "flipped"}),
    (TRANSPOSE, {"outer_swapped": True}), (TRANSPOSE, {"message_transposed": True}),
]


def engine_softmax(W: Array, z: Array, t: int) -> tuple[float, Array, Array]:
    """The same loss from Values, swept: the independent reference."""
    ws = [[Value(float(w)) for w in row] for row in W]
    zs = [Value(float(v)) for v in z]
    scores = [sum((w * v for w, v in zip(row, zs)), Value(0.0)) for row in ws]
    loss = nn.losses.softmax_cross_entropy(scores, t)
    engine_backward(loss)
    return (loss.data, np.array([[w.grad for w in row] for row in ws]),
            np.array([v.grad for v in zs]))


def problem(K: int, M: int, seed: int, scale: float = 1.0) -> tuple[Array, Array, int]:
    rng = np.random.default_rng(seed)
    return rng.normal(size=(K, M)) * scale, rng.normal(size=M), int(rng.integers(K))


def _result(student: Any, W: Array, z: Array, t: int) -> tuple[float, Array, Array]:
    raw = student.softmax_gradients(W.copy(), z.copy(), t)
    if not (isinstance(raw, tuple) and len(raw) == 3):
        raise CheckFailed(f"softmax_gradients returned {type(raw).__name__}, expected a tuple "
                          "(loss, grad_W, grad_z)", WRONG_TYPE)
    return float(raw[0]), np.asarray(raw[1], dtype=float), np.asarray(raw[2], dtype=float)


def _same(got: tuple[float, Array, Array], want: tuple[float, Array, Array]) -> bool:
    return (math.isclose(got[0], want[0], rel_tol=1e-10, abs_tol=1e-12)
            and all(g.shape == w.shape and np.allclose(g, w, rtol=1e-9, atol=1e-12)
                    for g, w in zip(got[1:], want[1:])))


def _difference(got: tuple[float, Array, Array], want: tuple[float, Array, Array]) -> str:
    if not math.isclose(got[0], want[0], rel_tol=1e-10, abs_tol=1e-12):
        return f"ℓ = {versus(got[0], want[0])}"
    for name, g, w in zip(("∂ℓ/∂W", "∂ℓ/∂z"), got[1:], want[1:]):
        if g.shape != w.shape:
            return f"{name} has shape {g.shape}, expected {w.shape}"
        if not np.allclose(g, w, rtol=1e-9, atol=1e-12):
            index = np.unravel_index(int(np.argmax(np.abs(g - w))), w.shape)
            return f"{name}{list(index)} is {versus(float(g[index]), float(w[index]))}"
    return ""


def diagnose_softmax(student: Any) -> Mistake | None:
    """The one variant that gives the student's numbers on a square problem, if one does."""
    W, z, t = problem(3, 3, 90)
    try:
        got = _result(student, W, z, t)
    except Exception:
        return None
    fits = {m for m, switches in SOFTMAX_VARIANTS if _same(got, reference_softmax(W, z, t,
                                                                                  **switches))}
    return fits.pop() if len(fits) == 1 else None


def compare_softmax(student: Any, K: int, M: int, seed: int, scale: float = 1.0) -> None:
    W, z, t = problem(K, M, seed, scale)
    want = engine_softmax(W, z, t)
    what = f"K = {K} classes, M = {M} inputs, target {t}"
    try:
        got = _result(student, W, z, t)
    except ValueError as error:
        raise CheckFailed(f"{what}: raised ValueError: {error}. Shapes: W is {K}×{M}, z has {M}",
                          diagnose_softmax(student)) from None
    if _same(got, want):
        return
    unstable = not (math.isfinite(got[0]) and np.all(np.isfinite(got[1])))
    raise CheckFailed(f"{what}: {_difference(got, want)}",
                      UNSTABLE_SOFTMAX if unstable and scale > 100 else diagnose_softmax(student))


for _k, _m, _seed in ((3, 4, 0), (5, 2, 1), (2, 6, 2)):
    check_of("9.2", f"K = {_k}, M = {_m}: ℓ, ∂ℓ/∂W = δzᵀ, ∂ℓ/∂z = Wᵀδ")(
        partial(compare_softmax, K=_k, M=_m, seed=_seed))
check_of("9.2", "a square problem, K = M = 3")(partial(compare_softmax, K=3, M=3, seed=5))


@check_of("9.2", "scores near 1000 stay finite")
def softmax_matrix_is_stable(student: Any) -> None:
    compare_softmax(student, 3, 4, 7, scale=600.0)


@check_of("9.2", "numpy formulas, not the engine's sweep", scores=False)
def softmax_matrix_by_hand(student: Any) -> None:
    W, z, t = problem(2, 3, 9)
    forbidden = {"Value.backward": Value.backward, "engine.backward": engine_backward,
                 "nn.softmax_cross_entropy": nn.losses.softmax_cross_entropy}
    refuse_engine(lambda: _result(student, W, z, t), forbidden, "softmax_gradients")


hint("9.1", WRONG_SIGN, "dℓ/ds = −y·σ(−y·s): a score on the right side (y·s > 0) gives a "
     "small slope of the opposite sign to y")
hint("9.1", WRONG_VALUE, "ℓ = log(1 + e^{−y·s}); at s = 0 it is log 2 for either label")
hint("9.2", WRONG_SIGN, "δ = softmax(Wz) − e_t: the probabilities minus the one-hot target")
hint("9.2", TRANSPOSE, "∂ℓ/∂W = np.outer(δ, z) has W's shape K×M; ∂ℓ/∂z = W.T @ δ has M entries")
hint("9.2", ENGINE_CALL, "compute with numpy arrays only: s = W @ z, a stable softmax, "
     "δ = p − e_t, np.outer(δ, z) and W.T @ δ")
