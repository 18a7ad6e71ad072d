"""Checks of chapter 8 (``activations``): leaky ReLU and SiLU, and gradients that
vanish through a deep sigmoid chain.

Follows the lecture on activations and vanishing gradients: LReLU(z) = αz
for z < 0 and z for z ≥ 0; σ′(z) = σ(z)(1 − σ(z)) ≤ ¼, so ∂out/∂w₁ through L
sigmoid layers is at most |x|·Π_{k≥2}|w_k|·(¼)^L, while ReLU passes a
positive sum's gradient on unchanged. Local derivatives are held to the
engine's ops (``Value.leaky_relu``, ``Value.silu``) at points of both signs;
the chain's gradient to the engine's sweep on the same chain, and a wrong one
to the gradients of the last weight and of the input.
"""

from __future__ import annotations

import math
import random
from functools import partial
from typing import Any

import nn
from engine import Value
from engine.app.classroom.diagnose import close, compare_function, show_apart, versus
from engine.app.classroom.mistakes import (
    BOUND_DEPTH,
    BOUND_WITHOUT_WEIGHTS,
    INPUT_GRADIENT,
    LAST_WEIGHT,
    LEAKY_SLOPE,
    SILU_PRODUCT_RULE,
    WRONG_ACTIVATION,
    WRONG_TYPE,
    WRONG_VALUE,
    Mistake,
)
from engine.app.classroom.registry import check_of, exercise, hint
from engine.app.classroom.results import CheckFailed

exercise("8.1", "activations", ("leaky_relu", "silu"), "leaky ReLU and SiLU", points=2)
exercise("8.2", "activations", ("first_weight_gradient", "sigmoid_bound"),
         "vanishing gradients", points=3)

# --- Exercise 8.1 ---------------------------------------------------------------------------


def reference_leaky(a: float, alpha: float) -> tuple[float, tuple[float]]:
    node = Value(a).leaky_relu(alpha)
    return node.data, (node.local_grads[0],)


def reference_silu(a: float) -> tuple[float, tuple[float]]:
    node = Value(a).silu()
    return node.data, (node.local_grads[0],)


def _sigmoid(a: float) -> float:
    return 1.0 / (1.0 + math.exp(-a)) if a >= 0 else math.exp(a) / (1.0 + math.exp(a))


def _local(got: Any) -> tuple[float, float] | None:
    if (isinstance(got, tuple) and len(got) == 2 and isinstance(got[1], (tuple, list))
            and len(got[1]) == 1):
        return got[0], got[1][0]
    return None


def diagnose_leaky(args: tuple, got: Any, want: Any) -> tuple[Mistake | None, str]:
    a, alpha = args
    pair = _local(got)
    if pair is None:
        return WRONG_TYPE, "return (value, (slope,))"
    value, slope = pair
    if not close(value, want[0]):
        return WRONG_VALUE, f"LReLU({a:g}) = {'a' if a > 0 else 'α·a'} with α = {alpha:g}"
    if a <= 0 and (close(slope, 0.0) or close(slope, 1.0)):
        return LEAKY_SLOPE, f"below 0 the slope is α = {alpha:g}"
    return None, ""


def diagnose_silu(args: tuple, got: Any, want: Any) -> tuple[Mistake | None, str]:
    (a,) = args
    pair = _local(got)
    if pair is None:
        return WRONG_TYPE, "return (value, (slope,))"
    value, slope = pair
    if not close(value, want[0]):
        return WRONG_VALUE, "SiLU(a) = a·σ(a)"
    s = _sigmoid(a)
    if any(close(slope, term) for term in (s, a * s * (1 - s), s * (1 - s))):
        return SILU_PRODUCT_RULE, "σ(a) + a·σ(a)(1 − σ(a))"
    return None, "σ(a)·(1 + a·(1 − σ(a)))"


_rng = random.Random(81)
LEAKY_POINTS = [(a, alpha) for alpha in (0.01, 0.2) for a in
                (-3.0, -0.5, 0.0, 0.5, 2.0, *(_rng.uniform(-4, 4) for _ in range(10)))]
SILU_POINTS = [(a,) for a in (-6.0, -1.0, 0.0, 0.5, 3.0, *(_rng.uniform(-8, 8) for _ in range(15)))]


@check_of("8.1", "leaky ReLU on both sides of 0, α = 0.01 and 0.2")
def leaky_on_both_sides(student: Any) -> None:
    compare_function(student.leaky_relu, reference_leaky, LEAKY_POINTS, "leaky_relu",
                     diagnose=diagnose_leaky)


@check_of("8.1", "SiLU at 20 points of both signs")
def silu_at_many_points(student: Any) -> None:
    compare_function(student.silu, reference_silu, SILU_POINTS, "silu", diagnose=diagnose_silu)


@check_of("8.1", "SiLU(±800) without overflow")
def silu_is_stable(student: Any) -> None:
    for a in (-800.0, 800.0):
        try:
            got = student.silu(a)
        except (OverflowError, ZeroDivisionError) as error:
            raise CheckFailed(f"silu({a:g}) raised {type(error).__name__}: {error}",
                              hint="compute σ(a) stably (eᵃ/(1 + eᵃ) for a < 0), then "
                              "a·σ(a)") from None
        want = reference_silu(a)
        pair = _local(got)
        if pair is None or not (close(pair[0], want[0]) and close(pair[1], want[1][0])):
            raise CheckFailed(f"silu({a:g}) returned {show_apart(got, want)}")


