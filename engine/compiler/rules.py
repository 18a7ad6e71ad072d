"""How each op compiles: its value and its local derivatives as Python expressions.

``engine.compile`` turns a recorded graph into straight-line Python. For every
op it needs what ``engine.value`` computes at run time, written as text:

- ``value``: the node's value from its operands ``{a}`` (and ``{b}``);
- ``grads``: for each operand, the contribution ``∂node/∂operand · g`` the
  backward sweep adds to the operand's gradient, where ``{g}`` is the node's
  own gradient and ``{out}`` its value;
- ``aux``: a value the derivative needs that is not the output (silu's σ(a)),
  computed once in the forward pass as ``{aux}``.

Each entry reproduces ``engine.value`` operation for operation, so a compiled
graph gives the dynamic engine's numbers bit for bit: the same ``engine.ieee``
helpers, the same products in the same order (``local · g``), and the same
branches (relu's, abs's, ``a ** b`` at b = 0). Two rewrites are exact and
save work: ``1.0 · g`` is written ``g``, and a ``SELECTED_ZERO`` local
derivative is written as the contribution ``0.0`` it always gives.

To compile a new op, add its entry to ``RULES`` (or, for an op whose name
carries a constant, such as ``**3`` or ``leaky_relu(0.2)``, to
``_parametrised``), using only names from ``NAMESPACE``.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

from engine import ieee


class Rule(NamedTuple):
    """One op as text: value, per-operand gradient contributions, optional auxiliary value."""

    value: str
    grads: tuple[str, ...]
    aux: str | None = None

    @property
    def arity(self) -> int:
        return len(self.grads)


# The names generated code may use; every compiled function runs with these globals.
NAMESPACE: dict[str, Any] = {
    "tanh": math.tanh,
    "msqrt": math.sqrt,  # √a for a ≥ 0, the only case ieee.sqrt passes on to math
    "exp": ieee.exp,
    "log": ieee.log,
    "power": ieee.power,
    "divide": ieee.divide,
    "reciprocal": ieee.reciprocal,
    "sigmoid": ieee.sigmoid,
    "sin": ieee.sin,
    "cos": ieee.cos,
    "log1p": ieee.log1p,
    "expm1": ieee.expm1,
    "inf": math.inf,
    "nan": math.nan,
}

RULES: dict[str, Rule] = {
    # a + b: ∂/∂a = ∂/∂b = 1
    "+": Rule("{a} + {b}", ("{g}", "{g}")),
    # a − b: ∂/∂a = 1, ∂/∂b = −1 (−1.0·g, as the sweep multiplies; not −g, which flips a nan's sign)
    "-": Rule("{a} - {b}", ("{g}", "-1.0 * {g}")),
    # a·b: ∂/∂a = b, ∂/∂b = a
    "*": Rule("{a} * {b}", ("{b} * {g}", "{a} * {g}")),
    # a/b: ∂/∂a = 1/b (a division where 1/b overflows: ieee.reciprocal), ∂/∂b = −(a/b)/b
    "/": Rule(
        "({a} / {b} if {b} else divide({a}, {b}))",
        ("reciprocal({b}) * {g}", "-divide({out}, {b}) * {g}"),
    ),
    # −a: ∂/∂a = −1
    "neg": Rule("-{a}", ("-1.0 * {g}",)),
    # a^b: ∂/∂a = b·a^(b−1) (selected 0 at b = 0), ∂/∂b = a^b·ln a (0 at a = 0 ≤ b)
    "**": Rule(
        "power({a}, {b})",
        (
            "(0.0 if {b} == 0.0 else {b} * power({a}, {b} - 1.0) * {g})",
            "(0.0 if {a} == 0.0 and {b} >= 0.0 else {out} * log({a})) * {g}",
        ),
    ),
    # e^a: ∂/∂a = e^a
    # sin a: ∂/∂a = cos a;  cos a: ∂/∂a = −sin a
    "sin": Rule("sin({a})", ("cos({a}) * {g}",)),
    "cos": Rule("cos({a})", ("-sin({a}) * {g}",)),
    # log(1 + a): ∂/∂a = 1/(1 + a), a division where it overflows;  e^a − 1: ∂/∂a = e^a
    "log1p": Rule("log1p({a})", ("reciprocal(1.0 + {a}) * {g}",)),
    "expm1": Rule("expm1({a})", ("exp({a}) * {g}",)),
    # max(a, b): the winner gets g, the loser a selected 0; a tie halves g; nan passes g to both
    "maximum": Rule(
        "({a} if {a} > {b} else {b} if {a} < {b} else {a} if {a} == {b} else nan)",
        ("({g} if {a} > {b} else 0.0 if {a} < {b} else 0.5 * {g} if {a} == {b} else {g})",
         "(0.0 if {a} > {b} else {g} if {a} < {b} else 0.5 * {g} if {a} == {b} else {g})"),
    ),
    "minimum": Rule(
        "({a} if {a} < {b} else {b} if {a} > {b} else {a} if {a} == {b} else nan)",
        ("({g} if {a} < {b} else 0.0 if {a} > {b} else 0.5 * {g} if {a} == {b} else {g})",
         "(0.0 if {a} < {b} else {g} if {a} > {b} else 0.5 * {g} if {a} == {b} else {g})"),
    ),
    "exp": Rule("exp({a})", ("{out} * {g}",)),
    # ln a: ∂/∂a = 1/a
    "log": Rule("log({a})", ("reciprocal({a}) * {g}",)),
    # √a: ∂/∂a = 0.5/√a
    "sqrt": Rule("(msqrt({a}) if {a} >= 0.0 else nan)", ("divide(0.5, {out}) * {g}",)),
    # tanh a: ∂/∂a = (1 − t)(1 + t)
    "tanh": Rule("tanh({a})", ("(1.0 - {out}) * (1.0 + {out}) * {g}",)),
    # σ(a): ∂/∂a = σ(1 − σ)
    "sigmoid": Rule("sigmoid({a})", ("{out} * (1.0 - {out}) * {g}",)),
    # max(a, 0), keeping −0.0 and nan: ∂/∂a = 1 where a > 0 or a is nan, else a selected 0.
    # The output tells the branch apart: it is > 0 or nan exactly where a is.
    "relu": Rule("(0.0 if {a} < 0.0 else {a})", ("(0.0 if {out} <= 0.0 else {g})",)),
    # a·σ(a): ∂/∂a = σ(1 + a(1 − σ))
    "silu": Rule(
        "{a} * {aux}", ("{aux} * (1.0 + {a} * (1.0 - {aux})) * {g}",), aux="sigmoid({a})"
    ),
    # |a|: ∂/∂a = sign(a), 0 at a = 0 and at nan (0·g, as the sweep multiplies)
    "abs": Rule(
        "abs({a})", ("({g} if {a} > 0.0 else -1.0 * {g} if {a} < 0.0 else 0.0 * {g})",)
    ),
}


def literal(x: float) -> str:
    """``x`` as Python source that evaluates to the same float (``inf``, ``nan`` are names)."""
    return repr(x)


def _leaky_relu(alpha: float) -> Rule:
    """a if a > 0 else α·a:  ∂/∂a = 1 if a > 0 else α."""
    k = literal(alpha)
    return Rule(
        f"({{a}} if {{a}} > 0.0 else {k} * {{a}})", (f"({{g}} if {{a}} > 0.0 else {k} * {{g}})",)
    )


def _power(n: float) -> Rule:
    """a ** n for a constant n, with ``engine.value``'s special cases: n = ½ is √a,
    n = −½ is 1/√a, and n = 0 has the selected derivative 0."""
    if n == 0.5:
        return Rule("(msqrt({a}) if {a} >= 0.0 else nan)", ("divide(0.5, {out}) * {g}",))
    # The slope n·a^(n−1) takes a^(n−1) with the same √ cases as the value.
    below = n - 1.0
    if below == 0.5:
        power_below = "(msqrt({a}) if {a} >= 0.0 else nan)"
    elif below == -0.5:
        power_below = "divide(1.0, msqrt({a}) if {a} >= 0.0 else nan)"
    else:
        power_below = f"power({{a}}, {literal(below)})"
    slope = f"{literal(n)} * {power_below} * {{g}}"
    if n == 0.0:
        return Rule(f"power({{a}}, {literal(n)})", ("0.0",))
    if n == -0.5:
        return Rule("divide(1.0, msqrt({a}) if {a} >= 0.0 else nan)", (slope,))
    return Rule(f"power({{a}}, {literal(n)})", (slope,))


def _parametrised(op: str) -> Rule | None:
    """The rule of an op whose name carries its constant: ``**3``, ``leaky_relu(0.2)``."""
    try:
        if op.startswith("**") and len(op) > 2:
            return _power(float(op[2:]))
        if op.startswith("leaky_relu(") and op.endswith(")"):
            return _leaky_relu(float(op[len("leaky_relu(") : -1]))
        if op == "leaky_relu":
            return _leaky_relu(0.01)
    except ValueError:
        return None
    return None


_CACHE: dict[str, Rule | None] = {}


def rule_for(op: str) -> Rule | None:
    """The rule that compiles ``op``, or None for an op the compiler does not know."""
    if op in RULES:
        return RULES[op]
    if op not in _CACHE:
        _CACHE[op] = _parametrised(op)
    return _CACHE[op]
