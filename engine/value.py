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
from collections.abc import Callable, Sequence
from numbers import Real
from typing import TYPE_CHECKING, Any

from engine import hooks, ieee
from engine.backward import backward
from engine.node import Node, leaf_node, new_node

if TYPE_CHECKING:
    from engine.explanation import Explanation


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
        op = f"**{format_exponent(n)}"
        if n == 0.5:  # √a, as PyTorch computes it: (−0)^½ = −0 with slope −inf, (−inf)^½ = nan
            out = ieee.sqrt(a)
            return new_node(Value, out, op, self, ieee.divide(0.5, out))
        # d(a^0)/da is 0 everywhere: selected, not 0·inf at a = 0 or 0·nan upstream.
        slope = ieee.SELECTED_ZERO if n == 0.0 else n * _power(a, n - 1.0)
        return new_node(Value, _power(a, n), op, self, slope)

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

    def sin(self) -> Value:
        """sin a:  ∂/∂a = cos a"""
        a = self.data
        return new_node(Value, ieee.sin(a), "sin", self, ieee.cos(a))

    def cos(self) -> Value:
        """cos a:  ∂/∂a = −sin a"""
        a = self.data
        return new_node(Value, ieee.cos(a), "cos", self, -ieee.sin(a))

    def log1p(self) -> Value:
        """ln(1 + a), exact for tiny a:  ∂/∂a = 1/(1 + a)"""
        a = self.data
        return new_node(Value, ieee.log1p(a), "log1p", self, ieee.reciprocal(1.0 + a))

    def expm1(self) -> Value:
        """e^a − 1, exact for tiny a:  ∂/∂a = e^a

        e^a itself, not the value plus 1 as PyTorch computes it: (e^a − 1) + 1
        cancels for a < 0 (a few ulps off at a = −2.5, 0 instead of e^a below
        a ≈ −37).
        """
        a = self.data
        return new_node(Value, ieee.expm1(a), "expm1", self, ieee.exp(a))

    def maximum(self, other: Value | float) -> Value:
        """max(a, b):  ∂/∂a = 1 where a > b, ∂/∂b = 1 where b > a, ½ each at a tie

        As PyTorch: a tie gives a (so max(−0, 0) is −0) and splits the
        gradient in halves; a nan operand gives nan and passes the gradient
        to both; the loser's 0 is selected.
        """
        other = _value_operand(other, "Value.maximum({})")
        a, b = self.data, other.data
        if a > b:
            return new_node(Value, a, "maximum", self, 1.0, other, ieee.SELECTED_ZERO)
        if a < b:
            return new_node(Value, b, "maximum", self, ieee.SELECTED_ZERO, other, 1.0)
        return _tie_or_nan(self, other, "maximum")

    def minimum(self, other: Value | float) -> Value:
        """min(a, b):  ∂/∂a = 1 where a < b, ∂/∂b = 1 where b < a, ½ each at a tie (see maximum)"""
        other = _value_operand(other, "Value.minimum({})")
        a, b = self.data, other.data
        if a < b:
            return new_node(Value, a, "minimum", self, 1.0, other, ieee.SELECTED_ZERO)
        if a > b:
            return new_node(Value, b, "minimum", self, ieee.SELECTED_ZERO, other, 1.0)
        return _tie_or_nan(self, other, "minimum")

    # --- comparisons ---------------------------------------------------------
    # Plain bools of the data: no node, no gradient. ``==`` is deliberately
    # left alone, so nodes stay hashable by identity (dict keys, sets).

    def __lt__(self, other: Value | float) -> bool:
        """a < b, on the data"""
        b = _compared(other, "Value < {}")
        return NotImplemented if b is NotImplemented else self.data < b

    def __le__(self, other: Value | float) -> bool:
        """a <= b, on the data"""
        b = _compared(other, "Value <= {}")
        return NotImplemented if b is NotImplemented else self.data <= b

    def __gt__(self, other: Value | float) -> bool:
        """a > b, on the data"""
        b = _compared(other, "Value > {}")
        return NotImplemented if b is NotImplemented else self.data > b

    def __ge__(self, other: Value | float) -> bool:
        """a >= b, on the data"""
        b = _compared(other, "Value >= {}")
        return NotImplemented if b is NotImplemented else self.data >= b

    # --- gradients ---------------------------------------------------------

    def backward(self) -> None:
        """Fill ``.grad`` of every node in this graph with d(self)/d(node).

        Leaves (nodes without parents) accumulate across calls, until reset
        with ``v.grad = 0.0`` or ``model.zero_grad()``; interior nodes show
        the result of the latest sweep. See ``engine.backward``.
        """
        backward(self)

    def register_hook(self, fn: Callable[[Any], Any]) -> hooks.RemovableHandle:
        """Call ``fn(grad)`` once this node's gradient is complete during a sweep.

        If ``fn`` returns something other than None, that replaces the
        gradient (``self.grad`` shows it, and it flows on to the parents).
        Returns a handle: ``handle.remove()`` takes the hook off. See
        ``engine.hooks``.

        >>> x = Value(2.0)
        >>> handle = x.register_hook(lambda g: 2 * g)
        >>> (x * 3).backward()
        >>> x.grad
        6.0
        """
        return hooks.register(self, fn)

    def explain(self, root: Node) -> Explanation:
        """The chain-rule sum that made ``self.grad`` after ``root.backward()``
        (see ``engine.explanation``)."""
        from engine.explanation import explain  # loaded on first use, as engine.explain

        return explain(self, root)


