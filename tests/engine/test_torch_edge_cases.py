"""PyTorch float64 at the edges: every op at 0, −0, ±inf, nan, subnormals and huge
values, with upstream gradients 1, 0, −1, ±inf, nan and 1e300, its second and third
derivatives there, and 2,000 random graphs fed with such values.

Agreement means: both nan, or equal (signed zeros count as equal), or finite
and within two ulps (the C library's exp, log, tanh and pow and PyTorch's own
kernels round their last bit differently). ``DIFFERENCES`` lists the cases
where sweepgrad differs on purpose, ``HIGHER_ORDER_DIFFERENCES`` those of derivatives of
derivatives; docs/numbers.md lists the same.
"""

from __future__ import annotations

import itertools
import math
import random

import pytest

from engine import Value, naive_gradients, path_gradients, sweep_gradients
from tests.expressions import gradient_magnitudes, leaky_relu, maximum, minimum, silu
from tests.helpers.torch_edges import (
    BINARY,
    PAIR_POINTS,
    POINTS,
    UNARY,
    UPSTREAM,
    engine_derivative,
    torch_derivative,
)

pytestmark = pytest.mark.torch

inf, nan = math.inf, math.nan


def _zero_over_tiny(op: str, point: tuple[float, ...]) -> bool:
    # PyTorch computes number / tensor as number · (1/tensor), and its gradient from
    # (1/tensor)²: 0 / 1e-310 is 0·inf = nan there, and the gradient of 0 / 1e-300 is
    # 0·inf = nan. sweepgrad divides: 0 / 1e-310 = 0, with gradient −(0/a)/a = −0.
    return op == "0 / a" and 0.0 < abs(point[0]) < 1.5e-154


def _expm1_slope(op: str, point: tuple[float, ...]) -> bool:
    # sweepgrad's slope of expm1 is e^a; PyTorch's is its value plus one, (e^a − 1) + 1,
    # which cancels for a < 0: a few ulps off at −2.5, 0 instead of e^a below −37.
    return op == "expm1" and -745.2 < point[0] < -1e-300


DIFFERENCES = (_zero_over_tiny, _expm1_slope)
SUBNORMAL = 2.2250738585072014e-308  # the smallest normal float64


def _through_a_known_difference(inputs, steps) -> bool:
    """Whether the graph feeds log1p a subnormal or expm1 a number below −36.

    PyTorch's log1p loses a subnormal argument's digits (log1p(5e-324) = 0, where
    log1p(x) = x exactly, as the C library has it), and its slope of expm1 has no
    correct digit left where e^a < 2⁻⁵² (see ``_expm1_slope``); a graph that divides
    by either magnifies the difference without bound.
    """
    functions = {name: f for name, _, f in STEPS}
    nodes = [Value(x) for x in inputs]
    for name, operands in steps:
        argument = nodes[operands[0]].data
        if name == "log1p" and 0.0 < abs(argument) < SUBNORMAL:
            return True
        if name == "expm1" and -745.2 < argument < -36.0:
            return True
        nodes.append(functions[name](*(nodes[i] for i in operands)))
    return False


def agree(ours: float, theirs: float) -> bool:
    if math.isnan(ours) or math.isnan(theirs):
        return math.isnan(ours) and math.isnan(theirs)
    if ours == theirs:
        return True
    if math.isinf(ours) or math.isinf(theirs):
        return False
    return abs(ours - theirs) <= 2 * math.ulp(max(abs(ours), abs(theirs)))


def on_purpose(op: str, point: tuple[float, ...]) -> bool:
    return any(rule(op, point) for rule in DIFFERENCES)


def engine_run(f, point: tuple[float, ...], upstream: float) -> tuple[float, list[float]]:
    leaves = [Value(x) for x in point]
    out = f(*leaves)
    (out * upstream).backward()  # d(out · g)/d(out) = g: the upstream gradient
    return out.data, [leaf.grad for leaf in leaves]


def torch_run(torch, f, point: tuple[float, ...], upstream: float) -> tuple[float, list[float]]:
    leaves = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in point]
    out = f(*leaves)
    out.backward(torch.tensor(upstream, dtype=torch.float64))
    return out.item(), [0.0 if t.grad is None else t.grad.item() for t in leaves]


def disagreements(torch, ops: dict, points, upstreams) -> list[str]:
    found = []
    for (name, f), point, upstream in itertools.product(ops.items(), points, upstreams):
        if on_purpose(name, point):
            continue
        value, grads = engine_run(f, point, upstream)
        expected_value, expected_grads = torch_run(torch, f, point, upstream)
        if not agree(value, expected_value):
            found.append(f"{name} at {point}: value {value}, PyTorch {expected_value}")
        for i, (got, want) in enumerate(zip(grads, expected_grads, strict=True)):
            if not agree(got, want):
                found.append(f"{name} at {point}, upstream {upstream}: grad {i} {got}, "
                             f"PyTorch {want}")
    return found


