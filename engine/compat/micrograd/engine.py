"""micrograd's ``Value``, as a sweepgrad ``Value``.

What code written for micrograd (and the lecture that builds it) reads and
writes, mapped onto sweepgrad's node:

- ``Value(data, _children=(), _op='', label='')``: the constructor's order;
- ``_prev``: the set of operands (micrograd keeps a set; sweepgrad's
  ``parents`` is the tuple, so ``x * x`` keeps both edges there);
- ``_op``: the operation's name as micrograd writes it (``'ReLU'`` for relu);
- ``label``: settable, as in micrograd; unset it is None, sweepgrad's "no
  label" (micrograd's is ``''``, which sweepgrad would draw as a name);
- ``_backward()``: this node's step of the sweep, callable by hand as the
  lecture does node by node (``o.grad = 1.0; o._backward()``): each operand
  gets ``local_grad · self.grad`` added. A node the user builds with
  ``Value(out, (a, b), 'op')`` and gives its own ``_backward`` closure
  works too: ``backward()`` first calls each such closure once with the
  node's gradient at 1 and the operands' at 0, which reads its local
  derivatives off (the closure adds local_grad · 1 to each), and keeps them
  on the node, so the sweep, the drawings and ``explain`` see them;
- ``backward()``: sweepgrad's sweep (iterative, so a deep graph is no
  problem; running it twice leaves interior gradients right).

Every operation is sweepgrad's own (``a - b`` is one ``-`` node, ``a / b``
one ``/`` node), so the numbers are those of sweepgrad's API bit for bit and
micrograd's to rounding (micrograd computes a − b as a + (−1·b), a / b as
a·b⁻¹).
"""

from __future__ import annotations

import math
from numbers import Real
from typing import Any

from engine import Value as EngineValue
from engine import topological_order
from engine.compat.wrapped_operations import install

# micrograd's spelling of the op names that differ from sweepgrad's.
_MICROGRAD_OPS = {"relu": "ReLU"}


class Value(EngineValue):
    """A sweepgrad ``Value`` with micrograd's constructor, attributes and ``_backward``."""

    # No __slots__: code written for micrograd sets attributes (``_backward``).

    def __init__(
        self, data: float, _children: tuple = (), _op: str = "", label: str = ""
    ) -> None:
        children = tuple(_children)
        # A node built by hand has no local derivatives until its _backward is read.
        super().__init__(data, children, (math.nan,) * len(children), _op, label or None)

    # --- micrograd's attributes ---------------------------------------------

    @property
    def _prev(self) -> set[EngineValue]:
        return set(self.parents)  # type: ignore[arg-type]

    @property
    def _op(self) -> str:
        return _MICROGRAD_OPS.get(self.op, self.op)

    def _backward(self) -> None:
        """One step of the sweep by hand: each operand gets local_grad · self.grad."""
        for parent, local_grad in zip(self.parents, self.local_grads):
            parent.grad += local_grad * self.grad

    def backward(self) -> None:
        """d(self)/d(node) into every node's ``.grad``, by sweepgrad's sweep."""
        _read_hand_written_derivatives(self)
        super().backward()

    def __repr__(self) -> str:
        return f"Value(data={self.data}, grad={self.grad})"


def _adopt(node: EngineValue) -> Value:
    """The op's result as a micrograd ``Value`` (same number, operands and local derivatives)."""
    out = Value.__new__(Value)
    EngineValue.__init__(out, node.data, node.parents, node.local_grads, node.op)
    return out


def _operand(x: Any) -> Any:
    """A number becomes a micrograd ``Value`` (so every node of the graph is one)."""
    if isinstance(x, Real) and not isinstance(x, (bool, EngineValue)):
        return Value(float(x))
    return x


# Every operation is sweepgrad's; its result becomes a micrograd Value.
install(Value, _operand, _adopt)


def _read_hand_written_derivatives(root: EngineValue) -> None:
    """Local derivatives of nodes given a ``_backward`` closure, read by calling it once.

    The closure adds local_grad · out.grad to each operand's gradient: with
    out.grad = 1 and the operands' at 0, what it adds is the local derivative
    (an operand used twice gets the sum, kept on its first edge). Every
    gradient touched is put back.
    """
    for node in topological_order(root):
        closure = vars(node).get("_backward") if hasattr(node, "__dict__") else None
        if closure is None:
            continue
        parents = node.parents
        saved = [(p, p.grad) for p in parents] + [(node, node.grad)]
        try:
            for p in parents:
                p.grad = 0.0
            node.grad = 1.0
            closure()
            seen: set[int] = set()
            local_grads = []
            for p in parents:
                local_grads.append(0.0 if id(p) in seen else float(p.grad))
                seen.add(id(p))
        finally:
            for p, grad in reversed(saved):
                p.grad = grad
        node.local_grads = tuple(local_grads)
        del node.__dict__["_backward"]  # read once: the node now carries its derivatives