# --- helpers -------------------------------------------------------------


def as_value(x: Value | float) -> Value:
    """``x`` itself if it is a ``Value``, else a new constant ``Value(x)``."""
    if isinstance(x, Value):
        return x
    return Value(_number(x, "as_value({})"))


# A function of Values, as the methods that evaluate one take it (``f(*inputs)``).
Function = Callable[..., "Value | float"]


def input_floats(inputs: Sequence[Value | float], name: str = "inputs") -> list[float]:
    """The numbers behind ``inputs`` (Values or plain numbers)."""
    if isinstance(inputs, (str, bytes)) or not isinstance(inputs, Sequence):
        raise TypeError(f"{name} must be a list or tuple of numbers or Values")
    return [as_value(x).data for x in inputs]


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


def maximum(a: Value | float, b: Value | float) -> Value:
    """max(a, b) as a node (either operand may be a number): see ``Value.maximum``."""
    return _value_operand(a, "maximum({}, ...)").maximum(b)


def minimum(a: Value | float, b: Value | float) -> Value:
    """min(a, b) as a node (either operand may be a number): see ``Value.minimum``."""
    return _value_operand(a, "minimum({}, ...)").minimum(b)


def _value_operand(x: Value | float, where: str) -> Value:
    if isinstance(x, Value):
        return x
    if _is_foreign(x):
        raise TypeError(f"{where.format(type(x).__name__)}: use a number or a Value")
    return Value(_number(x, where))


def _tie_or_nan(a: Value, b: Value, op: str) -> Value:
    """``maximum``/``minimum`` where neither operand is larger: a tie, or a nan."""
    if a.data == b.data:  # a tie: a's value, the gradient split in halves
        return new_node(Value, a.data, op, a, 0.5, b, 0.5)
    return new_node(Value, ieee.NAN, op, a, 1.0, b, 1.0)


def _compared(x: object, where: str) -> float:
    """The number a Value is compared with; ``NotImplemented`` for a foreign type."""
    if isinstance(x, Value):
        return x.data
    if _is_foreign(x):
        return NotImplemented
    return _number(x, where)


def _power(a: float, n: float) -> float:
    """a ** n for a number n, as PyTorch computes it: √a for ½, 1/√a for −½, else C's pow.

    (So (−0)^−½ = −inf, where C's pow gives +inf.) The slope n·a^(n−1)
    uses it too, so it equals the node ``n * a ** (n - 1)`` that the
    derivative rules build (``engine.higher.local_derivatives``).
    """
    if n == 0.5:
        return ieee.sqrt(a)
    if n == -0.5:
        return ieee.divide(1.0, ieee.sqrt(a))
    return ieee.power(a, n)


def format_exponent(n: float) -> str:
    """The exponent as the op names it (``**3``, ``**2.5``), exactly: ``float()`` reads it back."""
    if n.is_integer():
        return str(int(n))
    short = f"{n:g}"
    return short if float(short) == n else repr(n)


