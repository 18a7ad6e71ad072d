"""microgpt's ``Value``, as a sweepgrad ``Value``.

microgpt defines its own scalar class, ``Value(data, children=(),
local_grads=())`` with the slots ``data``, ``grad``, ``_children`` and
``_local_grads``, and a ``backward()`` that adds ``local_grad · grad`` along
every edge in reverse topological order. That is sweepgrad's node (parents
and their local derivatives, recorded by each op), so replacing the class
with ``from engine.compat.microgpt import Value`` changes nothing else in
such a program: its model, softmax, normalisation, loss, Adam loop and
sampling run as written, and the graphs can be drawn, explained and
compiled (``engine.compile``).

Every operation is sweepgrad's own, so the numbers are those of sweepgrad's
API bit for bit and microgpt's to rounding (microgpt computes a / b as
a·b⁻¹, and x ** −0.5 with C's pow where sweepgrad takes 1/√x, as PyTorch
does). A node built by hand, ``Value(y, (a, b), (∂y/∂a, ∂y/∂b))``, is a
node like any other.
"""

from __future__ import annotations

from numbers import Real
from typing import Any

from engine import Value as EngineValue
from engine.compat.wrapped_operations import install


class Value(EngineValue):
    """A sweepgrad ``Value`` with microgpt's constructor and attribute names."""

    __slots__ = ()  # as sweepgrad's Value: an op's result is re-labelled as this class

    def __init__(self, data: float, children: tuple = (), local_grads: tuple = ()) -> None:
        super().__init__(data, tuple(children), tuple(local_grads))

    @property
    def _children(self) -> tuple[EngineValue, ...]:
        return self.parents  # type: ignore[return-value]

    @property
    def _local_grads(self) -> tuple[float, ...]:
        return self.local_grads


def _operand(x: Any) -> Any:
    """A number becomes a ``Value`` (so every node of the graph is one)."""
    if isinstance(x, Real) and not isinstance(x, (bool, EngineValue)):
        return Value(float(x))
    return x


def _adopt(node: Any) -> Any:
    """The op's node, now of this class (the same layout, so no copy is made)."""
    if isinstance(node, EngineValue):
        node.__class__ = Value
    return node


# Every operation is sweepgrad's; its node becomes one of this class.
install(Value, _operand, _adopt)
