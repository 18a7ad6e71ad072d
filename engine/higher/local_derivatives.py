"""Every op's local derivatives as nodes, so that a gradient can be a graph.

Each op in ``engine.value`` records its local derivatives as numbers: all
the first-order sweep needs. To differentiate a gradient again (second
derivatives, Hessians), the gradient must itself be built from ops, so
``engine.grad(..., create_graph=True)`` asks this table for each local
derivative as a ``Value`` made from the node (``out``) and its operands:

| op | ∂out/∂a | ∂out/∂b |
|---|---|---|
| a · b | b | a |
| a / b | 1/b | −out/b |
| a ** n (a number) | n·a^(n−1); for n = ½: 0.5/out | |
| a ** b | b·a^(b−1) | out·ln a |
| eᵃ, ln a, √a | out, 1/a, 0.5/out | |
| tanh a, σ(a) | (1 − out)(1 + out), out·(1 − out) | |
| silu a | σ(a)·(1 + a·(1 − σ(a))) | |
| sin a, cos a | cos a, −sin a | |
| log1p a, expm1 a | 1/(1 + a), eᵃ | |
| +, −, neg, relu, leaky_relu, abs, maximum, minimum | the recorded numbers | |

(The last row's slopes are constant wherever those ops are smooth.) Each
expression is the one the op computes its number with, operation for
operation, so a gradient built from them has exactly the value the
first-order sweep gives. The IEEE rules (``engine.ieee``) carry over: a
selected zero stays the number ``SELECTED_ZERO`` (nothing flows through it,
so its derivative is 0 too, as in PyTorch), and where 1/b overflows the
local derivative is ``DivideBy(b)``, which the gradient applies as g / b.
Piecewise-constant slopes (relu's 1 or 0, abs's sign, maximum's 1, ½ or 0)
have derivative 0 away from their kinks, and PyTorch's at them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from engine import ieee
from engine.node import describe
from engine.value import Value


class DivideBy(NamedTuple):
    """The local derivative 1/b, applied as a division: g/b (``ieee.Reciprocal`` as a graph)."""

    denominator: Value


Local = Value | float | DivideBy
Rule = Callable[..., tuple[Local, ...]]


def over(b: Value) -> Value | DivideBy:
    """1/b as a local derivative: the node 1/b, or a division by b where 1/b overflows."""
    if isinstance(ieee.reciprocal(b.data), ieee.Reciprocal):
        return DivideBy(b)
    return 1.0 / b


# --- the table ---------------------------------------------------------------------
# Each rule takes the node, then its operands, and returns one local
# derivative per operand.


def _recorded(out: Value, *operands: Value) -> tuple[float, ...]:
    """Slopes that are constant wherever the op is smooth: the numbers the op recorded."""
    return out.local_grads


def _times(out: Value, a: Value, b: Value) -> tuple[Local, ...]:
    return b, a


def _divide(out: Value, a: Value, b: Value) -> tuple[Local, ...]:
    return over(b), -(out / b)


def _power(out: Value, a: Value) -> tuple[Local, ...]:
    n = float(out.op[2:])  # the op names its exponent exactly: "**2.5"
    if n == 0.0:
        return out.local_grads  # selected
    if n == 0.5:
        return (0.5 / out,)  # as sqrt
    return (n * a ** (n - 1.0),)


def _power_of_values(out: Value, a: Value, b: Value) -> tuple[Local, ...]:
    d_base: Local = out.local_grads[0]
    d_exponent: Local = out.local_grads[1]
    if b.data != 0.0:  # at b = 0 the recorded slope is selected
        d_base = b * a ** (b - 1.0)
    if not (a.data == 0.0 and b.data >= 0.0):  # there it is the limit 0
        d_exponent = out * a.log()
    return d_base, d_exponent


def _exp(out: Value, a: Value) -> tuple[Local, ...]:
    return (out,)


def _log(out: Value, a: Value) -> tuple[Local, ...]:
    return (over(a),)


def _sqrt(out: Value, a: Value) -> tuple[Local, ...]:
    return (0.5 / out,)


def _tanh(out: Value, a: Value) -> tuple[Local, ...]:
    return ((1.0 - out) * (1.0 + out),)


def _sigmoid(out: Value, a: Value) -> tuple[Local, ...]:
    return (out * (1.0 - out),)


def _silu(out: Value, a: Value) -> tuple[Local, ...]:
    s = a.sigmoid()
    return (s * (1.0 + a * (1.0 - s)),)


def _sin(out: Value, a: Value) -> tuple[Local, ...]:
    return (a.cos(),)


def _cos(out: Value, a: Value) -> tuple[Local, ...]:
    return (-a.sin(),)


def _log1p(out: Value, a: Value) -> tuple[Local, ...]:
    return (over(1.0 + a),)


def _expm1(out: Value, a: Value) -> tuple[Local, ...]:
    return (a.exp(),)


RULES: dict[str, Rule] = {
    "+": _recorded, "-": _recorded, "neg": _recorded, "relu": _recorded,
    "leaky_relu": _recorded, "abs": _recorded, "maximum": _recorded, "minimum": _recorded,
    "*": _times, "/": _divide, "**": _power_of_values,
    "exp": _exp, "log": _log, "sqrt": _sqrt, "tanh": _tanh, "sigmoid": _sigmoid,
    "silu": _silu, "sin": _sin, "cos": _cos, "log1p": _log1p, "expm1": _expm1,
}


def local_derivatives(node: Value) -> tuple[Local, ...]:
    """∂node/∂parent for each parent, as nodes (or constants): see the table above."""
    rule = RULES.get(node.op)
    if rule is None and node.op.startswith("**"):
        rule = _power
    if rule is None and node.op.startswith("leaky_relu("):  # the op name carries its α
        rule = _recorded
    if rule is None:
        raise ValueError(
            f"create_graph=True: no derivative rule for op {node.op!r} of {describe(node)}. "
            "A gradient that can be differentiated again builds each local derivative from "
            "the engine's ops (engine.ops); a node built by hand does not "
            "say how. Its first derivatives need no rule: use create_graph=False."
        )
    return rule(node, *node.parents)