# --- Exercise 8.2 ---------------------------------------------------------------------------

# The activations the chains try, in this order; nn.ACTIVATIONS holds the functions.
CHAINED_ACTIVATIONS = ("sigmoid", "tanh", "relu")


def chain(weights: list[float], x: float, activation: str) -> tuple[Value, list[Value], Value]:
    """out = Θ(w_L·Θ(…Θ(w₁·x))), swept: (out, the weights' Values, x's Value)."""
    ws = [Value(w, label=f"w{k + 1}") for k, w in enumerate(weights)]
    z = xv = Value(x, label="x")
    for w in ws:
        z = nn.ACTIVATIONS[activation](w * z)
    z.backward()
    return z, ws, xv


def reference_gradient(weights: list[float], x: float, activation: str) -> float:
    return chain(weights, x, activation)[1][0].grad


def reference_bound(weights: list[float], x: float) -> float:
    return abs(x) * math.prod(abs(w) for w in weights[1:]) * 0.25 ** len(weights)


CHAINS: list[tuple[list[float], float]] = [
    ([0.9], 0.7), ([1.5, -0.8, 1.2], 0.6), ([1.1, 0.9, -1.3, 0.8, 1.2, 1.0, -0.9, 1.1], 0.8),
    ([1.0] * 20, 0.5),
]


def _gradient(student: Any, weights: list[float], x: float, activation: str) -> float:
    got = student.first_weight_gradient(list(weights), x, activation)
    if not isinstance(got, (int, float)) or isinstance(got, bool):
        raise CheckFailed(f"first_weight_gradient returned {type(got).__name__}, expected a "
                          "float", WRONG_TYPE)
    return float(got)


def compare_chain(student: Any, activation: str) -> None:
    for weights, x in CHAINS:
        got = _gradient(student, weights, x, activation)
        want = reference_gradient(weights, x, activation)
        if close(got, want, 1e-9, 1e-300):
            continue
        depth = len(weights)
        what = (f"a {activation} chain of {depth} layer{'s' * (depth > 1)}, x = {x:g}: "
                f"∂out/∂w₁ = {versus(got, want)}")
        _, ws, xv = chain(weights, x, activation)
        fits: list[Mistake] = []
        if depth > 1 and close(got, ws[-1].grad):
            fits.append(LAST_WEIGHT)
        if close(got, xv.grad):
            fits.append(INPUT_GRADIENT)
        fits += [WRONG_ACTIVATION for other in CHAINED_ACTIVATIONS if other != activation
                 and close(got, reference_gradient(weights, x, other), 1e-9, 1e-300)]
        if len(set(fits)) == 1:
            raise CheckFailed(what, fits[0])
        raise CheckFailed(what, candidates=tuple(dict.fromkeys(fits)))


for _activation in CHAINED_ACTIVATIONS:
    check_of("8.2", f"∂out/∂w₁ through {_activation} chains of 1 to 20 layers")(
        partial(compare_chain, activation=_activation))


@check_of("8.2", "the sigmoid bound |x|·Π|w_k|·(¼)^L, and the gradient under it")
def bound_of_the_sigmoid(student: Any) -> None:
    for weights, x in CHAINS:
        got = student.sigmoid_bound(list(weights), x)
        want = reference_bound(weights, x)
        if not close(got, want, 1e-9, 1e-300):
            depth = len(weights)
            product = math.prod(abs(w) for w in weights[1:])
            fits = {BOUND_DEPTH: [abs(x) * product * 0.25 ** (depth + d) for d in (-1, 1)],
                    BOUND_WITHOUT_WEIGHTS: [0.25 ** depth, abs(x) * 0.25 ** depth,
                                            product * 0.25 ** depth]}
            named = [m for m, values in fits.items()
                     if isinstance(got, float) and any(close(got, v) for v in values)]
            raise CheckFailed(f"sigmoid_bound for {depth} layer(s), x = {x:g}: "
                              f"{versus(got, want)}", named[0] if len(named) == 1 else None)
        measured = abs(_gradient(student, weights, x, "sigmoid"))
        if measured > want:
            raise CheckFailed(f"{len(weights)} layers: the gradient {measured:.6g} is above "
                              f"the bound {want:.6g}, which σ′ ≤ ¼ guarantees")


@check_of("8.2", "20 layers: sigmoid vanishes, ReLU does not")
def sigmoid_vanishes_relu_does_not(student: Any) -> None:
    weights, x = [1.0] * 20, 0.5
    vanished = abs(_gradient(student, weights, x, "sigmoid"))
    kept = _gradient(student, weights, x, "relu")
    if not vanished < 1e-12:
        raise CheckFailed(f"through 20 sigmoid layers of weight 1, |∂out/∂w₁| is "
                          f"{vanished:.6g}; (¼)^20·0.5 ≈ 4.5e-13 is its bound")
    if not close(kept, x):
        raise CheckFailed(f"through 20 ReLU layers of weight 1 from x = 0.5, ∂out/∂w₁ is "
                          f"{versus(kept, x)}: every slope is 1, so it is x")


hint("8.1", WRONG_VALUE, "LReLU(a) = a for a > 0 and α·a otherwise; SiLU(a) = a·σ(a)")
hint("8.2", WRONG_ACTIVATION, "apply the activation named by the argument at every layer: "
     "'sigmoid' → .sigmoid(), 'tanh' → .tanh(), 'relu' → .relu()")
