"""The ``Value`` node: a float that remembers how it was computed.

Each operation computes its result and, in the same line, the local
derivative of the result with respect to each operand (lecture 000: the
forward pass stores every value the backward pass will need). The node keeps

- ``parents``: the operands, as a tuple, so ``x * x`` has two edges to ``x``;
- ``local_grads``: ∂self/∂parent for each parent, in the same order.

The backward sweep (``engine.backward``) then only multiplies and adds:
``parent.grad += local_grad * node.grad``. No closures refer back to the
node, so a graph holds no reference cycles and is freed by reference counting
as soon as its root is dropped.

Numbers follow IEEE 754 float64 as PyTorch does (see ``engine.ieee``): no
operation raises on overflow, division by zero or a domain error.
"""

from __future__ import annotations

import math
from numbers import Real

from engine import ieee, modes

# Shared local-derivative tuples: ops whose derivatives are constants reuse
# one tuple instead of allocating a new one per node.
_ONE = (1.0,)
_ZERO = (0.0,)
_MINUS_ONE = (-1.0,)
_ONE_ONE = (1.0, 1.0)
_ONE_MINUS_ONE = (1.0, -1.0)
_NO_PARENTS: tuple = ()


class Value:
    """A scalar in a computation graph.

    >>> x = Value(2.0, label="x")
    >>> y = x * x + 1
    >>> y.backward()
    >>> x.grad
    4.0
    """

    __slots__ = ("data", "grad", "parents", "local_grads", "op", "_names")

    def __init__(
        self,
        data: float,
        parents: tuple[Value, ...] = _NO_PARENTS,
        local_grads: tuple[float, ...] = _NO_PARENTS,
        op: str = "",
        label: str | None = None,
    ) -> None:
        if type(data) is not float:
            data = _data_as_float(data)
        if modes.special:
            parents, local_grads, op = _apply_modes(data, parents, local_grads, op)
        self.data = data
        self.grad = 0.0
        self.parents = parents
        self.local_grads = local_grads
        self.op = op
        # ``label`` and ``group`` share one slot: most nodes have neither, and
        # a slot less is 8 bytes less on every node of every graph.
        self._names: tuple[str | None, str | None] | None = (
            None if label is None else (_checked_name(label, "label"), None)
        )

    @property
    def label(self) -> str | None:
        """A name to show in drawings, tables and error messages (settable)."""
        names = self._names
        return None if names is None else names[0]

    @label.setter
    def label(self, label: str | None) -> None:
        self._set_names(_checked_name(label, "label"), self.group)

    @property
    def group(self) -> str | None:
        """Which part of a model built this node, e.g. ``"L1.N3"`` (settable).

        ``nn`` sets it on the nodes each neuron builds, so drawings can
        collapse a neuron (``"L1.N3"``) or a layer (``"L1"``) into one box.
        """
        names = self._names
        return None if names is None else names[1]

    @group.setter
    def group(self, group: str | None) -> None:
        self._set_names(self.label, _checked_name(group, "group"))

    def _set_names(self, label: str | None, group: str | None) -> None:
        self._names = None if label is None and group is None else (label, group)

    # --- arithmetic ------------------------------------------------------

    def __add__(self, other: Value | float) -> Value:
        """a + b:  ∂/∂a = 1,  ∂/∂b = 1"""
        if not isinstance(other, Value):
            other = _operand(other, "Value + {}")
        return Value(self.data + other.data, (self, other), _ONE_ONE, "+")

    def __radd__(self, other: float) -> Value:
        return _operand(other, "{} + Value") + self

    def __sub__(self, other: Value | float) -> Value:
        """a - b:  ∂/∂a = 1,  ∂/∂b = -1"""
        if not isinstance(other, Value):
            other = _operand(other, "Value - {}")
        return Value(self.data - other.data, (self, other), _ONE_MINUS_ONE, "-")

    def __rsub__(self, other: float) -> Value:
        return _operand(other, "{} - Value") - self

    def __mul__(self, other: Value | float) -> Value:
        """a · b:  ∂/∂a = b,  ∂/∂b = a"""
        if not isinstance(other, Value):
            other = _operand(other, "Value * {}")
        return Value(self.data * other.data, (self, other), (other.data, self.data), "*")

    def __rmul__(self, other: float) -> Value:
        return _operand(other, "{} * Value") * self

    def __truediv__(self, other: Value | float) -> Value:
        """a / b:  ∂/∂a = 1/b,  ∂/∂b = -a/b²"""
        if not isinstance(other, Value):
            other = _operand(other, "Value / {}")
        a, b = self.data, other.data
        quotient = ieee.divide(a, b)
        return Value(quotient, (self, other), (ieee.divide(1.0, b), -ieee.divide(quotient, b)), "/")

    def __rtruediv__(self, other: float) -> Value:
        return _operand(other, "{} / Value") / self

    def __neg__(self) -> Value:
        """-a:  ∂/∂a = -1"""
        return Value(-self.data, (self,), _MINUS_ONE, "neg")

    def __pos__(self) -> Value:
        return self

    def __pow__(self, exponent: Value | float) -> Value:
        """a ** n:  ∂/∂a = n·a^(n-1);  with a Value exponent also ∂/∂n = a^n·ln a"""
        if isinstance(exponent, Value):
            return _power_of_values(self, exponent)
        n = _number(exponent, "Value ** {}")
        a = self.data
        # d(a^0)/da is 0 everywhere, also at a = 0 where n·a^(n-1) would be 0·inf.
        slope = 0.0 if n == 0.0 else n * ieee.power(a, n - 1.0)
        return Value(ieee.power(a, n), (self,), (slope,), f"**{_format_exponent(n)}")

    def __rpow__(self, base: float) -> Value:
        return _power_of_values(_operand(base, "{} ** Value"), self)

    # --- functions ---------------------------------------------------------

    def exp(self) -> Value:
        """e^a:  ∂/∂a = e^a"""
        out = ieee.exp(self.data)
        return Value(out, (self,), (out,), "exp")

    def log(self) -> Value:
        """ln a:  ∂/∂a = 1/a"""
        a = self.data
        return Value(ieee.log(a), (self,), (ieee.divide(1.0, a),), "log")

    def sqrt(self) -> Value:
        """√a:  ∂/∂a = 1/(2√a)"""
        out = ieee.sqrt(self.data)
        return Value(out, (self,), (ieee.divide(0.5, out),), "sqrt")

    def tanh(self) -> Value:
        """tanh a:  ∂/∂a = 1 - tanh²a"""
        t = math.tanh(self.data)
        return Value(t, (self,), (1.0 - t * t,), "tanh")

    def sigmoid(self) -> Value:
        """σ(a) = 1/(1+e^-a):  ∂/∂a = σ(a)(1-σ(a))"""
        s = ieee.sigmoid(self.data)
        return Value(s, (self,), (s * (1.0 - s),), "sigmoid")

    def relu(self) -> Value:
        """max(a, 0):  ∂/∂a = 1 if a > 0 else 0 (0 at a = 0, as in PyTorch)"""
        a = self.data
        if a > 0.0:
            return Value(a, (self,), _ONE, "relu")
        # nan passes through, as in PyTorch; -0.0 and negatives become 0.0.
        return Value(a if a != a else 0.0, (self,), _ZERO, "relu")

    def leaky_relu(self, alpha: float = 0.01) -> Value:
        """a if a > 0 else α·a:  ∂/∂a = 1 if a > 0 else α"""
        alpha = _number(alpha, "Value.leaky_relu(alpha={})")
        a = self.data
        if a > 0.0:
            return Value(a, (self,), _ONE, "leaky_relu")
        return Value(alpha * a, (self,), (alpha,), "leaky_relu")

    def silu(self) -> Value:
        """a·σ(a):  ∂/∂a = σ(a)·(1 + a·(1-σ(a)))"""
        a = self.data
        s = ieee.sigmoid(a)
        return Value(a * s, (self,), (s * (1.0 + a * (1.0 - s)),), "silu")

    def abs(self) -> Value:
        """|a|:  ∂/∂a = sign(a), 0 at a = 0"""
        a = self.data
        sign = 1.0 if a > 0.0 else -1.0 if a < 0.0 else 0.0 if a == 0.0 else a
        return Value(abs(a), (self,), (sign,), "abs")

    __abs__ = abs

    # --- gradients ---------------------------------------------------------

    def backward(self) -> None:
        """Fill ``.grad`` of every node in this graph with d(self)/d(node).

        Leaves (nodes without parents) accumulate across calls, until reset
        with ``v.grad = 0.0`` or ``model.zero_grad()``; interior nodes show
        the result of the latest sweep. See ``engine.backward``.
        """
        from engine.backward import backward

        backward(self)

    # --- conversions -------------------------------------------------------

    def __float__(self) -> float:
        return self.data

    def __repr__(self) -> str:
        parts = [f"{self.data:.6g}", f"grad={self.grad:.6g}"]
        if self.label is not None:
            parts.append(f"label={self.label!r}")
        if self.op:
            parts.append(f"op={self.op!r}")
        return f"Value({', '.join(parts)})"