def test_every_unary_op_at_the_special_points_matches_torch(torch):
    found = disagreements(torch, UNARY, [(p,) for p in POINTS], UPSTREAM)
    assert not found, "\n".join(found[:20])


def test_every_binary_op_at_the_special_points_matches_torch(torch):
    found = disagreements(torch, BINARY, itertools.product(PAIR_POINTS, PAIR_POINTS),
                          (1.0, 0.0, inf, nan))
    assert not found, "\n".join(found[:20])


def test_the_differences_on_purpose_are_real(torch):
    """Each listed difference still is one (or it should leave the list and docs/numbers.md)."""
    value, _ = engine_run(UNARY["0 / a"], (1e-310,), 1.0)
    expected, _ = torch_run(torch, UNARY["0 / a"], (1e-310,), 1.0)
    assert value == 0.0 and math.isnan(expected)
    for a in (-2.5, -40.0):
        _, (ours,) = engine_run(UNARY["expm1"], (a,), 1.0)
        value, (theirs,) = torch_run(torch, UNARY["expm1"], (a,), 1.0)
        assert ours == math.exp(a) and theirs == value + 1.0 and not agree(ours, theirs)
    expected, _ = torch_run(torch, UNARY["log1p"], (5e-324,), 1.0)
    assert Value(5e-324).log1p().data == 5e-324 and expected == 0.0


# --- second and third derivatives at the special points -----------------------------------


def _root_beyond_first_order(op: str, point: tuple[float, ...]) -> bool:
    # a ** 0.5 is √a, with the slope 0.5/√a of sqrt in both engines; PyTorch differentiates
    # that slope as its pow formula 0.5·a^−½, sweepgrad as 0.5/√a: at −0 and −inf the two
    # give opposite infinities, or nan against −0 (and a ** 1.5's slope is 1.5·a ** 0.5).
    a = point[0]
    return op in ("a ** 0.5", "a ** 1.5") and (a == -inf or (a == 0.0 and
                                                             math.copysign(1.0, a) < 0.0))


def _masked_by_torch(op: str, point: tuple[float, ...]) -> bool:
    # PyTorch selects the slopes of a ** b with where(): 0 for the base's at b = 0 and
    # for the exponent's at a = 0, b ≥ 0. Its derivative of where() multiplies the
    # masked zero by the other branch's derivative, ln 0 = −inf or a nan: nan. The
    # engine's selected zero and its limit 0 are constants, with derivative 0.
    if op == "0 ** a":
        return point[0] >= 0.0
    if op == "a ** b":
        a, b = point
        return b == 0.0 or (a == 0.0 and b >= 0.0)
    return False


HIGHER_ORDER_DIFFERENCES = (*DIFFERENCES, _root_beyond_first_order, _masked_by_torch)


def _close_at_higher_order(ours: float, theirs: float) -> bool:
    # Different formulas for the same derivative round differently, and a slope that is a
    # difference of two sums (tanh's (1 − t)(1 + t) differentiates into (1 − t) − (1 + t))
    # is exact to about 1e-16 absolute near 0, not relative.
    return agree(ours, theirs) or (math.isfinite(ours) and math.isfinite(theirs) and
                                   math.isclose(ours, theirs, rel_tol=1e-12, abs_tol=1e-290))


def higher_order_disagreements(torch, ops: dict, points, order: int) -> list[str]:
    found = []
    for (name, f), point in itertools.product(ops.items(), points):
        if any(rule(name, point) for rule in HIGHER_ORDER_DIFFERENCES):
            continue
        for path in itertools.product(range(len(point)), repeat=order):
            ours = engine_derivative(f, point, path)
            theirs = torch_derivative(torch, f, point, path)
            if not _close_at_higher_order(ours, theirs):
                found.append(f"{name} at {point}, d/d{path}: {ours}, PyTorch {theirs}")
    return found


@pytest.mark.parametrize("order", [2, 3])
def test_second_and_third_derivatives_of_unary_ops_at_the_special_points_match_torch(
        torch, order):
    found = higher_order_disagreements(torch, UNARY, [(p,) for p in POINTS], order)
    assert not found, "\n".join(found[:20])


def test_second_derivatives_of_binary_ops_at_the_special_points_match_torch(torch):
    found = higher_order_disagreements(torch, BINARY, itertools.product(PAIR_POINTS, PAIR_POINTS),
                                       2)
    assert not found, "\n".join(found[:20])


def test_the_higher_order_differences_are_real(torch):
    def power(a, b):
        return a**b

    assert engine_derivative(UNARY["a ** 0.5"], (-0.0,), (0, 0)) == inf
    assert torch_derivative(torch, UNARY["a ** 0.5"], (-0.0,), (0, 0)) == -inf
    assert engine_derivative(power, (0.0, 2.0), (1, 1)) == 0.0
    assert math.isnan(torch_derivative(torch, power, (0.0, 2.0), (1, 1)))


