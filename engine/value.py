"""``Value``: a node you can compute with.

Each operation computes its result and, in the same line, the local
derivative of the result with respect to each operand (the lecture on
backpropagation: the forward pass stores every value the backward pass will
need), and records both on the new node (see ``engine.node``):

- ``parents``: the operands, as a tuple, so ``x * x`` has two edges to ``x``;
- ``local_grads``: ∂self/∂parent for each parent, in the same order.

(``new_node(Value, value, op, a, ∂/∂a, b, ∂/∂b)`` is ``Value(value, (a, b),
(∂/∂a, ∂/∂b), op)`` without building the two tuples: see ``engine.node``.)

The backward sweep (``engine.backward``) then only multiplies and adds:
``parent.grad += local_grad * node.grad``. No closures refer back to the
node, so a graph holds no reference cycles.

Numbers follow IEEE 754 float64 as PyTorch does (see ``engine.ieee``): no
operation raises on overflow, division by zero or a domain error.
"""

from __future__ import annotations

import math
from numbers import Real

from engine import ieee
from engine.backward import backward
from engine.node import Node, leaf_node, new_node


class Value(Node):
    """A scalar in a computation graph, with the operations that build it.

    >>> x = Value(2.0, label="x")
    >>> y = x * x + 1
    >>> y.backward()
    >>> x.grad
    4.0
    """

    __slots__ = ()
    # numpy must not turn ``array * Value`` into an array of Values behind the
    # user's back: it defers to Value's own operators, which refuse arrays.
    __array_ufunc__ = None

    # --- arithmetic ------------------------------------------------------

    def __add__(self, other: Value | float) -> Value:
        """a + b:  ∂/∂a = 1,  ∂/∂b = 1"""
        if not isinstance(other, Value):
            other = _operand(other, "Value + {}")
            if other is NotImplemented:
                return NotImplemented
        return new_node(Value, self.data + other.data, "+", self, 1.0, other, 1.0)

    def __radd__(self, other: float) -> Value:
        operand = _operand(other, "{} + Value")
        return NotImplemented if operand is NotImplemented else operand + self

    def __sub__(self, other: Value | float) -> Value:
        """a - b:  ∂/∂a = 1,  ∂/∂b = -1"""
        if not isinstance(other, Value):
            other = _operand(other, "Value - {}")
            if other is NotImplemented:
                return NotImplemented
        return new_node(Value, self.data - other.data, "-", self, 1.0, other, -1.0)

    def __rsub__(self, other: float) -> Value:
        operand = _operand(other, "{} - Value")
        return NotImplemented if operand is NotImplemented else operand - self

    def __mul__(self, other: Value | float) -> Value:
        """a · b:  ∂/∂a = b,  ∂/∂b = a"""
        if not isinstance(other, Value):
            other = _operand(other, "Value * {}")
            if other is NotImplemented:
                return NotImplemented
        return new_node(Value, self.data * other.data, "*", self, other.data, other, self.data)

    def __rmul__(self, other: float) -> Value:
        operand = _operand(other, "{} * Value")
        return NotImplemented if operand is NotImplemented else operand * self

    def __truediv__(self, other: Value | float) -> Value:
        """a / b:  ∂/∂a = 1/b,  ∂/∂b = -a/b²"""
        if not isinstance(other, Value):
            other = _operand(other, "Value / {}")
            if other is NotImplemented:
                return NotImplemented
        a, b = self.data, other.data
        quotient = ieee.divide(a, b)
        return new_node(
            Value, quotient, "/", self, ieee.reciprocal(b), other, -ieee.divide(quotient, b)
        )

    def __rtruediv__(self, other: float) -> Value:
        operand = _operand(other, "{} / Value")
        return NotImplemented if operand is NotImplemented else operand / self

    def __neg__(self) -> Value:
        """-a:  ∂/∂a = -1"""
        return new_node(Value, -self.data, "neg", self, -1.0)

    def __pos__(self) -> Value:
        return self

    def __pow__(self, exponent: Value | float) -> Value:
        """a ** n:  ∂/∂a = n·a^(n-1);  with a Value exponent also ∂/∂n = a^n·ln a"""
        if isinstance(exponent, Value):
            return _power_of_values(self, exponent)
        if _is_foreign(exponent):
            return NotImplemented
        n = _number(exponent, "Value ** {}")
        a = self.data
        op = f"**{_format_exponent(n)}"
        if n == 0.5:  # √a, as PyTorch computes it: (−0)^½ = −0 with slope −inf, (−inf)^½ = nan
            out = ieee.sqrt(a)
            return new_node(Value, out, op, self, ieee.divide(0.5, out))
        # d(a^0)/da is 0 everywhere: selected, not 0·inf at a = 0 or 0·nan upstream.
        slope = ieee.SELECTED_ZERO if n == 0.0 else n * ieee.power(a, n - 1.0)
        # a^(−½) is 1/√a, as in PyTorch: −inf at a = −0, where C's pow gives +inf.
        out = ieee.divide(1.0, ieee.sqrt(a)) if n == -0.5 else ieee.power(a, n)
        return new_node(Value, out, op, self, slope)

    def __rpow__(self, base: float) -> Value:
        operand = _operand(base, "{} ** Value")
        return NotImplemented if operand is NotImplemented else _power_of_values(operand, self)

    # --- functions ---------------------------------------------------------

    def exp(self) -> Value:
        """e^a:  ∂/∂a = e^a"""
        out = ieee.exp(self.data)
        return new_node(Value, out, "exp", self, out)

    def log(self) -> Value:
        """ln a:  ∂/∂a = 1/a"""
        a = self.data
        return new_node(Value, ieee.log(a), "log", self, ieee.reciprocal(a))

    def sqrt(self) -> Value:
        """√a:  ∂/∂a = 1/(2√a)"""
        out = ieee.sqrt(self.data)
        return new_node(Value, out, "sqrt", self, ieee.divide(0.5, out))

    def tanh(self) -> Value:
        """tanh a:  ∂/∂a = 1 - tanh²a = (1 - tanh a)(1 + tanh a)"""
        t = math.tanh(self.data)
        # The factored form loses nothing to cancellation where |t| is near 1.
        return new_node(Value, t, "tanh", self, (1.0 - t) * (1.0 + t))

    def sigmoid(self) -> Value:
        """σ(a) = 1/(1+e^-a):  ∂/∂a = σ(a)(1-σ(a))"""
        s = ieee.sigmoid(self.data)
        return new_node(Value, s, "sigmoid", self, s * (1.0 - s))

    def relu(self) -> Value:
        """max(a, 0):  ∂/∂a = 1 if a > 0 else 0 (selected: 0 at a = 0, as in PyTorch)"""
        a = self.data
        if a > 0.0 or a != a:  # nan passes through with slope 1, as in PyTorch
            return new_node(Value, a, "relu", self, 1.0)
        # −0.0 stays −0.0 (so 1/relu(−0.0) is −inf), negatives become 0.0.
        return new_node(Value, a if a == 0.0 else 0.0, "relu", self, ieee.SELECTED_ZERO)

    def leaky_relu(self, alpha: float = 0.01) -> Value:
        """a if a > 0 else α·a:  ∂/∂a = 1 if a > 0 else α

        The op's name carries α when it is not PyTorch's 0.01
        (``"leaky_relu(0.2)"``): where a > 0 the local derivative is 1, and
        the name is then the only record of α (``engine.compile`` reads it).
        """
        alpha = _number(alpha, "Value.leaky_relu(alpha={})")
        op = "leaky_relu" if alpha == 0.01 else f"leaky_relu({alpha!r})"
        a = self.data
        if a > 0.0:
            return new_node(Value, a, op, self, 1.0)
        return new_node(Value, alpha * a, op, self, alpha)

    def silu(self) -> Value:
        """a·σ(a):  ∂/∂a = σ(a)·(1 + a·(1-σ(a)))"""
        a = self.data
        s = ieee.sigmoid(a)
        return new_node(Value, a * s, "silu", self, s * (1.0 + a * (1.0 - s)))

    def abs(self) -> Value:
        """|a|:  ∂/∂a = sign(a), 0 at a = 0 and at nan"""
        a = self.data
        sign = 1.0 if a > 0.0 else -1.0 if a < 0.0 else 0.0  # sign(nan) = 0, as in PyTorch
        return new_node(Value, abs(a), "abs", self, sign)

    __abs__ = abs

    # --- gradients ---------------------------------------------------------

    def backward(self) -> None:
        """Fill ``.grad`` of every node in this graph with d(self)/d(node).

        Leaves (nodes without parents) accumulate across calls, until reset
        with ``v.grad = 0.0`` or ``model.zero_grad()``; interior nodes show
        the result of the latest sweep. See ``engine.backward``.
        """
        backward(self)


