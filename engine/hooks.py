"""Hooks: a function called with a node's gradient during the sweep, as in PyTorch.

``handle = v.register_hook(fn)``. During ``backward()`` and ``engine.grad``,
once v's gradient is complete (every node that uses v has passed its share
back, which the reverse topological order guarantees), ``fn(grad)`` is
called. If it returns something other than None, that replaces the
gradient: ``v.grad`` shows it and v passes it on to its parents, so a hook
can print, record, clip or zero a gradient on its way down. Several hooks on
one node run in the order they were registered, each given the previous
one's result. ``handle.remove()`` takes the hook off (a handle is also a
context manager that removes its hook at the end of the block).

What a hook receives: a float in ``backward()`` and in ``engine.grad``; a
``Value`` under ``create_graph=True``, and what it returns then becomes part
of the gradient's graph. In ``backward()`` a leaf's hook sees this sweep's
gradient before it is added to what the leaf holds, as in PyTorch.
``sweep_gradients`` and the naive methods never call hooks: they are the
measures the sweep is compared with, exactly.

Cost: none while no hook exists. ``registered()`` counts the hooks alive in
the process, and ``backward`` keeps its plain sweep while it is 0. The hooks
live beside the node's label (``engine.node``), so a hook is freed with its
node, unless a handle still refers to it.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from numbers import Real
from types import TracebackType
from typing import Any

from engine.naming import node_name
from engine.node import Node, give_hooks, hooks_of

Hook = Callable[[Any], Any]

_numbers = itertools.count()
# Reentrant: a table freed (its __del__ runs) while this thread holds the lock.
_lock = threading.RLock()
_alive = 0


def registered() -> int:
    """How many hooks exist in the process (0: ``backward`` takes its plain sweep)."""
    return _alive


def _count(change: int) -> None:
    global _alive
    with _lock:
        _alive += change


class HookTable(dict[int, Hook]):
    """One node's hooks by registration number; uncounted when the table is freed."""

    __slots__ = ()

    def __del__(self) -> None:
        if self:
            _count(-len(self))


class RemovableHandle:
    """What ``register_hook`` returns: ``remove()`` takes the hook off its node."""

    __slots__ = ("_table", "_number")

    def __init__(self, table: HookTable, number: int) -> None:
        # The table, not the node: a handle kept in a list does not keep a graph alive.
        self._table: HookTable | None = table
        self._number = number

    def remove(self) -> None:
        """Take the hook off; removing it twice does nothing."""
        table, self._table = self._table, None
        if table is not None and self._number in table:
            del table[self._number]
            _count(-1)

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.remove()

    def __repr__(self) -> str:
        state = "removed" if self._table is None else "registered"
        return f"RemovableHandle({state})"


def register(node: Node, fn: Hook) -> RemovableHandle:
    """Call ``fn(grad)`` when ``node``'s gradient is complete; see the module's docstring."""
    if not callable(fn):
        raise TypeError(
            f"register_hook(fn): fn must be callable, got {type(fn).__name__}; "
            "give a function of the gradient, such as lambda grad: print(grad)"
        )
    table = hooks_of(node)
    if not isinstance(table, HookTable):
        table = HookTable()
        give_hooks(node, table)
    number = next(_numbers)
    table[number] = fn
    _count(1)
    return RemovableHandle(table, number)


def run(node: Node, grad: Any, as_node: Callable[[float], Node] | None = None) -> Any:
    """``grad`` after every hook of ``node`` (each may replace it).

    Replacements must be real numbers; with ``as_node`` (under
    ``create_graph=True``) Values too, and numbers become nodes by it.
    """
    table = hooks_of(node)
    if not table:
        return grad
    for fn in list(table.values()):  # a hook may remove itself
        result = fn(grad)
        if result is None:
            continue
        if as_node is not None and isinstance(result, Node):
            grad = result
        elif isinstance(result, Real) and not isinstance(result, (bool, Node)):
            grad = float(result) if as_node is None else as_node(float(result))
        else:
            expected = "a number or a Value" if as_node is not None else "a number"
            hint = (" (return grad.data, or use engine.grad(..., create_graph=True))"
                    if isinstance(result, Node) else "")
            raise TypeError(
                f"a hook on {node_name(node)} returned {type(result).__name__}: a hook returns "
                f"None to keep the gradient or {expected} to replace it{hint}"
            )
    return grad