# --- random graphs fed with special values ---------------------------------------------

STEPS = (
    ("add", 2, lambda a, b: a + b), ("sub", 2, lambda a, b: a - b),
    ("mul", 2, lambda a, b: a * b), ("div", 2, lambda a, b: a / b),
    ("pow", 2, lambda a, b: a**b), ("neg", 1, lambda a: -a), ("exp", 1, lambda a: a.exp()),
    ("log", 1, lambda a: a.log()), ("sqrt", 1, lambda a: a.sqrt()),
    ("tanh", 1, lambda a: a.tanh()), ("sigmoid", 1, lambda a: a.sigmoid()),
    ("relu", 1, lambda a: a.relu()), ("abs", 1, abs), ("silu", 1, silu),
    ("leaky_relu", 1, lambda a: leaky_relu(a, 0.1)), ("square", 1, lambda a: a**2),
    ("half", 1, lambda a: a**0.5), ("zero", 1, lambda a: a**0), ("rdiv", 1, lambda a: 2.0 / a),
    ("sin", 1, lambda a: a.sin()), ("cos", 1, lambda a: a.cos()),
    ("log1p", 1, lambda a: a.log1p()), ("expm1", 1, lambda a: a.expm1()),
    ("maximum", 2, maximum), ("minimum", 2, minimum),
)
SPECIAL_INPUTS = (0.0, -0.0, inf, -inf, nan, 5e-324, 1e-310, 1e300, -1e300, 0.5, -1.5, 2.0)


def random_graph(rng: random.Random):
    inputs = [rng.choice(SPECIAL_INPUTS) if rng.random() < 0.5 else rng.uniform(-2, 2)
              for _ in range(rng.randint(1, 4))]
    steps = []
    for _ in range(rng.randint(1, 8)):
        name, arity, _ = rng.choice(STEPS)
        count = len(inputs) + len(steps)
        steps.append((name, tuple(rng.randrange(count) for _ in range(arity))))
    return inputs, steps


def run(inputs, steps, leaves):
    functions = {name: f for name, _, f in STEPS}
    nodes = list(leaves)
    for name, operands in steps:
        nodes.append(functions[name](*(nodes[i] for i in operands)))
    return nodes[-1]


def test_two_thousand_random_graphs_with_special_values_match_torch(torch):
    rng = random.Random(2026)
    mismatches = []
    for number in range(2000):
        inputs, steps = random_graph(rng)
        if _through_a_known_difference(inputs, steps):
            continue
        leaves = [Value(x) for x in inputs]
        root = run(inputs, steps, leaves)
        root.backward()
        scales = gradient_magnitudes(root, leaves)
        tensors = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in inputs]
        expected = run(inputs, steps, tensors)
        if not expected.requires_grad:  # the root is a leaf
            continue
        expected.backward()
        if not _close_after_rounding(root.data, expected.item()):
            mismatches.append(f"graph {number} {inputs} {steps}: value {root.data} "
                              f"vs {expected.item()}")
        for leaf, tensor in zip(leaves, tensors, strict=True):
            want = 0.0 if tensor.grad is None else tensor.grad.item()
            if not _close_after_rounding(leaf.grad, want, scales[leaf]):
                mismatches.append(f"graph {number} {inputs} {steps}: grad {leaf.grad} vs {want}")
    assert not mismatches, f"{len(mismatches)} of 2000:\n" + "\n".join(mismatches[:10])


def _close_after_rounding(ours: float, theirs: float, scale: float = 0.0) -> bool:
    """As ``agree``, but ulps compound along a graph: finite values within 1e-9 relative,
    or within 1e-12 of ``scale`` (the sum of |path products|: terms of that size that
    cancel leave rounding of that size, as x/x − 1 does)."""
    if agree(ours, theirs):
        return True
    if not (math.isfinite(ours) and math.isfinite(theirs)):
        return False
    tolerance = 1e-12 * scale if math.isfinite(scale) else 0.0
    return math.isclose(ours, theirs, rel_tol=1e-9, abs_tol=max(1e-300, tolerance))


def test_random_graphs_with_special_values_agree_across_the_engines_methods():
    """The naive chain rule, path enumeration and sweep_gradients see the same selected
    zeros and divisions as the sweep, so nan and inf appear in the same places."""
    rng = random.Random(7)
    for _ in range(300):
        inputs, steps = random_graph(rng)
        leaves = [Value(x) for x in inputs]
        root = run(inputs, steps, leaves)
        swept = sweep_gradients(root, leaves)
        for method in (naive_gradients, lambda r, w: path_gradients(r, w, max_paths=10**6)):
            other = method(root, leaves)
            for leaf in leaves:
                assert _close_after_rounding(other[leaf], swept[leaf]), (inputs, steps)
