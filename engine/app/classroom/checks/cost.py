"""Checks of chapter 10 (``cost``): what the naive chain rule costs against the
sweep, and a gradient check with a relative tolerance.

Follows the backpropagation lecture's cost claim: on the chain ŷ = a·w_T⋯w_1·x
the naive per-edge chain rule multiplies each path's factors from scratch,
1 + 2 + … + T = T(T + 1)/2 products, where the backward sweep keeps a
running product, T products; and the δ-recursion lecture's other naive
method, finite differences, as the check of a gradient: |analytic − numeric|
≤ atol + rtol·|numeric| at every coordinate. The student's counts are held
to T(T + 1)/2 and T for several T; a gradient check's verdicts on cases built
to separate them (a steep function, a zero derivative, a wrong last
coordinate, a large ε) are compared with those of the known wrong checks.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from typing import Any

import engine.methods.finite_differences
from engine import gradcheck as engine_gradcheck
from engine.app.classroom import probes
from engine.app.classroom.diagnose import close, refuse_engine, versus
from engine.app.classroom.mistakes import (
    ABSOLUTE_ONLY,
    COUNT_OFF_BY_ONE,
    ENGINE_CALL,
    EPS_IGNORED,
    FIRST_COORDINATE_ONLY,
    FORWARD_DIFFERENCE,
    NAIVE_REUSES,
    RELATIVE_ONLY,
    REVERSED_LIST,
    SWEEP_RECOMPUTES,
    WRONG_TYPE,
    Mistake,
)
from engine.app.classroom.registry import check_of, exercise, hint
from engine.app.classroom.results import CheckFailed

exercise("10.1", "cost", ("naive_derivatives", "sweep_derivatives"),
         "counting the products: naive chain rule against the sweep", points=2)
exercise("10.2", "cost", ("gradcheck",), "a gradient check with a relative tolerance", points=2)

# --- Exercise 10.1 --------------------------------------------------------------------------

LINKS = (1, 2, 5, 12, 40)


def chain_factors(links: int) -> list[float]:
    rng = random.Random(100 + links)
    return [rng.uniform(0.6, 1.4) * rng.choice((1.0, -1.0)) for _ in range(links)]


def reference_derivatives(factors: Sequence[float]) -> list[float]:
    """derivatives[k] = g_T⋯g_{k+1}: ∂out/∂(the input of link k + 1), exact products."""
    out = [0.0] * len(factors)
    running = 1.0
    for k in range(len(factors) - 1, -1, -1):
        running *= factors[k]
        out[k] = running
    return out


def _counted(student_function: Callable[[list[float]], Any], factors: list[float], name: str
             ) -> tuple[list[float], int]:
    got = student_function(list(factors))
    if not (isinstance(got, tuple) and len(got) == 2 and isinstance(got[0], list)
            and isinstance(got[1], int) and not isinstance(got[1], bool)):
        raise CheckFailed(f"{name} returned {type(got).__name__}, expected (a list of "
                          "derivatives, an int count of products)", WRONG_TYPE)
    return got


def _compare_derivatives(got: list[float], want: list[float], name: str, links: int) -> None:
    if len(got) == len(want) and all(close(g, w, 1e-12, 1e-300) for g, w in zip(got, want)):
        return
    what = f"{name} on a chain of {links} link(s)"
    if len(got) != len(want):
        raise CheckFailed(f"{what}: {len(got)} derivatives, expected one per link: {links}")
    reversed_ = links > 1 and all(close(g, w, 1e-12, 1e-300) for g, w in zip(got, want[::-1]))
    k = next(i for i, (g, w) in enumerate(zip(got, want)) if not close(g, w, 1e-12, 1e-300))
    raise CheckFailed(f"{what}: derivatives[{k}] is {versus(got[k], want[k])} "
                      f"(g_{links}⋯g_{k + 1})", REVERSED_LIST if reversed_ else None)


def _check_counts(student_function: Callable[[list[float]], Any], name: str,
                  want: Callable[[int], int], said: str,
                  variants: dict[Mistake, Callable[[int], int]]) -> None:
    """The derivatives right for every T, and the counts ``want(T)``; a wrong count is
    named when the counts for every T are those of one variant."""
    counts = []
    for links in LINKS:
        factors = chain_factors(links)
        got, products = _counted(student_function, factors, name)
        _compare_derivatives(got, reference_derivatives(factors), name, links)
        counts.append(products)
    right = [want(links) for links in LINKS]
    if counts == right:
        return
    links, got_count, expected = next((t, c, w) for t, c, w in zip(LINKS, counts, right)
                                      if c != w)
    fits = [m for m, rule in variants.items() if counts == [rule(t) for t in LINKS]]
    raise CheckFailed(f"{name} on {links} link(s) counts {got_count} products, expected "
                      f"{said.format(T=links)} = {expected} (counts for T = "
                      f"{', '.join(map(str, LINKS))}: {counts})", fits[0] if fits else None)


@check_of("10.1", "the naive chain rule: the derivatives, and T(T + 1)/2 products")
def naive_counts(student: Any) -> None:
    _check_counts(student.naive_derivatives, "naive_derivatives", lambda t: t * (t + 1) // 2,
                  "1 + 2 + … + {T}", {NAIVE_REUSES: lambda t: t,
                                       COUNT_OFF_BY_ONE: lambda t: t * (t - 1) // 2})


@check_of("10.1", "the sweep: the same derivatives, and T products")
def sweep_counts(student: Any) -> None:
    _check_counts(student.sweep_derivatives, "sweep_derivatives", lambda t: t,
                  "one per link", {SWEEP_RECOMPUTES: lambda t: t * (t + 1) // 2,
                                   COUNT_OFF_BY_ONE: lambda t: t - 1})


@check_of("10.1", "40 links: 820 products against 40")
def the_gap(student: Any) -> None:
    factors = chain_factors(40)
    naive = _counted(student.naive_derivatives, factors, "naive_derivatives")[1]
    sweep = _counted(student.sweep_derivatives, factors, "sweep_derivatives")[1]
    if (naive, sweep) != (820, 40):
        raise CheckFailed(f"on 40 links the counts are {naive} (naive) and {sweep} (sweep), "
                          "expected 820 and 40: the naive rule grows as T², the sweep as T")


# --- Exercise 10.2 --------------------------------------------------------------------------


def reference_gradcheck(f: Callable[[list[float]], float], gradient: Sequence[float],
                        point: Sequence[float], eps: float = 1e-6, rtol: float = 1e-5,
                        atol: float = 1e-8, *, rule: str = "right", first_only: bool = False,
                        own_eps: float | None = None, one_sided: bool = False) -> bool:
    """The check done right; ``rule``, ``first_only`` and ``own_eps`` switch a mistake on."""
    step = own_eps if own_eps is not None else eps
    for index in range(1 if first_only else len(point)):
        above, below = list(point), list(point)
        above[index] += step
        below[index] -= step
        numeric = ((f(above) - f(list(point))) / step if one_sided
                   else (f(above) - f(below)) / (2 * step))
        error = abs(gradient[index] - numeric)
        bound = {"right": atol + rtol * abs(numeric), "absolute": atol,
                 "relative": rtol * abs(numeric)}[rule]
        if not error <= bound:
            return False
    return True


Case = tuple[str, Callable[[list[float]], float], list[float], list[float], dict[str, Any]]


def _cases() -> list[Case]:
    right_gentle = [math.cos(0.3) * math.cos(-0.7) + -0.7, -math.sin(0.3) * math.sin(-0.7) + 0.3]
    return [
        ("a right gradient of sin(p₀)cos(p₁) + p₀p₁", probes.gentle, [0.3, -0.7], right_gentle,
         {}),
        ("a right gradient of 10⁶(p₀² + 3p₁²), near 10⁶", probes.steep, [1.2, -0.8],
         [2.4e6, -4.8e6], {}),
        ("a right gradient with a 0 where the central difference gives ε²",
         probes.flat_at_zero, [0.0, 0.4], [0.0, 0.0], {}),
        ("the last coordinate off by 1%", probes.gentle, [0.3, -0.7],
         [right_gentle[0], right_gentle[1] * 1.01], {}),
        ("the first coordinate off by 10⁻⁴ of its size", probes.steep, [1.2, -0.8],
         [2.4e6 * (1 + 1e-4), -4.8e6], {}),
        ("p₀³ at 1 claimed 3, checked with eps=0.1 (the quotient is 3.01)", probes.cube, [1.0],
         [3.0], {"eps": 0.1}),
        ("p₀³ at 1 claimed 3.01, with eps=0.1", probes.cube, [1.0], [3.01], {"eps": 0.1}),
        ("off by 0.1%, with rtol=0.01", probes.gentle, [0.3, -0.7],
         [right_gentle[0] * 1.001, right_gentle[1]], {"rtol": 0.01}),
    ]


CASES = _cases()
GRADCHECK_MISTAKES: list[tuple[Mistake, dict[str, Any]]] = [
    (ABSOLUTE_ONLY, {"rule": "absolute"}), (RELATIVE_ONLY, {"rule": "relative"}),
    (FIRST_COORDINATE_ONLY, {"first_only": True}), (EPS_IGNORED, {"own_eps": 1e-6}),
    (FORWARD_DIFFERENCE, {"one_sided": True}),
]


def _verdict(student: Any, case: Case) -> bool:
    _, f, point, gradient, options = case
    got = student.gradcheck(f, list(gradient), list(point), **options)
    if not isinstance(got, bool):
        raise CheckFailed(f"gradcheck returned {type(got).__name__} {got!r}, expected True or "
                          "False", WRONG_TYPE)
    return got


@check_of("10.2", "right and wrong gradients, steep and flat, eps and rtol given")
def gradcheck_verdicts(student: Any) -> None:
    got = [_verdict(student, case) for case in CASES]
    want = [reference_gradcheck(f, g, p, **o) for _, f, p, g, o in CASES]
    if got == want:
        return
    wrong = [(case[0], g, w) for case, g, w in zip(CASES, got, want) if g != w]
    said = "; ".join(f"{name}: {g}, expected {w}" for name, g, w in wrong[:3])
    fits = [m for m, switches in GRADCHECK_MISTAKES
            if got == [reference_gradcheck(f, g, p, **o, **switches) for _, f, p, g, o in CASES]]
    if len(fits) == 1:
        raise CheckFailed(said, fits[0])
    raise CheckFailed(said, candidates=tuple(fits))


@check_of("10.2", "leaves the point and the gradient as they were", scores=False)
def gradcheck_keeps_its_arguments(student: Any) -> None:
    point, gradient = [0.3, -0.7], list(CASES[0][3])
    student.gradcheck(probes.gentle, gradient, point)
    if point != [0.3, -0.7] or gradient != CASES[0][3]:
        raise CheckFailed(f"after the call the point is {point} and the gradient {gradient}: "
                          "copy before changing")


@check_of("10.2", "its own differences, not the engine's", scores=False)
def gradcheck_by_hand(student: Any) -> None:
    forbidden = {"engine.methods.gradcheck": engine_gradcheck,
                 "engine.central_difference": engine.methods.finite_differences.central_difference}
    refuse_engine(lambda: student.gradcheck(probes.gentle, [0.0, 0.0], [0.3, -0.7]), forbidden,
                  "gradcheck")


hint("10.2", ENGINE_CALL, "for each index: copies of the point moved by ±eps, the central "
     "difference, then the test |analytic − numeric| ≤ atol + rtol·|numeric|")
hint("10.2", EPS_IGNORED, "move the point by the eps argument: above[index] += eps, "
     "below[index] -= eps")
