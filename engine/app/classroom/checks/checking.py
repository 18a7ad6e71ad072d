"""Checks of chapter 3 (``checking``): the per-edge chain rule and central
differences, the two naive methods the sweep is checked against.

The chain rule is held to the engine's sweep and to central differences,
and a wrong one compared with the known wrong ones; a wrong difference
quotient is recognised from what it gives on a quadratic and a cubic, where
each formula (forward, central, ε instead of 2ε, the eps argument ignored)
leaves a different fingerprint.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from typing import Any

import engine.methods.finite_differences
from engine import Node, Value, topological_order
from engine.app.classroom import probes
from engine.app.classroom.checks.graph import DEEP, SWEEPS, refuse_recursion
from engine.app.classroom.diagnose import close, number, refuse_engine
from engine.app.classroom.gradient_diagnosis import label_of, reference_gradients
from engine.app.classroom.mistakes import (
    ASSIGN_NOT_ACCUMULATE,
    BAD_EPS,
    FORWARD_DIFFERENCE,
    HALF_DIVISOR,
    LEAVES_SEEDED,
    MISSING_LOCAL_FACTOR,
    MISSING_UPSTREAM_FACTOR,
    MUTATES_POINT,
    NO_DEPENDENCY,
    RATE_BEFORE_PARENTS,
    ROOT_NOT_SEEDED,
    VISITED_TWICE,
    WRONG_SIGN,
    WRONG_TYPE,
    Mistake,
)
from engine.app.classroom.registry import check_of, exercise
from engine.app.classroom.results import CheckFailed

exercise("3.1", "checking", ("chain_rule_derivative",), "the per-edge chain rule", points=3)
exercise("3.2", "checking", ("central_difference",), "central differences", points=2)

# --- Exercise 3.1: the per-edge chain rule --------------------------------------------------


def _forward(root: Node, w: Node, combine: Callable[[Node, dict], float],
             seed: float = 1.0) -> float:
    rate: dict[Node, float] = {}
    for node in topological_order(root):
        rate[node] = seed if node is w else combine(node, rate)
    return rate.get(root, 0.0)


def _last_edge(node: Node, rate: dict) -> float:
    result = 0.0
    for parent, local in zip(node.parents, node.local_grads):
        result = local * rate[parent]
    return result


WRONG_CHAIN_RULES: dict[Mistake, Callable[[Node, Node], float]] = {
    ASSIGN_NOT_ACCUMULATE: lambda r, w: _forward(r, w, _last_edge),
    MISSING_LOCAL_FACTOR: lambda r, w: _forward(
        r, w, lambda n, rate: sum(rate[p] for p in n.parents)),
    ROOT_NOT_SEEDED: lambda r, w: _forward(
        r, w, lambda n, rate: sum(g * rate[p] for p, g in zip(n.parents, n.local_grads)), 0.0),
    LEAVES_SEEDED: lambda r, w: _forward(
        r, w, lambda n, rate: sum(g * rate[p] for p, g in zip(n.parents, n.local_grads))
        if n.parents else 1.0),
}


def _derivative(student: Any, root: Node, w: Node) -> float:
    try:
        got = student.chain_rule_derivative(root, w)
    except KeyError as error:
        inside = w in set(topological_order(root))
        raise CheckFailed(f"chain_rule_derivative(root, {label_of(w)}) raised KeyError {error}",
                          RATE_BEFORE_PARENTS if inside else NO_DEPENDENCY) from None
    if not isinstance(got, (int, float)):
        raise CheckFailed(f"chain_rule_derivative returned {type(got).__name__}, expected a "
                          "float", WRONG_TYPE)
    return float(got)


def compare_chain_rule(student: Any, build: probes.Builder, what: str) -> None:
    root = build()
    order = topological_order(root)
    expected = reference_gradients(root)
    scale = max(1.0, max(abs(g) for g in expected.values()))
    for index, w in enumerate(order):
        if w.parents:
            continue
        got = _derivative(student, root, w)
        if close(got, expected[w], 1e-9, 1e-12 * scale):
            continue
        detail = (f"{what}: d({label_of(root)})/d({label_of(w)}) is {number(got)}, expected "
                  f"{number(expected[w])}")
        for mistake, wrong in WRONG_CHAIN_RULES.items():
            copy = build()
            if close(got, wrong(copy, topological_order(copy)[index]), 1e-9, 1e-12 * scale):
                raise CheckFailed(detail, mistake)
        if close(got, -expected[w]):
            raise CheckFailed(detail, WRONG_SIGN)
        guess, where = explain_rates(student, order, w)
        raise CheckFailed(f"{detail}. {where}".rstrip(". "), guess)


def explain_rates(student: Any, order: list[Node], w: Node) -> tuple[Mistake | None, str]:
    """Judge the chain rule at the first node (parents first) whose d(node)/dw is wrong.

    The student's function is asked for d(node)/dw with each node as the
    root; at the first wrong one its parents' rates are right, so what it
    holds instead tells the mistake.
    """
    right: dict[Node, float] = {}
    for node in order:
        want = 1.0 if node is w else sum(
            g * right[p] for p, g in zip(node.parents, node.local_grads))
        right[node] = want
        if not node.parents:
            continue
        try:
            got = float(student.chain_rule_derivative(node, w))
        except Exception:
            return None, ""
        if close(got, want):
            continue
        shares = [g * right[p] for p, g in zip(node.parents, node.local_grads)]
        say = (f"It goes wrong first at {label_of(node)}: {number(got)}, expected "
               + " + ".join(number(s) for s in shares))
        if len(shares) > 1 and any(close(got, s) for s in shares):
            return ASSIGN_NOT_ACCUMULATE, say + ": one contribution kept"
        if close(got, sum(right[p] for p in node.parents)):
            return MISSING_LOCAL_FACTOR, say + ": the parents' rates unmultiplied"
        if close(got, sum(g for p, g in zip(node.parents, node.local_grads) if right[p])):
            return MISSING_UPSTREAM_FACTOR, say + ": the local derivatives alone"
        if close(got, -want) and want:
            return WRONG_SIGN, say
        if want and round(got / want) >= 2 and close(got / want, round(got / want)):
            return VISITED_TWICE, say + f": {round(got / want)} times too much"
        return None, say
    return None, ""


@check_of("3.1", "no recursion (a 300-link chain)")
def chain_rule_without_recursion(student: Any) -> None:
    refuse_recursion(lambda r: student.chain_rule_derivative(r, topological_order(r)[0]),
                     "chain_rule_derivative")


@check_of("3.1", "the lecture's chain ŷ = a·w_8⋯w_1·x")
def chain_rule_on_the_chain(student: Any) -> None:
    def build() -> Value:
        z = Value(1.5, label="x")
        a = Value(0.8, label="a")
        for i in range(1, 9):
            z = Value(1.0 + 0.01 * i, label=f"w{i}") * z
            z.label = f"z{i}"
        y = a * z
        y.label = "ŷ"
        return y

    compare_chain_rule(student, build, "the chain")


@check_of("3.1", "fan-out and x*x")
def chain_rule_with_fan_out(student: Any) -> None:
    compare_chain_rule(student, probes.fan_out, "out = (c + a)²·b + c")


@check_of("3.1", "a weight the root does not depend on")
def chain_rule_without_dependency(student: Any) -> None:
    root = probes.fan_out()
    other = Value(2.0, label="w (not in the graph)")
    got = _derivative(student, root, other)
    if got != 0.0:
        raise CheckFailed(f"d(out)/dw for a w outside the graph is {number(got)}, expected 0",
                          NO_DEPENDENCY)


@check_of("3.1", "8 random graphs with shared nodes")
def chain_rule_on_random_graphs(student: Any) -> None:
    for seed in range(8):
        compare_chain_rule(student, probes.random_builder(seed), f"random graph {seed}")


@check_of("3.1", f"a chain {DEEP:,} links deep")
def chain_rule_on_a_deep_chain(student: Any) -> None:
    refuse_recursion(lambda r: student.chain_rule_derivative(r, topological_order(r)[0]),
                     "chain_rule_derivative")
    root = probes.tanh_chain(DEEP)
    x = topological_order(root)[0]
    want = reference_gradients(root, [x])[x]
    got = _derivative(student, root, x)
    if not close(got, want, 1e-9, 1e-300):
        raise CheckFailed(f"d(out)/dx on the deep chain is {number(got)}, expected {number(want)}")


@check_of("3.1", "its own chain rule, not the engine's")
def chain_rule_by_hand(student: Any) -> None:
    root = probes.fan_out()
    w = topological_order(root)[0]
    allowed = dict(SWEEPS)
    allowed.pop("engine.topological_order")
    refuse_engine(lambda: student.chain_rule_derivative(root, w), allowed,
                  "chain_rule_derivative")


# --- Exercise 3.2: central differences ------------------------------------------------------


def _quotient(student: Any, f: Callable[[list[float]], float], point: list[float],
              index: int, **eps: float) -> float:
    got = student.central_difference(f, list(point), index, **eps)
    if not isinstance(got, (int, float)):
        raise CheckFailed(f"central_difference returned {type(got).__name__}, expected a float",
                          WRONG_TYPE)
    return float(got)


def diagnose_quotient(student: Any, default: bool, quiet: bool = False
                      ) -> tuple[Mistake | None, str]:
    """Tell the difference formulas apart on x² + 3x at 1 (ε = 0.5) and x³ at 1."""
    def quadratic(p: list[float]) -> float:
        return p[0] ** 2 + 3 * p[0]

    q = _quotient(student, quadratic, [1.0], 0, eps=0.5)
    fingerprints = {5.5: FORWARD_DIFFERENCE, 4.5: FORWARD_DIFFERENCE, 10.0: HALF_DIVISOR,
                    2.75: FORWARD_DIFFERENCE, -5.0: WRONG_SIGN}
    for value, mistake in fingerprints.items():
        if close(q, value, 1e-9):
            return mistake, "" if quiet else f"on x² + 3x at 1 with eps=0.5 it gives {number(q)}"
    kwargs = {} if default else {"eps": 0.1}
    cubic = _quotient(student, lambda p: p[0] ** 3, [1.0], 0, **kwargs)
    want_eps = 1e-6 if default else 0.1
    # The central difference of x³ at 1 is exactly 3 + ε²: read the ε it used.
    if cubic > 3.0 and close(math.sqrt(cubic - 3.0), want_eps, 1e-3):
        return None, ""
    used = math.sqrt(cubic - 3.0) if cubic > 3.0 else 0.0
    return BAD_EPS, (f"on x³ at 1 it gives {number(cubic)}, which is 3 + ε² for ε ≈ "
                     f"{used:.2g}, not the eps {'default 1e-6' if default else '0.1 passed'}")


@check_of("3.2", "exact for a quadratic, whatever ε")
def difference_on_a_quadratic(student: Any) -> None:
    got = _quotient(student, lambda p: p[0] ** 2 + 3 * p[0], [1.0], 0, eps=0.5)
    if not close(got, 5.0, 1e-12):
        mistake, detail = diagnose_quotient(student, default=False, quiet=True)
        raise CheckFailed(f"x² + 3x at 1 with eps=0.5: {number(got)}, expected exactly 5. "
                          f"{detail}".strip(), mistake)


@check_of("3.2", "uses the eps it is given")
def difference_uses_eps(student: Any) -> None:
    got = _quotient(student, lambda p: p[0] ** 3, [1.0], 0, eps=0.1)
    if not close(got, 3.01, 1e-9):
        mistake, detail = diagnose_quotient(student, default=False)
        raise CheckFailed(f"x³ at 1 with eps=0.1: {number(got)}, expected 3.01 (3 + ε²). "
                          f"{detail}".strip(), mistake or BAD_EPS)


@check_of("3.2", "sin(x)·y³ at 20 points, default ε")
def difference_at_many_points(student: Any) -> None:
    rng = random.Random(32)

    def f(p: list[float]) -> float:
        return math.sin(p[0]) * p[1] ** 3

    for _ in range(20):
        x, y = rng.uniform(-2, 2), rng.uniform(0.5, 2)
        for index, want in ((0, math.cos(x) * y**3), (1, 3 * math.sin(x) * y**2)):
            got = _quotient(student, f, [x, y], index)
            if not math.isclose(got, want, rel_tol=1e-6, abs_tol=1e-8):
                mistake, detail = diagnose_quotient(student, default=True)
                raise CheckFailed(
                    f"∂/∂x{index + 1} of sin(x1)·x2³ at ({x:.4g}, {y:.4g}): {number(got)}, "
                    f"expected {number(want)}. {detail}".strip(), mistake)


@check_of("3.2", "leaves the point as it was")
def difference_keeps_the_point(student: Any) -> None:
    point = [0.3, 2.0]
    student.central_difference(lambda p: p[0] * p[1], point, 0)
    if point != [0.3, 2.0]:
        raise CheckFailed(f"after the call the point is {point}, it was [0.3, 2.0]",
                          MUTATES_POINT)


@check_of("3.2", "its own differences, not the engine's")
def difference_by_hand(student: Any) -> None:
    forbidden = {"engine.central_difference": engine.methods.finite_differences.central_difference,
                 "engine.finite_difference_gradients":
                     engine.methods.finite_differences.finite_difference_gradients}
    refuse_engine(lambda: student.central_difference(lambda p: p[0] ** 2, [1.0], 0), forbidden,
                  "central_difference")
