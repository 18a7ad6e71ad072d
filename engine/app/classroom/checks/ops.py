"""Checks of chapter 1 (``ops``): local derivatives, and nodes built by hand.

References are ``math`` and the engine's own ops; a wrong slope is named by
what it equals instead (the operands swapped, the sign flipped, a factor
dropped), judged from the formula of each operation.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from functools import partial
from typing import Any

from engine import Value, ieee
from engine.app.classroom.diagnose import close, compare_function, number, refuse_engine, show
from engine.app.classroom.mistakes import (
    ENGINE_CALL,
    FLOAT_NOT_NODE,
    MISSING_FACTOR,
    RELU_AT_ZERO,
    SET_OF_PARENTS,
    SWAPPED_OPERANDS,
    UNSTABLE_SIGMOID,
    WRONG_LOCAL_DERIVATIVE,
    WRONG_SIGN,
    WRONG_TYPE,
    WRONG_VALUE,
    Mistake,
)
from engine.app.classroom.registry import check_of, exercise, hint
from engine.app.classroom.results import CheckFailed

exercise("1.1", "ops", ("add", "mul", "div", "power"), "binary operations", points=2)
exercise("1.2", "ops", ("exp", "log", "tanh", "sigmoid", "relu"), "functions of one operand",
         points=2)
exercise("1.3", "ops", ("value_mul", "value_tanh"), "graph nodes by hand", points=2)


def _sigmoid(a: float) -> float:
    return 1.0 / (1.0 + math.exp(-a)) if a >= 0 else math.exp(a) / (1.0 + math.exp(a))


# name: (reference, the derivative in words)
REFERENCES: dict[str, tuple[Callable[..., Any], str]] = {
    "add": (lambda a, b: (a + b, (1.0, 1.0)), "c = a + b, ∂c/∂a = 1, ∂c/∂b = 1"),
    "mul": (lambda a, b: (a * b, (b, a)), "c = a·b, ∂c/∂a = b, ∂c/∂b = a"),
    "div": (lambda a, b: (a / b, (1.0 / b, -a / (b * b))), "c = a/b, ∂c/∂a = 1/b, ∂c/∂b = −a/b²"),
    "power": (lambda a, n: (a**n, (n * a ** (n - 1),)), "c = aⁿ, ∂c/∂a = n·aⁿ⁻¹"),
    "exp": (lambda a: (math.exp(a), (math.exp(a),)), "c = eᵃ, ∂c/∂a = eᵃ"),
    "log": (lambda a: (math.log(a), (1.0 / a,)), "c = ln a, ∂c/∂a = 1/a"),
    "tanh": (lambda a: (math.tanh(a), (1.0 - math.tanh(a) ** 2,)),
             "c = tanh a, ∂c/∂a = 1 − tanh² a"),
    "sigmoid": (lambda a: (_sigmoid(a), (_sigmoid(a) * (1.0 - _sigmoid(a)),)),
                "c = σ(a), ∂c/∂a = σ(a)·(1 − σ(a))"),
    "relu": (lambda a: (max(a, 0.0), (1.0 if a > 0 else 0.0,)),
             "c = max(a, 0), ∂c/∂a = 1 if a > 0 else 0"),
}

def _none_dropped(*operands: float) -> list[float]:
    """No slope to compare with: the op has no factor a student drops."""
    return []


# A slope that equals one of these (given the operands) dropped a factor.
DROPPED_FACTORS: dict[str, Callable[..., list[float]]] = {
    "power": lambda a, n: [a ** (n - 1), n * a**n, a**n, n * a ** (n + 1)],
    "tanh": lambda a: [1.0 - math.tanh(a), math.tanh(a) ** 2, -(math.tanh(a) ** 2)],
    "sigmoid": lambda a: [_sigmoid(a), 1.0 - _sigmoid(a)],
    "div": lambda a, b: [-1.0 / (b * b), a / b, -a / b],
    "exp": lambda a: [1.0, a * math.exp(a)],
}


def diagnose_local(name: str) -> Callable[[tuple, Any, Any], tuple[Mistake | None, str]]:
    """Name what a wrong ``(value, local_grads)`` of operation ``name`` looks like."""
    formula = REFERENCES[name][1]

    def diagnose(args: tuple, got: Any, want: Any) -> tuple[Mistake | None, str]:
        if not (isinstance(got, tuple) and len(got) == 2 and isinstance(got[1], (tuple, list))):
            return WRONG_TYPE, f"return (value, local_grads), local_grads a tuple: {formula}"
        value, grads = got
        if not close(value, want[0]):
            return WRONG_VALUE, f"the value should be {number(want[0])}: {formula}"
        want_grads = want[1]
        if len(grads) != len(want_grads):
            return WRONG_TYPE, (f"give {len(want_grads)} local derivative(s), one per operand: "
                                f"{formula}")
        if len(grads) == 2 and close(grads[0], want_grads[1]) and close(grads[1], want_grads[0]) \
                and not close(grads[0], want_grads[0]):
            return SWAPPED_OPERANDS, formula
        for index, (g, w) in enumerate(zip(grads, want_grads)):
            if close(g, w):
                continue
            which = "∂c/∂a" if index == 0 else "∂c/∂b"
            if close(g, -w):
                return WRONG_SIGN, f"{which} has the wrong sign: {formula}"
            if any(close(g, d) for d in DROPPED_FACTORS.get(name, _none_dropped)(*args)):
                return MISSING_FACTOR, f"{which} = {number(g)}: {formula}"
            return WRONG_LOCAL_DERIVATIVE, f"{which} should be {number(w)}: {formula}"
        return None, formula

    return diagnose


def _points(rng: random.Random, count: int, low: float, high: float, arity: int,
            second: tuple[float, float] | None = None) -> list[tuple[float, ...]]:
    out: list[tuple[float, ...]] = []
    for _ in range(count):
        first = rng.uniform(low, high)
        if arity == 1:
            out.append((first,))
        else:
            lo, hi = second or (low, high)
            out.append((first, rng.uniform(lo, hi)))
    return out


def _local_check(name: str, inputs: list[tuple[float, ...]]) -> Callable[[Any], None]:
    def run(student: Any) -> None:
        compare_function(getattr(student, name), REFERENCES[name][0], inputs, name,
                         rel=1e-10, abs_=1e-12, diagnose=diagnose_local(name))

    return run


# --- Exercise 1.1 ---------------------------------------------------------------------------


@check_of("1.1", "add, mul, div and power at points checked by hand")
def hand_checked(student: Any) -> None:
    cases = [("add", (2.0, -3.0)), ("mul", (2.0, -3.0)), ("div", (1.0, 4.0)),
             ("power", (3.0, 2.0))]
    for name, args in cases:
        compare_function(getattr(student, name), REFERENCES[name][0], [args], name,
                         diagnose=diagnose_local(name))


_rng = random.Random(11)
check_of("1.1", "add on 30 points")(_local_check("add", _points(_rng, 30, -4, 4, 2)))
check_of("1.1", "mul on 30 points")(_local_check("mul", _points(_rng, 30, -4, 4, 2)))
check_of("1.1", "div on 30 points")(_local_check("div", _points(_rng, 30, -4, 4, 2, (0.1, 4))))
check_of("1.1", "power on 30 points")(_local_check("power", _points(_rng, 30, 0.1, 4, 2, (-3, 3))))

# --- Exercise 1.2 ---------------------------------------------------------------------------

check_of("1.2", "exp on 30 points")(_local_check("exp", _points(_rng, 30, -6, 6, 1)))
check_of("1.2", "log on 30 points")(_local_check("log", _points(_rng, 30, 0.05, 6, 1)))
check_of("1.2", "tanh on 30 points")(_local_check("tanh", _points(_rng, 30, -4, 4, 1)))
check_of("1.2", "sigmoid on 30 points")(_local_check("sigmoid", _points(_rng, 30, -8, 8, 1)))
check_of("1.2", "relu on 30 points")(
    _local_check("relu", [p for p in _points(_rng, 30, -4, 4, 1) if abs(p[0]) > 1e-3]))


@check_of("1.2", "sigmoid(±800) without overflow")
def sigmoid_is_stable(student: Any) -> None:
    for a, want in ((-800.0, (0.0, (0.0,))), (800.0, (1.0, (0.0,))), (0.0, (0.5, (0.25,)))):
        try:
            got = student.sigmoid(a)
        except (OverflowError, ZeroDivisionError) as error:
            raise CheckFailed(f"sigmoid({a:g}) raised {type(error).__name__}: {error}",
                              UNSTABLE_SIGMOID) from None
        right = (isinstance(got, tuple) and len(got) == 2 and close(got[0], want[0])
                 and isinstance(got[1], tuple) and len(got[1]) == 1
                 and close(got[1][0], want[1][0]))
        if not right:
            shape = isinstance(got, tuple) and len(got) == 2 and isinstance(got[1], tuple)
            value = got[0] if shape else got
            slope = got[1][0] if shape and len(got[1]) == 1 else None
            detail = f"sigmoid({a:g}) returned {show(got)}, expected {show(want)}"
            if isinstance(value, float) and not math.isfinite(value):
                raise CheckFailed(detail, UNSTABLE_SIGMOID)
            if close(value, want[0]) and isinstance(slope, float) and not math.isfinite(slope):
                raise CheckFailed(f"{detail}: the value is right, the slope is not finite",
                                  UNSTABLE_SIGMOID, hint="compute the slope from the value "
                                  "you have: σ·(1 − σ), not from e⁻ᵃ")
            mistake, words = diagnose_local("sigmoid")((a,), got, want)
            raise CheckFailed(f"{detail}. {words}", mistake)


@check_of("1.2", "relu at 0 and below")
def relu_at_zero(student: Any) -> None:
    for a in (0.0, -2.0, 3.0):
        got = student.relu(a)
        want = REFERENCES["relu"][0](a)
        if got != want and not (isinstance(got, tuple) and close(got[0], want[0])
                                and close(got[1][0], want[1][0])):
            mistake = RELU_AT_ZERO if a == 0.0 and isinstance(got, tuple) and close(
                got[0], 0.0) else None
            raise CheckFailed(f"relu({a:g}) returned {show(got)}, expected {show(want)}",
                              mistake or diagnose_local("relu")((a,), got, want)[0])


# The engine's own versions of chapter 1: its ops, and the IEEE helpers behind them.
ENGINE_OPS: dict[str, object] = {
    f"Value.{name}": getattr(Value, name)
    for name in ("__add__", "__radd__", "__mul__", "__rmul__", "__truediv__", "__pow__", "exp",
                 "log", "tanh", "sigmoid", "relu")
}
ENGINE_OPS.update({f"engine.ieee.{f.__name__}": f
                   for f in (ieee.divide, ieee.power, ieee.exp, ieee.log, ieee.sigmoid)})


def _own_formulas(names: tuple[str, ...], args: dict[str, tuple[float, ...]]
                  ) -> Callable[[Any], None]:
    def run(student: Any) -> None:
        for name in names:
            refuse_engine(partial(getattr(student, name), *args[name]), ENGINE_OPS, name)

    return run


check_of("1.1", "its own formulas, not the engine's ops", scores=False)(_own_formulas(
    ("add", "mul", "div", "power"),
    {"add": (1.5, 2.0), "mul": (1.5, 2.0), "div": (1.5, 2.0), "power": (1.5, 2.0)}))
check_of("1.2", "its own formulas, not the engine's ops", scores=False)(_own_formulas(
    ("exp", "log", "tanh", "sigmoid", "relu"),
    {name: (0.7,) for name in ("exp", "log", "tanh", "sigmoid", "relu")}))

# --- Exercise 1.3 ---------------------------------------------------------------------------

HAND_BUILT = {"a * b (Value.__mul__)": Value.__mul__, "Value.__rmul__": Value.__rmul__,
              "a.tanh() (Value.tanh)": Value.tanh}


def _node(result: Any, what: str) -> Value:
    if not isinstance(result, Value):
        raise CheckFailed(f"{what} returned {type(result).__name__} {result!r}, not a Value",
                          FLOAT_NOT_NODE)
    if not isinstance(result.parents, tuple):
        raise CheckFailed(f"{what} has parents of type {type(result.parents).__name__}",
                          SET_OF_PARENTS if isinstance(result.parents, (set, frozenset))
                          else FLOAT_NOT_NODE)
    return result


@check_of("1.3", "value_mul builds the node a·b")
def value_mul_node(student: Any) -> None:
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c = _node(student.value_mul(a, b), "value_mul(a, b)")
    if not close(c.data, -6.0):
        raise CheckFailed(f"value_mul(2, -3).data is {number(c.data)}, expected -6", WRONG_VALUE)
    if len(c.parents) != 2 or c.parents[0] is not a or c.parents[1] is not b:
        raise CheckFailed("value_mul(a, b).parents must be the tuple (a, b), in that order",
                          FLOAT_NOT_NODE)
    grads = tuple(c.local_grads)
    if grads == (2.0, -3.0):
        raise CheckFailed("local_grads are (2, -3), expected (∂/∂a, ∂/∂b) = (b, a) = (-3, 2)",
                          SWAPPED_OPERANDS)
    if len(grads) != 2 or not (close(grads[0], -3.0) and close(grads[1], 2.0)):
        raise CheckFailed(f"local_grads are {show(grads)}, expected (-3, 2)",
                          WRONG_LOCAL_DERIVATIVE)
    if c.op != "*":
        raise CheckFailed(f"op is {c.op!r}, expected '*'", WRONG_TYPE)


@check_of("1.3", "value_mul(x, x) keeps both edges")
def value_mul_square(student: Any) -> None:
    x = Value(3.0, label="x")
    square = _node(student.value_mul(x, x), "value_mul(x, x)")
    if len(square.parents) != 2:
        raise CheckFailed(f"value_mul(x, x) has {len(square.parents)} parent(s), expected 2",
                          SET_OF_PARENTS)
    square.backward()
    if not close(x.grad, 6.0):
        raise CheckFailed(f"after backward, x.grad is {number(x.grad)}, expected 2x = 6",
                          WRONG_LOCAL_DERIVATIVE)


@check_of("1.3", "value_tanh builds the node tanh(a)")
def value_tanh_node(student: Any) -> None:
    a = Value(0.7, label="a")
    t = _node(student.value_tanh(a), "value_tanh(a)")
    want = math.tanh(0.7)
    if not close(t.data, want):
        raise CheckFailed(f"value_tanh(0.7).data is {number(t.data)}, expected {number(want)}",
                          WRONG_VALUE)
    if len(t.parents) != 1 or t.parents[0] is not a:
        raise CheckFailed("value_tanh(a).parents must be the tuple (a,)", FLOAT_NOT_NODE)
    if len(t.local_grads) != 1 or not close(t.local_grads[0], 1 - want**2):
        got = show(tuple(t.local_grads))
        mistake = diagnose_local("tanh")((0.7,), (t.data, tuple(t.local_grads)),
                                         REFERENCES["tanh"][0](0.7))[0]
        raise CheckFailed(f"local_grads are {got}, expected (1 − tanh² a,) = "
                          f"({number(1 - want ** 2)},)", mistake or WRONG_LOCAL_DERIVATIVE)
    if t.op != "tanh":
        raise CheckFailed(f"op is {t.op!r}, expected 'tanh'", WRONG_TYPE)


@check_of("1.3", "gradients through value_tanh(value_mul(x, w)) on 20 points")
def value_nodes_differentiate(student: Any) -> None:
    rng = random.Random(13)
    for _ in range(20):
        a, b = rng.uniform(-2, 2), rng.uniform(-2, 2)
        x, w = Value(a, label="x"), Value(b, label="w")
        mine = _node(student.value_tanh(_node(student.value_mul(x, w), "value_mul")),
                     "value_tanh")
        mine.backward()
        slope = 1 - math.tanh(a * b) ** 2
        if not (close(x.grad, slope * b) and close(w.grad, slope * a)):
            raise CheckFailed(
                f"at x = {a:.4g}, w = {b:.4g}: x.grad {number(x.grad)}, w.grad {number(w.grad)}; "
                f"expected {number(slope * b)} and {number(slope * a)}", WRONG_LOCAL_DERIVATIVE)


@check_of("1.3", "built by hand, without the engine's * and tanh", scores=False)
def value_nodes_by_hand(student: Any) -> None:
    a, b = Value(0.5), Value(-1.5)
    refuse_engine(lambda: student.value_mul(a, b), HAND_BUILT, "value_mul")
    refuse_engine(lambda: student.value_tanh(a), HAND_BUILT, "value_tanh")


# --- hints written for these exercises -------------------------------------------------------

for _number in ("1.1", "1.2"):
    hint(_number, ENGINE_CALL, "compute with floats and the math module (math.exp, math.log, "
         "math.tanh) and return (value, (slope, …)); no Value in this exercise")
    hint(_number, WRONG_SIGN, "redo that derivative by hand, sign by sign, with the formula "
         "above; central differences at one point tell the sign")
hint("1.2", UNSTABLE_SIGMOID, "for a < 0 compute the value as eᵃ/(1 + eᵃ) (its exponent is "
     "never positive), then the slope from the value: σ·(1 − σ)")
hint("1.3", ENGINE_CALL, "build the node with the constructor: Value(a.data * b.data, (a, b), "
     "(b.data, a.data), '*'); a * b is the engine's own op")
hint("1.3", WRONG_LOCAL_DERIVATIVE, "local_grads lists ∂c/∂(each parent) at these values: "
     "(b.data, a.data) for a·b, (1 − t²,) for tanh")
