"""Checks of chapter 3 (``checking``): the per-edge chain rule and central
differences, the two naive methods the sweep is checked against.

The chain rule is held to the engine's sweep and to central differences,
and a wrong one compared with the known wrong ones; a wrong difference
quotient is recognised from what it gives on a quadratic and a cubic, where
each formula (forward, central, ε instead of 2ε, the eps argument ignored)
leaves a different fingerprint, and the ε it used is read off x³ at 0, where
the central (and the forward) difference is exactly ε², free of rounding noise.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from typing import Any

import engine.methods.finite_differences
from engine import Node, Value, topological_order
from engine.app.classroom import probes, recipes
from engine.app.classroom.checks.graph_checks import DEEP, SWEEPS, refuse_recursion
from engine.app.classroom.diagnose import close, number, refuse_engine, versus
from engine.app.classroom.gradient_diagnosis import reference_gradients
from engine.app.classroom.mistakes import (
    ASSIGN_NOT_ACCUMULATE,
    BAD_EPS,
    DIVISOR_WITHOUT_EPS,
    ENGINE_CALL,
    EPS_IGNORED,
    FORWARD_DIFFERENCE,
    HALF_DIVISOR,
    LEAVES_SEEDED,
    MISSING_LOCAL_FACTOR,
    MISSING_UPSTREAM_FACTOR,
    MUTATES_POINT,
    NO_DEPENDENCY,
    RATE_BEFORE_PARENTS,
    VISITED_TWICE,
    W_NOT_SEEDED,
    WRONG_SIGN,
    WRONG_TYPE,
    Mistake,
)
from engine.app.classroom.registry import check_of, exercise, hint
from engine.app.classroom.results import CheckFailed
from engine.naming import node_name, node_names

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
    LEAVES_SEEDED: lambda r, w: _forward(
        r, w, lambda n, rate: sum(g * rate[p] for p, g in zip(n.parents, n.local_grads))
        if n.parents else 1.0),
}


def _derivative(student: Any, root: Node, w: Node) -> float:
    try:
        got = student.chain_rule_derivative(root, w)
    except KeyError as error:
        inside = w in set(topological_order(root))
        raise CheckFailed(f"chain_rule_derivative(root, {node_name(w)}) raised KeyError {error}",
                          RATE_BEFORE_PARENTS if inside else NO_DEPENDENCY) from None
    if not isinstance(got, (int, float)):
        raise CheckFailed(f"chain_rule_derivative returned {type(got).__name__}, expected a "
                          "float", WRONG_TYPE)
    return float(got)


def compare_chain_rule(student: Any, build: probes.Builder, what: str) -> None:
    root = build()
    order = topological_order(root)
    names = node_names(order)
    expected = reference_gradients(root)
    scale = max(1.0, max(abs(g) for g in expected.values()))
    leaves = [(index, w) for index, w in enumerate(order) if not w.parents]
    got = {w: _derivative(student, root, w) for _, w in leaves}
    for index, w in leaves:
        if close(got[w], expected[w], 1e-9, 1e-12 * scale):
            continue
        detail = f"{what}: d({names[root]})/d({names[w]}) is {versus(got[w], expected[w])}"
        if all(got[v] == 0.0 for _, v in leaves):
            raise CheckFailed(f"{detail}; it is exactly 0 for every input of the graph",
                              candidates=(W_NOT_SEEDED,))
        fits = []
        for mistake, wrong in WRONG_CHAIN_RULES.items():
            copy = build()
            if close(got[w], wrong(copy, topological_order(copy)[index]), 1e-9, 1e-12 * scale):
                fits.append(mistake)
        if close(got[w], -expected[w]):
            fits.append(WRONG_SIGN)
        if len(fits) == 1:
            raise CheckFailed(detail, fits[0])
        guess, where = explain_rates(student, order, w)
        raise CheckFailed(f"{detail}. {where}".rstrip(". "), guess, candidates=tuple(fits))


def explain_rates(student: Any, order: list[Node], w: Node) -> tuple[Mistake | None, str]:
    """Judge the chain rule at the first node (parents first) whose d(node)/dw is wrong.

    The student's function is asked for d(node)/dw with each node as the
    root; at the first wrong one its parents' rates are right, so what it
    holds instead tells the mistake.
    """
    names = node_names(order)
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
        say = f"It goes wrong first at {names[node]}: {versus(got, want)}"
        if len(shares) > 1:
            say += " = " + " + ".join(number(s) for s in shares)
        fits: dict[Mistake, str] = {}
        if len(shares) > 1 and any(close(got, s) for s in shares):
            fits[ASSIGN_NOT_ACCUMULATE] = "one contribution kept"
        if close(got, sum(right[p] for p in node.parents)):
            fits[MISSING_LOCAL_FACTOR] = "the parents' rates unmultiplied"
        if close(got, sum(g for p, g in zip(node.parents, node.local_grads) if right[p])):
            fits[MISSING_UPSTREAM_FACTOR] = "the local derivatives alone"
        if close(got, -want) and want:
            fits[WRONG_SIGN] = "the opposite sign"
        if len(fits) == 1:
            (mistake, why), = fits.items()
            return mistake, f"{say}: {why}"
        if want and round(got / want) >= 2 and close(got / want, round(got / want)):
            fits[VISITED_TWICE] = f"{round(got / want)} times too much"
        if len(fits) == 1:
            (mistake, why), = fits.items()
            return mistake, f"{say}: {why}"
        if fits:
            return None, f"{say}: {'; or '.join(fits.values())}"
        return None, say
    return None, ""


@check_of("3.1", "no recursion (a 300-link chain)", scores=False)
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


@check_of("3.1", "a weight the root does not depend on", scores=False)
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


recipes.needed_by("3.1", "tanh_chain", DEEP)  # made before the judge forks for a submission


@check_of("3.1", f"a chain {DEEP:,} links deep")
def chain_rule_on_a_deep_chain(student: Any) -> None:
    refuse_recursion(lambda r: student.chain_rule_derivative(r, topological_order(r)[0]),
                     "chain_rule_derivative")
    root = probes.tanh_chain(DEEP)
    x, want = probes.chain_input(root), probes.chain_derivative(DEEP)
    got = _derivative(student, root, x)
    if not close(got, want, 1e-9, 1e-300):
        raise CheckFailed(f"d(out)/dx on the deep chain is {versus(got, want)}")


@check_of("3.1", "its own chain rule, not the engine's", scores=False)
def chain_rule_by_hand(student: Any) -> None:
    root = probes.fan_out()
    w = topological_order(root)[0]
    allowed = dict(SWEEPS)
    allowed.pop("engine.topological_order")
    refuse_engine(lambda: student.chain_rule_derivative(root, w), allowed,
                  "chain_rule_derivative")


# --- Exercise 3.2: central differences ------------------------------------------------------


def _quotient(student: Any, f: Callable[[Sequence[float]], float], point: list[float],
              index: int, **eps: float) -> float:
    got = student.central_difference(f, list(point), index, **eps)
    if not isinstance(got, (int, float)):
        raise CheckFailed(f"central_difference returned {type(got).__name__}, expected a float",
                          WRONG_TYPE)
    return float(got)


# x² + 3x at 1 with ε = 0.5: what each formula gives (the central difference: exactly 5).
FINGERPRINTS = {5.5: FORWARD_DIFFERENCE, 4.5: FORWARD_DIFFERENCE, 10.0: HALF_DIVISOR,
                2.75: FORWARD_DIFFERENCE, -5.0: WRONG_SIGN, 2.5: DIVISOR_WITHOUT_EPS}


def step_used(student: Any, **eps: float) -> float:
    """The ε of the student's quotient, read off x³ at 0 (exactly ε² there); 0.0 if it gives 0.

    At 0 both differences of x³ are ε³/ε (no cancellation, so no rounding
    noise whatever ε); a quotient divided by ε instead of 2ε gives 2ε², but
    that is named before ε is read.
    """
    quotient = _quotient(student, probes.cube, [0.0], 0, **eps)
    return math.sqrt(quotient) if quotient > 0 else 0.0


def diagnose_quotient(student: Any, default: bool) -> tuple[Mistake | None, str]:
    """The formula, by its fingerprint on x² + 3x at 1 with ε = 0.5; then the ε it used."""
    q = _quotient(student, probes.quadratic, [1.0], 0, eps=0.5)
    for value, mistake in FINGERPRINTS.items():
        if close(q, value, 1e-9):
            return mistake, f"On x² + 3x at 1 with eps=0.5 it gives {number(q)}."
    if not close(q, 5.0, 1e-2):
        # Not the central quotient with some other ε (exact on a quadratic, but for the
        # rounding noise of a tiny ε), so the ε cannot be read off x³ either.
        return None, (f"On x² + 3x at 1 with eps=0.5 it gives {number(q)}, where the central "
                      "difference is exactly 5 for any ε.")
    if default:
        used = step_used(student)
        if used == 0.0:
            return None, "Called without eps, its quotient of x³ at 0 is exactly 0 (ε² expected)."
        if not close(used, 1e-6, 1e-6):
            return BAD_EPS, (f"Called without eps it steps by ε = {used:.3g} (read off x³ at 0, "
                             "where the quotient is exactly ε²).")
        return None, ""
    used = step_used(student, eps=0.1)
    if used == 0.0:
        return None, "With eps=0.1 its quotient of x³ at 0 is exactly 0 (ε² = 0.01 expected)."
    if close(used, 0.1, 1e-6):
        return None, ""
    if close(used, step_used(student), 1e-9):
        return EPS_IGNORED, (f"With eps=0.1 it steps by ε = {used:.3g}, the same as without "
                             "eps (read off x³ at 0, where the quotient is exactly ε²).")
    return None, (f"With eps=0.1 it steps by ε = {used:.3g} (read off x³ at 0, where the "
                  "quotient is exactly ε²).")


@check_of("3.2", "exact for a quadratic, whatever ε")
def difference_on_a_quadratic(student: Any) -> None:
    got = _quotient(student, probes.quadratic, [1.0], 0, eps=0.5)
    if not close(got, 5.0, 1e-12):
        mistake, detail = diagnose_quotient(student, default=False)
        detail = "" if mistake in FINGERPRINTS.values() else detail
        raise CheckFailed(f"x² + 3x at 1 with eps=0.5: {versus(got, 5.0)} (exact for any ε). "
                          f"{detail}".strip(), mistake)


@check_of("3.2", "uses the eps it is given")
def difference_uses_eps(student: Any) -> None:
    got = _quotient(student, probes.cube, [1.0], 0, eps=0.1)
    if not close(got, 3.01, 1e-9):
        mistake, detail = diagnose_quotient(student, default=False)
        raise CheckFailed(f"x³ at 1 with eps=0.1: {versus(got, 3.01)} (3 + ε²). "
                          f"{detail}".strip(), mistake)


@check_of("3.2", "sin(x)·y³ at 20 points, default ε")
def difference_at_many_points(student: Any) -> None:
    rng = random.Random(32)
    f = probes.sine_cube
    for _ in range(20):
        x, y = rng.uniform(-2, 2), rng.uniform(0.5, 2)
        for index, want in ((0, math.cos(x) * y**3), (1, 3 * math.sin(x) * y**2)):
            got = _quotient(student, f, [x, y], index)
            if not math.isclose(got, want, rel_tol=1e-6, abs_tol=1e-8):
                mistake, detail = diagnose_quotient(student, default=True)
                raise CheckFailed(
                    f"∂/∂x{index + 1} of sin(x1)·x2³ at ({x:.4g}, {y:.4g}): "
                    f"{versus(got, want)}. {detail}".strip(), mistake)


@check_of("3.2", "leaves the point as it was", scores=False)
def difference_keeps_the_point(student: Any) -> None:
    point = [0.3, 2.0]
    student.central_difference(probes.product, point, 0)
    if point != [0.3, 2.0]:
        raise CheckFailed(f"after the call the point is {point}, it was [0.3, 2.0]",
                          MUTATES_POINT)


@check_of("3.2", "its own differences, not the engine's", scores=False)
def difference_by_hand(student: Any) -> None:
    forbidden = {"engine.central_difference": engine.methods.finite_differences.central_difference,
                 "engine.finite_difference_gradients":
                     engine.methods.finite_differences.finite_difference_gradients}
    refuse_engine(lambda: student.central_difference(probes.quadratic, [1.0], 0), forbidden,
                  "central_difference")


# --- hints written for these exercises -------------------------------------------------------

hint("3.1", ENGINE_CALL, "go through topological_order(root) yourself, keeping rate[node] = "
     "d(node)/dw: 1 at w, Σ local_grad · rate[parent] elsewhere")
hint("3.1", WRONG_SIGN, "rate[node] = Σ local_grad · rate[parent]: add the products, each with "
     "the sign its local derivative has")
hint("3.2", WRONG_SIGN, "(f(x + ε) − f(x − ε)) / (2ε): the point above first")
hint("3.2", ENGINE_CALL, "evaluate f yourself at two copies of the point, one moved up by eps "
     "and one down")