# --- helpers -------------------------------------------------------------


def as_value(x: Value | float) -> Value:
    """``x`` itself if it is a ``Value``, else a new constant ``Value(x)``."""
    if isinstance(x, Value):
        return x
    return Value(_number(x, "as_value({})"))


# Types a student is likely to pass by mistake: they get a message that says
# what to do. Any other type gets NotImplemented, so that its own reflected
# method (``__radd__``, ...) has its turn, as Python's numbers do.
_MISTAKES = {
    str: "a string: convert it first, float(text)",
    bytes: "bytes: convert them first",
    type(None): "None: a value is missing (did a function forget to return?)",
    list: "a list: sweepgrad works with scalars; combine the elements one at a time",
    tuple: "a tuple: sweepgrad works with scalars; combine the elements one at a time",
    dict: "a dict: sweepgrad works with scalars",
    set: "a set: sweepgrad works with scalars",
    complex: "a complex number: sweepgrad computes with real floats only",
}


def _mistake(x: object) -> str | None:
    """What a likely mistake is, in words, or None."""
    kind = type(x)
    if kind.__name__ == "ndarray" and kind.__module__ == "numpy":
        return "a numpy array: sweepgrad works with scalars; use one element, or nn.matrix_form"
    return _MISTAKES.get(kind)


