"""sweepgrad's operations, given to a compatibility class so that results are of that class.

``engine.compat.micrograd`` and ``engine.compat.microgpt`` each define a
``Value`` subclass; ``install(cls, operand, adopt)`` gives it every
operation of sweepgrad's ``Value``, wrapped: a number operand becomes
``operand(x)`` (a node of the class, as those libraries make one) and the
result passes through ``adopt`` (which makes it a node of the class).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine import Value

BINARY = ("__add__", "__sub__", "__mul__", "__truediv__", "maximum", "minimum")
REFLECTED = ("__radd__", "__rsub__", "__rmul__", "__rtruediv__")
# ``a ** n`` keeps its number n as it is: a power, not a product of two Values' graph.
UNARY = ("__pow__", "__neg__", "exp", "log", "tanh", "sigmoid", "relu", "leaky_relu", "silu", "abs",
         "sqrt", "sin", "cos", "log1p", "expm1")


def install(cls: type[Value], operand: Callable[[Any], Any], adopt: Callable[[Any], Any]) -> None:
    """Give ``cls`` sweepgrad's operations, wrapped (see the module docstring)."""
    for name in BINARY:
        setattr(cls, name, _binary(name, operand, adopt))
    for name in REFLECTED:
        setattr(cls, name, _reflected(name, operand, adopt))
    for name in UNARY:
        setattr(cls, name, _unary(name, adopt))
    cls.__abs__ = cls.abs


def _binary(name: str, operand: Callable[[Any], Any], adopt: Callable[[Any], Any]) -> Any:
    engine_op = getattr(Value, name)

    def op(self: Value, other: Any) -> Any:
        out = engine_op(self, operand(other))
        return out if out is NotImplemented else adopt(out)

    op.__name__, op.__doc__ = name, engine_op.__doc__
    return op


def _reflected(name: str, operand: Callable[[Any], Any], adopt: Callable[[Any], Any]) -> Any:
    forward = getattr(Value, name.replace("__r", "__", 1))

    def op(self: Value, other: Any) -> Any:
        left = operand(other)
        if not isinstance(left, Value):
            return NotImplemented
        return adopt(forward(left, self))

    op.__name__ = name
    return op


def _unary(name: str, adopt: Callable[[Any], Any]) -> Any:
    engine_op = getattr(Value, name)

    def op(self: Value, *args: Any) -> Any:
        return adopt(engine_op(self, *args))

    op.__name__, op.__doc__ = name, engine_op.__doc__
    return op