# --- helpers -------------------------------------------------------------


def as_value(x: Value | float) -> Value:
    """``x`` itself if it is a ``Value``, else a new constant ``Value(x)``."""
    if isinstance(x, Value):
        return x
    return _operand(x, "as_value({})")


def _number(x: object, where: str) -> float:
    """``x`` as a float, or a TypeError naming the operation and the type."""
    if type(x) is float:
        return x
    if isinstance(x, Real) and not isinstance(x, Value):
        return float(x)
    raise TypeError(
        f"{where.format(type(x).__name__)} is not supported: use a number or a Value"
    )


def _operand(x: object, where: str) -> Value:
    """A plain-number operand wrapped as a constant node."""
    return Value(_number(x, where))


def _checked_name(name: object, what: str) -> str | None:
    if name is None or isinstance(name, str):
        return name
    raise TypeError(f"Value.{what} must be a str or None, got {type(name).__name__}")


def _data_as_float(data: object) -> float:
    if isinstance(data, Value):
        raise TypeError(
            "Value(data=Value(...)) is not supported: data must be a number; "
            "use the Value itself, or Value(v.data) for a detached copy"
        )
    if isinstance(data, Real):
        return float(data)
    raise TypeError(
        f"Value(data=...) got {type(data).__name__}: data must be a real number "
        "(int, float or a numpy scalar)"
    )


