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

from collections.abc import Callable, Sequence
from numbers import Real
from typing import TYPE_CHECKING, Any, ClassVar

from engine import hooks, operations
from engine.backward import backward
from engine.formulas import FLOAT_NAMES, FLOATS, Formula, reads, render
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

    # --- the ops --------------------------------------------------------------
    # Each is generated from its entry in ``engine.operations`` (value, local derivatives,
    # IEEE special cases) when this module is imported: see ``_define_ops`` below.
    # ``x.tanh()`` runs, for instance:
    #
    #     a = self.data
    #     out = tanh(a)
    #     return new_node(Value, out, 'tanh', self, (1.0 - out) * (1.0 + out))

    __add__: ClassVar[Callable[[Value, Value | float], Value]]
    __radd__: ClassVar[Callable[[Value, float], Value]]
    __sub__: ClassVar[Callable[[Value, Value | float], Value]]
    __rsub__: ClassVar[Callable[[Value, float], Value]]
    __mul__: ClassVar[Callable[[Value, Value | float], Value]]
    __rmul__: ClassVar[Callable[[Value, float], Value]]
    __truediv__: ClassVar[Callable[[Value, Value | float], Value]]
    __rtruediv__: ClassVar[Callable[[Value, float], Value]]
    __rpow__: ClassVar[Callable[[Value, float], Value]]
    __neg__: ClassVar[Callable[[Value], Value]]
    exp: ClassVar[Callable[[Value], Value]]
    log: ClassVar[Callable[[Value], Value]]
    sqrt: ClassVar[Callable[[Value], Value]]
    tanh: ClassVar[Callable[[Value], Value]]
    sigmoid: ClassVar[Callable[[Value], Value]]
    relu: ClassVar[Callable[[Value], Value]]
    silu: ClassVar[Callable[[Value], Value]]
    abs: ClassVar[Callable[[Value], Value]]
    __abs__: ClassVar[Callable[[Value], Value]]
    sin: ClassVar[Callable[[Value], Value]]
    cos: ClassVar[Callable[[Value], Value]]
    log1p: ClassVar[Callable[[Value], Value]]
    expm1: ClassVar[Callable[[Value], Value]]
    atan: ClassVar[Callable[[Value], Value]]
    maximum: ClassVar[Callable[[Value, Value | float], Value]]
    minimum: ClassVar[Callable[[Value, Value | float], Value]]

    def __pos__(self) -> Value:
        return self

    def __pow__(self, exponent: Value | float) -> Value:
        """a ** n:  ∂/∂a = n·a^(n-1);  with a Value exponent also ∂/∂n = a^n·ln a"""
        if type(exponent) in _PLAIN:  # the common case, first: x ** 2
            step = _POWERS.get(exponent)  # type: ignore[arg-type]
            if step is not None:
                return step(self)
        if isinstance(exponent, Value):
            return _power_of_values(self, exponent)
        if _is_foreign(exponent):
            return NotImplemented
        n = _number(exponent, "Value ** {}")
        return (_POWERS.get(n) or _family_step(operations.POWER_BY, n, _POWERS))(self)

    def leaky_relu(self, alpha: float = 0.01) -> Value:
        """a if a > 0 else α·a:  ∂/∂a = 1 if a > 0 else α

        The op's name carries α when it is not PyTorch's 0.01
        (``"leaky_relu(0.2)"``): where a > 0 the local derivative is 1, and
        the name is then the only record of α (``engine.compile`` reads it).
        """
        step = _SLOPES.get(alpha) if type(alpha) in _PLAIN else None
        if step is None:
            alpha = _number(alpha, "Value.leaky_relu(alpha={})")
            step = _SLOPES.get(alpha) or _family_step(operations.LEAKY_RELU, alpha, _SLOPES)
        return step(self)

    # --- comparisons ---------------------------------------------------------
    # Plain bools of the data: no node, no gradient. ``==`` is deliberately
    # left alone, so nodes stay hashable by identity (dict keys, sets).

    def __lt__(self, other: Value | float) -> bool:
        """a < b, on the data"""
        b = _compared(other, "Value < {}")
        return NotImplemented if b is None else self.data < b

    def __le__(self, other: Value | float) -> bool:
        """a <= b, on the data"""
        b = _compared(other, "Value <= {}")
        return NotImplemented if b is None else self.data <= b

    def __gt__(self, other: Value | float) -> bool:
        """a > b, on the data"""
        b = _compared(other, "Value > {}")
        return NotImplemented if b is None else self.data > b

    def __ge__(self, other: Value | float) -> bool:
        """a >= b, on the data"""
        b = _compared(other, "Value >= {}")
        return NotImplemented if b is None else self.data >= b

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


def _operand(x: object, where: str) -> Value | None:
    """A plain-number operand wrapped as a constant node; None for a foreign type, for
    which the op returns ``NotImplemented`` (Python's protocol: the other operand gets
    its turn)."""
    if _is_foreign(x):
        return None
    return leaf_node(Value, _number(x, where))


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