def _is_foreign(x: object) -> bool:
    """A type sweepgrad knows nothing of (not a real number, not a common mistake)."""
    return not isinstance(x, Real) and _mistake(x) is None


def _number(x: object, where: str) -> float:
    """``x`` as a float, or a TypeError naming the operation, the type and the fix."""
    if type(x) is float:
        return x
    if isinstance(x, Real) and not isinstance(x, Value):
        return float(x)
    mistake = _mistake(x)
    raise TypeError(
        f"{where.format(type(x).__name__)} is not supported: use a number or a Value"
        + (f" (the operand is {mistake})" if mistake else "")
    )


def _operand(x: object, where: str) -> Value:
    """A plain-number operand wrapped as a constant node; ``NotImplemented`` for a foreign type."""
    if _is_foreign(x):
        return NotImplemented  # Python's protocol: the other operand gets its turn
    return leaf_node(Value, _number(x, where))


def _power_of_values(base: Value, exponent: Value) -> Value:
    """a ** b:  ∂/∂a = b·a^(b-1),  ∂/∂b = a^b·ln a"""
    a, b = base.data, exponent.data
    out = ieee.power(a, b)
    d_base = ieee.SELECTED_ZERO if b == 0.0 else b * ieee.power(a, b - 1.0)
    # At a = 0 with b >= 0, a^b·ln a is 0·(-inf); its limit, and PyTorch's value, is 0.
    d_exponent = 0.0 if (a == 0.0 and b >= 0.0) else out * ieee.log(a)
    return new_node(Value, out, "**", base, d_base, exponent, d_exponent)


def _format_exponent(n: float) -> str:
    """``3``, ``0.5``, ``-2``: short, and exact, since ``engine.compile`` reads n back
    from the op's name (``1/3`` gives ``0.3333333333333333``, not ``0.333333``)."""
    if n.is_integer():
        return str(int(n))
    short = f"{n:g}"
    return short if float(short) == n or n != n else repr(n)