def _power_of_values(base: Value, exponent: Value) -> Value:
    """a ** b:  ∂/∂a = b·a^(b-1),  ∂/∂b = a^b·ln a"""
    a, b = base.data, exponent.data
    out = ieee.power(a, b)
    d_base = 0.0 if b == 0.0 else b * ieee.power(a, b - 1.0)
    # At a = 0 with b >= 0, a^b·ln a is 0·(-inf); its limit, and PyTorch's value, is 0.
    d_exponent = 0.0 if (a == 0.0 and b >= 0.0) else out * ieee.log(a)
    return Value(out, (base, exponent), (d_base, d_exponent), "**")


def _format_exponent(n: float) -> str:
    return str(int(n)) if n.is_integer() else f"{n:g}"


def _apply_modes(
    data: float, parents: tuple, local_grads: tuple, op: str
) -> tuple[tuple, tuple, str]:
    """What ``no_grad()`` and ``detect_anomaly()`` change about a new node."""
    if modes.anomaly_detection and parents and not math.isfinite(data):
        operands = ", ".join(describe(p) for p in parents)
        raise FloatingPointError(
            f"detect_anomaly: {op} produced {data} from {operands}"
        )
    if not modes.grad_enabled:
        return _NO_PARENTS, _NO_PARENTS, ""
    return parents, local_grads, op


def describe(node: Value) -> str:
    """A node's label, or its op and value when it has none (for messages)."""
    if node.label is not None:
        return f"{node.label!r} (= {node.data:.6g})"
    kind = node.op or "leaf"
    return f"unlabelled {kind} node (= {node.data:.6g})"
