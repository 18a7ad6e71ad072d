"""Every op once: its value and its local derivatives, IEEE special cases included.

One entry per op, in the formulas of ``engine.formulas`` (operands ``a``,
``b``, the op's value ``out``, one intermediate ``aux``). Everything else is
read from this table, so an op's math is written nowhere else:

- ``Value``'s methods (``engine.value``): generated from these entries as
  plain Python when ``engine`` is imported, so they run as fast as if they
  were written by hand;
- the local derivatives as ``Value``s, which ``grad(create_graph=True)``
  builds (``engine.higher.local_derivatives``);
- the compiler's code and tape (``engine.compiler.rules``).

A local derivative is written as the op computes it (the lecture on
backpropagation: the forward pass stores what the backward pass needs), in
the form PyTorch's float64 backward gives, bit for bit:

- ``SELECTED``: a zero chosen by a branch (relu at a ≤ 0, ``a ** 0``): times
  any gradient it is 0, so one dead ReLU does not turn every gradient
  upstream into nan (``ieee.SELECTED_ZERO``);
- ``reciprocal(b)``: 1/b, applied as a division g/b where 1/b overflows;
- ``power_by(a, k)``: a ** k for a constant k, √a for ½ and 1/√a for −½ (so
  (−0)^−½ = −inf, as in PyTorch), C's pow otherwise.

Adding an op is one entry here (docs/adding-an-op.md has the steps).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

from engine.formulas import (
    SELECTED,
    Formula,
    a,
    aux,
    b,
    both,
    call,
    equal,
    is_constant_where_smooth,
    out,
    where,
)


class Op(NamedTuple):
    """One op: its name in graphs, its math in one line, its value and local derivatives.

    ``derivatives`` has one formula per operand (∂out/∂a, then ∂out/∂b);
    ``aux`` is an intermediate the value and the derivatives share (silu's
    σ(a)). ``method`` is ``Value``'s method that builds it, and ``symbol``
    the operator (``"+"``) for ops written with one, whose ``Value`` method
    also has a reflected form (``2 + x``).
    """

    name: str
    math: str
    value: Formula
    derivatives: tuple[Formula, ...]
    method: str
    aux: Formula | None = None
    symbol: str | None = None
    reflected: str | None = None

    @property
    def arity(self) -> int:
        return len(self.derivatives)

    @property
    def recorded(self) -> tuple[bool, ...]:
        """Per operand, whether the local derivative is a number fixed by branches alone
        (its derivative is 0 wherever the op is smooth): ``create_graph`` reuses it."""
        return tuple(map(is_constant_where_smooth, self.derivatives))


class Family(NamedTuple):
    """Ops whose name carries a constant (``**3``, ``leaky_relu(0.2)``): one entry per value.

    ``op(k)`` is the entry for the constant k; ``name(k)`` the op's name,
    from which ``constant(name)`` reads k back exactly (None for another op).
    """

    method: str
    math: str
    op: Callable[[float], Op]
    name: Callable[[float], str]
    constant: Callable[[str], float | None]


NAN = Formula("const", math.nan)

# --- ops on two operands ---------------------------------------------------------------

ADD = Op("+", "a + b:  ∂/∂a = 1,  ∂/∂b = 1", a + b, (Formula("const", 1.0),) * 2,
         "__add__", symbol="+", reflected="__radd__")
# −1.0·g, as the sweep multiplies; not −g, which would flip a nan's sign.
SUBTRACT = Op("-", "a - b:  ∂/∂a = 1,  ∂/∂b = -1", a - b,
              (Formula("const", 1.0), Formula("const", -1.0)),
              "__sub__", symbol="-", reflected="__rsub__")
MULTIPLY = Op("*", "a · b:  ∂/∂a = b,  ∂/∂b = a", a * b, (b, a),
              "__mul__", symbol="*", reflected="__rmul__")
# 1/b overflows for a subnormal b: then it is applied as a division (ieee.reciprocal).
DIVIDE = Op("/", "a / b:  ∂/∂a = 1/b,  ∂/∂b = -a/b²", call("divide", a, b),
            (call("reciprocal", b), -call("divide", out, b)),
            "__truediv__", symbol="/", reflected="__rtruediv__")
# d(a^b)/da at b = 0 is 0 everywhere: selected, not 0·inf at a = 0. At a = 0 with
# b ≥ 0, a^b·ln a is 0·(−inf); its limit, and PyTorch's value, is 0.
POWER = Op("**", "a ** b:  ∂/∂a = b·a^(b-1),  ∂/∂b = a^b·ln a", call("power", a, b),
           (where(equal(b, 0.0), SELECTED, b * call("power", a, b - 1.0)),
            where(both(equal(a, 0.0), b >= 0.0), 0.0, out * call("log", a))),
           "__pow__", symbol="**", reflected="__rpow__")


def _larger(first: Formula, second: Formula, name: str, method: str, words: str) -> Op:
    """max (``first`` is a > b) or min (a < b), as PyTorch: the winner takes g, the loser a
    selected 0; a tie gives a (max(−0, 0) is −0) and halves g; a nan gives nan and g to both."""
    return Op(
        name, words,
        where(first, a, where(second, b, where(equal(a, b), a, NAN))),
        (where(first, 1.0, where(second, SELECTED, where(equal(a, b), 0.5, 1.0))),
         where(first, SELECTED, where(second, 1.0, where(equal(a, b), 0.5, 1.0)))),
        method,
    )


MAXIMUM = _larger(a > b, a < b, "maximum", "maximum",
                  "max(a, b):  ∂/∂a = 1 where a > b, ∂/∂b = 1 where b > a, ½ each at a tie")
MINIMUM = _larger(a < b, a > b, "minimum", "minimum",
                  "min(a, b):  ∂/∂a = 1 where a < b, ∂/∂b = 1 where b < a, ½ each at a tie")

# --- ops on one operand ----------------------------------------------------------------

NEGATE = Op("neg", "-a:  ∂/∂a = -1", -a, (Formula("const", -1.0),), "__neg__")
EXP = Op("exp", "e^a:  ∂/∂a = e^a", call("exp", a), (out,), "exp")
LOG = Op("log", "ln a:  ∂/∂a = 1/a", call("log", a), (call("reciprocal", a),), "log")
SQRT = Op("sqrt", "√a:  ∂/∂a = 1/(2√a)", call("sqrt", a), (call("divide", 0.5, out),), "sqrt")
# The factored form loses nothing to cancellation where |tanh a| is near 1.
TANH = Op("tanh", "tanh a:  ∂/∂a = 1 - tanh²a = (1 - tanh a)(1 + tanh a)", call("tanh", a),
          ((1.0 - out) * (1.0 + out),), "tanh")
SIGMOID = Op("sigmoid", "σ(a) = 1/(1+e^-a):  ∂/∂a = σ(a)(1-σ(a))", call("sigmoid", a),
             (out * (1.0 - out),), "sigmoid")
# max(a, 0) keeping −0.0 (so 1/relu(−0.0) is −inf) and nan (with slope 1), as PyTorch.
# The value tells the branch apart: it is > 0 or nan exactly where a is.
RELU = Op("relu", "max(a, 0):  ∂/∂a = 1 if a > 0 else 0 (selected: 0 at a = 0, as in PyTorch)",
          where(a < 0.0, 0.0, a), (where(out <= 0.0, SELECTED, 1.0),), "relu")
SILU = Op("silu", "a·σ(a):  ∂/∂a = σ(a)·(1 + a·(1-σ(a)))", a * aux,
          (aux * (1.0 + a * (1.0 - aux)),), "silu", aux=call("sigmoid", a))
# sign(a); 0 at a = 0 and at nan, as in PyTorch.
ABS = Op("abs", "|a|:  ∂/∂a = sign(a), 0 at a = 0 and at nan", call("abs", a),
         (where(a > 0.0, 1.0, where(a < 0.0, -1.0, 0.0)),), "abs")
SIN = Op("sin", "sin a:  ∂/∂a = cos a", call("sin", a), (call("cos", a),), "sin")
COS = Op("cos", "cos a:  ∂/∂a = −sin a", call("cos", a), (-call("sin", a),), "cos")
LOG1P = Op("log1p", "ln(1 + a), exact for tiny a:  ∂/∂a = 1/(1 + a)", call("log1p", a),
           (call("reciprocal", 1.0 + a),), "log1p")
# e^a itself, not the value plus 1 as PyTorch computes it: (e^a − 1) + 1 cancels for
# a < 0 (a few ulps off at a = −2.5, 0 instead of e^a below a ≈ −37).
EXPM1 = Op("expm1", "e^a − 1, exact for tiny a:  ∂/∂a = e^a", call("expm1", a),
           (call("exp", a),), "expm1")

# 1 + a² is inf for |a| > 1e154: the slope is then 1/inf = 0, as PyTorch's g / (a² + 1).
ATAN = Op("atan", "arctan a:  ∂/∂a = 1/(1 + a²)", call("atan", a),
          (call("reciprocal", 1.0 + a * a),), "atan")

# --- ops whose name carries a constant ------------------------------------------------


def _power_by(n: float) -> Op:
    """a ** n for a number n: ∂/∂a = n·a^(n−1). At n = ½ it is √a, as PyTorch computes
    it ((−0)^½ = −0 with slope −inf); at n = 0 the slope 0 is selected."""
    name = f"**{format_exponent(n)}"
    math = "a ** n:  ∂/∂a = n·a^(n-1)"
    if n == 0.5:
        return Op(name, math, call("sqrt", a), (call("divide", 0.5, out),), "__pow__")
    if n == 0.0:
        return Op(name, math, call("power_by", a, n), (SELECTED,), "__pow__")
    return Op(name, math, call("power_by", a, n), (n * call("power_by", a, n - 1.0),),
              "__pow__")


def format_exponent(n: float) -> str:
    """The exponent as the op names it (``**3``, ``**2.5``), exactly: ``float()`` reads it back."""
    if n.is_integer():
        return str(int(n))
    short = f"{n:g}"
    return short if float(short) == n else repr(n)


def _exponent(name: str) -> float | None:
    if not name.startswith("**") or len(name) == 2:
        return None
    try:
        return float(name[2:])
    except ValueError:
        return None


def _leaky_relu(alpha: float) -> Op:
    return Op(_leaky_relu_name(alpha), "a if a > 0 else α·a:  ∂/∂a = 1 if a > 0 else α",
              where(a > 0.0, a, alpha * a), (where(a > 0.0, 1.0, alpha),), "leaky_relu")


def _leaky_relu_name(alpha: float) -> str:
    # The name carries α when it is not PyTorch's 0.01: where a > 0 the local
    # derivative is 1, and the name is then the only record of α.
    return "leaky_relu" if alpha == 0.01 else f"leaky_relu({alpha!r})"


def _slope(name: str) -> float | None:
    if name == "leaky_relu":
        return 0.01
    if not (name.startswith("leaky_relu(") and name.endswith(")")):
        return None
    try:
        return float(name[len("leaky_relu("):-1])
    except ValueError:
        return None


POWER_BY = Family("__pow__", "a ** n:  ∂/∂a = n·a^(n-1)", _power_by,
                  lambda n: f"**{format_exponent(n)}", _exponent)
LEAKY_RELU = Family("leaky_relu", "a if a > 0 else α·a:  ∂/∂a = 1 if a > 0 else α",
                    _leaky_relu, _leaky_relu_name, _slope)

# --- the table -------------------------------------------------------------------------

OPS: dict[str, Op] = {op.name: op for op in (
    ADD, SUBTRACT, MULTIPLY, DIVIDE, POWER, MAXIMUM, MINIMUM,
    NEGATE, EXP, LOG, SQRT, TANH, SIGMOID, RELU, SILU, ABS, SIN, COS, LOG1P, EXPM1, ATAN,
)}
FAMILIES: tuple[Family, ...] = (POWER_BY, LEAKY_RELU)

_INSTANCES: dict[str, Op | None] = {}


def op_named(name: str) -> Op | None:
    """The entry of the op called ``name`` in a graph (``"tanh"``, ``"**3"``), or None."""
    entry = OPS.get(name)
    if entry is not None:
        return entry
    if name in _INSTANCES:
        return _INSTANCES[name]
    found = None
    if isinstance(name, str):
        for family in FAMILIES:
            constant = family.constant(name)
            if constant is not None:
                found = family.op(constant)
                break
    if len(_INSTANCES) > 4096:  # a program that makes endless exponents
        _INSTANCES.clear()
    _INSTANCES[name] = found
    return found
