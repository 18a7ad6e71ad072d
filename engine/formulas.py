"""Formulas: the small language the op table (``engine.operations``) is written in.

An op's value and local derivatives are written once, as formulas over its
operands ``a``, ``b``, its value ``out`` and one intermediate ``aux``:

    tanh:  value tanh(a);  ∂/∂a = (1 − out)(1 + out)

A formula is a tree of ``Formula`` nodes built with Python's operators
(``+``, ``-``, ``*``, unary ``-``, comparisons), ``call(name, ...)`` for the
float functions of ``engine.ieee``, ``where(condition, x, y)`` for a branch,
and ``SELECTED`` for a zero chosen by a branch (``ieee.SELECTED_ZERO``).
There is no ``/``: a quotient is ``call("divide", x, y)``, so it follows IEEE
754 at a zero denominator.

``render`` writes a formula as Python text, in one of three dialects, which
is how each reader of the table gets its own form of the same math:

- ``FLOATS``: Python on floats, the names of ``FLOAT_NAMES`` (``Value``'s
  methods, the compiler's code and its tape);
- ``VALUES``: Python on ``Value``s, so a local derivative is itself a node
  (``grad(create_graph=True)``); conditions still read the floats (``.data``);
- ``contribution``: a local derivative times the node's gradient ``g``, as the
  sweep multiplies it (``local · g``), with two exact rewrites: ``1.0 · g`` is
  ``g``, and a selected zero gives ``0.0`` whatever g is.

A formula is a handful of nodes (the math of one op, not a graph of the
user's), so the renderer walks it recursively.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from engine import ieee

# How tightly each kind of formula binds, as in Python's grammar (higher binds tighter).
_PRECEDENCE = {
    "where": 0, "or": 1, "and": 2,
    "<": 4, "<=": 4, ">": 4, ">=": 4, "==": 4, "!=": 4,
    "+": 5, "-": 5, "*": 6, "neg": 7,
    "var": 9, "const": 9, "selected": 9, "call": 9,
}
_OPERATORS = {"+", "-", "*", "<", "<=", ">", ">=", "==", "!=", "and", "or"}


class Formula:
    """One node of a formula: a kind (``"+"``, ``"call"``, ``"var"``, ...) and its arguments."""

    __slots__ = ("kind", "args")

    def __init__(self, kind: str, *args: Any) -> None:
        self.kind = kind
        self.args = args

    # Arithmetic builds formulas; a plain number becomes a constant.
    def __add__(self, other: Operand) -> Formula:
        return Formula("+", self, formula(other))

    def __radd__(self, other: Operand) -> Formula:
        return Formula("+", formula(other), self)

    def __sub__(self, other: Operand) -> Formula:
        return Formula("-", self, formula(other))

    def __rsub__(self, other: Operand) -> Formula:
        return Formula("-", formula(other), self)

    def __mul__(self, other: Operand) -> Formula:
        return Formula("*", self, formula(other))

    def __rmul__(self, other: Operand) -> Formula:
        return Formula("*", formula(other), self)

    def __neg__(self) -> Formula:
        return Formula("neg", self)

    def __lt__(self, other: Operand) -> Formula:
        return Formula("<", self, formula(other))

    def __le__(self, other: Operand) -> Formula:
        return Formula("<=", self, formula(other))

    def __gt__(self, other: Operand) -> Formula:
        return Formula(">", self, formula(other))

    def __ge__(self, other: Operand) -> Formula:
        return Formula(">=", self, formula(other))

    def __repr__(self) -> str:
        return render(self, FLOATS, {})


Operand = Formula | float


def formula(x: Operand) -> Formula:
    """``x`` as a formula: itself, or a constant."""
    return x if isinstance(x, Formula) else Formula("const", float(x))


def var(name: str) -> Formula:
    return Formula("var", name)


def call(name: str, *args: Operand) -> Formula:
    """A float function of ``engine.ieee`` (or ``math.tanh``, ``abs``) by name."""
    return Formula("call", name, *map(formula, args))


def where(condition: Formula, if_true: Operand, if_false: Operand) -> Formula:
    """``if_true`` where ``condition`` holds, else ``if_false`` (only the chosen one is run)."""
    return Formula("where", condition, formula(if_true), formula(if_false))


def equal(x: Operand, y: Operand) -> Formula:
    """x == y (a function, so that formulas keep Python's identity equality)."""
    return Formula("==", formula(x), formula(y))


def both(x: Formula, y: Formula) -> Formula:
    return Formula("and", x, y)


# The operands, the op's value, and one intermediate value an op may name.
a, b, out, aux = var("a"), var("b"), var("out"), var("aux")

# A zero chosen by a branch: times any gradient, inf and nan included, it is 0.
SELECTED = Formula("selected")


def reads(f: Formula, name: str) -> bool:
    """Whether the formula reads the variable ``name`` anywhere."""
    if f.kind == "var":
        return bool(f.args[0] == name)
    return any(isinstance(x, Formula) and reads(x, name) for x in f.args)


def is_constant_where_smooth(f: Formula) -> bool:
    """Whether the formula's value is a number fixed by its branches alone
    (relu's 1 or 0, abs's sign, max's 1, ½ or 0): it reads operands in conditions only."""
    if f.kind in ("const", "selected"):
        return True
    if f.kind == "where":
        return is_constant_where_smooth(f.args[1]) and is_constant_where_smooth(f.args[2])
    return False


# --- dialects ------------------------------------------------------------------------


Spelling = Callable[[str, list[str], list[Formula]], str]  # (function, argument texts, arguments)


class Dialect:
    """How formulas are written as text: each function's spelling and the selected zero's."""

    def __init__(self, function: Spelling, calls: Mapping[str, Spelling], selected: str,
                 condition_suffix: str, operators: Mapping[str, int] | None = None) -> None:
        self.function = function  # how a function is spelled, unless ``calls`` says otherwise
        self.calls = calls
        self.selected = selected
        self.condition_suffix = condition_suffix  # how a condition reads a variable's float
        # Functions spelled as operators, with how tightly each binds.
        self.operators = operators or {}


def _atomic(x: Formula) -> bool:
    return x.kind in ("var", "const")


def _called(name: str, texts: list[str], args: list[Formula]) -> str:
    return f"{name}({', '.join(texts)})"


def _float_divide(name: str, texts: list[str], args: list[Formula]) -> str:
    # x / y where y is not 0 (nan included), as ieee.divide computes it, without a call.
    if _atomic(args[0]) and _atomic(args[1]):
        return f"({texts[0]} / {texts[1]} if {texts[1]} else divide({texts[0]}, {texts[1]}))"
    return f"divide({texts[0]}, {texts[1]})"


def _float_sqrt(name: str, texts: list[str], args: list[Formula]) -> str:
    # √x for x ≥ 0, nan below (and at nan), as ieee.sqrt computes it, without a call.
    if _atomic(args[0]):
        return f"(msqrt({texts[0]}) if {texts[0]} >= 0.0 else nan)"
    return f"sqrt({texts[0]})"


def _float_power_by(name: str, texts: list[str], args: list[Formula]) -> str:
    """x ** k for a constant k as PyTorch computes it: √x for ½, 1/√x for −½, else C's pow."""
    k = args[1].args[0]
    if k == 0.5:
        return _float_sqrt("sqrt", texts, args)
    if k == -0.5:
        return f"divide(1.0, {_float_sqrt('sqrt', texts, args)})"
    return f"power({texts[0]}, {texts[1]})"


FLOATS = Dialect(_called, {"divide": _float_divide, "sqrt": _float_sqrt,
                           "power_by": _float_power_by}, "SELECTED_ZERO", "")

# The names Python on floats may use: every text in the FLOATS dialect runs with these.
# A function here follows IEEE 754 as ``engine.ieee`` does: it never raises.
FLOAT_NAMES: dict[str, Any] = {
    "tanh": math.tanh,
    "atan": math.atan,  # ±π/2 at ±inf, nan at nan: it never raises
    "msqrt": math.sqrt,  # √a for a ≥ 0, the only case ieee.sqrt passes on to math
    "sqrt": ieee.sqrt,
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
    "SELECTED_ZERO": ieee.SELECTED_ZERO,
}


def _method_call(name: str, texts: list[str], args: list[Formula]) -> str:
    return f"{texts[0]}.{name}()"


def _operator(symbol: str) -> Spelling:
    return lambda name, texts, args: f"{texts[0]} {symbol} {texts[1]}"


# On Values each function is the op of the same name, a method of Value (a ** k keeps
# PyTorch's √ cases, as Value.__pow__ does); 1/x is a local derivative that may be a
# division (``over``, ``engine.higher.local_derivatives``).
VALUES = Dialect(
    _method_call,
    {"divide": _operator("/"), "power": _operator("**"), "power_by": _operator("**"),
     "reciprocal": lambda name, texts, args: f"over({texts[0]})"},
    "SELECTED_ZERO", ".data", operators={"divide": 6, "power": 8, "power_by": 8},
)


def literal(x: float) -> str:
    """``x`` as Python source that evaluates to the same float (``inf``, ``nan`` are names)."""
    return repr(float(x))


def render(f: Formula, dialect: Dialect, names: Mapping[str, str], *,
           context: int = 0, condition: bool = False, else_branch: bool = False) -> str:
    """The formula as Python text: variables as ``names`` gives them (default: their own
    names), parenthesised where the surrounding operator (``context``) binds tighter."""
    kind, args = f.kind, f.args
    if kind == "var":
        text: str = names.get(args[0], args[0])
        return text + dialect.condition_suffix if condition else text
    if kind == "const":
        text = literal(args[0])
        return f"({text})" if text.startswith("-") and context > _PRECEDENCE["*"] else text
    if kind == "selected":
        return dialect.selected
    if kind == "call":
        operands = list(args[1:])
        binds = dialect.operators.get(args[0], 9)
        # A function's arguments sit inside its parentheses; an operator's need their own.
        inner = 9 if binds < 9 else 0
        texts = [render(x, dialect, names, context=inner, condition=condition)
                 for x in operands]
        spelled = dialect.calls.get(args[0], dialect.function)(args[0], texts, operands)
        return f"({spelled})" if binds < context else spelled
    if kind == "where":
        test = render(args[0], dialect, names, context=1, condition=True)
        yes = render(args[1], dialect, names, context=1, condition=condition)
        no = render(args[2], dialect, names, condition=condition, else_branch=True)
        text = f"{yes} if {test} else {no}"
        return text if else_branch else f"({text})"
    own = _PRECEDENCE[kind]
    if kind == "neg":
        operand = render(args[0], dialect, names, context=own, condition=condition)
        text = f"-{operand}"
    else:
        assert kind in _OPERATORS, kind
        inside = condition or kind in ("and", "or")
        left = render(args[0], dialect, names, context=own, condition=inside)
        right = render(args[1], dialect, names, context=own + 1, condition=inside)
        text = f"{left} {kind} {right}"
    return f"({text})" if own < context else text


def contribution(f: Formula, names: Mapping[str, str], g: str) -> str:
    """``local · g`` in the FLOATS dialect, as the sweep adds it to an operand's gradient:
    ``1.0 · g`` is written ``g``, a selected zero ``0.0``, and a branch chooses its product."""
    return _contribution(f, names, g, else_branch=False)


def _contribution(f: Formula, names: Mapping[str, str], g: str, else_branch: bool) -> str:
    if f.kind == "selected":
        return "0.0"
    if f.kind == "const" and f.args[0] == 1.0:
        return g
    if f.kind == "where":
        test = render(f.args[0], FLOATS, names, context=1, condition=True)
        yes = _contribution(f.args[1], names, g, else_branch=False)
        no = _contribution(f.args[2], names, g, else_branch=True)
        text = f"{yes} if {test} else {no}"
        return text if else_branch else f"({text})"
    return f"{render(f, FLOATS, names, context=_PRECEDENCE['*'])} * {g}"