def _compared(x: object, where: str) -> float | None:
    """The number a Value is compared with; None for a foreign type (``NotImplemented``)."""
    if isinstance(x, Value):
        return x.data
    if _is_foreign(x):
        return None
    return _number(x, where)


# --- the ops, generated from the table -------------------------------------------------
# Each op's method is written out as Python from its entry in ``engine.operations`` (the
# formulas in the FLOATS dialect of ``engine.formulas``) and compiled once, here: the
# op's math lives in the table alone, and the method runs as if written by hand (locals,
# no call per formula, no tuples). ``_source`` shows what is compiled.

_NAMES: dict[str, Any] = {
    **FLOAT_NAMES, "Value": Value, "new_node": new_node, "NotImplemented": NotImplemented,
    "_operand": _operand, "_value_operand": _value_operand,
}


def _source(op: operations.Op) -> str:
    """The Python of the method that builds an ``op`` node (``method``, as compiled)."""
    lines = [f"def method(self{'' if op.arity == 1 else ', other'}):"]
    if op.symbol is not None and op.symbol != "**":
        where = f"Value {op.symbol} {{}}"
        lines += ["    if not isinstance(other, Value):",
                  f"        other = _operand(other, {where!r})",
                  "        if other is None:",
                  "            return NotImplemented"]
    elif op.arity == 2 and op.symbol is None:
        lines.append(f"    other = _value_operand(other, {f'Value.{op.method}({{}})'!r})")
    lines.append("    a = self.data")
    if op.arity == 2:
        lines.append("    b = other.data")
    if op.aux is not None:
        lines.append(f"    aux = {render(op.aux, FLOATS, {})}")
    lines += _returns(op.value, list(op.derivatives), repr(op.name), "    ")
    return "\n".join(lines)


def _returns(value: Formula, derivatives: list[Formula], name: str, indent: str) -> list[str]:
    """``return new_node(...)`` for the value and its local derivatives; where all of
    them branch on one condition (max, min, leaky_relu), that condition is tested once."""
    test = render(value.args[0], FLOATS, {}) if value.kind == "where" else None
    if test is not None and all(d.kind == "where" and render(d.args[0], FLOATS, {}) == test
                                for d in derivatives):
        return [f"{indent}if {test}:",
                *_returns(value.args[1], [d.args[1] for d in derivatives], name, indent + "    "),
                *_returns(value.args[2], [d.args[2] for d in derivatives], name, indent)]
    lines = []
    result = render(value, FLOATS, {})
    if any(reads(d, "out") for d in derivatives):
        lines.append(f"{indent}out = {result}")
        result = "out"
    local = [render(d, FLOATS, {}) for d in derivatives]
    edges = f"self, {local[0]}" + (f", other, {local[1]}" if len(local) > 1 else "")
    lines.append(f"{indent}return new_node(Value, {result}, {name}, {edges})")
    return lines


def _reflected_source(op: operations.Op) -> str:
    """``2 + x``: the number as a constant node, then the op itself."""
    return ("def method(self, other):\n"
            f"    operand = _operand(other, {f'{{}} {op.symbol} Value'!r})\n"
            "    return NotImplemented if operand is None else "
            f"operand.{op.method}(self)")


def _compiled(source: str, function: str, op: operations.Op) -> Callable[..., Value]:
    """The ``method`` that ``source`` defines, named ``function`` (its names: ``_NAMES``),
    with its math as its docstring and the entry it came from as its ``op``."""
    namespace = dict(_NAMES)
    exec(compile(source, f"<engine.operations {function}>", "exec"), namespace)
    made: Callable[..., Value] = namespace["method"]
    made.__doc__ = op.math
    made.__name__ = function
    made.__qualname__ = f"Value.{function}"
    made.__module__ = __name__  # where a reference to it ("engine.value:Value.tanh") finds it
    made.op = op  # type: ignore[attr-defined]
    return made


def _define_ops() -> Callable[[Value, Value], Value]:
    """Give ``Value`` a method per op of the table; returns a ** b for a Value b."""
    power_of_values = None
    for op in operations.OPS.values():
        if op is operations.POWER:  # __pow__ chooses between it and the family ** n
            power_of_values = _compiled(_source(op), "__pow__", op)
        else:
            setattr(Value, op.method, _compiled(_source(op), op.method, op))
        if op.reflected is not None:
            setattr(Value, op.reflected, _compiled(_reflected_source(op), op.reflected, op))
    Value.__abs__ = Value.abs
    assert power_of_values is not None
    return power_of_values


_power_of_values = _define_ops()

# The methods of the ops whose name carries a constant, one per constant, made on first use.
# A float or int constant looks its method up at once (3 and 3.0 are one key).
_PLAIN = (float, int)
_POWERS: dict[float, Callable[[Value], Value]] = {}
_SLOPES: dict[float, Callable[[Value], Value]] = {}


def _family_step(family: operations.Family, constant: float,
                 made: dict[float, Callable[[Value], Value]]) -> Callable[[Value], Value]:
    op = family.op(constant)
    if len(made) > 1024:  # a program that makes endless exponents: keep the memory bounded
        made.clear()
    step = made[constant] = _compiled(_source(op), family.method, op)
    return step
